"""`conforms` answers "valid?" exactly as jsonschema does, or leaves the question to it."""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rokt_samples import stock_event

from rokt_braze.targets.conforms import conforms
from rokt_braze.targets.rokt.schema import load

SCHEMAS = ("create_event", "update_event")
EVENT_KEYS = sorted(load("create_event")["$defs"]["event"]["properties"])

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-3, 3), st.sampled_from([0.0, 1.0, 2.5, -1.5]),
    st.sampled_from(["", "15", "Eastern Standard Time"]),
)  # fmt: skip
values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=3),
                            st.dictionaries(st.sampled_from(["a", "title"]), inner, max_size=2)),
    max_leaves=6,
)  # fmt: skip


@st.composite
def near_valid_bodies(draw: st.DrawFn) -> object:
    """Bodies a template could render: the stock event with keys dropped, retyped or added,
    ids of any type, unknown top-level keys; sometimes not an object at all."""
    if draw(st.integers(0, 9)) == 0:
        return draw(values)
    event: dict[str, Any] = dict(stock_event())
    for key in draw(st.lists(st.sampled_from([*EVENT_KEYS, "titel", "extra"]), max_size=3)):
        if draw(st.booleans()):
            event.pop(key, None)
        else:
            event[key] = draw(values)
    body: dict[str, Any] = {"event": event if draw(st.integers(0, 9)) else draw(values)}
    if draw(st.booleans()):
        body["subscriptionIds"] = draw(st.one_of(st.lists(st.one_of(st.just("id"), scalars),
                                                          max_size=3), values))
    for key in draw(st.lists(st.sampled_from(["actionType", "unknown"]), max_size=2)):
        body[key] = draw(values)
    return body


@pytest.mark.parametrize("name", SCHEMAS)
@settings(max_examples=300)
@given(body=near_valid_bodies())
def test_the_answer_is_jsonschemas_for_the_bundled_schemas(name: str, body: object) -> None:
    schema = load(name)
    assert conforms(schema, body) is jsonschema.Draft202012Validator(schema).is_valid(body)


@pytest.mark.parametrize("name", SCHEMAS)
def test_the_stock_bodies_conform(name: str) -> None:
    body: dict[str, Any] = {"event": stock_event()}
    if name == "create_event":
        body["subscriptionIds"] = ["06423672-b6ba-4536-aa36-70788a7a0a36"]
    assert conforms(load(name), body) is True


@pytest.mark.parametrize(("schema", "instance", "valid"), [
    ({"type": "integer"}, 1.0, True),  # a float with no fraction is an integer
    ({"type": "integer"}, 1.5, False),
    ({"type": "integer"}, True, False),  # a bool is not a number
    ({"type": "number"}, False, False),
    ({"type": ["boolean", "null"]}, None, True),
    ({"additionalProperties": False, "properties": {"a": {}}}, {"a": 1, "b": 2}, False),
    ({"additionalProperties": {"type": "string"}}, {"b": "x"}, True),
    ({"items": {"type": "string"}}, ["a", 1], False),
    ({"$ref": "#/$defs/s", "$defs": {"s": {"type": "string"}}}, "x", True),
    ({"required": ["a"]}, "not an object", True),  # required applies to objects only
    (False, 1, False),
])  # fmt: skip
def test_the_subset_agrees_case_by_case(schema: Any, instance: object, valid: bool) -> None:
    assert conforms(schema, instance) is valid
    assert jsonschema.Draft202012Validator(schema).is_valid(instance) is valid


@pytest.mark.parametrize("schema", [
    {"minLength": 1},  # a value rule
    {"properties": {"a": {"enum": [1]}}},  # ... anywhere in the schema
    {"patternProperties": {"^x": {}}},
    {"$ref": "other.json#/x"},  # a reference outside the document
    {"$ref": "#/$defs/missing"},
    {"type": "float"},  # not a JSON type
])  # fmt: skip
def test_anything_outside_the_subset_is_left_to_jsonschema(schema: Any) -> None:
    assert conforms(schema, {"a": "x" * 3}) is None
