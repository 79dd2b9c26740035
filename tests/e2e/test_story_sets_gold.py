"""Checks that bench/stories/{dev,dev2,dev3,dev4,sealed}/gold.json agree with the story files they describe.

Nothing here runs storytrace: the files are read directly and the front matter is split off
by hand, so the check does not depend on storytrace's readers.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from tests.helpers import gold_article_ids, split_front_matter

STORIES = Path(__file__).resolve().parents[2] / "bench" / "stories"
SETS = ("dev", "dev2", "dev3", "dev4", "sealed")

KINDS = {
    "number_changed",
    "date_changed",
    "quote_altered",
    "speaker_changed",
    "entity_changed",
    "contradiction",
    "predicate_changed",
    "intensified",
    "softened",
    "attribution_changed",
    "quotation_changed",
    "detail_dropped",
    "figure_vaguer",
    "omission",
    "unsupported_addition",
}
SHAPES = {str(n) for n in range(1, 22)}  # the 21 shapes listed in bench/stories/README.md
NOT_PLANTED_SHAPES = {"13"}  # merged sentences: only ever a not-finding
FRONT_MATTER_KEYS = {"title", "source", "published_at"}

# set -> (number of stories, minimum distractors)
EXPECTED = {"dev": (3, 1), "dev2": (3, 1), "dev3": (3, 1), "dev4": (3, 1), "sealed": (2, 1)}


def _gold(name: str) -> dict:
    return json.loads((STORIES / name / "gold.json").read_text(encoding="utf-8"))


def _files(name: str) -> dict[str, Path]:
    return {p.stem: p for p in (STORIES / name).iterdir() if p.suffix == ".txt"}


def _body(name: str, article: str) -> str:
    return split_front_matter(_files(name)[article])[1]


@pytest.mark.parametrize("name", SETS)
def test_every_id_is_a_file(name):
    files = _files(name)
    missing = sorted({i for i in gold_article_ids(_gold(name)) if i not in files})
    assert not missing, f"ids without a .txt file in bench/stories/{name}/: {missing}"


@pytest.mark.parametrize("name", SETS)
def test_every_file_is_in_gold(name):
    gold = _gold(name)
    listed = [a for s in gold["stories"] for a in s["articles"]] + list(gold["distractors"])
    assert len(listed) == len(set(listed)), "an article is listed twice (or is both in a story and a distractor)"
    assert set(_files(name)) == set(listed)


@pytest.mark.parametrize("name", SETS)
def test_stems_are_unique_across_sets(name):
    others = set().union(*(_files(o) for o in SETS if o != name))
    assert not set(_files(name)) & others


@pytest.mark.parametrize("name", SETS)
def test_front_matter(name):
    for stem, path in _files(name).items():
        meta, body = split_front_matter(path)
        assert set(meta) <= FRONT_MATTER_KEYS, f"{stem}: unknown keys {set(meta) - FRONT_MATTER_KEYS}"
        if "published_at" in meta:
            datetime.fromisoformat(meta["published_at"].replace("Z", "+00:00"))
        assert body.strip(), f"{stem}: empty body"


@pytest.mark.parametrize("name", SETS)
def test_set_shape(name):
    gold = _gold(name)
    n_stories, min_distractors = EXPECTED[name]
    assert len(gold["stories"]) == n_stories
    assert len(gold["distractors"]) >= min_distractors
    assert len(gold["faithful"]) >= 1
    derived_of = {}
    for e in gold["derivation"]:
        assert e["level"] in {"wholly", "partially"}
        derived_of.setdefault(e["source"], []).append(e["derived"])
    for story in gold["stories"]:
        arts = story["articles"]
        sources = [a for a in arts if a in derived_of]
        assert len(sources) == 1, f"{story['name']}: expected one source, got {sources}"
        derived = derived_of[sources[0]]
        assert sorted(derived) == sorted(a for a in arts if a != sources[0]), story["name"]
        assert 2 <= len(derived) <= 3, f"{story['name']}: {len(derived)} derived versions"
    for d in gold["distractors"]:
        assert d not in {e["source"] for e in gold["derivation"]} | {e["derived"] for e in gold["derivation"]}


@pytest.mark.parametrize("name", SETS)
def test_faithful_rewrites_have_nothing_planted(name):
    gold = _gold(name)
    derived = {e["derived"] for e in gold["derivation"]}
    for f in gold["faithful"]:
        assert f in derived, f"{f}: a faithful rewrite must be a derived version"
        assert not [p for p in gold["planted"] if p["article"] == f], f"{f} is faithful but has planted changes"
        assert not [p for p in gold["not_findings"] if p["article"] == f]


def _texts():
    for name in SETS:
        gold = _gold(name)
        for n, p in enumerate(gold["planted"] + gold["not_findings"]):
            if p.get("text") is not None:
                yield pytest.param(name, p["article"], p["text"], id=f"{name}-{n}-{p['article']}-text")
            if p.get("counterpart_text") is not None:
                yield pytest.param(
                    name, p["counterpart_article"], p["counterpart_text"], id=f"{name}-{n}-{p['counterpart_article']}-counterpart"
                )


@pytest.mark.parametrize("name, article, text", list(_texts()))
def test_text_occurs_exactly_once(name, article, text):
    count = _body(name, article).count(text)
    assert count == 1, f"{text!r} occurs {count} times in the body of {name}/{article}"


@pytest.mark.parametrize("name", SETS)
def test_kinds(name):
    gold = _gold(name)
    for p in gold["planted"] + gold["not_findings"]:
        assert p["kind"] in KINDS, p
        assert set(p.get("also", [])) <= KINDS, p


@pytest.mark.parametrize("name", SETS)
def test_planted_fields(name):
    gold = _gold(name)
    derived = {e["derived"] for e in gold["derivation"]}
    source_of = {e["derived"]: e["source"] for e in gold["derivation"]}
    for p in gold["planted"]:
        assert p["article"] in derived, f"planted in {p['article']}, which is not a derived version"
        assert p["shape"] in SHAPES - NOT_PLANTED_SHAPES, p
        if p["kind"] == "unsupported_addition":
            assert p["text"] and p["counterpart_article"] is None and p["counterpart_text"] is None, p
        elif p["kind"] == "omission":
            assert p["text"] is None and p["counterpart_article"] and p["counterpart_text"], p
        else:
            assert p["text"] and p["counterpart_article"] and p["counterpart_text"], p
        if p["counterpart_article"]:
            assert p["counterpart_article"] == source_of[p["article"]], p
    for p in gold["not_findings"]:
        assert p["text"], p
        if "shape" in p:
            assert p["shape"] in SHAPES, p


def test_totals_and_shapes():
    planted = [p for name in SETS for p in _gold(name)["planted"]]
    assert len(planted) >= 45
    assert sum(len(_gold(name)["stories"]) for name in SETS) >= 5
    assert sum(len(_gold(name)["faithful"]) for name in SETS) >= 2
    shapes = {p["shape"] for p in planted}
    assert len(shapes) >= 14, sorted(shapes, key=int)
    # every shape is used at least once: shape 13 (merged sentences) as a not-finding
    not_finding_shapes = {p["shape"] for name in SETS for p in _gold(name)["not_findings"] if "shape" in p}
    assert shapes | not_finding_shapes == SHAPES, sorted(SHAPES - shapes - not_finding_shapes, key=int)


@pytest.mark.parametrize("name", SETS)
def test_each_set_covers_most_shapes(name):
    shapes = {p["shape"] for p in _gold(name)["planted"]}
    assert len(shapes) >= 14, sorted(shapes, key=int)
