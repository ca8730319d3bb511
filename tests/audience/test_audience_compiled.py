"""The compiled per-user render (`audience.compiled`) writes what the interpreter writes.

Differential: generated straight-line templates (the subset that compiles) x generated
data; whenever the compiled steps finish, their text and missing attributes must be
the interpreter's, byte for byte, with no error on the interpreter's side. Whenever they
give up (`Fallback`), the render is the interpreter's, counted. (tests/oracle holds the
compiled text to Ruby Liquid's too.)
"""

from __future__ import annotations

import os
from collections import Counter
from typing import Any

import pytest
from compiled_templates import straight_line
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from oracle.pairs import braze_side
from oracle.strategies import data

from rokt_braze.audience.compiled import CompiledTemplate, Fallback, compile_template
from rokt_braze.braze import BrazeTemplate, MessageState, Resources, parse_template
from rokt_braze.braze.values import rubify
from rokt_braze.errors import MessageAborted, TemplateError
from rokt_braze.limits import Limits

IN_CI = os.environ.get("CI", "").lower() == "true"
DIFFERENTIAL = settings(max_examples=400 if IN_CI else 200, derandomize=IN_CI, deadline=None,
                        database=None, suppress_health_check=list(HealthCheck))


def outcome(template: BrazeTemplate, namespaces: dict[str, Any]) -> tuple[str, object]:
    """("ok", (text, missing)) or ("error", message) of a render."""
    try:
        rendered = template.render(namespaces, MessageState(Resources()))
    except (TemplateError, MessageAborted) as err:
        return "error", str(err)
    return "ok", (rendered.text, rendered.missing)


@DIFFERENTIAL
@given(source=straight_line(), values=data(), ruby_values=st.booleans())
def test_compiled_steps_render_what_the_interpreter_renders(
    source: str, values: dict[str, Any], ruby_values: bool
) -> None:
    try:
        template = parse_template(braze_side(source))  # Braze syntax included
    except TemplateError:
        return
    namespaces = rubify(values) if ruby_values else values
    compiled = compile_template(template, Counter())
    expected = outcome(template, namespaces)
    if not isinstance(compiled, CompiledTemplate):
        return  # outside the subset: the interpreter renders it, as before
    try:
        text = compiled.run(namespaces)
    except Fallback:  # the whole render falls back: the interpreter's outcome, errors too
        assert outcome(compiled, namespaces) == expected
        return
    assert expected[0] == "ok" and expected[1][0] == text, source  # type: ignore[index]
    assert outcome(compiled, namespaces) == expected  # the missing attributes too


CASES = [
    # (source, namespaces, compiled text or None for a fallback)
    ("Hi {{ first_name | upcase }}!", {"first_name": "dana"}, "Hi DANA!"),
    ("{% assign c = custom_attribute['rokt:account_code'][0] | split: '/' | first %}/{{ c }}",
     {"custom_attribute": {"rokt:account_code": ["team1/abc"]}}, "/team1"),
    ("{{ custom_attribute['ids'] | join: '\",\"' }}",
     {"custom_attribute": {"ids": ["a", "b"]}}, 'a","b'),
    ("{% capture x %}{{ user_id }}-{{ 'k' | append: user_id }}{% endcapture %}<{{ x }}>",
     {"user_id": 7}, "<7-k7>"),
    ("{{ n | plus: 1 }}", {"n": 41}, "42"),
    ("{{ first_name }}|{{ custom_attribute['x'] | upcase }}", {"custom_attribute": {}}, "|"),
    ("{{ custom_attribute['ids'][3] | join: ',' }}.", {"custom_attribute": {"ids": []}}, "."),
    ("{{ h.k.z }}", {"h": {"k": {}}}, ""),  # a nested key: not a recorded miss
    ("{{ event_properties['x'] }}", {}, None),  # an absent namespace
    ("{{ custom_attribute }}", {"custom_attribute": {"a": 1}}, None),  # a hash: recorded view
    ("{{ n | divided_by: 0 }}", {"n": 1}, None),  # the interpreter raises the error
    ("{{ s | append: s | append: s }}", {"s": "x" * 40}, None),  # over the output limit
]


def rendered(template: BrazeTemplate, namespaces: dict[str, Any]) -> object:
    """(text, missing attributes, the state's misses), or the error's rule."""
    state = MessageState(Resources(limits=Limits(output_size=100)))
    try:
        out = template.render(namespaces, state)
    except TemplateError as err:
        return err.rule
    return out.text, out.missing, state.misses


@pytest.mark.parametrize(("source", "namespaces", "text"), CASES)
def test_compiled_cases(source: str, namespaces: dict[str, Any], text: str | None) -> None:
    counts: Counter[str] = Counter()
    template = compile_template(parse_template(source), counts, Limits(output_size=100))
    assert isinstance(template, CompiledTemplate)
    if text is None:
        with pytest.raises(Fallback):
            template.run(namespaces)
    else:
        assert template.run(namespaces) == text
    got, want = (rendered(t, namespaces) for t in (template, parse_template(source)))
    assert got == want
    assert counts == Counter({"compiled": 1} if text is not None else {
        f"fallback: {next(iter(counts)).partition(': ')[2]}": 1})


@pytest.mark.parametrize("source", [
    "{% if a %}x{% endif %}",  # control flow: interpreted
    "{% for i in arr %}{{ i }}{% endfor %}",
    "{{ a | size }}{% increment c %}",
    "{{ a.size }}",  # a command, not a key
    "{{ h[a] }}",  # a computed key
    "{{ partial }}",  # answered by the render context before the locals
])
def test_outside_the_subset_stays_interpreted(source: str) -> None:
    template = parse_template(source)
    assert compile_template(template, Counter()) is template


def test_variables_over_the_limit_fall_back_to_the_interpreters_error() -> None:
    source = "{% assign s = t | append: t %}{% assign u = s | append: s %}{{ u | size }}"
    limits = Limits(variables_size=300)
    template = compile_template(parse_template(source), Counter(), limits)
    with pytest.raises(Fallback, match="variables limit"):
        template.run({"t": "x" * 100})
    with pytest.raises(TemplateError, match="variable size limit"):
        template.render({"t": "x" * 100}, MessageState(Resources(limits=limits)))
    assert template.run({"t": "x"}) == "4"
