"""Hostile input beyond templates: live calls that fail, flags that cannot work, files that
are not files, exports that are not exports - each a finding or a one-line input error."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from hostile_helpers import Run, write

REPO = Path(__file__).resolve().parents[2]
CREATE = str(REPO / "templates" / "rokt-create-event.webhook.yaml")


@pytest.fixture
def refused_origin(monkeypatch: pytest.MonkeyPatch) -> str:
    """An origin on loopback where nothing listens (a port just released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setenv("ROKT_BRAZE_ROKT_CALENDAR_API_USERNAME", "client-id")
    monkeypatch.setenv("ROKT_BRAZE_ROKT_CALENDAR_API_PASSWORD", "client-secret")
    return f"http://127.0.0.1:{port}"


def test_check_live_to_a_refused_server_is_a_finding(cli: Run, refused_origin: str) -> None:
    code, out, err = cli("check", CREATE, "--live", "--base-url",
                         f"https://api.roktcalendar.com={refused_origin}")
    assert code == 1, out + err
    assert "render-error (error) connected_content" in out and "connection refused" in out
    assert "client-secret" not in out + err


def test_render_live_to_a_refused_server_says_so(cli: Run, refused_origin: str) -> None:
    code, out, err = cli("render", CREATE, "--live", "--base-url",
                         f"https://api.roktcalendar.com={refused_origin}")
    assert code == 1
    assert out == "" and err.count("\n") == 1 and "connection refused" in err


@pytest.mark.parametrize(("flags", "message"), [
    (["--to", "not-a-url"], "--to 'not-a-url' must be http:// or https://"),
    (["--base-url", "https://api.roktcalendar.com=ftp://x"], "must be http:// or https://"),
    (["--base-url", "no-equals-sign"], "expected FROM=TO"),
])
def test_send_flags_are_checked_before_any_work(cli: Run, flags: list[str], message: str
                                                ) -> None:
    code, out, err = cli("send", CREATE, *flags)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and message in err


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_is_never_opened(cli: Run, tmp_path: Path) -> None:
    write(tmp_path, "ok.webhook.yaml", 'url: https://x.example/\nbody: "{}"\n')
    fifo = tmp_path / "pipe.webhook.yaml"
    os.mkfifo(fifo)  # opening it to read would block for ever
    code, out, err = cli("check", str(tmp_path))
    assert code == 0 and "1 file" in out, out + err
    code, _, err = cli("check", str(fifo))
    assert code == 2 and "not a regular file" in err


def test_audience_on_a_pretty_printed_json_object(cli: Run, tmp_path: Path) -> None:
    export = write(tmp_path, "user.json", json.dumps({"external_id": "a", "email": "a@b.c"},
                                                      indent=2))
    code, out, err = cli("audience", CREATE, "--profiles", str(export), "--jobs", "1",
                         "--no-progress")
    assert code == 2
    assert "passed" not in out
    assert "pretty-printed JSON" in err and err.count("\n") == 1


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_an_endless_device_as_a_profile_with_the_cache_on(tmp_path: Path) -> None:
    """The result cache hashes the run's data files: it must not read a device to its
    (missing) end. A subprocess with a timeout, so a regression fails instead of hanging."""
    env = {k: v for k, v in os.environ.items() if k != "ROKT_BRAZE_NO_CACHE"}
    env.update(ROKT_BRAZE_CACHE_DIR=str(tmp_path / "cache"), PYTHONPATH=str(REPO))
    done = subprocess.run([sys.executable, "-m", "rokt_braze.cli", "check", CREATE,
                           "--profile", "/dev/zero"], capture_output=True, text=True, env=env,
                          timeout=120)
    assert done.returncode == 2
    assert "/dev/zero: binary file, not a profile" in done.stderr
