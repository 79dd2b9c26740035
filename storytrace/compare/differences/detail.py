"""Details a derived version leaves out or blurs: a claim's date, an exact figure.

Detector: `detect`, on the `AlignedPair` in view (nothing for the story as a
whole; a sentence dropped whole is `coverage`'s omission):

* **detail_dropped** (medium; low between loose counterparts): a date of the ``src`` sentence
  (`dates.extract_dates`: "on 9 June", "in 2025", "last year", "on Tuesday")
  that the ``dst`` sentence no longer gives, although it keeps the claim the
  date belonged to. "Keeps the claim": the date's clause (the stretch between
  punctuation marks around it; a fronted "On 9 June," joins the clause after
  it) has at least ``MIN_CLAUSE_WORDS`` content words besides the date, at
  least ``CLAUSE_KEPT`` of them occur in the ``dst`` sentence, and so do the
  ``ANCHORS`` content words either side of the date in its clause (one may
  be missing when there are more than two): the words the date dates. A date
  left out with its clause, or with the words around it, is a clause dropped
  or rewritten, not an undated claim, and is not reported. "No longer
  gives": the ``dst`` version does not write the same date anywhere, and no
  date of the ``dst`` sentence, nor of the ``NEIGHBOURS`` sentences either
  side of it (a split sentence), can date the same thing
  (`dates.compatible_dates`, relative dates and weekdays resolved against
  each article's ``published_at``: "on Tuesday" in a story published on
  Wednesday 10 June keeps "on 9 June"; "in June" keeps "on 9 June", less
  precisely) or is beyond comparison with it (`dates.comparable_dates`:
  without publication dates, "on Tuesday" may be 9 June). Not reported: a
  date `dates.compare_dates` pairs with a different one (that is a
  ``date_changed``), a date inside a direct quote (a changed quote is
  ``quote_altered``), and the date of the statement itself ("said on
  Monday", "on Monday said": when a claim was announced, not when it
  happened). Medium between sentences aligned as a copy (verbatim or edited);
  low between looser counterparts, which drop and move details all the time
  (a claim losing its date is still worth showing, not worth an alarm).
  Reported on the ``dst`` words of the clause, against the ``src`` date.
* **figure_vaguer** (medium): an exact figure of the ``src`` sentence replaced
  by a vague quantity that can stand for it ("2,400 jobs" -> "thousands of
  jobs", "more than 40" -> "dozens"; `numbers.compare_quantities`, kind
  ``vague`` with ``fits``), where the vague phrase stands where the figure
  stood (`numbers.same_slot`: it counts the same noun, or the words either
  side are the same). Without that evidence the pairing is a guess: low, and
  only between copies. A vague phrase that cannot stand for the figure
  ("dozens" for 4,200) is a changed figure, which `numbers` reports.

Parameters (set by hand, not fitted): ``CLAUSE_KEPT`` = 0.75,
``MIN_CLAUSE_WORDS`` = 2, ``ANCHORS`` = 2, ``NEIGHBOURS`` = 1.

Limits: clauses are cut at punctuation, not parsed, so a date in a long
unpunctuated sentence is judged against the whole of it; a date moved further
than one sentence away and reworded there ("9 June" -> "on Tuesday" two
sentences on) is reported as dropped; a dropped time of day is not seen
(times are not date mentions).
"""

from __future__ import annotations

import re

from storytrace.compare.differences.change import AlignedPair, Change, StoryView, in_sentence
from storytrace.compare.differences.dates import (
    DateMention,
    comparable_dates,
    compare_dates,
    compatible_dates,
    extract_dates,
    published_date,
)
from storytrace.compare.differences.numbers import compare_quantities
from storytrace.compare.quotes import SPEECH_VERB_RE
from storytrace.text import content_words

# Set by hand, not fitted.
CLAUSE_KEPT = 0.75  # share of the date's clause words the dst sentence must keep
MIN_CLAUSE_WORDS = 2  # content words besides the date for the clause to be a claim
NEIGHBOURS = 1  # dst sentences either side where a moved date still counts as kept
ANCHORS = 2  # content words either side of the date that are what it dates

_BREAK = re.compile(r"[,;:()\[\]—–]|\s-\s")
_STATEMENT_BEFORE = re.compile(
    rf"(?:{SPEECH_VERB_RE.pattern})\s+(?:(?:late|early)\s+)?(?:on|in|at)?\s*$", re.I
)
_STATEMENT_AFTER = re.compile(rf"^\s*,?\s*(?:{SPEECH_VERB_RE.pattern})\b", re.I)
_WORD = re.compile(r"[\w'’-]+")


def detect(view: StoryView) -> list[Change]:
    """Dates the dst sentence drops, and figures it makes vague."""
    pair = view.pair
    if pair is None:
        return []
    return _dropped_dates(pair) + _vaguer_figures(pair)


# ------------------------------------------------------------------ dates


def _clauses(text: str) -> list[tuple[int, int]]:
    """The stretches of ``text`` between punctuation marks."""
    out, pos = [], 0
    for m in _BREAK.finditer(text):
        out.append((pos, m.start()))
        pos = m.end()
    out.append((pos, len(text)))
    return [(s, e) for s, e in out if text[s:e].strip()]


