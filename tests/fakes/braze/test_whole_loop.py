"""The whole loop on one machine, as the README tells it: subscribe three users at the fake
Rokt -> it pushes them into the fake Braze -> export the segment -> `audience` on the stock
create webhook -> the `subscribe` campaign fires -> each subscriber's `.ics` feed shows
their event and only theirs."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import requests
from polling import eventually

from rokt_braze.cli import main
from rokt_braze.fakes.sandbox import STOCK_CREATE, Sandbox, running_sandbox


def _braze(s: Sandbox, path: str, body: Any) -> Any:
    response = requests.post(s.braze_url + path, json=body, timeout=10,
                             headers={"Authorization": f"Bearer {s.braze_api_key}"})
    assert response.status_code == 201, response.text
    return response.json()


def _feed_uids(s: Sandbox, subscription_id: str) -> list[str]:
    import icalendar

    response = requests.get(f"{s.rokt_url}/calendars/{subscription_id}.ics", timeout=10)
    assert response.status_code == 200
    calendar = icalendar.Calendar.from_ical(response.text)
    return [str(event["UID"]) for event in calendar.walk("VEVENT")]


def test_subscribe_export_audience_campaign_feed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with running_sandbox(folder=str(tmp_path), retry_base=0.05) as s:
        subscriptions: dict[str, str] = {}
        for n in (1, 2, 3):
            answer = requests.post(
                f"{s.rokt_url}/v1/subscribe/{s.calendar_code}", timeout=10,
                json={"externalId": f"user-{n}", "email": f"user{n}@example.com",
                      "method": "Google" if n == 2 else "WebCal", "optIn1": True},
            )
            assert answer.status_code == 201, answer.text
            subscriptions[f"user-{n}"] = answer.json()["subscriptionId"]

        def pushed() -> list[Any] | None:
            users = _braze(s, "/users/export/ids", {"external_ids": list(subscriptions)})
            return users["users"] if len(users["users"]) == 3 else None

        users = eventually(pushed, "the push into Braze")
        for user in users:
            custom = user["custom_attributes"]
            assert custom["rokt:subscription_id"] == [subscriptions[user["external_id"]]]
            assert custom["rokt:account_code"][0].startswith(f"{s.account_code}/")
            assert user["custom_events"][0]["name"] == "subscribe"

        export = _braze(s, "/users/export/segment", {
            "segment_id": "subscribers",
            "fields_to_export": ["external_id", "braze_id", "email", "custom_attributes",
                                 "custom_events"],
        })
        [zip_file] = Path(export["folder"]).glob("*.zip")
        status = main(["audience", str(STOCK_CREATE), "--profile", str(zip_file),
                       "--no-progress", "--jobs", "1", "--format", "json"])
        report = json.loads(capsys.readouterr().out)
        assert status == 0 and report["summary"]["users"] == 3, report

        def delivered() -> list[Any] | None:
            log = requests.get(s.braze_url + "/fake/deliveries", timeout=10).json()
            done = [d for d in log["deliveries"] if d["state"] != "pending"]
            return done if len(done) == 3 else None

        deliveries = eventually(delivered, "the campaign's three deliveries")
        assert {(d["state"], d["status"]) for d in deliveries} == {("sent", 202)}
        assert sorted(d["user"] for d in deliveries) == sorted(subscriptions)
        for d in deliveries:
            assert d["request"]["headers"]["Authorization"] == "Bearer ********"
            assert d["request"]["url"] == (
                f"https://api.roktcalendar.com/v1/subscriptionevent/{s.account_code}")

        for user, subscription_id in subscriptions.items():
            assert _feed_uids(s, subscription_id) == [f"Event_0001_{user}"]

        assert main(["fake-braze", "log", s.braze_url]) == 0
        lines = capsys.readouterr().out.splitlines()
        # each delivery, then its one finding: the stock template's notifyBefore string
        sent, findings = lines[0::2], lines[1::2]
        assert len(sent) == 3 and all(" sent " in line and "[202]" in line for line in sent)
        assert len(findings) == 3 and len(set(findings)) == 1
        assert findings[0].startswith("    warning: rokt-notify-before event.notifyBefore '15' "
                                      "is a string")

        # unsubscribing removes that subscription's entries from the Braze profile
        gone = requests.delete(f"{s.rokt_url}/v1/subscribe/{subscriptions['user-2']}",
                               timeout=10)
        assert gone.status_code == 200

        def removed() -> dict[str, Any] | None:
            user = _braze(s, "/users/export/ids", {"external_ids": ["user-2"]})["users"][0]
            custom = user.get("custom_attributes", {})
            return user if not custom.get("rokt:subscription_id") else None

        user = eventually(removed, "the unsubscribe push")
        assert all(not values for values in user.get("custom_attributes", {}).values())
        again = requests.delete(f"{s.rokt_url}/v1/subscribe/{subscriptions['user-2']}",
                                timeout=10)
        assert again.status_code == 404 and again.json()["Code"] == "NotFound"


def test_subscribe_errors_use_rokts_error_model() -> None:
    with running_sandbox() as s:
        base = f"{s.rokt_url}/v1/subscribe"
        cases = [
            (f"{base}/no-such-calendar", {"externalId": "a"}, 404),
            (f"{base}/{s.calendar_code}", {"email": "x@example.com"}, 400),  # no fallback
            (f"{base}/{s.calendar_code}", {"externalId": "a", "method": "Outlook"}, 400),
            (f"{base}/{s.calendar_code}", {"externalId": "a", "optIn1": "yes"}, 400),
            (f"{base}/{s.calendar_code}", ["a"], 400),
        ]
        for url, body, status in cases:
            answer = requests.post(url, json=body, timeout=10)
            assert answer.status_code == status, (body, answer.text)
            assert set(answer.json()) == {"Code", "Reason"}
        broken = requests.post(f"{base}/{s.calendar_code}", data=b"{", timeout=10,
                               headers={"Content-Type": "application/json"})
        assert broken.status_code == 400
        untyped = requests.post(f"{base}/{s.calendar_code}", data=b"{}", timeout=10)
        assert untyped.status_code == 415


def _as_from_a_terminal() -> None:
    """The child gets Ctrl-C as a foreground job does, whatever this process inherited."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_sandbox_command_prints_one_json_line_and_stops_cleanly(stop: signal.Signals) -> None:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[3])}
    process = subprocess.Popen(
        [sys.executable, "-m", "rokt_braze.cli", "sandbox", "--json"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
        preexec_fn=_as_from_a_terminal,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        info = json.loads(line)
        assert {"rokt_url", "braze_url", "braze_api_key", "rokt_client_id",
                "rokt_client_secret", "account_code", "calendar_code"} <= set(info)
        health = requests.get(info["braze_url"] + "/fake/health", timeout=10)
        assert health.status_code == 200
        process.send_signal(stop)
        _, err = process.communicate(timeout=30)
        assert process.returncode == 0, err
        assert "Traceback" not in err and "stopped" in err
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
