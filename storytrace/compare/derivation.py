"""Derivation: which version took its content from which.

Method, for each pair of versions X, Y of a story:

1. Reuse: ``cov(Y in X)``, the share of Y's sentences aligned to X. Below the
   fitted ``derived_coverage`` cut-off there is no edge.
2. Direction: with ``published_at`` on both, the earlier one is the source.
   Otherwise content evidence: the derived version is the one more covered by
   the other (rewrites condense far more often than they pad), and the one
   that lost specific details (numbers, names, quoted words) across its
   aligned sentences. Confidence is lower without timestamps.
3. Shared source, by the agreement test of textual criticism (Lachmann's
   method; see Roelli 2020, "Handbook of Stemmatology", ch. 4): if Y were
   copied from X, the places where Y's wording departs from X would agree with
   a third version Z only by chance. When a large share of Y's departures
   from X are words that Z has too, Y and X both go back to something not
   among the versions, and that is reported instead of a direction.
4. Short versions: a summary, excerpt or post drawn from a long version shares
   too few aligned sentences for 1. (its claims are reworded and condensed),
   so a pair that compare/grouping.py's excerpt model judges as "the short one
   is drawn from the long one" is a ``partially`` derived edge, long to short,
   whatever its coverage.
"""

from __future__ import annotations

import re
from itertools import combinations

from storytrace.compare.grouping import excerpt_features, excerpt_probability, is_excerpt_pair, version_cut
from storytrace.text import content_words
from storytrace.model import COMMON_SOURCE, Alignment, DerivationEdge, Document, PairReuse
from storytrace.fitted import threshold

_NUMBER = re.compile(r"\d[\d,.]*")
_WORD = re.compile(r"\w+")
# Fewer reworded words than this say nothing about who copied whom.
MIN_DEPARTURES = 10


def _details(doc: Document, index: int) -> set[str]:
    """Checkable specifics of one sentence: numbers, names, quoted words."""
    s = doc.sentences[index]
    found = {m.group().rstrip(".,") for m in _NUMBER.finditer(s.text)}
    for e in doc.entities_in(s.start, s.end):
        if e.label in ("PERSON", "ORG", "GPE", "LOC", "FAC", "EVENT"):
            found.add(e.text.lower().split()[-1])
    for q in doc.quotes_in(index):
        found |= {"q:" + w for w in content_words(q.text)}
    return found


def _links_by_sentence(links: list[Alignment]) -> dict[int, list[int]]:
    out: dict[int, list[int]] = {}
    for l in links:
        out.setdefault(l.a_index, []).append(l.b_index)
    return out


def _words_of(doc: Document, indexes: list[int]) -> set[str]:
    out: set[str] = set()
    for i in indexes:
        out |= content_words(doc.sentences[i].text)
    return out


def detail_loss(src: Document, dst: Document, links: list[Alignment]) -> int:
    """Specifics in ``src``'s aligned sentences that ``dst``'s counterparts lack."""
    lost = 0
    for i, js in _links_by_sentence(links).items():
        theirs: set[str] = set()
        for j in js:
            theirs |= _details(dst, j)
        lost += len(_details(src, i) - theirs)
    return lost


def agreement_against(
    y: Document, x: Document, others: list[Document], links: dict[tuple[str, str], list[Alignment]]
) -> tuple[int, int]:
    """(departures of y from x that a third version shares, all departures of y from x).

    Only y's sentences aligned to both x and a third version are read, so that
    omissions and additions do not count, only rewording.
    """
    to_x = _links_by_sentence(links.get((y.id, x.id), []))
    shared = total = 0
    for z in others:
        to_z = _links_by_sentence(links.get((y.id, z.id), []))
        for i in set(to_x) & set(to_z):
            departures = content_words(y.sentences[i].text) - _words_of(x, to_x[i])
            total += len(departures)
            shared += len(departures & _words_of(z, to_z[i]))
    return shared, total


