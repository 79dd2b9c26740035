"""Dates in two aligned sentences: find them and say when they disagree.

Detector: `detect` reports each `compare_dates` change between the two
sentences of the `AlignedPair` in view as a ``date_changed`` `Change` (the two
date mentions' spans).

Method
------
``extract_dates`` runs a handful of regular expressions over the sentence and
keeps the longest non-overlapping matches:

* weekdays, optionally with "last/next/this" and a following date
  ("on Sunday", "last Tuesday", "Sunday, July 9, 2023");
* day and month in either order, with an optional year ("July 9", "9th July",
  "9 July 2023", "July 9, 2023"), month and year ("February 2022"), a month on
  its own when it follows a preposition ("in July", "since March") -- "May" and
  "March" need a preposition or a following number/year because they are also
  ordinary words -- and ISO dates ("2023-07-09");
* years: four-digit numbers 1800-2100 read as years by ``is_year_token`` (a
  preposition before, or no plural noun after: "in 2022" is a year, "2000
  troops" is not);
* relative expressions ("yesterday", "last month", "earlier this year",
  "three days ago"), normalised to an anchor and a unit so that "earlier this
  month" equals "this month" and "yesterday" equals "last night".

Numeric dates such as "9/7" are skipped: day/month order is ambiguous.

**Resolution against the publication date.** When an article's
``published_at`` is known (`published_date`: ISO 8601, RFC 2822 or Unix
digits, read in the offset it is written in), `resolve` gives each mention
the calendar facets it stands for there: "yesterday" in a story published on
Friday 7 November 2025 is 6 November 2025, a Thursday; "on Thursday" is the
Thursday before (6 November) or the one after (13 November) -- both are kept
as readings unless "last" or "next" decides; "last year" is 2024, "this
month" November 2025; "6 November" with no year is the 6 November nearest
the publication date, hence a Thursday. Week references ("last week") are
not resolved.

``compare_dates`` first sets aside the mentions of the two sentences that
resolve to the same date (`same_date`: some reading of each agrees on every
facet both have, at the same granularity), so "on Thursday" in the Friday
story equals "on 6 November" in the Thursday one, and "today" on Thursday
equals "yesterday" on Friday.
It then splits each remaining mention into its written facets -- weekday, day
(month+day), month, year, relative (anchor, unit) -- removes the facets the two
sentences share, and pairs what is left *of the same facet* in order of
appearance. A pair means both sentences date the same thing at the same
granularity and disagree (Tuesday -> Wednesday, July 9 -> July 10, 2022 ->
2021, last month -> last week). Facet changes of the same two mentions are
reported as one change. A date in one sentence only, or dates of different
granularity ("yesterday" vs "on Sunday", "in July" vs "July 9") that do not
resolve to the same date, give nothing: resolved facets only ever clear a
difference, they never report one (the day a weekday points to, and the
publisher's time zone, are guesses).

Severity: a different year, month or a day more than one apart is high; a
weekday or day one apart (often a time-zone or overnight difference) and a
changed relative reference are medium.

Limits: no times of day; seasons, quarters and ranges ("between 2019 and
2021") are not understood beyond their years; "last week" and other week
references are not resolved; dates that refer to different events in the two
sentences are paired by order and can be misreported.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from storytrace.compare.differences.change import Change, StoryView, in_sentence
from storytrace.published import parse_published_at

MONTHS: dict[str, int] = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9,
    "sep": 9, "sept": 9, "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12,
    "dec": 12,
}
MONTH_NAMES = ["", "January", "February", "March", "April", "May", "June", "July", "August",
               "September", "October", "November", "December"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

_MONTH = (r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
          r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?")
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?(?!\d)"
_YEAR = r"(?:1[89]\d\d|20\d\d)(?![\d,]\d)"



def _day_month(k: str) -> str:
    return rf"(?P<d1{k}>{_DAY})(?:\s+of)?\s+(?P<m1{k}>{_MONTH})(?:,?\s+(?P<y1{k}>{_YEAR}))?"


def _month_day(k: str) -> str:
    return rf"(?P<m2{k}>{_MONTH})\s+(?P<d2{k}>{_DAY})(?:,?\s+(?P<y2{k}>{_YEAR}))?"


_MONTH_YEAR = rf"(?P<m3>{_MONTH}),?\s+(?P<y3>{_YEAR})"

_FULL_RE = re.compile(
    rf"\b(?:(?P<anchor>[Ll]ast|[Nn]ext|[Tt]his)\s+)?(?P<wd>{_WEEKDAY})s?"
    rf"(?:,?\s+(?:the\s+)?(?:{_day_month('w')}|{_month_day('w')}))?\b"
    rf"|\b(?:the\s+)?{_day_month('')}\b|\b{_month_day('')}\b|\b{_MONTH_YEAR}\b"
    rf"|\b(?P<iy>{_YEAR})-(?P<im>0[1-9]|1[0-2])-(?P<id>0[1-9]|[12]\d|3[01])\b"
)
_MONTH_ALONE_RE = re.compile(
    rf"\b(?:(?P<prep>in|since|until|till|by|from|during|early|late|mid|last|next|this|of|before|after|"
    rf"between|and|to|through)[\s-]+)?(?P<m>{_MONTH})\b(?!['’]s\s+(?:march|may))"
)
_YEAR_RE = re.compile(r"(?<![\d,.$£€])\b\d{4}\b")
_NUMWORD = r"(?:a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|a few|several|\d+)"
_REL_RE = re.compile(
    r"\b(?:yesterday|today|tonight|tomorrow|last night|this (?:morning|afternoon|evening)"
    r"|(?:earlier|later) (?:this|last|next) (?:week|weekend|month|year)"
    r"|(?:earlier|later) today"
    r"|(?:last|next|this|the past|the previous) (?:week|weekend|month|year)"
    rf"|{_NUMWORD} (?:days?|weeks?|months?|years?|decades?) ago)\b",
    re.IGNORECASE,
)
_YEAR_PREV = {
    "in", "since", "by", "until", "till", "before", "after", "early", "late", "mid", "during",
    "through", "throughout", "spring", "summer", "autumn", "fall", "winter", "year", "fiscal",
    "season", "circa", "-", "–",
} | set(MONTHS)
_NOT_COUNT_AFTER = {"as", "was", "is", "has", "this", "his", "its", "us", "yes", "less", "unless", "thus"}
_COUNT_NOUNS = {"people", "police", "staff", "personnel", "children", "men", "women", "cattle"}


def is_year_token(text: str, start: int, end: int) -> bool:
    """Whether the digits ``text[start:end]`` read as a year (1800-2100) rather than a count."""
    tok = text[start:end]
    if not re.fullmatch(r"\d{4}", tok):
        return False
    v = int(tok)
    if not 1800 <= v <= 2100:
        return False
    before = text[max(0, start - 1):start]
    after = text[end:end + 1]
    if before in ("$", "£", "€") or after in ("%",):
        return False
    prev = re.search(r"([A-Za-z]+|[-–])\W*$", text[max(0, start - 20):start])
    if prev and prev.group(1).lower() in _YEAR_PREV:
        return True
    nxt = re.match(r"\s+([a-z]+)\b", text[end:])
    if nxt:
        w = nxt.group(1)
        if w in _COUNT_NOUNS or (w.endswith("s") and len(w) > 3 and w not in _NOT_COUNT_AFTER):
            return False
    return True


@dataclass(frozen=True)
class DateMention:
    start: int
    end: int
    text: str
    weekday: int | None = None  # 0 = Monday
    month: int | None = None
    day: int | None = None
    year: int | None = None
    relative: str | None = None  # normalised: "last month", "this day", "3 day ago", "last" (weekday)


@dataclass(frozen=True)
class DateChange:
    a: DateMention
    b: DateMention
    severity: Literal["high", "medium", "low"]
    explanation: str


_NUM = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
        "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
        "a few": 3, "several": 4}


def _normalise_relative(phrase: str) -> str:
    p = " ".join(phrase.lower().split())
    if p in ("yesterday", "last night"):
        return "last day"
    if p in ("today", "tonight", "earlier today", "later today") or p.startswith("this ") and \
            p.split()[1] in ("morning", "afternoon", "evening"):
        return "this day"
    if p == "tomorrow":
        return "next day"
    m = re.fullmatch(r"(.+) (day|week|month|year|decade)s? ago", p)
    if m:
        n = m.group(1)
        return f"{_NUM.get(n, n)} {m.group(2)} ago"
    m = re.fullmatch(r"(?:earlier|later) (this|last|next) (\w+)", p)
    if m:
        return f"{m.group(1)} {m.group(2)}"
    m = re.fullmatch(r"(?:the )?(last|next|this|past|previous) (\w+)", p)
    if m:
        anchor = {"past": "last", "previous": "last"}.get(m.group(1), m.group(1))
        return f"{anchor} {m.group(2)}"
    return p


def _month(s: str | None) -> int | None:
    return MONTHS[s.lower().rstrip(".")] if s else None


def _day(s: str | None) -> int | None:
    return int(re.match(r"\d+", s).group()) if s else None


def extract_dates(text: str) -> list[DateMention]:
    """Date mentions in ``text``, in order, without overlaps."""
    return list(_dates(text))


@lru_cache(maxsize=1 << 14)
def _dates(text: str) -> tuple[DateMention, ...]:
    # cached: the versions of one story repeat their sentences, and each pair reads them again
    found: list[DateMention] = []

    def free(s: int, e: int) -> bool:
        return all(e <= f.start or s >= f.end for f in found)

    for m in _FULL_RE.finditer(text):
        g = m.groupdict()
        if g["iy"]:
            found.append(DateMention(m.start(), m.end(), m.group(), None, int(g["im"]), int(g["id"]),
                                     int(g["iy"]), None))
            continue
        month = _month(g["m1"] or g["m2"] or g["m3"] or g["m1w"] or g["m2w"])
        day = _day(g["d1"] or g["d2"] or g["d1w"] or g["d2w"])
        year_s = g["y1"] or g["y2"] or g["y3"] or g["y1w"] or g["y2w"]
        weekday = WEEKDAYS.index(g["wd"]) if g["wd"] else None
        anchor = g["anchor"].lower() if g["anchor"] else None
        # 'May 5' / 'March 9' are fine; a bare ambiguous month is handled below
        found.append(DateMention(m.start(), m.end(), m.group(), weekday, month, day,
                                 int(year_s) if year_s else None, anchor))
    for m in _MONTH_ALONE_RE.finditer(text):
        s, e = m.start("m"), m.end("m")
        if not free(s, e):
            continue
        name = m.group("m").rstrip(".")
        prep = m.group("prep")
        if name in ("May", "March", "Mar", "Jan", "Sep", "Dec", "Oct", "Nov", "Aug", "Jun", "Jul", "Apr", "Feb") \
                and not prep:
            continue
        if prep and prep.lower() in ("and", "to", "of") and name in ("May", "March"):
            continue
        found.append(DateMention(s, e, text[s:e], None, _month(name), None, None, None))
    for m in _REL_RE.finditer(text):
        if free(m.start(), m.end()):
            found.append(DateMention(m.start(), m.end(), m.group(), None, None, None, None,
                                     _normalise_relative(m.group())))
    for m in _YEAR_RE.finditer(text):
        if free(m.start(), m.end()) and is_year_token(text, m.start(), m.end()):
            found.append(DateMention(m.start(), m.end(), m.group(), year=int(m.group())))
    found.sort(key=lambda d: d.start)
    return tuple(found)


# ------------------------------------------------------------------ resolution


def published_date(value: str | None) -> _dt.date | None:
    """The calendar day of a ``published_at`` value, in the offset it is written in, or None.

    The day is taken as written, not converted to UTC: a story stamped
    00:30+02:00 was published on that day where it was written.
    """
    dt = parse_published_at(value, to_utc=False)
    return None if dt is None else dt.date()


Facets = dict[str, object]  # weekday: int, day: (month, day), month: int, year: int, relative: str


def _day_facets(d: _dt.date) -> Facets:
    return {"weekday": d.weekday(), "day": (d.month, d.day), "month": d.month, "year": d.year}


def _month_back(pub: _dt.date, n: int) -> tuple[int, int]:
    k = pub.year * 12 + (pub.month - 1) - n
    return k // 12, k % 12 + 1


def resolve(d: DateMention, pub: _dt.date | None) -> list[Facets]:
    """The facets ``d`` stands for in a story published on ``pub``: one dict per reading.

    Written facets are always there; the publication date adds the ones they
    imply (see the module docstring). A mention that nothing resolves keeps its
    normalised relative reference as facet ``relative``.
    """
    written: Facets = {}
    if d.weekday is not None:
        written["weekday"] = d.weekday
    if d.month is not None and d.day is not None:
        written["day"] = (d.month, d.day)
    if d.month is not None:
        written["month"] = d.month
    if d.year is not None:
        written["year"] = d.year
    out: list[Facets] = []
    if pub is not None:
        if d.month is not None and d.day is not None:
            years = [d.year] if d.year is not None else [pub.year - 1, pub.year, pub.year + 1]
            cands = []
            for y in years:
                try:
                    cands.append(_dt.date(y, d.month, d.day))
                except ValueError:
                    continue
            if cands:
                best = min(cands, key=lambda c: abs((c - pub).days))
                out.append({**_day_facets(best), **written})
        elif d.weekday is not None:
            back = (pub.weekday() - d.weekday) % 7
            ahead = (d.weekday - pub.weekday()) % 7
            anchor = d.relative
            readings = []
            if anchor != "next":
                readings.append(pub - _dt.timedelta(days=back or (7 if anchor == "last" else 0)))
            if anchor != "last":
                readings.append(pub + _dt.timedelta(days=ahead or (7 if anchor == "next" else 0)))
            out.extend({**_day_facets(r), **written} for r in dict.fromkeys(readings))
        elif d.relative is not None:
            rel = d.relative
            m = re.fullmatch(r"(\d+) (day|month|year) ago", rel)
            if rel in ("last day", "this day", "next day"):
                shift = {"last day": -1, "this day": 0, "next day": 1}[rel]
                out.append(_day_facets(pub + _dt.timedelta(days=shift)))
            elif rel in ("last month", "this month", "next month"):
                y, mo = _month_back(pub, {"last month": 1, "this month": 0, "next month": -1}[rel])
                out.append({"month": mo, "year": y})
            elif rel in ("last year", "this year", "next year"):
                out.append({"year": pub.year + {"last year": -1, "this year": 0, "next year": 1}[rel]})
            elif m and m.group(2) == "day":
                out.append(_day_facets(pub - _dt.timedelta(days=int(m.group(1)))))
            elif m and m.group(2) == "month":
                y, mo = _month_back(pub, int(m.group(1)))
                out.append({"month": mo, "year": y})
            elif m:
                out.append({"year": pub.year - int(m.group(1))})
    if not out:
        base = dict(written)
        if d.relative is not None and d.weekday is None:
            base["relative"] = d.relative
        out.append(base)
    return out


_GRAIN = {"day": 3, "weekday": 3, "month": 2, "year": 1}


def _grain(f: Facets) -> int:
    return max((_GRAIN[k] for k in f if k in _GRAIN), default=0)


def _agree(x: Facets, y: Facets) -> bool:
    shared = set(x) & set(y)
    return bool(shared) and all(x[k] == y[k] for k in shared)


def same_date(a: DateMention, a_pub: _dt.date | None, b: DateMention, b_pub: _dt.date | None) -> bool:
    """Whether the two mentions, resolved against their publication dates, name the same date.

    Some reading of each must agree on every facet both have, at the same
    granularity ("on Thursday" = "6 November" in a Friday 7 November story; "in November" is not "6 November").
    """
    return any(_agree(x, y) and _grain(x) == _grain(y) for x in resolve(a, a_pub) for y in resolve(b, b_pub))


def comparable_dates(a: DateMention, a_pub: _dt.date | None, b: DateMention, b_pub: _dt.date | None) -> bool:
    """Whether some reading of each shares a facet with the other: else nothing can be said of the two."""
    return any(set(x) & set(y) for x in resolve(a, a_pub) for y in resolve(b, b_pub))


def compatible_dates(a: DateMention, a_pub: _dt.date | None, b: DateMention, b_pub: _dt.date | None) -> bool:
    """Whether the two mentions can date the same thing, one perhaps more precisely ("in June" / "9 June")."""
    return any(_agree(x, y) for x in resolve(a, a_pub) for y in resolve(b, b_pub))


# ------------------------------------------------------------------ comparison


def _facets(d: DateMention) -> list[tuple[str, object]]:
    out: list[tuple[str, object]] = []
    if d.weekday is not None:
        out.append(("weekday", d.weekday))
    if d.month is not None and d.day is not None:
        out.append(("day", (d.month, d.day)))
    if d.month is not None:
        out.append(("month", d.month))
    if d.year is not None:
        out.append(("year", d.year))
    if d.relative is not None and d.weekday is None:
        out.append(("relative", d.relative))
    return out


def _describe(kind: str, va: object, vb: object) -> tuple[str, str]:
    """(phrase, severity) for one changed facet."""
    if kind == "weekday":
        gap = min((va - vb) % 7, (vb - va) % 7)  # type: ignore[operator]
        return (f"a different day of the week ({WEEKDAYS[vb]} instead of {WEEKDAYS[va]})",  # type: ignore[index]
                "medium" if gap == 1 else "high")
    if kind == "day":
        (ma, da), (mb, db) = va, vb  # type: ignore[misc]
        sev = "medium" if ma == mb and abs(da - db) == 1 else "high"
        return f"a different date ({db} {MONTH_NAMES[mb]} instead of {da} {MONTH_NAMES[ma]})", sev
    if kind == "month":
        return f"a different month ({MONTH_NAMES[vb]} instead of {MONTH_NAMES[va]})", "high"  # type: ignore[index]
    if kind == "year":
        return f"a different year ({vb} instead of {va})", "high"
    return "a different time reference", "medium"


_ORDER = ["weekday", "day", "month", "year", "relative"]
_RANK = {"high": 0, "medium": 1, "low": 2}


def compare_dates(
    a: str, b: str, a_published: str | None = None, b_published: str | None = None
) -> list[DateChange]:
    """Dates of the same granularity that disagree between aligned sentences ``a`` and ``b``.

    ``a_published``/``b_published``: the two articles' ``published_at``, against
    which relative dates and weekdays are resolved (see the module docstring).
    """
    da, db = extract_dates(a), extract_dates(b)
    pa, pb = published_date(a_published), published_date(b_published)
    if pa is not None or pb is not None:
        # mentions that resolve to the same date are the same date, whatever their wording
        used: set[int] = set()
        keep_a = []
        for x in da:
            j = next((j for j, y in enumerate(db) if j not in used and same_date(x, pa, y, pb)), None)
            if j is None:
                keep_a.append(x)
            else:
                used.add(j)
        da, db = keep_a, [y for j, y in enumerate(db) if j not in used]
    per_pair: dict[tuple[int, int], list[tuple[str, object, object]]] = {}
    for kind in _ORDER:
        fa = [(d_i, v) for d_i, d in enumerate(da) for k, v in _facets(d) if k == kind]
        fb = [(d_j, v) for d_j, d in enumerate(db) for k, v in _facets(d) if k == kind]
        left_a = list(fa)
        left_b = list(fb)
        for item in fa:
            match = next((y for y in left_b if y[1] == item[1]), None)
            if match is not None:
                left_a.remove(item)
                left_b.remove(match)
        for (i, va), (j, vb) in zip(left_a, left_b):
            per_pair.setdefault((i, j), []).append((kind, va, vb))
    changes: list[DateChange] = []
    for (i, j), diffs in sorted(per_pair.items()):
        kinds = {k for k, _, _ in diffs}
        if "day" in kinds:
            diffs = [d for d in diffs if d[0] != "month"]
        described = [_describe(*d) for d in diffs]
        severity = min((s for _, s in described), key=_RANK.__getitem__)
        text = " and ".join(p for p, _ in described)
        changes.append(DateChange(
            da[i], db[j], severity,
            f'The other version says "{da[i].text}"; this one says "{db[j].text}", {text}.',
        ))
    return changes


def detect(view: StoryView) -> list[Change]:
    """Dates that disagree between the two sentences in view (``date_changed``)."""
    pair = view.pair
    if pair is None:
        return []
    a, b = pair.src_sentence, pair.dst_sentence
    return [
        pair.change(
            "date_changed",
            dc.severity,
            in_sentence(b, (dc.b.start, dc.b.end)),
            in_sentence(a, (dc.a.start, dc.a.end)),
            dc.explanation,
        )
        for dc in compare_dates(a.text, b.text, pair.src.article.published_at, pair.dst.article.published_at)
    ]


__all__ = [
    "DateMention", "DateChange", "MONTHS", "comparable_dates", "compare_dates", "compatible_dates", "detect",
    "extract_dates",
    "is_year_token", "published_date", "resolve", "same_date",
]
