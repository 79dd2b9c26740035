"""Issue 12: a request body that stops arriving is answered 408 and its connection closed, not held
open (uvicorn's own timeouts are for idle keep-alive connections only)."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time

import pytest

pytest.importorskip("fastapi", reason="the web app needs fastapi: pip install -e '.[web]'")

from storytrace.corpus.store import Store  # noqa: E402
from storytrace.web.app import create_app  # noqa: E402
from storytrace.web.guard import DEFAULT_BODY_TIMEOUT, Guard  # noqa: E402


def scope(path: str = "/api/compare", length: int | None = 1000) -> dict:
    headers = [(b"content-type", b"application/json")]
    if length is not None:
        headers.append((b"content-length", str(length).encode()))
    return {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
            "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "",
            "headers": headers, "client": ("127.0.0.1", 5000), "server": ("127.0.0.1", 8000)}


async def call(app, receive, sc: dict | None = None) -> tuple[list[dict], float]:
    sent: list[dict] = []

    async def send(message: dict) -> None:
        sent.append(message)

    t0 = time.monotonic()
    await asyncio.wait_for(app(sc or scope(), receive, send), 10)
    return sent, time.monotonic() - t0


def answer(sent: list[dict]) -> tuple[int, dict[str, str], dict]:
    start = next(m for m in sent if m["type"] == "http.response.start")
    headers = {k.decode().lower(): v.decode() for k, v in start["headers"]}
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start["status"], headers, json.loads(body)


async def never_called(scope, receive, send) -> None:
    raise AssertionError("the app saw a request whose body never arrived")


def test_the_default_is_thirty_seconds() -> None:
    assert DEFAULT_BODY_TIMEOUT == 30


def test_a_body_that_never_arrives_gets_408_within_the_timeout() -> None:
    async def receive() -> dict:
        await asyncio.Event().wait()  # never returns
        raise AssertionError

    guard = Guard(never_called, max_body=10_000, token=None, body_timeout=0.3)
    sent, took = asyncio.run(call(guard, receive))
    status, headers, doc = answer(sent)
    assert status == 408 and headers["connection"] == "close"
    assert "stopped arriving" in doc["detail"] and "0 bytes received" in doc["detail"]
    assert 0.25 <= took < 3


def test_a_body_that_stops_half_way_gets_408() -> None:
    parts = [{"type": "http.request", "body": b'{"articles": [', "more_body": True}]

    async def receive() -> dict:
        if parts:
            return parts.pop()
        await asyncio.sleep(3600)
        raise AssertionError

    guard = Guard(never_called, max_body=10_000, token=None, body_timeout=0.2)
    sent, took = asyncio.run(call(guard, receive))
    status, _, doc = answer(sent)
    assert status == 408 and "14 bytes received" in doc["detail"] and took < 3


def test_a_body_trickling_in_gets_408_at_the_total_limit() -> None:
    async def receive() -> dict:
        await asyncio.sleep(0.02)
        return {"type": "http.request", "body": b" ", "more_body": True}

    guard = Guard(never_called, max_body=10_000_000, token=None, body_timeout=0.5, body_total_timeout=0.4)
    sent, took = asyncio.run(call(guard, receive))
    status, _, doc = answer(sent)
    assert status == 408 and "whole body within 0.4 s" in doc["detail"] and 0.35 <= took < 3


def test_a_slow_but_steady_body_gets_through() -> None:
    parts = [{"type": "http.request", "body": b"b" * 10, "more_body": False},
             {"type": "http.request", "body": b"a" * 10, "more_body": True}]
    seen: list[bytes] = []

    async def receive() -> dict:
        await asyncio.sleep(0.1)
        return parts.pop()

    async def app(scope, receive, send) -> None:
        seen.append((await receive())["body"])
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"{}"})

    guard = Guard(app, max_body=10_000, token=None, body_timeout=0.3)
    sent, _ = asyncio.run(call(guard, receive, scope(length=20)))
    assert answer(sent)[0] == 200 and seen == [b"a" * 10 + b"b" * 10]


def test_the_app_answers_408_on_a_stalled_paste_form(tmp_path) -> None:
    db = str(tmp_path / "s.db")
    Store.open(db).close()
    app = create_app(db, body_timeout=0.2)

    async def receive() -> dict:
        await asyncio.Event().wait()
        raise AssertionError

    async def run() -> tuple[list[dict], float]:
        async with app.router.lifespan_context(app):
            return await call(app, receive, scope("/paste", length=500))

    sent, took = asyncio.run(run())
    assert answer(sent)[0] == 408 and took < 3


def test_serve_closes_the_connection_of_a_stalled_body(tmp_path) -> None:
    """Through uvicorn, as `storytrace serve` runs it: 408, then the server closes the socket."""
    uvicorn = pytest.importorskip("uvicorn")
    db = str(tmp_path / "s.db")
    Store.open(db).close()
    app = create_app(db, body_timeout=0.5)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                                           timeout_keep_alive=5, lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        for _ in range(200):
            if server.started:
                break
            time.sleep(0.025)
        assert server.started
        with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
            s.sendall(b"POST /api/compare HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                      b"Content-Length: 1000\r\n\r\n{\"articles\": [")
            t0 = time.monotonic()
            got = b""
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break  # closed by the server
                got += chunk
            took = time.monotonic() - t0
        assert got.startswith(b"HTTP/1.1 408"), got[:200]
        assert b"stopped arriving" in got and 0.4 <= took < 5
    finally:
        server.should_exit = True
        thread.join(10)


@pytest.fixture
def serve_args(tmp_path, monkeypatch):
    """Runs `storytrace serve ARGS` without serving: (the CLI's result, the create_app keywords it chose)."""
    uvicorn = pytest.importorskip("uvicorn")
    from click.testing import CliRunner

    from storytrace.cli import main

    db = str(tmp_path / "s.db")
    Store.open(db).close()
    made: dict = {}
    monkeypatch.setattr("storytrace.web.app.create_app", lambda *a, **kw: made.update(kw) or "APP")
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: made.update(app=app))

    def run(*args: str):
        made.clear()
        return CliRunner().invoke(main, ["serve", "--db", db, "--port", "0", *args]), made

    return run


def test_serve_takes_the_body_timeout(serve_args) -> None:
    res, made = serve_args("--body-timeout", "7")
    assert res.exit_code == 0, res.output
    assert made["app"] == "APP" and made["body_timeout"] == 7
    res, made = serve_args()
    assert res.exit_code == 0 and made["body_timeout"] == 30
    assert "--body-timeout" in serve_args("--help")[0].output


def test_serve_sizes_the_compare_processes_to_the_machine_or_takes_a_number(serve_args) -> None:
    from storytrace.web.pool import default_processes

    res, made = serve_args()
    assert res.exit_code == 0 and made["compare_processes"] == default_processes() >= 1
    res, made = serve_args("--compare-processes", "0")
    assert res.exit_code == 0 and made["compare_processes"] == 0
    bad, _ = serve_args("--compare-processes", "many")
    assert bad.exit_code == 2 and "--compare-processes" in bad.output and "Traceback" not in bad.output
