# ruff: noqa: E501 - template lines are kept verbatim
"""undefined-variable and unused-assign: field-scoped variables, attributes, shadowing."""

from __future__ import annotations

from rokt_braze.findings import Severity

from .helpers import LintFn


def test_plain_undefined_variable(lint: LintFn) -> None:
    r = lint("""
        url: https://example.com/
        body: |
          {"a": "{{ greeting }}"}
    """)
    [f] = r.of("undefined-variable")
    assert (f.line, f.column) == r.at("greeting")
    assert f.severity == Severity.WARNING and f.field == "body"
    assert "greeting is never assigned or captured in the body field" in f.message


def test_defined_names_are_quiet(lint: LintFn) -> None:
    r = lint("""
        url: https://example.com/
        body: |
          {% assign a = ${first_name} | default: 'x' %}{% capture b %}{{ a }}{% endcapture %}
          {% for v in custom_attribute.${list} %}{{ forloop.index }}{{ v }}{% endfor %}
          {% tablerow t in (1..2) %}{{ tablerowloop.col }}{{ t }}{% endtablerow %}
          {% connected_content https://api.example.com/x :save api %}{{ api.value }}
          {% connected_content https://api.example.com/y %}{{ connected.value }}
          {% catalog_items Games 1 %}{{ items[0].title }}
          {% increment n %}{{ n }}{{ b }}
          {% assign total = total | plus: 1 %}{{ total }}
    """)
    assert r.of("undefined-variable") == []


def test_read_before_assign_and_loop_variable_outside_loop(lint: LintFn) -> None:
    r = lint("""
        url: https://example.com/
        body: "{{ late }}{% assign late = 1 %}{{ late }}{% for v in (1..2) %}{% endfor %}{{ v }}{{ forloop.index }}"
    """)
    assert r.where("undefined-variable") == [r.at("late"), r.at("v }}"), r.at("forloop")]
    messages = [f.message for f in r.of("undefined-variable")]
    assert "read before it is assigned" in messages[0]
    assert "loop variable" in messages[1]
    assert "only defined inside a for loop" in messages[2]


def test_standard_attribute_name_without_dollar_braces(lint: LintFn) -> None:
    r = lint("""
        url: https://example.com/
        body: "Hi {{ first_name }} {{ ${first_name} }}"
    """)
    [f] = r.of("undefined-variable")
    assert (f.line, f.column) == r.at("first_name")
    assert "write ${first_name}" in f.message


def test_namespace_without_dollar_braces(lint: LintFn) -> None:
    r = lint("""
        url: https://example.com/
        body: "{{ custom_attribute.tier }} {{ custom_attribute.${tier} }}"
    """)
    [f] = r.of("undefined-variable")
    assert (f.line, f.column) == r.at("custom_attribute.tier")
    assert "custom_attribute.${tier}" in f.message


def test_attribute_spellings_braze_lacks(lint: LintFn) -> None:
    r = lint("""
        url: https://example.com/
        body: |
          {{ ${rokt:account_code} }}
          {{ custom_attributes.${tier} }}
          {{ ${user_id} }}{{ event_properties.${amount} }}{{ context.${x} }}
          {{ ${external_id} }}{{ ${first_nme} }}
    """)
    assert r.where("undefined-variable") == [
        r.at("${rokt"), r.at("custom_attributes"), r.at("${external_id}"), r.at("${first_nme}")
    ]
    first, second, third, fourth = r.of("undefined-variable")
    assert "custom_attribute.${rokt:account_code}" in first.message
    assert "did you mean custom_attribute.${tier}" in second.message
    assert "did you mean ${user_id} or custom_attribute.${external_id}?" in third.message
    assert "did you mean ${first_name} or" in fourth.message


def test_bare_attribute_in_plain_text(lint: LintFn) -> None:
    r = lint("""
        url: "https://example.com/${user_id}"
        body: |
          {%- if ${first_name} -%}
            Hi ${first_name}, you have ${{custom_attribute.${balance}}}.
          {%- endif %}
          {% raw %}${kept as text}{% endraw %}
    """)
    assert r.where("undefined-variable") == [r.at("${user_id}"), r.at("${first_name},")]
    assert "use {{${first_name}}}" in r.of("undefined-variable")[1].message


def test_assign_that_shadows_a_standard_attribute(lint: LintFn) -> None:
    r = lint("""
        url: https://example.com/
        body: "{% assign language = 'en' %}{{ language }}{% capture custom_attribute %}x{% endcapture %}"
    """)
    assert r.where("undefined-variable") == [r.at("language"), r.at("custom_attribute")]
    assert "shadows the standard attribute ${language}" in r.of("undefined-variable")[0].message


