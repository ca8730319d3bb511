"""A block left open or closed by the wrong tag is reported as Ruby Liquid (so Braze)
reports it, naming the opening tag, at the tag the problem is about."""

from __future__ import annotations

import pytest
from oracle.ruby_liquid import render_in_ruby, require_ruby

import rokt_braze

CASES = [
    # (template, expected message, line, column of the tag name reported)
    ("line 1\n  {% if x %}\nyes", "'if' tag was never closed", 2, 6),
    ("{% capture x %}abc", "'capture' tag was never closed", 1, 4),
    ("{% comment %}abc", "'comment' tag was never closed", 1, 4),
    ("{% raw %}abc", "'raw' tag was never closed", 1, 4),
    ("{% unless x %}{% else %}", "'unless' tag was never closed", 1, 4),
    ("{% case x %}{% when 1 %}", "'case' tag was never closed", 1, 4),
    ("{% for x in y %}\n{% if x %}\n{% endfor %}",
     "'endfor' is not a valid delimiter for if tags", 3, 4),
    ("{% if x %}{% for y in z %}{% endif %}",
     "'endif' is not a valid delimiter for for tags", 1, 30),
    ("text {% endif %}", "Unknown tag 'endif'", 1, 9),
    ("{% translation t %}x", "'translation' tag was never closed", 1, 4),
]


@pytest.mark.parametrize(("source", "message", "line", "column"), CASES)
def test_block_errors_name_the_opening_tag(
    source: str, message: str, line: int, column: int
) -> None:
    with pytest.raises(rokt_braze.TemplateError) as info:
        rokt_braze.render_liquid(source, None)
    err = info.value
    assert message in str(err)
    assert (err.line, err.column) == (line, column)
    assert err.rule == "liquid-syntax"


@pytest.mark.parametrize(("source", "message"), [(s, m) for s, m, _, _ in CASES[:-1]])
def test_the_words_are_ruby_liquids(source: str, message: str) -> None:
    require_ruby()
    ok, error = render_in_ruby(source, {})
    assert not ok
    assert message in error


def test_the_wrong_closing_tag_says_where_the_block_opened() -> None:
    with pytest.raises(rokt_braze.TemplateError, match=r"opened on line 2\)\. use endif"):
        rokt_braze.render_liquid("{% for x in y %}\n{% if x %}\n{% endfor %}", None)
