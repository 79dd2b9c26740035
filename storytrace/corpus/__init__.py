"""Many articles: the SQLite store, incremental story grouping, ingest, and the analysis of a stored story."""
