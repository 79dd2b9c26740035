"""The data model every stage reads and writes.

Plain frozen dataclasses: an `Article` owns its text; everything found in it
(`Sentence`, `Quote`, `Alignment`, `Finding`, ...) points back into that text
with character offsets ``[start, end)``, like spaCy's `Span`, so any claim can be
highlighted in the article as read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

ReuseKind = Literal["verbatim", "edited", "paraphrase", "related", "unrelated"]
# "related": a counterpart paired by rank for a claim that changed too much to align (compare/counterparts.py)
AlignedKind = Literal["verbatim", "edited", "paraphrase", "related"]
Severity = Literal["high", "medium", "low"]
SEVERITY_RANK: dict[str, int] = {"high": 0, "medium": 1, "low": 2}
# The source of a derivation edge when two versions share one that is not among them.
COMMON_SOURCE = "(unseen common source)"

FINDING_KINDS = (
    "number_changed",
    "date_changed",
    "quote_altered",
    "speaker_changed",
    "attribution_changed",
    "quotation_changed",
    "entity_changed",
    "contradiction",
    "predicate_changed",
    "intensified",
    "softened",
    "detail_dropped",
    "figure_vaguer",
    "unsupported_addition",
    "omission",
    "reworded",
)


@dataclass(frozen=True)
class Article:
    """One version of a story, with the text exactly as read (after HTML extraction)."""

    id: str
    text: str
    title: str | None = None
    source: str | None = None
    url: str | None = None
    published_at: str | None = None  # ISO 8601 as given
    origin: str | None = None  # where it was read: "path" or "path:line"


@dataclass(frozen=True)
class Sentence:
    """A sentence or heading of an article; ``text == article.text[start:end]``."""

    article_id: str
    index: int
    start: int
    end: int
    text: str
    is_heading: bool = False


@dataclass(frozen=True)
class Claim:
    """A clause of sentence ``sentence_index`` (compare/claims.py); ``text == article.text[start:end]``."""

    article_id: str
    sentence_index: int
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Quote:
    """Words inside quotation marks, with who is said to have said them.

    ``start``/``end`` cover the quoted words without the marks. ``broken`` is set
    when a closing mark has no opening one (or the reverse) in the sentence.
    """

    article_id: str
    sentence_index: int
    start: int
    end: int
    text: str
    speaker: str | None = None
    speaker_span: tuple[int, int] | None = None
    broken: bool = False


@dataclass(frozen=True)
class Attribution:
    """Who sentence ``sentence_index`` says states its content, and with which verb.

    One per speech event ("said", "according to", "replied", ...); a reply names
    in ``responds_to`` the speaker it answers.
    """

    article_id: str
    sentence_index: int
    speaker: str
    speaker_span: tuple[int, int]
    verb: str
    is_response: bool
    responds_to: str | None


@dataclass(frozen=True)
class Entity:
    article_id: str
    start: int
    end: int
    text: str
    label: str  # spaCy label: PERSON, ORG, GPE, LOC, NORP, DATE, ...


@dataclass
class Document:
    """An article after segmentation: sentences, quotes, entities and attributions with offsets."""

    article: Article
    sentences: list[Sentence]
    quotes: list[Quote] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    attributions: list[Attribution] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)  # the clauses of the non-heading sentences, in order

    @property
    def id(self) -> str:
        return self.article.id

    def entities_in(self, start: int, end: int) -> list[Entity]:
        return [e for e in self.entities if e.start >= start and e.end <= end]

    def quotes_in(self, sentence_index: int) -> list[Quote]:
        return [q for q in self.quotes if q.sentence_index == sentence_index]


@dataclass(frozen=True)
class WordChange:
    """Words of one aligned sentence replaced, deleted or inserted in the other (``op`` as seen
    from ``a`` to ``b``); an empty span is where the missing words would stand."""

    op: Literal["replace", "delete", "insert"]
    a_span: tuple[int, int]
    b_span: tuple[int, int]

    def reversed(self) -> WordChange:
        op = {"delete": "insert", "insert": "delete"}.get(self.op, self.op)
        return WordChange(op, self.b_span, self.a_span)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Alignment:
    """Sentence ``a_index`` of article ``a`` carries content of sentence ``b_index`` of ``b``."""

    a: str
    b: str
    a_index: int
    b_index: int
    a_span: tuple[int, int]
    b_span: tuple[int, int]
    kind: AlignedKind
    score: float  # calibrated probability that the two state the same content
    word_changes: tuple[WordChange, ...] = ()  # from a's sentence to b's (compare/worddiff.py)

    def reversed(self) -> Alignment:
        """The same alignment seen from article ``b``."""
        return Alignment(self.b, self.a, self.b_index, self.a_index, self.b_span, self.a_span, self.kind, self.score,
                         tuple(w.reversed() for w in self.word_changes))


@dataclass(frozen=True)
class PairReuse:
    """For an ordered pair: the share of ``a``'s sentences found in ``b``, by kind."""

    a: str
    b: str
    verbatim: float
    edited: float
    paraphrase: float

    @property
    def total(self) -> float:
        return self.verbatim + self.edited + self.paraphrase


@dataclass(frozen=True)
class Story:
    id: str
    article_ids: tuple[str, ...]


@dataclass(frozen=True)
class DerivationEdge:
    """``derived`` took content from ``source`` (``source`` may be `COMMON_SOURCE`)."""

    source: str
    derived: str
    level: Literal["wholly", "partially", "shared_source"]
    confidence: float
    evidence: str


@dataclass(frozen=True)
class Counterpart:
    article: str
    text: str
    span: tuple[int, int]


@dataclass(frozen=True)
class Finding:
    article: str
    kind: str
    severity: Severity
    text: str
    span: tuple[int, int]
    explanation: str
    counterpart: Counterpart | None = None


@dataclass(frozen=True)
class BriefSource:
    """A version's sentence that carries a brief entry: ``all`` of its content or a ``part``."""

    article: str
    span: tuple[int, int]
    carries: Literal["all", "part"] = "all"


@dataclass(frozen=True)
class BriefConflict:
    """A finding on a version's telling of a brief entry."""

    article: str
    kind: str
    severity: Severity
    span: tuple[int, int]
    explanation: str


@dataclass(frozen=True)
class BriefEntry:
    text: str
    sources: tuple[BriefSource, ...]
    support: int  # versions whose sentence carries all of the entry, without a conflict
    conflicts: tuple[BriefConflict, ...] = ()
    unverified: bool = False  # only one version carries it


@dataclass
class StoryAnalysis:
    """Everything `compare` says about one story."""

    story: Story
    documents: dict[str, Document]
    alignments: list[Alignment]
    reuse: list[PairReuse]
    derivation: list[DerivationEdge]
    findings: list[Finding]
    brief: list[BriefEntry]


@dataclass
class Comparison:
    """The result of comparing a set of articles: stories and each story's analysis."""

    articles: list[Article]
    documents: dict[str, Document]
    stories: list[Story]
    analyses: list[StoryAnalysis]
    near_copies: dict[str, str] = field(default_factory=dict)  # near-copy id -> the version it copies
