"""`FakeRokt`: the fake Rokt Calendar API served by the standard library's HTTP server.

Routes (see the package docstring for the behaviour each one fakes):

    POST   /oauth2/token
    POST   /v1/subscriptionevent/{accountCode}
    POST   /v1/subscriptionevent/{accountCode}/update
    DELETE /v1/subscriptionevent/{accountCode}/{eventId}
    GET    /calendars/{subscriptionId}.ics
    GET    /health
"""

from __future__ import annotations

import contextlib
import os
import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, cast
from urllib.parse import unquote, urlsplit

from rokt_braze.fake_rokt.clock import Clock
from rokt_braze.fake_rokt.events import BadEvent, Kind, parse_event
from rokt_braze.fake_rokt.ics import build_feed, require_icalendar
from rokt_braze.fake_rokt.models import RecordedRequest, StoredEvent
from rokt_braze.fake_rokt.oauth import OAuth
from rokt_braze.fake_rokt.replies import Reply, accepted, json_reply, rokt_error
from rokt_braze.fake_rokt.store import Store
from rokt_braze.secrets import redact_form, redact_header, redact_params

#: Used when no clients are configured; a fixed pair so tests and examples can use it.
DEFAULT_CLIENTS: Mapping[str, str] = {"demo-client": "demo-secret"}
DEFAULT_EXPIRES_IN = 300
MAX_BODY = 1_000_000


@dataclass(frozen=True)
class _Request:
    method: str
    path: str
    headers: Message
    body: bytes

    def header(self, name: str) -> str | None:
        return self.headers.get(name)


_Handler = Callable[[_Request, tuple[str, ...]], Reply]


