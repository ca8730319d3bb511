"""Completion: `${...}` attributes, filters and tags, and the target's body fields.

What is offered depends on the text before the cursor in the field it is in:

- after `${` (or `custom_attribute.${`, `event_properties.${`, ...): Braze's standard
  attributes, or the keys the profiles in use hold in that namespace, with a value;
- after `|` inside `{{ ... }}` or `{% ... %}`: Braze's filters, with their parameters;
- after `{%`: the tags Braze supports;
- in the body, where a JSON key starts: the keys the endpoint's body takes (a Rokt
  event's fields); inside a value whose key lists its values (`"timezone": "`): those
  (Rokt's Windows time-zone ids, each with its IANA zone).

The endpoint is the webhook's `target:`, else the one its URL's literal text names.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

from lsprotocol import types

from rokt_braze.braze.environment import BRAZE_TAG_CLASSES
from rokt_braze.braze.filters import BRAZE_FILTERS
from rokt_braze.braze.template import braze_environment
from rokt_braze.errors import InputError
from rokt_braze.lint.names import ALLOWED_TAGS
from rokt_braze.lint.source import regions
from rokt_braze.lint.variables import STANDARD_ATTRIBUTES
from rokt_braze.lsp.checking import OFFLINE, Sources
from rokt_braze.lsp.text import Text
from rokt_braze.pipeline import Pipeline, declared_target
from rokt_braze.targets import BodyField, body_fields, detect_target
from rokt_braze.webhook import Field, Webhook, parse_webhook

__all__ = ["Item", "complete", "to_lsp"]

_ATTRIBUTE = re.compile(r"(?:(\w+)\.)?\$\{([^{}\s\"']*)$")
_NAME_REST = re.compile(r"[^{}\s\"']*")
_FILTER = re.compile(r"\|\s*(\w*)$")
_TAG = re.compile(r"\{%-?\s*(\w*)$")
_KEY = re.compile(r"(?:^|[{,])\s*\"(\w*)$")
_VALUE = re.compile(r"\"(\w+)\"\s*:\s*\"([^\"]*)$")
#: namespaces whose keys come from the profile (`ns.${key}`), with the profile key
_PROFILE_NAMESPACES = {"custom_attribute": "custom_attributes",
                       "event_properties": "event_properties",
                       "canvas_entry_properties": "canvas_entry_properties",
                       "context": "context", "api_trigger_properties": "api_trigger_properties"}


@dataclass(frozen=True)
class Item:
    label: str
    kind: types.CompletionItemKind
    detail: str = ""
    documentation: str = ""
    #: the code-point offset where the replaced text starts (the cursor: nothing replaced)
    start: int | None = None
    #: where the replaced text ends (None: the cursor)
    end: int | None = None
    #: what is inserted (the label when empty)
    text: str = ""


def complete(path: str, source: str, offset: int,
             sources: Sources = OFFLINE) -> list[Item]:
    """What may be typed at code-point `offset` of the document (see the module doc)."""
    try:
        webhook = parse_webhook(path, source)
    except InputError:
        return []
    for fld in webhook.fields():
        index = fld.index_at(offset)
        if index is None or index > len(fld.source):
            continue
        return _in_field(webhook, fld, fld.source[:index], fld.source[index:], offset, path,
                         sources)
    return []


def _in_field(webhook: Webhook, fld: Field, before: str, after: str, offset: int, path: str,
              sources: Sources) -> list[Item]:
    """`before`/`after`: the field's text up to and from the cursor."""
    attribute = _ATTRIBUTE.search(before)
    if attribute:  # the whole name is replaced, and the } added when missing
        rest = _NAME_REST.match(after)
        end = offset + (rest.end() if rest else 0)
        close = "" if after[end - offset:end - offset + 1] == "}" else "}"
        start = offset - len(attribute.group(2))
        return [Item(i.label, i.kind, i.detail, start=start, end=end, text=i.label + close)
                for i in _attributes(webhook, attribute.group(1), path, sources)]
    opened = _open_markup(before)
    if opened == "{{" or opened == "{%":
        tag = _TAG.search(before)
        if tag and opened == "{%":
            return [Item(name, types.CompletionItemKind.Keyword,
                         "Braze tag" if name in _braze_tags() else "Liquid tag")
                    for name in sorted(ALLOWED_TAGS - {"#"})]
        if _FILTER.search(before):
            return [Item(name, types.CompletionItemKind.Function, signature)
                    for name, signature in _filters().items()]
        return []
    if fld.name != "body":
        return []
    fields = body_fields(_endpoint(webhook))
    value = _VALUE.search(before)
    if value:
        values = next((f.values for f in fields if f.name == value.group(1)), ())
        start = offset - len(value.group(2))
        return [Item(v, types.CompletionItemKind.EnumMember, detail, start=start)
                for v, detail in values]
    key = _KEY.search(before)
    if key:
        return [_field_item(f, offset - len(key.group(1))) for f in fields]
    return []


