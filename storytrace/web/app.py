"""The web app behind `storytrace serve`: a thin shell over the store and `compare_articles`.

`create_app` puts the app together: the routers (`api`: the JSON API, OpenAPI
docs at ``/docs``; `pages`: the server-rendered pages, no network loads,
every text escaped), the request guard (`guard`), the error answers
(`errors`) and the shared state (`service.WebState` on ``app.state.web``).

Limits: request bodies are capped (``max_body`` bytes, default 5 MB) by an ASGI
middleware that checks ``Content-Length`` and counts streamed (chunked) bodies,
and a body that stops arriving for ``body_timeout`` seconds (default 30) gets 408;
too large -> 413, malformed JSON -> 400, a body that does not fit the schema ->
422, each with a readable ``detail`` message. The compare pipeline runs one
analysis at a time per process (its models are shared); a story's analysis is
cached per story id + the content of its articles, so a page view does not
recompute it, and its findings counts are kept in the store (the stories page
shows "–" for a story not analysed yet).
"""

from __future__ import annotations

import contextlib
import os
import threading
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, Response

from storytrace.web import api, pages
from storytrace.web.errors import install_error_handlers
from storytrace.web.guard import DEFAULT_BODY_TIMEOUT, DEFAULT_MAX_BODY, Guard
from storytrace.web.service import DEFAULT_MAX_COMPARE_CHARS, Analyses, WebState, warm_up

__all__ = ["DEFAULT_MAX_BODY", "app_from_env", "create_app"]


def create_app(db_path: str, token: str | None = None, max_body: int = DEFAULT_MAX_BODY, *,
               max_articles: int = 50, max_compare_chars: int = DEFAULT_MAX_COMPARE_CHARS,
               warm_up: bool = False, body_timeout: float | None = DEFAULT_BODY_TIMEOUT,
               paste_wait_s: float = 1.5, compare_processes: int = 0) -> FastAPI:
    """The storytrace web app over the store at ``db_path``.

    ``token``: the bearer token write endpoints require (None: writes are refused).
    ``max_body``: the request body cap in bytes. ``max_articles``: a story's
    articles compared (the earliest seen). ``warm_up``: load the models at start-up.
    ``body_timeout``: seconds the next part of a request body may take (then 408, connection
    closed; None: no limit). ``paste_wait_s``: how long a paste result page, or the page of a
    stored story not analysed yet, waits for its analysis before it shows the progress instead. ``compare_processes``: worker processes
    for ``POST /api/compare`` (`storytrace.web.pool`; 0: in this process, one at a time).
    """
    db_path = os.fspath(db_path)
    analyses = Analyses(db_path, max_articles=max_articles)
    analyses.ensure_schema()

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI):
        if warm_up:
            threading.Thread(target=warm_up, name="storytrace-warm-up", daemon=True).start()
        state: WebState = _app.state.web
        if compare_processes > 0:
            from storytrace.web.pool import ComparePool

            state.use_pool(ComparePool(compare_processes))
        try:
            yield
        finally:
            if state.compare_pool is not None:
                state.compare_pool.shutdown()

    app = FastAPI(
        title="storytrace",
        version=_version(),
        description="Trace one news story through all its versions. The JSON is the same as the "
                    "`storytrace` CLI's `--json` output (the compare contract).",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.web = WebState(db_path=db_path, token=token or None, max_body=max_body,
                             max_compare_chars=max_compare_chars, analyses=analyses, paste_wait_s=paste_wait_s)
    app.state.analyses = analyses
    app.state.db_path = db_path
    app.add_middleware(Guard, max_body=max_body, token=token or None, body_timeout=body_timeout)
    install_error_handlers(app)
    app.middleware("http")(_security_headers)
    _mount_docs(app)  # no CDN when the bundle is installed
    app.include_router(api.router)
    app.include_router(pages.router)
    return app


async def _security_headers(request: Request, call_next) -> Response:
    response: Response = await call_next(request)
    response.headers.setdefault("x-content-type-options", "nosniff")
    response.headers.setdefault("referrer-policy", "no-referrer")
    response.headers.setdefault("x-frame-options", "DENY")
    return response


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("storytrace")
    except Exception:
        return "0"


def _mount_docs(app: FastAPI) -> None:
    """/docs: Swagger UI from the swagger-ui-bundle package when installed (no network), else from its CDN."""
    from fastapi.openapi.docs import get_swagger_ui_html

    js_url = css_url = None
    try:
        import swagger_ui_bundle
        from starlette.staticfiles import StaticFiles

        path = swagger_ui_bundle.swagger_ui_path
        if os.path.exists(os.path.join(path, "swagger-ui-bundle.js")):
            app.mount("/_docs", StaticFiles(directory=path), name="swagger-ui")
            js_url, css_url = "/_docs/swagger-ui-bundle.js", "/_docs/swagger-ui.css"
    except ImportError:
        pass

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        kw: dict[str, Any] = {"openapi_url": app.openapi_url or "/openapi.json", "title": "storytrace API"}
        if js_url:
            kw.update(swagger_js_url=js_url, swagger_css_url=css_url, swagger_favicon_url="/_docs/favicon-32x32.png")
        return get_swagger_ui_html(**kw)


def app_from_env() -> FastAPI:
    """An app configured from the environment (``uvicorn --factory``, ``serve --workers``):
    STORYTRACE_DB, STORYTRACE_TOKEN, STORYTRACE_MAX_BODY, STORYTRACE_MAX_ARTICLES, STORYTRACE_WARM_UP,
    STORYTRACE_BODY_TIMEOUT, STORYTRACE_COMPARE_PROCESSES."""
    return create_app(os.environ.get("STORYTRACE_DB", "storytrace.db"),
                      token=os.environ.get("STORYTRACE_TOKEN") or None,
                      max_body=int(os.environ.get("STORYTRACE_MAX_BODY", DEFAULT_MAX_BODY)),
                      max_articles=int(os.environ.get("STORYTRACE_MAX_ARTICLES", 50)),
                      warm_up=os.environ.get("STORYTRACE_WARM_UP", "") == "1",
                      body_timeout=float(os.environ.get("STORYTRACE_BODY_TIMEOUT", DEFAULT_BODY_TIMEOUT)),
                      compare_processes=int(os.environ.get("STORYTRACE_COMPARE_PROCESSES", 0)))
