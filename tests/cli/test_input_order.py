"""The template comes first, for every entry point: its own findings are reported before
(and whatever happens to) the profiles, which are read only when something renders; a bad
profile file is one error, however many webhooks use it; `send` sends nothing for a body
that does not parse."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from rokt_braze.cli import main
from rokt_braze.connected.live import credential_env_names
from rokt_braze.fakes.rokt import FakeRokt, running_fake_rokt

REPO = Path(__file__).resolve().parents[2]
CREATE = REPO / "templates" / "rokt-create-event.webhook.yaml"
STOCK = CREATE.read_text(encoding="utf-8")
#: the stock body with its capture left open: a syntax error, and nothing can render
UNCLOSED = STOCK.replace("{% endcapture %}", "{% endcaptur %}")
BAD_JSON = '{"external_id": "a",\n'


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def files(tmp_path: Path) -> Path:
    (tmp_path / "bad.webhook.yaml").write_text(UNCLOSED, encoding="utf-8")
    (tmp_path / "good.webhook.yaml").write_text(STOCK, encoding="utf-8")
    (tmp_path / "other.webhook.yaml").write_text(STOCK, encoding="utf-8")
    (tmp_path / "users.json").write_text(BAD_JSON, encoding="utf-8")
    return tmp_path


SYNTAX = "bad.webhook.yaml:20:6: liquid-syntax (error) 'capture' tag was never closed"


@pytest.fixture(params=["cached", "--no-cache"])
def cache(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch,
          tmp_path: Path) -> list[str]:
    """check's two paths: through the result cache (off in the rest of the suite), or not."""
    if request.param == "--no-cache":
        return ["--no-cache"]
    monkeypatch.delenv("ROKT_BRAZE_NO_CACHE", raising=False)
    monkeypatch.setenv("ROKT_BRAZE_CACHE_DIR", str(tmp_path / "cache"))
    return []


def test_check_and_audience_agree_on_a_template_that_does_not_parse(
    capsys: pytest.CaptureFixture[str], files: Path, cache: list[str]
) -> None:
    """Nothing renders, so the profiles are never read: the syntax error, exit 1, from both."""
    profile = str(files / "users.json")
    code, out, err = run(capsys, "check", str(files / "bad.webhook.yaml"), "--profile",
                         profile, *cache)
    assert (code, err) == (1, "")
    assert out.splitlines()[0].endswith(SYNTAX)
    code, out, err = run(capsys, "audience", str(files / "bad.webhook.yaml"), "--profile",
                         profile, "--no-progress")
    assert (code, err) == (1, "")
    assert out.splitlines()[0].endswith(SYNTAX)


def test_a_bad_profile_file_is_one_error_after_every_template_finding(
    capsys: pytest.CaptureFixture[str], files: Path, cache: list[str]
) -> None:
    webhooks = [str(files / n) for n in ("bad.webhook.yaml", "good.webhook.yaml",
                                         "other.webhook.yaml")]
    code, out, err = run(capsys, "check", *webhooks, "--profile", str(files / "users.json"),
                         *cache)
    assert code == 2
    assert err == (f"rokt-braze: {files / 'users.json'}:2:1: invalid JSON: Expecting "
                   "property name enclosed in double quotes\n")
    lines = out.splitlines()
    assert lines[0].endswith(SYNTAX)
    # the lint findings of the files that parse are kept, though none of them rendered
    unescaped = [line for line in lines if "json-unescaped (warning)" in line]
    assert len(unescaped) == 4
    assert lines[-2:] == ["1 input error (see the errors): nothing that needs it was rendered.",
                          "Found 1 error, 4 warnings in 3 files (0 renders)."]


def test_a_bad_profile_is_reported_once_in_json_too(
    capsys: pytest.CaptureFixture[str], files: Path
) -> None:
    code, out, _ = run(capsys, "check", str(files / "good.webhook.yaml"),
                       str(files / "other.webhook.yaml"), "--profile",
                       str(files / "users.json"), "--format", "json", "--no-cache")
    assert code == 2
    doc = json.loads(out)
    assert len(doc["input_errors"]) == 1
    assert {f["rule"] for f in doc["findings"]} == {"json-unescaped"}


def test_a_bad_config_fixture_file_is_one_error_after_every_template_finding(
    capsys: pytest.CaptureFixture[str], files: Path, cache: list[str]
) -> None:
    """The config's fixture files are read when a render needs them, as `--profile` is."""
    (files / "fixtures.yaml").write_text('connected_content:\n  - url: "https://x\n    '
                                         "status: 200\n", encoding="utf-8")
    config = files / ".rokt-braze.toml"
    config.write_text('fixtures = ["fixtures.yaml"]\n', encoding="utf-8")
    webhooks = [str(files / n) for n in ("bad.webhook.yaml", "good.webhook.yaml",
                                         "other.webhook.yaml")]
    code, out, err = run(capsys, "check", *webhooks, "--config", str(config), *cache)
    assert code == 2
    assert err == (f"rokt-braze: {files / 'fixtures.yaml'}:4:1: invalid YAML: found "
                   "unexpected end of stream (in a quoted scalar opened at 2:10)\n")
    lines = out.splitlines()
    assert lines[0].endswith(SYNTAX)
    assert len([line for line in lines if "json-unescaped (warning)" in line]) == 4
    assert lines[-2:] == ["1 input error (see the errors): nothing that needs it was rendered.",
                          "Found 1 error, 4 warnings in 3 files (0 renders)."]
    code, out, _ = run(capsys, "check", *webhooks, "--config", str(config), "--format",
                       "json", *cache)
    doc = json.loads(out)
    assert code == 2 and len(doc["input_errors"]) == 1
    assert {f["rule"] for f in doc["findings"]} == {"liquid-syntax", "json-unescaped"}


def test_render_reports_the_syntax_error_before_reading_the_profile(
    capsys: pytest.CaptureFixture[str], files: Path
) -> None:
    code, out, err = run(capsys, "render", str(files / "bad.webhook.yaml"), "--profile",
                         str(files / "users.json"))
    assert (code, out) == (1, "")
    assert err == (f"rokt-braze: {files / 'bad.webhook.yaml'}:20:6: liquid-syntax 'capture' "
                   "tag was never closed\n")


CLIENT, SECRET = "braze-client", "s3cret-value-123"


@pytest.fixture
def fake() -> Iterator[FakeRokt]:
    with running_fake_rokt(clients={CLIENT: SECRET}) as server:
        yield server


@pytest.mark.parametrize("credentials", [False, True])
def test_send_reports_the_syntax_error_first_and_sends_nothing(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, files: Path,
    fake: FakeRokt, credentials: bool,
) -> None:
    """Without credentials the token call would fail; with them it would go out. Either
    way the body's syntax error is the one message, and the server hears nothing."""
    user, password = credential_env_names("Rokt-Calendar-API")
    for name in (user, password):
        if credentials:
            monkeypatch.setenv(name, CLIENT if name == user else SECRET)
        else:
            monkeypatch.delenv(name, raising=False)
    code, out, err = run(capsys, "send", str(files / "bad.webhook.yaml"), "--to",
                         fake.base_url)
    assert (code, out) == (1, "")
    assert err == (f"rokt-braze: {files / 'bad.webhook.yaml'}:20:6: liquid-syntax 'capture' "
                   "tag was never closed\n")
    assert fake.requests == []
    if credentials:  # the same fake does answer a webhook that parses
        assert run(capsys, "send", str(files / "good.webhook.yaml"), "--to",
                   fake.base_url)[0] == 0
        assert [r.path for r in fake.requests][:1] == ["/oauth2/token"]