def _order(x: Document, y: Document) -> int | None:
    """+1 if x was published before y, -1 if after, None if unknown or equal."""
    tx, ty = x.article.published_at, y.article.published_at
    if not tx or not ty or tx == ty:
        return None
    return 1 if tx < ty else -1


def _aligned_sentences(links: list[Alignment]) -> set[int]:
    return {l.a_index for l in links}


def infer_derivation(
    docs: dict[str, Document],
    links: dict[tuple[str, str], list[Alignment]],
    reuse: dict[tuple[str, str], PairReuse],
) -> list[DerivationEdge]:
    """Derivation edges of one story (see the module docstring for the method)."""
    derived_cov = threshold("derived_coverage")
    wholly_cov = threshold("wholly_coverage")
    shared_share = threshold("shared_source_agreement")
    candidates: list[DerivationEdge] = []
    shared_members: dict[str, list[str]] = {}
    for xid, yid in combinations(docs, 2):
        if (xid, yid) not in reuse:
            continue  # not a candidate pair (compare/candidates.py): never aligned
        x, y = docs[xid], docs[yid]
        x_in_y, y_in_x = reuse[(xid, yid)].total, reuse[(yid, xid)].total
        if max(x_in_y, y_in_x) < derived_cov:
            excerpt = _excerpt_edge(x, y)
            if excerpt is not None:
                candidates.append(excerpt)
            continue
        others = [d for d in docs.values() if d.id not in (xid, yid)]
        # y's departures from x that a third version shares, and the reverse (third versions aligned with both)
        witnesses = [z for z in others if (xid, z.id) in reuse and (yid, z.id) in reuse]
        agree_y, dep_y = agreement_against(y, x, witnesses, links) if witnesses else (0, 0)
        agree_x, dep_x = agreement_against(x, y, witnesses, links) if witnesses else (0, 0)
        share_y = agree_y / dep_y if dep_y >= MIN_DEPARTURES else None
        share_x = agree_x / dep_x if dep_x >= MIN_DEPARTURES else None
        time_order = _order(x, y)
        if time_order is not None:
            forward = time_order > 0
            why = f"{(x if forward else y).id} was published first"
            confidence_base = 0.6
        elif share_x is not None and share_y is not None and min(share_x, share_y) >= shared_share:
            evidence = (
                f"{xid} and {yid} share {x_in_y:.0%}/{y_in_x:.0%} of their sentences, but each one's "
                f"rewording of the other is matched by a third version ({agree_y} of {dep_y} words, "
                f"{agree_x} of {dep_x} the other way): both go back to a source that is not among "
                "these versions"
            )
            for member in (xid, yid):
                shared_members.setdefault(member, []).append(evidence)
            continue
        elif share_x is not None and share_y is not None and (share_y < shared_share) != (share_x < shared_share):
            # Only the copy's departures are its own: the other side's match a third version.
            forward = share_y < shared_share
            why = (
                f"its rewording is its own ({(agree_y if forward else agree_x)} of "
                f"{(dep_y if forward else dep_x)} changed words match a third version) while the other's "
                f"wording is shared with a third version"
            )
            confidence_base = 0.45
        else:
            loss_xy = detail_loss(x, y, links.get((xid, yid), []))
            loss_yx = detail_loss(y, x, links.get((yid, xid), []))
            sign = (y_in_x - x_in_y) + 0.5 * (loss_xy - loss_yx) / max(1, loss_xy + loss_yx)
            forward = sign >= 0
            if sign == 0:
                why = "no timestamps, and each carries the other equally: which came first cannot be told"
                confidence_base = 0.15
            else:
                why = "no timestamps; it is the condensed one and lost more specifics"
                confidence_base = 0.35
            if not others:
                why += "; with two versions a shared unseen source cannot be ruled out"
        src, dst = (x, y) if forward else (y, x)
        dst_in_src = reuse[(dst.id, src.id)].total
        if dst_in_src < derived_cov:
            continue
        level = "wholly" if dst_in_src >= wholly_cov else "partially"
        confidence = confidence_base + 0.35 * dst_in_src
        evidence = f"{dst_in_src:.0%} of {dst.id}'s sentences are found in {src.id}; {why}"
        if time_order is None and others:
            evidence += "; without timestamps, a common source not among these versions cannot be ruled out"
        candidates.append(DerivationEdge(src.id, dst.id, level, round(min(confidence, 0.95), 2), evidence))
    edges = _primary_sources(candidates, docs, links)
    for member, reasons in shared_members.items():
        if any(e.derived == member for e in edges):
            continue  # its own source is among the versions
        edges.append(DerivationEdge(COMMON_SOURCE, member, "shared_source", 0.6, reasons[0]))
    return edges


