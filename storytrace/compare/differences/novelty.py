"""Names and figures a derived version brings into a claim it took from its source, that no other version has.

Detector: `detect`, on the story as a whole. A sentence aligned to nothing is
`coverage`'s unsupported addition; a sentence that *is* aligned can still
carry a name of its own: a summary that puts a person, an organisation or a
place into a claim the article makes without it (the commonest error of model
summaries in FRANK, Pagnoni et al. 2021, "Understanding Factuality in
Abstractive Summarization with FRANK", NAACL: entity and out-of-article
errors). Such a name is reported as an ``unsupported_addition`` on the name
itself (medium: the claim is the source's, this detail is not), when:

* the sentence belongs to the derived end of a derivation edge (the origin of
  the others reports first hand) and is aligned to a sentence of another
  version;
* the name is a spaCy PERSON, ORG, GPE, LOC or FAC entity (from `segment`),
  not a capitalised phrase NER did not label (headline words, titles);
* no other version of the story mentions it: a person by surname with
  `same_speaker`'s spelling tolerance ("Zelensky" = "Zelenskyy"), anything
  else by its lowered words, dots and "the" removed ("U.S." = "US"), found
  anywhere in the other version's text;
* the name is not the outlet or channel the claim came through ("told the
  Daily X", `attribution.conduits`): sourcing is ``attribution_changed``;
* the aligned counterpart has no name the derived sentence leaves out (any
  name, `entities.names_in`: NER misses many): a name *put in another's
  place* is `entities`'s ``entity_changed``, or a guess.

Figures likewise: a figure written in digits (not a year: dates are
`dates`'s) in an aligned sentence of a derived version, whose value no other
version gives anywhere (`numbers.same_figure`, so "1.5 million" = "1,500,000"),
is an ``unsupported_addition`` on the figure (medium), unless the aligned
counterpart has a figure this version gives nowhere: a figure in another's
place is `numbers`'s ``number_changed``. A name or figure so left to
`entities` or `numbers` is reported after all when that detector finds no
change in the sentence and the sentence has no other addition (`deferred`,
run by the orchestration last): the counterpart held other details, not
this one's predecessor ("launched in 2012, had made 40 previous calls"
against "the 290-metre ship, carrying about 4,100 containers"). A name is
never so reported when the counterpart has an entity of its own sort it
may stand for (a person for a person, a place or organisation for one:
"Kyiv's allies" for "Ukraine's"). A sentence split in two, one part
keeping the source's figure and the other adding one ("She said 38 nurses
had left since January"), is the case this catches.

Quotes likewise: a direct quote (``MIN_QUOTE_WORDS`` content words or more,
`quotes`) in an aligned sentence of a derived version that no other version
quotes (`quotes.quoted_anywhere`) or carries as reported speech in any sentence
(`quotes.carries`) is an ``unsupported_addition`` on the quote, high: words
put in someone's mouth ("'We will have the North Quay working again,' said
Lydia Marsh" against a sentence about the same ship).

No parameters. Limits: a name in another form than its surname or its
letters ("the Kremlin" for "Moscow", "Beijing" for "China") is reported as
new; a demonym ("Russian") is not an entity here.
"""

from __future__ import annotations

import re

from storytrace.compare.differences.attribution import conduits
from storytrace.compare.differences.change import Change, StoryView, in_sentence
from storytrace.compare.differences.entities import PLACE_ORG, names_in
from storytrace.compare.differences.numbers import Quantity, extract_quantities, same_figure
from storytrace.compare.differences.quotes import MIN_QUOTE_WORDS, carries, quoted_anywhere
from storytrace.compare.quotes import same_speaker
from storytrace.model import COMMON_SOURCE, Document, Entity
from storytrace.text import content_words

NAME_LABELS = frozenset({"PERSON"}) | PLACE_ORG
_WORD = re.compile(r"[a-z0-9]+")


def _key_words(text: str) -> list[str]:
    words = _WORD.findall(re.sub(r"['’]s\b", "", text.lower()).replace(".", ""))
    return [w for w in words if w != "the"]


_NAME_LINKS = frozenset({"of", "for", "and", "on", "de", "la", "el", "the", "du", "von", "van"})


def _name_words(text: str) -> str:
    """The entity's text up to its last capitalised word before the first lowercase word that cannot sit
    inside a name: NER spans overrun ("the Heart Rhythm Patients' Alliance take Oltavine")."""
    kept: list[str] = []
    for k, w in enumerate(text.split()):
        if k and w[:1].islower() and w.lower() not in _NAME_LINKS:
            break
        kept.append(w)
    while len(kept) > 1 and kept[-1].lower() in _NAME_LINKS:
        kept.pop()
    return " ".join(kept)


def _mentioned(e: Entity, other: Document, other_words: set[str], other_text: str) -> bool:
    words = _key_words(e.text if e.label == "PERSON" else _name_words(e.text))
    if not words:
        return True
    if e.label == "PERSON":
        if words[-1] in other_words:
            return True
        return any(x.label == "PERSON" and same_speaker(x.text, e.text) for x in other.entities)
    return " ".join(words) in other_text


