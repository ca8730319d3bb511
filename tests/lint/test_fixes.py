"""The fixes lint findings carry: applied to the file, the finding is gone, the file
still loads, and nothing else about the template changes."""

from __future__ import annotations

from pathlib import Path

import pytest
from edits import apply

from rokt_braze.findings import Finding
from rokt_braze.lint import lint_webhook
from rokt_braze.webhook import load_webhook


def lint(path: Path) -> list[Finding]:
    return list(lint_webhook(load_webhook(path)))


BLOCK = """\
url: https://example.com/hook
headers:
  Content-Type: application/json
body: |
  {"name": "{{${first_name}}}", "last": "{{ ${last_name} | upcase -}}"}
"""
QUOTED = 'url: https://example.com/hook\nheaders:\n  Content-Type: application/json\n' \
         'body: "{\\"name\\": \\"{{${first_name}}}\\", \\"x\\": \\"{{ \'a\' | upcase }}\\"}"\n'


@pytest.mark.parametrize("text", [BLOCK, QUOTED], ids=["block scalar", "double-quoted"])
def test_json_escape_is_added_inside_the_output(tmp_path: Path, text: str) -> None:
    path = tmp_path / "x.webhook.yaml"
    path.write_text(text, encoding="utf-8")
    for _ in range(3):  # one fix at a time, as an editor applies them
        found = [f for f in lint(path) if f.rule == "json-unescaped"]
        if not found:
            break
        assert found[0].fix is not None and found[0].fix.title == "Add | json_escape"
        path.write_text(apply(path.read_text(encoding="utf-8"), found[0].fix.edits),
                        encoding="utf-8")
    assert [f.rule for f in lint(path)] == []
    fixed = path.read_text(encoding="utf-8")
    assert "{{${first_name} | json_escape}}" in load_webhook(path).body.source  # type: ignore[union-attr]
    if text is BLOCK:
        assert "{{ ${last_name} | upcase | json_escape -}}" in fixed


def test_a_joined_array_gets_no_fix(tmp_path: Path) -> None:
    """Escaping the joined string would escape the `","` between elements too."""
    path = tmp_path / "x.webhook.yaml"
    path.write_text(BLOCK.replace("{{${first_name}}}",
                                  "{{custom_attribute.${ids} | join: '\",\"'}}"),
                    encoding="utf-8")
    joined = [f for f in lint(path) if "joined" in f.message]
    assert joined and joined[0].fix is None


def test_curly_quotes_in_a_double_quoted_scalar_become_escaped_straight_ones(
        tmp_path: Path) -> None:
    path = tmp_path / "x.webhook.yaml"
    path.write_text('url: "https://example.com/{{ \u201cx\u201d | upcase }}"\nbody: ok\n',
                    encoding="utf-8")
    for _ in range(2):
        found = [f for f in lint(path) if f.rule == "curly-quotes"]
        assert found[0].fix is not None
        path.write_text(apply(path.read_text(encoding="utf-8"), found[0].fix.edits),
                        encoding="utf-8")
    assert load_webhook(path).url.source == 'https://example.com/{{ "x" | upcase }}'  # type: ignore[union-attr]
    assert lint(path) == []


def test_an_unknown_filter_is_changed_to_the_one_suggested(tmp_path: Path) -> None:
    path = tmp_path / "x.webhook.yaml"
    path.write_text("url: https://example.com/\nbody: |\n  {{ 'a' | escape_json }}\n",
                    encoding="utf-8")
    [found] = lint(path)
    assert found.message.endswith("did you mean json_escape?")
    assert found.fix is not None and found.fix.title == "Change to json_escape"
    path.write_text(apply(path.read_text(encoding="utf-8"), found.fix.edits), encoding="utf-8")
    assert lint(path) == []
    # a filter Braze marks unsupported names its replacement in words only: no fix
    path.write_text("url: https://example.com/\nbody: |\n  {{ 'a' | lstrip }}\n",
                    encoding="utf-8")
    [found] = lint(path)
    assert found.fix is None
