"""docs/braze-liquid.md, the support table: complete, generated, and true.

* every tag and filter the engine registers (and every one it removes or rejects) has a
  row, and so has every Braze namespace;
* every test a row names exists;
* every row's example renders here as Ruby Liquid 5.4 renders it;
* the page is exactly what `rokt_braze.support.markdown()` generates.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from oracle.ruby_liquid import render_in_ruby, require_ruby

from rokt_braze.braze import MessageState, Resources, parse_template
from rokt_braze.braze.environment import REMOVED_TAGS
from rokt_braze.braze.filters import UNSUPPORTED_FILTERS
from rokt_braze.braze.template import NAMESPACES, braze_environment
from rokt_braze.lint.variables import STANDARD_ATTRIBUTES
from rokt_braze.support import (
    EXAMPLE_DATA,
    KINDS,
    NOT_IN_BRAZE,
    SAME,
    Row,
    markdown,
    rows,
)

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "braze-liquid.md"
#: python-liquid's statements, not tags a template names.
_INTERNAL_TAGS = {"output", "content", "illegal"}


def _names(kind: str) -> set[str]:
    return {row.name for row in rows() if row.kind == kind}


def test_every_registered_tag_and_filter_has_a_row() -> None:
    env = braze_environment()
    assert set(env.tags) - _INTERNAL_TAGS <= _names("tag")
    assert set(REMOVED_TAGS) <= _names("tag")
    assert set(env.filters) <= _names("filter")
    assert set(UNSUPPORTED_FILTERS) <= _names("filter")
    assert {f"{ns}.${{...}}" for ns in NAMESPACES} <= _names("object")
    assert {f"${{{name}}}" for name in STANDARD_ATTRIBUTES} <= _names("object")


def test_rows_are_unique_and_well_formed() -> None:
    table = rows()
    keys = [(row.kind, row.name) for row in table]
    assert len(keys) == len(set(keys))
    for row in table:
        assert row.kind in KINDS
        assert row.status in (SAME, NOT_IN_BRAZE) or row.status.startswith("differs: "), row
        assert row.tests, row


@pytest.mark.parametrize("test_id", sorted({t for row in rows() for t in row.tests}))
def test_every_named_test_exists(test_id: str) -> None:
    path, _, name = test_id.partition("::")
    source = (ROOT / path).read_text(encoding="utf-8")
    assert re.search(rf"^def {re.escape(name)}\(", source, re.M), test_id


def _examples() -> list[Row]:
    return [row for row in rows() if row.example]


@pytest.mark.parametrize("row", _examples(), ids=lambda row: f"{row.kind}-{row.name}")
def test_examples_render_as_ruby_liquid(row: Row) -> None:
    require_ruby()
    ok, expected = render_in_ruby(row.example, EXAMPLE_DATA)
    assert ok, expected
    ours = parse_template(row.example).render(dict(EXAMPLE_DATA), MessageState(Resources()))
    assert ours.text == expected


def test_the_page_is_generated() -> None:
    assert DOC.read_text(encoding="utf-8") == markdown(), (
        "regenerate: python -m rokt_braze.support > docs/braze-liquid.md"
    )


def test_the_readme_links_to_the_page() -> None:
    assert "docs/braze-liquid.md" in (ROOT / "README.md").read_text(encoding="utf-8")
