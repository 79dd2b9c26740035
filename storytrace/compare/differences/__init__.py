"""Differences between versions of one story: the findings.

Method: every aligned sentence pair of two versions is passed through the
detectors (figures: `quantities`; dates: `dates`; polarity and strength:
`polarity`; quotes and speakers: `quotes`; named entities: spaCy's NER from
`segment`). Sentences aligned to nothing in any other version are
unsupported additions; sentences a derived version drops although its
source and another version carry them are omissions (only along a derivation
edge). Each finding is reported on the version that departs, chosen in this
order: the derived end of a derivation edge; the side a third version
disagrees with (a majority reading, as in collation of manuscripts); the
later-published one; the one more condensed into the other. Two versions
derived from the same source are each compared with that source, not with
each other, so one change is reported once, where it was made.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import combinations

from storytrace.compare.differences import dates
from storytrace.compare.differences import polarity
from storytrace.compare.differences import numbers
from storytrace.compare.derivation import COMMON_SOURCE
from storytrace.text import content_words
from storytrace.model import (
    SEVERITY_RANK,
    Alignment,
    Counterpart,
    DerivationEdge,
    Document,
    Entity,
    Finding,
    Sentence,
)
from storytrace.fitted import threshold
from storytrace.compare.quotes import find_attributions, quote_similarity, same_speaker, word_diff

PLACE_ORG = frozenset({"ORG", "GPE", "LOC", "FAC"})
_CAPITALISED = re.compile(r"\b[A-Z][a-z]+(?:[ -](?:of |de |the )?[A-Z][a-z]+)+\b")


@dataclass(frozen=True)
class _Change:
    """A detector's verdict on one aligned pair, spans relative to the article texts."""

    kind: str
    severity: str
    span: tuple[int, int]  # in the reported (departing) version
    counter_span: tuple[int, int]  # in the counterpart version
    explanation: str


def _abs(s: Sentence, span: tuple[int, int] | None) -> tuple[int, int]:
    return (s.start + span[0], s.start + span[1]) if span else (s.start, s.end)


def _sentence_changes(
    src: Document, si: int, dst: Document, di: int, close_wording: bool = True
) -> list[_Change]:
    """What changed from sentence ``si`` of ``src`` to sentence ``di`` of ``dst``.

    ``close_wording`` says the pair was aligned as a copy (verbatim or edited, by
    the pair scorer's copy score fitted on Clough-Stevenson); between looser
    paraphrases, hedges and boosters differ all the time, so only a changed
    modal (may -> will) or a contradiction is reported there.
    """
    a, b = src.sentences[si], dst.sentences[di]
    out: list[_Change] = []
    for qc in numbers.compare_quantities(a.text, b.text):
        out.append(
            _Change(
                "number_changed",
                qc.severity,
                _abs(b, (qc.b.start, qc.b.end) if qc.b else None),
                _abs(a, (qc.a.start, qc.a.end) if qc.a else None),
                qc.explanation,
            )
        )
    for dc in dates.compare_dates(a.text, b.text):
        out.append(
            _Change(
                "date_changed",
                dc.severity,
                _abs(b, (dc.b.start, dc.b.end)),
                _abs(a, (dc.a.start, dc.a.end)),
                dc.explanation,
            )
        )
    pc = polarity.compare_polarity(a.text, b.text)
    if pc is not None and pc.kind != "contradiction" and pc.severity == "low" and not close_wording:
        pc = None
    if pc is not None:
        out.append(_Change(pc.kind, pc.severity, _abs(b, pc.b_span), _abs(a, pc.a_span), pc.explanation))
    out.extend(_quote_changes(src, si, dst, di))
    out.extend(_entity_changes(src, a, dst, b))
    return out


def _broken_quotes(docs: dict[str, Document], links: dict[tuple[str, str], list[Alignment]]) -> list[Finding]:
    """Quotation marks that do not pair up, in a sentence another version also tells."""
    out = []
    for d in docs.values():
        for q in d.quotes:
            if not q.broken:
                continue
            counter = [l for (x, _), ls in links.items() if x == d.id for l in ls if l.a_index == q.sentence_index]
            cp = None
            explanation = ("The quotation marks are broken: a closing mark has no opening one, "
                           "so the reader cannot tell which words were said.")
            if counter:
                best = max(counter, key=lambda l: l.score)
                other = docs[best.b]
                quotes = other.quotes_in(best.b_index)
                if quotes:
                    oq = max(quotes, key=lambda x: quote_similarity(x.text, q.text))
                    cp = Counterpart(other.id, oq.text, (oq.start, oq.end))
                    only_a, only_b = word_diff(oq.text, q.text)
                    if only_a or only_b:
                        explanation += (f" The words also differ from {other.id}'s quote: "
                                        f"\"{' '.join(only_a) or 'nothing'}\" became \"{' '.join(only_b) or 'nothing'}\".")
                else:
                    s = other.sentences[best.b_index]
                    cp = Counterpart(other.id, s.text, (s.start, s.end))
            out.append(Finding(d.id, "quote_altered", "medium", q.text, (q.start, q.end), explanation, cp))
    return out


