"""storytrace: trace one news story through all its versions.

The Python API (the CLI, the web app and the Spark job are shells over it)::

    import storytrace

    articles = storytrace.read_articles(["a.txt", "b.html"])
    comparison = storytrace.compare_articles(articles)
    doc = storytrace.comparison_to_dict(comparison)      # the JSON contract
    html = storytrace.render_html(doc)                   # a self-contained report

    with storytrace.Store.open("corpus.db", create=True) as store:
        storytrace.ingest_paths(store, ["feeds/"])

Names are imported on first use, so `import storytrace` stays cheap.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__version__ = "0.1.0"

_API = {
    "Article": "storytrace.model",
    "Comparison": "storytrace.model",
    "read_articles": "storytrace.readers",
    "IngestError": "storytrace.readers",
    "compare_articles": "storytrace.compare",
    "comparison_to_dict": "storytrace.report.contract",
    "render_terminal": "storytrace.report.terminal",
    "render_html": "storytrace.report.html",
    "Store": "storytrace.corpus.store",
    "StoreError": "storytrace.corpus.store",
    "ingest_paths": "storytrace.corpus.ingest",
    "ingest_batch": "storytrace.corpus.ingest",
    "analyse_stored_story": "storytrace.corpus.stories",
}

__all__ = ["__version__", *_API]


def __getattr__(name: str) -> Any:
    # Lazy (PEP 562): the models and spaCy load only when a name that needs them is used.
    if name in _API:
        value = getattr(import_module(_API[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'storytrace' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
