"""Error answers: JSON ``{"detail": ...}`` for the API, an HTML page for a browser.

`install_error_handlers(app)` registers the handlers: malformed JSON -> 400,
a body that does not fit the schema -> 422 (with the fields at fault), any
HTTP error with its own status, and anything unexpected -> 500 without a
traceback (``STORYTRACE_DEBUG=1`` prints it on the server).
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from storytrace.web.views import error_page

__all__ = ["install_error_handlers", "json_error", "wants_html"]


def json_error(status: int, detail: str, headers: dict[str, str] | None = None, **extra: Any) -> JSONResponse:
    """``{"detail": detail, **extra}`` with this status."""
    return JSONResponse({"detail": detail, **extra}, status_code=status, headers=headers)


def wants_html(request: Request) -> bool:
    """Whether the error should be a page: a browser asking for anything but the API."""
    if request.url.path.startswith("/api/") or request.url.path in ("/openapi.json", "/docs"):
        return False
    return "text/html" in request.headers.get("accept", "")


def _loc(loc: Sequence[Any]) -> str:
    """A validation error's location as a path into the body: ``articles[0].text``."""
    parts = [str(x) for x in loc]
    if parts and parts[0] in ("body", "query", "path", "header"):
        where, parts = parts[0], parts[1:]
    else:
        where = ""
    out = ""
    for p in parts:
        out += f"[{p}]" if p.isdigit() else (f".{p}" if out else p)
    return out or where or "request"


def _page(status: int, message: str, headers: dict[str, str] | None = None) -> HTMLResponse:
    return HTMLResponse(error_page(status, message), status_code=status, headers=headers)


async def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse | HTMLResponse:
    errors = exc.errors()
    for e in errors:
        if e.get("type") == "json_invalid":
            ctx = e.get("ctx") or {}
            pos = e.get("loc", ("body", "?"))[-1]
            return json_error(400, f"malformed JSON in the request body: {ctx.get('error', 'cannot parse')} "
                                   f"(at character {pos})")
    items = [{"loc": _loc(e.get("loc") or ()), "msg": str(e.get("msg", "")), "type": str(e.get("type", ""))}
             for e in errors]
    if any(i["loc"] == "body" and i["type"] == "missing" for i in items):
        return json_error(422, "the request body is empty: send a JSON object with "
                               "Content-Type: application/json", errors=items)
    msg = "; ".join(f"{i['loc']}: {i['msg']}" for i in items[:8]) + (" …" if len(items) > 8 else "")
    if any(i["loc"] in ("body", "request") and "dictionary" in i["msg"] for i in items):
        msg += " (send a JSON object with Content-Type: application/json)"
    if wants_html(request):
        return _page(422, f"invalid request: {msg}")
    return json_error(422, f"invalid request: {msg}", errors=items)


async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse | HTMLResponse:
    detail = exc.detail if isinstance(exc.detail, str) else json.dumps(exc.detail)
    headers = dict(exc.headers or {})
    if wants_html(request):
        return _page(exc.status_code, detail, headers)
    return json_error(exc.status_code, detail, headers)


async def internal_error(request: Request, exc: Exception) -> JSONResponse | HTMLResponse:
    """Never a traceback to the client."""
    if os.environ.get("STORYTRACE_DEBUG"):
        import traceback

        traceback.print_exception(exc)
    msg = f"internal error: {type(exc).__name__} (set STORYTRACE_DEBUG=1 on the server for the traceback)"
    if wants_html(request):
        return _page(500, msg)
    return json_error(500, msg)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, invalid_request)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(Exception, internal_error)
