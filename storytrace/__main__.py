"""`python -m storytrace ...`: the same commands as the `storytrace` script."""

from storytrace.cli import main

main()
