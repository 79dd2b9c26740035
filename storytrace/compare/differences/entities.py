"""Named entities in two aligned sentences: one name swapped for another.

Detector: `detect` reports ``entity_changed`` between the two sentences of the
`AlignedPair` in view, for a clean substitution only: in two sentences aligned
as telling the same thing, exactly one name of a kind in
each that the other does not mention, standing between the same words. People
are one kind (high), places and organisations (spaCy ORG, GPE, LOC, FAC)
another (medium). Sentences that mention several different people (a loose
paraphrase, a merged sentence) are not entity changes, nor are headings, nor
names in a ``related`` counterpart (`counterparts`) that says other things: at
least ``merge_containment`` of the derived sentence's content words, names
left out, must be the counterpart's.

Names (`names_in`) are spaCy's entities from `segment` (``en_core_web_sm``)
plus capitalised phrases it missed (small-model NER misses rare place names,
or reads part of one as something else: "Harbour" of "Esk Harbour" as a
nationality), which match a name of any kind. A name is "mentioned" in the other sentence
when its key occurs there: lower case, possessive and "the" removed, people by
surname ("Putin" = "Vladimir Putin"); two people are the same when
`same_speaker` says so ("Aleksandr Lukashenko" = "Alexander Lukashenko"). "The same
words" means the two words before or the two words after each name (within 40
characters) are equal.
"""

from __future__ import annotations

import re

from storytrace.compare.differences.change import Change, StoryView
from storytrace.compare.quotes import same_speaker
from storytrace.fitted import threshold
from storytrace.model import Document, Entity, Sentence
from storytrace.text import content_words

PLACE_ORG = frozenset({"ORG", "GPE", "LOC", "FAC"})
_CAPITALISED = re.compile(r"\b[A-Z][a-z]+(?:[ -](?:of |de |the )?[A-Z][a-z]+)+\b")


def names_in(doc: Document, s: Sentence) -> list[Entity]:
    """People, places and organisations in sentence ``s``, plus capitalised phrases NER missed (label NAME)."""
    ents = [e for e in doc.entities_in(s.start, s.end) if e.label == "PERSON" or e.label in PLACE_ORG]
    others = [e for e in doc.entities_in(s.start, s.end) if e not in ents]
    for m in _CAPITALISED.finditer(s.text):
        start, end = s.start + m.start(), s.start + m.end()
        if any(e.start < end and start < e.end for e in ents):
            continue
        # a phrase NER read in part as something else ("Esk Harbour" with "Harbour" a NORP) is still a name;
        # one wholly inside another entity ("Sunday", a date) is not
        if any(e.start <= start and end <= e.end for e in others):
            continue
        ents.append(Entity(doc.id, start, end, m.group(), "NAME"))
    return ents


def _entity_group(label: str) -> str:
    return "PERSON" if label == "PERSON" else "PLACE_ORG" if label in PLACE_ORG else "NAME"


def _name_key(name: str, label: str = "PERSON") -> str:
    """Lower case, possessive and "the" removed; people by surname ("Putin" = "Vladimir Putin")."""
    words = re.sub(r"['’]s\b", "", name.lower()).replace("the ", "").split()
    if not words:
        return ""
    return words[-1] if label == "PERSON" else " ".join(words)


def _mentions(name: str, text: str, label: str = "PERSON") -> bool:
    key = _name_key(name, label)
    return bool(key) and key in re.sub(r"['’]s\b", "", text.lower())


def _context(text: str, start: int, end: int) -> tuple[list[str], list[str]]:
    before = re.findall(r"\w+", text[max(0, start - 40) : start].lower())[-2:]
    after = re.findall(r"\w+", text[end : end + 40].lower())[:2]
    return before, after


def _same_slot(a_text: str, ea: Entity, b_text: str, eb: Entity) -> bool:
    """The two names stand between the same words: one was put in the other's place."""
    a_before, a_after = _context(a_text, ea.start, ea.end)
    b_before, b_after = _context(b_text, eb.start, eb.end)
    return (len(a_before) == 2 and a_before == b_before) or (len(a_after) == 2 and a_after == b_after)


def _same_claim_around_names(a: Sentence, b: Sentence) -> bool:
    """Most of ``b``'s content words, names left out, are ``a``'s (at the ``merge_containment`` cut-off, fitted
    in training/fit_thresholds.py): the two say one thing, whoever they name."""
    caps = {w.lower() for w in re.findall(r"\b[A-Z][\w'’-]*", a.text + " " + b.text)}
    mine = content_words(b.text) - caps
    return bool(mine) and len(mine & content_words(a.text)) / len(mine) >= threshold("merge_containment")


def detect(view: StoryView) -> list[Change]:
    """One name swapped for another of the same kind between the two sentences in view."""
    pair = view.pair
    if pair is None:
        return []
    src, dst = pair.src, pair.dst
    a, b = pair.src_sentence, pair.dst_sentence
    out: list[Change] = []
    if a.is_heading or b.is_heading:
        return out
    if pair.kind == "related" and not _same_claim_around_names(a, b):
        return out  # a loose counterpart that says other things: a name there stands in nobody's place
    a_names = [e for e in names_in(src, a) if not _mentions(e.text, b.text, e.label)]
    b_names = [e for e in names_in(dst, b) if not _mentions(e.text, a.text, e.label)]
    for group in ("PERSON", "PLACE_ORG"):
        a_only = [e for e in a_names if _entity_group(e.label) in (group, "NAME")]
        b_only = [e for e in b_names if _entity_group(e.label) in (group, "NAME")]
        if len({_name_key(e.text, e.label) for e in a_only}) != 1 or len({_name_key(e.text, e.label) for e in b_only}) != 1:
            continue
        ea, eb = a_only[0], b_only[0]
        if group == "PERSON" and same_speaker(ea.text, eb.text):
            continue
        if not _same_slot(src.article.text, ea, dst.article.text, eb):
            continue
        out.append(pair.change(
            "entity_changed",
            "high" if group == "PERSON" else "medium",
            (eb.start, eb.end),
            (ea.start, ea.end),
            f"Where the other version names \"{ea.text}\", this one names \"{eb.text}\".",
        ))
    return out


__all__ = ["PLACE_ORG", "detect", "names_in"]
