"""Fusion: one account of the story where every entry names its sources.

Method: a backbone version gives the story order: the one whose sentences the
other versions carry most (the most-copied text, usually the wire). Each of
its sentences is one fact; a sentence of another version joins the fact it
is best aligned to, and a sentence found in no backbone sentence becomes a
fact of its own, placed after the fact its predecessor joined. This is the
sentence-clustering step of multi-document fusion (Barzilay & McKeown 2005,
"Sentence Fusion for Multidocument News Summarization", Computational
Linguistics 31(3)) with clusters anchored on one version so that chains of
loose alignments cannot merge distinct facts. A fact is told in the words of
its backbone sentence, unless a finding marks that sentence and another
member is clean.

Credit is honest: a version is a source of an entry only where its sentence
carries the entry's content. A member joined by a counterpart link (a changed
claim, compare/counterparts.py) is not a source; a member that carries most
but not all of the told sentence's content words (below ``merge_containment``,
the containment cut-off fitted on synthetic merges of MRPC train pairs) is a
source of ``part`` of it and not counted in ``support``; findings on a member
are the entry's typed conflicts; an entry only one version carries is marked
``unverified``.
"""

from __future__ import annotations

from typing import Sequence

from storytrace.fitted import threshold
from storytrace.model import Alignment, BriefConflict, BriefEntry, BriefSource, DerivationEdge, Document, Finding
from storytrace.text import content_words

_NOT_CONFLICTS = frozenset({"unsupported_addition", "omission"})


def _backbone(
    docs: dict[str, Document],
    links: dict[tuple[str, str], list[Alignment]],
    derivation: Sequence[DerivationEdge] = (),
) -> str:
    derived = {e.derived for e in derivation}
    roots = {e.source for e in derivation if e.source in docs} - derived
    if len(roots) == 1:
        return roots.pop()  # the version the others were taken from
    def carried(d: str) -> float:
        n = max(1, len(docs[d].sentences))
        return sum(len({l.b_index for l in links.get((o, d), [])}) / n for o in docs if o != d)

    return max(docs, key=lambda d: (carried(d), len(docs[d].sentences), d))


def _flagged(findings: list[Finding]) -> set[tuple[str, int]]:
    return {(f.article, f.span[0]) for f in findings if f.kind not in _NOT_CONFLICTS}


def fuse_brief(
    docs: dict[str, Document],
    links: dict[tuple[str, str], list[Alignment]],
    findings: list[Finding],
    derivation: Sequence[DerivationEdge] = (),
) -> list[BriefEntry]:
    if not docs:
        return []
    root = _backbone(docs, links, derivation)
    # fact id -> members; facts ordered by a sortable key (root index, insertion order)
    facts: dict[tuple[float, int], list[tuple[str, int]]] = {}
    related: set[tuple[str, int]] = set()  # members joined by a counterpart link: what changed, not support
    for s in docs[root].sentences:
        if not s.is_heading:
            facts[(float(s.index), 0)] = [(root, s.index)]
    for rank, d in enumerate(docs.values()):
        if d.id == root:
            continue
        best: dict[int, Alignment] = {}
        for l in links.get((d.id, root), []):
            if l.a_index not in best or l.score > best[l.a_index].score:
                best[l.a_index] = l
        anchor, extra = -0.5, 0
        for s in d.sentences:
            if s.is_heading:
                continue
            l = best.get(s.index)
            if l is not None and (float(l.b_index), 0) in facts:
                facts[(float(l.b_index), 0)].append((d.id, s.index))
                if l.kind == "related":
                    related.add((d.id, s.index))
                anchor, extra = float(l.b_index), 0
                continue
            extra += 1
            facts[(anchor + 0.5 - 0.5 / (extra + 1), rank * 10_000 + extra)] = [(d.id, s.index)]
    flagged = _flagged(findings)
    merge_c = threshold("merge_containment")
    entries = []
    for key in sorted(facts):
        members = facts[key]
        sentences = [docs[a].sentences[i] for a, i in members]

        def marked(a: str, i: int) -> bool:
            s = docs[a].sentences[i]
            return any(art == a and s.start <= pos < s.end for art, pos in flagged)

        teller = next(((a, i) for a, i in members if not marked(a, i) and (a, i) not in related), members[0])
        told = docs[teller[0]].sentences[teller[1]].text
        told_words = content_words(told)
        conflicts = tuple(
            BriefConflict(f.article, f.kind, f.severity, f.span, f.explanation)
            for f in findings
            if f.kind not in _NOT_CONFLICTS
            and any(f.article == s.article_id and s.start <= f.span[0] < s.end for s in sentences)
        )
        sources = []
        for (a, i), s in zip(members, sentences):
            if (a, i) in related:
                continue  # paired for what changed, not for carrying the content
            carried = len(told_words & content_words(s.text)) / len(told_words) if told_words else 1.0
            sources.append(BriefSource(a, (s.start, s.end), "all" if carried >= merge_c else "part"))
        in_conflict = {c.article for c in conflicts}
        support = len({src.article for src in sources if src.carries == "all" and src.article not in in_conflict})
        entries.append(BriefEntry(told, tuple(sources), support, conflicts, unverified=len(
            {src.article for src in sources}) < 2))
    return entries
