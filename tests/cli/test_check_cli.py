"""`rokt-braze check` and `render` as a user runs them: exit statuses, output, bad input."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from rokt_braze.cli import main

REPO = Path(__file__).resolve().parents[2]
CREATE = REPO / "templates" / "rokt-create-event.webhook.yaml"
SUBSCRIBER = REPO / "examples" / "profiles" / "subscriber.yaml"
NO_SUBS = REPO / "examples" / "profiles" / "no-subscriptions.yaml"

BROKEN = textwrap.dedent(
    """\
    name: broken
    url: "https://api.roktcalendar.com/v1/subscriptionevent/brazetest"
    headers:
      Authorization: "Bearer {% connected_content https://api.roktcalendar.com/oauth2/token :method post :basic_auth Rokt-Calendar-API :body grant_type=client_credentials :save token :retry %}{{token.access_token}}"
      Content-Type: application/json
    body: |
      {% capture tz %}America/New_York{% endcapture %}
      {
        "event": {
          "eventId": "Event_{{${user_id} | json_escape}}",
          "title": "Sale",
          "start": "2019-02-30T15:00:00",
          "end": "2019-02-21T15:00:00",
          "timezone": "{{tz}}",
          "notifyBefore": 15
        },
        "subscriptionIds": ["06423672-b6ba-4536-aa36-70788a7a0a36"]
      }
    """  # noqa: E501 - a webhook file keeps each template on one line
)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def test_readme_main_job_is_clean(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "check", str(REPO / "templates"), str(REPO / "examples"))
    assert code == 0, out + err
    last = out.strip().splitlines()[-1]
    assert "error" not in last and last.endswith("in 3 files (4 renders).")
    assert err == ""


def test_broken_webhook_lines_point_into_the_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = write(tmp_path, "b.webhook.yaml", BROKEN)
    code, out, _ = run(capsys, "check", str(path))
    assert code == 1
    lines = out.splitlines()
    # the timezone comes from the capture on line 7, column 19 (inside the capture tag body)
    assert f"{path}:7:19: rokt-timezone " in out
    assert "'Eastern Standard Time'" in next(x for x in lines if "rokt-timezone" in x)
    assert f"{path}:12:17: rokt-datetime " in out
    assert lines[-1] == "Found 2 errors in 1 file (1 render)."
    assert all(line.endswith("[sample-subscriber]") for line in lines[:-1])


def test_fail_on_levels(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = write(tmp_path, "b.webhook.yaml", BROKEN)
    assert run(capsys, "check", str(path), "--fail-on", "never")[0] == 0
    # a profile without subscriptions gives warnings (missing attributes) and errors
    code, out, _ = run(capsys, "check", str(CREATE), "--profile", str(NO_SUBS),
                       "--fail-on", "warning")
    assert code == 1
    assert "missing-attribute (warning)" in out


def test_json_format_shape(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = write(tmp_path, "b.webhook.yaml", BROKEN)
    code, out, _ = run(capsys, "check", str(path), "--format", "json")
    assert code == 1
    doc = json.loads(out)
    assert doc["version"] == 1
    assert doc["summary"] == {"files": 1, "renders": 1, "errors": 2, "warnings": 0, "infos": 0}
    tz = next(f for f in doc["findings"] if f["rule"] == "rokt-timezone")
    assert (tz["line"], tz["column"], tz["field"], tz["severity"]) == (7, 19, "body", "error")
    assert tz["profile"] == "sample-subscriber" and tz["file"] == str(path)


def test_no_subscriptions_profile_findings(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "check", str(CREATE), "--profile", str(NO_SUBS))
    assert code == 1
    assert "rokt-url" in out  # .../subscriptionevent/ with an empty account code
    assert "rokt-subscription-ids" in out  # [""]
    assert "custom_attribute.${rokt:account_code} is not set" in out


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("bad.webhook.yaml", 'url: "x\nbody: [', ":2:8: invalid YAML: found unexpected end"),
        ("empty.webhook.yaml", "", "empty file"),
        ("bin.webhook.yaml", b"\x00\x01\x02", "binary file"),
        ("list.webhook.yaml", "- 1\n- 2\n", "must be a YAML mapping"),
        ("tgt.webhook.yaml", 'url: https://x\ntarget: nope\nbody: "{}"\n',
         ":2:9: unknown target 'nope'"),
        ("key.webhook.yaml", 'url: https://x\nbodi: "{}"\n', ":2:1: unknown key(s): bodi"),
        ("latin.webhook.yaml", b"url: caf\xe9\n", "not UTF-8"),
    ],
)
def test_bad_webhook_files_exit_2_with_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, name: str, content: str | bytes,
    message: str,
) -> None:
    path = write(tmp_path, name, content)
    code, out, err = run(capsys, "check", str(path))
    assert code == 2
    assert err.count("\n") == 1 and err.startswith(f"rokt-braze: {path}:")
    assert message in err
    assert "Traceback" not in out + err


def test_one_bad_file_does_not_hide_the_others(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    write(tmp_path, "bad.webhook.yaml", 'url: "x\nbody: [')
    write(tmp_path, "b.webhook.yaml", BROKEN)
    code, out, err = run(capsys, "check", str(tmp_path))
    assert code == 2
    assert "rokt-timezone" in out and "bad.webhook.yaml:2:8: invalid YAML" in err
    assert "1 of 2 files could not be checked" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["missing.webhook.yaml"], "missing.webhook.yaml: no such file or directory"),
        (["{tmp}"], "no templates here"),
    ],
)
def test_bad_paths(capsys: pytest.CaptureFixture[str], tmp_path: Path, args: list[str],
                   message: str) -> None:
    code, _, err = run(capsys, "check", *[a.format(tmp=tmp_path) for a in args])
    assert code == 2 and message in err and err.count("\n") == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("- a\n- b\n", "a profile must be a mapping"),
        ("first_name: [unclosed\n", "prof.yaml"),
        ("custom_attributes: 3\n", "custom_attributes"),
    ],
)
def test_bad_profiles_exit_2(capsys: pytest.CaptureFixture[str], tmp_path: Path, content: str,
                             message: str) -> None:
    profile = write(tmp_path, "prof.yaml", content)
    code, _, err = run(capsys, "check", str(CREATE), "--profile", str(profile))
    assert code == 2 and message in err and "Traceback" not in err
    assert err.startswith("rokt-braze: ")


@pytest.mark.parametrize(
    ("name", "content", "place"),
    [
        ("users.json", '[\n  {"external_id": "u1"},\n  {\n    "external_id": "u2",\n'
                       '    "custom_attributes": [1, 2]\n  }\n]\n', "5:5: record 2: "),
        ("user.json", '{\n  "external_id": "u2",\n  "custom_attributes": [1, 2]\n}\n', "3:3: "),
        ("users.jsonl", '{"external_id": "u1"}\n'
                        '{"external_id": "u2", "custom_attributes": [1, 2]}\n', "2:23: "),
        ("users.yaml", "- external_id: u1\n- external_id: u2\n  custom_attributes: [1, 2]\n",
         "3:3: record 2: "),
    ],
)
def test_a_bad_profile_record_is_reported_at_its_key(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, name: str, content: str, place: str
) -> None:
    """Whatever the format, `file:line:col:` is the offending key, as `check` places findings."""
    profile = write(tmp_path, name, content)
    code, _, err = run(capsys, "check", str(CREATE), "--profile", str(profile))
    assert code == 2
    assert err == (f"rokt-braze: {profile}:{place}custom_attributes must be a mapping, "
                   "got list\n")


def test_bad_option_is_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--format", "xml"]) == 2
    assert "invalid choice: 'xml'" in capsys.readouterr().err


def test_no_traceback_from_a_real_process(tmp_path: Path) -> None:
    path = write(tmp_path, "bad.webhook.yaml", "url: [\n")
    proc = subprocess.run(
        [sys.executable, "-m", "rokt_braze.cli", "check", str(path)],
        capture_output=True, text=True, check=False,
    )
    assert proc.returncode == 2
    assert proc.stderr.startswith("rokt-braze: ") and "Traceback" not in proc.stderr


def test_syntax_error_is_a_finding_not_an_input_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = write(tmp_path, "s.webhook.yaml", textwrap.dedent("""\
        url: "https://api.roktcalendar.com/v1/subscriptionevent/x"
        body: |
          {
            "a": "{{ ${first_name} | }}"
          }
        """))
    code, out, _ = run(capsys, "check", str(path))
    assert code == 1
    assert out.startswith(f"{path}:4:")
    assert " liquid-syntax " in out


def test_render_redacts_the_token(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "render", str(CREATE), "--profile", str(SUBSCRIBER))
    assert code == 0
    assert out.startswith("POST https://api.roktcalendar.com/v1/subscriptionevent/brazetest\n")
    assert "Authorization: Bearer ********\n" in out
    assert "offline-token" not in out
    assert '"eventId": "Event_0001_user-1001"' in out


def test_render_show_secrets_and_formats(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "render", str(CREATE), "--as", "json", "--show-secrets")
    assert code == 0
    doc = json.loads(out)
    assert doc["headers"]["Authorization"] == "Bearer offline-token-from-rokt-braze"
    assert json.loads(doc["body"])["event"]["timezone"] == "Eastern Standard Time"
    code, out, _ = run(capsys, "render", str(CREATE), "--as", "curl")
    assert out.startswith("curl -X POST https://api.roktcalendar.com/v1/subscriptionevent/")
    assert "-H 'Authorization: Bearer ********'" in out


def test_render_aborted_and_errors(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = write(tmp_path, "a.webhook.yaml",
                 "url: https://x.test/\nbody: \"{% abort_message('no thanks') %}\"\n")
    code, _, err = run(capsys, "render", str(path))
    assert code == 1 and "message aborted: no thanks" in err
    multi = write(tmp_path, "two.jsonl", '{"external_id": "a"}\n{"external_id": "b"}\n')
    code, _, err = run(capsys, "render", str(CREATE), "--profile", str(multi))
    assert code == 2 and "render takes one" in err


def test_config_severity_and_ignore(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = write(tmp_path, "b.webhook.yaml", BROKEN)
    write(tmp_path, ".rokt-braze.toml",
          'ignore = ["rokt-datetime"]\n[severity]\n"rokt-timezone" = "warning"\n')
    code, out, _ = run(capsys, "check", str(path), "--config", str(tmp_path / ".rokt-braze.toml"))
    assert code == 0
    assert "rokt-datetime" not in out and "rokt-timezone (warning)" in out


def test_pyproject_config_is_found(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, "b.webhook.yaml", BROKEN)
    write(tmp_path, "pyproject.toml", '[tool.rokt-braze]\nfail-on = "never"\n')
    monkeypatch.chdir(tmp_path)
    assert run(capsys, "check", "b.webhook.yaml")[0] == 0


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('fail-on = "sometimes"\n', "fail-on must be one of"),
        ('ignore = ["no-such-rule"]\n', "unknown rule 'no-such-rule'"),
        ("colour = 1\n", "unknown setting(s): colour"),
        ("ignore = [\n", "invalid TOML"),
    ],
)
def test_bad_config(capsys: pytest.CaptureFixture[str], tmp_path: Path, toml: str,
                    message: str) -> None:
    cfg = write(tmp_path, ".rokt-braze.toml", toml)
    code, _, err = run(capsys, "check", str(CREATE), "--config", str(cfg))
    assert code == 2 and message in err


def test_content_blocks_from_a_folder(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    blocks = tmp_path / "blocks"
    blocks.mkdir()
    (blocks / "greeting.liquid").write_text(
        "{% assign greeting = 'Hello' %}{{ greeting }} {{ ${first_name} }}"
        "{{content_blocks.${footer}}}", encoding="utf-8")
    (blocks / "footer.liquid").write_text(" - the team{{content_blocks.${deeper}}}",
                                          encoding="utf-8")
    (blocks / "deeper.liquid").write_text("THIRD LEVEL", encoding="utf-8")
    hook = write(tmp_path, "cb.webhook.yaml", "url: https://example.test/hook\n"
                 "content_blocks: blocks\nbody: \"{{content_blocks.${greeting}}}! {{greeting}}\"\n")
    code, out, _ = run(capsys, "render", str(hook))
    assert code == 0
    # the block's assign is visible after it; a third nesting level renders nothing
    assert out.endswith("\n\nHello Avery - the team! Hello\n")
    bad = write(tmp_path, "bad.webhook.yaml",
                "url: https://example.test/hook\ncontent_blocks: nope\nbody: x\n")
    code, _, err = run(capsys, "render", str(bad))
    assert code == 2 and "content_blocks folder" in err
