"""Direct quotes, who said them, and who is said to state each sentence.

Method (regex and spaCy entities only; no second parse):

1. **Quote marks.** Each paragraph (line) is scanned for double marks (“ ” ")
   whose role is read from context (a mark after a space or at the start is an
   opening one, a mark before a space or punctuation a closing one; curly marks
   keep their shape unless the context plainly contradicts it).  Openings and
   closings are paired left to right.  Single marks (‘ ’ ') are quotes only
   when an opening ‘ or ' stands after a space, a double mark or a bracket and a
   closing mark can be found for it; ’ between two letters ("Ukraine’s",
   "Let’s") is always an apostrophe.  Single quotes inside a double quote are
   nested quotes.  A closing mark with no opening one in its paragraph gives a
   ``broken`` quote running back to the speech verb of its sentence ("Putin said
   it existed, but it has failed.”" -> "it existed, but it has failed.") or to the
   sentence start; an opening mark with no close runs to the end of its sentence
   (broken) or, when the next paragraph opens with a quote mark (the
   newspaper convention for a quote continued over paragraphs), to the end of
   the paragraph (not broken).  ``Quote.start``/``end`` exclude the marks and a
   trailing comma; ``text`` is ``article.text[start:end]``.

2. **Speech events.** With quoted words masked out, each sentence is searched
   for speech verbs (said, stated, claimed, warned, replied, told, ...) and for
   the fixed frames "quoted X as saying", "X was quoted (by Y) as saying",
   "according to X" and "X: “…”".  The subject is read leftwards from the verb past
   adverbials ("on Friday", "jokingly", "also") and appositions ("Mark
   Milley, chair of ..., said"); it is a spaCy PERSON/ORG/GPE entity, a pronoun,
   or a title phrase ("the Kremlin President"), or, right after a closing quote
   mark, a surname NER missed that one PERSON of the document ends with
   ('…,” Hollis told').  After a closing quote mark the
   inverted order ("…,” said Putin) is tried too, and a verb after "and"/"but"
   takes the subject of its sentence ("Lukashenko spoke to Putin and said").
   *He/she* resolves to a PERSON earlier in the same sentence, else the speaker
   of the latest speech event in the two sentences before, else the nearest
   earlier PERSON.  A title with no name resolves to the earlier PERSON
   introduced with the same title word and the most matching modifiers, with
   "Kremlin"/"Moscow" counted as "Russian" and so on ("the Kremlin President"
   -> the person introduced as "Russian President").

3. **Quote speakers.** A quote that opens its sentence takes the speech event
   that follows it; otherwise the nearest event before it in the sentence, else
   the one after.  A nested quote takes a named speaker inside its enclosing
   quote, never a pronoun (that "he" belongs to the quoted speaker's world).  A
   quote with no event in its sentence that fills its sentence inherits from a
   neighbouring attributed quote or the previous sentence of its paragraph.

4. **Attributions** are the speech events themselves, one per verb; replies
   (replied, responded, answered, retorted, countered, "to which X responded",
   "in response X said") are marked and linked to the last different speaker
   in the same sentence or the two before.

Limits: English only; no syntax, so a subject separated from its verb by more
than an apposition or adverbial, or a sentence with two candidate people and a
pronoun, may be misread; "they", "we", "I" are not resolved; unresolvable titles
are kept as written ("a Kremlin spokesman"); the speaker is only as good as
spaCy's small-model PERSON/ORG labels; single quotes inside a single-quoted
quote are not nested further; a plural possessive inside a single quote ("the
countries’ leaders") may end it early when no better closing mark follows.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass

from rapidfuzz import fuzz

from storytrace.model import Attribution, Document, Entity, Quote

__all__ = [
    "SPEECH_VERB_RE",
    "Attribution",  # defined in storytrace.model; importable from here as before
    "find_quotes",
    "find_attributions",
    "find_quotes_and_attributions",
    "quote_within",
    "same_speaker",
    "quote_similarity",
    "word_diff",
]

# --------------------------------------------------------------------------- marks

_DOUBLE = "“”\"„«»"
_OPEN_CTX = set(" \t\n([{—–-/") | {""}
_CLOSE_CTX = set(" \t\n.,;:!?)]}—–-/…") | {""}
_MASK = "\x00"


@dataclass
class _Raw:
    start: int  # first char inside the marks
    end: int  # last char inside + 1
    mark_start: int  # position of opening mark (or start when broken-close)
    mark_end: int  # position after closing mark (or end when broken-open)
    broken: bool = False
    parent: int | None = None  # index of enclosing quote for nested ones
    open_only: bool = False
    close_only: bool = False


@dataclass
class _Event:
    sent: int
    speaker: str | None
    span: tuple[int, int]
    verb: str
    lo: int
    hi: int
    is_response: bool
    is_pronoun: bool = False
    is_person: bool = False


def _char(text: str, i: int) -> str:
    return text[i] if 0 <= i < len(text) else ""


def _double_role(text: str, i: int) -> str:
    c = text[i]
    prev, nxt = _char(text, i - 1), _char(text, i + 1)
    open_ctx = prev in _OPEN_CTX or prev in "‘'"
    close_ctx = nxt in _CLOSE_CTX or nxt in "’'"
    if c in "“„«":
        return "close" if (close_ctx and not open_ctx and nxt in " \t\n") else "open"
    if c in "”»":
        return "open" if (open_ctx and not close_ctx and prev in " \t\n") else "close"
    if open_ctx and not close_ctx:
        return "open"
    if close_ctx and not open_ctx:
        return "close"
    return "either"


def _is_letter(ch: str) -> bool:
    return bool(ch) and ch.isalnum()


def _single_opens(text: str, i: int) -> bool:
    c = text[i]
    if c not in "‘'":
        return False
    prev, nxt = _char(text, i - 1), _char(text, i + 1)
    if not (prev in _OPEN_CTX or prev in _DOUBLE):
        return False
    if not _is_letter(nxt):
        return False
    tail = text[i + 1 : i + 5]
    if re.match(r"\d\ds\b|em\b|n'|n’|til\b|cause\b|tis\b", tail):
        return False
    return True


def _single_closes(text: str, i: int, opener: str) -> int:
    """0 = not a close; 2 = good close (after punctuation); 1 = weak (after a letter)."""
    c = text[i]
    if c not in ("’'" if opener == "'" else "’"):
        return 0
    prev, nxt = _char(text, i - 1), _char(text, i + 1)
    if _is_letter(prev) and _is_letter(nxt):
        return 0
    if prev in " \t\n" or prev == "":
        return 0
    if not (nxt in _CLOSE_CTX or nxt in _DOUBLE):
        return 0
    return 2 if prev in ".,;:!?…" else 1


def _single_pairs(text: str, lo: int, hi: int) -> list[tuple[int, int]]:
    """Single-quote pairs (open mark pos, close mark pos) inside [lo, hi)."""
    pairs = []
    i = lo
    while i < hi:
        if _single_opens(text, i):
            best = weak = None
            for j in range(i + 2, hi):
                if text[j] in _DOUBLE:
                    break
                if _single_opens(text, j) and text[j] == "‘":
                    break
                k = _single_closes(text, j, text[i])
                if k == 2:
                    best = j
                    break
                if k == 1 and weak is None:
                    weak = j
            close = best if best is not None else weak
            if close is not None:
                pairs.append((i, close))
                i = close + 1
                continue
        i += 1
    return pairs


def _trim(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s].isspace():
        s += 1
    while e > s and (text[e - 1].isspace() or text[e - 1] in ",;"):
        e -= 1
    return s, e


def _paragraphs(text: str) -> list[tuple[int, int]]:
    out, pos = [], 0
    for line in text.split("\n"):
        if line.strip():
            out.append((pos, pos + len(line)))
        pos += len(line) + 1
    return out


def _raw_quotes(text: str) -> list[_Raw]:
    paras = _paragraphs(text)
    raws: list[_Raw] = []
    for pi, (ps, pe) in enumerate(paras):
        marks = [(i, _double_role(text, i)) for i in range(ps, pe) if text[i] in _DOUBLE]
        open_pos: int | None = None
        tops: list[_Raw] = []
        for i, role in marks:
            if role == "either":
                role = "close" if open_pos is not None else "open"
            if role == "open":
                if open_pos is not None:  # a second opening: the first never closed
                    tops.append(_Raw(open_pos + 1, i, open_pos, i, broken=True, open_only=True))
                open_pos = i
            else:
                if open_pos is None:
                    tops.append(_Raw(ps, i, ps, i + 1, broken=True, close_only=True))
                else:
                    tops.append(_Raw(open_pos + 1, i, open_pos, i + 1))
                    open_pos = None
        if open_pos is not None:
            nxt = paras[pi + 1] if pi + 1 < len(paras) else None
            continued = nxt is not None and text[nxt[0]] in "“\"„«"
            tops.append(_Raw(open_pos + 1, pe, open_pos, pe, broken=not continued, open_only=True))
        tops.sort(key=lambda r: r.mark_start)
        # Top-level single quotes: in the stretches between double quotes.
        cursor = ps
        gaps = []
        for r in tops:
            if not r.close_only:
                gaps.append((cursor, r.mark_start))
            cursor = max(cursor, r.mark_end)
        gaps.append((cursor, pe))
        singles = []
        for a, b in gaps:
            for o, c in _single_pairs(text, a, b):
                singles.append(_Raw(o + 1, c, o, c + 1))
        for r in tops:
            idx = len(raws)
            raws.append(r)
            if not r.broken:
                for o, c in _single_pairs(text, r.start, r.end):
                    raws.append(_Raw(o + 1, c, o, c + 1, parent=idx))
        raws.extend(singles)
    return raws


# --------------------------------------------------------------------------- speech events

_VERBS = (
    "said|says|say|stated|states|claimed|claims|warned|warns|insisted|insists|added|adds|"
    "noted|notes|responded|responds|replied|replies|answered|answers|retorted|countered|"
    "told|tells|wrote|writes|tweeted|announced|announces|declared|declares|argued|argues|"
    "suggested|explained|mentioned|asserted|stressed|emphasi[sz]ed|admitted|acknowledged|"
    "confirmed|denied|promised|vowed|commented|remarked|predicted|boasted|joked|quipped|"
    "complained|recalled|maintained|alleged|urged|urges|(?:hit|shot|fired) back|saying"
)
_VERB_RE = re.compile(rf"\b(?:{_VERBS})\b")
SPEECH_VERB_RE = _VERB_RE  # the speech verbs read as attributions ("said", "told", "claimed", ...)
_REPLY_VERBS = re.compile(r"^(?:respond|repl|answer|retort|counter|hit back|shot back|fired back)")
_REPLY_CTX = re.compile(r"(?:\bto which|\bin (?:response|reply)\b|\bresponding to\b|\breplying to\b)[^.;]*$", re.I)
_INVERT_VERBS = re.compile(r"^(?:said|says|added|adds|replied|responded|answered|wrote|explained|noted|insisted|stated|declared|continued|asked|countered|retorted|tweeted)$")
_QUOTED_AS = re.compile(r"\b(?:quoted|paraphrased|cited)\s+(?!by\s)(.{1,60}?)\s+as\s+(?:saying|suggesting|stating|telling|claiming|warning)\b")
# "X was quoted as saying", "X was quoted by local media as saying": the speaker is the subject
_PASSIVE_QUOTED = re.compile(
    r"\b(?:was|were|is|are|has been|had been)\s+(?:quoted|cited|paraphrased)\s+(?:by\s+.{1,60}?\s+)?"
    r"as\s+(?:saying|stating|telling|suggesting|claiming|warning)\b"
)
_ACCORDING = re.compile(r"\baccording to\s+", re.I)
_COLON_INTRO = re.compile(r":\s*[“\"„«‘'\x00]")

_DAYS = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_ADV_TAIL = re.compile(
    r"(?:,\s*|\s+)(?:also|later|then|again|once|now|just|has|have|had|was|is|were|would|will|"
    r"previously|reportedly|separately|earlier|yesterday|today|tonight|recently|simply|"
    r"on\s+" + _DAYS + r"|last\s+(?:week|month|year|night)|this\s+(?:week|month|year)|"
    r"in\s+(?:a|an|the)\s+(?:\w+\s+){0,2}(?:statement|interview|post|speech|briefing|message|video|letter|address)|"
    r"[a-z]{3,}ly)\s*,?$"
)
_DETS = {"the", "a", "an", "his", "her", "its", "their", "our", "this", "that"}
_PERSON_ROLES = (
    "president|leader|counterpart|minister|premier|chancellor|general|commander|chief|head|chair|"
    "chairman|chairwoman|spokesman|spokeswoman|spokesperson|secretary|ambassador|envoy|official|"
    "governor|mayor|senator|king|queen|pope|prosecutor|judge|ceo|founder|director|adviser|advisor|aide|"
    "lawmaker|dictator|strongman|autocrat"
)
_ORG_ROLES = (
    "ministry|government|kremlin|agency|agencies|channel|office|department|army|military|police|"
    "sources|officials|statement|report|media|administration|embassy|service|spokespeople"
)
_ROLE_TAIL = re.compile(
    r"(?:^|(?<=[\s,(]))((?:(?:the|a|an|his|her|its|their|The|A|An|His|Her|Its|Their)\s+)?"
    r"(?:[A-Za-z][\w.’'-]*\s+){0,4}?"
    rf"((?:prime\s+minister|{_PERSON_ROLES})|(?:{_ORG_ROLES})))$",
    re.I,
)
_ROLE_HEAD = re.compile(
    r"^((?:(?:the|a|an|his|her|its|their)\s+)?(?:[A-Za-z][\w.’'-]*\s+){0,4}?"
    rf"(?:prime\s+minister|{_PERSON_ROLES}|{_ORG_ROLES}))\b",
    re.I,
)
_PRONOUN_TAIL = re.compile(r"(?:^|(?<=[^\w’']))(he|she|He|She|they|They|we|We|I|him|her|Him|Her)$")
# Country, demonym, capital and seat-of-government metonyms that name the same
# side in news copy ("the Kremlin President" is the Russian president). One line
# per country; a general gazetteer of the 50 countries most named in English
# news wire, not a list for any one story.
_COUNTRY_LINES = """
afghanistan afghan kabul
algeria algerian algiers
argentina argentine argentinian buenos-aires casa-rosada
australia australian canberra
austria austrian vienna
belarus belarusian minsk
belgium belgian brussels
brazil brazilian brasilia planalto
britain british uk london downing whitehall
canada canadian ottawa
china chinese beijing zhongnanhai
colombia colombian bogota
cuba cuban havana
egypt egyptian cairo
ethiopia ethiopian addis
france french paris elysee élysée
germany german berlin
greece greek athens
hungary hungarian budapest
india indian delhi
indonesia indonesian jakarta
iran iranian tehran
iraq iraqi baghdad
ireland irish dublin
israel israeli jerusalem knesset
italy italian rome
japan japanese tokyo
jordan jordanian amman
kenya kenyan nairobi
lebanon lebanese beirut
mexico mexican
netherlands dutch amsterdam hague
nigeria nigerian abuja
north-korea pyongyang
pakistan pakistani islamabad
poland polish warsaw
portugal portuguese lisbon
qatar qatari doha
russia russian kremlin moscow
saudi saudi-arabia riyadh
south-africa pretoria
south-korea seoul
spain spanish madrid moncloa
sweden swedish stockholm
switzerland swiss bern
syria syrian damascus
taiwan taiwanese taipei
turkey turkish ankara
ukraine ukrainian kyiv kiev
us u.s. american washington white america
venezuela venezuelan caracas
"""
_GROUPS = []
for _line in _COUNTRY_LINES.strip().splitlines():
    _names = {w.replace("-", " ") for w in _line.split()}
    # possessive forms as they appear in copy: "Russia's", "Russia’s", "Belarus’"
    _GROUPS.append(_names | {n + suf for n in _names for suf in ("’s", "'s", "’")})
_DEMONYMS = {w for g in _GROUPS for w in g if w.endswith(("an", "ian", "ese", "ish", "i")) and "’" not in w and "'" not in w}
_GROUP_OF = {w: i for i, g in enumerate(_GROUPS) for w in g}
_TITLES = {
    "president", "prime", "minister", "general", "gen", "mr", "mrs", "ms", "dr", "sir", "lord",
    "king", "queen", "chancellor", "premier", "senator", "sen", "rep", "governor", "gov", "mayor",
    "secretary", "ambassador", "judge", "pope", "prince", "princess", "colonel", "col", "lt",
    "lieutenant", "captain", "capt", "commander", "chief", "kremlin", "the", "former", "foreign",
    "defence", "defense", "deputy", "vice", "us", "u.s.",
} | _DEMONYMS
_HEAD_FAMILY = {
    "counterpart": {"president", "minister", "leader", "chancellor", "premier", "king"},
    "leader": {"president", "minister", "leader", "chancellor", "premier", "king", "dictator", "strongman"},
    "strongman": {"president", "leader", "dictator", "strongman"},
    "dictator": {"president", "leader", "dictator", "strongman"},
    "autocrat": {"president", "leader", "dictator", "strongman", "autocrat"},
}
_SPEAKER_LABELS = {"PERSON", "ORG", "GPE"}


def _strip_possessive(text: str, span: tuple[int, int]) -> tuple[int, int]:
    s, e = span
    m = re.search(r"[’']s?$", text[s:e])
    return (s, s + m.start()) if m and m.start() > 0 else span


def _fold(s: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))


def _canonical(name: str) -> str:
    name = name.strip().strip(",.;:")
    name = re.sub(r"[’']s?$", "", name)
    name = re.sub(r"^(?:the|a|an)\s+", "", name, flags=re.I)
    return name.strip()


def _mod_keys(words) -> set:
    out = set()
    for w in words:
        w = w.lower().strip(",.")
        out.add(("g", _GROUP_OF[w]) if w in _GROUP_OF else ("w", w))
    return out


class _Ctx:
    """Per-document lookups: sentences, entities, masked text, quote spans."""

    def __init__(self, doc: Document):
        self.doc = doc
        self.text = doc.article.text
        self.sents = doc.sentences
        self.sent_starts = [s.start for s in self.sents]
        ents = sorted(doc.entities, key=lambda e: e.start)
        self.ents = [e for e in ents if e.label in _SPEAKER_LABELS]
        self.persons = [e for e in ents if e.label == "PERSON"]
        self.person_starts = [e.start for e in self.persons]
        self.ent_by_end = {}
        for e in self.ents:
            end = e.end
            self.ent_by_end.setdefault(end, e)
            m = re.search(r"[’']s?$", e.text)
            if m:  # "Lukashenko’s" → also findable by the bare name's end
                self.ent_by_end.setdefault(e.start + m.start(), e)
        self.ent_by_start = {e.start: e for e in self.ents}
        self.masked = self.text
        self.quote_spans: list[tuple[int, int]] = []
        self._title_ctx: dict[int, set] | None = None

    def set_masks(self, spans: list[tuple[int, int]]):
        chars = list(self.text)
        for s, e in spans:
            for i in range(s, e):
                if chars[i] != "\n":
                    chars[i] = _MASK
        self.masked = "".join(chars)
        self.quote_spans = sorted(spans)

    def in_quote(self, pos: int) -> bool:
        return pos < len(self.masked) and self.masked[pos] == _MASK

    def sent_of(self, pos: int) -> int:
        return max(0, bisect_right(self.sent_starts, pos) - 1)

    def sent_bounds(self, si: int) -> tuple[int, int]:
        s = self.sents[si]
        return s.start, s.end

    def paragraph_of(self, pos: int) -> tuple[int, int]:
        a = self.text.rfind("\n", 0, pos) + 1
        b = self.text.find("\n", pos)
        return a, (len(self.text) if b < 0 else b)

    def prev_person(self, pos: int, lo: int = 0) -> Entity | None:
        i = bisect_right(self.person_starts, pos) - 1
        while i >= 0:
            e = self.persons[i]
            if e.start < lo:
                return None
            if e.end <= pos and not self.in_quote(e.start):
                return e
            i -= 1
        return None

    def title_ctx(self) -> dict[int, set]:
        if self._title_ctx is None:
            self._title_ctx = {}
            for e in self.persons:
                before = self.text[max(0, e.start - 60) : e.start]
                words = re.findall(r"[\w.’']+", before.split("\n")[-1])[-4:]
                ents_words = re.findall(r"[\w.’']+", e.text)[:-1]  # "General Mark Milley" keeps "general"
                self._title_ctx[e.start] = _mod_keys(words + ents_words)
        return self._title_ctx


# ---- subject finding -----------------------------------------------------------


def _resolve_role(ctx: _Ctx, phrase: str, head: str, pos: int) -> str | None:
    if re.match(r"(?:a|an)\s", phrase, re.I):  # "a Kremlin official" is nobody in particular
        return None
    head = head.lower().split()[-1]
    heads = _HEAD_FAMILY.get(head, {head})
    words = [w for w in re.findall(r"[\w.’']+", phrase) if w.lower() not in _DETS]
    mods = _mod_keys(w for w in words if w.lower() != head)
    tctx = ctx.title_ctx()
    best, best_score = None, -1
    for e in ctx.persons:
        if e.start >= pos:
            break
        if ctx.in_quote(e.start):
            continue
        c = tctx.get(e.start, set())
        if not any(("w", h) in c for h in heads):
            continue
        score = len(mods & c)
        if score >= best_score:
            best, best_score = e, score
    if best is None or (mods and best_score == 0 and any(k[0] == "g" for k in mods)):
        return None
    return _canonical(best.text)


def _resolve_pronoun(ctx: _Ctx, pos: int, si: int, events: list[_Event]) -> tuple[str | None, bool]:
    s0, _ = ctx.sent_bounds(si)
    e = ctx.prev_person(pos, lo=s0)
    if e is not None:
        return _canonical(e.text), True
    for ev in reversed(events):
        if ev.sent < si - 2:
            break
        if ev.speaker and ev.is_person and ev.hi <= pos:
            return ev.speaker, True
    e = ctx.prev_person(pos)
    if e is not None:
        return _canonical(e.text), True
    return None, False


def _subject_before(ctx: _Ctx, k: int, si: int, events: list[_Event], allow_pronoun=True):
    """Subject ending at k (exclusive) in the masked text → (name, span, is_person, is_pronoun)."""
    text, m = ctx.text, ctx.masked
    s0, _ = ctx.sent_bounds(si)
    # skip back over adverbials
    while True:
        while k > s0 and m[k - 1] in " \t":
            k -= 1
        mt = _ADV_TAIL.search(m, max(s0, k - 60), k)
        if mt and mt.end() == k and mt.start() > s0:
            word = mt.group(0).strip(" ,").lower()
            before = m[max(s0, mt.start() - 6) : mt.start()].split()
            if word.endswith("ly") and before and before[-1].lower() in _DETS:
                break
            k = mt.start()
            continue
        break
    if k <= s0:
        return None
    # a named entity ending here
    e = ctx.ent_by_end.get(k)
    if e is not None and e.start >= s0 and not ctx.in_quote(e.start):
        return _canonical(e.text), (e.start, k), e.label == "PERSON", False
    seg = m[max(s0, k - 80) : k]
    mp = _PRONOUN_TAIL.search(seg)
    if mp:
        ps = k - len(seg) + mp.start(1)
        if mp.group(1).lower() in ("he", "she", "him", "her"):
            if not allow_pronoun:
                return None
            name, ok = _resolve_pronoun(ctx, ps, si, events)
            return (name, (ps, k), True, True) if ok else None
        return None
    # a surname NER missed or mislabelled, that names a person of the document: '," Hollis told'
    mn = _SURNAME_TAIL.search(text, max(s0, k - 40), k)
    if mn and not ctx.in_quote(mn.start(1)):
        person = _known_person(ctx, mn.group(1))
        if person is not None:
            return person, (mn.start(1), k), True, False
    # apposition: "X, the Kremlin spokesman, said" / "the chair, General Mark Milley, stated"
    if m[k - 1] == ",":
        kk = k - 1
        e1 = ctx.ent_by_end.get(kk)
        if e1 is not None and (e1.start < s0 or ctx.in_quote(e1.start)):
            e1 = None
        if e1 is not None and e1.label == "PERSON":
            return _canonical(e1.text), (e1.start, kk), True, False
        c = m.rfind(",", max(s0, kk - 90), kk)
        e = ctx.ent_by_end.get(c) if c > 0 else None
        if e is not None and e.start >= s0 and (e.label == "PERSON" or e1 is None):
            return _canonical(e.text), (e.start, c), e.label == "PERSON", False
        if e1 is not None:  # "the ministry, ..." / "X, head of NATO, said" with X unnamed
            return _canonical(e1.text), (e1.start, kk), False, False
        if c > 0:
            r = _subject_before(ctx, c + 1, si, events, allow_pronoun)  # "the chair, ..." role
            if r is not None:
                return r
        return None
    # a title phrase
    mr = _ROLE_TAIL.search(seg)
    if mr:
        rs = k - len(seg) + mr.start(1)
        md = None
        for md in re.finditer(r"\b(?:the|a|an|his|her|its|their)\s", text[rs:k], re.I):
            pass
        if md is not None:  # "Later the Minsk leader" → "the Minsk leader"
            rs += md.start()
        phrase = text[rs:k]
        # a PERSON named inside the phrase ("President Putin" is caught above; "Putin’s spokesman" is not Putin)
        head = mr.group(2)
        if re.fullmatch(_PERSON_ROLES + r"|prime\s+minister", head, re.I):
            name = _resolve_role(ctx, phrase, head, rs)
            if name is not None:
                return name, (rs, k), True, False
        return _canonical(phrase), (rs, k), False, False
    return None


_SURNAME_TAIL = re.compile(r"(?:[\"”’'],?\s+|^)([A-Z][\w'’-]+)$")


def _known_person(ctx: _Ctx, word: str) -> str | None:
    """The PERSON of the document whose last name is ``word`` (one only), by its canonical name."""
    names = {_canonical(e.text) for e in ctx.persons if e.text.split()[-1] == word}
    return names.pop() if len(names) == 1 else None


def _sentence_subject(ctx: _Ctx, k: int, si: int, events: list[_Event]):
    """Subject of the sentence for a coordinated verb ("X spoke ... and said")."""
    for ev in reversed(events):
        if ev.sent != si:
            break
        if ev.speaker and ev.hi <= k:
            return ev.speaker, ev.span, ev.is_person, ev.is_pronoun
    s0, _ = ctx.sent_bounds(si)
    for e in ctx.ents:
        if e.start >= k:
            break
        if e.start >= s0 and not ctx.in_quote(e.start) and e.label in ("PERSON", "ORG"):
            return _canonical(e.text), (e.start, e.end), e.label == "PERSON", False
    return None


def _subject_after(ctx: _Ctx, p: int, si: int, events: list[_Event]):
    """Subject right after position p ("said Putin", "said the Kremlin spokesman")."""
    text = ctx.text
    _, s1 = ctx.sent_bounds(si)
    while p < s1 and text[p] in " \t":
        p += 1
    e = ctx.ent_by_start.get(p)
    if e is not None:
        return _canonical(e.text), (e.start, e.end), e.label == "PERSON", False
    mp = re.match(r"(he|she)\b", text[p:s1])
    if mp:
        name, ok = _resolve_pronoun(ctx, p, si, events)
        return (name, (p, p + mp.end()), True, True) if ok else None
    mr = _ROLE_HEAD.match(text[p:s1])
    if mr:
        rs, re_ = p, p + mr.end(1)
        # a name in apposition right after: "the Kremlin spokesman, Dmitry Peskov"
        for e in ctx.ents:
            if rs <= e.start <= re_ + 3 and e.label == "PERSON":
                return _canonical(e.text), (e.start, e.end), True, False
        phrase = text[rs:re_]
        head = phrase.split()[-1]
        if re.fullmatch(_PERSON_ROLES, head, re.I):
            name = _resolve_role(ctx, phrase, head, rs)
            if name is not None:
                return name, (rs, re_), True, False
        return _canonical(phrase), (rs, re_), False, False
    return None


def _object_mention(ctx: _Ctx, s: int, e: int, si: int, events: list[_Event]):
    """The person in "quoted X as saying": an entity in [s,e), else a pronoun or title."""
    for ent in ctx.ents:
        if ent.start >= e:
            break
        if ent.start >= s and ent.end <= e + 2:
            return _canonical(ent.text), (ent.start, min(ent.end, e)), ent.label == "PERSON", False
    t = ctx.text[s:e]
    mp = re.match(r"(him|her|Him|Her)\b", t)
    if mp:
        name, ok = _resolve_pronoun(ctx, s, si, events)
        return (name, (s, s + 3), True, True) if ok else None
    mr = _ROLE_HEAD.match(t)
    if mr:
        return _subject_before(ctx, s + mr.end(1), si, events) or (
            _canonical(t[: mr.end(1)]), (s, s + mr.end(1)), False, False
        )
    return None


def _events(ctx: _Ctx) -> list[_Event]:
    m = ctx.masked
    events: list[_Event] = []
    for si, sent in enumerate(ctx.sents):
        s0, s1 = sent.start, sent.end
        seg = m[s0:s1]
        found: list[tuple[int, _Event]] = []
        taken: list[tuple[int, int]] = []

        def add(res, verb, lo, hi, reply=False):
            if res is None or res[0] is None:
                return
            name, span, is_person, is_pron = res
            span = _strip_possessive(ctx.text, span)
            lo2, hi2 = min(lo, span[0]), max(hi, span[1])
            reply = reply or bool(_REPLY_VERBS.match(verb)) or bool(_REPLY_CTX.search(m[s0:lo2]))
            found.append((lo2, _Event(si, name, span, verb, lo2, hi2, reply, is_pron, is_person)))
            taken.append((lo, hi))

        for mq in _QUOTED_AS.finditer(seg):
            a, b = s0 + mq.start(1), s0 + mq.end(1)
            add(_object_mention(ctx, a, b, si, events), "quoted", s0 + mq.start(), s0 + mq.end())
        for mq in _PASSIVE_QUOTED.finditer(seg):
            if any(a <= s0 + mq.start() < b for a, b in taken):
                continue
            add(_subject_before(ctx, s0 + mq.start(), si, events), "quoted", s0 + mq.start(), s0 + mq.end())
        for mq in _ACCORDING.finditer(seg):
            add(_subject_after(ctx, s0 + mq.end(), si, events), "according to", s0 + mq.start(), s0 + mq.end())
        for mq in _COLON_INTRO.finditer(seg):
            k = s0 + mq.start()
            e = ctx.ent_by_end.get(k)
            if e is not None and e.start >= s0:
                prev = m[max(s0, e.start - 12) : e.start]
                if not _VERB_RE.search(prev):
                    add((_canonical(e.text), (e.start, k), e.label == "PERSON", False), ":", k, k + 1)
        for mv in _VERB_RE.finditer(seg):
            v0, v1 = s0 + mv.start(), s0 + mv.end()
            if any(a <= v0 < b for a, b in taken):
                continue
            verb = mv.group(0)
            before = m[max(s0, v0 - 12) : v0]
            if verb == "saying":
                if not re.search(r",\s*$", before):
                    continue
                add(_sentence_subject(ctx, v0, si, events + [f[1] for f in sorted(found, key=lambda x: x[0])]), verb, v0, v1)
                continue
            if re.search(r"\b(?:to|be|been|being|is|was|were|are|it)\s+$", before, re.I) and not re.search(
                r"\b(?:he|she)\s+(?:was|is)\s+$", before, re.I
            ):
                continue  # "to say", "was said", "it said" (unresolved)
            res = None
            if re.search(r"(?:\band|\bbut|,)\s*$", before) and not re.search(r"[”\"’'\x00]\s*,\s*$", before):
                res = _subject_before(ctx, v0, si, events)
                if res is None or re.search(r"\b(?:and|but)\s*$", before):
                    res = _sentence_subject(ctx, v0, si, events + [f[1] for f in sorted(found, key=lambda x: x[0])])
            else:
                res = _subject_before(ctx, v0, si, events)
            if res is None and _INVERT_VERBS.match(verb):
                res = _subject_after(ctx, v1, si, events)
            add(res, verb, v0, v1)
        found.sort(key=lambda x: x[0])
        events.extend(ev for _, ev in found)
    return events


# --------------------------------------------------------------------------- quotes


def _assign(ctx: _Ctx, raw: _Raw, events: list[_Event], by_sent: dict[int, list[_Event]]) -> _Event | None:
    si = ctx.sent_of(raw.mark_start)
    sj = ctx.sent_of(max(raw.mark_start, raw.end - 1))
    s0, _ = ctx.sent_bounds(si)
    before = [ev for ev in by_sent.get(si, []) if ev.hi <= raw.mark_start]
    after = [ev for ev in by_sent.get(sj, []) if ev.lo >= raw.mark_end]
    # a quote that opens its sentence is attributed after it
    lead = ctx.masked[s0 : raw.mark_start].strip(" \t“”\"‘’'(—–-")
    nxt = [q for q in ctx.quote_spans if q[0] >= raw.mark_end]
    limit = nxt[0][0] if nxt else len(ctx.text)
    after_ok = [ev for ev in after if ev.lo < limit]
    if not lead and after_ok:
        return after_ok[0]
    if before:
        return before[-1]
    if after_ok:
        return after_ok[0]
    return None


def find_quotes(doc: Document) -> list[Quote]:
    """Every direct quote of ``doc`` with its speaker where one can be found."""
    quotes, _ = _analyse(doc)
    return quotes


def find_quotes_and_attributions(doc: Document) -> tuple[list[Quote], list[Attribution]]:
    """`find_quotes` and `find_attributions` from one analysis of ``doc`` (what `segment` stores)."""
    quotes, events = _analyse(doc)
    return quotes, _attributions(doc, events)


def _analyse(doc: Document) -> tuple[list[Quote], list[_Event]]:
    text = doc.article.text
    ctx = _Ctx(doc)
    if not doc.sentences:
        return [], []
    raws = _raw_quotes(text)
    for r in raws:  # “We never left, Orban said. → the quote ends at the comma
        if r.open_only:
            seg = text[r.start : r.end]
            for mc in re.finditer(r",\s+", seg):
                p = r.start + mc.end()
                e = next((x for x in doc.entities if x.start == p and x.label == "PERSON"), None)
                tail = text[e.end : e.end + 12] if e else text[p : p + 12]
                if (e or re.match(r"(?:he|she)\s", tail)) and re.match(rf"\s*(?:{_VERBS})\b", tail if e else tail[3:].lstrip()):
                    r.end, r.mark_end = r.start + mc.start(), r.start + mc.start() + 1
                    r.broken = True
                    break
    for r in raws:  # an unclosed quote is taken to run to the end of its sentence
        if r.open_only and r.broken:
            sent = doc.sentences[ctx.sent_of(r.start)]
            if r.start < sent.end < r.end:
                r.end = r.mark_end = sent.end
    # first pass: mask matched (and opening-only) quotes, find events, then place broken closings
    ctx.set_masks([(r.mark_start, r.mark_end) for r in raws if r.parent is None and not r.close_only])
    events = _events(ctx)
    if any(r.close_only for r in raws):
        for r in raws:
            if not r.close_only:
                continue
            close = r.end
            si = ctx.sent_of(max(r.start, close - 1))  # pySBD may hand the mark to the next sentence
            s0, _ = ctx.sent_bounds(si)
            lo = max(s0, r.start)
            for q0, q1 in ctx.quote_spans:
                if q1 <= close and q1 > lo:
                    lo = q1
            start = lo
            for ev in events:
                if ev.sent == si and lo <= ev.lo and ev.hi <= close:
                    mt = re.match(r"\s*(?:,|:)?\s*(?:that\b)?", text[ev.hi : close])
                    start = ev.hi + (mt.end() if mt else 0)
                    break
            else:
                c = max(text.rfind(":", lo, close), text.rfind(" — ", lo, close), text.rfind(" – ", lo, close))
                if c >= 0:
                    start = c + 1
            r.start, r.mark_start = start, start
        ctx.set_masks([(r.mark_start, r.mark_end) for r in raws if r.parent is None])
        events = _events(ctx)
    by_sent: dict[int, list[_Event]] = {}
    for ev in events:
        by_sent.setdefault(ev.sent, []).append(ev)

    out: list[tuple[_Raw, Quote]] = []
    speakers: list[_Event | None] = []
    for r in raws:
        s, e = _trim(text, r.start, r.end)
        if e <= s or not re.search(r"\w", text[s:e]):
            speakers.append(None)
            out.append((r, None))  # type: ignore[arg-type]
            continue
        ev = None
        if r.parent is None:
            ev = _assign(ctx, r, events, by_sent)
        else:
            ev = _nested_speaker(ctx, r, raws[r.parent])
        speakers.append(ev)
        out.append((r, Quote(doc.id, ctx.sent_of(r.mark_start if not r.close_only else s), s, e, text[s:e], broken=r.broken)))

    # inheritance for unattributed top-level quotes that fill their sentence
    tops = [i for i, (r, q) in enumerate(out) if q is not None and r.parent is None]
    tops.sort(key=lambda i: out[i][1].start)
    for n, i in enumerate(tops):
        if speakers[i] is not None:
            continue
        r, q = out[i]
        sent = ctx.sents[q.sentence_index]
        if (r.mark_end - r.mark_start) < 0.7 * (sent.end - sent.start) and r.mark_start > sent.start + 2:
            continue
        para = ctx.paragraph_of(q.start)
        cand = None
        prev_i = tops[n - 1] if n > 0 else None
        next_i = tops[n + 1] if n + 1 < len(tops) else None
        if prev_i is not None and speakers[prev_i] is not None:
            pq = out[prev_i][1]
            if pq.start >= para[0] and q.sentence_index - ctx.sent_of(out[prev_i][0].mark_end - 1) <= 1:
                cand = speakers[prev_i]
        continued = r.open_only and not r.broken  # runs on into the next paragraph's quote
        if cand is None and next_i is not None and speakers[next_i] is not None:
            nq = out[next_i][1]
            if continued or (nq.start <= para[1] and nq.sentence_index - q.sentence_index <= 1):
                cand = speakers[next_i]
        if cand is None and q.sentence_index > 0:
            ps = ctx.sents[q.sentence_index - 1]
            if ps.start >= para[0] and by_sent.get(ps.index):
                cand = by_sent[ps.index][-1]
        speakers[i] = cand

    quotes = []
    for (r, q), ev in zip(out, speakers):
        if q is None:
            continue
        if ev is not None and ev.speaker:
            q = Quote(q.article_id, q.sentence_index, q.start, q.end, q.text, ev.speaker, ev.span, q.broken)
        quotes.append(q)
    quotes.sort(key=lambda q: (q.start, -q.end))
    return quotes, events


def _nested_speaker(ctx: _Ctx, r: _Raw, parent: _Raw) -> _Event | None:
    """Speaker of a quote inside a quote: a name next to it inside the outer quote."""
    text = ctx.text
    after = text[r.mark_end : parent.end]
    m = re.match(r"[\s,]*(?:(said|says|added|wrote)\s+)?", after)
    p = r.mark_end + (m.end() if m else 0)
    for e in ctx.ents:
        if e.start == p and e.label == "PERSON":
            return _Event(ctx.sent_of(p), _canonical(e.text), _strip_possessive(text, (e.start, e.end)), "said", e.start, e.end, False)
    before = text[parent.start : r.mark_start].rstrip(" ,:")
    for e in ctx.ents:
        if parent.start <= e.start and e.end <= r.mark_start and e.label == "PERSON":
            tail = text[e.end : r.mark_start]
            if re.fullmatch(rf"\s*(?:{_VERBS})?\s*[,:]?\s*", tail) and before:
                return _Event(ctx.sent_of(e.start), _canonical(e.text), (e.start, e.end), "said", e.start, e.end, False)
    return None


# --------------------------------------------------------------------------- attributions


def find_attributions(doc: Document) -> list[Attribution]:
    """Each statement attributed in ``doc``: speaker, verb, and whom a reply answers."""
    _, events = _analyse(doc)
    return _attributions(doc, events)


def _attributions(doc: Document, events: list[_Event]) -> list[Attribution]:
    out: list[Attribution] = []
    for i, ev in enumerate(events):
        if not ev.speaker:
            continue
        responds = None
        if ev.is_response:
            for prev in reversed(events[:i]):
                if prev.sent < ev.sent - 2:
                    break
                if prev.speaker and not same_speaker(prev.speaker, ev.speaker):
                    responds = prev.speaker
                    break
        out.append(Attribution(doc.id, ev.sent, ev.speaker, ev.span, ev.verb, ev.is_response, responds))
    return out


# --------------------------------------------------------------------------- comparison helpers


def _name_tokens(name: str) -> list[str]:
    name = _fold(_canonical(name)).replace("’", "'")
    toks = [t for t in re.findall(r"[\w.'-]+", name)]
    toks = [re.sub(r"'s?$", "", t) for t in toks]
    while len(toks) > 1 and toks[0].lower().strip(".") in _TITLES:
        toks = toks[1:]
    return [t.lower().strip(".") for t in toks if t]


def same_speaker(a: str | None, b: str | None) -> bool:
    """Whether two speaker strings name the same person (or body).

    Titles and possessives are dropped and surnames compared with rapidfuzz
    (ratio >= 85); when both carry a first name, its initial must agree too, so
    "Aleksandr Lukashenko" == "Alexander Lukashenko" but "Joe Biden" != "Hunter Biden".
    """
    if not a or not b:
        return False
    ta, tb = _name_tokens(a), _name_tokens(b)
    if not ta or not tb:
        return False
    if ta == tb:
        return True
    if fuzz.ratio(ta[-1], tb[-1]) < 85:
        return False
    if len(ta) > 1 and len(tb) > 1:
        fa, fb = ta[-2], tb[-2]
        if fa[0] != fb[0] and fuzz.ratio(fa, fb) < 70:
            return False
    return True


def _norm(s: str) -> str:
    s = _fold(s).lower().replace("’", "'").replace("‘", "'")
    s = re.sub(r"[^\w\s']", " ", s)
    s = re.sub(r"(?<!\w)'|'(?!\w)", " ", s)
    return " ".join(s.split())


def quote_similarity(a: str, b: str) -> float:
    """Similarity of two quotes in [0, 1], ignoring case, punctuation and spacing."""
    na, nb = _norm(a), _norm(b)
    if not na and not nb:
        return 1.0
    if not na or not nb:
        return 0.0
    return fuzz.ratio(na, nb) / 100.0


def quote_within(quote: str, text: str) -> float:
    """How closely some stretch of ``text`` matches ``quote``, in [0, 1] (case, punctuation and spacing ignored)."""
    nq, nt = _norm(quote), _norm(text)
    if not nq or not nt:
        return 0.0
    return fuzz.partial_ratio(nq, nt) / 100.0


def word_diff(a: str, b: str) -> tuple[list[str], list[str]]:
    """Words only in ``a`` and words only in ``b`` (lowercased, in order)."""
    ta, tb = _norm(a).split(), _norm(b).split()
    only_a: list[str] = []
    only_b: list[str] = []
    sm = difflib.SequenceMatcher(None, ta, tb, autojunk=False)
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op in ("replace", "delete"):
            only_a.extend(ta[i1:i2])
        if op in ("replace", "insert"):
            only_b.extend(tb[j1:j2])
    return only_a, only_b
