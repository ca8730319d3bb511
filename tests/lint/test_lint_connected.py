# ruff: noqa: E501 - template lines are kept verbatim
"""connected-content: calls that parse but Braze would not make as written."""

from __future__ import annotations

import pytest

from rokt_braze.findings import Severity
from rokt_braze.pipeline import Pipeline

from .helpers import LintFn


def test_method_other_than_get_or_post(lint: LintFn) -> None:
    r = lint("""
        url: https://example.com/
        headers:
          X-A: "{% connected_content https://api.example.com/a :method PUT :save a %}{{ a.v }}"
    """)
    [f] = r.of("connected-content")
    assert (f.line, f.column) == r.at("PUT")
    assert f.severity == Severity.ERROR and f.field == "header:X-A"
    assert "GET and POST only, not PUT" in f.message


def test_url_problems(lint: LintFn) -> None:
    r = lint("""
        url: https://example.com/
        body: |
          {% connected_content [https://example.com/webservice.json] :cache_max_age 900 %}
          {% connected_content ftp://files.example.com/x %}
          {% connected_content https://api.example.com:8443/x %}
          {% connected_content {{ base }}/x %}{% connected_content HTTPS://api.example.com:443/x %}
          {% connected_content http://127.0.0.1:8765/x %}{% connected_content http://localhost:8080/y %}
    """)
    assert r.where("connected-content") == [
        r.at("[https"), r.at("ftp://"), r.at("8443")
    ]
    messages = [f.message for f in r.of("connected-content")]
    assert "documentation artefact" in messages[0]
    assert "http:// or https://" in messages[1]
    assert "ports 80 and 443" in messages[2]


def test_cache_max_age_range_and_legacy_cache(lint: LintFn) -> None:
    r = lint("""
        url: https://example.com/
        body: |
          {% connected_content https://a.example/1 :cache_max_age 60 %}
          {% connected_content https://a.example/2 :cache_max_age 14401 %}
          {% connected_content https://a.example/3 :cache_max_age 5m %}
          {% connected_content https://a.example/4 :cache_max_age 300 %}{% connected_content https://a.example/5 :cache_max_age 14400 %}
          {% connected_content https://a.example/6 :cache 600 %}
    """)
    assert r.where("connected-content") == [
        r.at("60 "), r.at("14401"), r.at("5m"), r.at("600")
    ]
    found = r.of("connected-content")
    assert "outside Braze's range 300..14400" in found[0].message
    assert "whole number" in found[2].message
    assert found[3].severity == Severity.WARNING and ":cache_max_age" in found[3].message


def test_body_without_post_headers_json_and_repeated_options(lint: LintFn) -> None:
    r = lint("""
        url: https://example.com/
        body: |
          {% connected_content https://a.example/1 :body a=b %}
          {% connected_content https://a.example/2 :method post :headers {"A":"1",} %}
          {% connected_content https://a.example/4 :save x :save y %}{{ y }}
          {% connected_content https://a.example/5 :method post :body a=b :headers {"A": "{{ x.t }}"} %}
    """)
    assert r.where("connected-content") == [
        r.at(":body"), r.at('"1",}', shift=4),  # where the JSON breaks
        r.at(":save y")
    ]
    messages = [f.message for f in r.of("connected-content")]
    assert messages[0] == ":body is only sent with :method post"
    assert messages[1].startswith(":headers is not valid JSON")
    assert messages[2] == "option :save is given twice"


def test_saved_variable_read_in_another_field(lint: LintFn) -> None:
    r = lint("""
        url: https://example.com/
        headers:
          Authorization: "Bearer {% connected_content https://a.example/token :method post :save token %}{{ token.access_token }}"
        body: |
          {% connected_content https://a.example/me %}
          {"t": "{{ token.access_token | json_escape }}"}
        """)
    [f] = r.of("connected-content")
    assert (f.line, f.column) == r.at("token.access_token", nth=1)
    assert f.field == "body" and "saved by connected_content in the header:Authorization" in f.message
    assert r.of("undefined-variable") == []  # reported once, by connected-content


def test_malformed_markup_is_left_to_the_parse_error(lint: LintFn) -> None:
    r = lint("""
        url: https://example.com/
        body: '{% connected_content https://a.example :method post :body {"a": "b"} %}'
    """)
    assert r.findings == []
    [syntax] = list(Pipeline(r.webhook).template_findings())
    assert syntax.rule == "connected-content" and "no spaces" in syntax.message


def test_well_formed_calls_are_quiet(lint: LintFn) -> None:
    r = lint("""
        url: https://example.com/
        headers:
          Authorization: "Bearer {% connected_content https://api.roktcalendar.com/oauth2/token :method post :basic_auth Rokt-Calendar-API :body grant_type=client_credentials :save token :retry %}{{token.access_token}}"
        body: |
          {% connected_content https://a.example/u?e={{ ${email_address} | url_param_escape }} :headers {"Accept": "application/json"} :cache_max_age 900 :save u %}
          {% connected_content https://a.example/p :method post :content_type application/json :body {"a":"{{ u.id | json_escape }}"} :no_cache :save p %}
          {"p": "{{ p.v | json_escape }}"}
    """)
    assert r.findings == []


@pytest.mark.parametrize("placeholder", ["{insert credential}", "<Rokt Calendar API>",
                                         "[YOUR CREDENTIAL]"])
def test_placeholder_credential_with_spaces(lint: LintFn, placeholder: str) -> None:
    r = lint(f"""
        url: https://example.com/
        headers:
          Authorization: "Bearer {{% connected_content https://api.roktcalendar.com/oauth2/token :method post :basic_auth {placeholder} :save token %}}{{{{ token.access_token }}}}"
    """)
    [f] = r.of("placeholder-credential")
    assert (f.line, f.column) == r.at(placeholder)


def test_grant_type_placeholder(lint: LintFn) -> None:
    r = lint("""
        url: https://example.com/
        headers:
          Authorization: "Bearer {% connected_content https://api.roktcalendar.com/oauth2/token :method post :basic_auth rokt_calendar :body grant_type=[YOUR_CREDENTIALS] :save token :retry %}{{ token.access_token }}"
    """)
    [f] = r.of("placeholder-credential")
    assert (f.line, f.column) == r.at("[YOUR_CREDENTIALS]")
    assert "grant_type=client_credentials" in f.message


def test_liquid_output_as_credential_is_not_a_placeholder(lint: LintFn) -> None:
    r = lint("""
        url: https://example.com/
        headers:
          Authorization: "Bearer {% connected_content https://a.example/t :method post :basic_auth {{cred}} :save token %}{{ token.access_token }}"
    """)
    assert r.of("placeholder-credential") == []


def test_placeholder_credential_from_the_docs(lint: LintFn) -> None:
    r = lint("""
        url: https://example.com/
        headers:
          Authorization: "Bearer {% connected_content https://api.roktcalendar.com/oauth2/token :method post :basic_auth <Rokt-Calendar-API> :save token %}{{ token.access_token }}"
          X-Other: "{% connected_content https://a.example/x :auth_credentials my_saved_credential :save o %}{{ o.v }}"
    """)
    [f] = r.findings
    assert (f.rule, f.line, f.column) == ("placeholder-credential", *r.at("<Rokt"))
    assert "e.g. Rokt-Calendar-API" in f.message and f.field == "header:Authorization"
