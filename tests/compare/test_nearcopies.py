"""Near-copies (compare/nearcopies.py), candidate pairs (compare/candidates.py) and a compare of many versions."""

from __future__ import annotations

import numpy as np
import pytest

from storytrace.compare.candidates import ALL_PAIRS_UP_TO, NEIGHBOURS, candidate_pairs
from storytrace.compare.grouping import group_stories
from storytrace.compare.nearcopies import align_near_copy, near_copies, signatures
from storytrace.compare.segment import segment
from storytrace.model import Article

WIRE = [
    "Harbour Authority Closes Northern Quay",
    "The Kelby harbour authority closed its northern quay on Tuesday after inspectors found cracks in 14 of its pillars.",
    "About 230 dock workers were sent home, and ferries to the islands were moved to the southern basin.",
    '"We will not reopen the quay until every pillar has been tested," said harbour master Ilse Vandenberg.',
    "The quay was built in 1968 and was last repaired nine years ago at a cost of 3.2 million euros.",
    "Shipping companies said the closure would delay about 40 cargo calls over the next month.",
    "The city council will discuss an emergency budget for the repairs on Friday.",
    "Engineers from the technical university will take core samples from the pillars this week.",
    "Fishing boats may still use the small pontoon at the end of the quay, the authority said.",
    "A report on the state of the southern basin, which is older, is expected in the spring.",
]
OTHER = [
    "A Choir From Lisdorf Wins The National Contest",
    "The children's choir of Lisdorf won the national singing contest in the capital on Saturday evening.",
    "The jury praised its programme of folk songs, which the conductor arranged for three voices.",
    "It is the first time in 22 years that a choir from the region has taken the prize.",
]


def _article(idx: str, paragraphs: list[str], minute: int) -> Article:
    return Article(id=idx, text="\n\n".join(paragraphs), published_at=f"2026-03-10T09:{minute:02d}:00Z")


def _light_edit(k: int) -> list[str]:
    body = [p for j, p in enumerate(WIRE) if j != 2 + k % 7]  # one paragraph dropped
    body[1] = body[1].replace("closed", "shut") if k % 2 else body[1]
    return body


def test_light_edits_are_near_copies_and_a_rewrite_is_not() -> None:
    rewrite = [WIRE[0], "Inspectors who found cracked pillars have made the Kelby harbour authority shut the "
               "northern quay, it said on Tuesday; dock workers, about 230 of them, went home."]
    docs = {a.id: segment(a) for a in [_article("wire", WIRE, 0), _article("copy", _light_edit(1), 1),
                                        _article("rewrite", rewrite, 2), _article("other", OTHER, 3)]}
    copies = near_copies(docs, signatures(docs))
    assert [(c.copy, c.source, c.representative) for c in copies] == [("copy", "wire", "wire")]
    assert 0.6 <= copies[0].resemblance <= 1.0


def test_a_copy_of_a_copy_keeps_the_chain_and_its_root() -> None:
    second = _light_edit(1)
    third = [p for p in second if "pontoon" not in p]
    docs = {a.id: segment(a) for a in [_article("wire", WIRE, 0), _article("b", second, 1), _article("c", third, 2)]}
    by_copy = {c.copy: c for c in near_copies(docs, signatures(docs))}
    assert by_copy["c"].source == "b" and by_copy["c"].representative == "wire"


def test_near_copy_alignment_pairs_sentences_by_text_and_finds_the_changed_words() -> None:
    changed = list(WIRE)
    changed[2] = changed[2].replace("230", "320")
    del changed[5]
    a, b = segment(_article("a", WIRE, 0)), segment(_article("b", changed, 1))
    links = align_near_copy(a, b)
    assert len(links) == len(b.sentences)  # every sentence of the copy placed, one to one
    assert len({l.a_index for l in links}) == len(links) == len({l.b_index for l in links})
    edited = [l for l in links if l.kind == "edited"]
    assert len(edited) == 1 and "230" in a.sentences[edited[0].a_index].text
    (change,) = edited[0].word_changes
    assert b.article.text[change.b_span[0]:change.b_span[1]] == "320"
    assert all(l.kind == "verbatim" for l in links if l is not edited[0])