def _quote_changes(src: Document, si: int, dst: Document, di: int) -> list[_Change]:
    out: list[_Change] = []
    a = src.sentences[si]
    a_quotes = [q for q in src.quotes_in(si) if not q.broken]
    b_quotes = dst.quotes_in(di)
    for qb in b_quotes:
        if qb.broken:
            continue  # reported once per article by _broken_quotes
        if not a_quotes:
            if any(q.broken for q in src.quotes_in(si)):
                continue
            if quote_similarity(qb.text, a.text) >= 0.5:
                out.append(
                    _Change(
                        "quote_altered",
                        "medium",
                        (qb.start, qb.end),
                        (a.start, a.end),
                        "Words given here as a direct quote appear in the other version only as reported speech.",
                    )
                )
            continue
        qa = max(a_quotes, key=lambda q: quote_similarity(q.text, qb.text))
        sim = quote_similarity(qa.text, qb.text)
        if sim < 0.5:
            continue
        only_a, only_b = word_diff(qa.text, qb.text)
        if only_a or only_b:
            removed = " ".join(only_a) or "nothing"
            added = " ".join(only_b) or "nothing"
            out.append(
                _Change(
                    "quote_altered",
                    "high",
                    (qb.start, qb.end),
                    (qa.start, qa.end),
                    f"The quote's words differ: \"{removed}\" became \"{added}\".",
                )
            )
        if qa.speaker and qb.speaker and not same_speaker(qa.speaker, qb.speaker):
            out.append(
                _Change(
                    "speaker_changed",
                    "high",
                    qb.speaker_span or (qb.start, qb.end),
                    qa.speaker_span or (qa.start, qa.end),
                    f"The same quote is attributed to {qb.speaker} here but to {qa.speaker} in the other version.",
                )
            )
    return out


def _named(doc: Document, s: Sentence) -> list[Entity]:
    ents = [e for e in doc.entities_in(s.start, s.end) if e.label == "PERSON" or e.label in PLACE_ORG]
    covered = [(e.start, e.end) for e in doc.entities_in(s.start, s.end)]
    for m in _CAPITALISED.finditer(s.text):
        start, end = s.start + m.start(), s.start + m.end()
        if any(cs < end and start < ce for cs, ce in covered):
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


def _entity_changes(src: Document, a: Sentence, dst: Document, b: Sentence) -> list[_Change]:
    """One name swapped for another of the same kind, the rest of the sentence kept.

    Only a clean substitution counts: in two sentences aligned as telling the
    same thing, exactly one name of a kind in each that the other does not
    mention, standing between the same words. Sentences that mention several different people (a loose
    paraphrase, a merged sentence) are not entity changes. Names are spaCy's
    entities plus capitalised phrases it missed (small-model NER misses rare
    place names), which match a name of any kind.
    """
    out: list[_Change] = []
    if a.is_heading or b.is_heading:
        return out
    a_names = [e for e in _named(src, a) if not _mentions(e.text, b.text, e.label)]
    b_names = [e for e in _named(dst, b) if not _mentions(e.text, a.text, e.label)]
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
        out.append(
            _Change(
                "entity_changed",
                "high" if group == "PERSON" else "medium",
                (eb.start, eb.end),
                (ea.start, ea.end),
                f"Where the other version names \"{ea.text}\", this one names \"{eb.text}\".",
            )
        )
    return out


