"""The ASGI application every fake runs: routing, limits, bodies, JSON errors, logs.

A fake describes itself as `Route`s whose handlers are plain functions
`handler(request) -> Reply`; they run in a bounded thread pool, so SQLite and CPU work
never block the event loop and at most `Limits.workers` run at once. Before a handler
runs, the app has already answered, with the fake's own error shape:

* 404 for an unknown path; 405 (with `Allow`) for a method the path does not take and
  for methods no route takes at all (OPTIONS, TRACE, ...);
* 413 for a body over `Limits.max_body` (by `Content-Length` before reading it, or while
  reading a chunked one);
* 415 when a route that takes JSON (or a form) gets a non-empty body of another type;
* 400 for a JSON body that does not parse or that `jsonbody` refuses (deep nesting,
  huge numbers, lone surrogates);
* nothing at all when the client goes away before its body is complete: a truncated
  body is never handled.

A handler raises `HttpError` for a refusal it decides itself; any other exception is
logged and answered 500 (a bug in the fake). One log line per request, secrets redacted
and control characters escaped.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Awaitable, Callable, Iterable, MutableMapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Any, Literal
from urllib.parse import parse_qsl, unquote

from rokt_braze.fakes.core import jsonbody
from rokt_braze.fakes.core.logs import clean_line

Headers = tuple[tuple[str, str], ...]
Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

JSON_TYPE = "application/json"
FORM_TYPE = "application/x-www-form-urlencoded"


@dataclass(frozen=True)
class Limits:
    """Resource limits of one server; the defaults carry 500 concurrent clients.

    `backlog`: pending connections the kernel queues (capped by somaxconn);
    `max_connections`: open connections, beyond which a new one is answered 503;
    `workers`: handlers running at once; `request_deadline`: seconds from a request's
    first byte to its answer (slow senders get 408, slow handlers 503);
    `keep_alive`: seconds an idle HTTP/1.1 connection stays open; `max_body`: bytes;
    `drain`: bytes of an oversized body read and dropped before the 413, so that the
    client, still sending, reads the answer instead of a connection reset.
    """

    backlog: int = 2048
    max_connections: int = 1024
    workers: int = 8
    request_deadline: float = 10.0
    keep_alive: float = 5.0
    max_body: int = 1_000_000
    drain: int = 16_000_000


@dataclass(frozen=True)
class Reply:
    """What a handler answers: status, body and headers, independent of the plumbing."""

    status: int
    body: bytes = b""
    content_type: str = JSON_TYPE
    headers: Headers = ()


#: The fake's error body: (status, code, reason, extra headers) -> Reply.
ErrorReply = Callable[[int, str, str, Headers], Reply]


def json_reply(status: int, payload: object, headers: Headers = ()) -> Reply:
    import json

    return Reply(status, json.dumps(payload).encode("utf-8"), headers=headers)


def default_error(status: int, code: str, reason: str, headers: Headers = ()) -> Reply:
    return json_reply(status, {"error": code, "message": reason}, headers)


class HttpError(Exception):
    """Raised by a handler to answer an error in the fake's own error shape."""

    def __init__(self, status: int, code: str, reason: str, headers: Headers = ()) -> None:
        super().__init__(f"{status} {code}: {reason}")
        self.status = status
        self.code = code
        self.reason = reason
        self.headers = headers


@dataclass(frozen=True)
class Request:
    """One complete request as a handler sees it.

    `path` is the raw path (percent-escapes kept); `params` are the route's groups,
    percent-decoded; `json` is the parsed body of a JSON route, `form` the fields of a
    form route (a repeated field keeps every value).
    """

    method: str
    path: str
    query: str
    headers: Headers
    body: bytes
    client: str
    params: tuple[str, ...] = ()
    json: Any = None
    form: tuple[tuple[str, str], ...] = ()

    def header(self, name: str) -> str | None:
        lower = name.lower()
        return next((v for k, v in self.headers if k.lower() == lower), None)

    @property
    def target(self) -> str:
        return self.path + (f"?{self.query}" if self.query else "")


