"""Standard Liquid is unharmed: the Braze layer renders plain Liquid as python-liquid does.

Each case renders through the Braze environment (`parse_template(...).render`) and through
a plain `liquid.Environment()` with the same data, and the outputs must be equal (and, as a
check on the cases themselves, what standard Liquid documents). No `now`/dates (Braze's
`'now'` is UTC, python-liquid's is local), no `== blank` (Braze follows Ruby's `blank?`), no
filters Braze lacks (`lstrip`, `rstrip`, ...) and no `money` (Braze's own).
"""

from __future__ import annotations

from typing import Any

import liquid
import pytest

import rokt_braze
from rokt_braze.braze import parse_template

DATA: dict[str, Any] = {
    "name": "  Ada Lovelace ",
    "title": "the analytical engine",
    "n": 7,
    "price": 4.5,
    "tags": ["b", "a", "c", "a"],
    "mixed": ["b", "A", "c"],
    "nums": [3, 1, 2],
    "empty_list": [],
    "flag": False,
    "html": "<p>Hi & bye</p>",
    "multiline": "one\ntwo",
    "products": [
        {"title": "Pen", "type": "office", "price": 2, "available": True},
        {"title": "Mug", "type": "kitchen", "price": 8, "available": False},
        {"title": "Pad", "type": "office", "price": 5, "available": True},
    ],
    "user": {"name": "Ada", "langs": ["en", "fr"]},
}

