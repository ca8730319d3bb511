"""A namespace is a hash to the template: it prints, compares, iterates and filters exactly
as Ruby Liquid 5.4 treats a Hash of the same data, and no render ever shows Python.

Each shape renders twice: here with the data as a profile namespace (`custom_attribute`,
`event_properties`, ...) and in Ruby Liquid with the same data as a plain hash; the two
outputs must be equal.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle.ruby_liquid import render_in_ruby, require_ruby

import rokt_braze
from rokt_braze.braze import parse_template
from rokt_braze.profiles import to_profile

DATA: dict[str, Any] = {
    "name": "Ada",
    "count": 3,
    "ratio": 2.0,
    "flag": True,
    "tags": ["a", "b"],
    "nested": {"x": 1, "limit": 5, "offset": 10, "list": [1, {"k": "v"}]},
}

#: Shapes read from a namespace called NS; `{}`-valued namespaces use EMPTY.
SHAPES = [
    "{{ NS }}",
    "{{ EMPTY }}",
    "{% echo NS %}",
    "{% if NS == empty %}empty{% else %}full{% endif %}",
    "{% if EMPTY == empty %}empty{% endif %}{% if EMPTY != nil %}not nil{% endif %}",
    "{% if NS %}truthy{% endif %}{% if EMPTY %}truthy too{% endif %}",
    "{% for p in NS %}[{{ p }}|{{ p[0] }}|{{ p[1] }}|{{ p | first }}|{{ p | last }}]{% endfor %}",
    "{% for p in NS limit: 2 %}{{ forloop.index }}:{{ p | join: '=' }};{% endfor %}",
    "{{ NS | first }}|{{ NS | last }}|{{ NS | size }}|{{ NS.size }}",
    "{{ NS.first }}",
    "{{ NS | map: 'name' }}|{{ NS | where: 'flag' }}|{{ NS | sort | size }}",
    "{{ NS | default: 'none' }}|{{ EMPTY | default: 'none' }}",
    "{% if NS contains 'name' %}has name{% endif %}{% if NS contains 'nope' %}no{% endif %}",
    "{{ NS.nested }}|{{ NS.nested.list }}|{{ NS.tags }}|{{ NS.ratio }}",
    "{{ NS.nested | append: '!' }}",
    "{% assign copy = NS %}{{ copy.name }}{{ copy | size }}",
    "{% capture c %}{{ NS }}{% endcapture %}{{ c | size }}",
]

NAMESPACES = ["custom_attribute", "event_properties", "api_trigger_properties", "context"]


def _profile_key(namespace: str) -> str:
    return "custom_attributes" if namespace == "custom_attribute" else namespace


def _ours(shape: str, namespace: str) -> str:
    profile = {"external_id": "u1", _profile_key(namespace): DATA}
    template = shape.replace("EMPTY", "campaign").replace("NS", namespace)
    return rokt_braze.render_liquid(template, profile)


@pytest.mark.parametrize("namespace", NAMESPACES)
@pytest.mark.parametrize("shape", SHAPES)
def test_a_namespace_renders_as_ruby_renders_the_same_hash(shape: str, namespace: str) -> None:
    require_ruby()
    ruby_shape = shape.replace("EMPTY", "empty_hash").replace("NS", "ns")
    ok, expected = render_in_ruby(ruby_shape, {"ns": DATA, "empty_hash": {}})
    assert ok, expected
    assert _ours(shape, namespace) == expected


def test_printing_a_namespace_is_deterministic_and_ruby_shaped() -> None:
    assert _ours("{{ NS }}", "event_properties") == (
        '{"name"=>"Ada", "count"=>3, "ratio"=>2.0, "flag"=>true, "tags"=>["a", "b"], '
        '"nested"=>{"x"=>1, "limit"=>5, "offset"=>10, "list"=>[1, {"k"=>"v"}]}}'
    )


def test_json_escape_and_as_json_string_of_a_namespace() -> None:
    """Braze-only filters (not in Ruby Liquid): `json_escape` escapes the hash as printed,
    so it reads back as exactly that text; `as_json_string` gives the JSON object."""
    printed = _ours("{{ NS }}", "custom_attribute")
    escaped = _ours("{{ NS | json_escape }}", "custom_attribute")
    assert json.loads(f'"{escaped}"') == printed
    assert json.loads(_ours("{{ NS | as_json_string }}", "custom_attribute")) == DATA


def test_an_event_with_no_properties_is_empty_and_blank() -> None:
    """`blank` is Rails' `blank?` in Braze ("blank matches unset, whitespace-only string, or
    false"), which plain Ruby Liquid lacks, so this one is not compared with Ruby."""
    out = rokt_braze.render_liquid(
        "{% if event_properties == empty %}E{% endif %}"
        "{% if event_properties == blank %}B{% endif %}",
        {"external_id": "u1", "event_properties": {}},
    )
    assert out == "EB"