Handler = Callable[[Request], Reply]
BodyKind = Literal["none", "json", "form"]


@dataclass(frozen=True)
class Route:
    """`pattern` is a regex matched against the whole raw path. `guard(request)`, when
    given, runs on the headers before the body is read (authentication: an unknown
    client learns nothing about body handling) and raises `HttpError` to refuse."""

    method: str
    pattern: str
    handler: Handler
    body: BodyKind = "none"
    guard: Callable[[Request], None] | None = None
    _regex: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_regex", re.compile(self.pattern))

    def match(self, path: str) -> tuple[str, ...] | None:
        found = self._regex.fullmatch(path)
        return None if found is None else tuple(unquote(g) for g in found.groups())


class App:
    """An ASGI 3 application over `routes`.

    `error` shapes every error body (the fake's own error model); `log` receives one
    clean line per request; `on_reply(request, reply)` sees every handled request (to
    record it) before the answer is sent.
    """

    def __init__(
        self,
        routes: Iterable[Route],
        *,
        limits: Limits | None = None,
        error: ErrorReply = default_error,
        log: Callable[[str], None] | None = None,
        on_reply: Callable[[Request, Reply], None] | None = None,
    ) -> None:
        self.routes: Sequence[Route] = tuple(routes)
        self.limits = limits or Limits()
        self.error = error
        self._log = log
        self._on_reply = on_reply
        self._methods = {r.method for r in self.routes} | (
            {"HEAD"} if any(r.method == "GET" for r in self.routes) else set()
        )
        self._pool = ThreadPoolExecutor(self.limits.workers, thread_name_prefix="fake-handler")

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)

    def log_line(self, line: str) -> None:
        if self._log is not None:
            self._log(clean_line(line))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":  # lifespan is off; websockets are not served
            return
        started = time.monotonic()
        method = str(scope["method"])
        raw_path = bytes(scope.get("raw_path") or scope["path"].encode()).decode("latin-1")
        query = bytes(scope.get("query_string", b"")).decode("latin-1")
        headers = tuple(
            (bytes(k).decode("latin-1"), bytes(v).decode("latin-1")) for k, v in scope["headers"]
        )
        client = str((scope.get("client") or ("-", 0))[0])
        request = Request(method, raw_path, query, headers, b"", client)
        answered = await self._answer(request, receive, started)
        if answered is None:  # the client left before its request was complete
            self.log_line(f'{client} "{method} {request.target}" - (client went away)')
            return
        request, reply = answered
        if reply.status in (408, 413):  # the rest of the body may still be on its way
            reply = _with_close(reply)
        if self._on_reply is not None:
            self._on_reply(request, reply)
        self.log_line(f'{client} "{method} {request.target}" {reply.status}')
        await _send_reply(send, reply)

    async def _answer(
        self, request: Request, receive: Receive, started: float
    ) -> tuple[Request, Reply] | None:
        route, params, allowed = self._route(request.method, request.path)
        if route is None:
            if allowed:
                return request, self.error(
                    405, "MethodNotAllowed", f"{request.method} is not allowed here",
                    (("Allow", ", ".join(sorted(allowed))),),
                )  # fmt: skip
            return request, self.error(404, "NotFound", f"no route for {request.path}", ())
        request = replace(request, params=params)
        loop = asyncio.get_running_loop()
        if route.guard is not None:
            refused = await loop.run_in_executor(self._pool, self._run, route.guard, request)
            if refused is not None:
                return request, refused
        declared = request.header("content-length")
        limit = self.limits.max_body + self.limits.drain
        if declared is not None and declared.isdigit() and int(declared) > limit:
            return request, self._too_large()  # too big even to drain: answer at once
        try:
            body = await asyncio.wait_for(self._read_body(receive), self._left(started))
        except asyncio.TimeoutError:
            return request, self.error(
                408, "RequestTimeout", "the request took too long to arrive", ()
            )
        if body is None:
            return None
        if isinstance(body, Reply):
            return request, body
        request = replace(request, body=body)
        prepared = self._prepare_body(route, request)
        if isinstance(prepared, Reply):
            return request, prepared
        try:
            reply = await asyncio.wait_for(
                loop.run_in_executor(self._pool, self._run, route.handler, prepared),
                self._left(started),
            )
            assert reply is not None  # a handler always answers
        except asyncio.TimeoutError:
            reply = self.error(503, "ServiceUnavailable", "the server is too busy; try again",
                               (("Retry-After", "1"),))
        return prepared, reply

    def _left(self, started: float) -> float:
        return max(0.001, self.limits.request_deadline - (time.monotonic() - started))

    def _route(self, method: str, path: str) -> tuple[Route | None, tuple[str, ...], set[str]]:
        lookup = "GET" if method == "HEAD" else method
        allowed: set[str] = set()
        for route in self.routes:
            params = route.match(path)
            if params is None:
                continue
            if route.method == lookup:
                return route, params, allowed
            allowed.add(route.method)
        if method not in self._methods:  # OPTIONS, TRACE, ...: 405, even on unknown paths
            allowed = allowed or {r.method for r in self.routes}
        return None, (), allowed

    async def _read_body(self, receive: Receive) -> bytes | Reply | None:
        """The whole body; past `max_body` the rest is read and dropped (up to `drain`
        bytes more) and the answer is 413."""
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return None
            chunk = bytes(message.get("body", b""))
            size += len(chunk)
            more = bool(message.get("more_body", False))
            if size > self.limits.max_body:
                chunks.clear()
                if not more or size > self.limits.max_body + self.limits.drain:
                    return self._too_large()
                continue
            chunks.append(chunk)
            if not more:
                return b"".join(chunks)

    def _too_large(self) -> Reply:
        return self.error(413, "PayloadTooLarge",
                          f"the body is over {self.limits.max_body} bytes", ())

    def _prepare_body(self, route: Route, request: Request) -> Request | Reply:
        if route.body == "none" or not request.body:
            return request
        media = (request.header("content-type") or "").split(";")[0].strip().lower()
        if route.body == "json":
            if media != JSON_TYPE and not (media.startswith("application/") and
                                           media.endswith("+json")):
                return self.error(415, "UnsupportedMediaType",
                                  f"send the body as {JSON_TYPE} (got {media or 'no type'})", ())
            try:
                value = jsonbody.loads(request.body)
            except jsonbody.UnsafeJson as err:
                return self.error(400, "body-json-invalid", str(err), ())
            return replace(request, json=value)
        if media != FORM_TYPE:
            return self.error(415, "UnsupportedMediaType",
                              f"send the body as {FORM_TYPE} (got {media or 'no type'})", ())
        try:
            text = request.body.decode("utf-8")
        except UnicodeDecodeError:
            return self.error(400, "BadRequest", "the form is not UTF-8", ())
        return replace(request, form=tuple(parse_qsl(text, keep_blank_values=True)))

    def _run(self, call: Callable[[Request], Reply | None], request: Request) -> Reply | None:
        """A handler's reply (a guard's None), an `HttpError` in the fake's error shape,
        or 500 for any other exception."""
        try:
            return call(request)
        except HttpError as err:
            return self.error(err.status, err.code, err.reason, err.headers)
        except Exception as exc:  # a bug in the fake: answer 500, keep serving
            self.log_line(f"error: {type(exc).__name__}: {exc}")
            return self.error(500, "InternalServerError", "the fake server failed", ())


def _with_close(reply: Reply) -> Reply:
    return Reply(reply.status, reply.body, reply.content_type,
                 (*reply.headers, ("Connection", "close")))


async def _send_reply(send: Send, reply: Reply) -> None:
    headers = [(b"content-length", str(len(reply.body)).encode())]
    if reply.content_type:
        headers.append((b"content-type", reply.content_type.encode("latin-1")))
    headers += [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in reply.headers]
    await send({"type": "http.response.start", "status": reply.status, "headers": headers})
    await send({"type": "http.response.body", "body": reply.body, "more_body": False})