def test_all_pairs_for_a_few_versions_and_a_bounded_number_for_many() -> None:
    rng = np.random.default_rng(0)
    few = {f"d{k}": segment(Article(id=f"d{k}", text=f"Text number {k}.")) for k in range(ALL_PAIRS_UP_TO)}
    assert len(candidate_pairs(few, rng.normal(size=(len(few), 8)))) == len(few) * (len(few) - 1) // 2
    n = 40
    many = {f"d{k}": segment(Article(id=f"d{k}", text=f"Text number {k}.")) for k in range(n)}
    vectors = rng.normal(size=(n, 8))
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    pairs = candidate_pairs(many, vectors)
    assert len(pairs) <= n * NEIGHBOURS and len(set(pairs)) == len(pairs)
    ids = list(many)
    nearest = int(np.argsort(-(vectors @ vectors[0]))[1])
    assert ("d0", ids[nearest]) in pairs  # each version's nearest is among its candidates


def test_a_member_never_compared_does_not_keep_a_version_out_of_its_story() -> None:
    # "e" was compared with "a" only; b, c, d never with "e": their missing pairs are no evidence against
    ids = ["a", "b", "c", "d", "e"]
    prob = {(x, y): 0.95 for x in "abcd" for y in "abcd" if x < y}
    assert [s.article_ids for s in group_stories(ids, {**prob, ("a", "e"): 0.9})] == [tuple(ids)]
    assert [s.article_ids for s in group_stories(ids, {**prob, ("a", "e"): 0.05})] == [tuple("abcd"), ("e",)]


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_many_light_edits_form_one_story_and_the_planted_figure_is_found() -> None:
    from storytrace.compare import compare_articles

    n = ALL_PAIRS_UP_TO + 6
    articles = [_article("wire", WIRE, 0)]
    articles += [_article(f"v{k:02d}", _light_edit(k), k) for k in range(1, n - 1)]
    planted = _light_edit(n - 1)
    planted = [p.replace("14 of its pillars", "41 of its pillars") for p in planted]
    articles.append(_article("planted", planted, n - 1))
    articles += [_article("other", OTHER, 59)]
    comparison = compare_articles(articles)
    stories = sorted(s.article_ids for s in comparison.stories)
    assert len(stories) == 2 and ("other",) in stories
    main = next(a for a in comparison.analyses if len(a.story.article_ids) == n)
    # far fewer pairs computed than every pair, and each copy derives from a version of the story
    assert len(main.reuse) < n * (n - 1)
    assert {e.derived for e in main.derivation} == set(main.story.article_ids) - {"wire"}
    at = articles[-2].text.index("41 of")
    hits = [f for f in main.findings if f.article == "planted" and f.kind == "number_changed"]
    assert any(f.span[0] <= at < f.span[1] for f in hits)
    assert not [f for f in main.findings if f.kind == "number_changed" and f.article != "planted"]
    # the JSON lists the computed pairs and, per version, what it was compared with and copies
    from storytrace.report.contract import comparison_to_dict

    doc = comparison_to_dict(comparison, include_text=False)
    assert len(doc["pairs"]) == len(main.reuse)
    summary = {a["id"]: a["reuse_summary"] for a in doc["articles"]}
    assert summary["v01"]["near_copy_of"] == "wire" and summary["wire"]["near_copy_of"] is None
    assert summary["v01"]["most_found_in"]["total"] == 1.0 and summary["other"]["compared_with"] == 0


def test_the_pruned_analysis_agrees_with_the_full_one(monkeypatch) -> None:
    """Consistency: near-copies and candidate pairs find what aligning every pair finds."""
    from storytrace.compare import compare_articles, pipeline
    from storytrace.compare import candidates as candidates_module

    articles = [_article("wire", WIRE, 0)] + [_article(f"v{k:02d}", _light_edit(k), k) for k in range(1, 6)]
    planted = [p.replace("230 dock workers", "320 dock workers") for p in _light_edit(6)]
    articles += [_article("planted", planted, 6), _article("other", OTHER, 7)]
    full = compare_articles(articles)
    for module in (pipeline, candidates_module):
        monkeypatch.setattr(module, "ALL_PAIRS_UP_TO", 3)
    pruned = compare_articles(articles)
    assert sorted(s.article_ids for s in pruned.stories) == sorted(s.article_ids for s in full.stories)
    assert pruned.near_copies and not full.near_copies

    def figures(c) -> set:
        return {(f.article, f.kind, f.span) for a in c.analyses for f in a.findings
                if f.kind in ("number_changed", "date_changed", "quote_altered", "speaker_changed")}

    def derived(c) -> set:
        return {e.derived for a in c.analyses for e in a.derivation}

    assert figures(pruned) == figures(full) and ("planted", "number_changed") in {f[:2] for f in figures(full)}
    assert derived(pruned) == derived(full)
    full_pairs = sum(len(a.reuse) for a in full.analyses)
    assert sum(len(a.reuse) for a in pruned.analyses) < full_pairs
