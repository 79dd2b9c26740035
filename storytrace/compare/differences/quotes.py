"""Quotes in two versions: altered words, a changed speaker, quotation marks added or removed, broken marks, reversed replies.

Detector: `detect`, on the quotes and attributions `segment` stored on each
`Document` (found by `storytrace.compare.quotes`).

For the `AlignedPair` in view:

* each quote of the ``dst`` sentence is paired with the most similar quote of
  the ``src`` sentence (`quote_similarity`: rapidfuzz ratio of the normalised
  words, ignoring case, punctuation and spacing); pairs below ``SAME_QUOTE``
  are different quotes. Words that differ (`word_diff`) give ``quote_altered``
  (high); the same quote given to another speaker (`same_speaker` false, both
  named) gives ``speaker_changed`` (high);
* a quote (within its sentence) whose ``src`` sentence has no quote but
  carries its words (some stretch of the sentence at least ``CARRIED`` similar
  to the quote, `quote_within`, and at least ``CARRIED`` of the quote's content
  words, the quote having ``MIN_QUOTE_WORDS`` content words, or
  ``MIN_ATTRIBUTED_QUOTE_WORDS`` when given to a named speaker), and which the ``src`` version quotes nowhere
  else, is reported speech presented as a direct quote: ``quotation_changed``
  (high: words put in the speaker's mouth), not ``quote_altered``;
* the other way round, a ``src`` quote that the ``dst`` sentence no longer
  quotes but carries as reported speech (outside its quotation marks, by the
  same measure), and that the ``dst`` version quotes nowhere else, is a quote
  turned into paraphrase: ``quotation_changed`` (low: the same words, no longer
  marked as exact; summaries do it all the time, and FRANK's annotators call
  such summaries faithful);
* a statement (not a quote) given to an individual in one sentence and to an
  institution in the other ("Economy Minister X said" / "the economy ministry
  said"): one attribution in each sentence, one speaker a person (a PERSON
  entity, a title before a name, a person's role noun, he/she) and the other a
  body (its head noun in ``BODY_NOUNS``), the rest of the two sentences the
  same statement (similarity >= ``SAME_STATEMENT``): ``speaker_changed``
  (high). Two different people are left to the quote pairing above and to
  `entities`;
* broken quotes are left to the story-wide view, which reports them once per article;
* reversed exchanges: a reply in the ``dst`` sentence (an attribution marked
  ``is_response``, with ``responds_to``) whose speaker and addressee are
  swapped against a reply within ``REPLY_REACH`` sentences of any ``src``
  sentence aligned with it -- who answered whom is turned round
  (``speaker_changed``, high). Such a change lies around the aligned
  sentences, not in them, so it is marked ``nearby`` and the majority reading
  does not re-check it. An exchange of three turns in the ``src`` passage (A,
  then B, then A replying) holds both orders, so a ``dst`` saying B replied to
  A reverses nothing.

For the story as a whole: quotation marks that do not pair up
(``Quote.broken``) are ``quote_altered`` (medium) on their article, against the
quote (or else the sentence) of the best-scoring alignment of their sentence
into another version, naming the words that also differ from it.

Parameters (set by hand): ``SAME_QUOTE`` = 0.5, ``CARRIED`` = 0.7,
``MIN_QUOTE_WORDS`` = 3, ``MIN_ATTRIBUTED_QUOTE_WORDS`` = 2, ``SAME_STATEMENT`` = 0.7, ``REPLY_REACH`` = 2 sentences.
"""

from __future__ import annotations

import re

from storytrace.compare.differences.change import AlignedPair, Change, StoryView, in_sentence
from storytrace.compare.differences.polarity import stem
from storytrace.compare.quotes import quote_similarity, quote_within, same_speaker, word_diff
from storytrace.model import Attribution, Document
from storytrace.text import content_words

# Set by hand, not fitted.
SAME_QUOTE = 0.5  # `quote_similarity` from which two quotes are one quote, reworded or not
REPLY_REACH = 2  # sentences either side of an aligned one where a reply counts as nearby
CARRIED = 0.7  # share of a quote's content words a sentence must carry to give it as reported speech
MIN_QUOTE_WORDS = 3  # content words a quote needs before its paraphrase can be recognised
MIN_ATTRIBUTED_QUOTE_WORDS = 2  # ... when the quote is given to a named speaker
SAME_STATEMENT = 0.7  # `quote_similarity` of two sentences without their speakers: the same statement

