"""The compiled per-user render (`audience.compiled`, what `audience` runs per user)
renders generated straight-line templates byte for byte as Ruby Liquid does, wherever it
renders them at all (elsewhere it falls back to the interpreter, which
test_differential.py holds to Ruby). Braze syntax in them is compared as
test_differential.py compares it, through its standard meaning."""

from __future__ import annotations

from collections import Counter
from typing import Any

from compiled_templates import straight_line
from hypothesis import given, settings

from oracle.pairs import sides
from oracle.ruby_liquid import render_in_ruby
from oracle.strategies import data
from oracle.test_differential import DIFFERENTIAL, EXAMPLES
from rokt_braze.audience.compiled import CompiledTemplate, Fallback, compile_template
from rokt_braze.braze import parse_template
from rokt_braze.errors import TemplateError


@settings(DIFFERENTIAL, max_examples=max(EXAMPLES // 4, 100))  # a small subset to cover
@given(template=straight_line(), values=data())
def test_compiled_renders_as_ruby_liquid(ruby: None, template: str,
                                         values: dict[str, Any]) -> None:
    braze, standard = sides(template)
    try:
        compiled = compile_template(parse_template(braze), Counter())
    except TemplateError:
        return
    if not isinstance(compiled, CompiledTemplate):
        return
    try:
        text = compiled.run(values)
    except Fallback:
        return
    assert render_in_ruby(standard, values) == (True, text), (braze, standard, values)