def test_variable_from_another_field(lint: LintFn) -> None:
    r = lint("""
        url: "{% assign code = 'x' %}https://example.com/{{ code }}"
        body: '{"code": "{{ code }}"}'
    """)
    [f] = r.of("undefined-variable")
    assert (f.line, f.column) == r.at("code", nth=3)
    assert f.field == "body" and "assigned in the url field" in f.message


def test_content_block_fields_are_not_checked_for_plain_variables(lint: LintFn) -> None:
    r = lint("""
        url: https://example.com/
        body: "{{content_blocks.${shared}}}{% assign x = 1 %}{{ from_block }}"
    """)
    assert r.of("undefined-variable") == [] and r.of("unused-assign") == []


def test_unused_assign_and_capture(lint: LintFn) -> None:
    r = lint("""
        url: https://example.com/
        body: |
          {% assign unused = ${first_name} %}{% capture also %}x{% endcapture %}
          {% assign used = 1 %}{{ used }}
          {% assign n = n | plus: 1 %}
    """)
    assert r.where("unused-assign") == [r.at("unused"), r.at("also"), r.at("n =")]
    assert r.of("unused-assign")[1].message == "also is captured but never used"
    assert all(f.severity == Severity.WARNING for f in r.of("unused-assign"))


def test_reads_in_braze_tag_markup_count_as_uses(lint: LintFn) -> None:
    r = lint("""
        url: https://example.com/
        body: |
          {% assign id = ${user_id} | url_param_escape %}{% capture payload %}{"a":1}{% endcapture %}
          {% connected_content https://api.example.com/u/{{ id }} :method post :body {{ payload }} :save r %}
          {% assign key = 'k' %}{% message_extras :key {{ key }} :value {{ r.v }} %}
          {% assign game = 7 %}{% catalog_items Games {{ game }} %}{{ items.size }}
    """)
    assert r.of("unused-assign") == [] and r.of("undefined-variable") == []


def test_unused_assign_hints_at_field_scope(lint: LintFn) -> None:
    r = lint("""
        url: "{% assign code = 'x' %}https://example.com/"
        body: '{"code": "{{ code }}"}'
    """)
    [f] = r.of("unused-assign")
    assert (f.line, f.column) == r.at("code")
    assert "the body field reads it" in f.message


def test_a_shadowing_assign_is_read_by_the_attribute(lint: LintFn) -> None:
    r = lint("""
        url: https://example.com/
        body: "{% assign first_name = 'Al' %}Hi {{ ${first_name} }}"
    """)
    assert r.of("unused-assign") == []
    assert r.where("undefined-variable") == [r.at("first_name")]


def test_reads_in_call_options_are_positioned_at_their_own_text(lint: LintFn) -> None:
    r = lint("""
        url: https://example.com/
        body: "{% connected_content https://a.example/{{ who }} :method post :body {{ who }} %}"
    """)
    assert r.where("undefined-variable") == [r.at("who"), r.at("who", nth=1)]


def test_reads_in_a_filtered_output_nested_in_tag_markup(lint: LintFn) -> None:
    """`{% if {{cats | size}} == 2 %}` (Braze's own idiom) reads `cats`, a variable that
    is assigned: no finding, and `cats` is used. A read in one is placed at itself, as
    anywhere else (it was the whole `x | f` as one name, placed at the `{{`)."""
    r = lint("""
        url: https://example.com/
        body: "{% assign cats = 'a,b' | split: ',' %}{% if {{cats | size}} == 2 %}x{% endif %}{% assign n = {{ ${first_nme} | upcase }} %}{% assign m = {{ nope | upcase }}[0] %}{{ n }}{{ m }}"
    """)
    assert r.of("unused-assign") == []
    [typo, undefined] = r.of("undefined-variable")
    assert (typo.line, typo.column) == r.at("${first_nme}")
    assert "did you mean ${first_name}" in typo.message
    assert (undefined.line, undefined.column) == r.at("nope")
    assert undefined.message == "nope is never assigned or captured in the body field"



def test_a_filter_in_an_output_nested_in_tag_markup_is_checked_as_an_outputs(
    lint: LintFn,
) -> None:
    r = lint("""
        url: https://example.com/
        body: "{% assign cats = 'a,b' | split: ',' %}{% if {{cats | sizze}} == 2 %}x{% endif %}"
    """)
    [f] = r.of("unknown-filter")
    assert (f.line, f.column) == r.at("sizze")
    assert f.message == "unknown filter 'sizze': did you mean size?"
    assert f.fix is not None and [e.text for e in f.fix.edits] == ["size"]
