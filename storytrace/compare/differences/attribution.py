"""Sourcing: through whom a claim reached the page, in two aligned sentences.

Detector: `detect` reports ``attribution_changed`` (medium) on the
`AlignedPair` in view when the *conduit* of a claim differs: the outlet or
channel it was given to or reported by, or whether it was reported second
hand. Who made the statement is ``speaker_changed`` (`quotes`); this module is
about the way it travelled.

Method
------
`conduits` reads a sentence (quoted words masked out) for these frames, with
their offsets:

* **outlets**: "told the Daily X" / "told Reuters", "according to the Daily
  X", "the Daily X reported", "X newspaper reported", "reported by X", "in an
  interview with X". A named outlet is a capitalised name that carries a word
  of news-outlet naming as its last word ("Herald", "Gazette", "Ledger",
  "Times", "News", "Post", ...: ``MEDIA_NAME_WORDS``; "the Washington Post" is
  an outlet, "the Post Office" is not), carries the name of a large agency or
  broadcaster anywhere (``MEDIA_NAMES``: "Reuters", "BBC Wales Today"), or is
  followed by a media noun ("X newspaper", "X channel"). Anything else is
  not a conduit: a person after "told" is an addressee, "told the Senate" an
  audience, "according to <a person or body>" names the source itself, and
  "Royal Mail reported a loss" is a company's own report (an outlet's
  "reported" is followed by "that", a time, or ends the clause). Unnamed media
  ("local news agencies", "state television", "a channel linked to him") are
  outlets too, compared by their head noun.
* **second-hand frames**: "X was quoted (by Y) as saying", "Y quoted / cited /
  paraphrased him as saying / suggesting": the words are someone's report of
  what X said.
* **distancing verbs**: "claimed", "alleged", "suggested", "purported",
  "hinted", "insinuated", "implied" (``DISTANCING_VERBS``), against the plain
  speech verbs of `storytrace.compare.quotes.SPEECH_VERB_RE` ("said",
  "stated", "told", "added", "mentioned", ...).

`compare_conduits` then says what changed, first rule that applies:

1. both sentences name outlets and share none: the claim is given to
   another outlet ("The other version attributes this to the Daily X; this
   one to the Y Herald.");
2. the other sentence's claim came through an outlet or a second-hand report
   and this one names none: dropped ("The other version says news agencies
   quoted him; this one presents it as his own statement."), unless the
   outlet is named in this version's sentences either side (a split
   sentence) or this sentence still hints at a second-hand report
   ("reportedly", "quoting", "according to");
3. this sentence names an outlet or second-hand report the other lacks, and
   the other version never mentions that outlet: added;
4. one sentence reports the statement with a distancing verb and the other
   with a plain one (between copies only; both must carry a speech verb).

Two sentences whose speakers are both known and differ (none of one
sentence's speakers is one of the other's: a sentence merging two statements
is compared through the speaker it shares) are not compared
(that is ``speaker_changed``, or another claim), nor are two that share less
than ``SAME_CLAIM`` (0.5, set by hand) of the shorter one's content words, and
at least ``MIN_SHARED`` (3) of them, once the sourcing frames, names and
speech verbs are left out: an alignment of two different claims.
Rule 4 needs both speakers known (and the same). Between loose paraphrases
(not aligned as a copy) rules 2 and 3 also need a plain speech verb on the
side without the conduit (a paraphrase that attributes nothing may tell
another claim), and a dropped "told X" is not reported: a paraphrase keeps
who said it, and where it was said is a detail summaries drop.

Reported on the ``dst`` conduit frame (or its attribution, "Oskar Brandvold
said", or the sentence when it names no one), against the ``src`` frame.

Limits: regular expressions over a sentence, no parse: a sentence with two
statements through two outlets is compared as a set; an outlet name without
any outlet word ("told Brightwater") is not recognised; the head noun of an
unnamed medium is all that is compared ("local media" = "state media").
"""

from __future__ import annotations

import re
from functools import lru_cache
from dataclasses import dataclass
from typing import Literal

from storytrace.compare.differences.change import Change, StoryView, in_sentence
from storytrace.compare.quotes import SPEECH_VERB_RE, same_speaker
from storytrace.model import Document, Sentence
from storytrace.text import content_words

