# ruff: noqa: E501 - template lines are kept verbatim
"""json-unescaped and array-output."""

from __future__ import annotations

from rokt_braze.findings import Severity

from .helpers import LintFn


def test_attribute_in_a_json_string(lint: LintFn) -> None:
    r = lint("""
        url: https://example.com/
        body: |
          {"name": "{{ ${first_name} }}", "n": {{ ${first_name} | size }}, "raw": {{ ${last_name} }}}
    """)
    [f] = r.of("json-unescaped")
    assert (f.line, f.column) == r.at("${first_name}")
    assert f.severity == Severity.WARNING and f.field == "body"
    assert "${first_name}" in f.message and "json_escape" in f.message


def test_user_data_through_variables_captures_and_calls(lint: LintFn) -> None:
    r = lint("""
        url: https://example.com/
        body: |
          {% assign name = ${first_name} | upcase %}{% capture full %}{{ name }} {{ ${last_name} }}{% endcapture %}
          {% connected_content https://api.example.com/p :save profile %}
          {% for tag in custom_attribute.${tags} %}{% endfor %}
          {
            "a": "{{ name }}",
            "b": "Dear {{ full }}!",
            "c": "{{ profile.city }}",
            "d": "{{ 'x' | append: ${email_address} }}"
          }
    """)
    assert r.where("json-unescaped") == [
        r.at("name }}\","), r.at("full }}"), r.at("profile.city"), r.at("${email_address}")
    ]


def test_escaped_and_non_user_values_are_quiet(lint: LintFn) -> None:
    r = lint("""
        url: https://example.com/
        body: |
          {% capture title %}Summer "Sale"{% endcapture %}{% assign safe = ${first_name} | json_escape %}
          {
            "a": "{{ ${first_name} | json_escape }}",
            "b": "{{ safe }}",
            "c": "{{ title }}",
            "d": "{{ ${email_address} | url_param_escape }}",
            "e": "{{ ${user_id} | sha2 }}",
            "f": "quote \\" then {{ 'literal' }}",
            "g": {{ ${random_bucket_number} | plus: 0 }}
          }
    """)
    assert r.of("json-unescaped") == []


def test_escaped_quote_in_literal_text_keeps_the_string_open(lint: LintFn) -> None:
    r = lint(r"""
        url: https://example.com/
        body: '{"a": "say \" {{ ${first_name} }}"}'
    """)
    assert r.where("json-unescaped") == [r.at("${first_name}")]


def test_join_building_a_json_array_of_strings(lint: LintFn) -> None:
    r = lint("""
        url: https://example.com/
        body: |
          {"ids": ["{{custom_attribute.${rokt:subscription_id}| join: '","'  }}"]}
    """)
    [f] = r.of("json-unescaped")
    assert (f.line, f.column) == r.at("custom_attribute")
    assert "joined into a JSON array" in f.message and "for loop" in f.message
    assert r.of("array-output") == []


def test_for_loop_with_json_escape_builds_the_array_safely(lint: LintFn) -> None:
    r = lint("""
        url: https://example.com/
        body: |
          {"ids": [{% for id in custom_attribute.${rokt:subscription_id} %}"{{ id | json_escape }}"{% unless forloop.last %},{% endunless %}{% endfor %}],
           "bad": [{% for id in custom_attribute.${rokt:subscription_id} %}"{{ id }}"{% endfor %}]}
    """)
    assert r.where("json-unescaped") == [r.at("id }}")]
    assert "id (user data)" in r.of("json-unescaped")[0].message


def test_only_json_bodies_are_scanned(lint: LintFn) -> None:
    form = lint("""
        url: https://example.com/
        body: 'name="{{ ${first_name} }}"&x=1'
    """)
    assert form.of("json-unescaped") == []
    declared = lint("""
        url: https://example.com/
        headers:
          Content-Type: application/json; charset=utf-8
        body: '"{{ ${first_name} }}"'
    """, name="declared.webhook.yaml")
    assert declared.where("json-unescaped") == [declared.at("${first_name}")]
    undeclared = lint("""
        url: https://example.com/
        body: '"{{ ${first_name} }}"'
    """, name="undeclared.webhook.yaml")
    assert undeclared.of("json-unescaped") == []


def test_json_capture_is_scanned_on_its_own(lint: LintFn) -> None:
    r = lint("""
        url: https://example.com/
        body: |
          {% capture post %}{"q": "{{ ${first_name} }}", "ok": "{{ ${last_name} | json_escape }}"}{% endcapture %}
          {% connected_content https://api.example.com/s :method post :body {{ post }} :save s %}
          plain text {{ s.id | json_escape }}
    """)
    assert r.where("json-unescaped") == [r.at("${first_name}")]


def test_header_fields_are_not_json_bodies(lint: LintFn) -> None:
    r = lint("""
        url: https://example.com/
        headers:
          X-Name: '"{{ ${first_name} }}"'
        body: '{}'
    """)
    assert r.of("json-unescaped") == []


def test_rokt_attribute_output_whole(lint: LintFn) -> None:
    r = lint("""
        url: https://example.com/
        body: |
          {{ custom_attribute.${rokt:tags} }}|{{ custom_attribute.${rokt:tags} | uniq }}
          {{ custom_attribute.${rokt:tags} | join: ',' }}|{{ custom_attribute.${rokt:tags}[0] }}
          {{ custom_attribute.${rokt:tags}.size }}|{{ custom_attribute.${rokt:tags} | size }}
    """)
    assert r.where("array-output") == [
        r.at("custom_attribute"), r.at("custom_attribute", nth=1)
    ]
    [f, _] = r.of("array-output")
    assert f.severity == Severity.WARNING and "Rokt writes it as an array" in f.message


def test_array_evidence_from_the_same_webhook(lint: LintFn) -> None:
    r = lint("""
        url: "https://example.com/{{ custom_attribute.${codes}[0] }}"
        body: |
          {% assign favs = custom_attribute.${favs} %}{% for f in favs %}{% endfor %}
          {% assign joined = custom_attribute.${pets} | join: ', ' %}{{ joined }}
          {{ custom_attribute.${codes} }} {{ favs }} {{ custom_attribute.${pets} }}
          {{ custom_attribute.${name} }}
    """)
    assert r.where("array-output") == [
        r.at("custom_attribute.${codes} }}"), r.at("favs }}"), r.at("custom_attribute.${pets} }}")
    ]
    assert "used as an array elsewhere" in r.of("array-output")[0].message
