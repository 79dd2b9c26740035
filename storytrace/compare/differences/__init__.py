"""Differences between versions of one story: the findings.

Method: every aligned sentence pair of two versions is shown to the detectors
of `DETECTORS`, one module each (figures: `numbers`; dates: `dates`; polarity
and strength: `polarity`; a verb of another act: `predicates`; quotes, quotation marks added or removed, and
speakers: `quotes`; named entities: `entities`; a dropped date and a figure
made vague: `detail`; sourcing: `attribution`), and then the story as a whole
(broken quotation marks: `quotes`; sentences aligned to nothing in any other
version are unsupported additions, and sentences a derived version drops
although its source and another version carry them are omissions, only along
a derivation edge: `coverage`; names a derived version puts into a claim it
took, which no other version mentions: `novelty`). What each kind means and how severe it is:
docs/findings.md. Each
detector returns `Change`s. Each change is reported on the version that
departs, chosen in this order: the derived end of a derivation edge; the side
a third version disagrees with (a majority reading, as in collation of
manuscripts); the later-published one; the one more condensed into the other.
Two versions derived from the same source are each compared with that source,
not with each other, so one change is reported once, where it was made. A
change found twice (same version, kind and span) is reported once, at its
highest severity.

Adding a detector: a module with one function, ``detect(view: StoryView) ->
list[Change]`` (see `change`), and a line in `DETECTORS`.
"""

from __future__ import annotations

from itertools import combinations

from storytrace.compare.differences import (
    attribution,
    coverage,
    dates,
    detail,
    entities,
    novelty,
    numbers,
    polarity,
    predicates,
    quotes,
)
from storytrace.compare.differences.change import AlignedPair, Change, Detector, StoryView
from storytrace.model import (
    COMMON_SOURCE,
    SEVERITY_RANK,
    Alignment,
    Counterpart,
    DerivationEdge,
    Document,
    Finding,
)

# Order matters only between changes of one kind (which one is kept when two
# coincide); it is the order they have always been found in.
DETECTORS: tuple[Detector, ...] = (
    numbers.detect,
    dates.detect,
    polarity.detect,
    predicates.detect,
    quotes.detect,
    entities.detect,
    coverage.detect,
    detail.detect,
    attribution.detect,
    novelty.detect,
)


def _changes(view: StoryView) -> list[Change]:
    return [ch for detect in DETECTORS for ch in detect(view)]


def _aligned_changes(view: StoryView) -> list[Change]:
    """The changes in the two sentences in view themselves, which a majority reading can check."""
    return [ch for ch in _changes(view) if not ch.nearby]


def _edge_between(x: Document, y: Document, edges: list[DerivationEdge]) -> tuple[Document, Document] | None:
    """(source, derived) when a derivation edge links the two."""
    for e in edges:
        if e.source == x.id and e.derived == y.id:
            return x, y
        if e.source == y.id and e.derived == x.id:
            return y, x
    return None


def _default_orientation(
    x: Document, y: Document, coverage_of: dict[tuple[str, str], float]
) -> tuple[Document, Document]:
    """Without an edge or a majority: the later one departs, else the more condensed one."""
    tx, ty = x.article.published_at, y.article.published_at
    if tx and ty and tx != ty:
        return (x, y) if tx < ty else (y, x)
    return (x, y) if coverage_of[(y.id, x.id)] >= coverage_of[(x.id, y.id)] else (y, x)


def _best_links(links: list[Alignment]) -> list[Alignment]:
    """Each sentence (or claim) of the reported side compared with its best counterpart only."""
    best: dict[tuple[int, tuple[int, int]], Alignment] = {}
    for l in links:
        key = (l.b_index, l.b_span)
        if key not in best or l.score > best[key].score:
            best[key] = l
    return sorted(best.values(), key=lambda l: (l.b_index, l.b_span))