def _clause_of(text: str, d: DateMention) -> tuple[int, int]:
    """The clause around date ``d``; a clause that is little more than the date joins its neighbour."""
    cls = _clauses(text)
    k = next((i for i, (s, e) in enumerate(cls) if s <= d.start < e), None)
    if k is None:
        return 0, len(text)
    s, e = cls[k]
    if len(_claim_words(text, (s, e), d)) < MIN_CLAUSE_WORDS:
        if k + 1 < len(cls):
            e = cls[k + 1][1]
        elif k > 0:
            s = cls[k - 1][0]
    return s, e


def _content(text: str) -> list[str]:
    words: list[str] = []
    for w in _WORD.findall(text):
        if content_words(w) and w.lower() not in words and not w.isdigit():
            words.append(w.lower())
    return words


def _claim_words(text: str, clause: tuple[int, int], d: DateMention) -> list[str]:
    """Content words of the clause, in order, without the date's own words."""
    s, e = clause
    return _content(text[s:d.start] + " " + text[d.end:e])


def _anchors(text: str, clause: tuple[int, int], d: DateMention) -> list[str]:
    """The content words nearest the date in its clause: ``ANCHORS`` on each side."""
    s, e = clause
    return _content(text[s:d.start])[-ANCHORS:] + _content(text[d.end:e])[:ANCHORS]


def _is_statement_date(text: str, d: DateMention) -> bool:
    """The date of the saying ("said on Thursday"), not of what was said."""
    return bool(_STATEMENT_BEFORE.search(text[:d.start]) or _STATEMENT_AFTER.match(text[d.end:]))


def _in_quote(pair: AlignedPair, d: DateMention) -> bool:
    a = pair.src_sentence
    start = a.start + d.start
    return any(q.start <= start < q.end for q in pair.src.quotes_in(pair.src_index))


def _words_span(text: str, words: list[str]) -> tuple[int, int] | None:
    """From the first to the last of ``words`` found in ``text`` in order (case-insensitive)."""
    pos, first, last = 0, None, None
    for w in words:
        m = re.compile(rf"(?<![\w'’-]){re.escape(w)}(?![\w'’-])", re.I).search(text, pos)
        if m is None:
            continue
        first = m.start() if first is None else first
        last = m.end()
        pos = m.end()
    if first is None or last is None:
        return None
    det = re.search(r"\b(?:the|a|an|its|their|his|her)\s+$", text[:first], re.I)
    return (det.start() if det else first), last


def _dropped_dates(pair: AlignedPair) -> list[Change]:
    a, b = pair.src_sentence, pair.dst_sentence
    pa, pb = published_date(pair.src.article.published_at), published_date(pair.dst.article.published_at)
    changed = {(c.a.start, c.a.end) for c in compare_dates(
        a.text, b.text, pair.src.article.published_at, pair.dst.article.published_at)}
    around = range(max(0, pair.dst_index - NEIGHBOURS), min(len(pair.dst.sentences), pair.dst_index + NEIGHBOURS + 1))
    kept_here = [(y, pair.dst.sentences[k].text) for k in around for y in extract_dates(pair.dst.sentences[k].text)]
    b_words = content_words(b.text)
    out: list[Change] = []
    for d in extract_dates(a.text):
        if (d.start, d.end) in changed or _in_quote(pair, d) or _is_statement_date(a.text, d):
            continue
        if any(compatible_dates(d, pa, y, pb) or not comparable_dates(d, pa, y, pb) for y, _ in kept_here) or re.search(
                rf"(?<!\w){re.escape(d.text)}(?!\w)", pair.dst.article.text, re.I):
            continue  # kept, or moved: this version gives the same date elsewhere
        clause = _clause_of(a.text, d)
        words = _claim_words(a.text, clause, d)
        if len(words) < MIN_CLAUSE_WORDS:
            continue
        kept = [w for w in words if w in b_words]
        if len(kept) / len(words) < CLAUSE_KEPT:
            continue  # the date went with its clause
        anchors = _anchors(a.text, clause, d)
        if sum(w not in b_words for w in anchors) > (1 if len(anchors) > 2 else 0):
            continue  # the words the date belonged to are gone: a clause rewritten, not an undated claim
        span = _words_span(b.text, kept)
        out.append(pair.change(
            "detail_dropped",
            "medium" if pair.close_wording else "low",
            in_sentence(b, span),
            in_sentence(a, (d.start, d.end)),
            f"The other version dates this to {d.text}; this one leaves the date out.",
        ))
    return out


# ------------------------------------------------------------------ figures


def _vaguer_figures(pair: AlignedPair) -> list[Change]:
    a, b = pair.src_sentence, pair.dst_sentence
    out: list[Change] = []
    for qc in compare_quantities(a.text, b.text):
        if qc.kind != "vague" or not qc.fits or qc.a is None or qc.b is None:
            continue
        if not qc.in_slot and not pair.close_wording:
            continue
        out.append(pair.change(
            "figure_vaguer",
            "medium" if qc.in_slot else "low",
            in_sentence(b, (qc.b.start, qc.b.end)),
            in_sentence(a, (qc.a.start, qc.a.end)),
            qc.explanation,
        ))
    return out


__all__ = ["ANCHORS", "CLAUSE_KEPT", "MIN_CLAUSE_WORDS", "NEIGHBOURS", "detect"]
