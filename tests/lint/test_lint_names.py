# ruff: noqa: E501 - template lines are kept verbatim
"""unknown-tag, unknown-filter and the Braze syntax restrictions python-liquid lets through."""

from __future__ import annotations

import pytest
from liquid.extra import WithTag

from rokt_braze.braze.template import braze_environment
from rokt_braze.findings import Severity
from rokt_braze.lint import unknown_tag_message
from rokt_braze.pipeline import Pipeline

from .helpers import LintFn


def test_unknown_filter_braze_marks_unsupported(lint: LintFn) -> None:
    r = lint("""
        url: "https://example.com/{{ ${first_name} | lstrip }}"
    """)
    [f] = r.of("unknown-filter")
    assert (f.line, f.column) == r.at("lstrip")
    assert f.severity == Severity.ERROR and f.field == "url"
    assert "Braze does not support the lstrip filter" in f.message and "strip" in f.message


def test_unknown_filter_suggests_the_close_name(lint: LintFn) -> None:
    r = lint("""
        url: https://example.com/
        body: |
          {"a": "{{ ${first_name} | json_escape | upcase }}",
           "b": "{{ ${last_name} | jsonescape }}"}
    """)
    [f] = r.of("unknown-filter")
    assert (f.line, f.column) == r.at("jsonescape")
    assert "unknown filter 'jsonescape'" in f.message and "json_escape" in f.message


def test_unknown_filter_with_its_words_swapped_suggests_the_filter(lint: LintFn) -> None:
    r = lint("""
        url: https://example.com/
        body: '{"a": "{{ ${first_name} | escape_json }}"}'
    """)
    [f] = r.of("unknown-filter")
    assert "unknown filter 'escape_json': did you mean json_escape?" in f.message


def test_a_filter_from_a_later_liquid_says_so(lint: LintFn) -> None:
    r = lint("""
        url: "https://example.com/{{ ${first_name} | split: ',' | sum }}"
    """)
    [f] = r.of("unknown-filter")
    assert (f.line, f.column) == r.at("sum")
    assert "unknown filter 'sum': it arrived in Liquid 5.5" in f.message


def test_unknown_filter_inside_connected_content_markup(lint: LintFn) -> None:
    r = lint("""
        url: https://example.com/
        headers:
          Authorization: "{% connected_content https://x.example/{{ ${user_id} | url_escap }} :save t %}{{ t.token }}"
    """)
    assert r.where("unknown-filter") == [r.at("url_escap")]


def test_braze_filters_are_quiet(lint: LintFn) -> None:
    r = lint("""
        url: "https://example.com/{{ ${user_id} | url_param_escape }}"
        body: |
          {"t": "{{ 'now' | time_zone: ${time_zone} | date: '%Y' }}",
           "h": "{{ ${email_address} | downcase | sha2 }}",
           "n": "{{ 1234 | number_with_delimiter }}"}
    """)
    assert r.of("unknown-filter") == []


def test_render_and_include_fail_to_parse_and_lint_adds_nothing(lint: LintFn) -> None:
    r = lint("""
        url: https://example.com/
        body: "{% render 'snippet' %}{{ nope | nofilter }}"
    """)
    assert r.findings == []  # the field does not parse: no lint noise
    [syntax] = list(Pipeline(r.webhook).template_findings())
    assert syntax.rule == "unknown-tag" and (syntax.line, syntax.column) == r.at("render")
    assert "snippet files" in unknown_tag_message("render")
    assert "snippet files" in unknown_tag_message("include")


def test_unknown_tag_that_python_liquid_would_parse(
    lint: LintFn, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Register a python-liquid tag Braze lacks on every engine environment.
    for traced in (False, True):
        env = braze_environment(traced=traced)
        monkeypatch.setitem(env.tags, "with", WithTag(env))
    r = lint("""
        url: https://example.com/
        body: "{% with greeting: 'hi' %}{{ greeting }}{% endwith %} unique-7f3a"
    """)
    [f] = r.of("unknown-tag")
    assert (f.line, f.column) == r.at("with")
    assert f.message == "Braze does not support the with tag"


def test_standard_tags_braze_does_not_rule_out_are_quiet(lint: LintFn) -> None:
    r = lint("""
        url: https://example.com/
        body: |
          {% increment n %}{% cycle 'a', 'b' %}{% tablerow x in (1..2) %}{{ x }}{% endtablerow %}
          {% for i in (1..3) %}{% if i == 2 %}{% break %}{% endif %}{% ifchanged %}{{ i }}{% endifchanged %}{% endfor %}
          {% liquid
          assign y = 1
          echo y
          %}{% raw %}{{ not liquid }}{% endraw %}{% comment %}note{% endcomment %}{% # note %}
    """)
    assert r.findings == []


def test_filter_in_when_is_a_syntax_error(lint: LintFn) -> None:
    r = lint("""
        url: https://example.com/
        body: |
          {% assign n = ${first_name} %}{% case n %}{% when 'a' | upcase %}A{% when 'b' %}B{% endcase %}
    """)
    [f] = r.of("liquid-syntax")
    assert (f.line, f.column) == r.at("| upcase")
    assert "filters are not allowed in when" in f.message
    assert f.severity == Severity.ERROR


def test_non_ascii_variable_name(lint: LintFn) -> None:
    r = lint("""
        url: https://example.com/
        body: "{% assign café = 1 %}{{ café }}{% assign cafe_2 = 2 %}{{ cafe_2 }}"
    """)
    [f] = r.of("liquid-syntax")
    assert (f.line, f.column) == r.at("café")
    assert "ASCII" in f.message


def test_liquid_in_abort_reason_is_a_warning(lint: LintFn) -> None:
    r = lint("""
        url: https://example.com/
        body: "{% if ${first_name} == blank %}{% abort_message('no name for {{ ${user_id} }}') %}{% endif %}{% abort_message('plain') %}"
    """)
    [f] = r.of("liquid-syntax")
    assert (f.line, f.column) == r.at("abort_message")
    assert f.severity == Severity.WARNING and "verbatim" in f.message


@pytest.mark.parametrize(
    "body",
    [
        "{% if ${first_name} | size > 1 %}x{% endif %}",  # filter in a condition
        "{% for x in custom_attribute.${a} | sort %}{% endfor %}",  # filter in for
        "{% assign n = 1 + 2 %}",  # operator in assign
        "{% if (${first_name} == 'a') %}x{% endif %}",  # parentheses
        "{% if ${first_name} && ${last_name} %}x{% endif %}",  # &&
        "{% if ${first_name} || ${last_name} %}x{% endif %}",  # ||
        "{% abort_message(${first_name}) %}",  # non-literal abort reason
        "{{ custom_attribute.${a}[${b} | size] }}",  # filter inside [ ]
    ],
)
def test_braze_restrictions_python_liquid_rejects_are_liquid_syntax(
    lint: LintFn, body: str
) -> None:
    r = lint(f"""
        url: https://example.com/
        body: "{body}"
    """)
    assert r.findings == []
    rules = [f.rule for f in Pipeline(r.webhook).template_findings()]
    assert rules == ["liquid-syntax"]
