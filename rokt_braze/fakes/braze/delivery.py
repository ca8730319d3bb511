"""Action-based delivery: a custom event triggers webhooks, rendered and sent as Braze would.

A campaign maps a custom event name to a webhook file. When `/users/track` records that
event, a delivery is queued in the same transaction (so a crash loses none); a worker thread
renders the webhook for the user - the profile as stored after the whole request, plus the
event's properties as `event_properties` - through the project's pipeline (the same render
and validation `check` runs), then sends it. Braze's webhook rules apply: 2xx is delivered;
408, 429, 5xx and connection failures are retried (up to 5 retries, exponential backoff);
a redirect or another 4xx fails at once; `abort_message` sends nothing. Connected Content
calls are live, to the hosts the fake is told about, with the credentials it holds.

Every delivery is logged (state, attempts, the receiver's status, the request with secrets
redacted, the findings) and readable with `deliveries()`.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from rokt_braze.connected.base import CallFailed
from rokt_braze.connected.live import Credential, LiveTransport
from rokt_braze.errors import InputError
from rokt_braze.fakes.braze.store import Store
from rokt_braze.fakes.worker import Worker
from rokt_braze.findings import Finding, Severity
from rokt_braze.profiles import Profile
from rokt_braze.request import RenderedRequest
from rokt_braze.secrets import redact, redact_header, secret_values

__all__ = ["Campaign", "Deliverer", "Delivery", "Outcome", "parse_campaign", "render_for"]

MAX_RETRIES = 5
SEND_TIMEOUT = 90.0  # Braze gives a webhook 90 s


@dataclass(frozen=True)
class Campaign:
    """`event` triggers a send of the webhook file `webhook`."""

    event: str
    webhook: str


def parse_campaign(text: str) -> Campaign:
    """`EVENT=WEBHOOK`; the file must load (raises ValueError or InputError)."""
    event, eq, path = text.partition("=")
    if not eq or not event.strip() or not path.strip():
        raise ValueError("expected EVENT=WEBHOOK, e.g. subscribe=templates/rokt-create-event"
                         ".webhook.yaml")
    from rokt_braze.webhook import load_webhook

    load_webhook(path.strip())  # a bad file is a start-up error, not a failed delivery later
    return Campaign(event.strip(), os.path.abspath(path.strip()))


@dataclass
class Outcome:
    """One render: the request (None when nothing is sent), why not, and the findings."""

    request: RenderedRequest | None
    findings: list[Finding] = field(default_factory=list)
    aborted: str | None = None
    error: str | None = None


def render_for(webhook_path: str, profile: Profile, transport: LiveTransport) -> Outcome:
    """Render a webhook for one user and check the request: the one place the fake Braze
    calls the pipeline."""
    from rokt_braze.pipeline import Pipeline, Settings
    from rokt_braze.webhook import load_webhook

    try:
        pipeline = Pipeline(load_webhook(webhook_path), Settings(transport=transport))
        rendered = pipeline.render(profile)
    except InputError as err:
        return Outcome(None, error=str(err))
    if rendered.aborted is not None:
        return Outcome(None, aborted=rendered.aborted.reason or "abort_message called")
    if rendered.error is not None or rendered.result is None:
        return Outcome(None, error=str(rendered.error))
    return Outcome(rendered.result.request, pipeline.findings(rendered))


@dataclass(frozen=True)
class Delivery:
    """One row of the delivery log."""

    id: int
    campaign: str
    webhook: str
    user: str
    state: str
    attempts: int
    status: int | None
    detail: str
    request: dict[str, Any] | None
    findings: list[dict[str, Any]]

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "campaign": self.campaign, "webhook": self.webhook,
            "user": self.user, "state": self.state, "attempts": self.attempts,
            "status": self.status, "detail": self.detail, "request": self.request,
            "findings": self.findings,
        }


class Deliverer:
    """Queues deliveries for campaigns and sends them from a worker thread."""

    def __init__(
        self,
        store: Store,
        campaigns: Sequence[Campaign],
        *,
        base_urls: Mapping[str, str] | None = None,
        credentials: Mapping[str, tuple[str, str]] | None = None,
        allow_hosts: Sequence[str] = (),
        retry_base: float = 1.0,
        clock: Callable[[], float] = time.time,
        log: Callable[[str], None] | None = None,
    ) -> None:
        self.store = store
        self.campaigns = list(campaigns)
        self.base_urls = dict(base_urls or {})
        self.retry_base = retry_base
        self.clock = clock
        self._log = log
        environ: dict[str, str] = {}
        creds: dict[str, Credential] = {}
        for n, (name, (user, password)) in enumerate((credentials or {}).items()):
            environ[f"U{n}"], environ[f"P{n}"] = user, password
            creds[name] = Credential(f"U{n}", f"P{n}")
        self._allow_hosts = tuple(allow_hosts)
        self._credentials = creds
        self._environ = environ
        # idle polls pick up retries whose time has come
        self._worker = Worker("fake-braze-delivery", lambda: 0.0 if self.run_due() else None,
                              idle=0.2, join_timeout=SEND_TIMEOUT)

    def set_base_url(self, origin: str, target: str) -> None:
        """Send what is meant for `origin` to `target` from now on (the sandbox wires the
        fakes to each other once both are listening)."""
        self.base_urls[origin] = target

    # queueing (inside the /users/track transaction)

    def queue(self, db: Any, event_id: int, event: str, user: str) -> None:
        now = self.clock()
        for campaign in self.campaigns:
            if campaign.event == event:
                db.execute(
                    "INSERT OR IGNORE INTO deliveries (event_id, campaign, webhook, user, state, "
                    "next_try, created, updated) VALUES (?, ?, ?, ?, 'pending', ?, ?, ?)",
                    (event_id, campaign.event, campaign.webhook, user, now, now, now),
                )

    def notify(self) -> None:
        self._worker.notify()

    def start(self) -> None:
        if self.campaigns:
            self._worker.start()

    def stop(self) -> None:
        self._worker.stop()

    def run_due(self) -> int:
        """Attempt every delivery that is due; how many were attempted."""
        with self.store.transaction() as db:
            rows = db.execute(
                "SELECT id, event_id, webhook, user, attempts FROM deliveries "
                "WHERE state = 'pending' AND next_try <= ? ORDER BY id", (self.clock(),),
            ).fetchall()
        for row in rows:
            if self._worker.stopping:
                break
            self._attempt(int(row[0]), int(row[1]), str(row[2]), str(row[3]), int(row[4]))
        return len(rows)

    def _attempt(self, delivery_id: int, event_id: int, webhook: str, user: str,
                 attempts: int) -> None:
        found = self.store.event(event_id)
        if found is None:
            self._finish(delivery_id, "error", attempts, None, "the event is gone", None, [])
            return
        data, _, properties = found
        profile = Profile(name=user, data={**data, "event_properties": properties})
        transport = LiveTransport(allow_hosts=self._allow_hosts, base_urls=self.base_urls,
                                  credentials=self._credentials, environ=self._environ)
        outcome = render_for(webhook, profile, transport)
        findings = [_finding_dict(f) for f in outcome.findings]
        if outcome.request is None:
            state = "aborted" if outcome.aborted is not None else "error"
            detail = outcome.aborted if outcome.aborted is not None else outcome.error or ""
            self._finish(delivery_id, state, attempts, None, detail, None, findings)
            return
        request = outcome.request
        shown = _shown(request)
        try:  # the fake sends only where it was told to: rewritten or allowed hosts
            target = transport.resolve(request.url).url
        except CallFailed as err:
            self._finish(delivery_id, "failed", attempts, None, str(err), shown, findings)
            return
        status, detail = self._send(request, target)
        attempts += 1
        retryable = status is None or status in (408, 429) or status >= 500
        if status is not None and 200 <= status < 300:
            self._finish(delivery_id, "sent", attempts, status, detail, shown, findings)
        elif retryable and attempts <= MAX_RETRIES:
            delay = self.retry_base * 2 ** (attempts - 1)
            with self.store.transaction() as db:
                db.execute(
                    "UPDATE deliveries SET attempts = ?, status = ?, detail = ?, request = ?, "
                    "findings = ?, next_try = ?, updated = ? WHERE id = ?",
                    (attempts, status, detail, json.dumps(shown), json.dumps(findings),
                     self.clock() + delay, self.clock(), delivery_id),
                )
        else:
            self._finish(delivery_id, "failed", attempts, status, detail, shown, findings)
        self.log_line(f"delivery {delivery_id} {webhook} for {user}: {status or detail}")

    def _send(self, request: RenderedRequest, url: str) -> tuple[int | None, str]:
        """Send to `url` (the request's URL with the fake's origin mapping applied)."""
        import requests

        try:
            response = requests.request(
                request.method, url, headers=request.headers,
                data=request.body.encode("utf-8"), timeout=SEND_TIMEOUT, allow_redirects=False,
            )
        except requests.RequestException as err:
            return None, f"{request.method} {url}: {type(err).__name__}"
        secrets = secret_values(request.headers)
        return response.status_code, redact(response.text[:500], secrets)

    def _finish(self, delivery_id: int, state: str, attempts: int, status: int | None,
                detail: str, request: dict[str, Any] | None,
                findings: list[dict[str, Any]]) -> None:
        with self.store.transaction() as db:
            db.execute(
                "UPDATE deliveries SET state = ?, attempts = ?, status = ?, detail = ?, "
                "request = ?, findings = ?, updated = ? WHERE id = ?",
                (state, attempts, status, detail,
                 None if request is None else json.dumps(request), json.dumps(findings),
                 self.clock(), delivery_id),
            )

    def deliveries(self) -> list[Delivery]:
        """The delivery log, oldest first."""
        with self.store.transaction() as db:
            rows = db.execute(
                "SELECT id, campaign, webhook, user, state, attempts, status, detail, request, "
                "findings FROM deliveries ORDER BY id"
            ).fetchall()
        return [
            Delivery(int(r[0]), str(r[1]), str(r[2]), str(r[3]), str(r[4]), int(r[5]),
                     None if r[6] is None else int(r[6]), str(r[7]),
                     None if r[8] is None else json.loads(r[8]), json.loads(r[9]))
            for r in rows
        ]

    def log_line(self, line: str) -> None:
        if self._log is not None:
            self._log(line)


def _shown(request: RenderedRequest) -> dict[str, Any]:
    secrets = secret_values(request.headers)
    return {
        "method": request.method, "url": request.url,
        "headers": {k: redact_header(k, v) for k, v in request.headers.items()},
        "body": redact(request.body, secrets),
    }


def _finding_dict(finding: Finding) -> dict[str, Any]:
    return {"rule": finding.rule, "severity": str(finding.severity),
            "message": finding.message, "line": finding.line, "column": finding.column}


def worst(findings: list[dict[str, Any]]) -> Severity | None:
    levels = [Severity.parse(f["severity"]) for f in findings]
    return max(levels) if levels else None