# Set by hand, not fitted.
SAME_CLAIM = 0.5  # share of the shorter sentence's content words the other must have: the same claim
MIN_SHARED = 3  # ... and at least this many of them (or all, when the shorter has fewer)

ConduitKind = Literal["outlet", "second_hand", "distancing"]

# Words that mark a capitalised name as a news outlet's: the generic vocabulary
# of newspaper, broadcaster and agency names in English-language news, and the
# names of the largest wire services and broadcasters.
MEDIA_NAME_WORDS = frozenset("""
daily weekly times post herald gazette ledger news journal tribune telegraph chronicle courier
observer guardian mirror express standard press radio tv television channel agency wire review
today online magazine sun star record register bulletin dispatch sentinel reporter examiner
inquirer monitor globe mail advertiser argus echo clarion beacon advocate enquirer gleaner bugle
gazeta pravda izvestia kommersant
""".split())  # only as the last word of the name: "the Washington Post", not "the Post Office"
MEDIA_NAMES = frozenset("reuters afp ap bloomberg bbc cnn xinhua interfax tass ria ansa efe dpa kyodo yonhap".split())
MEDIA_NOUNS = (
    r"news\s+agency|news\s+agencies|agency|agencies|media|newspapers?|papers?|dailies|daily|weeklies|"
    r"tabloids?|magazines?|radio|television|TV|channels?|broadcasters?|networks?|outlets?|websites?|"
    r"news\s+sites?|wire\s+services?|press"
)
DISTANCING_VERBS = frozenset({
    "claimed", "claims", "claiming", "alleged", "alleges", "alleging", "suggested", "suggests",
    "suggesting", "purported", "purports", "insinuated", "hinted", "hints", "implied", "implies",
    "paraphrased",
})

_CAP = r"[A-Z](?:[\w'’&-]|\.(?=\w))*"  # a capitalised word; inner dots ("U.S.") but not a full stop
_NAME = rf"(?:[Tt]he\s+)?{_CAP}(?:\s+(?:(?:of|for|and|on|de|la|el)\s+)?{_CAP})*"
_UNNAMED = (
    r"(?:(?:the|a|an|local|state|national|regional|foreign|international|domestic|independent|official|"
    r"several|two|three|some|other|[\w-]+-language|pro-[\w-]+|[\w-]+-run|[\w-]+-owned|[\w-]+-backed)\s+){0,3}"
    # "a press conference", "a news briefing": an event, not an outlet
    rf"(?:{MEDIA_NOUNS})\b(?!\s+(?:conferences?|briefings?|releases?|statements?|events?|officers?|offices?|secretar(?:y|ies))\b)"
    rf"(?:\s+(?:linked|close|loyal|allied)\s+to\s+(?:him|her|them|the\s+\w+|{_NAME}))?"
)
_OUTLET = rf"(?P<name>{_NAME}(?:\s+(?:{MEDIA_NOUNS})\b)?|{_UNNAMED})"
_SAYING = r"(?:saying|suggesting|stating|telling|claiming|warning|describing|calling)"

_TOLD = re.compile(rf"\btold\s+{_OUTLET}")
_ACCORDING = re.compile(rf"\b[Aa]ccording\s+to\s+{_OUTLET}")
_INTERVIEW = re.compile(rf"\b[Ii]n\s+an?\s+(?:[\w-]+\s+){{0,2}}interview\s+with\s+{_OUTLET}")
_REPORTED_BY = re.compile(rf"\breported\s+by\s+{_OUTLET}")
# "the Daily X reported that ...", "..., the Daily X reported.": not "Royal Mail reported a loss"
_OUTLET_REPORTED = re.compile(
    rf"{_OUTLET}\s+(?:has\s+|had\s+|also\s+|first\s+)?(?:reported|reports)"
    r"(?=\s*(?:[,.;:]|$)|\s+(?:that|on|in|late|earlier|last|this|yesterday|today|citing|quoting)\b)"
)
_PASSIVE = re.compile(
    rf"\b(?:was|were|is|are|has\s+been|had\s+been|being)\s+(?P<verb>quoted|cited|paraphrased)\s+"
    rf"(?:by\s+(?P<by>.{{1,60}}?)\s+)?as\s+{_SAYING}\b"
)
_ACTIVE = re.compile(
    rf"\b(?P<verb>quoted|cited|paraphrased)\s+(?P<obj>him|her|them|(?:his|her|their)\s+[a-z]+|{_NAME}(?:\s+[a-z]+)?)"
    rf"(?:\s*,[^,]{{1,80}},)?\s+as\s+{_SAYING}\b"
)
# any trace of second-hand sourcing: a sentence with one is not "his own statement"
_SECOND_HAND_HINT = re.compile(
    r"\b(?:quoted|cited|paraphrased|reportedly|according\s+to|reported|quoting|citing)\b", re.I
)
_WORD_RE = re.compile(r"[A-Za-z][\w'’-]*")
_BREAK = re.compile(r"[,;:()—–“”\"«»\x00]|[.!?](?=\s)|\b(?:and|but|while|whereas)\s")
_MASK = "\x00"


