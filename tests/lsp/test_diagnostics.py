"""Diagnostics are exactly what `check` reports for the same file and workspace."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import Session, check_json
from lsprotocol import types

pytestmark = pytest.mark.asyncio(loop_scope="session")

BROKEN = """\
name: broken
url: https://api.roktcalendar.com/v1/subscriptionevent/{{custom_attribute.${rokt:account_code}}}
method: POST
headers:
  Authorization: Bearer {{token}}
  Content-Type: application/json
body: |
  {% assign unused = 1 %}
  {"event": {"eventId": "E_{{${user_id}}}", "title": "Hi {{${first_name}}}",
   "start": "2024-13-01T10:00:00", "end": "{{ 'x' | escape_jsn }}",
   "timezone": "America/New_York", "notifyBefore": 15},
   "subscriptionIds": ["{{custom_attribute.${rokt:subscription_id} | first}}"]}
"""

_SEVERITY = {"error": types.DiagnosticSeverity.Error,
             "warning": types.DiagnosticSeverity.Warning,
             "info": types.DiagnosticSeverity.Information}


def _as_check(diagnostics: list[types.Diagnostic]) -> list[tuple[object, ...]]:
    return sorted((d.code, d.severity, d.range.start.line + 1, d.range.start.character + 1,
                   d.message) for d in diagnostics)


def _expected(findings: list[dict[str, object]]) -> list[tuple[object, ...]]:
    return sorted((f["rule"], _SEVERITY[str(f["severity"])], f["line"], f["column"],
                   f"{f['message']}" + (f" [{f['profile']}]" if f["profile"] else ""))
                  for f in findings)


async def test_a_broken_webhook_gets_what_check_prints(session: Session) -> None:
    diagnostics = await session.open("broken.webhook.yaml", BROKEN)
    expected = check_json(session.folder / "broken.webhook.yaml")
    assert len(expected) >= 5  # the file is broken in several ways
    assert _as_check(diagnostics) == _expected(expected)


async def test_unsaved_edits_are_checked_and_config_and_suppressions_apply(
        session: Session) -> None:
    session.write("pyproject.toml", '[tool.rokt-braze]\nseverity = {"unused-assign" = "error"}\n')
    diagnostics = await session.open("broken.webhook.yaml", BROKEN)
    assert any(d.code == "unused-assign" and d.severity == types.DiagnosticSeverity.Error
               for d in diagnostics)
    suppressed = BROKEN.replace("{% assign unused = 1 %}",
                                "{% assign unused = 1 %}{% # rokt-braze: disable=unused-assign %}")
    after = await session.change("broken.webhook.yaml", suppressed)
    assert not any(d.code == "unused-assign" for d in after)
    session.write("broken.webhook.yaml", suppressed)  # what check sees is the edited text
    assert _as_check(after) == _expected(check_json(session.folder / "broken.webhook.yaml"))


async def test_the_stock_templates_match_check(session: Session) -> None:
    root = Path(__file__).resolve().parents[2] / "templates"
    for template in sorted(root.glob("*.webhook.yaml")):
        diagnostics = await session.open(template.name, template.read_text(encoding="utf-8"))
        assert _as_check(diagnostics) == _expected(check_json(session.folder / template.name))


async def test_bad_yaml_is_a_diagnostic_at_its_place(session: Session) -> None:
    diagnostics = await session.open("bad.webhook.yaml", "url: https://x.example\nbody: [\n")
    assert len(diagnostics) == 1
    assert diagnostics[0].message.startswith("invalid YAML")
    assert diagnostics[0].range.start.line == 2  # the error is at the end of the file
