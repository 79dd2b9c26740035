"""The CLI: exit codes, --json contract, clear errors without tracebacks."""
from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from storytrace.cli import main

CONTRACT = {
    "articles": {"id", "title", "source", "published_at", "n_sentences"},
    "stories": {"id", "articles"},
    "pairs": {"a", "b", "a_in_b", "alignments"},
    "derivation": {"source", "derived", "level", "confidence", "evidence"},
    "findings": {"article", "kind", "severity", "text", "span", "counterpart", "explanation"},
    "brief": {"text", "sources", "support", "conflicts"},
}


def _write(tmp_path: Path, name: str, text: str) -> str:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return str(p)


def test_compare_json_follows_the_contract(tmp_path):
    a = _write(tmp_path, "a.txt", "---\ntitle: Bridge opens\nsource: Wire\npublished_at: 2026-01-01\n---\n"
               "The new bridge over the Lune opened on Monday. It cost 4 million pounds, the council said.")
    b = _write(tmp_path, "b.txt", "The new bridge over the Lune opened on Monday. It cost 5 million pounds, the council said.")
    result = CliRunner().invoke(main, ["compare", a, b, "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    for key, fields in CONTRACT.items():
        assert key in doc
        for item in doc[key]:
            assert fields <= set(item), (key, fields - set(item))
    assert {a["id"] for a in doc["articles"]} == {"a", "b"}
    assert doc["articles"][0]["title"] == "Bridge opens"
    for p in doc["pairs"]:
        assert set(p["a_in_b"]) >= {"verbatim", "edited", "paraphrase"}
        for al in p["alignments"]:
            assert al["kind"] in {"verbatim", "edited", "paraphrase"}
            assert len(al["a_span"]) == 2 and len(al["b_span"]) == 2
    assert any(f["kind"] == "number_changed" for f in doc["findings"])


def test_bad_input_is_a_clear_error_with_exit_2(tmp_path):
    bad = _write(tmp_path, "bad.jsonl", '{"id": "x", "text": "fine"}\n{not json}\n')
    result = CliRunner().invoke(main, ["compare", bad])
    assert result.exit_code == 2
    assert "bad.jsonl:2" in result.output
    assert "Traceback" not in result.output


def test_missing_file_is_exit_2(tmp_path):
    result = CliRunner().invoke(main, ["compare", str(tmp_path / "nope.txt")])
    assert result.exit_code == 2
    assert "nope.txt" in result.output


def test_html_report_is_written(tmp_path):
    a = _write(tmp_path, "a.txt", "Floods closed the coast road on Friday. Three towns were cut off.")
    b = _write(tmp_path, "b.txt", "Floods closed the coast road on Friday. Four towns were cut off.")
    out = tmp_path / "r.html"
    result = CliRunner().invoke(main, ["compare", a, b, "--html", str(out)])
    assert result.exit_code == 0, result.output
    html = out.read_text()
    assert html.startswith("<!DOCTYPE html>") or html.lower().startswith("<!doctype html>")
    assert "Floods closed the coast road" in html
