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
source of ``part`` of it and not counted in ``support``, unless it shares nothing but names with it (every
sentence of a story names its participants) and the claim verifier, when installed, judges the two
unrelated: that member tells something else, and is an entry of its own after that one; findings on a member
are the entry's typed conflicts; an entry only one version carries is marked
``unverified``.
"""

from __future__ import annotations

import re
from typing import Callable, Sequence

import numpy as np

from storytrace.compare.differences.entities import names_in
from storytrace.compare.verifier import judged_unrelated
from storytrace.fitted import threshold
from storytrace.model import Alignment, BriefConflict, BriefEntry, BriefSource, DerivationEdge, Document, Finding
from storytrace.text import content_words

_WORD = re.compile(r"[^\W\d_][\w'’-]*")
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
    judge: Callable[[list[tuple[str, str]]], np.ndarray] | None = None,
) -> list[BriefEntry]:
    """The brief of one story. ``judge``: the claim verifier's ``predict`` (compare/verifier.py), or None."""
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

    def marked(a: str, i: int) -> bool:
        s = docs[a].sentences[i]
        return any(art == a and s.start <= pos < s.end for art, pos in flagged)

    def teller_of(members: list[tuple[str, int]]) -> tuple[str, int]:
        return next(((a, i) for a, i in members if not marked(a, i) and (a, i) not in related), members[0])

    def carried(told_words: frozenset[str], a: str, i: int) -> float:
        return len(told_words & content_words(docs[a].sentences[i].text)) / len(told_words) if told_words else 1.0

    # A member that shares nothing but names with the told sentence, and that the claim verifier finds
    # unrelated to it, was aligned on its participants (every sentence of a story names them): it tells
    # something else, as an entry of its own after this one. Either sign alone is not enough: a paraphrase
    # can share no other word, and the verifier alone calls some partial paraphrases unrelated.
    suspects = []
    for key in sorted(facts) if judge is not None else ():
        members = facts[key]
        a0, i0 = teller_of(members)
        told_words = content_words(docs[a0].sentences[i0].text)
        for a, i in members:
            if (a, i) == (a0, i0) or (a, i) in related or carried(told_words, a, i) >= merge_c:
                continue
            shared = told_words & content_words(docs[a].sentences[i].text)
            if shared <= _name_words(docs[a0], i0) | _name_words(docs[a], i):
                suspects.append((key, (a, i), (a0, i0)))
    if suspects:
        verdicts = judge([(docs[t[0]].sentences[t[1]].text, docs[m[0]].sentences[m[1]].text) for _, m, t in suspects])
        moved = 0
        for (key, m, _), apart in zip(suspects, judged_unrelated(verdicts)):
            if apart:
                facts[key].remove(m)
                moved += 1
                facts[(key[0], key[1] + 0.5 + moved / 10_000)] = [m]
    entries = []
    for key in sorted(facts):
        members = facts[key]
        sentences = [docs[a].sentences[i] for a, i in members]
        teller = teller_of(members)
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
            sources.append(BriefSource(a, (s.start, s.end), "all" if carried(told_words, a, i) >= merge_c else "part"))
        in_conflict = {c.article for c in conflicts}
        support = len({src.article for src in sources if src.carries == "all" and src.article not in in_conflict})
        entries.append(BriefEntry(told, tuple(sources), support, conflicts, unverified=len(
            {src.article for src in sources}) < 2))
    return entries


def _name_words(doc: Document, index: int) -> frozenset[str]:
    """The content words of the names in a sentence: people, places and organisations (compare/differences/
    entities.py), and any word capitalised after the sentence's first."""
    s = doc.sentences[index]
    named = set().union(*(content_words(e.text) for e in names_in(doc, s)))
    named |= {w.lower() for w in _WORD.findall(s.text)[1:] if w[0].isupper()}
    return frozenset(named) & content_words(s.text)