def _third_party_says_deviant(change: Change, view: StoryView, pair: AlignedPair, others: list[Document]) -> bool | None:
    """Does a third version side with the pair's src (True), with its dst (False), or neither (None)?"""
    src, si = pair.src, pair.src_index
    votes = 0
    for z in others:
        for l in view.links.get((z.id, src.id), []):
            if l.b_index != si:
                continue
            # z's sentence against each side; close_wording stays on, as it always has for votes
            against_src = view.looking_at(AlignedPair(z, l.a_index, src, si))
            against_dst = view.looking_at(AlignedPair(z, l.a_index, pair.dst, pair.dst_index))
            src_differs = any(c.kind == change.kind for c in _aligned_changes(against_src))
            dst_differs = any(c.kind == change.kind for c in _aligned_changes(against_dst))
            if dst_differs and not src_differs:
                votes += 1
            elif src_differs and not dst_differs:
                votes -= 1
    return None if votes == 0 else votes > 0


def _finding(ch: Change, docs: dict[str, Document]) -> Finding:
    text = docs[ch.article].article.text[ch.span[0] : ch.span[1]] if ch.text is None else ch.text
    counterpart = None
    if ch.counterpart is not None and ch.counter_span is not None:
        c = docs[ch.counterpart].article.text
        counterpart = Counterpart(ch.counterpart, c[ch.counter_span[0] : ch.counter_span[1]], ch.counter_span)
    return Finding(ch.article, ch.kind, ch.severity, text, ch.span, ch.explanation, counterpart)


def find_differences(
    docs: dict[str, Document],
    links: dict[tuple[str, str], list[Alignment]],
    derivation: list[DerivationEdge],
) -> list[Finding]:
    """The findings of one story, most severe first."""
    story = StoryView(docs, links, derivation)
    coverage_of = {}
    for (a, b), ls in links.items():
        coverage_of[(a, b)] = len({l.a_index for l in ls}) / max(1, len(docs[a].sentences))
    findings: dict[tuple, Finding] = {}

    def add(ch: Change) -> None:
        f = _finding(ch, docs)
        key = (f.article, f.kind, f.span)
        if key not in findings or SEVERITY_RANK[f.severity] < SEVERITY_RANK[findings[key].severity]:
            findings[key] = f

    sources_of: dict[str, set[str]] = {}
    for e in derivation:
        if e.source != COMMON_SOURCE:
            sources_of.setdefault(e.derived, set()).add(e.source)
    for xid, yid in combinations(docs, 2):
        if not links.get((xid, yid)):
            continue  # nothing aligned (or never aligned: compare/candidates.py), so nothing changed
        x, y = docs[xid], docs[yid]
        oriented = _edge_between(x, y, derivation)
        if oriented is None and sources_of.get(xid, set()) & sources_of.get(yid, set()):
            continue  # siblings: each is compared with the source they share
        src, dst = oriented or _default_orientation(x, y, coverage_of)
        others = [d for d in docs.values() if d.id not in (xid, yid)]
        nearby: list[Change] = []
        for l in _best_links(links[(src.id, dst.id)]):
            # a copy (verbatim, edited) is close wording; a paraphrase or a related counterpart is not
            pair = AlignedPair(src, l.a_index, dst, l.b_index, close_wording=l.kind in ("verbatim", "edited"),
                               kind=l.kind, src_span=l.a_span, dst_span=l.b_span)
            for ch in _changes(story.looking_at(pair)):
                if ch.nearby:
                    nearby.append(ch)  # reported after the pair's own changes, unchecked
                    continue
                if oriented is None and others:
                    verdict = _third_party_says_deviant(ch, story, pair, others)
                    if verdict is False:
                        # the same kind of change read the other way round, reported on src
                        back = story.looking_at(AlignedPair(dst, l.b_index, src, l.a_index))
                        flipped = [c for c in _aligned_changes(back) if c.kind == ch.kind]
                        if not flipped:
                            continue
                        ch = flipped[0]
                add(ch)
        for ch in nearby:
            add(ch)

    for ch in _changes(story):  # the story as a whole
        add(ch)
    for ch, left_to, (start, end) in novelty.deferred(story):  # left to a detector that found nothing
        # and not when the sentence is already flagged for a detail of its own: one finding per claim
        if not any(f.article == ch.article and f.kind in (left_to, "unsupported_addition")
                   and start <= f.span[0] and f.span[1] <= end for f in findings.values()):
            add(ch)
    return sorted(
        findings.values(), key=lambda f: (SEVERITY_RANK[f.severity], f.article, f.span[0], f.kind)
    )


__all__ = ["DETECTORS", "AlignedPair", "Change", "Detector", "StoryView", "find_differences"]
