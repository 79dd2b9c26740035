"""`storytrace serve`: a small web app (FastAPI) over the store and the compare pipeline.

`create_app(db_path, token=None, max_body=5_000_000)` builds the app (`app`):
the JSON routes are in `api`, the HTML routes in `pages` (rendered by `views`),
request bodies in `schemas`, the body cap and token check in `guard`, error
answers in `errors`, the state and library calls the routers share in
`service`. Needs fastapi, uvicorn, python-multipart.
"""

from __future__ import annotations

__all__ = ["create_app"]


def create_app(*args, **kwargs):
    from storytrace.web.app import create_app as _create

    return _create(*args, **kwargs)
