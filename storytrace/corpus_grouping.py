"""Story grouping at corpus scale (issue "persistent corpus"): INTERFACE STUB.

The store calls `CorpusGrouper` with a SQLite connection it owns; the grouper
keeps its own tables (prefixed ``grp_``) in that database so the grouping is
incremental and survives restarts. This stub groups articles whose
normalised titles are equal; the real method (MinHash LSH + static embeddings
+ ANN, time windows) replaces it behind the same interface.
"""

from __future__ import annotations

import re
import sqlite3
from typing import Sequence

from .model import Article


class CorpusGrouper:
    """Assigns articles to stories incrementally; state lives in ``grp_*`` tables."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        conn.execute("CREATE TABLE IF NOT EXISTS grp_key (key TEXT PRIMARY KEY, story_id TEXT NOT NULL)")

    def assign(self, articles: Sequence[Article]) -> dict[str, str]:
        """Story id for each new article (an existing story or a new one). Caller commits."""
        out: dict[str, str] = {}
        for a in articles:
            key = re.sub(r"\W+", " ", (a.title or a.text[:80]).lower()).strip()
            row = self.conn.execute("SELECT story_id FROM grp_key WHERE key = ?", (key,)).fetchone()
            if row is None:
                story_id = f"s-{a.id}"
                self.conn.execute("INSERT INTO grp_key VALUES (?, ?)", (key, story_id))
            else:
                story_id = row[0]
            out[a.id] = story_id
        return out

    def rebuild(self, articles: Sequence[Article]) -> dict[str, str]:
        """Forget the state and group ``articles`` from scratch."""
        self.conn.execute("DELETE FROM grp_key")
        return self.assign(articles)