def _exchange_reversals(src: Document, dst: Document, links: list[Alignment]) -> list[_Change]:
    """Who replied to whom is reversed between two aligned passages."""
    near: dict[int, set[int]] = {}
    for l in links:  # l.a in src, l.b in dst
        near.setdefault(l.b_index, set()).update(range(l.a_index - 2, l.a_index + 3))
    src_resp = [x for x in find_attributions(src) if x.is_response and x.responds_to]
    out = []
    for y in find_attributions(dst):
        if not (y.is_response and y.responds_to):
            continue
        for x in src_resp:
            if x.sentence_index not in near.get(y.sentence_index, set()):
                continue
            if same_speaker(x.speaker, y.responds_to) and same_speaker(x.responds_to, y.speaker):
                out.append(
                    _Change(
                        "speaker_changed",
                        "high",
                        y.speaker_span,
                        x.speaker_span,
                        f"Here {y.speaker} replies to {y.responds_to}; in the other version "
                        f"{x.speaker} replies to {x.responds_to}: who said what first is reversed.",
                    )
                )
    return out


def _edge_between(x: Document, y: Document, edges: list[DerivationEdge]) -> tuple[Document, Document] | None:
    """(source, derived) when a derivation edge links the two."""
    for e in edges:
        if e.source == x.id and e.derived == y.id:
            return x, y
        if e.source == y.id and e.derived == x.id:
            return y, x
    return None


def _default_orientation(
    x: Document, y: Document, coverage: dict[tuple[str, str], float]
) -> tuple[Document, Document]:
    """Without an edge or a majority: the later one departs, else the more condensed one."""
    tx, ty = x.article.published_at, y.article.published_at
    if tx and ty and tx != ty:
        return (x, y) if tx < ty else (y, x)
    return (x, y) if coverage[(y.id, x.id)] >= coverage[(x.id, y.id)] else (y, x)


def _best_links(links: list[Alignment]) -> list[Alignment]:
    """Each sentence of the reported side compared with its best counterpart only."""
    best: dict[int, Alignment] = {}
    for l in links:
        if l.b_index not in best or l.score > best[l.b_index].score:
            best[l.b_index] = l
    return sorted(best.values(), key=lambda l: l.b_index)


def _third_party_says_deviant(
    change: _Change, src: Document, si: int, dst: Document, di: int,
    others: list[Document], links: dict[tuple[str, str], list[Alignment]],
) -> bool | None:
    """Does a third version side with src (True), with dst (False), or neither (None)?"""
    votes = 0
    for z in others:
        for l in links[(z.id, src.id)]:
            if l.b_index != si:
                continue
            zi = l.a_index
            src_differs = any(c.kind == change.kind for c in _sentence_changes(z, zi, src, si))
            dst_differs = any(c.kind == change.kind for c in _sentence_changes(z, zi, dst, di))
            if dst_differs and not src_differs:
                votes += 1
            elif src_differs and not dst_differs:
                votes -= 1
    return None if votes == 0 else votes > 0


def find_differences(
    docs: dict[str, Document],
    links: dict[tuple[str, str], list[Alignment]],
    derivation: list[DerivationEdge],
) -> list[Finding]:
    coverage = {}
    for (a, b), ls in links.items():
        coverage[(a, b)] = len({l.a_index for l in ls}) / max(1, len(docs[a].sentences))
    findings: dict[tuple, Finding] = {}

    def add(f: Finding) -> None:
        key = (f.article, f.kind, f.span)
        if key not in findings or SEVERITY_RANK[f.severity] < SEVERITY_RANK[findings[key].severity]:
            findings[key] = f

    sources_of: dict[str, set[str]] = {}
    for e in derivation:
        if e.source != COMMON_SOURCE:
            sources_of.setdefault(e.derived, set()).add(e.source)
    for xid, yid in combinations(docs, 2):
        x, y = docs[xid], docs[yid]
        oriented = _edge_between(x, y, derivation)
        if oriented is None and sources_of.get(xid, set()) & sources_of.get(yid, set()):
            continue  # siblings: each is compared with the source they share
        src, dst = oriented or _default_orientation(x, y, coverage)
        others = [d for d in docs.values() if d.id not in (xid, yid)]
        for l in _best_links(links[(src.id, dst.id)]):
            si, di = l.a_index, l.b_index
            for ch in _sentence_changes(src, si, dst, di, close_wording=l.kind != "paraphrase"):
                s, d = src, dst
                if oriented is None and others:
                    verdict = _third_party_says_deviant(ch, src, si, dst, di, others, links)
                    if verdict is False:
                        flipped = [
                            c for c in _sentence_changes(dst, di, src, si) if c.kind == ch.kind
                        ]
                        if not flipped:
                            continue
                        ch, s, d = flipped[0], dst, src
                add(_finding(d, s, ch))
        for ch in _exchange_reversals(src, dst, links[(src.id, dst.id)]):
            add(_finding(dst, src, ch))

    for f in _broken_quotes(docs, links):
        add(f)
    for f in _unsupported_additions(docs, links, derivation):
        add(f)
    for f in _omissions(docs, links, derivation):
        add(f)
    return sorted(
        findings.values(), key=lambda f: (SEVERITY_RANK[f.severity], f.article, f.span[0], f.kind)
    )


