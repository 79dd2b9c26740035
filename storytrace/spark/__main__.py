"""`python -m storytrace.spark group|analyze ...` (also the `spark-submit` entry point)."""

import sys

from storytrace.spark.jobs import main

sys.exit(main())