@dataclass(frozen=True)
class Conduit:
    """One sourcing frame of a sentence; offsets index the sentence text."""

    kind: ConduitKind
    frame: str  # told, according to, interview, reported, quoted, cited, paraphrased, or the verb
    name: str | None  # the outlet as written ("the Harbour Courier", "local news agencies"); None: unnamed
    key: str | None  # what is compared: the lowered name without "the"; an unnamed medium's head noun
    span: tuple[int, int]  # the whole frame ("told the Harbour Courier")


def _is_media_name(name: str) -> bool:
    words = [re.sub(r"[’']s$", "", w.lower()).strip(".’'") for w in _WORD_RE.findall(name)]
    return bool(words) and (words[-1] in MEDIA_NAME_WORDS or any(w in MEDIA_NAMES for w in words)
                            or bool(re.search(rf"\b(?:{MEDIA_NOUNS})$", name)))


def _is_unnamed(name: str) -> bool:
    """"local news agencies", "State television": media named by kind, not by name."""
    name = name.strip()
    return bool(name) and re.fullmatch(_UNNAMED, name[0].lower() + name[1:]) is not None


def _key(name: str) -> str:
    if _is_unnamed(name):
        head = re.search(rf"(?:{MEDIA_NOUNS})\b", name, re.I)
        noun = head.group(0).lower() if head else name.lower()
        noun = re.sub(r"\s+", " ", noun)
        return "medium:" + re.sub(r"(?:ies|s)$", lambda m: "y" if m.group(0) == "ies" else "", noun)
    words = [w for w in re.sub(r"[’']s\b", "", name).split() if w.lower() not in ("the", "a", "an")]
    while len(words) > 1 and re.fullmatch(MEDIA_NOUNS, words[-1], re.I):
        words = words[:-1]  # "Clarion newspaper" = "Clarion"
    return " ".join(words).lower()


def _masked(text: str, quote_spans: list[tuple[int, int]]) -> str:
    chars = list(text)
    for s, e in quote_spans:
        for i in range(max(0, s), min(len(chars), e)):
            chars[i] = _MASK
    return "".join(chars)


def _subject_phrase(text: str, end: int) -> tuple[int, str]:
    """The phrase before ``end`` back to the last clause break: "Local news agencies"."""
    start = 0
    for m in _BREAK.finditer(text, 0, end):
        start = m.end()
    phrase = text[start:end].strip()
    return end - len(text[start:end].lstrip()), phrase


def conduits(text: str, quote_spans: list[tuple[int, int]] | None = None) -> list[Conduit]:
    """The sourcing frames of sentence ``text`` (``quote_spans``: quoted words, ignored), in order."""
    return list(_conduits(text, tuple(quote_spans or ())))


@lru_cache(maxsize=1 << 14)  # the versions of one story repeat their sentences
def _conduits(text: str, quote_spans: tuple[tuple[int, int], ...]) -> tuple[Conduit, ...]:
    m_text = _masked(text, list(quote_spans))
    out: list[Conduit] = []
    taken: list[tuple[int, int]] = []

    def add(kind: ConduitKind, frame: str, name: str | None, span: tuple[int, int]) -> None:
        if any(s < span[1] and span[0] < e for s, e in taken):
            return
        name = name.strip() if name else None
        out.append(Conduit(kind, frame, name, _key(name) if name else None, span))
        taken.append(span)

    for m in _PASSIVE.finditer(m_text):
        by = m.group("by")
        add("second_hand", m.group("verb"), by, m.span())
    for m in _ACTIVE.finditer(m_text):
        s, subj = _subject_phrase(m_text, m.start())
        add("second_hand", m.group("verb"), subj or None, (s, m.end()))
    for rx, frame in ((_TOLD, "told"), (_ACCORDING, "according to"), (_INTERVIEW, "interview"),
                      (_REPORTED_BY, "reported")):
        for m in rx.finditer(m_text):
            name = m.group("name")
            if not _outlet_ok(name, frame):
                continue
            add("outlet", frame, name, m.span())
    for m in _OUTLET_REPORTED.finditer(m_text):
        name = m.group("name")
        if _outlet_ok(name, "reported"):
            add("outlet", "reported", name, m.span())
    for m in _WORD_RE.finditer(m_text):
        if m.group(0).lower() in DISTANCING_VERBS and not any(s <= m.start() < e for s, e in taken):
            out.append(Conduit("distancing", m.group(0).lower(), None, None, m.span()))
    return tuple(sorted(out, key=lambda c: c.span))


