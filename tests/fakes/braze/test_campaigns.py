"""Action-based delivery: what the fake Braze does with a triggered webhook - sent with the
event's properties, retried on connection failures, refused receivers not retried, aborted
messages never sent, render errors logged - and the findings `check` would report."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import pytest
import requests
from polling import eventually

from rokt_braze.fakes.braze.app import FakeBraze, running_fake_braze
from rokt_braze.fakes.braze.auth import ApiKey
from rokt_braze.fakes.braze.delivery import parse_campaign

KEY = "campaign-test-key-01"
NOW = "2024-05-01T10:00:00Z"


def _webhook(folder: Path, name: str, url: str, body: str, token: str = "secret-123") -> str:
    path = folder / f"{name}.webhook.yaml"
    path.write_text(
        f"name: {name}\nurl: \"{url}\"\nmethod: POST\n"
        f"headers:\n  Content-Type: application/json\n  Authorization: Bearer {token}\n"
        f"body: |-\n  {body}\n", encoding="utf-8")
    return str(path)


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _trigger(braze: FakeBraze, event: str, properties: dict[str, Any]) -> None:
    answer = requests.post(braze.base_url + "/users/track", timeout=10,
                           headers={"Authorization": f"Bearer {KEY}"},
                           json={"attributes": [{"external_id": "u1", "first_name": "Ada"}],
                                 "events": [{"external_id": "u1", "name": event, "time": NOW,
                                             "properties": properties}]})
    assert answer.status_code == 201, answer.text


def _log(braze: FakeBraze, count: int) -> list[dict[str, Any]]:
    def done() -> list[dict[str, Any]] | None:
        log = [d.to_dict() for d in braze.deliverer.deliveries()]
        return log if len(log) == count and all(d["state"] != "pending" for d in log) else None

    return eventually(done, f"{count} finished deliveries")


def test_delivery_states(tmp_path: Path) -> None:
    with running_fake_braze(keys=[ApiKey(KEY)]) as receiver:
        hooks = "https://hooks.example.com"
        campaigns = [
            # sent to the fake Braze itself, which answers 201 with the key, 401 without
            _webhook(tmp_path, "sent", f"{hooks}/users/track",
                     '{"attributes": [{"external_id": "{{${user_id}}}-{{event_properties.'
                     '${venue}}}"}]}', token=KEY),
            _webhook(tmp_path, "refused", f"{hooks}/users/export/ids", "{}"),
            _webhook(tmp_path, "unreachable", "https://down.example.com/x", "{}"),
            _webhook(tmp_path, "aborted", f"{hooks}/x",
                     "{% abort_message('no venue') %}"),
            _webhook(tmp_path, "broken", f"{hooks}/x", "{{ 10 | divided_by: 0 }}"),
            _webhook(tmp_path, "elsewhere", "https://not-rewritten.example.org/x", "{}"),
        ]
        with running_fake_braze(
            keys=[ApiKey(KEY)], retry_base=0.01,
            campaigns=[parse_campaign(f"go={path}") for path in campaigns],
            base_urls={hooks: receiver.base_url,
                       "https://down.example.com": f"http://127.0.0.1:{_closed_port()}"},
        ) as braze:
            _trigger(braze, "go", {"venue": "pier4"})
            _trigger(braze, "other-event", {})  # no campaign: no delivery
            log = {Path(d["webhook"]).name.split(".")[0]: d for d in _log(braze, 6)}
        # the receiver got the webhook, rendered with the event's properties
        got = requests.post(receiver.base_url + "/users/export/ids", timeout=10,
                            headers={"Authorization": f"Bearer {KEY}"},
                            json={"external_ids": ["u1-pier4"]}).json()
    assert got["users"][0]["external_id"] == "u1-pier4"
    assert (log["sent"]["state"], log["sent"]["status"], log["sent"]["attempts"]) == (
        "sent", 201, 1)
    assert log["sent"]["request"]["headers"]["Authorization"] == "Bearer ********"
    assert KEY not in str(log) and "secret-123" not in str(log)
    assert (log["refused"]["state"], log["refused"]["status"]) == ("failed", 401)
    assert log["refused"]["attempts"] == 1  # a 4xx is not retried
    assert log["unreachable"]["state"] == "failed"
    assert log["unreachable"]["attempts"] == 6  # the first try and 5 retries
    assert log["aborted"]["state"] == "aborted" and log["aborted"]["detail"] == "no venue"
    assert log["aborted"]["request"] is None
    assert log["broken"]["state"] == "error" and "divided by 0" in log["broken"]["detail"]
    assert log["elsewhere"]["state"] == "failed"
    assert "not allowed" in log["elsewhere"]["detail"]


def test_a_delivery_carries_the_findings_check_reports(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from rokt_braze.cli import main

    with running_fake_braze(keys=[ApiKey(KEY)]) as receiver:
        body = ('{"event": {"eventId": "E_{{${user_id}}}", "title": "T", "start": '
                '"2024-05-01T10:00:00", "timezone": "Mars Standard Time"}, '
                '"subscriptionIds": ["06423672-b6ba-4536-aa36-70788a7a0a36"]}')
        path = _webhook(tmp_path, "rokt",
                        "https://api.roktcalendar.com/v1/subscriptionevent/acme", body)
        with running_fake_braze(
            keys=[ApiKey(KEY)], campaigns=[parse_campaign(f"go={path}")],
            base_urls={"https://api.roktcalendar.com": receiver.base_url},
        ) as braze:
            _trigger(braze, "go", {})
            [delivery] = _log(braze, 1)
            assert main(["fake-braze", "log", braze.base_url]) == 0
    rules = {f["rule"] for f in delivery["findings"]}
    assert "rokt-timezone" in rules
    assert delivery["status"] == 404  # sent anyway: Braze has no validator
    out = capsys.readouterr().out
    assert "error: rokt-timezone" in out


def test_bad_campaign_files_fail_at_start(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="EVENT=WEBHOOK"):
        parse_campaign("subscribe")
    from rokt_braze.errors import InputError

    with pytest.raises(InputError):
        parse_campaign(f"subscribe={tmp_path / 'missing.webhook.yaml'}")
