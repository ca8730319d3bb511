"""The JSON Schemas of the create/update bodies, and their errors as `Problem`s.

The schemas (`*.schema.json` next to this file) hold the structure: required keys,
JSON types, known keys. Each is compiled once (Draft 2020-12). Value rules live in
`rules.py`, which skips values of the wrong type so that one defect is reported once.

Speed: the schemas look only at keys and JSON types, never at values, so the outcome is
a function of the body's *shape*. Every user of an audience renders the same shape, so
the translated errors are memoized by shape and only the offsets are looked up per body.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Callable, Hashable, Iterator, Mapping
from functools import cache, lru_cache, partial
from importlib.resources import files
from typing import TYPE_CHECKING, Any, NamedTuple

from rokt_braze.findings import Severity
from rokt_braze.targets.base import BodyField
from rokt_braze.targets.conforms import conforms
from rokt_braze.targets.jsonpos import JsonDoc, Path
from rokt_braze.targets.problem import Problem, problem
from rokt_braze.targets.rokt.timezones import timezone_ids, zone_for

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator

# Required by Braze's integration page, optional for the Rokt API.
TEMPLATE_FIELDS = frozenset({"end", "notifyBefore"})
_TYPE_NAMES = {
    "object": "an object", "array": "an array", "string": "a string", "boolean": "a boolean",
    "integer": "a number", "number": "a number", "null": "null",
}  # fmt: skip
# The schemas reach at most body.event.field / body.subscriptionIds[i]; deeper values
# only need their type.
_SHAPE_DEPTH = 3
_MEMO_SIZE = 1024


@cache
def load(name: str) -> dict[str, Any]:
    """The schema `<name>.schema.json` ("create_event" or "update_event") as a dict."""
    text = (files("rokt_braze.targets.rokt") / f"{name}.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


@cache
def validator(name: str) -> Draft202012Validator:
    """Compiled once; jsonschema is imported only when a body first fails `conforms`.

    The bundled schemas are checked against the metaschema by the tests, not here: that
    check alone costs a pre-commit run ~20 ms.
    """
    from jsonschema import Draft202012Validator

    return Draft202012Validator(load(name))


@cache
def event_fields() -> frozenset[str]:
    """Keys the event object may carry (the same in both schemas)."""
    return frozenset(load("create_event")["$defs"]["event"]["properties"])


@cache
def body_fields(name: str) -> tuple[BodyField, ...]:
    """The keys of schema `name`'s body, the event's inside "event"; `timezone` lists
    Rokt's Windows ids (each with its IANA zone)."""
    schema = load(name)
    out: list[BodyField] = []

    def walk(obj: Mapping[str, Any], parent: str) -> None:
        required = set(obj.get("required", []))
        for key, spec in obj.get("properties", {}).items():
            ref = str(spec.get("$ref", ""))
            kinds = spec.get("type", ())
            out.append(BodyField(key, parent, str(spec.get("description", "")),
                                 key in required, _values(key),
                                 (kinds,) if isinstance(kinds, str) else tuple(kinds)))
            if ref.startswith("#/$defs/"):
                walk(schema["$defs"][ref.rsplit("/", 1)[1]], key)

    walk(schema, "")
    return tuple(out)


def _values(key: str) -> tuple[tuple[str, str], ...]:
    if key != "timezone":
        return ()
    return tuple((tz, str(zone_for(tz))) for tz in timezone_ids())


@lru_cache(maxsize=1024)
def display(path: Path) -> str:
    """`event.start`, `subscriptionIds[0]`; `body` for the root."""
    text = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path)
    return text.lstrip(".") or "body"


class _Found(NamedTuple):
    """A schema problem before it has an offset: at the key or the value of `path`."""

    rule: str
    message: str
    path: Path
    at_key: bool
    severity: Severity | None = None
    #: the JSON type to write the value as, when quotes would fix it (`Problem.retype`)
    retype: str | None = None


def _same(path: Path) -> Path:
    return path


_memo: dict[Hashable, tuple[_Found, ...]] = {}