def _outlet_ok(name: str, frame: str) -> bool:
    """A news outlet, named ("the Daily X", "Reuters") or not ("state television"); not a person or a body."""
    return _is_unnamed(name) or _is_media_name(name)


# ------------------------------------------------------------------ comparison


@dataclass(frozen=True)
class ConduitChange:
    a: Conduit | None  # the src frame (None: it has none)
    b: Conduit | None  # the dst frame (None: it has none)
    explanation: str
    own_statement: bool = False  # the dst presents the claim as its speaker's own statement


def _plain_verb(text: str, quote_spans: list[tuple[int, int]]) -> re.Match | None:
    """The first speech verb of ``text`` (quotes masked) that does not distance the writer from the claim."""
    m_text = _masked(text, quote_spans)
    return next((m for m in SPEECH_VERB_RE.finditer(m_text) if m.group(0) not in DISTANCING_VERBS), None)


def _plain_verb_outside(text: str, quote_spans: list[tuple[int, int]], frames: list[Conduit]) -> bool:
    """Whether ``text`` has a plain speech verb outside its sourcing frames."""
    m_text = _masked(text, quote_spans)
    return any(m.group(0) not in DISTANCING_VERBS and not any(c.span[0] <= m.start() < c.span[1] for c in frames)
               for m in SPEECH_VERB_RE.finditer(m_text))


def _shared_content(a: str, ca: list[Conduit], b: str, cb: list[Conduit]) -> float:
    """Share of the shorter sentence's content words found in the other: what is said, so
    without the sourcing frames, the names (who says it) and the speech verbs."""
    def words(text: str, frames: list[Conduit]) -> set[str]:
        chars = list(text)
        for c in frames:
            for k in range(c.span[0], c.span[1]):
                chars[k] = " "
        kept = re.sub(r"\b[A-Z][\w'’-]*", " ", "".join(chars))
        return {w for w in content_words(kept) if not SPEECH_VERB_RE.fullmatch(w)}
    wa, wb = words(a, ca), words(b, cb)
    if not wa or not wb:
        return 0.0
    shared, fewer = len(wa & wb), min(len(wa), len(wb))
    if shared < min(MIN_SHARED, fewer):
        return 0.0  # two or so words in common say little, however short the sentences
    return shared / fewer


def _who(speaker: str | None) -> str:
    return speaker or "the speaker"


def _describe_conduit(c: Conduit, speaker: str | None) -> str:
    """'regional news agencies quoted Oskar Brandvold' / 'the Daily X'."""
    if c.kind == "second_hand":
        if not c.name:
            return f"{_who(speaker)} was {c.frame} as saying this"
        return f"{_plain_name(c.name)} {c.frame} {_who(speaker)}"
    return _plain_name(c.name or "")


def _plain_name(name: str) -> str:
    return re.sub(r"^(?:The|A|An)\s", lambda m: m.group(0).lower(), name.strip())


