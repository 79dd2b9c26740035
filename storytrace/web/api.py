"""The JSON routes (``/api/...``, ``/healthz``): the same JSON as the CLI's ``--json``.

* ``GET /api/stories``            as ``storytrace stories --json`` (+ ``findings`` per story, ``q``)
* ``GET /api/stories/{id}``       as ``storytrace story ID --json`` (the compare contract + ``corpus_story``)
* ``GET /api/articles/{id}``      one stored article
* ``POST /api/compare``           ``{"articles": [...]}`` (2-10) -> the compare contract
* ``POST /api/articles``          ingest (bearer token), as ``storytrace ingest --json``
"""

from __future__ import annotations

import asyncio
import time

from fastapi import APIRouter, Depends, HTTPException, Query, Security
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials
from starlette.concurrency import run_in_threadpool

from storytrace.corpus.store import content_hash
from storytrace.web.guard import bearer, token_matches
from storytrace.web.schemas import CompareIn, IngestIn, checked_records, to_article
from storytrace.web.service import INGEST_SOURCE as INGEST_ORIGIN
from storytrace.web.service import WebState, analysis_or_404, check_compare_size, check_request_articles, \
    ingest_request, list_stories, run_compare, web_state, without_text

__all__ = ["router"]

router = APIRouter()


@router.get("/api/stories", tags=["stories"], summary="List or search the stories")
def api_stories(q: str = Query("", max_length=500, description="full-text search (FTS5) over titles and texts"),
                sort: str = Query("", pattern="^(|size|recent|relevance)$",
                                  description="size (default), recent, or relevance (with q)"),
                limit: int = Query(50, ge=0, le=1000, description="0: all"),
                # SQLite's integers are 64-bit: a bigger offset is a bad request (422), not a 500
                offset: int = Query(0, ge=0, le=2**63 - 1),
                state: WebState = Depends(web_state)) -> JSONResponse:
    """As `storytrace stories --json`, plus `findings` per story (null: not analysed yet) and,
    with `q`, the matching articles with a snippet."""
    with state.analyses.store() as store:
        return JSONResponse(list_stories(store, state.analyses, q=q, sort=sort, limit=limit, offset=offset))


@router.get("/api/stories/{story_id:path}", tags=["stories"], summary="The full analysis of one story")
def api_story(story_id: str, no_text: bool = Query(False, description="leave article texts out"),
              state: WebState = Depends(web_state)) -> JSONResponse:
    """As `storytrace story ID --json`: the compare contract plus `corpus_story`."""
    an = analysis_or_404(state.analyses, story_id)
    doc = without_text(an.report) if no_text else dict(an.report)
    doc["corpus_story"] = an.corpus_story
    return JSONResponse(doc)


@router.get("/api/articles/{article_id:path}", tags=["articles"], summary="One stored article")
def api_article(article_id: str, state: WebState = Depends(web_state)) -> JSONResponse:
    with state.analyses.store() as store:
        found = store.articles([article_id])
        if not found:
            raise HTTPException(404, f"no article {article_id!r} in the store")
        a = found[0]
        story = store.membership([a.id]).get(a.id)
    return JSONResponse({"id": a.id, "title": a.title, "source": a.source, "url": a.url,
                         "published_at": a.published_at, "story": story, "content_hash": content_hash(a.text),
                         "text": a.text})


@router.post("/api/compare", tags=["compare"], summary="Compare 2-10 texts (no store needed)")
async def api_compare(body: CompareIn, state: WebState = Depends(web_state)) -> JSONResponse:
    """Texts in, the compare JSON contract out (as `storytrace compare --json`)."""
    arts = [to_article(a, f"article-{i + 1}", f"request:articles[{i}]") for i, a in enumerate(body.articles)]
    seen: dict[str, int] = {}
    for i, a in enumerate(arts):
        if a.id in seen:
            raise HTTPException(422, f"invalid request: articles[{i}].id: duplicate id {a.id!r} "
                                     f"(also articles[{seen[a.id]}])")
        seen[a.id] = i
    check_request_articles(arts)  # before the queue: a bad record never waits for the pipeline
    if state.compare_waiting >= state.compare_queue_limit:  # back-pressure: say so now, not in minutes
        raise HTTPException(503, f"busy: {state.compare_waiting} compares are waiting or running; try again later",
                            headers={"Retry-After": str(state.retry_after())})
    state.compare_waiting += 1
    try:
        async with state.compare_gate:
            started = time.monotonic()
            if state.compare_pool is None:
                report = await run_in_threadpool(run_compare, arts, state.max_compare_chars)
            else:  # in a worker process: this process stays free for pages and reads
                check_compare_size(arts, state.max_compare_chars)  # its 413 here, not pickled from a worker
                report = await _in_pool(state, arts)
            state.compare_seconds = 0.8 * state.compare_seconds + 0.2 * (time.monotonic() - started)
    finally:
        state.compare_waiting -= 1
    return JSONResponse(report if body.include_text else without_text(report))


async def _in_pool(state: WebState, arts: list) -> dict:
    from storytrace.web.pool import BrokenProcessPool

    try:
        return await asyncio.wrap_future(state.compare_pool.submit(arts, state.max_compare_chars))
    except BrokenProcessPool:  # a worker died (killed for memory?): the next request gets a new pool
        raise HTTPException(503, "a compare worker stopped; try again", headers={"Retry-After": "5"}) from None


@router.post("/api/articles", tags=["articles"], summary="Ingest articles into the store (bearer token)",
             dependencies=[Security(bearer)])
def api_ingest(body: IngestIn, credentials: HTTPAuthorizationCredentials | None = Security(bearer),
               state: WebState = Depends(web_state)) -> JSONResponse:
    """Store and group articles (as `storytrace ingest --json`). Idempotent: the same id with the
    same text is `unchanged`; the same id with another text is a conflict (the stored one is kept).
    Each record is checked on its own: a bad one is listed in ``error_list`` (``index``, ``message``)
    and skipped, the others are stored (``ok`` false). A request with no good record is a 422."""
    # the Guard middleware checked already; checked again so the route is safe without it
    if credentials is None or not token_matches(credentials.credentials, state.token):
        raise HTTPException(401, "invalid bearer token", headers={"www-authenticate": "Bearer"})
    good, bad = checked_records(body.articles)
    if not good:
        msg = "; ".join(f"articles[{e['index']}]: {e['message']}" for e in bad[:8]) + (" …" if len(bad) > 8 else "")
        raise HTTPException(422, f"invalid request: no article could be stored: {msg}")
    report = ingest_request(state, good)
    if bad:
        report["errors"] += len(bad)
        report["error_list"] = [{"file": INGEST_ORIGIN, "line": None, **e} for e in bad] + report["error_list"]
        report["ok"] = False
    return JSONResponse(report)


@router.get("/healthz", include_in_schema=False)
def healthz() -> dict:
    return {"ok": True}
