"""What every detector reads and returns: `StoryView` (with its `AlignedPair`) and `Change`.

A detector is a module with one function, ``detect(view: StoryView) ->
list[Change]``. The orchestration shows it a story twice over:

* once per compared sentence pair, ``view.pair`` set: what changed from
  sentence ``src_index`` of ``src`` to sentence ``dst_index`` of ``dst``
  (a third version's reading of the same sentences may then turn the change
  round: the majority reading);
* once for the story as a whole, ``view.pair`` None: what can only be seen
  across all versions (sentences aligned to nothing, broken quotation marks).

A detector returns nothing for a view it has no use for. Spans are character
offsets into the article texts, as everywhere in `storytrace.model`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable

from storytrace.model import Alignment, Attribution, DerivationEdge, Document, Sentence, Severity


@dataclass(frozen=True)
class AlignedPair:
    """Sentence ``src_index`` of ``src`` set against sentence ``dst_index`` of ``dst``.

    A change found is reported on ``dst``, with ``src`` as its counterpart.
    ``close_wording`` says the two were aligned as a copy (verbatim or edited,
    by the pair scorer's copy score fitted on Clough & Stevenson 2011) rather
    than as a looser paraphrase or a related counterpart; ``kind`` is the
    alignment's kind.
    """

    src: Document
    src_index: int
    dst: Document
    dst_index: int
    close_wording: bool = True
    # the alignment's kind; "related": a counterpart paired by rank for a claim that changed too
    # much to align (compare/counterparts.py), the loosest pairing there is
    kind: str = "edited"
    # the aligned claims' spans when the alignment pairs parts of the sentences (compare/claimalign.py)
    src_span: tuple[int, int] | None = None
    dst_span: tuple[int, int] | None = None

    @property
    def src_sentence(self) -> Sentence:
        return _narrowed(self.src, self.src.sentences[self.src_index], self.src_span)

    @property
    def dst_sentence(self) -> Sentence:
        return _narrowed(self.dst, self.dst.sentences[self.dst_index], self.dst_span)

    def statements(self) -> tuple[Attribution, Attribution] | None:
        """(src's, dst's) attribution when each sentence reports exactly one statement (replies left out)."""
        xs = [x for x in self.src.attributions if x.sentence_index == self.src_index and not x.is_response]
        ys = [y for y in self.dst.attributions if y.sentence_index == self.dst_index and not y.is_response]
        return (xs[0], ys[0]) if len(xs) == 1 and len(ys) == 1 else None

    def change(
        self,
        kind: str,
        severity: Severity,
        span: tuple[int, int],
        counter_span: tuple[int, int],
        explanation: str,
        nearby: bool = False,
    ) -> Change:
        """A change reported on ``dst`` at ``span``, against ``src`` at ``counter_span``."""
        return Change(kind, severity, self.dst.id, span, explanation, self.src.id, counter_span, nearby=nearby)


def _narrowed(doc: Document, sentence: Sentence, span: tuple[int, int] | None) -> Sentence:
    """The part of ``sentence`` at ``span`` (a claim), as a sentence of its own; the sentence for None."""
    if span is None or span == (sentence.start, sentence.end):
        return sentence
    start, end = max(span[0], sentence.start), min(span[1], sentence.end)
    return Sentence(sentence.article_id, sentence.index, start, end, doc.article.text[start:end], sentence.is_heading)


@dataclass(frozen=True)
class StoryView:
    """The versions of one story, their sentence alignments and derivation edges, and what is in view."""

    docs: dict[str, Document]
    links: dict[tuple[str, str], list[Alignment]]  # (a, b) -> alignments with ``a`` on the a side
    derivation: list[DerivationEdge]
    pair: AlignedPair | None = None  # the sentence pair to compare; None: the story as a whole

    def looking_at(self, pair: AlignedPair) -> StoryView:
        return replace(self, pair=pair)


@dataclass(frozen=True)
class Change:
    """One difference a detector found; the orchestration turns it into a `Finding`."""

    kind: str  # one of storytrace.model.FINDING_KINDS
    severity: Severity
    article: str  # the version the change is reported on (the one that departs)
    span: tuple[int, int]  # in ``article``
    explanation: str
    counterpart: str | None = None  # the version it departs from, if any
    counter_span: tuple[int, int] | None = None  # in ``counterpart``
    text: str | None = None  # shown instead of ``article``'s text at ``span`` (an omission's span is empty)
    # Found around the pair's two sentences rather than in them (a reply turned
    # round a few sentences off): the majority reading does not re-check it.
    nearby: bool = False


def in_sentence(sentence: Sentence, span: tuple[int, int] | None) -> tuple[int, int]:
    """A span relative to ``sentence`` as article offsets; the whole sentence for None."""
    return (sentence.start + span[0], sentence.start + span[1]) if span else (sentence.start, sentence.end)


Detector = Callable[[StoryView], list[Change]]

__all__ = ["AlignedPair", "Change", "Detector", "StoryView", "in_sentence"]
