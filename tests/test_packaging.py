"""A plain `pip install .` must give a working tool: every package the code imports is declared.

The check reads the imports of storytrace/ with ast and maps each third-party
top-level module to the distribution that provides it in this environment
(importlib.metadata.packages_distributions); that distribution must be named in
pyproject's dependencies, or in the `spark` extra for modules of storytrace/spark/.
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib import metadata

from tests.helpers import REPO

PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
# Imported only where the optional piece is used, with a clear message when missing.
OPTIONAL_EXTRAS = {"spark": ("storytrace/spark/", "storytrace/cli.py")}  # cli: ingest --from-parquet
# Needed at run time by a declared dependency that does not declare it itself (see pyproject's comment).
RUNTIME_EXTRA = {"lxml_html_clean"}


def _name(requirement: str) -> str:
    return re.split(r"[\s<>=!~;\[]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def _third_party_imports() -> dict[str, set[str]]:
    """Top-level module -> files (relative) importing it, stdlib and storytrace excluded."""
    out: dict[str, set[str]] = {}
    for path in (REPO / "storytrace").rglob("*.py"):
        rel = str(path.relative_to(REPO))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                names = [node.module]
            else:
                continue
            for n in names:
                top = n.split(".")[0]
                if top != "storytrace" and top not in sys.stdlib_module_names and top != "__future__":
                    out.setdefault(top, set()).add(rel)
    return out


def test_every_imported_package_is_declared() -> None:
    declared = {_name(r) for r in PYPROJECT["project"]["dependencies"]}
    extras = {k: {_name(r) for r in v} for k, v in PYPROJECT["project"]["optional-dependencies"].items()}
    providers = metadata.packages_distributions()
    missing = []
    for module, files in sorted(_third_party_imports().items()):
        dists = {d.lower().replace("_", "-") for d in providers.get(module, [module])}
        if dists & declared:
            continue
        extra_ok = any(dists & extras.get(extra, set()) and all(f.startswith(prefixes) for f in files)
                       for extra, prefixes in OPTIONAL_EXTRAS.items())
        if not extra_ok:
            missing.append(f"{module} ({', '.join(sorted(dists))}) imported by {', '.join(sorted(files))}")
    assert not missing, "imported but not declared in pyproject.toml:\n" + "\n".join(missing)


def test_html_cleaner_that_trafilatura_needs_is_declared() -> None:
    declared = {_name(r) for r in PYPROJECT["project"]["dependencies"]}
    assert {n.replace("_", "-") for n in RUNTIME_EXTRA} <= declared


def test_package_data_covers_the_shipped_files() -> None:
    patterns = PYPROJECT["tool"]["setuptools"]["package-data"]["storytrace"]
    shipped = [p for p in (REPO / "storytrace").rglob("*") if p.is_file() and p.suffix not in {".py", ".pyc"}]
    uncovered = [str(p.relative_to(REPO / "storytrace")) for p in shipped
                 if not any(p.relative_to(REPO / "storytrace").match(pat) for pat in patterns)]
    assert not uncovered, f"files under storytrace/ that a wheel would leave out: {uncovered}"
