"""The CLI for a first run (issue 12): --severity, --label, whole brief entries, a note for fewer than two
articles, `stories` at 80 columns, examples in every --help."""
from __future__ import annotations

import io
import json

import click
import pytest
from click.testing import CliRunner
from rich.console import Console

from storytrace.cli import main
from storytrace.report.terminal import render_terminal
from tests.helpers import EXAMPLES

WIRE = str(EXAMPLES / "orlen-derailment-wire.txt")
COURIER = str(EXAMPLES / "orlen-derailment-courier.html")


def run(*args: str, env: dict | None = None):
    return CliRunner().invoke(main, list(args), env=env)


# --- the terminal view, from a hand-made report (no models) --------------------------------------------------

LONG = ("The council said the bridge, which carries about 30,000 vehicles a day and links the two halves of "
        "the town across the river, would stay closed until the engineers had finished their inspection of "
        "every one of its supports, a process that could take until the end of the month.")


def _report() -> dict:
    def finding(sev: str, kind: str) -> dict:
        return {"story": "s", "article": "b", "kind": kind, "severity": sev, "text": f"{kind} text", "span": [0, 4],
                "counterpart": {"article": "a", "text": "orig", "span": [0, 4]}, "explanation": f"{kind} why."}

    return {
        "articles": [{"id": "a", "title": "Bridge shut", "n_sentences": 1, "text": LONG},
                     {"id": "b", "title": None, "n_sentences": 1, "text": "Bridge to stay shut. More later.",
                      "sentences": [[0, 20], [21, 32]], "label": "Courier"}],
        "stories": [{"id": "s", "articles": ["a", "b"]}],
        "pairs": [{"story": "s", "a": "a", "b": "b", "a_in_b": {"verbatim": 1.0, "edited": 0, "paraphrase": 0}}],
        "derivation": [{"story": "s", "source": "a", "derived": "b", "level": "wholly", "confidence": 0.9,
                        "evidence": "all of it"}],
        "findings": [finding("high", "number_changed"), finding("medium", "softened"), finding("low", "omission")],
        "brief": [{"story": "s", "text": LONG, "sources": [{"article": "a", "span": [0, 10]}], "support": 1,
                   "unverified": True,
                   "conflicts": [{"article": "b", "kind": "number_changed", "severity": "high", "span": [0, 4],
                                  "explanation": "A long conflict explanation " * 8}]}],
    }


def _render(**kw) -> str:
    buf = io.StringIO()
    render_terminal(_report(), Console(file=buf, width=80, color_system=None), **kw)
    return buf.getvalue()


def test_severity_filter_keeps_the_minimum_and_above() -> None:
    every = _render()
    assert "number_changed" in every and "softened" in every and "omission" in every
    medium = _render(min_severity="medium")
    assert "number_changed" in medium and "softened" in medium and "omission" not in medium
    assert "Findings (2 of 3 at medium or above" in medium
    high = _render(min_severity="high")
    assert "softened" not in high and "Findings (1 of 3 at high" in high
    with pytest.raises(ValueError):
        _render(min_severity="urgent")


def test_brief_entries_wrap_and_are_never_cut() -> None:
    out = _render()
    brief = out.split("Fused brief")[1]
    flat = " ".join(brief.split())
    assert " ".join(LONG.split()) in flat
    assert ("A long conflict explanation " * 8).strip() in flat
    assert "…" not in brief
    assert max(len(line) for line in out.splitlines()) <= 80


def test_terminal_names_versions_by_label_and_first_sentence() -> None:
    out = _render()
    assert "Courier" in out and "in Courier (b)" in out  # the label
    plain = _render()
    assert "Bridge shut" in plain  # a's title


# --- the commands --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def two_versions() -> tuple[str, str]:
    return WIRE, COURIER


def test_compare_with_labels_and_severity(two_versions) -> None:
    res = run("compare", *two_versions, "--severity", "high", "--label", "orlen-derailment-wire=The Wire",
              env={"COLUMNS": "100"})
    assert res.exit_code == 0, res.output
    assert "The Wire (orlen-derailment-wire)" in res.output
    head = next(line for line in res.output.splitlines() if line.startswith("Findings ("))
    assert " at high, most severe first)" in head
    findings = res.output.split("Findings (")[1].split("Fused brief")[0]
    assert "MEDIUM" not in findings and "LOW" not in findings and "HIGH" in findings


def test_compare_json_carries_the_label(two_versions, tmp_path) -> None:
    out = tmp_path / "r.html"
    res = run("compare", *two_versions, "--json", "--no-text", "--html", str(out),
              "--label", "orlen-derailment-courier=Courier")
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert {a["id"]: a.get("label") for a in doc["articles"]}["orlen-derailment-courier"] == "Courier"
    assert '<b class="vlabel">Courier</b>' in out.read_text(encoding="utf-8")


