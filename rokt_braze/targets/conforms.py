"""Does a JSON value satisfy a structural JSON Schema? A yes/no answer without jsonschema.

Importing jsonschema costs a pre-commit run about 35 ms of CPU, more than all of
rokt-braze's own modules, yet almost every body a check validates is valid and needs no
error messages. The target schemas say only which keys exist and which JSON types they
hold, so this module answers "valid?" for exactly that subset of Draft 2020-12: `type`,
`properties`, `required`, `additionalProperties`, `items`, and `$ref` into the same
document's `$defs`, plus the annotations that do not affect validity. For anything else it
answers None, and the caller asks jsonschema, which also writes every error message: the
answer is an optimisation, never a second opinion. The tests hold it equal to jsonschema.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

#: keywords that never change whether a value is valid
_ANNOTATIONS = frozenset({
    "$schema", "$id", "$comment", "$defs", "title", "description", "examples", "default",
    "deprecated", "readOnly", "writeOnly",
})  # fmt: skip
_APPLIERS = frozenset({"type", "properties", "required", "additionalProperties", "items",
                       "$ref"})


class _Unsupported(Exception):
    """The schema uses a keyword (or a form of one) this module does not decide."""


def conforms(schema: Mapping[str, Any], instance: object) -> bool | None:
    """True or False when the schema stays within the subset; None when jsonschema must say."""
    try:
        return _valid(schema, instance, schema)
    except _Unsupported:
        return None


def _valid(schema: object, value: object, root: Mapping[str, Any]) -> bool:
    if schema is True:
        return True
    if schema is False:
        return False
    if not isinstance(schema, Mapping):
        raise _Unsupported
    if not schema.keys() <= _APPLIERS | _ANNOTATIONS:
        raise _Unsupported
    if "$ref" in schema and not _valid(_resolve(schema["$ref"], root), value, root):
        return False
    if "type" in schema and not _has_type(schema["type"], value):
        return False
    if isinstance(value, dict):
        return _valid_object(schema, value, root)
    if isinstance(value, list) and "items" in schema:
        return all(_valid(schema["items"], item, root) for item in value)
    return True


def _valid_object(schema: Mapping[str, Any], value: dict[str, object],
                  root: Mapping[str, Any]) -> bool:  # fmt: skip
    required = schema.get("required", [])
    if not isinstance(required, list):
        raise _Unsupported
    if any(key not in value for key in required):
        return False
    properties = schema.get("properties", {})
    if not isinstance(properties, Mapping):
        raise _Unsupported
    extra = schema.get("additionalProperties", True)
    return all(_valid(properties.get(key, extra), item, root) for key, item in value.items())


def _resolve(ref: object, root: Mapping[str, Any]) -> object:
    """Only `#/$defs/NAME`: the form the bundled schemas use."""
    if not isinstance(ref, str) or not ref.startswith("#/$defs/"):
        raise _Unsupported
    name = ref.removeprefix("#/$defs/")
    defs = root.get("$defs", {})
    if "/" in name or "~" in name or "%" in name or name not in defs:
        raise _Unsupported
    return defs[name]


def _has_type(wanted: object, value: object) -> bool:
    names = [wanted] if isinstance(wanted, str) else wanted
    if not isinstance(names, list) or not names:
        raise _Unsupported
    return any(_is(name, value) for name in names)


def _is(name: object, value: object) -> bool:
    """Draft 2020-12's JSON types over `json.loads` values (a bool is not a number, a
    float with no fraction is an integer)."""
    if name == "string":
        return isinstance(value, str)
    if name == "object":
        return isinstance(value, dict)
    if name == "array":
        return isinstance(value, list)
    if name == "null":
        return value is None
    if name == "boolean":
        return isinstance(value, bool)
    if isinstance(value, bool):
        if name in ("integer", "number"):
            return False
        raise _Unsupported
    if name == "number":
        return isinstance(value, int | float)
    if name == "integer":
        return isinstance(value, int) or (isinstance(value, float) and value.is_integer())
    raise _Unsupported