class FakeRokt:
    """A fake Rokt Calendar API with its own state; see `running_fake_rokt`.

    `clients` maps client id -> secret; `accounts` lists the known account codes (None
    accepts any code); `expires_in` is the access-token lifetime in seconds; `clock`
    returns epoch seconds (pass a `ManualClock` to expire tokens in tests); `db` is a
    SQLite file that keeps everything across restarts (default: in memory); `log` gets
    one redacted line per request.
    """

    def __init__(
        self,
        *,
        clients: Mapping[str, str] | None = None,
        accounts: Iterable[str] | None = None,
        expires_in: int = DEFAULT_EXPIRES_IN,
        clock: Clock = time.time,
        db: str | os.PathLike[str] | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        log: Callable[[str], None] | None = None,
    ) -> None:
        require_icalendar()
        if expires_in <= 0:
            raise ValueError("expires_in must be a positive number of seconds")
        self.clients = dict(DEFAULT_CLIENTS if clients is None else clients)
        self.accounts = None if accounts is None else frozenset(accounts)
        self.clock = clock
        self._address = (host, port)
        self._log = log
        self._store = Store(db)
        if self.accounts:
            self._store.add_accounts(sorted(self.accounts))
        self._oauth = OAuth(self._store, self.clients, expires_in, clock)
        self._recorded: list[RecordedRequest] = []
        self._recorded_lock = threading.Lock()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._routes: list[tuple[str, re.Pattern[str], _Handler]] = [
            ("GET", re.compile(r"/health"), self._health),
            ("POST", re.compile(r"/oauth2/token"), self._token),
            ("POST", re.compile(r"/v1/subscriptionevent/([^/]+)"), self._create),
            ("POST", re.compile(r"/v1/subscriptionevent/([^/]+)/update"), self._update),
            ("DELETE", re.compile(r"/v1/subscriptionevent/([^/]+)/([^/]+)"), self._delete),
            ("GET", re.compile(r"/calendars/([^/]+)\.ics"), self._calendar),
        ]

    # lifecycle

    def bind(self) -> None:
        """Open the listening socket (port 0 picks a free one); raises OSError."""
        if self._server is None:
            self._server = _Server(self._address, self)

    def start(self) -> FakeRokt:
        """Serve from a background thread until `stop`."""
        self.bind()
        server = cast(_Server, self._server)
        # a short poll keeps `stop` (which waits for the loop to notice) quick in tests
        self._thread = threading.Thread(
            target=server.serve_forever, args=(0.05,), name="fake-rokt", daemon=True
        )
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Serve from the calling thread (the CLI); returns or raises on interrupt."""
        self.bind()
        cast(_Server, self._server).serve_forever()

    def stop(self) -> None:
        """Stop serving and close the database (`events` needs a running fake; `requests`
        stays readable); safe to call twice."""
        server, self._server = self._server, None
        if server is not None:
            if self._thread is not None:
                server.shutdown()
                self._thread.join()
                self._thread = None
            server.server_close()
        self._store.close()

    def __enter__(self) -> FakeRokt:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # what tests look at

    @property
    def base_url(self) -> str:
        if self._server is None:
            raise RuntimeError("the fake Rokt server is not running")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def calendar_url(self, subscription_id: str) -> str:
        return f"{self.base_url}/calendars/{subscription_id}.ics"

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every request answered so far, oldest first, credentials redacted."""
        with self._recorded_lock:
            return list(self._recorded)

    def events(self, account: str) -> list[StoredEvent]:
        """The events stored for one account, by eventId."""
        return self._store.events(account)

    # request handling (called from the server's threads)

    def handle(self, request: _Request) -> Reply:
        path = urlsplit(request.path).path
        allowed: list[str] = []
        for method, pattern, handler in self._routes:
            match = pattern.fullmatch(path)
            if match is None:
                continue
            if method != request.method:
                allowed.append(method)
                continue
            params = tuple(unquote(group) for group in match.groups())
            try:
                return handler(request, params)
            except Exception as exc:  # a bug in the fake: answer like Rokt's 500, keep serving
                self.log_line(f"error: {type(exc).__name__}: {redact_params(str(exc))}")
                return rokt_error(500, "InternalServerError", "the fake server failed")
        if allowed:
            return rokt_error(
                405, "MethodNotAllowed", f"{request.method} is not allowed here",
                (("Allow", ", ".join(sorted(set(allowed)))),),
            )  # fmt: skip
        return rokt_error(404, "NotFound", f"no route for {path}")

    def record(self, request: _Request, status: int) -> None:
        headers = tuple((k, redact_header(k, v)) for k, v in request.headers.items())
        body = request.body.decode("utf-8", errors="replace")
        if urlsplit(request.path).path == "/oauth2/token":
            body = redact_form(body)
        entry = RecordedRequest(request.method, redact_params(request.path), headers, body, status)
        with self._recorded_lock:
            self._recorded.append(entry)

    def log_line(self, line: str) -> None:
        if self._log is not None:
            self._log(redact_params(line))

    # routes

    def _health(self, request: _Request, params: tuple[str, ...]) -> Reply:
        return json_reply(200, {"status": "ok"})

    def _token(self, request: _Request, params: tuple[str, ...]) -> Reply:
        return self._oauth.token(request.header("Authorization"), request.body.decode("latin-1"))

    def _create(self, request: _Request, params: tuple[str, ...]) -> Reply:
        return self._write_event("create", request, params[0])

    def _update(self, request: _Request, params: tuple[str, ...]) -> Reply:
        return self._write_event("update", request, params[0])

    def _write_event(self, kind: Kind, request: _Request, account: str) -> Reply:
        refused = self._refuse(request, account)
        if refused is not None:
            return refused
        try:
            parsed = parse_event(kind, account, request.body, request.header("Content-Type"))
        except BadEvent as bad:
            return rokt_error(400, bad.code, bad.reason)
        now = self.clock()
        if kind == "create":
            self._store.put_event(account, parsed.details, parsed.subscription_ids, now)
        elif not self._store.update_event(account, parsed.details, now):
            # Rokt's answer is undocumented; the fake says so instead of creating it.
            return rokt_error(
                404, "NotFound", f"no event {parsed.details.event_id!r} in {account!r}"
            )
        return accepted()

    def _delete(self, request: _Request, params: tuple[str, ...]) -> Reply:
        account, event_id = params
        refused = self._refuse(request, account)
        if refused is not None:
            return refused
        if not self._store.delete_event(account, event_id):
            return rokt_error(404, "NotFound", f"no event {event_id!r} in {account!r}")
        return accepted()

    def _calendar(self, request: _Request, params: tuple[str, ...]) -> Reply:
        subscription_id = params[0].lower()
        if not self._store.subscription_exists(subscription_id):
            return rokt_error(404, "NotFound", f"no subscription {subscription_id!r}")
        feed = build_feed(subscription_id, self._store.subscription_events(subscription_id))
        return Reply(200, feed, content_type="text/calendar; charset=utf-8")

    def _refuse(self, request: _Request, account: str) -> Reply | None:
        """401 without a live bearer token, then 404 for an account the fake does not know."""
        authorization = request.header("Authorization")
        if self._oauth.bearer_client(authorization) is None:
            challenge = 'Bearer realm="fake-rokt"'
            if authorization:
                challenge += ', error="invalid_token"'
            return rokt_error(
                401, "Unauthorized", "missing, unknown or expired bearer token",
                (("WWW-Authenticate", challenge),),
            )  # fmt: skip
        if self.accounts is not None and account not in self.accounts:
            return rokt_error(404, "NotFound", f"unknown account code {account!r}")
        return None


