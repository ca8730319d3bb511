"""`FakeRokt`: the fake Rokt Calendar API, served by the fakes' server core.

Routes (see the package docstring for the behaviour each one fakes):

    POST   /oauth2/token                                  (form body)
    POST   /v1/subscriptionevent/{accountCode}            (JSON body)
    POST   /v1/subscriptionevent/{accountCode}/update     (JSON body)
    DELETE /v1/subscriptionevent/{accountCode}/{eventId}
    DELETE /v2/subscription/{accountCode}/{subscriptionId}/subscriptionevent/{eventId}
    GET    /calendars/{subscriptionId}.ics
    GET    /health
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from rokt_braze.fakes.core import (
    App,
    Clock,
    FailedAuthLimiter,
    HttpError,
    HttpServer,
    Limits,
    Reply,
    Request,
    Route,
    Service,
    json_reply,
)
from rokt_braze.fakes.rokt.events import BadEvent, Kind, parse_event
from rokt_braze.fakes.rokt.ics import build_feed, require_icalendar
from rokt_braze.fakes.rokt.models import RecordedRequest, StoredEvent
from rokt_braze.fakes.rokt.oauth import OAuth
from rokt_braze.fakes.rokt.replies import accepted, rokt_error
from rokt_braze.fakes.rokt.store import Store
from rokt_braze.fakes.rokt.subscribers import SubscribersConfig, subscriber_routes
from rokt_braze.secrets import redact_form, redact_header, redact_params

#: Used when no clients are configured; a fixed pair so tests and examples can use it.
DEFAULT_CLIENTS: Mapping[str, str] = {"demo-client": "demo-secret"}
DEFAULT_EXPIRES_IN = 300
MAX_BODY = 1_000_000
#: Failed authentications per client address per minute before it gets 429.
MAX_AUTH_FAILURES = 20
AUTH_WINDOW = 60.0


class FakeRokt(Service):
    """A fake Rokt Calendar API with its own state; see `running_fake_rokt`.

    `clients` maps client id -> secret; `accounts` lists the known account codes (None
    accepts any code), or maps each code to the client id that owns it (an account
    without an owner belongs to the first client that uses it; another client's token
    gets 403); `expires_in` is the access-token lifetime in seconds; `clock` returns
    epoch seconds (pass a `ManualClock` to expire tokens in tests); `db` is a SQLite
    file that keeps everything across restarts (default: in memory); `log` gets one
    clean line per request; `limits` are the server core's.
    """

    def __init__(
        self,
        *,
        clients: Mapping[str, str] | None = None,
        accounts: Iterable[str] | Mapping[str, str | None] | None = None,
        expires_in: int = DEFAULT_EXPIRES_IN,
        clock: Clock = time.time,
        db: str | os.PathLike[str] | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        log: Callable[[str], None] | None = None,
        limits: Limits | None = None,
        max_auth_failures: int = MAX_AUTH_FAILURES,
        subscribers: SubscribersConfig | None = None,
    ) -> None:
        require_icalendar()
        if expires_in <= 0:
            raise ValueError("expires_in must be a positive number of seconds")
        self.clients = dict(DEFAULT_CLIENTS if clients is None else clients)
        owners: dict[str, str | None] | None = None
        if accounts is not None:
            owners = dict(accounts) if isinstance(accounts, Mapping) else dict.fromkeys(accounts)
            unknown = {o for o in owners.values() if o is not None} - set(self.clients)
            if unknown:
                raise ValueError(f"accounts owned by unknown clients: {', '.join(sorted(unknown))}")
        self.accounts = None if owners is None else frozenset(owners)
        self.clock = clock
        self._store = Store(db)
        if owners:
            self._store.add_accounts(owners)
        self._oauth = OAuth(self._store, self.clients, expires_in, clock)
        self._limiter = FailedAuthLimiter(max_auth_failures, AUTH_WINDOW, clock)
        self._recorded: list[RecordedRequest] = []
        self._recorded_lock = threading.Lock()
        event = r"/v1/subscriptionevent/([^/]+)"
        routes = [
            Route("GET", r"/health", self._health),
            Route("POST", r"/oauth2/token", self._token, body="form"),
            Route("POST", event, self._create, body="json", guard=self._authorize),
            Route("POST", event + "/update", self._update, body="json", guard=self._authorize),
            Route("DELETE", event + r"/([^/]+)", self._delete, guard=self._authorize),
            Route("DELETE", r"/v2/subscription/([^/]+)/([^/]+)/subscriptionevent/([^/]+)",
                  self._remove, guard=self._authorize),
            Route("GET", r"/calendars/([^/]+)\.ics", self._calendar),
        ]
        #: the subscribe endpoints and the push into Braze (`fakes.rokt.subscribers`)
        self.subscribers = None if subscribers is None else subscribers.build(
            self._store.database, clock=clock, log=log
        )
        if self.subscribers is not None:
            routes += subscriber_routes(self.subscribers)
        self.app = App(routes, limits=limits or Limits(max_body=MAX_BODY), error=rokt_error,
                       log=log, on_reply=self._record)
        self._server = HttpServer(self.app, host, port)
        self._name = "the fake Rokt"

    # what runs beside the server, and what it holds (`Service` does the rest)

    def _start_workers(self) -> None:
        if self.subscribers is not None:
            self.subscribers.start()

    def _stop_workers(self) -> None:
        if self.subscribers is not None:
            self.subscribers.close()

    def _close(self) -> None:
        """`events` needs a running fake; `requests` stays readable after this."""
        self._store.close()

    # what tests look at

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

    def _record(self, request: Request, reply: Reply) -> None:
        """Kept before the answer is sent, so a client holding its answer sees the record."""
        headers = tuple((k, redact_header(k, v)) for k, v in request.headers)
        body = request.body.decode("utf-8", errors="replace")
        if request.path == "/oauth2/token":
            body = redact_form(body)
        method = "GET" if request.method == "HEAD" else request.method
        entry = RecordedRequest(method, redact_params(request.target), headers, body,
                                reply.status)
        with self._recorded_lock:
            self._recorded.append(entry)

    # routes (run in the server core's handler threads)

    def _health(self, request: Request) -> Reply:
        return json_reply(200, {"status": "ok"})

    def _token(self, request: Request) -> Reply:
        self._check_rate(request)
        reply = self._oauth.token(request.header("Authorization"), request.form)
        if reply.status == 401:
            self._limiter.failed(request.client)
        return reply

    def _create(self, request: Request) -> Reply:
        return self._write_event("create", request, request.params[0])

    def _update(self, request: Request) -> Reply:
        return self._write_event("update", request, request.params[0])

    def _write_event(self, kind: Kind, request: Request, account: str) -> Reply:
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

    def _delete(self, request: Request) -> Reply:
        account, event_id = request.params
        if not self._store.delete_event(account, event_id):
            return rokt_error(404, "NotFound", f"no event {event_id!r} in {account!r}")
        return accepted()

    def _remove(self, request: Request) -> Reply:
        account, subscription_id, event_id = request.params
        if not self._store.remove_event(account, subscription_id, event_id):
            return rokt_error(404, "NotFound", f"no event {event_id!r} in {account!r} on "
                              f"subscription {subscription_id!r}")  # fmt: skip
        return accepted()

    def _calendar(self, request: Request) -> Reply:
        subscription_id = request.params[0].lower()
        if not self._store.subscription_exists(subscription_id):
            return rokt_error(404, "NotFound", f"no subscription {subscription_id!r}")
        feed = build_feed(subscription_id, self._store.subscription_events(subscription_id))
        return Reply(200, feed, content_type="text/calendar; charset=utf-8")

    def _check_rate(self, request: Request) -> None:
        wait = self._limiter.retry_after(request.client)
        if wait is not None:
            raise HttpError(429, "TooManyRequests",
                            "too many failed authentications; try again later",
                            (("Retry-After", str(wait)),))

    def _authorize(self, request: Request) -> None:
        """The event routes' guard, before the body is read: a live bearer token passes
        (a 256-bit token is not guessable, so a valid one is never slowed down); without
        one, 429 after repeated failures from the address, else 401; then 404 for an
        account the fake does not know, 403 for another client's account."""
        account = request.params[0]
        authorization = request.header("Authorization")
        client = self._oauth.bearer_client(authorization)
        if client is None:
            self._check_rate(request)
            self._limiter.failed(request.client)
            challenge = 'Bearer realm="fake-rokt"'
            if authorization:
                challenge += ', error="invalid_token"'
            raise HttpError(401, "Unauthorized", "missing, unknown or expired bearer token",
                            (("WWW-Authenticate", challenge),))
        if self.accounts is not None and account not in self.accounts:
            raise HttpError(404, "NotFound", f"unknown account code {account!r}")
        owner = self._store.claim_account(account, client)
        if owner != client:
            raise HttpError(403, "Forbidden", f"account {account!r} belongs to another client")


@contextmanager
def running_fake_rokt(**config: Any) -> Iterator[FakeRokt]:
    """A `FakeRokt(**config)` serving on a free loopback port for the `with` block."""
    fake = FakeRokt(**config)
    fake.start()
    try:
        yield fake
    finally:
        fake.stop()
