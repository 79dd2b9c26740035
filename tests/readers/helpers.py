"""What the reader tests share: a story, and writers for input files."""

from __future__ import annotations

import json

STORY = (
    "The ferry service to the northern islands resumed on Friday after a three-day "
    "strike by crew members, the operator said.\n\n"
    "A spokesperson said talks over pay would continue next week."
)


def write(path, content, mode="w"):
    if mode == "w":
        path.write_text(content, encoding="utf-8", newline="")
    else:
        path.write_bytes(content)
    return path


def jsonl(*records) -> str:
    return "".join(json.dumps(r) + "\n" for r in records)
