"""The `storytrace` command line: a thin shell over the Python API.

Exit codes: 0 success; 1 the analysis ran but something failed on our side;
2 a usage or input error (bad file, bad option), reported without a traceback.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click
from rich.console import Console

EXIT_INPUT = 2
EXIT_INTERNAL = 1


def _fail(message: str) -> None:
    Console(stderr=True).print(f"[bold red]error:[/] {message}", highlight=False)
    sys.exit(EXIT_INPUT)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="storytrace")
def main() -> None:
    """Trace one news story through all its versions."""


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="Print exactly one JSON document (the compare contract).")
@click.option("--html", "html_path", type=click.Path(dir_okay=False, writable=True),
              help="Also write a self-contained HTML report to this file.")
@click.option("--no-text", is_flag=True, help="Leave article texts out of the JSON document.")
@click.option("--max-findings", default=40, show_default=True, help="Findings listed per story in the terminal view.")
def compare(paths: tuple[str, ...], as_json: bool, html_path: str | None, no_text: bool, max_findings: int) -> None:
    """Compare versions of news stories: PATHS are .txt, .html or .jsonl files (or folders).

    Prints the stories, a reuse matrix, derivation, findings and a fused brief.
    """
    from .ingest import IngestError, looks_english, read_articles

    err = Console(stderr=True)
    try:
        articles = read_articles(list(paths))
    except IngestError as exc:
        _fail(str(exc))
        return
    if not articles:
        _fail("no articles found in " + ", ".join(paths))
    for a in articles:
        if not looks_english(a.text):
            err.print(f"[yellow]warning:[/] {a.origin or a.id} does not look like English; "
                      "alignment and findings are tuned for English news", highlight=False)

    from .compare import compare_articles
    from .report_json import comparison_to_dict

    show_progress = not as_json and err.is_terminal
    with err.status("loading models…", spinner="dots") if show_progress else _Null() as status:
        def progress(step: str) -> None:
            if status is not None:
                status.update(step + "…")

        try:
            comparison = compare_articles(articles, progress=progress)
        except Exception as exc:  # a bug on our side: say so briefly, keep the trace on request
            if os.environ.get("STORYTRACE_DEBUG"):
                raise
            err.print(f"[bold red]internal error:[/] {type(exc).__name__}: {exc} "
                      "(set STORYTRACE_DEBUG=1 for the traceback)", highlight=False)
            sys.exit(EXIT_INTERNAL)
    report = comparison_to_dict(comparison, include_text=not no_text or bool(html_path))
    if html_path:
        from .report_html import render_html

        Path(html_path).write_text(render_html(report), encoding="utf-8")
    if no_text:
        for a in report["articles"]:
            a.pop("text", None)
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        from .report_terminal import render_terminal

        render_terminal(report, Console(), max_findings=max_findings)
        if html_path:
            err.print(f"wrote {html_path}")


class _Null:
    def __enter__(self):
        return None

    def __exit__(self, *exc) -> bool:
        return False


@main.group()
def bench() -> None:
    """Benchmarks on the real data in ../shared/data."""


@bench.command("pairs", context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.pass_context
def bench_pairs(ctx: click.Context) -> None:
    """Sentence-pair scoring on MRPC, STS-B news and Clough-Stevenson (see bench/pairs.py)."""
    repo = Path(__file__).resolve().parent.parent  # bench/ sits beside the package in a checkout
    for root in (Path.cwd(), repo):
        if (root / "bench" / "pairs.py").exists() and str(root) not in sys.path:
            sys.path.insert(0, str(root))
    try:
        from bench.pairs import main as run
    except ImportError:
        _fail("bench/ is not importable: run from the repository root (python -m bench.pairs)")
        return
    sys.exit(run(list(ctx.args)))


if __name__ == "__main__":  # pragma: no cover
    main()
