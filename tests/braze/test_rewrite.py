"""The Braze -> python-liquid rewrite, and errors positioned in the user's original text.

Braze's grammar : `${name}` / `ns.${name}` atoms whose
names hold spaces, colons and non-ASCII; `{{ }}` nested, even unbalanced, inside tag
markup and inside outputs. A syntax error must be reported where the user wrote it, even
after a rewrite that changed lengths earlier in the text.
"""

from __future__ import annotations

import pytest

from rokt_braze.braze import parse_template
from rokt_braze.braze.rewrite import Attribute, rewrite
from rokt_braze.errors import TemplateError

# the rewrite itself ----------------------------------------------------------------------


@pytest.mark.parametrize(("source", "expected"), [
    # a namespaced atom becomes a bracketed key, same length
    ("{{custom_attribute.${rokt:account_code}}}", '{{custom_attribute["rokt:account_code"]}}'),
    # a root identifier becomes a plain variable, right-aligned, same length
    ("{{${first_name}}}", "{{   first_name}}"),
    # a root name that is no identifier becomes a bracketed root path
    ("{{${Brands Viewed}}}", '{{["Brands Viewed"]}}'),
    # a name holding a double quote is quoted with single quotes
    ('{{event_properties.${say "hi"}}}', "{{event_properties['say \"hi\"']}}"),
    # nested braces inside tags and outputs become spaces
    ("{% assign b = {{custom_attribute.${x}}} %}", '{% assign b =   custom_attribute["x"]   %}'),
    ("{{ a | plus: {{b}}}}", "{{ a | plus:   b  }}"),
    # the docs' unbalanced form
    ('{% assign d = {{${last_used_app_date}} | date: "%s" %}',
     '{% assign d =      last_used_app_date  | date: "%s" %}'),
])
def test_rewrite(source: str, expected: str) -> None:
    assert rewrite(source).text == expected


@pytest.mark.parametrize("source", [
    "Hi ${first_name}, {{ '${not_an_atom}' }} and {{ \"{{kept}}\" }}",
    "{% raw %}{{${first_name}}} {% if %}{% endraw %}",
    "{% comment %}{{custom_attribute.${x}}}{% endcomment %}",
    "{% # inline comment {{${x}}} %}",
    "text with }} and %} and ${ and $",
])
def test_text_strings_raw_and_comments_are_left_alone(source: str) -> None:
    assert rewrite(source).text == source


def test_attributes_are_collected_with_original_positions() -> None:
    source = "{{${Brands Viewed}}} {% if custom_attribute.${rokt:tags} contains 'x' %}{% endif %}"
    found = rewrite(source).attributes
    assert found == [
        Attribute(None, "Brands Viewed", 2, 18),
        Attribute("custom_attribute", "rokt:tags", 27, 56),
    ]
    assert [source[a.start:a.end] for a in found] == [a.path for a in found]


def test_original_index_after_a_longer_rewrite() -> None:
    source = "{{${Brands Viewed}}} tail"
    out = rewrite(source)
    assert out.text == '{{["Brands Viewed"]}} tail'  # one character longer
    tail = out.text.index("tail")
    assert out.original_index(tail) == source.index("tail")
    # inside the edited region every index maps to the start of the atom
    assert {out.original_index(i) for i in range(2, 19)} == {2}


def test_connected_content_markup_is_a_template() -> None:
    source = "{% connected_content https://x/{{${user_id}}}?q={{ 'a' | upcase }} :save r %}"
    assert rewrite(source).text == (
        "{% connected_content https://x/{{   user_id}}?q={{ 'a' | upcase }} :save r %}")


# syntax errors at the right place --------------------------------------------------------