def _finding(reported: Document, counterpart: Document, ch: _Change) -> Finding:
    t, c = reported.article.text, counterpart.article.text
    return Finding(
        article=reported.id,
        kind=ch.kind,
        severity=ch.severity,  # type: ignore[arg-type]
        text=t[ch.span[0] : ch.span[1]],
        span=ch.span,
        explanation=ch.explanation,
        counterpart=Counterpart(counterpart.id, c[ch.counter_span[0] : ch.counter_span[1]], ch.counter_span),
    )


def _has_specifics(doc: Document, s: Sentence) -> bool:
    return bool(
        numbers.extract_quantities(s.text)
        or doc.quotes_in(s.index)
        or _named(doc, s)
    )


def _unsupported_additions(
    docs: dict[str, Document],
    links: dict[tuple[str, str], list[Alignment]],
    derivation: list[DerivationEdge],
) -> list[Finding]:
    if len(docs) < 2:
        return []
    # The origin of the others (a source, derived from none of them) reports
    # first-hand: what only it says was dropped downstream, not added by it.
    derived = {e.derived for e in derivation}
    origins = {e.source for e in derivation if e.source != COMMON_SOURCE} - derived
    out = []
    story_words: dict[str, set[str]] = {
        d.id: set().union(*(content_words(s.text) for s in d.sentences)) if d.sentences else set()
        for d in docs.values()
    }
    for d in docs.values():
        linked = {l.a_index for (a, _), ls in links.items() if a == d.id for l in ls}
        elsewhere = set().union(*(w for k, w in story_words.items() if k != d.id))
        for s in d.sentences:
            if s.is_heading or s.index in linked:
                continue
            new_words = content_words(s.text) - elsewhere
            specific = _has_specifics(d, s)
            if d.id in origins:
                severity = "low"
                why = ("Only this version, the source of the others, carries this claim; "
                       "the versions derived from it left it out.")
            else:
                severity = "medium" if specific and new_words else "low"
                why = "No other version of the story carries this claim" + (
                    f"; it introduces {', '.join(sorted(new_words)[:4])}." if new_words else ".")
            out.append(
                Finding(d.id, "unsupported_addition", severity, s.text, (s.start, s.end), why)  # type: ignore[arg-type]
            )
    return out


def _merged_into_neighbour(src: Document, s: Sentence, dst: Document, kept: dict[int, int]) -> bool:
    """The derived version folded ``s`` into the sentence it kept from a neighbour of ``s``.

    A condensed copy often merges two adjacent sentences; the merge is missed by
    alignment when the short one scores low against the long one. Its content
    words being contained in that neighbour (at the MRPC-fitted merge cut-off)
    means nothing was left out.
    """
    words = content_words(s.text)
    if not words:
        return False
    for i in (s.index - 1, s.index + 1):
        if i in kept:
            there = content_words(dst.sentences[kept[i]].text)
            if len(words & there) / len(words) >= threshold("merge_containment"):
                return True
    return False


def _omissions(
    docs: dict[str, Document],
    links: dict[tuple[str, str], list[Alignment]],
    derivation: list[DerivationEdge],
) -> list[Finding]:
    out = []
    for e in derivation:
        if e.source == COMMON_SOURCE or e.level == "shared_source":
            continue
        src, dst = docs[e.source], docs[e.derived]
        kept = {l.a_index: l.b_index for l in links[(src.id, dst.id)]}
        for s in src.sentences:
            if s.is_heading or s.index in kept:
                continue
            repeated_by = [
                z for z in docs
                if z not in (src.id, dst.id) and any(l.a_index == s.index for l in links[(src.id, z)])
            ]
            if not repeated_by or _merged_into_neighbour(src, s, dst, kept):
                continue
            before = [kept[i] for i in kept if i < s.index]
            anchor = dst.sentences[max(before)].end if before else 0
            out.append(
                Finding(
                    dst.id,
                    "omission",
                    "medium" if _has_specifics(src, s) else "low",
                    s.text,
                    (anchor, anchor),
                    f"{dst.id} derives from {src.id} but leaves out this sentence, "
                    f"which {', '.join(repeated_by)} also carries.",
                    Counterpart(src.id, s.text, (s.start, s.end)),
                )
            )
    return out