# A speaker whose head noun is one of these is an institution, not a person.
BODY_NOUNS = frozenset({
    "ministry", "government", "department", "office", "agency", "council", "company", "firm",
    "court", "police", "army", "military", "commission", "authority", "authorities", "administration",
    "embassy", "service", "board", "committee", "cabinet", "presidency", "kremlin", "parliament",
    "secretariat", "directorate", "bureau", "inspectorate", "regulator", "union", "group", "operator",
    "corporation", "bank", "club", "party", "organisation", "organization", "association", "federation",
})
# ... and one of these (or such a title before a name) is a person.
PERSON_ROLES = frozenset({
    "minister", "president", "premier", "chancellor", "mayor", "governor", "senator", "secretary",
    "spokesman", "spokeswoman", "spokesperson", "executive", "ceo", "chairman", "chairwoman", "chair",
    "director", "chief", "head", "leader", "commander", "judge", "prosecutor", "ambassador", "envoy",
    "official", "adviser", "advisor", "aide", "general", "inspector", "councillor", "superintendent",
    "analyst", "manager", "founder", "king", "queen", "prince", "lawyer",
})


def detect(view: StoryView) -> list[Change]:
    """For a sentence pair: quote and speaker changes, then reversed replies near them; else broken quotes."""
    if view.pair is None:
        return _broken_quotes(view)
    return _quote_changes(view.pair) + _reversed_exchanges(view, view.pair)


def _differ(only_a: list[str], only_b: list[str], other: str = "the other version") -> str:
    """A plain sentence on how the words of a quote differ from ``other``'s."""
    removed, added = " ".join(only_a), " ".join(only_b)
    if only_a and sorted(w.lower() for w in only_a) == sorted(w.lower() for w in only_b):
        return f'The quoted words are the same but in another order: "{added}" stand elsewhere in {other}.'
    if removed and added:
        return f'The quoted words differ: this version has "{added}" where {other} has "{removed}".'
    if added:
        return f'The quote adds "{added}", which {other} does not have.'
    return f'The quote leaves out "{removed}", which {other} has.'


def quoted_anywhere(doc: Document, text: str) -> bool:
    """Whether ``doc`` quotes these words somewhere (then a sentence that does not is no paraphrase of it).

    Similar characters are not enough between short quotes ("has failed" and "far from a failure"
    are 0.5 alike): the quote must also share half the content words of the shorter one. A stretch
    of a longer quote is quoted too (a summary quoting part of what the article quotes)."""
    words = content_words(text)

    def shares_words(other: str) -> bool:
        theirs = content_words(other)
        fewer = min(len(words), len(theirs))
        return fewer == 0 or len(words & theirs) * 2 >= fewer

    def within(other: str) -> bool:  # a stretch of a longer quote ("exactly what they were trained")
        return len(text) <= len(other) and quote_within(text, other) >= CARRIED and shares_words(other)

    return any(not q.broken and (quote_similarity(q.text, text) >= SAME_QUOTE and shares_words(q.text)
                                 or within(q.text)) for q in doc.quotes)


def _outside_quotes(doc: Document, si: int) -> str:
    """Sentence ``si`` of ``doc`` with its quoted words blanked out."""
    s = doc.sentences[si]
    chars = list(s.text)
    for q in doc.quotes_in(si):
        for k in range(max(0, q.start - 1 - s.start), min(len(chars), q.end + 1 - s.start)):
            chars[k] = " "
    return "".join(chars)


def carries(text: str, quote: str, *, attributed: bool = False) -> bool:
    """``text`` carries the quote's words as reported speech: a stretch of it close to the quote, most
    content words kept. A quote given to a named speaker needs ``MIN_ATTRIBUTED_QUOTE_WORDS``, others
    ``MIN_QUOTE_WORDS`` (two unattributed words in marks are often scare quotes, not someone's words)."""
    words = content_words(quote)
    least = MIN_ATTRIBUTED_QUOTE_WORDS if attributed else MIN_QUOTE_WORDS
    if len(words) < least or quote_within(quote, text) < CARRIED:
        return False
    # by stem: reported speech shifts the tense ("either knew" -> "had either known")
    stems = {stem(w) for w in words}
    return len(stems & {stem(w) for w in content_words(text)}) / len(stems) >= CARRIED


def _words_span(text: str, quote: str) -> tuple[int, int] | None:
    """From the first to the last of the quote's words found in ``text``, in order."""
    pos, first, last = 0, None, None
    for w in re.findall(r"[\w'’-]+", quote):
        if not content_words(w):
            continue
        m = re.compile(rf"(?<![\w'’-]){re.escape(w)}(?![\w'’-])", re.I).search(text, pos)
        if m is None:
            continue
        first = m.start() if first is None else first
        last, pos = m.end(), m.end()
    return (first, last) if first is not None and last is not None else None


