"""Quotes in two versions: altered words, a changed speaker, broken marks, reversed replies.

Detector: `detect`, on the quotes and attributions `segment` stored on each
`Document` (found by `storytrace.compare.quotes`).

For the `AlignedPair` in view:

* each quote of the ``dst`` sentence is paired with the most similar quote of
  the ``src`` sentence (`quote_similarity`: rapidfuzz ratio of the normalised
  words, ignoring case, punctuation and spacing); pairs below ``SAME_QUOTE``
  are different quotes. Words that differ (`word_diff`) give ``quote_altered``
  (high); the same quote given to another speaker (`same_speaker` false, both
  named) gives ``speaker_changed`` (high);
* a quote whose ``src`` sentence has no quote but carries its words
  (similarity >= ``SAME_QUOTE`` against the whole sentence) is reported speech
  turned into a direct quote: ``quote_altered`` (medium);
* broken quotes are left to the story-wide view, which reports them once per article;
* reversed exchanges: a reply in the ``dst`` sentence (an attribution marked
  ``is_response``, with ``responds_to``) whose speaker and addressee are
  swapped against a reply within ``REPLY_REACH`` sentences of any ``src``
  sentence aligned with it -- who answered whom is turned round
  (``speaker_changed``, high). Such a change lies around the aligned
  sentences, not in them, so it is marked ``nearby`` and the majority reading
  does not re-check it.

For the story as a whole: quotation marks that do not pair up
(``Quote.broken``) are ``quote_altered`` (medium) on their article, against the
quote (or else the sentence) of the best-scoring alignment of their sentence
into another version, naming the words that also differ from it.

Parameters (set by hand): ``SAME_QUOTE`` = 0.5, ``REPLY_REACH`` = 2 sentences.
"""

from __future__ import annotations

from storytrace.compare.differences.change import AlignedPair, Change, StoryView
from storytrace.compare.quotes import quote_similarity, same_speaker, word_diff

# Set by hand, not fitted.
SAME_QUOTE = 0.5  # `quote_similarity` from which two quotes are one quote, reworded or not
REPLY_REACH = 2  # sentences either side of an aligned one where a reply counts as nearby


def detect(view: StoryView) -> list[Change]:
    """For a sentence pair: quote and speaker changes, then reversed replies near them; else broken quotes."""
    if view.pair is None:
        return _broken_quotes(view)
    return _quote_changes(view.pair) + _reversed_exchanges(view, view.pair)


def _quote_changes(pair: AlignedPair) -> list[Change]:
    out: list[Change] = []
    src, si, dst, di = pair.src, pair.src_index, pair.dst, pair.dst_index
    a = pair.src_sentence
    a_quotes = [q for q in src.quotes_in(si) if not q.broken]
    for qb in dst.quotes_in(di):
        if qb.broken:
            continue  # reported once per article by _broken_quotes
        if not a_quotes:
            if any(q.broken for q in src.quotes_in(si)):
                continue
            if quote_similarity(qb.text, a.text) >= SAME_QUOTE:
                out.append(pair.change(
                    "quote_altered",
                    "medium",
                    (qb.start, qb.end),
                    (a.start, a.end),
                    "Words given here as a direct quote appear in the other version only as reported speech.",
                ))
            continue
        qa = max(a_quotes, key=lambda q: quote_similarity(q.text, qb.text))
        if quote_similarity(qa.text, qb.text) < SAME_QUOTE:
            continue
        only_a, only_b = word_diff(qa.text, qb.text)
        if only_a or only_b:
            removed = " ".join(only_a) or "nothing"
            added = " ".join(only_b) or "nothing"
            out.append(pair.change(
                "quote_altered",
                "high",
                (qb.start, qb.end),
                (qa.start, qa.end),
                f"The quote's words differ: \"{removed}\" became \"{added}\".",
            ))
        if qa.speaker and qb.speaker and not same_speaker(qa.speaker, qb.speaker):
            out.append(pair.change(
                "speaker_changed",
                "high",
                qb.speaker_span or (qb.start, qb.end),
                qa.speaker_span or (qa.start, qa.end),
                f"The same quote is attributed to {qb.speaker} here but to {qa.speaker} in the other version.",
            ))
    return out


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
                        explanation += (f" The words also differ from {other.id}'s quote: "
                                        f"\"{' '.join(only_a) or 'nothing'}\" became \"{' '.join(only_b) or 'nothing'}\".")
                else:
                    s = other.sentences[best.b_index]
                    counter_span = (s.start, s.end)
            out.append(Change("quote_altered", "medium", d.id, (q.start, q.end), explanation, counterpart, counter_span))
    return out


__all__ = ["REPLY_REACH", "SAME_QUOTE", "detect"]
