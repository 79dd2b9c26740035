"""The layout's rules, checked on the source (ast): arrows run downwards only.

- no import cycles between storytrace modules (imports inside functions count too);
- no module imports a private (``_name``) of another module;
- the shipped package imports neither ``bench`` nor ``training``; ``training`` never imports ``bench``;
- each layer imports only the layers below it (see LAYERS).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.helpers import REPO

# A layer may import itself and the layers listed for it, nothing else of storytrace.
GROUND = {"model", "fitted", "text", "embed", "published", "progress", "data"}
LAYERS: dict[str, set[str]] = {
    "ground": set(),
    "readers": {"ground"},
    "events": {"ground"},
    "compare": {"ground", "events"},
    "report": {"ground"},
    "corpus": {"ground", "readers", "events", "compare", "report"},
    "web": {"ground", "readers", "events", "compare", "report", "corpus"},
    "spark": {"ground", "readers", "events", "compare", "report", "corpus"},
    "cli": {"ground", "readers", "events", "compare", "report", "corpus", "web", "spark"},
    "api": {"ground", "readers", "events", "compare", "report", "corpus"},  # storytrace/__init__.py
}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _imports(path: Path) -> list[tuple[str, list[str], int]]:
    """(imported module, names, line) for every import in the file, relative ones resolved."""
    mod = _module_name(path)
    package = mod if path.name == "__init__.py" else mod.rpartition(".")[0]
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            out.append((target, [a.name for a in node.names], node.lineno))
        elif isinstance(node, ast.Import):
            out.extend((a.name, [], node.lineno) for a in node.names)
    return out


def _files(*tops: str) -> list[Path]:
    return sorted(p for top in tops for p in (REPO / top).rglob("*.py"))


MODULES = {_module_name(p): p for p in _files("storytrace")}


def _resolve(target: str, names: list[str]) -> list[str]:
    """The storytrace modules an import statement loads (``from pkg import submodule`` included)."""
    found = [target] if target in MODULES else []
    found += [f"{target}.{n}" for n in names if f"{target}.{n}" in MODULES]
    return found


def _layer(mod: str) -> str:
    parts = mod.split(".")
    if len(parts) == 1:
        return "api"
    if parts[1] == "__main__":
        return "cli"
    return "ground" if parts[1] in GROUND else parts[1]


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every back edge of a depth-first walk, as the cycle it closes."""
    cycles: list[list[str]] = []
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(m: str) -> None:
        state[m] = 1
        stack.append(m)
        for n in sorted(graph.get(m, ())):
            if state.get(n) == 1:
                cycles.append(stack[stack.index(n):] + [n])
            elif n not in state:
                visit(n)
        stack.pop()
        state[m] = 2

    for m in sorted(graph):
        if m not in state:
            visit(m)
    return cycles


def module_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {m: set() for m in MODULES}
    for mod, path in MODULES.items():
        for target, names, _ in _imports(path):
            for dep in _resolve(target, names):
                # a package's __init__ re-exporting its own submodules is not an arrow upwards
                if dep != mod and not dep.startswith(mod + ".") and not mod.startswith(dep + "."):
                    graph[mod].add(dep)
    return graph


def private_imports(path: Path) -> list[str]:
    bad = []
    for target, names, line in _imports(path):
        if target.split(".")[0] not in {"storytrace", "bench", "training"} or target == _module_name(path):
            continue
        priv = [n for n in names if n.startswith("_") and not n.startswith("__")]
        if priv:
            bad.append(f"{path.relative_to(REPO)}:{line} imports {', '.join(priv)} from {target}")
    return bad


def test_no_import_cycles() -> None:
    cycles = find_cycles(module_graph())
    assert not cycles, "import cycles:\n" + "\n".join(" -> ".join(c) for c in cycles)


@pytest.mark.parametrize("top", ["storytrace", "bench", "training"])
def test_no_private_names_imported_across_modules(top: str) -> None:
    bad = [b for path in _files(top) for b in private_imports(path)]
    assert not bad, "\n".join(bad)


def test_shipped_package_imports_neither_bench_nor_training() -> None:
    bad = [f"{p.relative_to(REPO)}:{line} imports {t}"
           for p in _files("storytrace") for t, _, line in _imports(p)
           if t.split(".")[0] in {"bench", "training"}]
    assert not bad, "\n".join(bad)


def test_training_never_imports_bench() -> None:
    bad = [f"{p.relative_to(REPO)}:{line} imports {t}"
           for p in _files("training") for t, _, line in _imports(p) if t.split(".")[0] == "bench"]
    assert not bad, "\n".join(bad)


def test_layers_import_downwards_only() -> None:
    bad = []
    for mod, path in MODULES.items():
        mine = _layer(mod)
        for target, names, line in _imports(path):
            for dep in _resolve(target, names):
                theirs = _layer(dep)
                if theirs != mine and theirs not in LAYERS[mine]:
                    bad.append(f"{path.relative_to(REPO)}:{line}: {mine} imports {dep} ({theirs})")
    assert not bad, "\n".join(bad)


def test_the_checkers_can_fail(tmp_path: Path) -> None:
    assert find_cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c", "a"]]
    assert find_cycles({"a": {"b"}, "b": set()}) == []
    planted = REPO / "storytrace" / "_layout_probe.py"
    planted.write_text("from storytrace.fitted import _hidden\nfrom storytrace.fitted import __doc__\n")
    try:
        assert private_imports(planted) == ["storytrace/_layout_probe.py:1 imports _hidden from storytrace.fitted"]
    finally:
        planted.unlink()
