"""`rokt-braze fake-rokt` as a real process: banner, request log, redaction, Ctrl-C."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests

from rokt_braze.fakes.rokt.cli import main
from rokt_braze.secrets import REDACTED

from .helpers import ACCOUNT, SECRET, create_body, get_token, post_event

URL_LINE = re.compile(r"fake Rokt Calendar API on (http://127\.0\.0\.1:\d+)")


class Running:
    def __init__(self, process: subprocess.Popen[str], base_url: str, banner: list[str]):
        self.process = process
        self.base_url = base_url
        self.banner = banner

    def calendar_url(self, subscription_id: str) -> str:
        return f"{self.base_url}/calendars/{subscription_id}.ics"


@contextmanager
def cli_server(*args: str) -> Iterator[Running]:
    """Start the CLI on a free port; always stopped (SIGINT, then kill) afterwards."""
    process = subprocess.Popen(
        [sys.executable, "-m", "rokt_braze.fakes.rokt", "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        banner: list[str] = []
        assert process.stderr is not None
        for line in process.stderr:
            banner.append(line)
            if line.startswith("Press Ctrl-C"):
                break
        match = URL_LINE.search("".join(banner))
        assert match, "".join(banner)
        yield Running(process, match.group(1), banner)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def stop(running: Running) -> tuple[int, str]:
    running.process.send_signal(signal.SIGINT)
    _out, err = running.process.communicate(timeout=10)
    return running.process.returncode, "".join(running.banner) + err


def test_serves_logs_redacted_and_stops_cleanly_on_ctrl_c() -> None:
    with cli_server("--client", f"client-1:{SECRET}", "--account", ACCOUNT) as running:
        token = get_token(running)
        reply = post_event(running, token, create_body())
        assert reply.status_code == 202, reply.text
        requests.get(f"{running.base_url}/health?access_token={token}", timeout=5)
        code, stderr = stop(running)
    assert code == 0
    assert "Traceback" not in stderr
    assert SECRET not in stderr
    assert token not in stderr
    assert f"client-1:{REDACTED}" in stderr
    assert re.search(r'"POST /oauth2/token" 200', stderr)
    assert re.search(rf'"POST /v1/subscriptionevent/{ACCOUNT}" 202', stderr)
    assert f"access_token={REDACTED}" in stderr
    assert stderr.rstrip().endswith("stopped")


def test_default_demo_client_secret_is_hidden_unless_asked() -> None:
    with cli_server() as running:
        banner = "".join(running.banner)
    assert f"demo-client:{REDACTED}" in banner
    assert "accounts:  any" in banner
    with cli_server("--show-secrets") as running:
        banner = "".join(running.banner)
        secret = re.search(r"demo-client:(\S+)", banner)
        assert secret and secret.group(1) != REDACTED
        assert get_token(running, "demo-client", secret.group(1))


def test_db_file_keeps_events_across_cli_restarts(tmp_path: Path) -> None:
    db = str(tmp_path / "state.sqlite")
    with cli_server("--client", f"c:{SECRET}", "--db", db) as running:
        token = get_token(running, "c", SECRET)
        assert post_event(running, token, create_body()).status_code == 202
    with cli_server("--client", f"c:{SECRET}", "--db", db) as running:
        feed = requests.get(running.calendar_url(create_body()["subscriptionIds"][0]), timeout=5)
        assert "UID:launch-1" in feed.text


@pytest.mark.parametrize(
    "argv",
    [["--client", "no-colon"], ["--client", ":secret"], ["--port", "99999"], ["--expires-in", "0"],
     ["--account", "acme="], ["--account", "=client-1"]],
)
def test_bad_options_are_usage_errors(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    assert "usage:" in capsys.readouterr().err


def test_unusable_db_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "missing-dir" / "state.sqlite"
    assert main(["--port", "0", "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert str(db) in err
    assert "Traceback" not in err


def test_port_in_use_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["--port", str(port)]) == 2
    assert f"cannot listen on 127.0.0.1:{port}" in capsys.readouterr().err


def test_help_exits_zero(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    assert "--show-secrets" in capsys.readouterr().out


def test_an_account_owned_by_an_unknown_client_is_a_clear_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["--port", "0", "--client", "c:s", "--account", "acme=nobody"]) == 2
    err = capsys.readouterr().err
    assert "unknown clients: nobody" in err and "Traceback" not in err


def test_account_owners_are_shown_and_enforced() -> None:
    with cli_server("--client", f"client-1:{SECRET}", "--client", "client-2:other-secret",
                    "--account", f"{ACCOUNT}=client-2") as running:
        assert f"accounts:  {ACCOUNT} (client client-2)" in "".join(running.banner)
        mine = get_token(running)
        assert post_event(running, mine, create_body()).status_code == 403


@pytest.mark.parametrize(
    ("host", "loopback"),
    [("127.0.0.1", True), ("127.8.0.1", True), ("::1", True), ("localhost", True),
     ("0.0.0.0", False), ("::", False), ("192.168.1.5", False), ("example.com", False)],
)
def test_hosts_beyond_loopback_are_recognised_for_the_warning(host: str, loopback: bool) -> None:
    """`--host` off loopback prints a warning before the banner (not started here: tests
    listen on loopback only)."""
    from rokt_braze.fakes.rokt.cli import _loopback

    assert _loopback(host) is loopback


def test_loopback_serving_has_no_warning() -> None:
    with cli_server() as running:
        assert "warning" not in "".join(running.banner)