def _quote_changes(pair: AlignedPair) -> list[Change]:
    out: list[Change] = []
    src, si, dst, di = pair.src, pair.src_index, pair.dst, pair.dst_index
    a, b = pair.src_sentence, pair.dst_sentence
    a_quotes = [q for q in src.quotes_in(si) if not q.broken]
    b_quotes = dst.quotes_in(di)
    for qb in b_quotes:
        if qb.broken:
            continue  # reported once per article by _broken_quotes
        if not a_quotes:
            if any(q.broken for q in src.quotes_in(si)) or quoted_anywhere(src, qb.text):
                continue
            if qb.end > b.end:
                continue  # a quote running on past its sentence: its marks are not to be trusted
            if carries(a.text, qb.text, attributed=bool(qb.speaker)):
                out.append(pair.change(
                    "quotation_changed",
                    "high",
                    (qb.start, qb.end),
                    (a.start, a.end),
                    "This version presents as a direct quote words that the other version gives only "
                    "as reported speech, so it puts words in the speaker's mouth.",
                ))
            continue
        qa = max(a_quotes, key=lambda q: quote_similarity(q.text, qb.text))
        if quote_similarity(qa.text, qb.text) < SAME_QUOTE:
            continue
        only_a, only_b = word_diff(qa.text, qb.text)
        if only_a or only_b:
            out.append(pair.change("quote_altered", "high", (qb.start, qb.end), (qa.start, qa.end),
                                   _differ(only_a, only_b)))
        if qa.speaker and qb.speaker and not same_speaker(qa.speaker, qb.speaker):
            out.append(pair.change(
                "speaker_changed",
                "high",
                qb.speaker_span or (qb.start, qb.end),
                qa.speaker_span or (qa.start, qa.end),
                f"The same quote is attributed to {qb.speaker} here but to {qa.speaker} in the other version.",
            ))
    # a quote turned into reported speech: its words are in dst, outside any quotation marks
    if not any(q.broken for q in b_quotes):
        plain = _outside_quotes(dst, di)
        for qa in a_quotes:
            if any(quote_similarity(qa.text, q.text) >= SAME_QUOTE for q in b_quotes):
                continue  # still quoted (perhaps altered: above)
            if quoted_anywhere(dst, qa.text) or not carries(plain, qa.text, attributed=bool(qa.speaker)):
                continue
            span = _words_span(plain, qa.text)
            out.append(pair.change(
                "quotation_changed",
                "low",
                in_sentence(b, span),
                (qa.start, qa.end),
                "The other version gives these words as a direct quote; this one turns them into "
                "reported speech.",
            ))
    return out + _statement_speakers(pair)


def _speaker_kind(doc: Document, at: Attribution) -> str | None:
    """"person" (a named or titled individual, he/she), "body" (a ministry, a company...), or None."""
    text = doc.article.text
    s, e = at.speaker_span
    phrase = text[s:e].strip()
    words = phrase.lower().split()
    if not words:
        return None
    head = words[:words.index("of", 1)] if "of" in words[1:] else words  # "the Ministry of Science": ministry
    if head[-1] in BODY_NOUNS or words[-1] in BODY_NOUNS:
        return "body"
    if words[-1] in PERSON_ROLES or words[0] in ("he", "she"):
        return "person"
    if any(x.label == "PERSON" and x.start < e and s < x.end for x in doc.entities):
        return "person"
    before = re.findall(r"[A-Za-z]+", text[max(0, s - 40):s].lower())[-3:]
    capitalised = all(w[:1].isupper() for w in phrase.split())
    if capitalised and any(w in PERSON_ROLES for w in before):
        return "person"  # "Economy Minister Lidia Varga"
    return None


def _statement_speakers(pair: AlignedPair) -> list[Change]:
    """An official's statement given to an institution, or the other way round ("Minister X said" / "the ministry said")."""
    src, si, dst, di = pair.src, pair.src_index, pair.dst, pair.dst_index
    one_each = pair.statements()
    if one_each is None:
        return []
    x, y = one_each
    if same_speaker(x.speaker, y.speaker):
        return []
    kx, ky = _speaker_kind(src, x), _speaker_kind(dst, y)
    if {kx, ky} != {"person", "body"}:
        return []
    if quote_similarity(_statement(src, si, x), _statement(dst, di, y)) < SAME_STATEMENT:
        return []  # not the same statement
    xt, yt = _as_written(src, x), _as_written(dst, y)
    if kx == "person":
        why = f"The other version gives this statement to {xt}; this one to {yt} as an institution."
    else:
        why = f"The other version gives this statement to {xt}; this one to {yt} in person."
    return [pair.change("speaker_changed", "high", y.speaker_span, x.speaker_span, why)]


