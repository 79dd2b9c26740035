"""Numbers in two aligned sentences: find them, pair them, say what changed.

Detector: `detect` reports the `compare_quantities` changes between the two
sentences of the `AlignedPair` in view as ``number_changed`` `Change`s (the
figure's span in each sentence, or the whole sentence where a side has none),
except an exact figure made vague, which is `detail`'s ``figure_vaguer``.

Method
------
``extract_quantities`` scans a word/number tokenisation of the sentence (regular
expressions, no parser). A quantity is an optional qualifier ("more than",
"nearly", "up to", ...), a number core and an optional unit:

* digits with thousands separators and decimals ("4,200", "1.5"), a scale word or
  suffix ("3.2 million", "$4.5bn", "10k"), a currency sign ("$", "£", "€"), a
  percent sign or "per cent"/"percent";
* number words ("seventeen", "twenty-five", "two hundred", "five thousand",
  "a dozen", "a million");
* fractions ("half", "a third", "one-sixth", "two-thirds", "three quarters") when
  followed by "of" (or "the" for "half");
* simple ranges ("20-30", "20 to 30", "between 20 and 30"), whose interval is the
  range.

Not quantities: ordinals ("3rd", "first"), years ("2022", "February 2022"; see
``storytrace.dates.is_year_token``), days of the month next to a month name
("July 9"), clock times ("09:00", "9am", "9.30pm"), identifiers glued to letters
("G7", "COVID-19", "F-16"), decades ("1990s") and vague plurals ("dozens",
"hundreds", "thousands of"), which are handled as *vague phrases* instead.

The unit is the next word, lower-cased with a plural "s" stripped (a few
irregular plurals and aliases are mapped: people -> person, kilometres -> km,
"%"/"per cent" -> percent, "$" -> usd). Up to two modifiers between the number
and its noun are skipped ("4,200 more troops", "5,000 Russian troops"), and
"17-month" reads as months. A fraction followed by "of" has unit ``None``.
Time units (second ... year) are converted to hours for comparison, so
"72 hours" equals "three days" and "two weeks" equals "14 days".

Each quantity carries the interval its qualifier implies: exact ``[v, v]``,
over ``(v, inf)``, at least ``[v, inf)``, under / up to ``[0, v)``, nearly
``[0.9v, v)``, about ``[0.9v, 1.1v]``.

``compare_quantities`` pairs quantities across the two sentences: first equal
claims of compatible units (also "ten people" / "10" where one side has no
unit), then equal values, then the rest of each unit in order of appearance,
and finally, when exactly one quantity is left on each side, their units are
not of different measured kinds (time vs percent vs money vs distance) and
neither side's noun is already used by a figure on the other side, those two.
For each pair it reports:

* ``value``: the values differ -- when the qualifiers differ and the two
  implied intervals still overlap ("more than 4,000" -> "4,200") low;
  otherwise high when the change relative to a exceeds 10%, else medium;
* ``qualifier``: same value, qualifier changed -- medium when the intervals no
  longer overlap ("over 17 months" -> "nearly 17 months"), low when one was
  narrowed or widened ("up to 300" -> "300"); exact <-> "about" and
  over <-> at least / under <-> up to are treated as the same claim;
* ``vague``: a figure in a with no counterpart in b where b introduces a vague
  quantity phrase ("a significant portion", "many", "dozens", "much of") that a
  lacks -- low, or medium when the phrase cannot cover the figure ("dozens" for
  4,200, "most of" for a sixth: ``fits`` false). ``in_slot`` says whether the
  phrase stands where the figure stood (`same_slot`).

Detector: `detect` reports ``value`` and ``qualifier`` changes, and vague
phrases that cannot cover their figure, as ``number_changed``; a vague phrase
that can cover it is a vaguer figure, not a changed one, and is reported by
`storytrace.compare.differences.detail` as ``figure_vaguer``.

Limits: no syntax, so the unit is a guess from the next word, and a number's
referent is not checked beyond the unit; "a year"/"a day" (article + unit) are
not quantities; fractions and percentages compare with each other but not with
counts; scores ("3-1"), phone numbers and ratios ("one in five") are not
understood; pairing by order can mismatch when a sentence lists several figures
of the same unit in a different order.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from storytrace.compare.differences.change import Change, StoryView, in_sentence
from storytrace.compare.differences.dates import MONTHS, extract_dates, is_year_token

INF = math.inf

# --------------------------------------------------------------------------- data


@dataclass(frozen=True)
class Quantity:
    start: int
    end: int
    text: str
    value: float
    low: float
    high: float
    qualifier: str | None
    unit: str | None


QuantityKind = Literal["value", "qualifier", "vague"]


@dataclass(frozen=True)
class VaguePhrase:
    start: int
    end: int
    text: str
    low: float | None = None  # the range of counts the phrase can stand for, if any
    high: float | None = None
    share: Literal["majority", "minority"] | None = None


@dataclass(frozen=True)
class QuantityChange:
    a: Quantity | None
    b: Quantity | VaguePhrase | None
    kind: QuantityKind
    severity: Literal["high", "medium", "low"]
    explanation: str
    # ``vague`` only: whether the phrase can stand for the figure ("thousands" for
    # 3,200: yes; "dozens" for 4,200: no), and whether it stands where the figure
    # stood (`same_slot`)
    fits: bool = True
    in_slot: bool = False


# ------------------------------------------------------------------- lexicons

# a bare "over" between one of these verbs and a time unit names the period something is spread across
# ("spread over two years"), where after "lasted" or "after" it means "more than" (set by hand)
_SPREAD_VERBS = frozenset({"spread", "split", "staggered", "phased", "paid", "repaid", "divided", "stretched",
                           "spaced", "distributed", "repayable", "payable", "amortised", "amortized", "averaged"})
_PERIODS = frozenset({"year", "month", "week", "day", "hour", "minute", "decade", "century", "season", "night"})

QUALIFIERS: list[tuple[tuple[str, ...], str]] = sorted(
    [
        (("more", "than"), "over"),
        (("over",), "over"),
        (("above",), "over"),
        (("upwards", "of"), "over"),
        (("in", "excess", "of"), "over"),
        (("exceeding",), "over"),
        (("just", "over"), "over"),
        (("well", "over"), "over"),
        (("well", "above"), "over"),
        (("under",), "under"),
        (("less", "than"), "under"),
        (("fewer", "than"), "under"),
        (("below",), "under"),
        (("about",), "about"),
        (("around",), "about"),
        (("roughly",), "about"),
        (("approximately",), "about"),
        (("approx",), "about"),
        (("some",), "about"),
        (("an", "estimated"), "about"),
        (("estimated",), "about"),
        (("an", "approximate"), "about"),
        (("nearly",), "nearly"),
        (("almost",), "nearly"),
        (("close", "to"), "nearly"),
        (("just", "under"), "nearly"),
        (("just", "below"), "nearly"),
        (("just", "short", "of"), "nearly"),
        (("at", "least"), "at_least"),
        (("no", "fewer", "than"), "at_least"),
        (("no", "less", "than"), "at_least"),
        (("a", "minimum", "of"), "at_least"),
        (("up", "to"), "up_to"),
        (("as", "many", "as"), "up_to"),
        (("as", "much", "as"), "up_to"),
        (("at", "most"), "up_to"),
        (("a", "maximum", "of"), "up_to"),
        (("no", "more", "than"), "up_to"),
    ],
    key=lambda q: -len(q[0]),
)

QUALIFIER_WORDS = {
    None: "an exact figure",
    "over": "more than",
    "under": "less than",
    "about": "approximately",
    "nearly": "less than",
    "at_least": "at least",
    "up_to": "at most",
}

_SMALL = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19,
}
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}
_SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1e9, "trillion": 1e12}
_SUFFIX_SCALES = {"k": 1_000, "m": 1_000_000, "mn": 1_000_000, "bn": 1e9, "b": 1e9, "tn": 1e12}
_DENOMINATORS = {
    "half": 2, "halves": 2, "third": 3, "thirds": 3, "quarter": 4, "quarters": 4, "fourth": 4,
    "fourths": 4, "fifth": 5, "fifths": 5, "sixth": 6, "sixths": 6, "seventh": 7, "sevenths": 7,
    "eighth": 8, "eighths": 8, "ninth": 9, "ninths": 9, "tenth": 10, "tenths": 10,
}
_CURRENCY_SIGNS = {"$": "usd", "£": "gbp", "€": "eur"}
_CURRENCY_WORDS = {
    "dollar": "usd", "dollars": "usd", "pound": "gbp", "pounds": "gbp", "euro": "eur",
    "euros": "eur", "yen": "jpy", "rouble": "rub", "roubles": "rub", "ruble": "rub",
    "rubles": "rub", "hryvnia": "uah", "hryvnias": "uah",
}
_UNIT_ALIASES = {
    "people": "person", "persons": "person", "men": "man", "women": "woman",
    "children": "child", "kilometres": "km", "kilometre": "km", "kilometers": "km",
    "kilometer": "km", "kms": "km", "metres": "m", "metre": "m", "meters": "m", "meter": "m",
    "kilograms": "kg", "kilogram": "kg", "kilos": "kg", "tonnes": "tonne", "tons": "tonne",
    "ton": "tonne", "hrs": "hour", "hr": "hour", "mins": "minute", "min": "minute",
    "secs": "second", "sec": "second", "yrs": "year", "percent": "percent", "pc": "percent",
    "feet": "foot", "ft": "foot", "lbs": "lb", "mph": "mph", "news": "news", "series": "series",
    "species": "species", "data": "data", "police": "police", "staff": "staff", "buses": "bus",
    "viruses": "virus", "bonuses": "bonus",
}
_GLUED_UNITS = {"m": "m", "km": "km", "kg": "kg", "mph": "mph", "cm": "cm", "mm": "mm", "ft": "foot",
                "lb": "lb", "lbs": "lb", "mi": "mile", "h": "hour", "hrs": "hour"}
TIME_HOURS = {
    "second": 1 / 3600, "minute": 1 / 60, "hour": 1.0, "day": 24.0, "week": 168.0,
    "fortnight": 336.0, "month": 730.5, "year": 8766.0, "decade": 87660.0,
}
_DIMENSIONS = {
    **{u: "time" for u in TIME_HOURS},
    "percent": "percent",
    "usd": "money", "gbp": "money", "eur": "money", "jpy": "money", "rub": "money", "uah": "money",
    "km": "distance", "mile": "distance", "m": "distance", "foot": "distance", "cm": "distance",
    "mm": "distance",
    "kg": "weight", "tonne": "weight", "lb": "weight",
}
_SKIPPABLE_MODIFIERS = {
    "more", "additional", "extra", "new", "other", "further", "straight", "consecutive",
    "full", "whole", "separate", "different", "of", "fewer", "less", "or", "so",
}
_NOT_UNITS = {
    "the", "a", "an", "and", "or", "but", "of", "in", "on", "at", "to", "for", "by", "with",
    "from", "as", "into", "onto", "than", "that", "this", "these", "those", "which", "who",
    "whom", "whose", "what", "is", "are", "was", "were", "be", "been", "being", "has", "have",
    "had", "do", "does", "did", "will", "would", "could", "should", "may", "might", "must",
    "can", "said", "says", "say", "told", "it", "its", "they", "their", "them", "he", "his",
    "him", "she", "her", "we", "our", "you", "your", "i", "my", "me", "us", "if", "when",
    "while", "after", "before", "since", "until", "over", "under", "about", "per", "each",
    "every", "all", "also", "not", "no", "so", "then", "there", "here", "where", "how",
    "why", "up", "down", "out", "off", "again", "later", "earlier", "ago", "more", "less",
    "times", "percent", "across", "through", "during", "against", "between", "among",
    "had", "reportedly", "allegedly", "died", "killed", "injured", "were", "remain",
    "remained", "left", "went", "came", "got",
}

# vague phrases: (regex, low, high, share) -- low/high bound the counts a phrase can mean
_VAGUE_PATTERNS: list[tuple[str, float | None, float | None, str | None]] = [
    (r"a (?:significant|substantial|considerable|sizeable|sizable|large|big|huge|great|vast|good) "
     r"(?:portion|part|proportion|share|amount|number|chunk|percentage|fraction|swathe|swath|majority|minority)",
     None, None, None),
    (r"a (?:small|tiny|modest|limited) (?:portion|part|proportion|share|amount|number|fraction|percentage|minority)",
     None, None, "minority"),
    (r"(?:the|a) (?:vast )?majority of", None, None, "majority"),
    (r"most of|the bulk of|much of", None, None, "majority"),
    (r"a (?:portion|part|proportion|share|fraction) of|parts of|some of", None, None, None),
    (r"a (?:good|great) (?:deal|many)|a lot of|lots of|plenty of", None, None, None),
    (r"tens of thousands", 20_000, 100_000, None),
    (r"hundreds of thousands", 200_000, 1_000_000, None),
    (r"dozens(?: of)?|scores(?: of)?", 24, 199, None),
    (r"hundreds(?: of)?", 200, 1999, None),
    (r"thousands(?: of)?", 2000, 999_999, None),
    (r"millions(?: of)?", 2_000_000, 999_999_999, None),
    (r"a handful(?: of)?|a couple of", 2, 9, None),
    (r"a few", 2, 12, None),
    (r"several", 3, 20, None),
    (r"a number of|numerous|countless|multiple|many|various|some|a range of", None, None, None),
]
_VAGUE_RE = re.compile(
    r"(?<![\w-])(?:" + "|".join(f"({p[0]})" for p in _VAGUE_PATTERNS) + r")(?![\w-])",
    re.IGNORECASE,
)

_TOKEN_RE = re.compile(
    r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|[A-Za-z]+(?:['’][A-Za-z]+)?|[$£€%]|[-–—]|\S"
)
_TIME_RE = re.compile(
    r"\b\d{1,2}:\d{2}\b(?:\s*(?:[ap]\.m\.|[ap]m\b))?"
    r"|\b\d{1,2}\.\d{2}\s*(?:[ap]\.m\.|[ap]m\b)"
    r"|\b\d{1,2}\s*(?:[ap]\.m\.|[ap]m\b)"
    r"|\b\d{1,2}\s+o['’]clock",
    re.IGNORECASE,
)


@dataclass
class _Tok:
    text: str
    low: str
    start: int
    end: int


def _tokens(text: str) -> list[_Tok]:
    return [_Tok(m.group(), m.group().lower(), m.start(), m.end()) for m in _TOKEN_RE.finditer(text)]


def _is_digit(t: _Tok | None) -> bool:
    return t is not None and t.text[0].isdecimal()  # not isdigit(): "²" is a digit but no number


def _num(t: _Tok) -> float:
    return float(t.text.replace(",", ""))


def _adjacent(a: _Tok, b: _Tok) -> bool:
    return a.end == b.start


def _singular(word: str) -> str:
    w = word.lower()
    if w in _UNIT_ALIASES:
        return _UNIT_ALIASES[w]
    if len(w) > 3 and w.endswith("ies"):
        return w[:-3] + "y"
    if len(w) > 3 and re.search(r"(?:ches|shes|sses|xes|zes)$", w):
        return w[:-2]
    if len(w) > 2 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
        return w[:-1]
    return w


def _interval(value: float, qualifier: str | None) -> tuple[float, float]:
    v = value
    if qualifier == "over" or qualifier == "at_least":
        return (v, INF)
    if qualifier == "under" or qualifier == "up_to":
        return (min(0.0, v), v)
    if qualifier == "nearly":
        return (0.9 * v, v)
    if qualifier == "about":
        return (0.9 * v, 1.1 * v)
    return (v, v)


# ------------------------------------------------------------------ extraction


class _Scanner:
    def __init__(self, text: str) -> None:
        self.text = text
        self.toks = _tokens(text)
        self.masked = [(m.start(), m.end()) for m in _TIME_RE.finditer(text)]
        self.masked += [(d.start, d.end) for d in extract_dates(text)]

    def tok(self, i: int) -> _Tok | None:
        return self.toks[i] if 0 <= i < len(self.toks) else None

    def low(self, i: int) -> str:
        t = self.tok(i)
        return t.low if t else ""

    def in_mask(self, t: _Tok) -> bool:
        return any(s <= t.start < e for s, e in self.masked)

    # -- qualifier -------------------------------------------------------
    def qualifier_at(self, i: int) -> tuple[int, str | None]:
        for words, name in QUALIFIERS:
            if all(self.low(i + k) == w for k, w in enumerate(words)):
                return i + len(words), name
        return i, None

    # -- number cores: return (end_index_exclusive, value, low, high, unit, is_fraction) or None
    def digits_at(self, i: int):
        t = self.tok(i)
        currency = None
        j = i
        if t is not None and t.text in _CURRENCY_SIGNS:
            currency = _CURRENCY_SIGNS[t.text]
            j = i + 1
        elif t is not None and t.low in ("us", "a", "c", "au") and self.tok(i + 1) is not None \
                and self.tok(i + 1).text == "$" and _adjacent(t, self.tok(i + 1)) and t.text.isupper():
            currency = "usd" if t.low == "us" else t.low + "d"
            j = i + 2
        d = self.tok(j)
        if not _is_digit(d) or (currency and not _adjacent(self.tok(j - 1), d)):
            return None
        if self.in_mask(d):
            return None
        prev = self.tok(i - 1)
        nxt = self.tok(j + 1)
        # glued to letters or an identifier hyphen before: G7, COVID-19, F-16
        if prev is not None and _adjacent(prev, d) and not currency:
            if prev.text[0].isalpha() or prev.text in "-–" and self.tok(i - 2) is not None \
                    and self.tok(i - 2).text[0].isalpha() and _adjacent(self.tok(i - 2), prev):
                return None
            if prev.text in ("/", ".", ":", "#"):
                return None
        if nxt is not None and _adjacent(d, nxt):
            if nxt.text in ("/", ":"):
                return None
            if nxt.low in ("st", "nd", "rd", "th", "s") or (nxt.low == "s" and d.text.endswith("0")):
                return None  # ordinal or decade
        value = _num(d)
        end = j + 1
        unit = currency
        # day of month next to a month name
        if not currency and "," not in d.text and "." not in d.text and value <= 31:
            if (prev is not None and prev.low.rstrip(".") in MONTHS) or \
                    (nxt is not None and nxt.low.rstrip(".") in MONTHS) or \
                    (nxt is not None and nxt.low == "of" and self.low(j + 2).rstrip(".") in MONTHS):
                return None
        # year
        if not currency and is_year_token(self.text, d.start, d.end):
            return None
        scale_tok = self.tok(end)
        if scale_tok is not None and _adjacent(d, scale_tok) and scale_tok.low in _SUFFIX_SCALES \
                and (currency or scale_tok.low in ("bn", "tn", "mn", "k")):
            value *= _SUFFIX_SCALES[scale_tok.low]
            end += 1
        elif scale_tok is not None and _adjacent(d, scale_tok) and scale_tok.low in _GLUED_UNITS:
            unit = _GLUED_UNITS[scale_tok.low]
            end += 1
        elif scale_tok is not None and scale_tok.low in _SCALES:
            value *= _SCALES[scale_tok.low]
            end += 1
        elif scale_tok is not None and _adjacent(d, scale_tok) and scale_tok.text[0].isalpha():
            return None  # 5G, 4x4, A320-ish glued identifiers
        return end, value, unit

    def words_at(self, i: int):
        """Number words: 'twenty-five', 'two hundred', 'a dozen', 'a million'."""
        t = self.tok(i)
        if t is None:
            return None
        j = i
        total = 0.0
        current = 0.0
        seen = False
        if t.low in ("a", "an"):
            n = self.low(i + 1)
            if n == "dozen":
                return i + 2, 12.0, None
            if n in _SCALES:
                j = i + 1
                current = 1.0
                seen = True
            else:
                return None
        while True:
            w = self.low(j)
            if w in _SMALL:
                v = _SMALL[w]
                r = current % 100
                if seen and not (r == 0 and (current or total)) and not (r >= 20 and r % 10 == 0 and v < 10):
                    break
                current += v
                seen = True
                j += 1
            elif w in _TENS:
                if seen and current % 100 != 0:
                    break
                current += _TENS[w]
                seen = True
                j += 1
                # twenty-five
                if self.low(j) in ("-", "–") and self.low(j + 1) in _SMALL and _SMALL[self.low(j + 1)] < 10:
                    current += _SMALL[self.low(j + 1)]
                    j += 2
            elif w == "dozen" and seen:
                current *= 12
                j += 1
            elif w in _SCALES and seen:
                if w == "hundred":
                    current = (current or 1) * 100
                else:
                    total += (current or 1) * _SCALES[w]
                    current = 0
                j += 1
            elif w == "and" and seen and self.low(j + 1) in {**_SMALL, **_TENS} \
                    and (total or current >= 100):
                j += 1
            else:
                break
        if not seen:
            return None
        return j, total + current, None

    def fraction_at(self, i: int):
        w = self.low(i)
        # bare "half": 'half of', 'half the'
        if w == "half":
            if self.low(i + 1) in ("of", "the", "its", "their", "his", "her", "a", "an"):
                return i + 1, 0.5, None
            return None
        num = None
        j = i
        if w in ("a", "an", "one"):
            num, j = 1, i + 1
        elif w in _SMALL and _SMALL[w] > 1:
            num, j = _SMALL[w], i + 1
        else:
            return None
        if self.low(j) in ("-", "–"):
            j += 1
        den_word = self.low(j)
        if den_word not in _DENOMINATORS:
            return None
        if num == 1 and den_word.endswith("s") and den_word != "halves":
            return None
        if num > 1 and not den_word.endswith("s") and den_word not in ("half",):
            return None
        if self.low(j + 1) != "of" and not (den_word == "half" and self.low(j + 1) in ("the", "a", "an")):
            return None
        return j + 1, num / _DENOMINATORS[den_word], None

    # -- unit ---------------------------------------------------------
    def unit_after(self, end: int) -> tuple[str | None, int]:
        """Return (unit, index after the unit word or ``end`` if none)."""
        t = self.tok(end)
        if t is None:
            return None, end
        if t.text == "%":
            return "percent", end + 1
        if t.low == "per" and self.low(end + 1) == "cent":
            return "percent", end + 2
        if t.low in ("percent", "pc"):
            return "percent", end + 1
        # 17-month
        if t.text in ("-", "–") and self.tok(end + 1) is not None and self.tok(end + 1).text[0].isalpha() \
                and _adjacent(t, self.tok(end + 1)) and _adjacent(self.toks[end - 1], t):
            w = self.tok(end + 1).low
            return _singular(w), end + 2
        j = end
        for _ in range(3):
            w = self.tok(j)
            if w is None or not w.text[0].isalpha():
                return None, end
            if w.low in _CURRENCY_WORDS:
                return _CURRENCY_WORDS[w.low], j + 1
            if w.low in _SKIPPABLE_MODIFIERS and not (w.low == "of" and j != end):
                if w.low in ("or", "so") or (w.low in ("more", "less", "fewer") and self.low(j + 1) == "than"):
                    return None, end
                j += 1
                continue
            if w.text[0].isupper() and j - end < 2 and self.tok(j + 1) is not None \
                    and self.tok(j + 1).text[0].isalpha() and self.tok(j + 1).text[0].islower():
                j += 1  # "5,000 Russian troops"
                continue
            if w.low in _NOT_UNITS or w.text[0].isupper():
                return None, end
            power = self.tok(j + 1)
            if power is not None and power.text in ("²", "³") and _adjacent(w, power):
                return _singular(w.low) + power.text, j + 2  # "12 km²": square kilometres, not km
            return _singular(w.low), j + 1
        return None, end

    # -- main loop ------------------------------------------------------
    def run(self) -> list[Quantity]:
        out: list[Quantity] = []
        i = 0
        n = len(self.toks)
        while i < n:
            q_end, qualifier = self.qualifier_at(i)
            found = self.number_at(q_end)
            if found is None:
                found = self.number_at(i)
                qualifier = None
                q_end = i
                if found is None:
                    i += 1
                    continue
            num_end, value, low, high, unit, is_fraction, is_word = found
            start = self.toks[i].start
            span_end_tok = num_end - 1
            if unit is None and not is_fraction:
                unit, after = self.unit_after(num_end)
                if unit is not None:
                    span_end_tok = after - 1
            if is_word and value == 1 and unit is None:
                i = num_end
                continue  # 'one' as a pronoun
            if qualifier == "over" and q_end == i + 1 and self.low(i) == "over" and unit in _PERIODS \
                    and self.low(i - 1) in _SPREAD_VERBS:
                # "spread over two years", "paid over five years": the period, not "more than"; read so,
                # "spread over two years" against "spread across two years" is no change
                qualifier, start = None, self.toks[q_end].start
            if low is None:
                low, high = _interval(value, qualifier)
            end = self.toks[span_end_tok].end
            out.append(Quantity(start, end, self.text[start:end], value, low, high, qualifier, unit))
            i = span_end_tok + 1
        return out

    def number_at(self, i: int):
        """(end, value, low, high, unit, is_fraction, is_word) or None; handles ranges."""
        t = self.tok(i)
        if t is None or self.in_mask(t):
            return None
        # between X and Y
        if t.low == "between":
            first = self.digits_at(i + 1) or self.words_at(i + 1)
            if first and self.low(first[0]) == "and":
                second = self.digits_at(first[0] + 1) or self.words_at(first[0] + 1)
                if second and second[1] > first[1]:
                    lo, hi = first[1], second[1]
                    return second[0], (lo + hi) / 2, lo, hi, second[2] or first[2], False, False
            return None
        if t.low == "half" and self.low(i + 1) in ("a", "an") and self.low(i + 2) in _SCALES:
            scaled = self.words_at(i + 1)  # "half a billion euros": 500 million, not "half" and "a billion"
            if scaled is not None:
                return scaled[0], scaled[1] / 2, None, None, scaled[2], False, True
        core = self.digits_at(i)
        is_word = False
        if core is None:
            frac = self.fraction_at(i)
            if frac is not None:
                return frac[0], frac[1], None, None, None, True, True
            core = self.words_at(i)
            is_word = core is not None
        if core is None:
            return None
        end, value, unit = core
        # ranges: 20-30, 20 to 30
        sep = self.tok(end)
        if sep is not None and not is_word and (sep.text in ("-", "–") or sep.low == "to" and self.low(i - 1) != "from"):
            other = self.digits_at(end + 1)
            if other is not None and other[1] > value:
                return other[0], (value + other[1]) / 2, value, other[1], unit or other[2], False, False
        return end, value, None, None, unit, False, is_word


def extract_quantities(text: str) -> list[Quantity]:
    """All quantities in ``text``, in order; offsets index ``text``."""
    return list(_quantities(text))


@lru_cache(maxsize=1 << 14)
def _quantities(text: str) -> tuple[Quantity, ...]:
    # cached: the versions of one story repeat their sentences, and each pair reads them again
    return tuple(_Scanner(text).run())


def extract_vague_phrases(text: str) -> list[VaguePhrase]:
    """Vague quantity phrases ('a significant portion', 'dozens of', 'many') in ``text``."""
    out = []
    masked = [(q.start, q.end) for q in extract_quantities(text)]
    for m in _VAGUE_RE.finditer(text):
        if any(s <= m.start() < e for s, e in masked):
            continue  # 'some 300 people' is a qualifier, not a vague phrase
        idx = next(k for k, g in enumerate(m.groups()) if g is not None)
        _, lo, hi, share = _VAGUE_PATTERNS[idx]
        phrase = m.group().lower()
        if phrase == "some":
            nxt = re.match(r"\s+(\w+)", text[m.end():])
            if nxt and nxt.group(1).lower() in ("of", "time", "point", "way", "say", "said", "kind", "sort"):
                continue
        end = m.end()
        if phrase.endswith(" of") and not phrase.startswith(("most", "much", "the bulk", "some", "parts", "a ")):
            end -= 3  # 'dozens of' -> 'dozens'
        out.append(VaguePhrase(m.start(), end, text[m.start():end], lo, hi, share))
    return out


# ------------------------------------------------------------------ comparison


def _dimension(unit: str | None) -> str | None:
    return _DIMENSIONS.get(unit) if unit else None


def _base(q: Quantity) -> tuple[float, float, float]:
    """Value and interval in a comparable base: hours for time, share (0-1) for percent."""
    f = 1.0
    if q.unit in TIME_HOURS:
        f = TIME_HOURS[q.unit]
    elif q.unit == "percent":
        f = 0.01
    return q.value * f, q.low * f, q.high * f


def _compatible(qa: Quantity, qb: Quantity, strict: bool) -> bool:
    if qa.unit == qb.unit:
        return True
    da, db = _dimension(qa.unit), _dimension(qb.unit)
    if da is not None and da == db and da in ("time",):
        return True
    fa = qa.unit is None and qa.value < 1 or qa.unit == "percent"
    fb = qb.unit is None and qb.value < 1 or qb.unit == "percent"
    if {qa.unit, qb.unit} <= {None, "percent"} and fa and fb:
        return True
    if strict:
        return False
    # loose pairing of the last leftovers: allowed unless they measure different kinds of things
    if da is not None and db is not None and da != db:
        return False
    if (da is None) != (db is None) and (qa.unit is not None and qb.unit is not None):
        return False
    return True


def same_figure(qa: Quantity, qb: Quantity) -> bool:
    """The two give one value (in one base unit: "1.5 million" = "1,500,000")."""
    va, vb = _base(qa)[0], _base(qb)[0]
    tol = 0.015 if (qa.unit != qb.unit) else 1e-9
    return abs(va - vb) <= tol * max(abs(va), abs(vb), 1e-12)


_EQUIVALENT_QUALIFIERS = [{None, "about"}, {"over", "at_least"}, {"under", "up_to"}]


def _same_claim(qa: Quantity, qb: Quantity) -> bool:
    if (qa.low, qa.high) != (qa.value, qa.value) and qa.qualifier is None or \
            (qb.low, qb.high) != (qb.value, qb.value) and qb.qualifier is None:
        # ranges: compare the intervals themselves
        la, ha = _base(qa)[1:]
        lb, hb = _base(qb)[1:]
        return math.isclose(la, lb, rel_tol=0.015) and math.isclose(ha, hb, rel_tol=0.015)
    if not same_figure(qa, qb):
        return False
    if qa.qualifier == qb.qualifier:
        return True
    return any({qa.qualifier, qb.qualifier} <= g for g in _EQUIVALENT_QUALIFIERS)


def _overlap(qa: Quantity, qb: Quantity) -> bool:
    _, la, ha = _base(qa)
    _, lb, hb = _base(qb)
    lo, hi = max(la, lb), min(ha, hb)
    if lo < hi:
        return True
    if lo > hi:
        return False
    # a single shared point: it must not be an open end of either interval
    for q, low_, high_ in ((qa, la, ha), (qb, lb, hb)):
        if q.qualifier == "over" and lo == low_ or q.qualifier in ("under", "nearly") and lo == high_:
            return False
    return True


def _pair(qa: list[Quantity], qb: list[Quantity]) -> tuple[list[tuple[Quantity, Quantity]], list[Quantity], list[Quantity]]:
    pairs: list[tuple[Quantity, Quantity]] = []
    left_a = list(qa)
    left_b = list(qb)
    def pair_off(match) -> None:
        """Greedily pair each left-over figure of a with the first of b that ``match``es it."""
        for x in list(left_a):
            for y in left_b:
                if match(x, y):
                    pairs.append((x, y))
                    left_a.remove(x)
                    left_b.remove(y)
                    break

    # 1. same claim, compatible unit; then same claim where one side has no unit ('ten people' / '10')
    pair_off(lambda x, y: _compatible(x, y, strict=True) and _same_claim(x, y))
    pair_off(lambda x, y: (x.unit is None) != (y.unit is None) and _compatible(x, y, strict=False)
             and _same_claim(x, y))
    # 2. same value, compatible unit (qualifier changes)
    pair_off(lambda x, y: _compatible(x, y, strict=True) and same_figure(x, y))
    # 3. same unit, in order
    pair_off(lambda x, y: _compatible(x, y, strict=True))
    # 4. one leftover each -- unless its noun is already used by another figure on the other side
    # ('two of the five suspects' / 'two suspects ..., while three remain': 'three' is not the suspects)
    if len(left_a) == 1 and len(left_b) == 1 and _compatible(left_a[0], left_b[0], strict=False) \
            and not (left_a[0].unit and any(q.unit == left_a[0].unit for q in qb)) \
            and not (left_b[0].unit and any(q.unit == left_b[0].unit for q in qa)):
        pairs.append((left_a[0], left_b[0]))
        left_a, left_b = [], []
    pairs.sort(key=lambda p: p[0].start)
    return pairs, left_a, left_b


def _fmt(v: float) -> str:
    if v == int(v):
        return f"{int(v):,}"
    return f"{v:,.2f}".rstrip("0").rstrip(".")


def compare_quantities(a: str, b: str) -> list[QuantityChange]:
    """Differences between the figures of two aligned sentences ``a`` and ``b``."""
    qa = extract_quantities(a)
    qb = extract_quantities(b)
    pairs, left_a, left_b = _pair(qa, qb)
    changes: list[QuantityChange] = []
    for x, y in pairs:
        if _same_claim(x, y):
            continue
        if same_figure(x, y) and (x.low, x.high) == _interval(x.value, x.qualifier) \
                and (y.low, y.high) == _interval(y.value, y.qualifier):
            disjoint = not _overlap(x, y)
            severity = "medium" if disjoint else "low"
            (_, la, ha), (_, lb, hb) = _base(x), _base(y)
            if disjoint:
                what = "so the two ranges no longer overlap"
            elif lb >= la and hb <= ha:
                what = "so this version states it more precisely than the other"
            else:
                what = "so this version states it more loosely than the other"
            changes.append(QuantityChange(
                x, y, "qualifier", severity,
                f'The other version says "{x.text}"; this one says "{y.text}": the figure is the same but '
                f"it is now {QUALIFIER_WORDS[y.qualifier]} instead of {QUALIFIER_WORDS[x.qualifier]}, {what}.",
            ))
            continue
        va, vb = _base(x)[0], _base(y)[0]
        rel = abs(vb - va) / max(abs(va), 1e-12)
        same_qualifier = x.qualifier == y.qualifier or any(
            {x.qualifier, y.qualifier} <= g for g in _EQUIVALENT_QUALIFIERS)
        compatible = not same_qualifier and _overlap(x, y)
        if compatible:
            severity = "low"
        elif rel > 0.10:
            severity = "high"
        else:
            severity = "medium"
        more = "more" if vb > va else "less"
        note = f"{rel:.0%} {more}" if rel < 10 else f"far {more}"
        if compatible and x.qualifier is None and y.qualifier is not None and y.low <= _base(x)[0] <= y.high \
                and _base(x)[0] != _base(y)[0] and x.unit == y.unit:
            # "23 launches" -> "more than 20 launches": a looser figure that still holds, in the figure's place
            changes.append(QuantityChange(
                x, y, "vague", "medium",
                f'The other version gives "{x.text}"; this one only says "{y.text}", a looser figure that '
                "still covers it.", fits=True, in_slot=True))
            continue
        if compatible:
            note = "a different figure, though the two ranges still overlap"
        elif x.unit != y.unit and _dimension(x.unit) != "time":
            note += f", and counted in {y.unit or 'no unit'} instead of {x.unit or 'no unit'}"
        changes.append(QuantityChange(
            x, y, "value", severity, f'The other version gives "{x.text}"; this one gives "{y.text}", {note}.'))
    # a precise figure replaced by a vague phrase
    if left_a and not left_b:
        a_vague = {v.text.lower() for v in extract_vague_phrases(a)}
        b_vague = [v for v in extract_vague_phrases(b) if v.text.lower() not in a_vague]
        for x, v in zip(left_a, b_vague):
            fits = True
            if v.low is not None and x.unit not in ("percent",) and not (x.unit is None and x.value < 1):
                if not (v.low * 0.5 <= x.value <= v.high * 2 or x.qualifier in ("over", "at_least") and x.value <= v.high
                        or x.qualifier in ("under", "up_to", "nearly") and x.value >= v.low):
                    fits = False
            share = _base(x)[0] if (x.unit == "percent" or x.unit is None and x.value < 1) else None
            if v.share is not None and share is not None:
                if v.share == "majority" and x.high * (0.01 if x.unit == "percent" else 1) <= 0.5 or \
                        v.share == "minority" and x.low * (0.01 if x.unit == "percent" else 1) >= 0.5:
                    fits = False
            if fits:
                why = f'The other version gives a figure, "{x.text}"; this one only says "{v.text}".'
            else:
                why = (f'The other version gives "{x.text}"; this one says "{v.text}", '
                       f"which cannot stand for that figure.")
            changes.append(QuantityChange(x, v, "vague", "low" if fits else "medium", why,
                                          fits=fits, in_slot=same_slot(a, x, b, v)))
    return changes


def _words_around(text: str, start: int, end: int) -> tuple[list[str], list[str]]:
    before = re.findall(r"[\w'’-]+", text[max(0, start - 40):start].lower())[-2:]
    after = re.findall(r"[\w'’-]+", text[end:end + 40].lower())[:2]
    return before, after


_PROPORTION_RE = re.compile(r"\b(?:portion|part|parts|proportion|share|fraction|percentage|majority|minority|"
                            r"most|much|bulk|swathe|swath|chunk)\b", re.I)
_OF_NEXT = re.compile(r"\s+of\b", re.I)
_VAGUE_NOUN_RE = re.compile(r"\s+(?:of\s+)?(?:(?:the|its|their|his|her|our)\s+)?(?:([A-Za-z]+)\s+)?([A-Za-z]+)")


def same_slot(a: str, x: Quantity, b: str, v: VaguePhrase) -> bool:
    """Whether vague phrase ``v`` of ``b`` stands where figure ``x`` of ``a`` stood.

    It does when it counts the figure's noun ("3,200 jobs" / "thousands of
    jobs", one modifier allowed: "thousands of new jobs"), when both are a share
    of something ("more than a sixth of its land" / "a significant portion of
    their territory": a fraction or percentage and a phrase of proportion, each
    followed by "of"), or when the two words before, or the two words after,
    are the same in both sentences.
    """
    m = _VAGUE_NOUN_RE.match(b, v.end)
    if m and x.unit is not None and any(w and _singular(w) == x.unit for w in m.groups()):
        return True
    is_share = x.unit == "percent" or (x.unit is None and 0 < x.value < 1)
    if is_share and _PROPORTION_RE.search(v.text) and _OF_NEXT.match(a, x.end) and (
            v.text.lower().endswith(" of") or _OF_NEXT.match(b, v.end)):
        return True
    xb, xa = _words_around(a, x.start, x.end)
    vb, va = _words_around(b, v.start, m.end() if m and x.unit is not None else v.end)
    return (len(xb) == 2 and xb == vb) or (len(xa) == 2 and xa == va)


def _same_context(a: str, qc: QuantityChange, b: str) -> bool:
    """The two figures stand between the same words (two before, or two after, the same)."""
    if qc.a is None or qc.b is None:
        return False
    if isinstance(qc.b, VaguePhrase):
        return qc.in_slot
    ab, aa = _words_around(a, qc.a.start, qc.a.end)
    bb, ba = _words_around(b, qc.b.start, qc.b.end)
    return (len(ab) == 2 and ab == bb) or (len(aa) == 2 and aa == ba)


def detect(view: StoryView) -> list[Change]:
    """Figures that differ between the two sentences in view (``number_changed``).

    An exact figure replaced by a vague phrase that can stand for it ("3,200
    jobs" / "thousands of jobs") is not a changed figure but a vaguer one:
    `detail` reports it as ``figure_vaguer``. A vague phrase that cannot stand
    for the figure ("dozens" for 4,200) is a changed figure: high when it
    stands where the figure stood (`same_slot`), else medium (the pairing is a
    guess). Between a ``related`` counterpart pair (a claim that changed too much
    to align, paired by rank) a change is reported only when the two figures
    stand between the same words: two figures of one unit in two different
    claims ("lost 412 million euros" / "valued at about 60 million euros") are
    not one figure changed.
    """
    pair = view.pair
    if pair is None:
        return []
    a, b = pair.src_sentence, pair.dst_sentence
    out = []
    carried = _carried_by_other_parts(view)
    for qc in compare_quantities(a.text, b.text):
        if pair.kind == "related" and not _same_context(a.text, qc, b.text):
            continue  # a counterpart paired by rank: two figures of one unit may count different things
        if qc.a is not None and qc.b is not None and any(
                same_figure(qc.a, q) and qc.a.unit == q.unit for q in carried):
            continue  # the source's figure is kept, as it was, by another part of a split sentence
        severity = qc.severity
        if qc.kind == "vague":
            if qc.fits:
                continue  # figure_vaguer, in detail
            severity = "high" if qc.in_slot else "medium"
        out.append(pair.change(
            "number_changed",
            severity,
            in_sentence(b, (qc.b.start, qc.b.end) if qc.b else None),
            in_sentence(a, (qc.a.start, qc.a.end) if qc.a else None),
            qc.explanation,
        ))
    return out


def _carried_by_other_parts(view: StoryView) -> list[Quantity]:
    """The figures of the other sentences of the derived version aligned to the same source sentence
    (the parts of a sentence split in two or three): a source figure one part keeps was not changed
    in another part that gives a figure of its own."""
    pair = view.pair
    out: list[Quantity] = []
    for l in view.links.get((pair.dst.id, pair.src.id), []):
        if l.b_index == pair.src_index and l.a_index != pair.dst_index:
            out += extract_quantities(pair.dst.sentences[l.a_index].text)
    return out


__all__ = [
    "Quantity",
    "QuantityChange",
    "VaguePhrase",
    "extract_quantities",
    "same_figure",
    "extract_vague_phrases",
    "compare_quantities",
    "detect",
    "same_slot",
]