def _field_item(f: BodyField, start: int) -> Item:
    where = f"in {f.parent}" if f.parent else "top level"
    need = "required" if f.required else "optional"
    return Item(f.name, types.CompletionItemKind.Field, f"{need}, {where}", f.description,
                start=start)


def _attributes(webhook: Webhook, namespace: str | None, path: str,
                sources: Sources) -> list[Item]:
    if namespace is None:
        return [Item(name, types.CompletionItemKind.Variable, "standard attribute")
                for name in sorted(STANDARD_ATTRIBUTES)]
    key = _PROFILE_NAMESPACES.get(namespace)
    if key is None:
        return []
    try:
        profiles = Pipeline(webhook, sources.settings(path)).profiles()
    except InputError:
        return []
    seen: dict[str, str] = {}
    for profile in profiles:
        values = profile.data.get(key)
        if isinstance(values, Mapping):
            for name, value in values.items():
                seen.setdefault(str(name), f"{profile.name}: {_short(value)}")
    return [Item(name, types.CompletionItemKind.Property, detail)
            for name, detail in sorted(seen.items())]


def _endpoint(webhook: Webhook) -> str | None:
    """The webhook's `target:`, else the endpoint its URL's literal text names (each
    output read as one character, tags as nothing)."""
    try:
        declared = declared_target(webhook)
    except InputError:
        return None
    if declared is not None or webhook.url is None:
        return declared
    source, parts, at = webhook.url.source, [], 0
    for region in regions(source):
        parts += [source[at:region.start], "x" if region.kind == "output" else ""]
        at = region.end
    parts.append(source[at:])
    return detect_target("".join(parts).strip(), webhook.method.source)


def _open_markup(before: str) -> str:
    """"{{" or "{%" when the text ends inside that markup, else ""."""
    output, tag = before.rfind("{{"), before.rfind("{%")
    opened = max(output, tag)
    if opened < 0:
        return ""
    closer = "}}" if opened == output else "%}"
    return "" if closer in before[opened:] else before[opened:opened + 2]


@cache
def _filters() -> dict[str, str]:
    """Filter name -> its parameters, as `name: a, b` (from the filter's own signature)."""
    env = braze_environment()
    out = {}
    for name in sorted(BRAZE_FILTERS):
        try:
            parameters = list(inspect.signature(env.filters[name]).parameters.values())[1:]
        except (KeyError, TypeError, ValueError):
            out[name] = ""
            continue
        shown = [p.name.rstrip("_") + ("?" if p.default is not p.empty else "")
                 for p in parameters if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        out[name] = f"{name}: {', '.join(shown)}" if shown else name
    return out


@cache
def _braze_tags() -> frozenset[str]:
    return frozenset(tag.name for tag in BRAZE_TAG_CLASSES)


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def to_lsp(items: list[Item], text: Text, offset: int) -> list[types.CompletionItem]:
    cursor = text.line_column(offset)
    out = []
    for n, item in enumerate(items):
        edit = None
        if item.start is not None:
            end = cursor if item.end is None else text.line_column(item.end)
            edit = types.TextEdit(range=text.range(*text.line_column(item.start), *end),
                                  new_text=item.text or item.label)
        out.append(types.CompletionItem(
            label=item.label, kind=item.kind, detail=item.detail or None,
            documentation=item.documentation or None, text_edit=edit,
            insert_text=None if edit else (item.text or None), sort_text=f"{n:04d}"))
    return out
