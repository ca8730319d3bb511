"""A `.liquid` file is a message body without a URL, method or headers: `render` prints the
body alone and `send` refuses it, instead of a request to an empty URL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rokt_braze.cli import main


@pytest.fixture
def body(tmp_path: Path) -> Path:
    path = tmp_path / "greeting.liquid"
    path.write_text("Hello {{${first_name} | default: 'there'}}\n", encoding="utf-8")
    return path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_render_prints_the_body_alone(capsys: pytest.CaptureFixture[str], body: Path) -> None:
    code, out, err = run(capsys, "render", str(body))
    assert (code, out, err) == (0, "Hello Avery\n", "")


def test_render_as_json_has_no_made_up_request(
    capsys: pytest.CaptureFixture[str], body: Path
) -> None:
    code, out, _ = run(capsys, "render", str(body), "--as", "json")
    assert code == 0
    assert json.loads(out) == {"body": "Hello Avery\n"}


def test_render_as_curl_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], body: Path
) -> None:
    code, out, err = run(capsys, "render", str(body), "--as", "curl")
    assert code == 2 and out == ""
    assert err.startswith(f"rokt-braze: {body}: a .liquid file is a body without a URL")
    assert err.count("\n") == 1


def test_send_refuses_a_body_without_a_url(
    capsys: pytest.CaptureFixture[str], body: Path
) -> None:
    code, out, err = run(capsys, "send", str(body), "--to", "http://127.0.0.1:9")
    assert code == 2 and out == ""
    assert err.startswith(f"rokt-braze: {body}: a .liquid file is a body without a URL")
