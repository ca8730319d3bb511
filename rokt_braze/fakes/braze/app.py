"""`FakeBraze`: the fake Braze REST API, served by the fakes' server core.

    POST /users/track                users.track
    POST /users/export/ids           users.export.ids
    POST /users/export/segment       users.export.segment
    GET  /segments/list              segments.list
    GET  /fake/deliveries            the delivery log (the fake's own; no key needed)
    GET  /fake/exports/{prefix}.zip  a segment export as one zip (Braze's `url`)
    GET  /fake/health

Braze's answers: 201 `{"message": "success", ...}`; fatal errors `{"message", "errors"}`
with 400 (malformed), 401 (key), 403 (permission), 404 (route), 405, 413 (body over 4 MB),
415 (a body that is not JSON), 429 (rate limit). The key is checked, and the rate limit
counted, before the body is read; every answer to a key carries `X-RateLimit-*`.
"""

from __future__ import annotations

import io
import os
import tempfile
import threading
import time
import zipfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from rokt_braze.fakes.braze import export
from rokt_braze.fakes.braze.auth import ApiKey, RateLimiter, bearer, keys_by_value
from rokt_braze.fakes.braze.delivery import Campaign, Deliverer
from rokt_braze.fakes.braze.store import Store
from rokt_braze.fakes.braze.track import Fatal, track
from rokt_braze.fakes.core import (
    App,
    Headers,
    HttpError,
    HttpServer,
    Limits,
    Reply,
    Request,
    Route,
    Service,
    json_reply,
)

__all__ = ["DEFAULT_MAX_ARRAY", "FakeBraze", "braze_error", "running_fake_braze"]

#: Braze's documented default cap on array attributes (the newer page says 500).
DEFAULT_MAX_ARRAY = 500
MAX_BODY = 4_000_000
#: The server core's error codes, as Braze words a `message`.
_MESSAGES = {
    "BadRequest": "Bad Request", "body-json-invalid": "Bad Request", "NotFound": "Not Found",
    "MethodNotAllowed": "Method Not Allowed", "PayloadTooLarge": "Request Entity Too Large",
    "UnsupportedMediaType": "Unsupported Media Type", "RequestTimeout": "Request Timeout",
    "ServiceUnavailable": "Service Unavailable",
    "InternalServerError": "Internal Server Error",
}


def braze_error(status: int, code: str, reason: str, headers: Headers = ()) -> Reply:
    """Braze's fatal-error envelope, `{"message": ..., "errors": [...]}`: for the fake's own
    refusals `code` is the message; the server core's codes are worded as Braze does."""
    body: dict[str, Any] = {"message": _MESSAGES.get(code, code)}
    if reason:
        body["errors"] = [reason]
    return json_reply(status, body, headers)


