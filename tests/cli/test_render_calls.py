"""`rokt-braze render FILE --calls`: every connected_content call laid open, offline."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rokt_braze.cli import main

REPO = Path(__file__).resolve().parents[2]
CREATE = REPO / "templates" / "rokt-create-event.webhook.yaml"
KEYS = {"method", "url", "request_headers", "request_body", "answered_by", "status",
        "response_headers", "response_body", "duration_ms", "attempts", "save", "cache"}
OFFLINE_TOKEN = "offline-token-from-rokt-braze"  # the built-in token fixture's answer


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def calls_of(capsys: pytest.CaptureFixture[str], *args: str) -> list[dict[str, object]]:
    code, out, err = run(capsys, "render", *args, "--calls", "--as", "json")
    assert code in (0, 1), err
    calls = json.loads(out)["calls"]
    assert isinstance(calls, list)
    return calls


def test_stock_token_call_is_answered_by_its_fixture_with_credentials_redacted(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run(capsys, "render", str(CREATE), "--calls")
    assert code == 0, err
    request, _, block = out.partition("\nconnected_content call 1 of 1 (header:Authorization, "
                                      "line 10, column 29)\n")
    assert request.startswith("POST https://api.roktcalendar.com/v1/subscriptionevent/")
    lines = block.splitlines()
    assert lines[0] == "  POST https://api.roktcalendar.com/oauth2/token"
    assert "  Authorization: Basic ********" in lines
    assert "  request body: grant_type=client_credentials" in lines
    assert "  answered by: fixture built-in fixtures entry 1" in lines
    assert "  status: 200" in lines and "  saved to: token" in lines
    assert any(line.endswith("1 attempt (with :retry)") for line in lines)
    assert OFFLINE_TOKEN not in out and '"access_token": "********"' in block

    [call] = calls_of(capsys, str(CREATE))
    assert set(call) >= KEYS
    assert call["request_headers"] == {"Content-Type": "application/x-www-form-urlencoded",
                                       "Authorization": "Basic ********"}
    assert call["answered_by"] == "fixture built-in fixtures entry 1"
    assert (call["status"], call["attempts"], call["save"], call["cache"]) == (200, 1, "token",
                                                                               None)
    assert OFFLINE_TOKEN not in json.dumps(call)


def test_show_secrets_shows_the_token_and_names_the_credential(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(capsys, "render", str(CREATE), "--calls", "--show-secrets")
    assert code == 0
    assert f"Authorization: Bearer {OFFLINE_TOKEN}" in out  # the request, then the call
    assert "  Authorization: Basic <basic_auth Rokt-Calendar-API>" in out
    assert f'"access_token": "{OFFLINE_TOKEN}"' in out


def test_without_calls_the_output_is_unchanged(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "render", str(CREATE), "--as", "json")
    assert "calls" not in json.loads(out)
    _, out, _ = run(capsys, "render", str(CREATE))
    assert "connected_content call" not in out


def hook(tmp_path: Path, body: str, fixtures: list[dict[str, object]]) -> tuple[Path, Path]:
    path = tmp_path / "h.webhook.yaml"
    path.write_text(f"url: https://example.test/hook\nbody: {json.dumps(body)}\n",
                    encoding="utf-8")
    fixture_file = tmp_path / "fixtures.json"
    fixture_file.write_text(json.dumps({"connected_content": fixtures}), encoding="utf-8")
    return path, fixture_file


def test_a_repeated_get_is_a_cache_hit_and_reports_no_second_finding(
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    url = "https://api.test/v?user=1"
    path, fixtures = hook(
        tmp_path,
        f"{{% connected_content {url} :save a %}}{{% connected_content {url} :save b %}}"
        f"[{{{{a.v}}}}{{{{b.v}}}}]",
        [{"url": url, "status": 403, "json": {"v": "no"}, "headers": {"X-Why": "denied"}}],
    )
    first, hit = calls_of(capsys, str(path), "--fixtures", str(fixtures))
    assert first["answered_by"] == f"fixture {fixtures} entry 1" and first["attempts"] == 1
    assert hit["answered_by"] == "cache" and hit["attempts"] == 0 and hit["save"] == "b"
    assert hit["status"] == 403 and hit["response_headers"] == {"X-Why": "denied"}
    assert first["cache"] == hit["cache"] == {"key": f"GET {url}", "max_age": 300}
    _, out, _ = run(capsys, "render", str(path), "--fixtures", str(fixtures), "--calls")
    assert "connected_content call 2 of 2" in out and "  answered by: cache" in out
    code, out, _ = run(capsys, "check", str(path), "--fixtures", str(fixtures))
    assert out.count("answered 403") == 1, out  # one finding: the hit adds none
    assert code == 0  # a warning


def test_a_post_with_cache_max_age_names_its_key_and_lifetime(
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    url = "https://api.test/q"
    path, fixtures = hook(
        tmp_path, f"{{% connected_content {url} :method post :body x=1 :cache_max_age 900 %}}",
        [{"url": url, "method": "POST", "text": "x" * 3000}],
    )
    [call] = calls_of(capsys, str(path), "--fixtures", str(fixtures))
    assert call["cache"] == {"key": f"POST {url} x=1", "max_age": 900}
    assert call["response_body"] == "x" * 2048 and call["response_size"] == 3000
    assert call["save"] == "connected"  # Braze's variable when there is no :save


def test_a_failed_call_says_why_and_the_render_still_shows_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    path, _ = hook(tmp_path, "[{% connected_content https://a.test/x :save r %}{{r.v}}]", [])
    args = ("render", str(path), "--live", "--base-url", "https://a.test=http://127.0.0.1:1",
            "--calls")
    code, out, err = run(capsys, *args)
    assert code == 1 and "Braze would send the message with this output blank" in err
    assert "  answered by: failed: " in out and "  status:" not in out
    code, out, _ = run(capsys, *args, "--as", "json")
    [call] = json.loads(out)["calls"]
    assert call["status"] is None and call["attempts"] == 1
    assert str(call["answered_by"]).startswith("failed: ")


def test_a_url_with_userinfo_is_redacted_in_the_call(
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    url = "https://me:pa55word@api.test/u"
    path, fixtures = hook(tmp_path, f"{{% connected_content {url} %}}",
                          [{"url": url, "json": {"ok": True}}])
    _, out, _ = run(capsys, "render", str(path), "--fixtures", str(fixtures), "--calls")
    assert "pa55word" not in out and "  GET https://********@api.test/u" in out
    _, out, _ = run(capsys, "render", str(path), "--fixtures", str(fixtures), "--calls",
                    "--show-secrets")
    assert "pa55word" in out


def test_no_calls_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path, _ = hook(tmp_path, "plain", [])
    code, out, _ = run(capsys, "render", str(path), "--calls")
    assert code == 0 and out.rstrip().endswith("no connected_content calls")
