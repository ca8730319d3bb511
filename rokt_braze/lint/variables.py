"""`undefined-variable` and `unused-assign`: names against Braze's field-scoped variables.

Each webhook field (URL, each header, body) renders with its own variables (Braze
scopes variables to the field), so a name is defined only by an `assign`/`capture`, a `for` loop, a
`connected_content` in the same field, or a catalog tag (`items`). Profile values are
`${...}` attributes, which are not variables.

Mapped onto `undefined-variable` (all warnings), besides plain undefined reads:

* a variable named like a standard attribute (`first_name`): Braze requires `${...}`
  for attributes, so the plain name reads an unset variable — the hint says `${first_name}`;
* a namespace read without `${...}` (`custom_attribute.tier`);
* `${name}` that is not a standard attribute (a custom attribute missing its
  `custom_attribute.` namespace), or `ns.${name}` with an unknown namespace;
* a bare `${...}` in plain text (outside `{{ }}` or a tag): it is not Liquid and is sent as written;
* an `assign`/`capture` that shadows a standard attribute or namespace (Braze
  warns it "may affect your messaging logic"): later `${name}` reads get the variable.

A field that inlines a Content Block (`{{content_blocks.${x}}}`) is skipped for plain
reads and unused assigns: blocks commonly hold shared `assign`s we cannot see. A
`connected_content` `:save` variable read in another field is `connected-content`'s
finding, not this rule's.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator

from rokt_braze.braze.template import NAMESPACES
from rokt_braze.findings import Finding
from rokt_braze.lint.base import FieldLint, Lint
from rokt_braze.lint.field_model import Definition, FieldModel, Ref, Text
from rokt_braze.lint.source import regions

#: Standard attributes, `${name}` with no namespace (Braze's supported personalization tags,
#: incl. legacy names).
STANDARD_ATTRIBUTES = frozenset({
    "city", "country", "date_of_birth", "email_address", "first_name", "gender", "language",
    "last_name", "last_used_app_date", "most_recent_app_version", "most_recent_locale",
    "most_recent_location", "phone_number", "time_zone", "user_id", "braze_id",
    "random_bucket_number", "set_user_to_unsubscribed_url", "set_user_to_subscribed_url",
    "set_user_to_opted_in_url", "set_user_to_one_click_list_unsubscribe", "unsubscribe_url",
})  # fmt: skip
#: User-export field names people write inside `${}` by mistake (Braze has no ${external_id}).
_EXPORT_NAMES = {
    "external_id": "user_id", "email": "email_address", "phone": "phone_number",
    "dob": "date_of_birth", "home_city": "city",
}
#: Namespaces written `ns.${name}` (Content Blocks too).
BRAZE_NAMESPACES = NAMESPACES | {"content_blocks"}
_LOOP_NAMES = frozenset({"forloop", "tablerowloop"})
_BARE = re.compile(r"\$\{([^{}\n]+)\}")


def defined_in(lint: Lint, kinds: tuple[str, ...]) -> dict[str, dict[str, str]]:
    """For each field, the names other fields define with one of `kinds` (name -> field)."""
    out: dict[str, dict[str, str]] = {}
    for fl in lint.fields:
        others: dict[str, str] = {}
        for other, model in lint.parsed():
            if other is fl:
                continue
            for d in model.definitions:
                if d.kind in kinds:
                    others.setdefault(d.name, other.name)
        out[fl.name] = others
    return out


def undefined_variable(lint: Lint) -> Iterator[Finding]:
    """Reads of names nothing defines in the field, and attribute spellings Braze lacks."""
    assigned_elsewhere = defined_in(lint, ("assign", "capture"))
    saved_elsewhere = defined_in(lint, ("save", "connected"))
    for fl, model in lint.parsed():
        yield from _attributes(fl, model)
        yield from _bare_attributes(fl, model)
        yield from _shadowing(fl, model)
        if model.content_blocks:
            continue
        own: dict[str, int] = {}  # name -> first definition
        loops = {d.name for d in model.definitions if d.kind == "loop"}
        for d in model.definitions:
            own.setdefault(d.name, d.index)
            if d.kind != "loop":
                loops.discard(d.name)
        self_refs = _self_references(model)
        for ref in model.reads:
            if ref.attribute is not None or ref.defined or ref.index in self_refs:
                continue
            if ref.root in saved_elsewhere[fl.name] and ref.root not in own:
                continue
            message = _undefined_message(ref, own, assigned_elsewhere[fl.name], fl.name)
            if ref.root in loops and own[ref.root] < ref.index:
                message = f"{ref.root} is a loop variable: it is defined only inside its loop"
            if message:
                yield fl.at(ref.index, "undefined-variable", message)


def _undefined_message(ref: Ref, own: dict[str, int], elsewhere: dict[str, str],
                       field_name: str) -> str:
    root = ref.root
    if root in BRAZE_NAMESPACES:
        key = ref.segments[1] if len(ref.segments) > 1 else None
        if not isinstance(key, str):
            return ""
        return (f"{root}.{key} reads an attribute without ${{...}}: Braze only loads "
                f"attributes written {root}.${{{key}}}")
    if root in STANDARD_ATTRIBUTES:
        return (f"{root} is a variable that is never assigned: write ${{{root}}} for the "
                f"standard attribute")
    if root in _LOOP_NAMES:
        return f"{root} is only defined inside a {root[:-4]} loop"
    if root in own and own[root] > ref.index:
        return f"{root} is read before it is assigned"
    if root in elsewhere:
        return (f"{root} is assigned in the {elsewhere[root]} field, not here: each webhook "
                f"field has its own variables")
    return f"{root} is never assigned or captured in the {field_name} field"


def _self_references(model: FieldModel) -> set[int]:
    """Reads of `x` inside `{% assign x = x | ... %}`: accumulators, not mistakes."""
    out: set[int] = set()
    for d in model.definitions:
        if d.expr is None:
            continue
        refs = list(d.expr.refs) + [r for f in d.expr.filters for r in f.args]
        out |= {r.index for r in refs if r.root == d.name and r.attribute is None}
    return out


def _attributes(fl: FieldLint, model: FieldModel) -> Iterator[Finding]:
    for ref in model.reads:
        attr = ref.attribute
        if attr is None:
            continue
        if attr.namespace is None and attr.name not in STANDARD_ATTRIBUTES:
            standard = _EXPORT_NAMES.get(attr.name) or next(iter(
                difflib.get_close_matches(attr.name, sorted(STANDARD_ATTRIBUTES), n=1)), None)
            custom = f"custom_attribute.${{{attr.name}}}"
            hint = (f"did you mean ${{{standard}}} or {custom}?" if standard
                    else f"a custom attribute is {custom}")
            yield fl.at(ref.index, "undefined-variable",
                        f"${{{attr.name}}} is not a Braze standard attribute: {hint}")
        elif attr.namespace is not None and attr.namespace not in BRAZE_NAMESPACES:
            close = difflib.get_close_matches(attr.namespace, sorted(BRAZE_NAMESPACES), n=1)
            yield fl.at(ref.index, "undefined-variable",
                        f"{attr.namespace} is not a Braze namespace"
                        + (f": did you mean {close[0]}.${{{attr.name}}}?" if close else ""))


def _bare_attributes(fl: FieldLint, model: FieldModel) -> Iterator[Finding]:
    source = fl.field.source
    raw = [(r.body_start, r.body_end) for r in regions(source) if r.kind == "raw"]
    for event in model.events:
        if not isinstance(event, Text):
            continue
        if any(start <= event.index < end for start, end in raw):
            continue
        for m in _BARE.finditer(event.text):
            yield fl.at(event.index + m.start(), "undefined-variable",
                        f"{m.group()} in plain text is not Liquid: it is sent as written; "
                        f"use {{{{{m.group()}}}}}")


def _shadowing(fl: FieldLint, model: FieldModel) -> Iterator[Finding]:
    for d in model.definitions:
        if d.kind not in ("assign", "capture"):
            continue
        if d.name in STANDARD_ATTRIBUTES:
            yield fl.at(d.index, "undefined-variable",
                        f"{d.kind} {d.name} shadows the standard attribute ${{{d.name}}}: "
                        f"later ${{{d.name}}} reads return this variable; use another name")
        elif d.name in BRAZE_NAMESPACES:
            yield fl.at(d.index, "undefined-variable",
                        f"{d.kind} {d.name} shadows the Braze namespace {d.name}: use another "
                        f"name")


def unused_assign(lint: Lint) -> Iterator[Finding]:
    """An `assign`/`capture` whose variable this field never reads."""
    read_in: dict[str, list[str]] = {}
    for fl, model in lint.parsed():
        for name in {r.root for r in model.reads if _reads_variable(r)}:
            read_in.setdefault(name, []).append(fl.name)
    for fl, model in lint.parsed():
        if model.content_blocks:
            continue
        self_refs = _self_references(model)
        used = {r.root for r in model.reads if _reads_variable(r) and r.index not in self_refs}
        for d in model.definitions:
            if d.kind in ("assign", "capture") and d.name not in used:
                yield fl.at(d.index, "unused-assign", _unused_message(d, fl.name, read_in))


def _reads_variable(ref: Ref) -> bool:
    """A plain read, or `${name}`: Braze resolves standard attributes from the scope
    `assign` writes to, so a shadowing variable is what `${name}` reads."""
    return ref.attribute is None or ref.attribute.namespace is None


def _unused_message(d: Definition, field_name: str, read_in: dict[str, list[str]]) -> str:
    verb = "assigned" if d.kind == "assign" else "captured"
    others = [f for f in read_in.get(d.name, []) if f != field_name]
    if others:
        return (f"{d.name} is {verb} but never used in the {field_name} field; the "
                f"{others[0]} field reads it, but each webhook field has its own variables")
    return f"{d.name} is {verb} but never used"
