"""`rokt-braze fake-braze` and the fake Rokt's push options: bad input is one line on
stderr and exit 2, never a traceback."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from rokt_braze.cli import main


@pytest.mark.parametrize(("argv", "words"), [
    (["fake-braze", "--api-key", "k=users.nope"], "unknown permission 'users.nope'"),
    (["fake-braze", "--api-key", "=users.track"], "the key is empty"),
    (["fake-braze", "--campaign", "subscribe"], "expected EVENT=WEBHOOK"),
    (["fake-braze", "--campaign", "subscribe=no/such.webhook.yaml"], "no/such.webhook.yaml"),
    (["fake-braze", "--segment", "s=tier equals gold"], "not a segment condition"),
    (["fake-braze", "--rate-limit", "fast"], "REQUESTS/SECONDS"),
    (["fake-braze", "--credential", "Rokt-Calendar-API"], "NAME=USER:PASSWORD"),
    (["fake-rokt", "--braze-url", "http://127.0.0.1:9"], "go together"),
    (["fake-rokt", "--calendar", "just-a-calendar"], "ACCOUNT/CALENDAR"),
    (["fake-braze", "log", "http://127.0.0.1:9"], "no delivery log there"),
])
def test_bad_options(argv: list[str], words: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert words in err
    assert "Traceback" not in err


def test_port_in_use(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        assert main(["fake-braze", "--port", str(port)]) == 2
    assert "cannot listen on 127.0.0.1" in capsys.readouterr().err


def test_sandbox_dir_that_is_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """It printed "sandbox: [Errno 17] File exists: '...'"."""
    taken = tmp_path / "sandbox"
    taken.write_text("a file, not a folder\n")
    assert main(["sandbox", "--dir", str(taken)]) == 2
    assert capsys.readouterr().err == (f"rokt-braze: {taken}: cannot create the folder: "
                                       "File exists\n")


def test_log_of_a_server_that_is_not_the_fake_braze(capsys: pytest.CaptureFixture[str]) -> None:
    """The sandbox prints two URLs; the fake Rokt's given to `fake-braze log` said
    '(KeyError; is the fake Braze running?)'."""
    from rokt_braze.fakes.rokt import running_fake_rokt

    with running_fake_rokt() as rokt:
        base = rokt.base_url
        assert main(["fake-braze", "log", base]) == 2
    err = capsys.readouterr().err
    assert err == (f"rokt-braze: fake-braze log: {base}: no delivery log there "
                   f"(GET {base}/fake/deliveries answered HTTP 404; is this the fake "
                   "Braze's URL?)\n")
