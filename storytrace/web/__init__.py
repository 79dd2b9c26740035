"""`storytrace serve`: a small web app (FastAPI) over the store and the compare pipeline.

`create_app(db_path, token=None, max_body=5_000_000)` builds the app; the pages
live in `storytrace.web.pages`. Needs the ``web`` extra: fastapi, uvicorn,
python-multipart.
"""

from __future__ import annotations

__all__ = ["create_app"]


def create_app(*args, **kwargs):
    from storytrace.web.app import create_app as _create

    return _create(*args, **kwargs)
