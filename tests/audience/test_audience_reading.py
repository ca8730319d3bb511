"""Export lines and bodies read by the fast parser (orjson, the `speed` extra, through
`fastjson`) give exactly what `json` gives: the same values of the same types, the same
malformed lines with the same messages, the same body errors."""

from __future__ import annotations

import json
import math
import os
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rokt_braze import fastjson
from rokt_braze.audience.check import Checker, Job
from rokt_braze.audience.source import Chunk
from rokt_braze.targets import jsonpos

pytest.importorskip("orjson")  # `.ci/run` installs the speed extra: both paths run there

IN_CI = os.environ.get("CI", "").lower() == "true"
DIFFERENTIAL = settings(max_examples=300, derandomize=IN_CI, deadline=None, database=None,
                        suppress_health_check=list(HealthCheck))
CREATE = os.path.join(os.path.dirname(__file__), "..", "..", "templates",
                      "rokt-create-event.webhook.yaml")

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.integers(-2**70, 2**70),
    st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=6),
    st.sampled_from(["\ud800", "é", "日本", "\x00", "\u2028"]),
)
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=3), inner, max_size=3)),
    max_leaves=8)


@st.composite
def lines(draw: st.DrawFn) -> bytes:
    """A JSON value as an export writes it, sometimes spoiled the ways files are."""
    value = draw(values)
    text = json.dumps(value, ensure_ascii=draw(st.booleans()))
    raw = text.encode("utf-8", "surrogatepass")
    spoil = draw(st.sampled_from(["", "", "", "cut", "bom", "blank", "bytes", "nan", "pad",
                                  "deep"]))
    if spoil == "cut":
        raw = raw[: draw(st.integers(0, max(len(raw) - 1, 0)))]
    elif spoil == "bom":
        raw = b"\xef\xbb\xbf" + raw
    elif spoil == "blank":
        raw = draw(st.sampled_from([b"", b"  ", b"\r", b"\t "]))
    elif spoil == "bytes":
        raw += draw(st.sampled_from([b"\xff", b"\xc3", b"\x1c", b" \r"]))
    elif spoil == "nan":
        raw = b'{"a": NaN, "b": -Infinity}'
    elif spoil == "pad":
        raw = b"  " + raw + b" \r"
    elif spoil == "deep":
        depth = draw(st.sampled_from([10, 255, 256, 900, 5000]))
        raw = b'{"a": ' + b"[" * depth + raw + b"]" * depth + b"}"
    return raw


def typed(value: Any) -> Any:
    """`value` with every type made visible (True is not 1, 1.0 is not 1, -0.0 is not 0.0)."""
    if isinstance(value, dict):
        return ("dict", [(k, typed(v)) for k, v in value.items()])
    if isinstance(value, list):
        return ("list", [typed(v) for v in value])
    if isinstance(value, float):
        return ("float", "nan" if math.isnan(value) else repr(value))
    return (type(value).__name__, value)


def read(checker: Checker, data: bytes, fast: bool, monkeypatch: pytest.MonkeyPatch) -> Any:
    with monkeypatch.context() as patch:
        if not fast:
            patch.setattr(fastjson, "_orjson", None)
        malformed: list[tuple[int, int, str]] = []
        records = [(line, typed(value)) for line, _, _, value in
                   checker._records(Chunk(first_line=1, data=data), malformed)]
    return records, malformed


@pytest.fixture(scope="module")
def checker() -> Checker:
    return Checker(Job(CREATE, "users.jsonl"))


@DIFFERENTIAL
@given(export=st.lists(lines(), min_size=1, max_size=4))
def test_the_fast_reader_reads_what_json_reads(
    export: list[bytes], checker: Checker, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = b"\n".join(export)
    assert read(checker, data, True, monkeypatch) == read(checker, data, False, monkeypatch)


@pytest.mark.parametrize("raw", [
    b"12345678901234567890123",  # more than 64 bits: orjson would make it a float
    b'{"big": -9223372036854775809}',
    b'{"a": 1, "a": 2}',
    b"1e400",
    b'"\\ud800"',
    b"\xef\xbb\xbf{}",  # a byte order mark on the first line
    b"[" * 2000 + b"]" * 2000,  # deeper than either parser goes
])
def test_edge_lines(raw: bytes, checker: Checker, monkeypatch: pytest.MonkeyPatch) -> None:
    data = b"{}\n" + raw + b"\n" + raw
    fast = read(checker, data, True, monkeypatch)
    assert fast == read(checker, data, False, monkeypatch)
    assert fast[0][0] == (1, ("dict", []))


def parsed(text: str, fast: bool, monkeypatch: pytest.MonkeyPatch) -> Any:
    with monkeypatch.context() as patch:
        if not fast:
            patch.setattr(fastjson, "_orjson", None)
        try:
            return typed(jsonpos.parse(text).value)
        except jsonpos.JsonError as err:
            return ("error", err.msg, err.pos)


@DIFFERENTIAL
@given(raw=lines())
def test_bodies_parse_as_json_parses_them(raw: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    text = raw.decode("utf-8", "surrogateescape")  # lone surrogates: orjson refuses them
    assert parsed(text, True, monkeypatch) == parsed(text, False, monkeypatch)
