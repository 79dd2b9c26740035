"""The same stages as a PySpark job: `storytrace spark group|analyze` or `python -m storytrace.spark`.

`jobs` (the Spark jobs), `frames` (their per-partition work, pure pandas), `load`
(a result into the SQLite store, no Spark), `__main__` (the command line).
"""
