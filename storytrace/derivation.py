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
"""

from __future__ import annotations

import re
from itertools import combinations

from .lexical import content_words
from .model import Alignment, DerivationEdge, Document, PairReuse
from .thresholds import threshold

COMMON_SOURCE = "(unseen common source)"
_NUMBER = re.compile(r"\d[\d,.]*")


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
    to_x = _links_by_sentence(links[(y.id, x.id)])
    shared = total = 0
    for z in others:
        to_z = _links_by_sentence(links[(y.id, z.id)])
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


def infer_derivation(
    docs: dict[str, Document],
    links: dict[tuple[str, str], list[Alignment]],
    reuse: dict[tuple[str, str], PairReuse],
) -> list[DerivationEdge]:
    derived_cov = threshold("derived_coverage")
    wholly_cov = threshold("wholly_coverage")
    shared_share = threshold("shared_source_agreement")
    edges: list[DerivationEdge] = []
    shared_members: dict[str, list[str]] = {}
    for xid, yid in combinations(docs, 2):
        x, y = docs[xid], docs[yid]
        x_in_y, y_in_x = reuse[(xid, yid)].total, reuse[(yid, xid)].total
        if max(x_in_y, y_in_x) < derived_cov:
            continue
        time_order = _order(x, y)
        loss_xy = detail_loss(x, y, links[(xid, yid)])
        loss_yx = detail_loss(y, x, links[(yid, xid)])
        content_sign = (y_in_x - x_in_y) + 0.5 * (loss_xy - loss_yx) / max(1, loss_xy + loss_yx)
        if time_order is not None:
            forward = time_order > 0
        else:
            forward = content_sign >= 0
        src, dst = (x, y) if forward else (y, x)
        dst_in_src = reuse[(dst.id, src.id)].total
        src_in_dst = reuse[(src.id, dst.id)].total
        others = [d for d in docs.values() if d.id not in (xid, yid)]
        agree, departures = agreement_against(dst, src, others, links) if others else (0, 0)
        agree_share = agree / departures if departures else 0.0
        if time_order is None and departures >= 10 and agree_share >= shared_share:
            back, back_total = agreement_against(src, dst, others, links)
            evidence = (
                f"{dst.id} and {src.id} share {dst_in_src:.0%}/{src_in_dst:.0%} of their sentences, "
                f"but {agree} of {dst.id}'s {departures} reworded words away from {src.id} "
                f"match another version ({back} of {back_total} the other way): "
                "both go back to a source that is not among these versions"
            )
            for member in (src.id, dst.id):
                shared_members.setdefault(member, []).append(evidence)
            continue
        level = "wholly" if dst_in_src >= wholly_cov else (
            "partially" if dst_in_src >= derived_cov else None
        )
        if level is None:
            continue
        if time_order is not None:
            confidence = 0.6 + 0.35 * dst_in_src
            why = f"{src.id} was published first"
        else:
            confidence = 0.45 + 0.35 * min(1.0, abs(content_sign))
            why = (
                f"no timestamps; {dst.id} is the condensed one ({dst_in_src:.0%} of it is in {src.id}, "
                f"{src_in_dst:.0%} of {src.id} is in it) and it lost {loss_xy if forward else loss_yx} "
                f"specifics against {loss_yx if forward else loss_xy} gained"
            )
            if others:
                why += f"; {agree} of its {departures} reworded words match a third version"
            else:
                why += "; with two versions a shared unseen source cannot be ruled out"
        evidence = f"{dst_in_src:.0%} of {dst.id}'s sentences are found in {src.id}; {why}"
        edges.append(DerivationEdge(src.id, dst.id, level, round(confidence, 2), evidence))
    for member, reasons in shared_members.items():
        edges.append(
            DerivationEdge(COMMON_SOURCE, member, "shared_source", 0.7, reasons[0])
        )
    return edges
