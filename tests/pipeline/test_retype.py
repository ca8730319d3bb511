"""Quotes added or removed where the Rokt contract wants another JSON type: applied to the
file (one fix at a time), the finding is gone and the body renders as the type wanted;
a value the template does not type as JSON (captured, from a profile) gets no fix."""

from __future__ import annotations

import json
from pathlib import Path

from edits import apply, fix_one_by_one

from rokt_braze import check, render_webhook
from rokt_braze.findings import Finding

ROOT = Path(__file__).resolve().parents[2]
STOCK = ROOT / "templates" / "rokt-create-event.webhook.yaml"
#: the stock template's token call: a fixed token would be a finding of its own
AUTH = next(line for line in STOCK.read_text(encoding="utf-8").split("\n")
            if line.startswith("  Authorization:"))
TYPES = """\
target: rokt.create_event
url: "https://api.roktcalendar.com/v1/subscriptionevent/abc"
headers:
AUTH
  Content-Type: application/json
body: |-
  {% capture n %}42{% endcapture %}
  {
    "event": {
      "eventId": "e_{{${user_id} | json_escape}}",
      "title": 12,
      "location": {{ 5 | plus: 1 }},
      "description": {{n}},
      "start": "2019-02-21T15:00:00",
      "end": "2019-02-21T15:00:00",
      "timezone": "Eastern Standard Time",
      "notifyBefore": "30",
      "allDayEvent": "true"
    },
    "subscriptionIds": ["11111111-1111-1111-1111-111111111111"]
  }
""".replace("AUTH", AUTH)
TYPE_RULES = ("rokt-field-type", "rokt-notify-before")


def typed(path: Path) -> list[Finding]:
    return [f for f in check(path, config=ROOT / "pyproject.toml").findings
            if f.rule in TYPE_RULES]


def test_wrong_types_are_requoted(tmp_path: Path) -> None:
    path = tmp_path / "t.webhook.yaml"
    path.write_text(TYPES, encoding="utf-8")
    assert fix_one_by_one(path, typed) == {
        "event.title": "Quote 12: send it as a string",
        "event.location": "Quote 6: send it as a string",
        "event.notifyBefore": "Remove the quotes: send 30 as a number",
        "event.allDayEvent": "Remove the quotes: send true as a boolean",
    }
    fixed = path.read_text(encoding="utf-8")
    for written in ['"title": "12",', '"location": "{{ 5 | plus: 1 }}",',
                    '"notifyBefore": 30,', '"allDayEvent": true']:
        assert written in fixed
    # the captured description is the capture's text: quoting the capture would change
    # every use of it, so it is left to the author
    [left] = typed(path)
    assert left.message.startswith("event.description must be") and left.fix is None
    body = json.loads(render_webhook(path).body)
    assert body["event"]["title"] == "12" and body["event"]["notifyBefore"] == 30
    assert body["event"]["allDayEvent"] is True


def test_the_stock_templates_notify_before_loses_its_quotes(tmp_path: Path) -> None:
    path = tmp_path / "stock.webhook.yaml"
    path.write_text(STOCK.read_text(encoding="utf-8"), encoding="utf-8")
    assert fix_one_by_one(path, typed) == {
        "event.notifyBefore": "Remove the quotes: send 15 as a number"}
    assert '"notifyBefore": {{notifyBefore}}' in path.read_text(encoding="utf-8")
    assert typed(path) == []
    assert json.loads(render_webhook(path).body)["event"]["notifyBefore"] == 15


def test_a_bare_output_of_a_profile_value_is_quoted_whole(tmp_path: Path) -> None:
    """The quotes go around the `{{ ... }}` that wrote the number, not into the profile's
    value: every user's title is then a string."""
    (tmp_path / "p.yaml").write_text("external_id: u1\ncustom_attributes:\n  t: 7\n",
                                     encoding="utf-8")
    path = tmp_path / "a.webhook.yaml"
    path.write_text(TYPES.replace('"title": 12', '"title": {{custom_attribute.${t}}}')
                    .replace("target: rokt", "profiles: [p.yaml]\ntarget: rokt"),
                    encoding="utf-8")
    title = next(f for f in typed(path) if f.message.startswith("event.title"))
    assert title.fix is not None and title.fix.title == "Quote 7: send it as a string"
    fixed = apply(path.read_text(encoding="utf-8"), title.fix.edits)
    assert '"title": "{{custom_attribute.${t}}}",' in fixed