def detect(view: StoryView) -> list[Change]:
    """Names and figures in the aligned sentences of derived versions that no other version has."""
    return [ch for ch, deferred_to, _ in _candidates(view) if deferred_to is None]


def deferred(view: StoryView) -> list[tuple[Change, str, tuple[int, int]]]:
    """The names and figures `detect` leaves to another detector, because the counterpart has a name or figure
    the derived sentence lacks: (the change, the kind it was left to, the sentence's span). When that kind is
    not reported in the sentence, the counterpart held other details, not this one's predecessor, and the
    name or figure is new after all (run by the orchestration, after every other detector). A name is left for
    good when the counterpart has one of the same sort (a person for a person, a place or organisation for
    one) that it may stand for ("Kyiv" for "Ukraine")."""
    return [(ch, to, span) for ch, to, span in _candidates(view) if to is not None]


def _candidates(view: StoryView) -> list[tuple[Change, str | None, tuple[int, int]]]:
    if view.pair is not None:
        return []
    docs, links = view.docs, view.links
    derived = {e.derived for e in view.derivation if e.source != COMMON_SOURCE}
    others_text = {d.id: " ".join(_key_words(d.article.text)) for d in docs.values()}
    others_words = {k: set(v.split()) for k, v in others_text.items()}
    # every figure, in words too: "about 2km" is the other version's "about two kilometres"
    figures = {k: [q for x in doc.sentences for q in extract_quantities(x.text)] for k, doc in docs.items()}
    out: list[tuple[Change, str | None, tuple[int, int]]] = []
    for did in sorted(derived):
        d = docs[did]
        aligned: dict[int, list[tuple[str, int]]] = {}
        for (a, b), ls in links.items():
            if a == did:
                for l in ls:
                    aligned.setdefault(l.a_index, []).append((b, l.b_index))
        for s in d.sentences:
            if s.is_heading or s.index not in aligned:
                continue
            frames = [(s.start + c.span[0], s.start + c.span[1]) for c in conduits(s.text) if c.kind != "distancing"]
            for e in d.entities_in(s.start, s.end):
                if e.label not in NAME_LABELS or any(a <= e.start and e.end <= b for a, b in frames):
                    continue  # (an outlet the claim came through is attribution's)
                if any(_mentioned(e, docs[k], others_words[k], others_text[k]) for k in docs if k != did):
                    continue
                # a name in another's place: entity_changed; left for good when a name of its own sort (a person
                # for a person, a place or organisation for one) is the one it may replace
                theirs = [x for k, j in aligned[s.index] for x in _other_names(docs[k], j, s.text)]
                to = "entity_changed" if theirs else None
                if any(x.label in NAME_LABELS and (x.label == "PERSON") == (e.label == "PERSON") for x in theirs):
                    continue
                kind_of = "whom" if e.label == "PERSON" else "which"
                other, j = aligned[s.index][0]
                out.append((Change(
                    "unsupported_addition", "medium", did, (e.start, e.end),
                    f"This version names {e.text} in a claim the other versions make, {kind_of} none of them "
                    f"mentions.",
                    other, in_sentence(docs[other].sentences[j], None),
                ), to, (s.start, s.end)))
            for q in d.quotes_in(s.index):
                if q.broken or len(content_words(q.text)) < MIN_QUOTE_WORDS:
                    continue
                if any(quoted_anywhere(docs[k], q.text) or any(carries(x.text, q.text) for x in docs[k].sentences)
                       for k in docs if k != did):
                    continue
                other, j = aligned[s.index][0]
                out.append((Change(
                    "unsupported_addition", "high", did, (q.start, q.end),
                    "This version quotes words that no other version has, quoted or reported, in a claim "
                    "aligned with theirs.",
                    other, in_sentence(docs[other].sentences[j], None),
                ), None, (s.start, s.end)))
            for q in _digit_figures(s.text):
                if any(same_figure(q, x) for k in docs if k != did for x in figures[k]):
                    continue
                # a figure in another's place: number_changed
                to = "number_changed" if any(
                    not any(same_figure(x, y) for y in figures[did])
                    for k, j in aligned[s.index] for x in extract_quantities(docs[k].sentences[j].text)) else None
                other, j = aligned[s.index][0]
                out.append((Change(
                    "unsupported_addition", "medium", did, (s.start + q.start, s.start + q.end),
                    f"This version gives {q.text} in a claim the other versions make, a figure none of them has.",
                    other, in_sentence(docs[other].sentences[j], None),
                ), to, (s.start, s.end)))
    return out


_DIGIT = re.compile(r"\d")


def _digit_figures(text: str) -> list[Quantity]:
    """Figures written with digits, years left out (a date is `dates`'s)."""
    return [q for q in extract_quantities(text) if _DIGIT.search(q.text)
            and not (q.unit is None and q.value == int(q.value) and 1900 <= q.value <= 2100)]


def _other_names(other: Document, j: int, mine: str) -> list[Entity]:
    """The names of the counterpart sentence (any kind, `entities.names_in`) that ``mine``, the derived
    sentence, does not mention: the new name may stand in the place of one of them."""
    here = " ".join(_key_words(mine))
    return [x for x in names_in(other, other.sentences[j]) if " ".join(_key_words(x.text)) not in here]


__all__ = ["NAME_LABELS", "deferred", "detect"]