def compare_conduits(
    a: str,
    b: str,
    *,
    a_quotes: list[tuple[int, int]] | None = None,
    b_quotes: list[tuple[int, int]] | None = None,
    speaker: str | None = None,
    b_around: str = "",
    a_doc_text: str | None = None,
    close_wording: bool = True,
    same_speakers: bool = True,
    claimant: str | None = None,
) -> ConduitChange | None:
    """How the sourcing of aligned sentence ``a`` changed in ``b`` (see the module docstring), or None.

    ``speaker``: who makes the statement, for the explanation; ``b_around``: the
    text of ``b``'s neighbouring sentences (a conduit moved there is kept);
    ``a_doc_text``: the whole of ``a``'s version (an outlet it names anywhere is
    not one ``b`` made up); ``same_speakers``: both sentences name the same
    speaker (needed to compare their speech verbs); ``claimant``: the subject
    of the distancing verb, for the explanation ("someone" when unknown).
    """
    ca, cb = conduits(a, a_quotes), conduits(b, b_quotes)
    if (ca or cb) and _shared_content(a, ca, b, cb) < SAME_CLAIM:
        return None  # not the same claim, whatever the alignment says
    plain_a, plain_b = _plain_verb(a, a_quotes or []), _plain_verb(b, b_quotes or [])
    oa = [c for c in ca if c.kind in ("outlet", "second_hand")]
    ob = [c for c in cb if c.kind in ("outlet", "second_hand")]
    named_a = [c for c in oa if c.key and not c.key.startswith("medium:")]
    named_b = [c for c in ob if c.key and not c.key.startswith("medium:")]
    keys_a, keys_b = {c.key for c in oa if c.key}, {c.key for c in ob if c.key}
    around = b_around.lower()
    # 1. another outlet
    if named_a and named_b and not keys_a & keys_b:
        x, y = named_a[0], named_b[0]
        return ConduitChange(x, y, f"The other version attributes this to {_plain_name(x.name)}; "
                                   f"this one to {_plain_name(y.name)}.")
    # 2. dropped
    if oa and not ob:
        x = oa[0]
        if x.name and _key(x.name) and x.name.lower().removeprefix("the ") in around:
            return None  # moved into a neighbouring sentence
        if x.kind == "second_hand" and _SECOND_HAND_HINT.search(_masked(b, b_quotes or [])):
            return None  # still reported second hand, in a frame not read here
        if plain_b is None and not close_wording:
            return None  # a loose paraphrase that attributes nothing: perhaps another claim
        who = _who(speaker)
        if x.kind == "second_hand":
            said = f"presents it as {who}'s own statement" if plain_b else "does not say how it is known"
            return ConduitChange(x, None, f"The other version says {_describe_conduit(x, speaker)}; this one {said}.",
                                 own_statement=plain_b is not None)
        if x.frame == "told":
            if not close_wording:
                return None  # a paraphrase keeps who said it; where is a detail summaries drop
            if _plain_verb_outside(a, a_quotes or [], ca):
                return None  # "X told the Daily Y ... 'Z,' X said": the outlet may belong to the other statement
            return ConduitChange(x, None, f"The other version says this was told to {_plain_name(x.name)}; "
                                          f"this one does not say to whom.", own_statement=True)
        # "..., she said, the Post reported": her words are part of the claim, not its source
        own = plain_b is not None and not _plain_verb_outside(a, a_quotes or [], ca)
        said = f"presents it as {who}'s own statement" if own else "gives no source"
        return ConduitChange(x, None, f"The other version attributes this to {_plain_name(x.name)}; this one {said}.",
                             own_statement=own)
    # 3. added
    if ob and not oa:
        y = ob[0]
        if y.kind == "second_hand" and _SECOND_HAND_HINT.search(_masked(a, a_quotes or [])):
            return None
        if plain_a is None and not close_wording:
            return None
        doc = (a_doc_text or a).lower()
        if y.name and y.name.lower().removeprefix("the ") in doc:
            return None  # the other version names it elsewhere
        if y.kind == "second_hand":
            return ConduitChange(None, y, f"This version says {_describe_conduit(y, speaker)}; "
                                          f"the other presents it as {_who(speaker)}'s own statement.")
        if y.frame == "told":
            return ConduitChange(None, y, f"This version says this was told to {_plain_name(y.name)}; "
                                          f"the other does not say to whom.")
        return ConduitChange(None, y, f"This version attributes this to {_plain_name(y.name)}; "
                                      f"the other names no such source.")
    # 4. a claim against a plain statement
    if close_wording and same_speakers:
        da = [c for c in ca if c.kind == "distancing"]
        db = [c for c in cb if c.kind == "distancing"]
        if bool(da) != bool(db):
            if (plain_a if db else plain_b) is not None:
                who = claimant or "someone"
                if da:
                    return ConduitChange(da[0], None, f"The other version reports this as something {who} "
                                                      f"{da[0].frame}; this one as a plain statement.",
                                         own_statement=True)
                return ConduitChange(None, db[0], f"This version reports this as something {who} "
                                                  f"{db[0].frame}; the other as a plain statement.")
    return None


