"""Checks that examples/gold.json agrees with the example articles it describes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from storytrace.model import FINDING_KINDS
from tests.helpers import EXAMPLES, REPO, gold_article_ids, split_front_matter

GOLD = json.loads((EXAMPLES / "gold.json").read_text(encoding="utf-8"))

KINDS = set(FINDING_KINDS) - {"reworded"}  # the kinds a planted difference can have


def _files() -> dict[str, Path]:
    return {p.stem: p for p in EXAMPLES.iterdir() if p.suffix in {".txt", ".html"}}


def _body(article_id: str) -> str:
    """The article text to search: .txt without its front matter, .html as raw markup."""
    path = _files()[article_id]
    return split_front_matter(path)[1] if path.suffix == ".txt" else path.read_text(encoding="utf-8")


def test_every_id_is_a_file():
    files = _files()
    missing = sorted({i for i in gold_article_ids(GOLD) if i not in files})
    assert not missing, f"ids without a file in examples/: {missing}"


def test_every_file_is_in_gold():
    listed = {a for s in GOLD["stories"] for a in s["articles"]} | set(GOLD["distractors"])
    assert set(_files()) == listed


def test_derivation_levels():
    for e in GOLD["derivation"]:
        assert e["level"] in {"wholly", "partially"}


def _texts():
    for n, p in enumerate(GOLD["planted"] + GOLD["not_findings"]):
        if p.get("text") is not None:
            yield pytest.param(p["article"], p["text"], id=f"{n}-{p['article']}-text")
        if p.get("counterpart_text") is not None:
            yield pytest.param(p["counterpart_article"], p["counterpart_text"], id=f"{n}-{p['counterpart_article']}-counterpart")


@pytest.mark.parametrize("article_id, text", list(_texts()))
def test_text_occurs_exactly_once(article_id, text):
    assert _body(article_id).count(text) == 1, f"{text!r} should occur exactly once in {article_id}"


def test_planted_kinds():
    kinds = {p["kind"] for p in GOLD["planted"]}
    assert kinds <= KINDS, kinds - KINDS
    # every kind is planted somewhere: here, or in the second example set (bench/stories)
    later = {p["kind"] for part in ("dev", "sealed")
             for p in json.loads((REPO / "bench" / "stories" / part / "gold.json").read_text())["planted"]}
    assert KINDS <= kinds | later, f"kinds never planted: {KINDS - kinds - later}"


def test_planted_fields():
    for p in GOLD["planted"]:
        if p["kind"] == "unsupported_addition":
            assert p["text"] and p["counterpart_article"] is None and p["counterpart_text"] is None
        elif p["kind"] == "omission":
            assert p["text"] is None and p["counterpart_article"] and p["counterpart_text"]
        else:
            assert p["text"] and p["counterpart_article"] and p["counterpart_text"]
