"""Hover: what a `{{ ... }}` or tag renders to for each profile, the branch a block tag
took or the times a loop ran (`blocks`), the connected_content call a tag makes, and a
rule's documentation.

The value comes from the pipeline itself: the field is rendered for each of the first
profiles with the hovered markup wrapped in two marker characters (literal text, which
renders as itself), and what lands between the markers is the value — once per time the
markup ran (a loop), wherever a capture carried it. An `assign` or `capture` is shown by
the value its variable holds just after it. Secrets are redacted as `render` redacts them.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from rokt_braze.braze import parse_template
from rokt_braze.commands.render import call_block
from rokt_braze.errors import InputError
from rokt_braze.findings import RULES
from rokt_braze.lint.source import Region, regions, tag_name
from rokt_braze.lsp.blocks import Block, describe, find_block, mark
from rokt_braze.lsp.checking import OFFLINE, Sources
from rokt_braze.lsp.diagnostics import RULES_URL
from rokt_braze.pipeline import Outcome, Pipeline
from rokt_braze.profiles import Profile
from rokt_braze.webhook import Field, parse_webhook
from rokt_braze.webhook.calls import call_view, cleaner

__all__ = ["hover_markdown", "rule_doc"]

OPEN, CLOSE = "\ue000", "\ue001"  # private-use characters no template writes
_RULE_WORD = re.compile(r"[a-z][a-z0-9-]*")
_ASSIGN = re.compile(r"\{%-?\s*(?:assign|capture)\s+([\w-]+)")
#: most pieces (loop iterations) shown per profile, and characters per piece
MAX_PIECES, MAX_CHARS = 5, 2000
DOCS = Path(__file__).resolve().parents[2] / "docs" / "rules.md"


def hover_markdown(path: str, text: str, offset: int, limit: int,
                   sources: Sources = OFFLINE) -> str | None:
    """The hover for code-point `offset` of the document, or None."""
    word = _word_at(text, offset)
    if word in RULES:
        return rule_doc(word)
    try:
        webhook = parse_webhook(path, text)
    except InputError:
        return None
    for fld in webhook.fields():
        index = fld.index_at(offset)
        if index is None or index >= len(fld.source):
            continue
        region = next((r for r in regions(fld.source) if r.start <= index < r.end), None)
        if region is None or region.kind not in ("output", "tag"):
            return None
        try:
            settings = sources.settings(path)
            pipeline = Pipeline(webhook, settings)
            profiles = pipeline.profiles()[:limit]
        except InputError as err:
            return f"cannot render: {err}"
        return _rendered(pipeline, fld, region, profiles)
    return None


def _rendered(pipeline: Pipeline, fld: Field, region: Region,
              profiles: list[Profile]) -> str | None:
    source = fld.source
    block = find_block(source, region) if region.kind == "tag" else None
    if block is not None:  # any of its tags stands for the block
        region = block.opener
    name = tag_name(source, region)
    if name in ("assign", "capture"):  # a capture shows the value it sets
        block = None
    shown = source[region.start:region.end]
    if len(shown) > 80:
        shown = shown[:77] + "..."
    marked, what = ((mark(source, block), "for each profile") if block is not None
                    else _marked(source, region, name))
    if marked is None:
        return None
    try:
        template = parse_template(marked, name=f"{pipeline.webhook.path}:{fld.name}:hover")
    except Exception:  # the field does not parse: its diagnostic says why
        return None
    lines = [f"`{shown}` {what}:", ""]
    for profile in profiles:
        outcome = pipeline.render(profile, templates={fld.name: template})
        lines += [f"**{outcome.profile.name}**",
                  *_per_profile(outcome, fld, region, name, block), ""]
    return "\n".join(lines).rstrip() + "\n"


def _marked(source: str, region: Region, name: str) -> tuple[str | None, str]:
    """The field's text with markers around what shows the hovered markup's value."""
    if name in ("assign", "capture"):
        variable = _ASSIGN.match(source, region.start)
        if variable is None:
            return None, ""
        end = region.end
        if name == "capture":
            closing = next((r for r in regions(source) if r.start >= region.end
                            and tag_name(source, r) == "endcapture"), None)
            if closing is None:
                return None, ""
            end = closing.end
        probe = f"{OPEN}{{{{ {variable.group(1)} }}}}{CLOSE}"
        return source[:end] + probe + source[end:], f"sets {variable.group(1)} to"
    what = "makes this call" if name == "connected_content" else "renders"
    return (source[:region.start] + OPEN + source[region.start:region.end] + CLOSE
            + source[region.end:]), what


def _per_profile(outcome: Outcome, fld: Field, region: Region, name: str,
                 block: Block | None) -> list[str]:
    if outcome.aborted is not None:
        return [f"message aborted: {outcome.aborted.reason or 'abort_message called'}"]
    if outcome.error is not None:
        err = outcome.error
        return [f"error: {err.rule} {err.message} (line {err.line}, column {err.column})"]
    result = outcome.result
    assert result is not None
    if block is not None:
        rendered = result.rendered.get(fld.name)
        return describe(block, fld.source, rendered.text if rendered else "")
    clean = cleaner(result.request.headers, [call for _, call in result.calls])
    if name == "connected_content":
        calls = [(f, c) for f, c in result.calls
                 if f.name == fld.name and region.start <= c.index < region.end]
        if not calls:
            return ["not called for this profile"]
        out = []
        for n, (f, call) in enumerate(calls, 1):
            view = call_view(f, call, clean)
            out += ["```text", *call_block(n, len(calls), view), "```"]
        return out
    rendered = result.rendered.get(fld.name)
    pieces = re.findall(f"{OPEN}(.*?){CLOSE}", rendered.text, re.S) if rendered else []
    if not pieces:
        return ["not rendered for this profile (a branch not taken)"]
    out = []
    for piece in pieces[:MAX_PIECES]:
        value = clean(piece)
        if len(value) > MAX_CHARS:
            value = value[:MAX_CHARS] + "..."
        out += ["```text", value, "```"] if value.strip() else ["(renders nothing)"]
    if len(pieces) > MAX_PIECES:
        out.append(f"... and {len(pieces) - MAX_PIECES} more times")
    return out


def rule_doc(rule: str) -> str:
    """A rule's entry in docs/rules.md (in a source checkout), else its summary."""
    entry = _doc_sections().get(rule)
    meta = RULES[rule]
    head = f"**{rule}** ({meta.severity} by default): {meta.summary}"
    link = f"[{rule} in the rule reference]({RULES_URL}#{rule})"
    return f"{head}\n\n{entry}\n\n{link}\n" if entry else f"{head}\n\n{link}\n"


@cache
def _doc_sections() -> dict[str, str]:
    try:
        text = DOCS.read_text(encoding="utf-8")
    except OSError:
        return {}
    out: dict[str, str] = {}
    for m in re.finditer(r"^## ([\w-]+)\n(.*?)(?=^#{1,2} |\Z)", text, re.M | re.S):
        out[m.group(1)] = m.group(2).strip()
    return out


def _word_at(text: str, offset: int) -> str:
    start = offset
    while start > 0 and (text[start - 1].isalnum() or text[start - 1] == "-"):
        start -= 1
    m = _RULE_WORD.match(text, start)
    return m.group() if m and m.end() >= offset else ""
