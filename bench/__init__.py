"""Benchmarks run on real, third-party data (read in place from ../shared/data)."""
