"""``published_at``: the one parser of an article's publication time, used by every stage and face.

Reads ISO 8601 (naive = UTC; ``Z`` allowed), RFC 2822 mail dates and Unix
times in seconds or milliseconds written as digits (9 to 13 of them). On the
ground floor, beside the data model, so the readers, the compare stages (dates
resolved against the publication day), the corpus store and Spark share it.
"""

from __future__ import annotations

import datetime as _dt
import email.utils


def parse_published_at(value: str | None, *, to_utc: bool = True) -> _dt.datetime | None:
    """``published_at`` as an aware UTC datetime, or None: the one parser every face uses.

    Reads ISO 8601 (naive = UTC), RFC 2822 mail dates and Unix times in
    seconds or milliseconds written as digits.
    """
    if not value:
        return None
    s = value.strip()
    dt: _dt.datetime | None = None
    if s.isdigit() and 9 <= len(s) <= 13:
        secs = int(s) / 1000.0 if len(s) >= 12 else float(s)
        try:
            dt = _dt.datetime.fromtimestamp(secs, tz=_dt.timezone.utc)
        except (OverflowError, OSError, ValueError):
            dt = None
    else:
        try:
            dt = _dt.datetime.fromisoformat(s.replace("Z", "+00:00") if s.endswith("Z") else s)
        except ValueError:
            try:
                dt = email.utils.parsedate_to_datetime(s)
            except (TypeError, ValueError, IndexError):
                dt = None
    if dt is None:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=_dt.timezone.utc)
    if not to_utc:
        return dt  # the offset it is written in (its calendar day is the day where it was written)
    try:
        return dt.astimezone(_dt.timezone.utc)
    except (OverflowError, ValueError):
        return None


def published_key(value: str | None) -> str | None:
    """``published_at`` as sortable ISO 8601 UTC (``YYYY-MM-DDTHH:MM:SSZ``), or None."""
    dt = parse_published_at(value)
    if dt is None:
        return None
    try:
        return dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    except (OverflowError, ValueError):
        return None


def published_timestamp(value: str | None) -> float | None:
    """Seconds since the epoch of ``published_at``, or None."""
    dt = parse_published_at(value)
    return None if dt is None else dt.timestamp()
