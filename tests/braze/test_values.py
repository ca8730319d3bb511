"""How values print (`rokt_braze.braze.values`), compared with Ruby 3.1 and Liquid 5.4.

The Ruby tests generate a few hundred values (seeded, so a failure reproduces), have Ruby
Liquid print them (`oracle.ruby_liquid`), and compare every one: `{{ v }}` is Ruby's
`to_s` of a float and Liquid's output of anything, and a hash holding `v` prints
`{"v"=>` + Ruby's `inspect` of `v` + `}`.
"""

from __future__ import annotations

import datetime as dt
import random
import struct
from decimal import Decimal
from typing import Any

import pytest
from oracle.ruby_liquid import render_in_ruby, require_ruby

from rokt_braze.braze.values import (
    RubyArray,
    RubyHash,
    inspect,
    rubify,
    ruby_float,
    to_output,
    to_s,
)

_CHARS = [chr(c) for c in range(0x250)] + [
    "\u2028", "\u2029", "\ufeff", "\u0378", "\ue000", "\U0010ffff", "\U0001f600", "\ufffe",
    "\u200b", "\u3000", "#", "{", "$", "@", '"', "\\", "é", "日",
]  # fmt: skip


def _floats(rng: random.Random) -> list[float]:
    out = [rng.uniform(-1e3, 1e3) for _ in range(100)]
    out += [10 ** rng.uniform(-12, 25) * rng.choice((1, -1)) for _ in range(200)]
    out += [struct.unpack("d", struct.pack("Q", rng.getrandbits(64)))[0] for _ in range(200)]
    out += [1e15, 1e16, 1e-4, 1e-5, 0.1, 100.0, 123456789012345.6, 1277698711221537.5,
            5e-324, 0.0, -0.0, 1.7976931348623157e308, 2.0, 1 / 3]  # fmt: skip
    return [f for f in out if f == f and abs(f) != float("inf")]


def _string(rng: random.Random) -> str:
    return "".join(rng.choice(_CHARS) for _ in range(rng.randint(0, 10)))


def _value(rng: random.Random, depth: int = 0) -> Any:
    kind = rng.randrange(8 if depth < 3 else 6)
    if kind == 0:
        return None
    if kind == 1:
        return rng.choice((True, False))
    if kind == 2:
        return rng.randint(-(10**20), 10**20)
    if kind == 3:
        return rng.choice((rng.uniform(-1e3, 1e3), 2.5, -0.0, 1e20, 1e-7))
    if kind in (4, 5):
        return _string(rng)
    if kind == 6:
        return [_value(rng, depth + 1) for _ in range(rng.randint(0, 4))]
    return {_string(rng): _value(rng, depth + 1) for _ in range(rng.randint(0, 4))}


def _ruby(template: str, value: object) -> str:
    ok, text = render_in_ruby(template, {"v": value})
    assert ok, text
    return text


def test_floats_print_as_ruby_prints_them() -> None:
    require_ruby()
    floats = _floats(random.Random(16))
    assert [ruby_float(f) for f in floats] == [_ruby("{{ v }}", f) for f in floats]


def test_strings_inspect_as_ruby_inspects_them() -> None:
    require_ruby()
    rng = random.Random(16)
    strings = [_string(rng) for _ in range(400)] + ["#{x}", "#$", "#@a", "#", "a#b"]
    for text in strings:
        assert "{" + f'"v"=>{inspect(text)}' + "}" == _ruby_hash(text)


def _ruby_hash(value: object) -> str:
    ok, text = render_in_ruby("{{ h }}", {"h": {"v": value}})
    assert ok, text
    return text


def test_nested_data_inspects_as_ruby_inspects_it() -> None:
    require_ruby()
    rng = random.Random(16)
    for value in [_value(rng) for _ in range(300)]:
        assert "{" + f'"v"=>{inspect(value)}' + "}" == _ruby_hash(value)


def test_output_is_what_liquid_writes() -> None:
    """`{{ v }}` in Ruby Liquid 5.4: arrays joined and flattened, hashes inspected."""
    require_ruby()
    rng = random.Random(11)
    for value in [_value(rng) for _ in range(300)]:
        assert to_output(value) == _ruby("{{ v }}", value)


@pytest.mark.parametrize(
    ("value", "output", "inspected"),
    [
        (None, "", "nil"),
        (True, "true", "true"),
        (2.0, "2.0", "2.0"),
        (Decimal("1.50"), "1.5", "1.5"),
        ({"a": 1, "b": None}, '{"a"=>1, "b"=>nil}', '{"a"=>1, "b"=>nil}'),
        ([1, None, [2, [3]], {"x": "y"}], '123{"x"=>"y"}', '[1, nil, [2, [3]], {"x"=>"y"}]'),
        (("k", 1), "k1", '["k", 1]'),  # a hash entry, as `for` and `first` give it
        (range(1, 4), "1..3", "1..3"),
        (dt.datetime(2021, 6, 3, 17, 13, 41, 500000, tzinfo=dt.timezone.utc),
         "2021-06-03 17:13:41 UTC", "2021-06-03 17:13:41.5 UTC"),
        (dt.datetime(2021, 6, 3, 10, 13, 41, tzinfo=dt.timezone(dt.timedelta(hours=-7))),
         "2021-06-03 10:13:41 -0700", "2021-06-03 10:13:41 -0700"),
        (object(), "object", "object"),  # never Python's `<object object at 0x...>`
    ],
)
def test_printing_rules(value: object, output: str, inspected: str) -> None:
    assert to_output(value) == output
    assert inspect(value) == inspected


def test_to_s_of_a_hash_is_its_inspect_and_of_nil_is_empty() -> None:
    assert to_s({"a": [1, "b"]}) == '{"a"=>[1, "b"]}'
    assert to_s([1, "b"]) == '[1, "b"]'  # Array#to_s, as `append` on an array gives it
    assert to_s(None) == ""


def test_ruby_hash_and_array_print_like_ruby_through_str() -> None:
    """python-liquid's string filters call `str()`: data from outside prints Ruby's text."""
    data = rubify({"a": [{"b": None}], "c": "d"})
    assert isinstance(data, RubyHash)
    assert isinstance(data["a"], RubyArray)
    assert str(data) == '{"a"=>[{"b"=>nil}], "c"=>"d"}'
    assert str(data["a"]) == '[{"b"=>nil}]'


@pytest.mark.parametrize(
    "source",
    [
        "{% for x in (1..2) %}{{ forloop }}|{% echo forloop %}{% endfor %}",
        "{% tablerow x in (1..2) %}{{ tablerowloop }}{% endtablerow %}",
        "{% assign r = (1..3) %}{{ r | join: ',' }}{{ r }}",
    ],
)
def test_drops_and_ranges_print_as_ruby_liquid_prints_them(source: str) -> None:
    """A drop prints as its Ruby class name (`Liquid::ForloopDrop`), never as Python."""
    import rokt_braze

    require_ruby()
    ok, expected = render_in_ruby(source, {})
    assert ok, expected
    assert rokt_braze.render_liquid(source, None) == expected
