"""The split of storytrace.readers: what other modules import from ``records`` is still there."""

from __future__ import annotations

import importlib

import pytest

import storytrace.readers as readers
from storytrace.readers import files, language, records

# Every name imported from storytrace.readers.records outside storytrace/readers
# (corpus, web, spark, cli, bench, tests), plus its old __all__.
RECORDS_NAMES = [
    "IngestError", "read_articles", "iter_records", "expand_paths", "looks_english",
    "SUPPORTED_EXTENSIONS", "DEFAULT_MAX_BYTES",
    "check_column_map", "make_record", "coerce_published_at", "parse_column_map",
    "parse_published_at", "published_key", "published_timestamp", "with_iso_published_at",
]


@pytest.mark.parametrize("name", RECORDS_NAMES)
def test_records_still_exports(name):
    assert hasattr(records, name)


@pytest.mark.parametrize("name", readers.__all__)
def test_package_exports_the_same_objects_as_records(name):
    assert getattr(readers, name) is getattr(records, name)


def test_moved_names_are_the_same_objects():
    assert records.IngestError is files.IngestError
    assert records.expand_paths is files.expand_paths
    assert records.looks_english is language.looks_english


@pytest.mark.parametrize("mod", ["files", "text", "html", "records", "language"])
def test_each_module_says_what_it_reads(mod):
    doc = importlib.import_module(f"storytrace.readers.{mod}").__doc__
    assert doc and doc.strip()