def schema_problems(
    doc: JsonDoc, instance: object, name: str, relocate: Callable[[Path], Path] = _same
) -> list[Problem]:
    """Validate `instance` against schema `name`; `relocate` maps an error's path to where
    that value sits in `doc` (they differ when a flat body is checked as wrapped)."""
    key = (name, relocate, _shape(instance, 0))
    found = _memo.get(key)
    if found is None:
        if len(_memo) >= _MEMO_SIZE:
            _memo.clear()
        found = _memo[key] = tuple(_translate(name, instance, relocate))
    return [
        problem(f.rule, f.message, "body",
                partial(doc.key_offset if f.at_key else doc.value_offset, f.path), f.severity,
                retype=f.retype)
        for f in found
    ]  # fmt: skip


def _shape(value: object, depth: int) -> Hashable:
    """Everything about `value` the schemas can see: keys in order, JSON types."""
    kind = type(value)
    if kind is str:  # the common case first: this runs for every value of every body
        return "str"
    if kind is dict:
        if depth >= _SHAPE_DEPTH:
            return "object"
        return ("{", tuple([(k, "str" if type(v) is str else _shape(v, depth + 1))
                            for k, v in value.items()]))  # type: ignore[attr-defined]
    if kind is list:
        if depth >= _SHAPE_DEPTH:
            return "array"
        return ("[", tuple(["str" if type(v) is str else _shape(v, depth + 1)
                            for v in value]))  # type: ignore[attr-defined]
    if kind is float:
        return "integer" if value.is_integer() else "number"  # type: ignore[attr-defined]
    return kind.__name__  # int, bool, NoneType


def _translate(name: str, instance: object, relocate: Callable[[Path], Path]) -> Iterator[_Found]:
    if conforms(load(name), instance):  # a valid body needs no messages, nor jsonschema
        return
    required_done: set[Path] = set()
    for error in validator(name).iter_errors(instance):
        path = relocate(tuple(error.absolute_path))
        keyword = error.validator
        if keyword == "required" and path not in required_done:
            required_done.add(path)
            yield from _missing(path, error.validator_value, error.instance)
        elif keyword == "additionalProperties":
            yield from _unknown(path, error.instance, error.schema.get("properties", {}))
        elif keyword == "type":
            wanted = error.validator_value
            names = [wanted] if isinstance(wanted, str) else wanted
            *others, last = dict.fromkeys(_TYPE_NAMES[t] for t in names)
            expected = f"{', '.join(others)} or {last}" if others else last
            kind = _json_type(error.instance)
            yield _Found("rokt-field-type",
                         f"{display(path)} must be {expected}, not {_TYPE_NAMES[kind]}",
                         path, False, retype=_retype(kind, names))
        elif keyword != "required":  # a keyword the schema files do not use today
            yield _Found("rokt-field-type", f"{display(path)}: {error.message}", path, False)


def _retype(kind: str, wanted: list[str]) -> str | None:
    """The type adding or removing quotes would make a `kind` value, when it is the
    type the schema names first (null aside): a string may hold a number or a boolean
    (the fix checks that it does); a number or a boolean can be quoted. A function of
    types only, as the shape memo needs."""
    first = next((w for w in wanted if w != "null"), "")
    if kind == "string" and first in ("integer", "number", "boolean"):
        return "boolean" if first == "boolean" else "number"
    return "string" if kind in ("number", "boolean") and first == "string" else None


def _json_type(value: object) -> str:
    for kind, types in (("boolean", bool), ("object", dict), ("array", list), ("string", str),
                        ("number", (int, float))):  # fmt: skip
        if isinstance(value, types):
            return kind
    return "null"


def _missing(path: Path, required: list[str], obj: Mapping[str, object]) -> Iterator[_Found]:
    for key in required:
        if key in obj:
            continue
        field = display((*path, key))
        if key in TEMPLATE_FIELDS:
            message = f"{field} is missing; the Braze integration sends it (Rokt: optional)"
            yield _Found("rokt-template-field", message, path, True, Severity.WARNING)
        else:
            yield _Found("rokt-required-field", f"{field} is missing; the Rokt API requires it",
                         path, True)  # fmt: skip


def _unknown(path: Path, obj: Mapping[str, object], known: Mapping[str, object]
             ) -> Iterator[_Found]:  # fmt: skip
    for key in obj:
        if key in known:
            continue
        close = difflib.get_close_matches(key, list(known), n=1, cutoff=0.7)
        hint = f"did you mean {close[0]!r}?" if close else f"known keys: {', '.join(known)}"
        message = f"{display((*path, key))} is not a Rokt API field and is ignored; {hint}"
        yield _Found("rokt-unknown-field", message, (*path, key), True)
