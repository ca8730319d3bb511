"""The `missing-attribute` fix: a `default` filter after the attribute. Applied to the file
(one fix at a time, as an editor applies them), the finding is gone, the file still
loads, and the default written suits the place (a number where the schema wants one)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from edits import fix_one_by_one

from rokt_braze import check
from rokt_braze.findings import Finding

ROOT = Path(__file__).resolve().parents[2]
PROFILE = "external_id: u1\nfirst_name: Ann\ncustom_attributes:\n  present: 5\n"
ROKT = """\
target: rokt.create_event
url: "https://api.roktcalendar.com/v1/subscriptionevent/abc"
headers:
  Authorization: Bearer t
  Content-Type: application/json
  X-Nick: hi {{${nickname}}}
  X-Quoted: '{{custom_attribute.${quoted}}}'
profiles: [p.yaml]
body: |-
  {% assign n = custom_attribute.${assigned} %}
  {% if custom_attribute.${flag} %}yes{% endif %}
  {
    "event": {
      "eventId": "e_{{${user_id}}}{{n}}",
      "title": "{{custom_attribute.${title} | json_escape}}",
      "start": "2019-02-21T15:00:00",
      "end": "2019-02-21T15:00:00",
      "timezone": "Eastern Standard Time",
      "notifyBefore": {{custom_attribute.${minutes}}},
      "allDayEvent": {{custom_attribute.${all_day}}},
      "location": "{{ custom_attribute.${floor} | plus: 1 }}",
      "description": "{{custom_attribute.${list}[0] | upcase}}"
    },
    "subscriptionIds": ["11111111-1111-1111-1111-111111111111"]
  }
"""


def missing(path: Path) -> list[Finding]:
    return [f for f in check(path, config=ROOT / "pyproject.toml").findings
            if f.rule == "missing-attribute"]


@pytest.fixture()
def hook(tmp_path: Path) -> Path:
    (tmp_path / "p.yaml").write_text(PROFILE, encoding="utf-8")
    path = tmp_path / "x.webhook.yaml"
    path.write_text(ROKT, encoding="utf-8")
    return path


def test_each_fix_clears_its_finding_and_the_file_still_loads(hook: Path) -> None:
    titles = fix_one_by_one(hook, missing)
    # only the `if` condition is left: a condition takes no filters
    assert [f.message.split(" ")[0] for f in missing(hook)] == ["custom_attribute.${flag}"]
    assert titles == {
        "${nickname}": "Add | default:''",  # a plain YAML scalar: no ': ' in it
        "custom_attribute.${quoted}": "Add | default: ''",
        "custom_attribute.${assigned}": "Add | default: ''",
        "custom_attribute.${title}": "Add | default: ''",
        "custom_attribute.${minutes}": "Add | default: 0",  # the schema's number
        "custom_attribute.${all_day}": "Add | default: false",  # the schema's boolean
        "custom_attribute.${floor}": "Add | default: 0",  # a math filter follows
        "custom_attribute.${list}": "Add | default: ''",
    }
    fixed = hook.read_text(encoding="utf-8")
    for written in [
        "  X-Nick: hi {{${nickname} | default:''}}",
        "  X-Quoted: '{{custom_attribute.${quoted} | default: ''''}}'",  # YAML-escaped
        "{% assign n = custom_attribute.${assigned} | default: '' %}",
        '"notifyBefore": {{custom_attribute.${minutes} | default: 0}},',
        '"allDayEvent": {{custom_attribute.${all_day} | default: false}},',
        "{{ custom_attribute.${floor} | default: 0 | plus: 1 }}",
        "{{custom_attribute.${list}[0] | default: '' | upcase}}",
    ]:
        assert written in fixed
    # the defaults render as JSON the contract accepts: no body or type finding is left
    rules = {f.rule for f in check(hook, config=ROOT / "pyproject.toml").findings}
    assert not rules & {"body-json-invalid", "rokt-field-type", "rokt-notify-before"}


def test_a_generic_webhook_gets_an_empty_string_default(tmp_path: Path) -> None:
    (tmp_path / "p.yaml").write_text(PROFILE, encoding="utf-8")
    path = tmp_path / "g.webhook.yaml"
    path.write_text('url: https://example.com/hook\nprofiles: [p.yaml]\n'
                    'body: |\n  {"n": {{custom_attribute.${count}}}}\n', encoding="utf-8")
    [f] = missing(path)
    assert f.fix is not None and f.fix.title == "Add | default: ''"  # no schema to ask


def test_check_format_json_carries_the_fix(hook: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "ROKT_BRAZE_NO_CACHE": "1"}
    done = subprocess.run([sys.executable, "-m", "rokt_braze.cli", "check", "--format", "json",
                           "--fail-on", "never", hook.name], cwd=hook.parent, env=env,
                          capture_output=True, text=True, check=True)
    entries = json.loads(done.stdout)["findings"]
    minutes = next(e for e in entries if e["rule"] == "missing-attribute"
                   and "${minutes}" in e["message"])
    line = ROKT.split("\n").index(
        '      "notifyBefore": {{custom_attribute.${minutes}}},') + 1
    column = len('      "notifyBefore": {{custom_attribute.${minutes}') + 1
    assert minutes["fix"] == {"title": "Add | default: 0", "edits": [
        {"line": line, "column": column, "end_line": line, "end_column": column,
         "text": " | default: 0"}]}
    flag = next(e for e in entries if "${flag}" in e["message"])
    assert "fix" not in flag
