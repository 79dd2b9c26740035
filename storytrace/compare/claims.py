"""Claims: the clauses of a sentence, each with offsets into the article.

Method: a rule-based clause splitter over surface cues, in the spirit of the
clause identification of Tjong Kim Sang & Déjean (2001, "Introduction to the
CoNLL-2001 shared task: clause identification") and the sentence
simplification by punctuation and connectives of Siddharthan (2006,
"Syntactic simplification and text cohesion", Research on Language and
Computation 4(1)). A sentence is cut

* at a semicolon or a spaced dash;
* at a comma followed by a clause connective (``but``, ``while``, ``after``,
  ``which``, ``as`` ...), by ``and``/``or`` opening a new clause (a determiner,
  pronoun or capitalised word after it, or a plural noun whose auxiliary
  follows within ten words: ``, and customers whose ... will``), or by a present participle that opens
  a clause of its own (``, stretching its forces``);
* after the opening subordinate clause of a sentence that begins with a
  subordinator (``Despite ..., the risk ...``);

never inside quotation marks. A piece of fewer than ``MIN_CLAIM_WORDS`` words
is a modifier, not a claim: it stays with the piece before it (the first piece
with the one after). A
sentence of fewer than ``2 * MIN_CLAIM_WORDS`` words is one claim. Claims are
the unit alignment falls back on when whole sentences do not pair up: one
source sentence split into two, two merged into one (compare/align.py).

Parameter: ``MIN_CLAIM_WORDS = 4``, set by hand (not fitted): the shortest
English clause that states something checkable has a subject, a verb and an
object or complement, and with the connective that is four words.
"""

from __future__ import annotations

import re

from storytrace.model import Claim, Sentence

MIN_CLAIM_WORDS = 4

_CONNECTIVES = (
    "but", "while", "whereas", "although", "though", "after", "before", "as", "because", "since",
    "which", "who", "whom", "whose", "where", "when", "so", "yet", "until", "unless", "even",
    "saying", "adding", "according", "ruling", "finding", "arguing", "warning", "noting",
)
_SUBORDINATORS = frozenset({
    "despite", "although", "though", "while", "after", "before", "as", "because", "since", "if",
    "when", "unless", "once", "with", "following", "amid",
})
_NEW_CLAUSE_AFTER_AND = re.compile(r"(?:the|a|an|it|he|she|they|we|its|his|her|their|this|that|there|[A-Z]\w*)\b")
# "..., and customers whose details were stolen will be able to apply": a plural noun opening a clause whose
# auxiliary follows within ten words (not "..., and farm buildings")
_PLURAL_SUBJECT = (r"[a-z]+s\b(?=(?:\s+[\w'’-]+){0,10}?\s+(?:will|would|had|has|have|were|was|are|is|can|could|"
                   r"may|might|must|should)\b)")
_COMMA_CUT = re.compile(
    r",\s+(?=(?:" + "|".join(_CONNECTIVES) + r")\b|(?:and|or)\s+" + _NEW_CLAUSE_AFTER_AND.pattern
    + r"|(?:and|or)\s+" + _PLURAL_SUBJECT
    + r"|[a-z]+ing\b)"
)
_HARD_CUT = re.compile(r"\s*;\s+|\s+[—–-]{1,2}\s+")
_QUOTE_MARKS = re.compile(r"[\"“”]")
_WORD = re.compile(r"\w+")


def _words(text: str) -> int:
    return len(_WORD.findall(text))


def _inside_quote(text: str, pos: int) -> bool:
    # straight and curly double quotes: an odd count before ``pos`` means an open quotation
    return len(_QUOTE_MARKS.findall(text[:pos])) % 2 == 1


def _cut_points(text: str) -> list[tuple[int, int]]:
    """(end of the left piece, start of the right piece), relative to ``text``."""
    cuts = [(m.start(), m.end()) for m in _HARD_CUT.finditer(text)]
    cuts += [(m.start(), m.end()) for m in _COMMA_CUT.finditer(text)]
    first = _WORD.search(text)
    if first and first.group().lower() in _SUBORDINATORS:
        comma = text.find(", ")
        if comma > 0:
            cuts.append((comma, comma + 2))
    return sorted({c for c in cuts if not _inside_quote(text, c[0])})


def split_claims(sentence: Sentence) -> list[Claim]:
    """The claims of ``sentence`` in order; a heading or a short sentence is one claim."""
    whole = [Claim(sentence.article_id, sentence.index, sentence.start, sentence.end, sentence.text)]
    text = sentence.text
    if sentence.is_heading or _words(text) < 2 * MIN_CLAIM_WORDS:
        return whole
    # cut everywhere, then give each short piece to the one before it (a trailing modifier
    # such as ", cutting 640 jobs" belongs to the clause it follows), the first to the one after
    pieces: list[tuple[int, int]] = []
    start = 0
    for left_end, right_start in _cut_points(text):
        if left_end > start:
            pieces.append((start, left_end))
            start = right_start
    pieces.append((start, len(text)))
    merged: list[tuple[int, int]] = []
    for s, e in pieces:
        if merged and (_words(text[s:e]) < MIN_CLAIM_WORDS or _words(text[merged[-1][0]:merged[-1][1]]) < MIN_CLAIM_WORDS):
            merged[-1] = (merged[-1][0], e)
        else:
            merged.append((s, e))
    if len(merged) == 1:
        return whole
    out = []
    for s, e in merged:
        while e > s and text[e - 1] in " ,;.":
            e -= 1
        out.append(Claim(sentence.article_id, sentence.index, sentence.start + s, sentence.start + e, text[s:e]))
    return out


__all__ = ["MIN_CLAIM_WORDS", "split_claims"]
