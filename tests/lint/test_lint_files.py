# ruff: noqa: E501 - template lines are kept verbatim
"""Whole files: the stock templates, many problems at once, broken fields, text rules."""

from __future__ import annotations

from pathlib import Path

from rokt_braze.findings import Finding
from rokt_braze.lint import lint_webhook
from rokt_braze.webhook import load_webhook

from .helpers import LintFn

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def _position(text: str, needle: str) -> tuple[int, int]:
    index = text.index(needle)
    return text.count("\n", 0, index) + 1, index - text.rfind("\n", 0, index)


def test_stock_templates_report_only_their_unescaped_user_data() -> None:
    found: set[tuple[str, str, int, int, str]] = set()
    expected: set[tuple[str, str, int, int, str]] = set()
    for path in sorted(TEMPLATES.glob("*.webhook.yaml")):
        text = path.read_text(encoding="utf-8")
        for f in lint_webhook(load_webhook(path)):
            found.add((path.name, f.rule, f.line, f.column, f.field))
        # eventId's {{${user_id}}} in both; the joined subscriptionIds on create only
        expected.add((path.name, "json-unescaped", *_position(text, "${user_id}"), "body"))
        if '"subscriptionIds":' in text:
            expected.add((path.name, "json-unescaped",
                          *_position(text, "custom_attribute.${rokt:subscription_id}"), "body"))
    assert {p.name for p in TEMPLATES.glob("*.webhook.yaml")} == {
        "rokt-create-event.webhook.yaml", "rokt-update-event.webhook.yaml"
    }
    assert found == expected and len(found) == 3


def test_every_problem_of_a_file_is_reported(lint: LintFn) -> None:
    r = lint("""
        url: "https://example.com/{{ account | lstrip }}"
        headers:
          Authorization: "Bearer {% connected_content https://a.example/t :method delete :save t %}{{ t.token }}"
        body: |
          {% assign unused = 1 %}
          {"name": "{{ ${first_name} }}", "tags": "{{ custom_attribute.${rokt:tags} | json_escape }}",
           "list": {{ custom_attribute.${rokt:tags} }}, "who": "{{ who | nofilter }}"}
    """)
    assert sorted((f.rule, f.line, f.column) for f in r.findings) == sorted([
        ("undefined-variable", *r.at("account")),
        ("unknown-filter", *r.at("lstrip")),
        ("connected-content", *r.at("delete")),
        ("unused-assign", *r.at("unused")),
        ("json-unescaped", *r.at("${first_name}")),
        ("array-output", *r.at("custom_attribute.${rokt:tags} }}")),
        ("undefined-variable", *r.at("who |")),
        ("unknown-filter", *r.at("nofilter")),
    ])


def test_a_field_that_does_not_parse_gets_only_text_rules(lint: LintFn) -> None:
    r = lint("""
        url: "https://example.com/{% if x %}{{ undefined_here | nofilter }}"
        headers:
          Authorization: "Bearer {% connected_content https://a.example/t :method post :basic_auth <Rokt-Calendar-API> :save t %}{{ t.x }}{% if %}"
        body: |
          {% assign s = ‘broken’ %}{{ s }}{{ also_undefined }}
    """)
    assert [(f.rule, f.line, f.column) for f in r.findings] == [
        ("placeholder-credential", *r.at("<Rokt")),
        ("curly-quotes", *r.at("‘")),
        ("curly-quotes", *r.at("’")),
    ]


def test_text_rules_ignore_comments_and_raw(lint: LintFn) -> None:
    r = lint("""
        url: https://example.com/
        body: |
          {% comment %}was :basic_auth <Rokt-Calendar-API> with “quotes”{% endcomment %}
          {% raw %}{{ “raw” }}{% endraw %}{% # it’s fine %}
          {"t": "it’s “typographic” text"}
    """)
    assert r.findings == []


def test_liquid_file_positions_are_in_the_file(lint: LintFn) -> None:
    r = lint("line one\n  {{ nope }}\n", name="t.liquid")
    assert r.where("undefined-variable") == [(2, 6)] == [r.at("nope")]
    assert all(isinstance(f, Finding) and f.field == "body" for f in r.findings)