def _excerpt_edge(x: Document, y: Document) -> DerivationEdge | None:
    """A short version drawn from a long one (a summary, an excerpt, a post) is derived from it even
    when few of its sentences align: compare/grouping.py's excerpt model judges it."""
    if not is_excerpt_pair(x, y):
        return None
    p = excerpt_probability(x, y)
    if p < version_cut():
        return None
    short, long_ = sorted((x, y), key=lambda d: len(d.article.text))
    f = excerpt_features(short.article.text, long_.article.text)
    evidence = (f"{short.id} is a short version of {long_.id} (a summary or excerpt): {f.word_containment:.0%} "
                f"of its content words and {f.name_containment:.0%} of its names are found there")
    return DerivationEdge(long_.id, short.id, "partially", round(min(0.35 + 0.5 * p, 0.95), 2), evidence)


def _trigrams(doc: Document) -> set[tuple[str, str, str]]:
    words = [w.lower() for w in _WORD.findall(doc.article.text)]
    return set(zip(words, words[1:], words[2:]))


def trigram_containment(derived: Document, source: Document) -> float:
    """Share of ``derived``'s word trigrams found in ``source`` (the containment of Broder 1997, "On the
    resemblance and containment of documents", as the METER corpus measures text reuse: Clough, Gaizauskas,
    Piao & Wilks 2002)."""
    mine = _trigrams(derived)
    return len(mine & _trigrams(source)) / len(mine) if mine else 0.0


def _primary_sources(
    candidates: list[DerivationEdge],
    docs: dict[str, Document],
    links: dict[tuple[str, str], list[Alignment]],
) -> list[DerivationEdge]:
    """Per derived version keep its best source, and others only for what that one lacks.

    A copy of a copy matches both ancestors; the nearer source explains it
    (Maas's "eliminatio codicum descriptorum"): the one whose word sequences it shares most
    (`trigram_containment`), so a copy of the wire is not put down to a faithful rewrite of the wire,
    which matches it sentence for sentence in other words. A second source is kept when
    the derived version has sentences found in it and not in the first: a
    blend.
    """
    by_dst: dict[str, list[DerivationEdge]] = {}
    for e in candidates:
        by_dst.setdefault(e.derived, []).append(e)
    out: list[DerivationEdge] = []
    for dst, edges in by_dst.items():
        # the nearest wording first: a copy of the wire is found in a faithful rewrite of it too, sentence
        # for sentence, but shares the wire's word sequences
        edges.sort(key=lambda e: (-trigram_containment(docs[dst], docs[e.source]),
                                  -len(_aligned_sentences(links.get((dst, e.source), [])))))
        covered = _aligned_sentences(links.get((dst, edges[0].source), []))
        out.append(edges[0])
        n = len(docs[dst].sentences)
        for e in edges[1:]:
            extra = _aligned_sentences(links.get((dst, e.source), [])) - covered
            if len(extra) >= max(2, 0.1 * n):
                covered |= extra
                out.append(DerivationEdge(e.source, e.derived, "partially", e.confidence,
                                          e.evidence + f"; {len(extra)} sentences come from here only"))
    return out
