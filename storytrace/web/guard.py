"""The request guard: bearer token for the write endpoints, then the request body cap and timeout.

`Guard` is an ASGI middleware, so the checks run before FastAPI reads a body:
a write without the token is refused without reading what it sends, no
handler ever sees more than ``max_body`` bytes, and a body that stops arriving
(no part of it for ``body_timeout`` seconds, or not all of it within
``body_total_timeout``) is answered 408 and its connection closed: uvicorn's own
timeouts cover idle keep-alive connections only. `bearer` and `token_matches`
are the same check as a FastAPI dependency (so the OpenAPI document shows the
scheme, and a handler can check again).
"""

from __future__ import annotations

import asyncio
import hmac

from fastapi.security import HTTPBearer
from starlette.responses import JSONResponse

from storytrace.web.errors import json_error

__all__ = ["DEFAULT_BODY_TIMEOUT", "DEFAULT_BODY_TOTAL_TIMEOUT", "DEFAULT_MAX_BODY", "PROTECTED", "Guard", "bearer",
           "token_matches"]

DEFAULT_MAX_BODY = 5_000_000
#: seconds the next part of a request body may take to arrive (then 408, connection closed)
DEFAULT_BODY_TIMEOUT = 30.0
#: seconds a whole request body may take to arrive (a body trickling in one byte at a time)
DEFAULT_BODY_TOTAL_TIMEOUT = 300.0
#: (method, path) of the endpoints that write: they need the bearer token
PROTECTED = frozenset({("POST", "/api/articles")})

bearer = HTTPBearer(auto_error=False, description="the token from STORYTRACE_TOKEN")


def token_matches(given: str | None, token: str | None) -> bool:
    """Whether ``given`` is the server's ``token`` (constant time; never with no token set)."""
    if not token or given is None:
        return False
    return hmac.compare_digest(given.encode("utf-8"), token.encode("utf-8"))


class Guard:
    """ASGI middleware: bearer token for write endpoints, then the request body cap.

    The body is read here (at most ``max_body`` bytes, whether it comes with a
    ``Content-Length`` or chunked) and replayed to the app, so no handler ever
    sees more than the cap. Over the cap: 413 with a JSON message. A body whose
    next part does not arrive within ``body_timeout`` seconds, or which is not
    whole within ``body_total_timeout``: 408 with ``Connection: close`` (the
    server then closes the connection).
    """

    def __init__(self, app, *, max_body: int, token: str | None,
                 protected: frozenset[tuple[str, str]] = PROTECTED,
                 body_timeout: float | None = DEFAULT_BODY_TIMEOUT,
                 body_total_timeout: float | None = DEFAULT_BODY_TOTAL_TIMEOUT) -> None:
        self.app = app
        self.max_body = max_body
        self.token = token
        self.protected = protected
        self.body_timeout = body_timeout
        self.body_total_timeout = body_total_timeout

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers") or []}
        if (scope["method"], scope["path"].rstrip("/") or "/") in self.protected:
            refusal = self._auth(headers.get("authorization"))
            if refusal is not None:
                await refusal(scope, receive, send)
                return
        length = headers.get("content-length")
        if length is not None:
            if not length.strip().isdigit():
                await json_error(400, f"bad Content-Length header: {length!r}",
                                 {"connection": "close"})(scope, receive, send)
                return
            if int(length) > self.max_body:
                await self._too_large(int(length))(scope, receive, send)
                return
        if scope["method"] in ("GET", "HEAD", "OPTIONS") and length in (None, "0") \
                and "transfer-encoding" not in headers:
            await self.app(scope, receive, send)
            return
        body = bytearray()
        loop = asyncio.get_running_loop()
        deadline = None if self.body_total_timeout is None else loop.time() + self.body_total_timeout
        while True:
            wait = self.body_timeout
            if deadline is not None:
                left = max(0.0, deadline - loop.time())
                wait = left if wait is None else min(wait, left)
            try:
                message = await asyncio.wait_for(receive(), wait) if wait is not None else await receive()
            except asyncio.TimeoutError:
                await self._too_slow(len(body))(scope, receive, send)
                return
            if message["type"] == "http.disconnect":
                return  # the client went away
            body += message.get("body", b"")
            if len(body) > self.max_body:
                await self._too_large(None)(scope, receive, send)
                return
            if not message.get("more_body", False):
                break
        replayed = False

        async def replay():
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": bytes(body), "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    def _too_large(self, declared: int | None) -> JSONResponse:
        got = f"{declared:,} bytes" if declared is not None else f"over {self.max_body:,} bytes (streamed)"
        return json_error(413, f"request body too large: {got}; the limit is {self.max_body:,} bytes "
                               "(storytrace serve --max-body)", {"connection": "close"},
                          limit=self.max_body)

    def _too_slow(self, got: int) -> JSONResponse:
        if self.body_timeout is not None and (self.body_total_timeout is None
                                              or self.body_timeout <= self.body_total_timeout):
            limit = f"each part must arrive within {self.body_timeout:g} s"
        else:
            limit = ""
        if self.body_total_timeout is not None:
            limit += ("; " if limit else "") + f"the whole body within {self.body_total_timeout:g} s"
        return json_error(408, f"the request body stopped arriving ({got:,} bytes received; {limit}): "
                               "the connection is closed", {"connection": "close"})

    def _auth(self, header: str | None) -> JSONResponse | None:
        if not self.token:
            return json_error(403, "writes are disabled: this server was started without STORYTRACE_TOKEN "
                                   "(set it to require and accept a bearer token)")
        scheme, _, given = (header or "").partition(" ")
        if scheme.lower() != "bearer" or not given.strip():
            return json_error(401, "this endpoint needs 'Authorization: Bearer <token>' "
                                   "(the token the server was started with, from STORYTRACE_TOKEN)",
                              {"www-authenticate": "Bearer"})
        if not token_matches(given.strip(), self.token):
            return json_error(401, "invalid bearer token", {"www-authenticate": 'Bearer error="invalid_token"'})
        return None