@pytest.mark.parametrize("label, message", [("nosuch=X", "no article 'nosuch'"), ("broken", "expected ID=NAME")])
def test_bad_label_is_exit_2_before_the_analysis(two_versions, label, message) -> None:
    res = run("compare", *two_versions, "--label", label)
    assert res.exit_code == 2
    assert message in res.stderr and "Traceback" not in res.output


def test_one_article_is_a_note_and_exit_0() -> None:
    res = run("compare", WIRE)
    assert res.exit_code == 0
    assert "nothing to compare" in res.stderr and "only one article" in res.stderr
    assert res.stdout == ""


def test_severity_choice_is_checked() -> None:
    res = run("compare", WIRE, "--severity", "urgent")
    assert res.exit_code == 2 and "urgent" in res.output


def _commands(group: click.Group, prefix: tuple[str, ...] = ()):
    for name, cmd in group.commands.items():
        yield prefix + (name,), cmd
        if isinstance(cmd, click.Group):
            yield from _commands(cmd, prefix + (name,))


def test_every_help_has_examples() -> None:
    for path in [()] + [p for p, _ in _commands(main)]:
        res = run(*path, "--help")
        assert res.exit_code == 0, (path, res.output)
        assert "Examples:" in res.output, path
        assert "storytrace " in res.output.split("Examples:")[1], path


def test_compare_help_names_every_input() -> None:
    text = run("compare", "--help").output
    for needle in (".txt", ".html", ".jsonl", ".csv", "gzip", "stdin", "compare -", "--severity", "--label"):
        assert needle in text, needle


def test_spark_help_documents_the_job_options() -> None:
    group = run("spark", "group", "--help").output
    analyze = run("spark", "analyze", "--help").output
    for opt in ("--input", "--output", "--master", "--format", "--map", "--block-hours", "--warm-hours",
                "--window-hours", "--no-pairs"):
        assert opt in group, opt
    for opt in ("--stories", "--output", "--master", "--min-size", "--max-articles", "--with-text"):
        assert opt in analyze, opt


def test_spark_help_lists_every_option_of_the_job_parser(capsys) -> None:
    import re

    try:
        from storytrace.spark.__main__ import build_parser
    except ImportError:
        pytest.skip("pyspark is not installed")
    for name in ("group", "analyze"):
        with pytest.raises(SystemExit):
            build_parser().parse_args([name, "--help"])
        job_options = set(re.findall(r"--[a-z][a-z-]+", capsys.readouterr().out)) - {"--help"}
        ours = run("spark", name, "--help").output
        assert job_options and all(opt in ours for opt in job_options), (name, job_options)


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> str:
    path = str(tmp_path_factory.mktemp("store") / "corpus.db")
    res = run("ingest", str(EXAMPLES), "--db", path, "--json")
    assert res.exit_code == 0, res.output
    return path


@pytest.mark.parametrize("width", [80, 100, 140])
def test_stories_one_line_per_story(db, width) -> None:
    res = run("stories", "--db", db, env={"COLUMNS": str(width)})
    assert res.exit_code == 0, res.output
    lines = res.output.splitlines()
    assert max(len(line) for line in lines) <= width
    doc = json.loads(run("stories", "--db", db, "--json").output)
    body = [line for line in lines if line.startswith("│")]
    assert len(body) == len(doc["stories"])  # one line per story: the title is cut with an ellipsis, not wrapped
    for s, line in zip(doc["stories"], body):
        assert s["id"] in line
        cell = line.rstrip("│ ").rsplit("│", 1)[1].strip()
        assert cell == s["title"] or (cell.endswith("…") and s["title"].startswith(cell[:-1]))


def test_story_takes_severity_and_label(db) -> None:
    res = run("story", "s-orlen-derailment-wire", "--db", db, "--severity", "high",
              "--label", "orlen-derailment-wire=Wire", env={"COLUMNS": "100"})
    assert res.exit_code == 0, res.output
    assert "Wire (orlen-derailment-wire)" in res.output and " at high, most severe first)" in res.output
    bad = run("story", "s-orlen-derailment-wire", "--db", db, "--label", "nope=X")
    assert bad.exit_code == 2 and "no article 'nope'" in bad.stderr


def test_progress_lines_give_counts_and_the_time_left():
    from storytrace.cli import StepCounter

    now = [100.0]
    c = StepCounter(clock=lambda: now[0])
    assert c.line("segmenting") == "segmenting…"
    assert c.line("aligning pairs 0/40") == "aligning pairs 0/40…"
    now[0] += 10.0
    assert c.line("aligning pairs 10/40") == "aligning pairs 10/40, about 30 s left…"
    now[0] += 30.0
    assert c.line("aligning pairs 40/40") == "aligning pairs 40/40…"
    assert c.line("analysing stories 0/600") == "analysing stories 0/600…"
    now[0] += 10.0
    assert c.line("analysing stories 1/600") == "analysing stories 1/600, about 100 min left…"
