"""The calls behind a finding: `check --format json` lists the connected_content calls a
finding came from, and `render --calls` shows the calls made before a render failed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rokt_braze.cli import main

SECRET = "s3cret-header-value"
X = "https://api.test/x"
Y = "https://api.test/y"
FIXTURES = [{"url": X, "status": 403, "json": {"v": "no"}},
            {"url": Y, "status": 500, "text": "down"}]
KEYS = {"profile", "field", "line", "column", "method", "url", "request_headers",
        "request_body", "answered_by", "status", "response_headers", "response_body",
        "duration_ms", "attempts", "save", "cache"}


def write(tmp_path: Path, body: str) -> tuple[str, str]:
    hook = tmp_path / "h.webhook.yaml"
    hook.write_text(f"url: https://example.test/hook\nbody: {json.dumps(body)}\n",
                    encoding="utf-8")
    fixtures = tmp_path / "fx.json"
    fixtures.write_text(json.dumps({"connected_content": FIXTURES}), encoding="utf-8")
    return str(hook), str(fixtures)


def call(url: str, options: str = "") -> str:
    return f"{{% connected_content {url} {options} %}}"


def check_json(capsys: pytest.CaptureFixture[str], *args: str) -> list[dict[str, object]]:
    main(["check", "--format", "json", *args])
    out = capsys.readouterr().out
    findings: list[dict[str, object]] = json.loads(out)["findings"]
    return findings


def test_a_non_2xx_answer_lists_its_call_redacted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    hook, fixtures = write(tmp_path, call(X, f':headers {{"Authorization": "Bearer {SECRET}"}} '
                                             ":save r") + "[{{ r.v }}]{{ ${nope} }}")
    findings = check_json(capsys, hook, "--fixtures", fixtures)
    [answered] = [f for f in findings if "answered 403" in str(f["message"])]
    [shown] = answered["calls"]  # type: ignore[misc]
    assert set(shown) >= KEYS
    assert (shown["profile"], shown["url"], shown["status"]) == ("sample-subscriber", X, 403)
    assert (shown["line"], shown["column"]) == (answered["line"], answered["column"])
    assert shown["answered_by"] == f"fixture {fixtures} entry 1"
    assert shown["request_headers"]["Authorization"] == "Bearer ********"
    # a finding no call led to has none
    [missing] = [f for f in findings if f["rule"] == "missing-attribute"]
    assert "calls" not in missing
    assert SECRET not in json.dumps(findings)


def test_a_failed_call_and_a_retry_that_gave_up_list_the_calls_made(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    hook, fixtures = write(tmp_path, call(X, ":save r") + call("https://api.test/none"))
    [unmatched] = check_json(capsys, hook, "--fixtures", fixtures)
    assert unmatched["rule"] == "connected-content-unmatched"
    [failed] = unmatched["calls"]  # type: ignore[misc]
    assert failed["url"] == "https://api.test/none" and failed["status"] is None
    assert str(failed["answered_by"]).startswith("failed: ")

    hook, fixtures = write(tmp_path, call(X, ":save r") + call(Y, ":retry"))
    [gave_up] = check_json(capsys, hook, "--fixtures", fixtures)
    assert "gave up" in str(gave_up["message"])
    [retried] = gave_up["calls"]  # type: ignore[misc]
    assert (retried["url"], retried["status"], retried["attempts"]) == (Y, 500, 6)


def test_the_calls_survive_the_result_cache(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ROKT_BRAZE_NO_CACHE")
    monkeypatch.setenv("ROKT_BRAZE_CACHE_DIR", str(tmp_path / "cache"))
    hook, fixtures = write(tmp_path, call(X, ":save r"))
    cold = check_json(capsys, hook, "--fixtures", fixtures)
    assert list((tmp_path / "cache").rglob("*.json"))
    warm = check_json(capsys, hook, "--fixtures", fixtures)
    assert warm == cold and warm[0]["calls"]


def test_render_calls_shows_the_calls_made_before_the_render_failed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    hook, fixtures = write(tmp_path, call(X, f':headers {{"Authorization": "Bearer {SECRET}"}} '
                                             ":save r") + call(Y, ":retry"))
    args = ["render", hook, "--fixtures", fixtures, "--calls"]
    assert main(args) == 1
    out, err = capsys.readouterr()
    assert "message aborted: connected_content :retry gave up" in err
    assert "connected_content call 1 of 2 (body, line 2, column 11)" in out
    assert "connected_content call 2 of 2" in out and "6 attempts (with :retry)" in out
    assert "  Authorization: Bearer ********" in out and SECRET not in out
    assert main([*args, "--as", "json"]) == 1
    first, second = json.loads(capsys.readouterr().out)["calls"]
    assert (first["status"], second["status"], second["attempts"]) == (403, 500, 6)
    assert main([*args, "--as", "curl"]) == 1
    assert capsys.readouterr().out.startswith("# connected_content call 1 of 2")
    # an unmatched call stops the render too: it is the last call shown
    hook, fixtures = write(tmp_path, call(X) + call("https://api.test/none"))
    assert main(["render", hook, "--fixtures", fixtures, "--calls", "--as", "json"]) == 1
    calls = json.loads(capsys.readouterr().out)["calls"]
    assert [c["url"] for c in calls] == [X, "https://api.test/none"]
    # without --calls a failed render prints nothing on stdout, as before
    assert main(["render", hook, "--fixtures", fixtures]) == 1
    assert capsys.readouterr().out == ""


def test_the_python_api_keeps_the_calls_on_the_finding(tmp_path: Path) -> None:
    import rokt_braze

    hook, _ = write(tmp_path, call(X, ":save r"))
    result = rokt_braze.check(hook, fixtures=FIXTURES)
    [finding] = result.findings
    [shown] = finding.calls
    assert shown["status"] == 403
    assert finding == finding.with_(calls=())  # not part of what the finding is
