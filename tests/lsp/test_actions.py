"""Code actions: a lint fix and a suppression comment, applied as an editor applies them."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from conftest import ROOT, Session
from lsprotocol import types

pytestmark = pytest.mark.asyncio(loop_scope="session")

UNESCAPED = """\
url: https://example.com/hook
headers:
  Content-Type: application/json
body: |
  {"greeting": "Hello {{${first_name}}}",
   "id": "{{${user_id}}}"}
"""


def apply(text: str, edits: list[types.TextEdit]) -> str:
    """`edits` applied to `text` (ASCII here, so a UTF-16 column is a code point)."""
    lines = text.split("\n")

    def offset(p: types.Position) -> int:
        return sum(len(line) + 1 for line in lines[: p.line]) + p.character

    for e in sorted(edits, key=lambda e: offset(e.range.start), reverse=True):
        text = text[: offset(e.range.start)] + e.new_text + text[offset(e.range.end):]
    return text


async def actions(session: Session, name: str,
                  diagnostic: types.Diagnostic) -> list[types.CodeAction]:
    result = await session.client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=session.uri(name)),
        range=diagnostic.range,
        context=types.CodeActionContext(diagnostics=[diagnostic])))
    return [a for a in result or [] if isinstance(a, types.CodeAction)]


def edits(session: Session, name: str, action: types.CodeAction) -> list[types.TextEdit]:
    assert action.edit is not None and action.edit.changes is not None
    return list(action.edit.changes[session.uri(name)])


async def test_add_json_escape_fixes_the_unescaped_attribute(session: Session) -> None:
    name = "greet.webhook.yaml"
    text = UNESCAPED
    diagnostics = await session.open(name, text)
    first = next(d for d in diagnostics if d.code == "json-unescaped"
                 and "first_name" in d.message)
    offered = await actions(session, name, first)
    fix = next(a for a in offered if a.title == "Add | json_escape")
    assert fix.is_preferred and fix.kind == types.CodeActionKind.QuickFix
    text = apply(text, edits(session, name, fix))
    assert '"Hello {{${first_name} | json_escape}}"' in text
    after = await session.change(name, text)
    assert [d.message.split(" ")[0] for d in after if d.code == "json-unescaped"] == [
        "${user_id}"]  # that one is gone; the other is still there


async def test_disable_the_rule_on_this_line(session: Session) -> None:
    name = "greet.webhook.yaml"
    text = UNESCAPED
    diagnostics = await session.open(name, text)
    second = next(d for d in diagnostics if "user_id" in d.message)
    offered = await actions(session, name, second)
    disable = next(a for a in offered if a.title == "Disable json-unescaped on this line")
    text = apply(text, edits(session, name, disable))
    assert '   {% # rokt-braze: disable=json-unescaped %}"id": "{{${user_id}}}"}' in text
    after = await session.change(name, text)
    assert [d.message.split(" ")[0] for d in after if d.code == "json-unescaped"] == [
        "${first_name}"]


async def test_a_render_finding_in_a_quoted_url_can_be_disabled(session: Session) -> None:
    name = "url.webhook.yaml"
    text = 'url: "http://example.com/{{${first_name}}}"\nbody: ok\n'
    diagnostics = await session.open(name, text)
    url = next(d for d in diagnostics if d.code == "url-invalid")
    offered = await actions(session, name, url)
    [disable] = [a for a in offered if a.title.startswith("Disable")]
    after = await session.change(name, apply(text, edits(session, name, disable)))
    assert [d.code for d in after if d.code == "url-invalid"] == []
    assert len(after) == len(diagnostics) - 1


async def test_no_actions_for_text_that_was_not_checked_yet(session: Session) -> None:
    name = "greet.webhook.yaml"
    diagnostics = await session.open(name, UNESCAPED)
    session.client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=session.uri(name), version=2),
        content_changes=[types.TextDocumentContentChangeWholeDocument(
            text="# a new first line\n" + UNESCAPED)]))
    assert await actions(session, name, diagnostics[0]) == []


async def test_an_iana_time_zone_is_changed_to_its_windows_id(session: Session) -> None:
    """The stock template's captured zone, written as an IANA name: the fix edits the
    capture's text, where the rendered value came from."""
    stock = (ROOT / "templates" / "rokt-create-event.webhook.yaml").read_text(encoding="utf-8")
    text = stock.replace("{% capture eventTZ %}Eastern Standard Time{% endcapture %}",
                         "{% capture eventTZ %}America/Chicago{% endcapture %}")
    name = "create.webhook.yaml"
    diagnostics = await session.open(name, text)
    zone = next(d for d in diagnostics if d.code == "rokt-timezone")
    [fix] = [a for a in await actions(session, name, zone) if a.title.startswith("Change")]
    assert fix.title == "Change to 'Central Standard Time'"
    text = apply(text, edits(session, name, fix))
    assert "{% capture eventTZ %}Central Standard Time{% endcapture %}" in text
    assert not any(d.code == "rokt-timezone" for d in await session.change(name, text))


