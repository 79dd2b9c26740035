"""The same stages as a PySpark job: `storytrace spark group|analyze` or `python -m storytrace.spark`."""