CASES = {
    # (template, what standard Liquid gives)
    "assign": ("{% assign x = 'hi' %}{{ x }}", "hi"),
    "capture": ("{% capture c %}{{ n }}-{{ n | plus: 1 }}{% endcapture %}[{{ c }}]", "[7-8]"),
    "if-elsif-else": ("{% if n > 10 %}big{% elsif n > 5 %}mid{% else %}small{% endif %}", "mid"),
    "unless": ("{% unless flag %}no flag{% endunless %}", "no flag"),
    "and-or": ("{% if flag or n == 7 and price > 4 %}yes{% endif %}", "yes"),
    "contains": ("{% if tags contains 'c' %}c{% endif %}"
                 "{% if title contains 'engine' %}e{% endif %}", "ce"),
    "case-when": ("{% case user.name %}{% when 'Bob' %}B{% when 'Ada', 'Al' %}A{% else %}?"
                  "{% endcase %}", "A"),
    "for-limit-offset": ("{% for t in tags limit: 2 offset: 1 %}{{ t }}{% endfor %}", "ac"),
    "for-reversed": ("{% for x in nums reversed %}{{ x }}{% endfor %}", "213"),
    "forloop": ("{% for x in nums %}{{ forloop.index }}{{ forloop.index0 }}"
                "{% if forloop.first %}F{% endif %}{% if forloop.last %}L{% endif %},"
                "{% endfor %}", "10F,21,32L,"),
    "for-else": ("{% for x in empty_list %}{{ x }}{% else %}none{% endfor %}", "none"),
    "break-continue": ("{% for x in (1..6) %}{% if x == 2 %}{% continue %}{% endif %}"
                       "{% if x == 5 %}{% break %}{% endif %}{{ x }}{% endfor %}", "134"),
    "range": ("{% for i in (1..n) %}{{ i }}{% endfor %}", "1234567"),
    "cycle": ("{% for x in nums %}{% cycle 'a', 'b' %}{% endfor %}", "aba"),
    "increment": ("{% increment k %}{% increment k %}{% decrement j %}", "01-1"),
    "raw": ("{% raw %}{{ n }}{% endraw %}", "{{ n }}"),
    "comment": ("a{% comment %}{{ n }}{% endcomment %}b{% # inline %}c", "abc"),
    "whitespace-control": ("x  {%- if true -%}  y  {%- endif -%}  z", "xyz"),
    "echo": ("{% echo user.name | upcase %}", "ADA"),
    "liquid-tag": ("{% liquid\nassign y = n | times: 2\nif y > 10\necho y\nendif\n%}", "14"),
    "tablerow": ("{% tablerow x in nums cols: 2 %}{{ x }}{% endtablerow %}",
                 '<tr class="row1">\n<td class="col1">3</td><td class="col2">1</td></tr>\n'
                 '<tr class="row2"><td class="col1">2</td></tr>\n'),
    "nested-path": ("{{ user.langs[1] }}{{ products[0].title }}{{ products.last.type }}",
                    "frPenoffice"),
    "size": ("{{ tags.size }}{{ title.size }}{{ tags | size }}", "4214"),
    "string-case": ("{{ title | upcase }}|{{ 'ABC' | downcase }}|{{ title | capitalize }}",
                    "THE ANALYTICAL ENGINE|abc|The analytical engine"),
    "append-prepend": ("{{ 'b' | append: 'c' | prepend: 'a' }}", "abc"),
    "replace-remove": ("{{ 'a-b-c' | replace: '-', '+' }}|{{ 'a-b-c' | replace_first: '-', '+' }}"
                       "|{{ 'a-b-c' | remove: '-' }}|{{ 'a-b-c' | remove_first: '-' }}",
                       "a+b+c|a+b-c|abc|ab-c"),
    "split-join": ("{{ 'x,y,z' | split: ',' | join: ' / ' }}", "x / y / z"),
    "first-last-reverse": ("{{ tags | first }}{{ tags | last }}{{ nums | reverse | join }}",
                           "ba2 1 3"),  # join's default separator is a space
    "sort-uniq": ("{{ tags | sort | join }}|{{ mixed | sort_natural | join }}|"
                  "{{ tags | uniq | join }}", "a a b c|A b c|b a c"),
    "map-where": ("{{ products | where: 'type', 'office' | map: 'title' | join: ',' }}|"
                  "{{ products | where: 'available' | size }}", "Pen,Pad|2"),
    "compact-concat": ("{{ tags | concat: nums | compact | join: '' }}", "baca312"),
    "slice": ("{{ title | slice: 4, 10 }}|{{ nums | slice: 1, 2 | join }}", "analytical|1 2"),
    "truncate": ("{{ title | truncate: 12 }}|{{ title | truncatewords: 2 }}|"
                 "{{ title | truncate: 8, '' }}", "the analy...|the analytical...|the anal"),
    "strip": ("[{{ name | strip }}]", "[Ada Lovelace]"),
    "strip-html-escape": ("{{ html | strip_html }}|{{ html | escape }}",
                          "Hi & bye|&lt;p&gt;Hi &amp; bye&lt;/p&gt;"),
    "newlines": ("{{ multiline | newline_to_br }}|{{ multiline | strip_newlines }}",
                 "one<br />\ntwo|onetwo"),
    "url-encode": ("{{ 'a b&c' | url_encode }}", "a+b%26c"),
    "math": ("{{ n | plus: 3 }} {{ n | minus: 10 }} {{ n | times: 2 }} {{ n | divided_by: 2 }} "
             "{{ n | divided_by: 2.0 }} {{ n | modulo: 4 }}", "10 -3 14 3 3.5 3"),
    "rounding": ("{{ price | ceil }} {{ price | floor }} {{ 2.567 | round: 2 }} {{ -4 | abs }} "
                 "{{ n | at_least: 10 }} {{ n | at_most: 5 }}", "5 4 2.57 4 10 5"),
    "default": ("{{ missing | default: 'd' }}|{{ flag | default: 'd' }}|"
                "{{ flag | default: 'd', allow_false: true }}|{{ empty_list | default: 'e' }}",
                "d|d|false|e"),
    "undefined-is-blank": ("[{{ nothing }}{{ nothing.deeper[0] }}]", "[]"),
    "array-output": ("{{ nums }}", "312"),
    "empty-comparison": ("{% if empty_list == empty %}E{% endif %}", "E"),
}


@pytest.mark.parametrize("case", CASES)
def test_braze_environment_renders_standard_liquid_as_python_liquid(case: str) -> None:
    source, documented = CASES[case]
    plain = liquid.Environment().from_string(source).render(**DATA)
    braze = parse_template(source).render(DATA).text
    assert braze == plain
    assert braze == documented


@pytest.mark.parametrize("case", ["capture", "forloop", "split-join", "math", "default",
                                  "liquid-tag", "whitespace-control", "map-where"])
def test_render_liquid_gives_the_same(case: str) -> None:
    """Through the public API, the data given as custom attributes."""
    source, documented = CASES[case]
    braze_source = "".join(
        f"{{% assign {key} = custom_attribute.${{{key}}} %}}" for key in DATA) + source
    profile = {"custom_attributes": DATA}
    assert rokt_braze.render_liquid(braze_source, profile) == documented


def test_there_are_enough_cases() -> None:
    assert len(CASES) >= 30