def test_a_missing_attribute_is_still_recorded_through_the_hash() -> None:
    # without a default: one ends the output in its default value, not blank, and is not
    # reported as missing (missing-attribute)
    template = parse_template("{{ custom_attribute.${gone} }}")
    profile = to_profile({"external_id": "u1", "custom_attributes": {"a": 1}})
    rendered = template.render(profile.namespaces())
    assert rendered.text == ""
    assert [(a.namespace, a.name) for a in rendered.missing] == [("custom_attribute", "gone")]


def _text(max_size: int, min_size: int = 0) -> st.SearchStrategy[str]:
    """User text that cannot spell a Python repr marker itself (`None`, `{'`...): lower-case
    letters, digits, quotes, a backslash, spaces and non-ASCII, so a marker in the output
    can only come from the engine."""
    return st.text(alphabet="abcxyz019 \"\\é→", min_size=min_size, max_size=max_size)


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | _text(5),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(_text(4), inner, max_size=3)
    ),
    max_leaves=8,
)
_EXPRESSIONS = [
    "{ns}", "{ns} | first", "{ns} | last", "{ns} | map: 'a'", "{ns} | where: 'a'", "{ns} | sort",
    "{ns} | default: 'd'", "{ns} | json_escape", "{ns} | append: ''",
    "{ns} | compact", "{ns} | uniq", "{ns} | reverse", "{ns}.a", "{ns}.first", "{ns} | size",
    "{ns} | as_json_string", "{ns} | concat: {ns}", "{ns} | slice: 0", "forloop",
    "{ns} | join: ','", "{ns} | map: 'a' | append: ''", "{ns} | sort | append: ''",
    "{ns} | first | append: {ns}", "{ns} | compact | upcase", "{ns} | map: 'a' | join",
]  # fmt: skip


def test_a_saved_connected_content_answer_prints_as_ruby_prints_it() -> None:
    """The answer is a hash (with Braze's `__http_status_code__`), never Python's dict."""
    fixture = {"url": "https://api.example.com/a", "json": {"a": 1, "b": None, "c": [True]}}
    out = rokt_braze.render_liquid(
        "{% connected_content https://api.example.com/a :save r %}{{ r }}|{{ r.c }}",
        None, fixtures=[fixture],
    )
    assert out == '{"a"=>1, "b"=>nil, "c"=>[true], "__http_status_code__"=>200}|true'


@settings(max_examples=150, deadline=None)
@given(
    data=st.dictionaries(_text(4, min_size=1), _json, max_size=4),
    expression=st.sampled_from(_EXPRESSIONS),
    namespace=st.sampled_from([*NAMESPACES, "saved"]),
    loop=st.booleans(),
)
def test_no_render_shows_a_python_representation(
    data: dict[str, Any], expression: str, namespace: str, loop: bool
) -> None:
    """Whatever the data (a namespace, or a saved Connected Content answer) and whatever is
    done with it, no Python repr leaks."""
    profile: dict[str, Any] = {"external_id": "u1"}
    fixtures = [{"url": "https://api.example.com/data", "json": data}]
    prefix = ""
    if namespace == "saved":
        prefix = "{% connected_content https://api.example.com/data :save saved %}"
    else:
        profile[_profile_key(namespace)] = data
    body = expression.format(ns="item" if loop else namespace)
    template = prefix + (
        f"{{% for item in {namespace} %}}{{{{ {body} }}}};{{% endfor %}}" if loop
        else f"{{{{ {body} }}}}"
    )
    try:
        out = rokt_braze.render_liquid(template, profile, fixtures=fixtures)
    except rokt_braze.TemplateError:
        return  # a filter may refuse its input (as in Ruby); an error is not a repr
    for python_only in ("object at 0x", "{'", "None", "True", "False", "('"):
        assert python_only not in out, (template, data, out)