async def test_a_zone_from_a_profile_attribute_has_no_fix(session: Session) -> None:
    """The template does not hold the value: there is nothing to edit."""
    stock = (ROOT / "templates" / "rokt-create-event.webhook.yaml").read_text(encoding="utf-8")
    text = stock.replace('"timezone": "{{eventTZ}}"', '"timezone": "{{${time_zone}}}"')
    name = "create.webhook.yaml"
    diagnostics = await session.open(name, text)
    zone = next(d for d in diagnostics if d.code == "rokt-timezone")
    titles = [a.title for a in await actions(session, name, zone)]
    assert "Disable rokt-timezone on this line" in titles
    assert not [t for t in titles if t.startswith("Change")]


async def test_add_a_default_for_a_missing_attribute(session: Session) -> None:
    """Two profiles lack `nickname`: one fix (per place, as the diagnostic is) adds
    `| default: ''` after the attribute, and the re-check of the edited (unsaved) text
    no longer reports it."""
    session.write("p.yaml", "- {external_id: u1, first_name: Ann}\n"
                            "- {external_id: u2, first_name: Bo}\n")
    name = "nick.webhook.yaml"
    text = ("url: https://example.com/hook\nprofiles: [p.yaml]\nbody: |\n"
            "  {\"nick\": \"{{custom_attribute.${nickname} | json_escape}}\",\n"
            "   \"name\": \"{{${first_name} | json_escape}}\"}\n")
    diagnostics = await session.open(name, text)
    [miss] = [d for d in diagnostics if d.code == "missing-attribute"]
    assert miss.message.endswith("[u1, u2]")
    offered = await actions(session, name, miss)
    [fix] = [a for a in offered if a.title == "Add | default: ''"]
    assert fix.is_preferred and list(fix.diagnostics or ()) == [miss]
    text = apply(text, edits(session, name, fix))
    assert "{{custom_attribute.${nickname} | default: '' | json_escape}}" in text
    after = await session.change(name, text)
    assert [d.code for d in after if d.code == "missing-attribute"] == []
    assert len(after) == len(diagnostics) - 1


async def test_the_stock_notify_before_loses_its_quotes(session: Session) -> None:
    """rokt-notify-before knows notifyBefore is a number: the fix removes the two quotes
    the template types around `{{notifyBefore}}`, and the warning is gone."""
    text = (ROOT / "templates" / "rokt-create-event.webhook.yaml").read_text(encoding="utf-8")
    name = "create.webhook.yaml"
    diagnostics = await session.open(name, text)
    notify = next(d for d in diagnostics if d.code == "rokt-notify-before")
    offered = await actions(session, name, notify)
    fix = next(a for a in offered if a.title.startswith("Remove the quotes"))
    assert fix.title == "Remove the quotes: send 15 as a number" and fix.is_preferred
    text = apply(text, edits(session, name, fix))
    assert '"notifyBefore": {{notifyBefore}}\n' in text
    after = await session.change(name, text)
    assert [d.code for d in after] == [d.code for d in diagnostics
                                       if d.code != "rokt-notify-before"]


async def kinds(session: Session, name: str, only: list[str]) -> list[types.CodeAction]:
    """The actions of the kinds `only` for the whole document (as a save runs them)."""
    result = await session.client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=session.uri(name)),
        range=types.Range(start=types.Position(line=0, character=0),
                          end=types.Position(line=0, character=0)),
        context=types.CodeActionContext(diagnostics=[], only=only)))
    return [a for a in result or [] if isinstance(a, types.CodeAction)]


async def test_fix_all_makes_the_fixes_check_fix_makes(session: Session) -> None:
    """"Fix all" (source.fixAll.rokt-braze, which an editor may run on save) edits the
    text just as `rokt-braze check --fix` edits the file: the same choice of edits."""
    text = (ROOT / "templates" / "rokt-create-event.webhook.yaml").read_text(encoding="utf-8")
    name = "all.webhook.yaml"
    diagnostics = await session.open(name, text)
    [fix_all] = await kinds(session, name, ["source.fixAll"])
    assert fix_all.kind == "source.fixAll.rokt-braze"
    assert fix_all.title == "Fix all rokt-braze findings (2 fixes)"
    assert await kinds(session, name, ["source"]) == [fix_all]
    assert all(a.kind == types.CodeActionKind.QuickFix
               for a in await kinds(session, name, ["quickfix"]))
    fixed = apply(text, edits(session, name, fix_all))
    copy = session.write("copy.webhook.yaml", text)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "ROKT_BRAZE_NO_CACHE": "1"}
    done = subprocess.run([sys.executable, "-m", "rokt_braze.cli", "check", "--fix",
                           copy.name], cwd=copy.parent, env=env, capture_output=True,
                          text=True, check=True)
    assert done.stderr == "Fixed 2 findings (1 remaining).\n"
    assert copy.read_text(encoding="utf-8") == fixed
    after = await session.change(name, fixed)
    assert len(after) == len(diagnostics) - 2
    assert await kinds(session, name, ["source.fixAll"]) == []  # nothing left to fix
