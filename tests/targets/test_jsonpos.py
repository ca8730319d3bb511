"""The JSON locator: values as `json` parses them, and where each value and key starts."""

from __future__ import annotations

import json
from json.decoder import scanstring  # type: ignore[attr-defined]
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rokt_braze.targets.jsonpos import JsonError, Path, locate, parse

TEXT = '\n\n{"a": [1, {"b": "x\\"y"}], "c" : null, "é": -2.5e3, "d": {}}'


def test_value_and_key_offsets_point_at_the_right_characters() -> None:
    doc = parse(TEXT)
    assert doc.value == {"a": [1, {"b": 'x"y'}], "c": None, "é": -2500.0, "d": {}}
    assert doc.value_offset(()) == 2  # the leading newlines are skipped
    assert TEXT[doc.value_offset(("a",)) :].startswith("[1,")
    assert TEXT[doc.value_offset(("a", 0)) :].startswith("1,")
    assert TEXT[doc.value_offset(("a", 1, "b")) :].startswith('"x\\"y"')
    assert TEXT[doc.value_offset(("c",)) :].startswith("null")
    assert TEXT[doc.value_offset(("é",)) :].startswith("-2.5e3")
    assert TEXT[doc.key_offset(("c",)) :].startswith('"c" :')
    assert TEXT[doc.key_offset(("a", 1, "b")) :].startswith('"b"')
    assert doc.key_offset(()) == 2  # the root has no key: its own start
    assert doc.value_offset(("missing",)) == -1
    assert doc.key_offset(("a", 0)) == -1  # array items have no key


def test_repeated_key_keeps_the_last_position_like_json_keeps_the_last_value() -> None:
    text = '{"k": 1, "k": 2}'
    doc = parse(text)
    assert doc.value == {"k": 2}
    assert text[doc.value_offset(("k",)) :] == "2}"
    assert doc.key_offset(("k",)) == text.rindex('"k"')


@pytest.mark.parametrize(
    ("text", "message", "pos"),
    [
        ("", "Expecting value", 0),
        ('{"a": 1,}', "Expecting property name enclosed in double quotes", 8),
        ('{"a": 1} x', "Extra data", 9),
        ('{"a": "x\ny"}', "Invalid control character at", 8),
        ('{"a": NaN}', "NaN is not valid JSON", 6),
        ("[1, -Infinity]", "-Infinity is not valid JSON", 4),
    ],
)
def test_errors_carry_the_position(text: str, message: str, pos: int) -> None:
    with pytest.raises(JsonError) as caught:
        parse(text)
    assert caught.value.msg == message
    assert caught.value.pos == pos


def test_deep_nesting_is_an_error_or_a_located_value_never_a_crash() -> None:
    text = "[" * 100_000 + "]" * 100_000
    with pytest.raises(JsonError):
        parse(text)
    values, _ = locate("[" * 5000 + "]" * 5000)  # the scanner itself is not recursive
    assert values[(0,) * 4999] == 4999


def test_locate_rejects_malformed_text_with_a_position() -> None:
    with pytest.raises(JsonError) as caught:
        locate('{"a" 1}')
    assert caught.value.pos == 5


JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


def _walk(value: Any, path: Path = ()) -> list[tuple[Path, Any]]:
    found = [(path, value)]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _walk(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _walk(item, (*path, index))
    return found


@settings(max_examples=200, deadline=None)
@given(JSON, st.sampled_from([None, 0, 2, "\t"]), st.booleans())
def test_every_offset_decodes_to_the_value_at_its_path(
    value: Any, indent: int | str | None, ascii_only: bool
) -> None:
    text = "\n " + json.dumps(value, indent=indent, ensure_ascii=ascii_only)
    doc = parse(text)
    assert doc.value == value
    decoder = json.JSONDecoder()
    for path, expected in _walk(value):
        assert decoder.raw_decode(text, doc.value_offset(path))[0] == expected
        if path and isinstance(path[-1], str):
            at = doc.key_offset(path)
            assert text[at] == '"'
            assert scanstring(text, at + 1)[0] == path[-1]
