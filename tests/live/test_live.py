"""Live mode over real HTTP on loopback: the fake Rokt API, and a server that misbehaves."""

from __future__ import annotations

import http.server
import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import icalendar
import pytest
import requests

from rokt_braze.cli import main
from rokt_braze.connected import CallFailed, CallRequest
from rokt_braze.connected.live import LiveTransport, credential_env_names
from rokt_braze.fakes.rokt import ManualClock, running_fake_rokt
from rokt_braze.pipeline import build_resources
from rokt_braze.profiles import sample_subscriber
from rokt_braze.webhook import load_webhook, render_message

REPO = Path(__file__).resolve().parents[2]
CREATE = REPO / "templates" / "rokt-create-event.webhook.yaml"
UPDATE = REPO / "templates" / "rokt-update-event.webhook.yaml"
ROKT = "https://api.roktcalendar.com"
CLIENT, SECRET = "braze-client", "s3cret-value-123"
USER_ENV, PASS_ENV = credential_env_names("Rokt-Calendar-API")


@pytest.fixture
def creds(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(USER_ENV, CLIENT)
    monkeypatch.setenv(PASS_ENV, SECRET)


@pytest.fixture
def fake() -> Iterator[object]:
    with running_fake_rokt(clients={CLIENT: SECRET}) as server:
        yield server


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_check_live_against_the_fake_passes(capsys: pytest.CaptureFixture[str], fake: object,
                                            creds: None) -> None:
    code, out, err = run(capsys, "check", str(CREATE), "--live",
                         "--base-url", f"{ROKT}={fake.base_url}")  # type: ignore[attr-defined]
    assert code == 0, out + err
    assert "error" not in out.splitlines()[-1]  # the stock body's json-unescaped warnings only
    token_calls = [r for r in fake.requests if r.path == "/oauth2/token"]  # type: ignore[attr-defined]
    assert len(token_calls) == 1


def test_send_create_update_delete_roundtrip(capsys: pytest.CaptureFixture[str], fake: object,
                                             creds: None, tmp_path: Path) -> None:
    base = fake.base_url  # type: ignore[attr-defined]
    code, out, err = run(capsys, "send", str(CREATE), "--to", base)
    assert code == 0, out + err
    assert out.startswith("HTTP 202")
    assert SECRET not in out + err and "Bearer " not in out
    subscriber = sample_subscriber()
    ids = subscriber.data["custom_attributes"]["rokt:subscription_id"]
    feeds = []
    for sub in ids:
        feed = requests.get(f"{base}/calendars/{sub}.ics", timeout=5)
        assert feed.status_code == 200
        cal = icalendar.Calendar.from_ical(feed.content)
        events = list(cal.walk("VEVENT"))
        assert [str(e["UID"]) for e in events] == ["Event_0001_user-1001"]
        event = events[0]
        assert str(event["SUMMARY"]) == "Event Title"
        assert event["DTSTART"].params["TZID"] == "America/New_York"
        assert str(event["DTSTART"].dt) == "2019-02-21 15:00:00-05:00"
        assert [str(c["TZID"]) for c in cal.walk("VTIMEZONE")] == ["America/New_York"]
        alarm = event.walk("VALARM")[0]
        assert alarm["TRIGGER"].dt.total_seconds() == -15 * 60
        feeds.append(feed.text)
    # update: a changed title reaches the same event
    changed = UPDATE.read_text().replace("Event Title", "Event Title (moved)")
    tmp = tmp_path / "update.webhook.yaml"
    tmp.write_text(changed)
    code, out, _ = run(capsys, "send", str(tmp), "--to", base)
    assert code == 0 and out.startswith("HTTP 202")
    cal = icalendar.Calendar.from_ical(requests.get(f"{base}/calendars/{ids[0]}.ics",
                                                    timeout=5).content)
    assert [str(e["SUMMARY"]) for e in cal.walk("VEVENT")] == ["Event Title (moved)"]
    # delete removes it from every feed
    token = requests.post(f"{base}/oauth2/token", auth=(CLIENT, SECRET),
                          data={"grant_type": "client_credentials"}, timeout=5).json()
    gone = requests.delete(f"{base}/v1/subscriptionevent/brazetest/Event_0001_user-1001",
                           headers={"Authorization": f"Bearer {token['access_token']}"},
                           timeout=5)
    assert gone.status_code == 202
    cal = icalendar.Calendar.from_ical(requests.get(f"{base}/calendars/{ids[0]}.ics",
                                                    timeout=5).content)
    assert list(cal.walk("VEVENT")) == []


TOKEN_HEADER = ('"Bearer {% connected_content https://api.roktcalendar.com/oauth2/token '
                ':method post :basic_auth Rokt-Calendar-API :body grant_type=client_credentials '
                ':save token :retry %}{{token.access_token}}"')
REMOVE = f"""\
url: "{{% assign accountCode = {{{{custom_attribute.${{rokt:account_code}}}}}}[1] | split: '/' | first %}}https://api.roktcalendar.com/v2/subscription/{{{{accountCode}}}}/{{{{custom_attribute.${{rokt:subscription_id}}[1]}}}}/subscriptionevent/Event_0001_{{{{${{user_id}}}}}}"
method: DELETE
headers:
  Authorization: {TOKEN_HEADER}
"""  # noqa: E501 - a webhook file keeps each template on one line
DELETE = """\
url: "https://api.roktcalendar.com/v1/subscriptionevent/brazetest/Event_0001_{{${user_id}}}"
method: DELETE
headers:
  Authorization: %s
""" % TOKEN_HEADER  # noqa: UP031 - the Liquid braces would all need doubling


def test_send_the_delete_webhooks(capsys: pytest.CaptureFixture[str], fake: object,
                                  creds: None, tmp_path: Path) -> None:
    """The v2 delete takes the event off the second subscription, the v1 delete off all;
    both are checked as their own targets first (no finding) and sent with no body."""
    base = fake.base_url  # type: ignore[attr-defined]
    assert run(capsys, "send", str(CREATE), "--to", base)[0] == 0
    ids = sample_subscriber().data["custom_attributes"]["rokt:subscription_id"]

    def uids(sub: str) -> list[str]:
        text = requests.get(f"{base}/calendars/{sub}.ics", timeout=5).content
        return [str(e["UID"]) for e in icalendar.Calendar.from_ical(text).walk("VEVENT")]

    for name, text, left in (("remove", REMOVE, [["Event_0001_user-1001"], []]),
                             ("delete", DELETE, [[], []])):
        path = tmp_path / f"{name}.webhook.yaml"
        path.write_text(text, encoding="utf-8")
        code, out, err = run(capsys, "check", str(path))
        assert (code, err) == (0, ""), out
        assert out.startswith("All checks passed"), out
        code, out, err = run(capsys, "send", str(path), "--to", base)
        assert code == 0 and out.startswith("HTTP 202"), out + err
        assert [uids(sub) for sub in ids] == left
    sent = [r for r in fake.requests if r.method == "DELETE"]  # type: ignore[attr-defined]
    assert [(r.path.split("/")[1], r.body, r.status) for r in sent] == [
        ("v2", "", 202), ("v1", "", 202)]


def test_wrong_credentials_give_a_401_finding(capsys: pytest.CaptureFixture[str], fake: object,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(USER_ENV, CLIENT)
    monkeypatch.setenv(PASS_ENV, "wrong-password")
    code, out, err = run(capsys, "check", str(CREATE), "--live",
                         "--base-url", f"{ROKT}={fake.base_url}")  # type: ignore[attr-defined]
    assert code == 1
    assert "oauth2/token answered 401" in out
    assert "header-invalid" in out  # the Authorization header renders as "Bearer "
    assert "wrong-password" not in out + err
    code, out, _ = run(capsys, "send", str(CREATE), "--to", fake.base_url)  # type: ignore[attr-defined]
    assert code == 1 and out.startswith("HTTP 401")


def test_missing_credentials_are_named(capsys: pytest.CaptureFixture[str], fake: object,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(USER_ENV, raising=False)
    code, out, _ = run(capsys, "check", str(CREATE), "--live",
                       "--base-url", f"{ROKT}={fake.base_url}")  # type: ignore[attr-defined]
    assert code == 1
    assert f"credential 'Rokt-Calendar-API' is not set: export {USER_ENV}" in out


def test_fake_not_running(capsys: pytest.CaptureFixture[str], creds: None) -> None:
    with running_fake_rokt() as server:
        dead = server.base_url
    code, out, err = run(capsys, "check", str(CREATE), "--live", "--base-url", f"{ROKT}={dead}")
    assert code == 1
    assert "connection refused" in out and "gave up after 5 retries" in out
    code, _, err = run(capsys, "send", str(CREATE), "--to", dead)
    assert code == 1 and "connection refused" in err and "Traceback" not in err


def test_host_not_allowed_is_a_finding_not_a_request(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "check", str(CREATE), "--live")
    assert code == 1
    assert "connected-content-unmatched" in out
    assert "host 'api.roktcalendar.com' is not allowed" in out


class _Misbehaving(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        if self.path == "/slow":
            time.sleep(2.6)
            self._json({"late": True})
        elif self.path == "/redirect":
            self.send_response(302)
            self.send_header("Location", "http://127.0.0.1:1/elsewhere")
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif self.path == "/big":
            payload = b'"' + b"x" * 1_100_000 + b'"'
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        elif self.path == "/fail":
            self._json({"error": "boom"}, status=500)
        else:
            self._json({"name": "Ada", "count": self.server.hits})  # type: ignore[attr-defined]
            self.server.hits += 1  # type: ignore[attr-defined]

    def _json(self, data: object, status: int = 200) -> None:
        body = json.dumps(data).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def odd_server() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Misbehaving)
    server.hits = 0  # type: ignore[attr-defined]
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _send(base: str, path: str) -> object:
    transport = LiveTransport(allow_hosts=frozenset({"127.0.0.1:*"}), sleep=lambda _: None)
    return transport.send(CallRequest("GET", base + path))


@pytest.mark.parametrize(
    ("path", "kind", "words"),
    [
        ("/slow", "timeout", "longer than 2 s"),
        ("/redirect", "redirect", "does not follow redirects"),
        ("/big", "too-large", "over 1 MB"),
    ],
)
def test_braze_limits(odd_server: str, path: str, kind: str, words: str) -> None:
    with pytest.raises(CallFailed) as failed:
        _send(odd_server, path)
    assert failed.value.kind == kind and words in failed.value.message


def test_limits_surface_as_findings(capsys: pytest.CaptureFixture[str], odd_server: str,
                                   tmp_path: Path) -> None:
    hook = tmp_path / "h.webhook.yaml"
    hook.write_text(
        "url: https://example.test/hook\n"
        f"body: \"{{% connected_content {odd_server}/redirect :save r %}}{{{{r.name}}}}\"\n"
    )
    code, out, _ = run(capsys, "check", str(hook), "--live", "--allow-host", "127.0.0.1:*")
    assert code == 1 and "render-error" in out and "does not follow redirects" in out


def test_retry_on_500_aborts(odd_server: str) -> None:
    hook = load_webhook_text(f"{{% connected_content {odd_server}/fail :retry %}}")
    transport = LiveTransport(allow_hosts=frozenset({"127.0.0.1:*"}), sleep=lambda _: None)
    from rokt_braze.errors import MessageAborted

    with pytest.raises(MessageAborted) as aborted:
        render_message(hook, {}, build_resources(transport=transport))
    assert aborted.value.cause == "retry" and "answered 500" in aborted.value.reason


def test_get_cached_within_a_run(odd_server: str) -> None:
    hook = load_webhook_text(
        f"{{% connected_content {odd_server}/json :save a %}}{{{{a.count}}}}"
    )
    transport = LiveTransport(allow_hosts=frozenset({"127.0.0.1:*"}))
    texts = [render_message(hook, {}, build_resources(transport=transport)).request.body
             for _ in range(3)]
    assert texts == ["0", "0", "0"]  # one request, then the 5-minute cache


def test_expired_cached_token_with_retry(creds: None) -> None:
    """A token cached longer than it lives: the event call is refused with 401."""
    clock = ManualClock()
    with running_fake_rokt(clients={CLIENT: SECRET}, clock=clock) as server:
        text = CREATE.read_text().replace(":save token :retry", ":save token :retry "
                                          ":cache_max_age 900")
        hook = load_webhook_text(text, whole=True)
        transport = LiveTransport(base_urls={ROKT: server.base_url},
                                  allow_hosts=frozenset({"api.roktcalendar.com"}))
        ns = sample_subscriber().namespaces()
        first = render_message(hook, ns, build_resources(transport=transport)).request
        url = first.url.replace(ROKT, server.base_url)
        ok = requests.post(url, headers=first.headers, data=first.body, timeout=5)
        assert ok.status_code == 202
        clock.advance(301)
        again = render_message(hook, ns, build_resources(transport=transport)).request
        assert again.headers["Authorization"] == first.headers["Authorization"]  # cached
        refused = requests.post(url, headers=again.headers, data=again.body, timeout=5)
        assert refused.status_code == 401


def load_webhook_text(text: str, *, whole: bool = False):  # type: ignore[no-untyped-def]
    import tempfile

    with tempfile.NamedTemporaryFile("w", suffix=".webhook.yaml", delete=False) as handle:
        if whole:
            handle.write(text)
        else:
            handle.write("url: https://example.test/hook\nbody: " + json.dumps(text) + "\n")
    try:
        return load_webhook(handle.name)
    finally:
        Path(handle.name).unlink()


def test_send_uses_the_config_fixtures_as_check_does(
    capsys: pytest.CaptureFixture[str], fake: object, creds: None, tmp_path: Path
) -> None:
    """`send` renders through the pipeline: a content block from the config's fixture file
    reaches the request it sends (connected_content itself goes live)."""
    base = fake.base_url  # type: ignore[attr-defined]
    (tmp_path / "fixtures.yaml").write_text("content_blocks:\n  event_title: From the config\n")
    config = tmp_path / ".rokt-braze.toml"
    config.write_text('fixtures = ["fixtures.yaml"]\n')
    webhook = tmp_path / "create.webhook.yaml"
    webhook.write_text(CREATE.read_text().replace(
        "{% capture eventTitle %}Event Title{% endcapture %}",
        "{% capture eventTitle %}{{content_blocks.${event_title}}}{% endcapture %}"))
    code, out, err = run(capsys, "send", str(webhook), "--to", base, "--config", str(config))
    assert code == 0 and out.startswith("HTTP 202"), out + err
    sub = sample_subscriber().data["custom_attributes"]["rokt:subscription_id"][0]
    cal = icalendar.Calendar.from_ical(requests.get(f"{base}/calendars/{sub}.ics",
                                                    timeout=5).content)
    assert [str(e["SUMMARY"]) for e in cal.walk("VEVENT")] == ["From the config"]
    assert not run(capsys, "check", str(webhook), "--config", str(config), "--no-cache")[0]


def test_render_calls_shows_the_live_token_call(capsys: pytest.CaptureFixture[str],
                                                fake: object, creds: None) -> None:
    base = f"{ROKT}={fake.base_url}"  # type: ignore[attr-defined]
    code, out, err = run(capsys, "render", str(CREATE), "--live", "--base-url", base,
                         "--calls", "--as", "json")
    assert code == 0, err
    [call] = json.loads(out)["calls"]
    assert call["answered_by"] == "live" and call["status"] == 200
    assert call["attempts"] == 1 and isinstance(call["duration_ms"], float)
    assert call["url"] == f"{ROKT}/oauth2/token"  # as rendered; the rewrite is the transport's
    assert call["request_headers"]["Authorization"] == "Basic ********"
    assert "access_token" in call["response_body"] and SECRET not in out
    token = json.loads(call["response_body"].replace("********", "x"))
    assert token["token_type"].lower() == "bearer"
    code, out, err = run(capsys, "render", str(CREATE), "--live", "--base-url", base, "--calls")
    assert code == 0, err
    assert "  answered by: live" in out and "  status: 200" in out
    assert " ms, 1 attempt (with :retry)" in out
