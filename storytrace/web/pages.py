"""The HTML routes: stories, one story, the compare view, the paste form (rendered by `views`).

* ``/``                      stories: full-text search, sort by size or recency, findings per story
* ``/stories/{id}``          one story: articles, reuse matrix, derivation graph, findings, brief
* ``/compare?story=&a=&b=``  two versions of a story side by side
* ``/paste``                 2-10 pasted texts (each with an optional name) or uploaded files, analysed
                             without the store, as a job: the form redirects to ``/paste/results/KEY``,
                             which shows the job's step, counts and time left (polling
                             ``/paste/jobs/KEY``; a reload every 2 s without script), then the result;
                             it downloads as JSON or as the HTML report (``/paste/results/KEY.json`` /
                             ``.html``, the latest results kept in memory)
* ``/how-to-read``           the report's "How to read this report" section on its own
"""

from __future__ import annotations

import asyncio
from urllib.parse import quote

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from storytrace.corpus.stories import StoryNotFound
from storytrace.web import views
from storytrace.web.schemas import MAX_COMPARE
from storytrace.web.service import (WebState, analysis_or_404, check_compare_size, list_stories, read_uploads,
                                    run_compare, web_state)

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

STORIES_PER_PAGE = 50


def page(html_text: str, status: int = 200, csp: bool = True) -> HTMLResponse:
    """An HTML answer; ``csp=False`` for the report pages, which carry their own policy."""
    headers = {"content-security-policy": views.CSP} if csp else {}
    return HTMLResponse(html_text, status_code=status, headers=headers)


@router.get("/")
def stories_page(q: str = "", sort: str = "", page_no: int = Query(1, alias="page", ge=1, le=100_000),
                 state: WebState = Depends(web_state)) -> HTMLResponse:
    q = q.strip()[:500]
    if sort not in ("size", "recent", "relevance") or (sort == "relevance" and not q):
        sort = "relevance" if q else "size"
    per = STORIES_PER_PAGE
    with state.analyses.store() as store:
        doc = list_stories(store, state.analyses, q=q, sort=sort, limit=per, offset=(page_no - 1) * per)
    return page(views.stories_page(doc, q=q, sort=sort, page=page_no, per_page=per))


@router.get("/story-jobs")
def story_job(id: str = Query(..., max_length=1000), state: WebState = Depends(web_state)) -> JSONResponse:
    """A story analysis's progress, for its page (as `paste_job`); 404 when none is running."""
    job = state.story_jobs.get(id)
    if job is None:
        raise HTTPException(404, f"no analysis of story {id!r} is running")
    return JSONResponse({**job.status(), "result": "/stories/" + quote(id, safe="")},
                        headers={"cache-control": "no-store"})


@router.get("/stories/{story_id:path}")
async def story_page(story_id: str, state: WebState = Depends(web_state)) -> HTMLResponse:
    """A stored story: its analysis at once when it is ready (in memory or kept in the store); else
    its progress while it runs (reloading itself), then the story."""
    try:
        an = await run_in_threadpool(state.analyses.ready, story_id)
    except StoryNotFound:
        raise HTTPException(404, f"no story {story_id!r} in the store") from None
    if an is None:
        job = state.story_job(story_id)
        loop = asyncio.get_running_loop()
        until = loop.time() + state.paste_wait_s  # a short analysis shows the story at once
        while not job.finished.is_set() and loop.time() < until:
            await asyncio.sleep(0.05)
        if not job.finished.is_set():
            here = "/stories/" + quote(story_id, safe="")
            return HTMLResponse(views.story_progress_page(job.status(), "/story-jobs?id=" + quote(story_id, safe=""),
                                                          here, story_id),
                                headers={"content-security-policy": views.PROGRESS_CSP, "cache-control": "no-store"})
        if job.error:
            status, message = job.error
            return page(views.error_page(status, message, links=[("All stories", "/")]), status)
        an = await run_in_threadpool(analysis_or_404, state.analyses, story_id)
    return page(views.story_page(an), csp=False)


@router.get("/compare")
def compare_page(story: str = "", a: str = "", b: str = "", state: WebState = Depends(web_state)) -> HTMLResponse:
    if not story:
        raise HTTPException(400, "the compare view needs ?story=STORY_ID (and optionally &a=ID&b=ID)")
    an = analysis_or_404(state.analyses, story)
    ids = [x["id"] for x in an.report.get("articles") or []]
    if len(ids) < 2:
        return page(views.error_page(400, f"story {story!r} has only one article: nothing to compare",
                                     links=[("Back to the story", views.story_url(story))]), 400)
    for name, value in (("a", a), ("b", b)):
        if value and value not in ids:
            raise HTTPException(404, f"article {value!r} ({name}) is not among story {story!r}'s compared articles")
    a, b = views.pick_pair(an.report, a or None, b or None)
    return page(views.compare_page(an, a, b), csp=False)


@router.get("/how-to-read")
def howto_page() -> HTMLResponse:
    return page(views.howto_page())


@router.get("/paste")
def paste_form() -> HTMLResponse:
    return page(views.paste_page())


def _label_problem(labels: list[str]) -> str | None:
    """What is wrong with the names given to the pasted texts (two alike, too long), or None."""
    seen: dict[str, int] = {}
    for i, lab in enumerate(labels, 1):
        if not lab:
            continue
        if len(lab) > views.MAX_LABEL_CHARS:
            return f"the name of text {i} has {len(lab):,} characters; at most {views.MAX_LABEL_CHARS} are allowed"
        if lab in seen:
            return f"texts {seen[lab]} and {i} are both named {lab!r}: give each version its own name"
        seen[lab] = i
    return None