# ------------------------------------------------------------------ detector


def _quote_spans(doc: Document, si: int) -> list[tuple[int, int]]:
    s = doc.sentences[si]
    return [(q.start - s.start, q.end - s.start) for q in doc.quotes_in(si)]


def _speakers(doc: Document, si: int) -> list[tuple[str, tuple[int, int]]]:
    """The named speakers of sentence ``si``, in order, each with the span from the name to its verb."""
    s = doc.sentences[si]
    out: list[tuple[str, tuple[int, int]]] = []
    for at in doc.attributions:
        if at.sentence_index != si or not at.speaker:
            continue
        start, end = at.speaker_span
        m = re.compile(rf"\b{re.escape(at.verb)}\b").search(doc.article.text, end, s.end) if at.verb else None
        if m is not None and m.start() - end <= 40:
            end = m.end()
        out.append((at.speaker, (start, end)))
    return out


def _matching_speakers(
    a: list[tuple[str, tuple[int, int]]], b: list[tuple[str, tuple[int, int]]],
) -> tuple[tuple[str, tuple[int, int]] | None, tuple[str, tuple[int, int]] | None, bool]:
    """The speaker of each sentence whose statement is compared, and whether they are another's.

    A sentence that merges two statements ("X said ..., to which Y replied ...")
    is compared through the speaker the other sentence shares, not its first.
    """
    for sa in a:
        for sb in b:
            if same_speaker(sa[0], sb[0]):
                return sa, sb, False
    first_a, first_b = (a[0] if a else None), (b[0] if b else None)
    return first_a, first_b, bool(first_a and first_b)


def _claimant(doc: Document, si: int) -> str | None:
    """Who "claimed" / "alleged" / "suggested" in sentence ``si``, if an attribution says."""
    return next((at.speaker for at in doc.attributions
                 if at.sentence_index == si and at.verb in DISTANCING_VERBS and at.speaker), None)


def _neighbours(doc: Document, si: int) -> str:
    return " ".join(doc.sentences[k].text for k in (si - 1, si + 1) if 0 <= k < len(doc.sentences))


def _frame_span(sentence: Sentence, c: Conduit | None) -> tuple[int, int] | None:
    return in_sentence(sentence, c.span) if c is not None else None


def detect(view: StoryView) -> list[Change]:
    """The sourcing of the claim in the two sentences in view changed (``attribution_changed``)."""
    pair = view.pair
    if pair is None:
        return []
    a, b = pair.src_sentence, pair.dst_sentence
    if a.is_heading or b.is_heading:
        return []
    a_who, b_who, other_speaker = _matching_speakers(_speakers(pair.src, pair.src_index),
                                                     _speakers(pair.dst, pair.dst_index))
    if other_speaker:
        return []  # another speaker's statement: that is speaker_changed, or another claim
    a_speaker = a_who[0] if a_who else None
    b_speaker, b_frame = b_who if b_who else (None, None)
    ch = compare_conduits(
        a.text, b.text,
        a_quotes=_quote_spans(pair.src, pair.src_index),
        b_quotes=_quote_spans(pair.dst, pair.dst_index),
        speaker=b_speaker or a_speaker,
        b_around=_neighbours(pair.dst, pair.dst_index),
        a_doc_text=pair.src.article.text,
        close_wording=pair.close_wording,
        same_speakers=bool(a_speaker and b_speaker),  # (different ones were set aside above)
        claimant=_claimant(pair.src, pair.src_index) or _claimant(pair.dst, pair.dst_index),
    )
    if ch is None:
        return []
    span = _frame_span(b, ch.b) or (b_frame if ch.own_statement else None) or (b.start, b.end)
    counter = _frame_span(a, ch.a) or (a.start, a.end)
    return [pair.change("attribution_changed", "medium", span, counter, ch.explanation)]


__all__ = [
    "DISTANCING_VERBS", "MEDIA_NAMES", "MEDIA_NAME_WORDS", "MIN_SHARED", "SAME_CLAIM", "Conduit", "ConduitChange",
    "compare_conduits", "conduits", "detect",
]
