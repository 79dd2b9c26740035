"""Coverage: what one version says that no other does, and what a derived one leaves out.

Detector: `detect`, on the story as a whole (these are sentences aligned to
nothing, so a single aligned pair has nothing to show):

* **Unsupported additions.** A sentence (not a heading) of a version that is
  aligned to no sentence of any other version. High when it is specific (a
  figure from `numbers.extract_quantities`, a quote, or a name from
  `entities.names_in`) and brings content words found in no other version
  (an unsupported claim that carries a quote, a figure or a named person:
  docs/findings.md); low otherwise. The origin of the others (a source of a
  derivation edge, derived from none of them) reports first hand: what only
  it says was dropped downstream, not added by it, so its lone sentences are
  no finding.
  Needs two versions at least.
* **Omissions**, only along a ``wholly`` derivation edge to a version that is
  not a summary or excerpt of its source (`grouping.is_excerpt_pair`): those
  and blends (``partially`` derived) leave out by design, and a shared source
  is unseen. A
  sentence of the source that the derived version drops although another
  version carries it. Medium when specific, else low. Reported on the derived
  version, at the end of the last sentence it kept before the dropped one.
  A condensed copy often merges two adjacent sentences, and alignment misses
  the merge when the short one scores low against the long one: a sentence
  whose content words are contained in the derived version's sentence kept
  from a neighbour, at the ``merge_containment`` cut-off (fitted on synthetic
  merges of MRPC train pairs, Dolan & Brockett 2005, "Automatically
  Constructing a Corpus of Sentential Paraphrases"; see
  ``storytrace/data/thresholds.json``), was merged, not omitted.
"""

from __future__ import annotations

from storytrace.compare.differences.change import Change, StoryView
from storytrace.compare.differences.entities import names_in
from storytrace.compare.differences.numbers import extract_quantities
from storytrace.compare.grouping import is_excerpt_pair
from storytrace.fitted import threshold
from storytrace.model import COMMON_SOURCE, Document, Sentence, Severity
from storytrace.text import content_words


def detect(view: StoryView) -> list[Change]:
    """Unsupported additions of every version, then omissions along every derivation edge."""
    if view.pair is not None:
        return []
    return unsupported_additions(view) + omissions(view)


def _has_specifics(doc: Document, s: Sentence) -> bool:
    return bool(extract_quantities(s.text) or doc.quotes_in(s.index) or names_in(doc, s))


def unsupported_additions(story: StoryView) -> list[Change]:
    """Sentences aligned to nothing in any other version."""
    docs, links, derivation = story.docs, story.links, story.derivation
    if len(docs) < 2:
        return []
    # The origin of the others (a source, derived from none of them) reports
    # first-hand: what only it says was dropped downstream, not added by it.
    derived = {e.derived for e in derivation}
    origins = {e.source for e in derivation if e.source != COMMON_SOURCE} - derived
    out: list[Change] = []
    story_words: dict[str, set[str]] = {
        d.id: set().union(*(content_words(s.text) for s in d.sentences)) if d.sentences else set()
        for d in docs.values()
    }
    for d in docs.values():
        linked = {l.a_index for (a, _), ls in links.items() if a == d.id for l in ls}
        elsewhere = set().union(*(w for k, w in story_words.items() if k != d.id))
        for s in d.sentences:
            if s.is_heading or s.index in linked:
                continue
            new_words = content_words(s.text) - elsewhere
            specific = _has_specifics(d, s)
            severity: Severity
            if d.id in origins:
                continue  # the source's own claims that its derived versions leave out are not additions
            else:
                severity = "high" if specific and new_words else "low"
                why = "No other version of the story carries this claim" + (
                    f"; it introduces {', '.join(sorted(new_words)[:4])}." if new_words else ".")
            out.append(Change("unsupported_addition", severity, d.id, (s.start, s.end), why))
    return out


def _merged_into_neighbour(s: Sentence, dst: Document, kept: dict[int, int]) -> bool:
    """The derived version folded ``s`` into the sentence it kept from a neighbour of ``s``.

    A condensed copy often merges two adjacent sentences; the merge is missed by
    alignment when the short one scores low against the long one. Its content
    words being contained in that neighbour (at the MRPC-fitted merge cut-off)
    means nothing was left out.
    """
    words = content_words(s.text)
    if not words:
        return False
    for i in (s.index - 1, s.index + 1):
        if i in kept:
            there = content_words(dst.sentences[kept[i]].text)
            if len(words & there) / len(words) >= threshold("merge_containment"):
                return True
    return False


def omissions(story: StoryView) -> list[Change]:
    """Sentences a derived version drops from its source although another version carries them."""
    docs, links = story.docs, story.links
    out: list[Change] = []
    for e in story.derivation:
        if e.source == COMMON_SOURCE or e.level != "wholly":
            continue  # a version that takes only part of its source (a summary, a blend) leaves out by design
        src, dst = docs[e.source], docs[e.derived]
        if is_excerpt_pair(src, dst):
            continue  # a summary or excerpt (a third of its source or less) leaves out by design
        kept = {l.a_index: l.b_index for l in links.get((src.id, dst.id), [])}
        for s in src.sentences:
            if s.is_heading or s.index in kept:
                continue
            repeated_by = [
                z for z in docs
                if z not in (src.id, dst.id) and any(l.a_index == s.index for l in links.get((src.id, z), []))
            ]
            if not repeated_by or _merged_into_neighbour(s, dst, kept):
                continue
            before = [kept[i] for i in kept if i < s.index]
            anchor = dst.sentences[max(before)].end if before else 0
            out.append(Change(
                "omission",
                "medium" if _has_specifics(src, s) else "low",
                dst.id,
                (anchor, anchor),
                f"{dst.id} derives from {src.id} but leaves out this sentence, "
                f"which {_listed(repeated_by)} also carries.",
                src.id,
                (s.start, s.end),
                text=s.text,  # the span in the derived version is empty: show what was left out
            ))
    return out


def _listed(ids: list[str], shown: int = 3) -> str:
    """``a, b, c`` or, for a long list, ``a, b, c and 12 other versions``."""
    if len(ids) <= shown + 1:
        return ", ".join(ids)
    return f"{', '.join(ids[:shown])} and {len(ids) - shown} other versions"


__all__ = ["detect", "omissions", "unsupported_additions"]