@router.get("/paste/results/{key}.json")
def paste_result_json(key: str, state: WebState = Depends(web_state)) -> Response:
    """A paste result as the compare JSON contract (as `storytrace compare --json`), as a download."""
    import json

    body = json.dumps(state.pastes.get(key), ensure_ascii=False, indent=2) + "\n"
    return Response(body, media_type="application/json",
                    headers={"content-disposition": 'attachment; filename="storytrace-paste.json"'})


@router.get("/paste/results/{key}.html")
def paste_result_html(key: str, state: WebState = Depends(web_state)) -> HTMLResponse:
    """A paste result as the stand-alone HTML report (as `storytrace compare --html`), as a download."""
    from storytrace.report.html import render_html

    resp = page(render_html(state.pastes.get(key)), csp=False)  # the report carries its own policy
    resp.headers["content-disposition"] = 'attachment; filename="storytrace-paste.html"'
    return resp


@router.post("/paste")
async def paste_submit(request: Request, state: WebState = Depends(web_state)) -> Response:
    from starlette.datastructures import UploadFile
    from starlette.formparsers import MultiPartException

    from storytrace.readers.records import IngestError

    try:
        form = await request.form(max_files=MAX_COMPARE * 10, max_fields=100, max_part_size=state.max_body)
    except MultiPartException as exc:
        return page(views.paste_page(error=f"the form could not be read: {exc.message}"), 400)
    except Exception as exc:  # a body that is not a form at all
        return page(views.paste_page(error=f"the form could not be read ({type(exc).__name__})"), 400)
    texts: list[str] = []
    kept: list[str] = []
    kept_labels: list[str] = []
    labels: list[str] = []  # the name of each text in `texts` ("" when none)
    for i in range(1, MAX_COMPARE + 1):
        v = form.get(f"text{i}")
        v = v if isinstance(v, str) else ""
        lab = form.get(f"label{i}")
        lab = " ".join(lab.split()) if isinstance(lab, str) else ""  # one line: it is an id
        kept.append(v)
        kept_labels.append(lab)
        if v.strip():
            texts.append(v.replace("\r\n", "\n"))
            labels.append(lab)
    files: list[tuple[str, bytes]] = []
    for item in form.getlist("files"):
        if isinstance(item, UploadFile) and (item.filename or item.size):
            data = await item.read()
            if data:
                files.append((item.filename or "upload.txt", data))
    await form.close()

    def again(error: str, status: int = 400) -> HTMLResponse:  # the form as it was sent, with the error
        return page(views.paste_page(kept, error=error, labels=kept_labels), status)

    if len(texts) + len(files) == 0:
        return again("paste at least two texts or upload files")
    problem = _label_problem(kept_labels)
    if problem:
        return again(problem)
    try:
        arts = await run_in_threadpool(read_uploads, texts, files, state.max_body, labels)
    except IngestError as exc:
        return again(f"cannot read {exc}")
    if not 2 <= len(arts) <= MAX_COMPARE:
        return again(f"got {len(arts)} article(s); paste or upload 2 to {MAX_COMPARE}")
    seen: dict[str, str] = {}
    for a in arts:  # a name may equal an uploaded file's id: the report needs each id once
        if a.id in seen:
            return again(f"two versions are named {a.id!r} ({seen[a.id]} and {a.origin}): give each its own name")
        seen[a.id] = a.origin or a.id
    try:
        check_compare_size(arts, state.max_compare_chars)
        job = state.pastes.start(arts, state.max_compare_chars, run_compare)
    except HTTPException as exc:
        return again(str(exc.detail), exc.status_code)
    # the result page shows the progress until the analysis has finished (POST, then GET: reloading
    # the result does not send the texts again)
    return RedirectResponse(f"/paste/results/{job.key}", status_code=303)


@router.get("/paste/jobs/{key}")
def paste_job(key: str, state: WebState = Depends(web_state)) -> JSONResponse:
    """A paste analysis's progress: ``{step, done, total, eta_s, finished, error, elapsed_s, text, result}``
    (``text``: "aligning pairs 12/45, about 20 s left"; ``result``: its page)."""
    return JSONResponse(state.pastes.job(key).status(), headers={"cache-control": "no-store"})


@router.get("/paste/results/{key}")
async def paste_result(key: str, state: WebState = Depends(web_state)) -> HTMLResponse:
    """A paste analysis: its progress while it runs (the page polls `paste_job`; without script it
    reloads itself), then its result with the downloads."""
    job = state.pastes.job(key)
    loop = asyncio.get_running_loop()
    until = loop.time() + state.paste_wait_s  # a short analysis shows its result at once
    while not job.finished.is_set() and loop.time() < until:
        await asyncio.sleep(0.05)
    if not job.finished.is_set():
        resp = HTMLResponse(views.paste_progress_page(job.status(), f"/paste/jobs/{key}", f"/paste/results/{key}"),
                            headers={"content-security-policy": views.PROGRESS_CSP, "cache-control": "no-store"})
        return resp
    if job.error:
        status, message = job.error
        return page(views.error_page(status, message, links=[("Paste texts", "/paste")]), status)
    downloads = [("JSON", f"/paste/results/{key}.json"), ("HTML report", f"/paste/results/{key}.html")]
    return page(views.paste_result_page(state.pastes.get(key), downloads), csp=False)
