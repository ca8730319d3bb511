"""Words that are Liquid keywords elsewhere (`limit`, `offset`, `reversed`, `cols`, `with`,
`as`, `in`, `and`, `or`, `for`, `contains`) work as variable and property names wherever
Ruby Liquid accepts them, and stay keywords where they are keywords.

Each template renders here and in Ruby Liquid 5.4 (`oracle.ruby_liquid`) with the same
data; outputs must match.
"""

from __future__ import annotations

from typing import Any

import pytest
from oracle.ruby_liquid import render_in_ruby, require_ruby

import rokt_braze

PAGE = {"items": [1, 2, 3], "limit": 2, "offset": 1, "total": 3, "cols": 4, "for": "f",
        "in": "i", "and": "a", "or": "o", "with": "w", "as": "s", "reversed": "r",
        "contains": "c", "size": 9}  # fmt: skip

TEMPLATES = [
    "{{ r.limit }}|{{ r.offset }}|{{ r.total }}|{{ r.cols }}",
    "{{ r.for }}{{ r.in }}{{ r.and }}{{ r.or }}{{ r.with }}{{ r.as }}{{ r.reversed }}"
    "{{ r.contains }}",
    "{% assign limit = r.limit %}{% assign offset = r.offset %}"
    "{% for x in r.items limit: limit offset: offset %}{{ x }}{% endfor %}",
    "{% for x in r.items reversed limit: r.limit %}{{ x }}{% endfor %}",
    "{% assign for = 1 %}{% assign in = 2 %}{% assign and = 3 %}{% assign or = 4 %}"
    "{% assign with = 5 %}{% assign as = 6 %}{% assign reversed = 7 %}{% assign cols = 8 %}"
    "{{ for }}{{ in }}{{ and }}{{ or }}{{ with }}{{ as }}{{ reversed }}{{ cols }}",
    "{% if r.limit > 1 and r.offset < 2 %}paged{% endif %}",
    "{% if r.items contains r.limit or r.offset == 0 %}yes{% endif %}",
    "{% assign offset = r.offset | plus: r.limit %}{{ offset }}",
    "{{ r.items | slice: r.offset, r.limit | join: ',' }}",
    "{% for offset in r.items %}{{ offset }}{% endfor %}",
    "{% for x in (r.offset..r.limit) %}{{ x }}{% endfor %}",
    "{% liquid\nassign in = r.in\necho in\necho r.limit\n%}",
    "{{ r.size }}|{{ r['size'] }}|{{ r.items.size }}|{{ r.items.first }}|{{ r.items.last }}",
    "{% case r.limit %}{% when r.offset %}one{% when r.limit %}two{% endcase %}",
    "{% tablerow x in r.items cols: r.cols %}{{ x }}{% endtablerow %}",
]


def _ours(template: str, data: dict[str, Any]) -> str:
    fixture = {"url": "https://api.example.com/page", "json": data}
    source = "{% connected_content https://api.example.com/page :save r %}" + template
    return rokt_braze.render_liquid(source, None, fixtures=[fixture])


@pytest.mark.parametrize("template", TEMPLATES)
def test_keyword_like_names_render_as_in_ruby_liquid(template: str) -> None:
    require_ruby()
    ok, expected = render_in_ruby(template, {"r": PAGE})
    assert ok, expected
    assert _ours(template, PAGE) == expected


def test_a_partner_snippet_reading_paging_fields() -> None:
    """A Connected Content answer with paging fields, read as partner snippets read it."""
    answer = {"results": [{"title": "A"}, {"title": "B"}], "offset": 0, "limit": 2,
              "total": 5}  # fmt: skip
    template = (
        "{% assign next = r.offset | plus: r.limit %}"
        "{% if next < r.total %}more from {{ next }}{% endif %}:"
        "{% for item in r.results limit: r.limit %}{{ item.title }}{% endfor %}"
    )
    assert _ours(template, answer) == "more from 2:AB"


@pytest.mark.parametrize(
    "template",
    [
        "{% for x in items limit %}{% endfor %}",  # a loop argument needs its value
        "{% if a and %}{% endif %}",
    ],
)
def test_keywords_in_keyword_places_are_still_checked(template: str) -> None:
    with pytest.raises(rokt_braze.TemplateError):
        rokt_braze.render_liquid(template, None)