@contextmanager
def running_fake_rokt(**config: Any) -> Iterator[FakeRokt]:
    """A `FakeRokt(**config)` serving on a free loopback port for the `with` block."""
    fake = FakeRokt(**config)
    fake.start()
    try:
        yield fake
    finally:
        fake.stop()


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], app: FakeRokt) -> None:
        self.app = app
        super().__init__(address, _RequestHandler)


class _RequestHandler(BaseHTTPRequestHandler):
    server_version = "fake-rokt"
    sys_version = ""
    timeout = 30  # a client that connects and sends nothing must not pin a thread forever

    def do_GET(self) -> None:
        self._handle()

    def do_HEAD(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def do_DELETE(self) -> None:
        self._handle()

    def do_PUT(self) -> None:
        self._handle()

    def do_PATCH(self) -> None:
        self._handle()

    def _handle(self) -> None:
        app = cast(_Server, self.server).app
        body = self._read_body()
        method = "GET" if self.command == "HEAD" else self.command  # HEAD: GET without body
        request = _Request(
            method, self.path, self.headers, body if isinstance(body, bytes) else b""
        )
        reply = body if isinstance(body, Reply) else app.handle(request)
        # record before answering, so a client that has its answer also sees the record
        app.record(request, reply.status)
        app.log_line(f'{self.client_address[0]} "{self.command} {self.path}" {reply.status}')
        self._send(reply)

    def _read_body(self) -> bytes | Reply:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            return rokt_error(411, "LengthRequired", "send the body with a Content-Length")
        text = self.headers.get("Content-Length")
        if not text:
            return b""
        if not text.strip().isdigit():
            return rokt_error(400, "BadRequest", "invalid Content-Length")
        length = int(text)
        if length > MAX_BODY:
            return rokt_error(413, "PayloadTooLarge", f"the body is over {MAX_BODY} bytes")
        return self.rfile.read(length)

    def _send(self, reply: Reply) -> None:
        self.send_response(reply.status)
        if reply.content_type:
            self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(reply.body)))
        for name, value in reply.headers:
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            with contextlib.suppress(OSError):  # the client went away; nothing to tell it
                self.wfile.write(reply.body)

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Replaced by the one redacted line `_handle` writes."""

    def log_message(self, format: str, *args: Any) -> None:
        """Protocol errors (bad request line, ...) go to the same redacted log."""
        cast(_Server, self.server).app.log_line(f"{self.client_address[0]} {format % args}")
