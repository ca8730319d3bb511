"""Secret values never reach any output format, log or rendered request print-out."""

from __future__ import annotations

from pathlib import Path

import pytest

from rokt_braze.cli import main
from rokt_braze.connected.live import credential_env_names
from rokt_braze.fakes.rokt import running_fake_rokt
from rokt_braze.report import FORMATS

TOKEN = "tok-9f8e7d6c5b4a"  # a bearer token written into the template
BARE = "naked-secret-31337"  # a credential with no scheme: reported by header-invalid
CLIENT_SECRET = "client-secret-271828"
REPO = Path(__file__).resolve().parents[2]


def webhook(tmp_path: Path) -> Path:
    path = tmp_path / "s.webhook.yaml"
    path.write_text(
        'url: "https://api.roktcalendar.com/v1/subscriptionevent/brazetest"\n'
        "headers:\n"
        f'  Authorization: "{BARE}"\n'
        f'  X-Api-Key: "Bearer {TOKEN}"\n'
        "  Content-Type: application/json\n"
        "body: |-\n"
        '  {"event": {"eventId": "E_{{${user_id}}}", "title": "T", "start": "x",\n'
        '   "timezone": "Nowhere"}, "subscriptionIds": [""]}\n',
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize("fmt", FORMATS)
def test_check_formats_never_print_secrets(fmt: str, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    code = main(["check", str(webhook(tmp_path)), "--format", fmt])
    out, err = capsys.readouterr()
    assert code == 1
    everything = out + err + (summary.read_text("utf-8") if summary.exists() else "")
    assert "header-invalid" in everything
    for secret in (TOKEN, BARE):
        assert secret not in everything


@pytest.mark.parametrize("style", ["http", "curl", "json"])
def test_render_redacts_unless_asked(style: str, tmp_path: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    path = webhook(tmp_path)
    main(["render", str(path), "--as", style])
    out = capsys.readouterr().out
    assert TOKEN not in out and BARE not in out
    main(["render", str(path), "--as", style, "--show-secrets"])
    out = capsys.readouterr().out
    assert TOKEN in out and BARE in out


def test_live_credentials_never_printed(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    user_env, pass_env = credential_env_names("Rokt-Calendar-API")
    monkeypatch.setenv(user_env, "braze-client")
    monkeypatch.setenv(pass_env, CLIENT_SECRET)
    create = str(REPO / "templates" / "rokt-create-event.webhook.yaml")
    with running_fake_rokt(clients={"braze-client": CLIENT_SECRET}) as fake:
        for fmt in FORMATS:
            main(["check", create, "--live", "--format", fmt,
                  "--base-url", f"https://api.roktcalendar.com={fake.base_url}"])
        main(["send", create, "--to", fake.base_url])
        main(["render", create, "--live", "--as", "curl",
              "--base-url", f"https://api.roktcalendar.com={fake.base_url}"])
        issued = [r for r in fake.requests if r.path == "/oauth2/token"]
    out, err = capsys.readouterr()
    assert issued and "HTTP 202" in out
    assert CLIENT_SECRET not in out + err
    assert "Bearer ********" in out  # the live token is redacted in the curl print-out