LONGER = "{{${Brands Viewed}}}"  # rewritten one character longer
CASES = [
    # (source, (line, column) of the error, text found there)
    ("{% if x == %}{% endif %}", (1, 11), " %}"),
    ("ok\n{% if x == %}{% endif %}", (2, 11), " %}"),
    ("ok\n  {{ x | }}", (2, 9), " }}"),
    ("ok\n{% assign = 1 %}", (2, 11), "= 1"),
    ("ok\n\n{{ a b }}", (3, 6), "b }}"),
    ("{% for %}{% endfor %}", (1, 4), "for"),
    ("ok\n{% bogus %}", (2, 4), "bogus"),
    ("ok\n{% endif %}", (2, 4), "endif"),
    ("{% if x %}\n{% elsif y == %}\n{% endif %}", (2, 14), " %}"),
    ("{{ 'unterminated }}", (1, 4), "'unterminated"),
    ("ok\n{% abort_message(nope) %}", (2, 4), "abort_message"),
    ("ok\n{% connected_content https://x :bogus 1 %}", (2, 4), "connected_content"),
    ("line 1\n{% liquid\nassign x =\necho x %}", (3, 11), "\necho"),
    # lines holding ${...} and nested braces
    ("ok\n{% if {{custom_attribute.${Number Game}}} == %}{% endif %}", (2, 45), " %}"),
    ("ok\n{% assign a = {{custom_attribute.${rokt:x}}}[0] | %}", (2, 50), " %}"),
    ("ok\n{{custom_attribute.${a b}}} {{ custom_attribute.${c} d }}", (2, 54), "d }}"),
    # after a non-length-preserving rewrite on the same line ...
    (LONGER + " {% if x == %}{% endif %}", (1, 32), " %}"),
    (LONGER + " {{ a b }}", (1, 27), "b }}"),
    (LONGER + "{{${Other One}}} {% bogus %}", (1, 41), "bogus"),
    # ... and on earlier lines
    (LONGER + "\n" + LONGER + "\nab {% if x == %}{% endif %}", (3, 14), " %}"),
    (LONGER + "\n{{ ${a b} | upcase }} {% assign = 1 %}", (2, 33), "= 1"),
    ("{{custom_attribute.${z z}}}\n{{${x y}}}\n\n  {% for %}{% endfor %}", (4, 6), "for"),
]


@pytest.mark.parametrize(("source", "where", "found"), CASES)
def test_syntax_error_position(source: str, where: tuple[int, int], found: str) -> None:
    with pytest.raises(TemplateError) as info:
        parse_template(source)
    err = info.value
    assert (err.line, err.column) == where
    assert source[err.index:].startswith(found)
    line_start = source.rfind("\n", 0, err.index) + 1
    assert (source.count("\n", 0, err.index) + 1, err.index - line_start + 1) == where


def test_error_message_carries_line_and_column() -> None:
    with pytest.raises(TemplateError) as info:
        parse_template("{{${Brands Viewed}}}\n{% if x == %}{% endif %}", name="body")
    assert str(info.value).startswith("body:2:11: ")
    assert info.value.rule == "liquid-syntax"


@pytest.mark.parametrize(("source", "where"), [
    ("a\n" + LONGER + " {{ x | no_such_filter }}", (2, 29)),
    ("a\n" + LONGER + " {{ x | lstrip }}", (2, 29)),
])
def test_unknown_filter_is_reported_at_the_filter(source: str, where: tuple[int, int]) -> None:
    with pytest.raises(TemplateError) as info:
        parse_template(source).render({})
    assert info.value.rule == "unknown-filter"
    assert (info.value.line, info.value.column) == where


@pytest.mark.parametrize("name", ["nil", "true", "blank", "empty", "if", "limit", "0", "1st",
                                  "size-"])
def test_root_names_liquid_would_read_otherwise_stay_names(name: str) -> None:
    """`${nil}` is the attribute "nil", never the literal nil (or a keyword, or a number);
    `${size-}` must not end in `-}}`, which is whitespace control."""
    source = "{{${" + name + "}}}"
    assert rewrite(source).text == '{{["' + name + '"]}}'
    assert parse_template(source).render({name: "VALUE"}).text == "VALUE"