def _as_written(doc: Document, at: Attribution) -> str:
    phrase = doc.article.text[at.speaker_span[0]:at.speaker_span[1]].strip()
    return re.sub(r"^(?:The|A|An)\s", lambda m: m.group(0).lower(), phrase)


def _statement(doc: Document, si: int, at: Attribution) -> str:
    """Sentence ``si`` without its speaker and speech verb: what is said."""
    sent = doc.sentences[si]
    s, e = at.speaker_span
    m = re.compile(rf"\b{re.escape(at.verb)}\b").search(doc.article.text, e, sent.end) if at.verb else None
    if m is not None and m.start() - e <= 40:
        e = m.end()
    return doc.article.text[sent.start:s] + " " + doc.article.text[e:sent.end]


def _speaks_after(doc: Document, near: set[int], speaker: str, first: str) -> bool:
    """Whether, in sentences ``near`` of ``doc``, ``speaker`` speaks after ``first`` has spoken."""
    turns = sorted((x.sentence_index, x.speaker_span[0], x.speaker) for x in doc.attributions
                   if x.sentence_index in near)
    seen_first = False
    for _, _, who in turns:
        if seen_first and same_speaker(who, speaker):
            return True
        seen_first = seen_first or same_speaker(who, first)
    return False


def _reversed_exchanges(view: StoryView, pair: AlignedPair) -> list[Change]:
    """Who replied to whom is reversed between the ``dst`` sentence and the ``src`` passage aligned with it."""
    src, dst, di = pair.src, pair.dst, pair.dst_index
    near: set[int] = set()
    for l in view.links.get((src.id, dst.id), []):  # all alignments into the dst sentence, not just this one
        if l.b_index == di:
            near.update(range(l.a_index - REPLY_REACH, l.a_index + REPLY_REACH + 1))
    src_replies = [x for x in src.attributions if x.is_response and x.responds_to and x.sentence_index in near]
    out: list[Change] = []
    for y in dst.attributions:
        if y.sentence_index != di or not (y.is_response and y.responds_to):
            continue
        if _speaks_after(src, near, y.speaker, y.responds_to):
            continue  # an exchange of three turns (A, B, A) holds both orders: nothing is reversed
        for x in src_replies:
            if same_speaker(x.speaker, y.responds_to) and same_speaker(x.responds_to, y.speaker):
                out.append(pair.change(
                    "speaker_changed",
                    "high",
                    y.speaker_span,
                    x.speaker_span,
                    f"Here {y.speaker} replies to {y.responds_to}; in the other version "
                    f"{x.speaker} replies to {x.responds_to}: who said what first is reversed.",
                    nearby=True,
                ))
    return out


def _broken_quotes(view: StoryView) -> list[Change]:
    """Quotation marks that do not pair up, in a sentence another version also tells."""
    docs, links = view.docs, view.links
    out: list[Change] = []
    for d in docs.values():
        for q in d.quotes:
            if not q.broken:
                continue
            counter = [l for (x, _), ls in links.items() if x == d.id for l in ls if l.a_index == q.sentence_index]
            counterpart: str | None = None
            counter_span: tuple[int, int] | None = None
            explanation = ("The quotation marks are broken: a closing mark has no opening one, "
                           "so the reader cannot tell which words were said.")
            if counter:
                best = max(counter, key=lambda l: l.score)
                other = docs[best.b]
                counterpart = other.id
                quotes = other.quotes_in(best.b_index)
                if quotes:
                    oq = max(quotes, key=lambda x: quote_similarity(x.text, q.text))
                    counter_span = (oq.start, oq.end)
                    only_a, only_b = word_diff(oq.text, q.text)
                    if only_a or only_b:
                        explanation += " " + _differ(only_a, only_b, f"{other.id}'s quote")
                else:
                    s = other.sentences[best.b_index]
                    counter_span = (s.start, s.end)
            out.append(Change("quote_altered", "medium", d.id, (q.start, q.end), explanation, counterpart, counter_span))
    return out


__all__ = ["REPLY_REACH", "SAME_QUOTE", "carries", "detect", "quoted_anywhere"]
