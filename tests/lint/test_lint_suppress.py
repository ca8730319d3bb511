
"""Inline suppression comments: same line, next line, whole file; findings of any stage."""

from __future__ import annotations

from rokt_braze.findings import Finding, Severity, finding
from rokt_braze.lint import filter_suppressed

from .helpers import LintFn

BODY = """
    url: https://example.com/
    body: |
      {SAME}{"a": "{{ ${first_name} }}",
      {NEXT}
       "b": "{{ ${last_name} }}",
       "c": "{{ ${email_address} }}"}
"""


def _body(same: str = "", next_line: str = "") -> str:
    return BODY.replace("{SAME}", same).replace("{NEXT}", next_line)


def test_without_comments_everything_is_reported(lint: LintFn) -> None:
    r = lint(_body())
    assert len(r.of("json-unescaped")) == 3
    assert r.suppressed() == r.findings


def test_disable_on_the_same_line(lint: LintFn) -> None:
    r = lint(_body(same="{% # rokt-braze: disable=json-unescaped %}"))
    kept = r.suppressed()
    assert [(f.line, f.column) for f in kept] == [r.at("${last_name}"), r.at("${email_address}")]


def test_disable_next_line_in_block_comment_form(lint: LintFn) -> None:
    r = lint(_body(next_line="{% comment %}rokt-braze: disable-next-line=json-unescaped"
                             "{% endcomment %}"))
    kept = r.suppressed()
    assert [(f.line, f.column) for f in kept] == [r.at("${first_name}"), r.at("${email_address}")]


def test_disable_file_and_all(lint: LintFn) -> None:
    r = lint(_body(next_line="{% # rokt-braze: disable-file=unused-assign, json-unescaped %}"))
    assert r.suppressed() == []
    r = lint(_body(same="{% # rokt-braze: disable=all %}"), name="all.webhook.yaml")
    assert len(r.suppressed()) == 2


def test_other_rules_on_the_line_are_kept(lint: LintFn) -> None:
    r = lint("""
        url: https://example.com/
        body: '{% # rokt-braze: disable=array-output %}{"a": "{{ ${first_name} }}"}'
    """)
    assert [f.rule for f in r.suppressed()] == ["json-unescaped"]


def test_findings_from_any_stage_by_line(lint: LintFn) -> None:
    r = lint("""
        url: "{% # rokt-braze: disable=url-invalid %}http://example.com/"
        headers:
          Content-Type: text/plain
        body: |
          {% # rokt-braze: disable-next-line=rokt-timezone %}
          {"timezone": "Mars/Olympus"}
          {"other": 1}
          {% # rokt-braze: disable-file=rokt-event-id %}
    """)
    path = str(r.webhook.path)

    def at(rule: str, line: int) -> Finding:
        return finding(rule, "x", file=path, line=line, column=3, profile="p")

    staged = [
        at("url-invalid", 1), at("header-invalid", 3), at("rokt-timezone", 6),
        at("rokt-timezone", 7), at("rokt-event-id", 0), at("rokt-event-id", 7),
        at("render-error", 0),
        finding("url-invalid", "other file", file=path + ".other", line=1, column=1),
    ]
    kept = filter_suppressed(r.webhook, staged)
    assert [(f.rule, f.line, f.file == path) for f in kept] == [
        ("header-invalid", 3, True), ("rokt-timezone", 7, True), ("render-error", 0, True),
        ("url-invalid", 1, False),
    ]


def test_suppression_comments_trigger_no_other_rule(lint: LintFn) -> None:
    r = lint("""
        url: "{% # rokt-braze: disable=undefined-variable %}https://example.com/"
        body: |
          {% comment %}
          rokt-braze: disable-file=curly-quotes
          rokt-braze: disable-next-line=unused-assign
          “quoted” :basic_auth <Rokt-Calendar-API> {{ nope }} ${first_name}
          {% endcomment %}
          {}
    """)
    assert r.findings == []


def test_unknown_rule_names_and_unreadable_directives_are_warnings(lint: LintFn) -> None:
    r = lint("""
        url: https://example.com/
        body: |
          {% # rokt-braze: disable=json-unescapd, all %}
          {% # rokt-braze: disable %}
          {}
    """)
    found = r.of("unknown-tag")
    assert [(f.line, f.column) for f in found] == [r.at("json-unescapd"), r.at("disable %}")]
    assert all(f.severity == Severity.WARNING for f in found)
    assert "unknown rule 'json-unescapd'" in found[0].message
    assert "did you mean json-unescaped" in found[0].message
    assert "cannot read" in found[1].message


def test_a_comment_spanning_lines_covers_all_of_them(lint: LintFn) -> None:
    r = lint("""
        url: https://example.com/
        body: |
          {"a": "{{ ${first_name} }}"{% comment %}rokt-braze: disable=json-unescaped
          {% endcomment %}, "b": "{{ ${last_name} }}",
          "c": "{{ ${email_address} }}"}
    """)
    assert [(f.line, f.column) for f in r.suppressed()] == [r.at("${email_address}")]
