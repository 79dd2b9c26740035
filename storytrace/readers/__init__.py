"""Files and records -> `Article`s, one module per format."""

from storytrace.readers.records import IngestError, expand_paths, iter_records, looks_english, read_articles

__all__ = ["IngestError", "expand_paths", "iter_records", "looks_english", "read_articles"]
