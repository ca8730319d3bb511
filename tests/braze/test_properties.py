"""Properties of the rewrite and of attribute lookup, checked on generated input.

* any attribute name (spaces, colons, punctuation, non-ASCII; no `}`, and not both quote
  kinds at once) and any value round-trip through `{{custom_attribute.${name}}}` and
  through `{{${name}}}`;
* text outside Liquid markup is never changed by the rewrite;
* `Rewritten.original_index` maps every rewritten character outside an edit to the
  same character of the original (or to the `{`/`}` it blanked).
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rokt_braze.braze import parse_template
from rokt_braze.braze.rewrite import Rewritten, rewrite
from rokt_braze.braze.template import NAMESPACES

PROPERTY = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

NAME_CHARS = st.characters(
    blacklist_categories=("Cs",),  # no lone surrogates
    blacklist_characters="}",
)


def _usable_name(name: str) -> bool:
    # Braze reads `${ name }` as `name`, so surrounding blanks are not part of a name.
    return name == name.strip() and not ('"' in name and "'" in name)


names = st.text(NAME_CHARS, min_size=1, max_size=24).filter(_usable_name)
values = st.one_of(st.text(st.characters(blacklist_categories=("Cs",)), max_size=30),
                   st.integers(-10**12, 10**12))


@PROPERTY
@given(name=names, value=values)
def test_custom_attribute_names_round_trip(name: str, value: object) -> None:
    template = parse_template("<{{custom_attribute.${" + name + "}}}>")
    out = template.render({"custom_attribute": {name: value}})
    assert out.text == f"<{value}>"
    assert out.missing == []


@PROPERTY
@given(name=names.filter(lambda n: n not in NAMESPACES), value=values)
def test_root_attribute_names_round_trip(name: str, value: object) -> None:
    template = parse_template("<{{${" + name + "}}}>")
    assert template.render({name: value}).text == f"<{value}>"


@PROPERTY
@given(name=names)
def test_an_absent_attribute_is_blank_and_recorded(name: str) -> None:
    out = parse_template("<{{custom_attribute.${" + name + "}}}>").render({})
    assert out.text == "<>"
    assert [(a.namespace, a.name) for a in out.missing] == [("custom_attribute", name)]


# Templates built from known parts, so the spans outside markup are known exactly. --------

LIQUIDISH = "ab ${}:.|'\"%[]-\n\t{é€"
plain_text = st.text(st.sampled_from(LIQUIDISH), max_size=12).filter(
    lambda t: "{{" not in t and "{%" not in t and not t.endswith("{"))
atom_name = st.text(st.sampled_from("ab :é-_1'"), min_size=1, max_size=6)
atom = st.builds(lambda ns, n: f"{ns}${{{n}}}", st.sampled_from(["", "custom_attribute.", "x."]),
                 atom_name)
word = st.sampled_from(["a", "b_c", "'s}}'", '"%}"', "1", "|", "upcase", "plus: 1", "[0]"])
expression = st.lists(st.one_of(atom, word, atom.map(lambda a: "{{" + a + "}}")),
                      min_size=1, max_size=4).map(" ".join)
markup = st.one_of(
    expression.map(lambda e: "{{ " + e + " }}"),
    expression.map(lambda e: "{{" + e + "}}"),
    expression.map(lambda e: "{% assign v = " + e + " %}"),
    expression.map(lambda e: "{%- if " + e + " -%}"),
    plain_text.map(lambda t: "{% raw %}" + t + "{% endraw %}"),
    expression.map(lambda e: "{% connected_content https://x/{{" + e + "}} :save r %}"),
)


@st.composite
def templates(draw: Any) -> tuple[str, list[tuple[int, int]]]:
    """A template and the spans of its plain text parts."""
    parts = draw(st.lists(st.tuples(plain_text, markup), max_size=6))
    tail = draw(plain_text)
    source, spans = "", []
    for text, mark in [*parts, (tail, "")]:
        spans.append((len(source), len(source) + len(text)))
        source += text + mark
    return source, spans


def _origins(out: Rewritten) -> list[int]:
    return [out.original_index(i) for i in range(len(out.text))]


@PROPERTY
@given(templates())
def test_text_outside_markup_is_never_changed(case: tuple[str, list[tuple[int, int]]]) -> None:
    source, spans = case
    out = rewrite(source)
    origins = _origins(out)
    for start, end in spans:
        where = [i for i, o in enumerate(origins) if start <= o < end]
        # the part appears once, whole, in order, unchanged
        assert len(where) == end - start
        assert where == list(range(where[0], where[0] + len(where))) if where else True
        assert "".join(out.text[i] for i in where) == source[start:end]


@PROPERTY
@given(st.text(st.sampled_from(LIQUIDISH + "}"), max_size=60))
def test_original_index_maps_unedited_text_to_the_same_character(source: str) -> None:
    out = rewrite(source)
    inside_edit = {i for e in out.edits for i in range(e.new_start, e.new_end)}
    for i, char in enumerate(out.text):
        if i in inside_edit:
            continue
        original = source[out.original_index(i)]
        assert char == original or (char == " " and original in "{}")


@PROPERTY
@given(templates())
def test_original_index_on_generated_templates(case: tuple[str, list[tuple[int, int]]]) -> None:
    source, _ = case
    out = rewrite(source)
    inside_edit = {i for e in out.edits for i in range(e.new_start, e.new_end)}
    for i, char in enumerate(out.text):
        if i not in inside_edit:
            original = source[out.original_index(i)]
            assert char == original or (char == " " and original in "{}")
    for edit in out.edits:  # an edited region maps to the start of what it replaced
        assert out.original_index(edit.new_start) == edit.old_start