class FakeBraze(Service):
    """A fake Braze REST API with its own state; see `running_fake_braze`.

    `keys` are the REST keys it accepts; `rate_limit` is (requests, seconds); `max_array`
    caps array attributes; `db` keeps state across restarts (default: in memory);
    `export_dir` receives segment exports (default: a temporary folder removed at stop);
    `segments` are the definitions `/users/export/segment` knows; `campaigns` map custom
    events to webhooks, sent with `base_urls`/`credentials` (see `Deliverer`).
    """

    def __init__(
        self,
        keys: Sequence[ApiKey],
        *,
        db: str | os.PathLike[str] | None = None,
        rate_limit: tuple[int, float] = (3000, 3.0),
        max_array: int = DEFAULT_MAX_ARRAY,
        export_dir: str | os.PathLike[str] | None = None,
        segments: Sequence[export.Segment] = (),
        campaigns: Sequence[Campaign] = (),
        base_urls: Mapping[str, str] | None = None,
        credentials: Mapping[str, tuple[str, str]] | None = None,
        retry_base: float = 1.0,
        clock: Callable[[], float] = time.time,
        host: str = "127.0.0.1",
        port: int = 0,
        log: Callable[[str], None] | None = None,
        limits: Limits | None = None,
    ) -> None:
        if not keys:
            raise ValueError("give the fake Braze at least one REST API key")
        if max_array <= 0:
            raise ValueError("max_array must be positive")
        self.keys = keys_by_value(keys)
        self.limiter = RateLimiter(*rate_limit, clock=clock)
        self.max_array = max_array
        self.clock = clock
        self._log = log
        self.store = Store(db)
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        if export_dir is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="fake-braze-exports-")
            export_dir = self._tmp.name
        export.require_storage(export_dir)
        #: a local folder, or a storage URL (`s3://bucket/prefix`) written through fsspec
        self.export_dir: str | Path = (
            str(export_dir) if export.is_url(export_dir) else Path(export_dir)
        )
        self.segments = {s.segment_id: s for s in segments}
        self.deliverer = Deliverer(
            self.store, campaigns, base_urls=base_urls, credentials=credentials,
            retry_base=retry_base, clock=clock, log=self.log_line,
        )
        self._exports: dict[str, list[str]] = {}
        self._exports_lock = threading.Lock()
        routes = [
            Route("POST", r"/users/track", self._limited(self._track), body="json",
                  guard=self._guard("users.track")),
            Route("POST", r"/users/export/ids", self._limited(self._export_ids), body="json",
                  guard=self._guard("users.export.ids")),
            Route("POST", r"/users/export/segment", self._limited(self._export_segment),
                  body="json", guard=self._guard("users.export.segment")),
            Route("GET", r"/segments/list", self._limited(self._segments),
                  guard=self._guard("segments.list")),
            Route("GET", r"/fake/deliveries", self._deliveries),
            Route("GET", r"/fake/exports/([^/]+)\.zip", self._export_file),
            Route("GET", r"/fake/health", lambda _: json_reply(200, {"status": "ok"})),
        ]
        self.app = App(routes, limits=limits or Limits(max_body=MAX_BODY), error=braze_error,
                       log=log)
        self._server = HttpServer(self.app, host, port)
        self._name = "the fake Braze"

    # what runs beside the server, and what it holds (`Service` does the rest)

    def _start_workers(self) -> None:
        self.deliverer.start()

    def _stop_workers(self) -> None:
        self.deliverer.stop()

    def _close(self) -> None:
        self.store.close()
        if self._tmp is not None:
            self._tmp.cleanup()

    def log_line(self, line: str) -> None:
        if self._log is not None:
            self._log(line)

    # the key and the rate limit (before the body is read); Braze's headers on answers

    def _guard(self, permission: str) -> Callable[[Request], None]:
        def guard(request: Request) -> None:
            key = bearer(request.header("Authorization"), self.keys)
            if isinstance(key, str):
                raise HttpError(401, key, "")
            if not key.allows(permission):
                raise HttpError(403, "Access Denied",
                                f"this key lacks the {permission} permission")
            within, headers = self.limiter.take()
            if not within:
                raise HttpError(429, "Rate Limit Exceeded",
                                "retry after the X-RateLimit-Reset time", tuple(headers))
        return guard

    def _limited(self, handler: Callable[[Request], Reply]) -> Callable[[Request], Reply]:
        def with_headers(request: Request) -> Reply:
            reply = handler(request)
            return Reply(reply.status, reply.body, reply.content_type,
                         (*reply.headers, *self.limiter.peek()))
        return with_headers

    # routes (run in the server core's handler threads)

    def _track(self, request: Request) -> Reply:
        try:
            outcome = track(self.store, request.json, max_array=self.max_array,
                            now=self.clock(), on_event=self.deliverer.queue)
        except Fatal as fatal:
            return braze_error(fatal.status, fatal.message, fatal.detail)
        if outcome.events:
            self.deliverer.notify()
        return json_reply(201, outcome.answer())

    @staticmethod
    def _object(request: Request) -> dict[str, Any]:
        if not isinstance(request.json, dict):
            raise HttpError(400, "Bad Request", "the body must be a JSON object")
        return request.json

    def _export_ids(self, request: Request) -> Reply:
        body = self._object(request)
        try:
            wanted, fields = export.ids_request(body)
        except export.ExportError as err:
            return braze_error(400, str(err), "")
        users: list[dict[str, Any]] = []
        invalid: list[str] = []
        seen: set[str] = set()
        with self.store.transaction() as db:
            for field_name, key in wanted:
                user = self.store.find(db, field_name, key)
                if user is None:
                    invalid.append(key.replace("\x00", ":"))
                elif user.data["braze_id"] not in seen:
                    seen.add(user.data["braze_id"])
                    users.append(export.select_fields(user.data, fields))
        answer: dict[str, Any] = {"message": "success", "users": users}
        if invalid:
            answer["invalid_user_ids"] = invalid
        return json_reply(201, answer)

    def _export_segment(self, request: Request) -> Reply:
        body = self._object(request)
        segment_id = body.get("segment_id")
        if not isinstance(segment_id, str) or not segment_id:
            return braze_error(400, "'segment_id' is required", "")
        segment = self.segments.get(segment_id)
        if segment is None:
            return braze_error(400, f"unknown segment_id {segment_id!r}",
                               f"known: {', '.join(sorted(self.segments)) or 'none'}")
        try:
            fields = export.fields_to_export(body, required=True)
        except export.ExportError as err:
            return braze_error(400, str(err), "")
        callback = body.get("callback_endpoint")
        if callback is not None and not (
            isinstance(callback, str) and callback.startswith(("http://", "https://"))
        ):
            return braze_error(400, "'callback_endpoint' must be an http(s) URL", "")
        performed = self.store.user_events()
        chosen = [
            export.select_fields(user, fields) for user in self.store.users()
            if segment.matches(user, performed.get(user["braze_id"], set()))
        ]
        prefix, files = export.write_segment_export(chosen, self.export_dir, segment_id,
                                                    now=self.clock())
        with self._exports_lock:
            self._exports[prefix] = files
        folder = files[0].rsplit("/", 1)[0]
        url = f"{self.base_url}/fake/exports/{prefix}.zip"
        self.log_line(f"segment {segment_id}: {len(chosen)} users in {folder}")
        if callback:
            threading.Thread(target=self._call_back, args=(callback, url), daemon=True,
                             name="fake-braze-export-callback").start()
        return json_reply(201, {
            "message": "success", "object_prefix": prefix, "url": url, "folder": folder,
        })

    def _call_back(self, endpoint: str, url: str) -> None:
        """Tell the export's `callback_endpoint` it is ready, as Braze does (once; a failed
        call is logged)."""
        import requests

        try:
            answer = requests.post(endpoint, json={"success": True, "url": url}, timeout=10,
                                   allow_redirects=False)
            self.log_line(f"export callback {endpoint}: {answer.status_code}")
        except requests.RequestException as err:
            self.log_line(f"export callback {endpoint} failed: {type(err).__name__}")

    def _export_file(self, request: Request) -> Reply:
        with self._exports_lock:
            files = self._exports.get(request.params[0])
        if files is None:
            return braze_error(404, "Not Found", f"no export {request.params[0]}")
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
            for location in files:
                with zipfile.ZipFile(io.BytesIO(export.read_location(location))) as part:
                    for member in part.namelist():
                        bundle.writestr(member, part.read(member))
        return Reply(200, buffer.getvalue(), content_type="application/zip")

    def _segments(self, request: Request) -> Reply:
        return json_reply(200, {
            "message": "success",
            "segments": [s.describe() for s in self.segments.values()],
        })

    def _deliveries(self, request: Request) -> Reply:
        return json_reply(200, {
            "deliveries": [d.to_dict() for d in self.deliverer.deliveries()],
        })


@contextmanager
def running_fake_braze(**config: Any) -> Iterator[FakeBraze]:
    """A `FakeBraze(**config)` serving on a free loopback port for the `with` block."""
    fake = FakeBraze(**config)
    try:
        fake.start()
        yield fake
    finally:
        fake.stop()
