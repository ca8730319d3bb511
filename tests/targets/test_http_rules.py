"""Generic request rules: url-invalid, method-invalid, header-invalid, body-json-invalid."""

from __future__ import annotations

import pytest
from rokt_samples import CREATE_URL, STOCK_CREATE, request

from rokt_braze.findings import Severity
from rokt_braze.request import RenderedRequest
from rokt_braze.targets import Problem, validate
from rokt_braze.targets.http import GENERIC, check_body, check_headers, check_method, check_url
from rokt_braze.targets.rokt import CONTRACT


def only(problems: list[Problem]) -> Problem:
    assert len(problems) == 1, problems
    return problems[0]


@pytest.mark.parametrize(
    ("url", "at", "words"),
    [
        ("", 0, "empty"),
        ("api.example.com/hook", 0, "not absolute"),
        ("/v1/subscriptionevent/x", 0, "not absolute"),
        ("http://example.com/hook", 0, "https"),
        ("https:///hook", 8, "no host"),
        ("\nhttps://example.com/hook", 0, "starts with whitespace"),
        ("https://example.com/hook ", 24, "ends with whitespace"),
        ("https://example.com/a b", 21, "' '"),
        ("https://example.com/{{code}}", 20, "'{'"),
        ("https://example.com/café", 23, "'é'"),
        ("https://example.com/a//b", 22, "empty segment"),
    ],
)
def test_url_invalid(url: str, at: int, words: str) -> None:
    problem = only(check_url(url))
    assert (problem.rule, problem.field, problem.offset) == ("url-invalid", "url", at)
    assert words in problem.message


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/hook",
        "https://example.com/",
        "https://example.com:8443/a/b?c=1&d=%20#f",
        CREATE_URL,
    ],
)
def test_url_valid(url: str) -> None:
    assert check_url(url) == []


def test_method_generic_and_rokt() -> None:
    assert check_method("GET", GENERIC) == []
    assert check_method("POST", CONTRACT) == []
    for method, contract in (("PUT", CONTRACT), ("post", CONTRACT), ("FETCH", GENERIC)):
        problem = only(check_method(method, contract))
        assert (problem.rule, problem.field, problem.offset) == ("method-invalid", "method", 0)
    assert "use POST" in check_method("PUT", CONTRACT)[0].message


@pytest.mark.parametrize(
    ("value", "at", "words", "severity"),
    [
        ("Bearer ", 7, "empty token", None),
        ("Bearer", 6, "empty token", None),
        ("Basic dXNlcjpwYXNz", 0, "'Basic'", None),
        ("Portador abc123", 0, "translated", None),
        ("Porteur abc123", 0, "translated", None),
        ("Bearer abc 123", 10, "whitespace", None),
        ("", 0, "empty", None),
        ("Bearer abc\r\nX-Evil: 1", 10, "one line", None),
    ],
)
def test_authorization_under_the_rokt_contract(
    value: str, at: int, words: str, severity: Severity | None
) -> None:
    req = request("{}", headers={"Authorization": value, "Content-Type": "application/json"})
    problem = only(check_headers(req, CONTRACT))
    assert (problem.rule, problem.field, problem.offset) == (
        "header-invalid",
        "header:Authorization",
        at,
    )
    assert words in problem.message
    assert problem.severity == severity


@pytest.mark.parametrize("value", ["Bearer abc123", "  Bearer abc.def-ghi_~+/=  ",
                                   "bearer abc123", "BEARER abc123"])
def test_authorization_valid(value: str) -> None:
    req = request("{}", headers={"Authorization": value, "Content-Type": "application/json"})
    assert check_headers(req, CONTRACT) == []


def test_generic_contract_only_flags_an_empty_token() -> None:
    basic = request("{}", headers={"Authorization": "Basic dXNlcjpwYXNz"})
    assert check_headers(basic, GENERIC) == []  # another API may well use Basic
    empty = only(check_headers(request("{}", headers={"authorization": "Bearer "}), GENERIC))
    assert (empty.field, empty.offset) == ("header:authorization", 7)  # spelled as sent


def test_missing_content_type_is_a_warning() -> None:
    problem = only(check_headers(request("{}", headers={"Authorization": "Bearer t"}), CONTRACT))
    assert (problem.rule, problem.field, problem.severity) == (
        "header-invalid", "header:Content-Type", Severity.WARNING)
    assert "Content-Type header is missing" in problem.message


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("application/json", True),
        ("application/json; charset=utf-8", True),
        ('Application/JSON;charset="UTF-8"', True),
        ("text/plain", False),
        ("application/x-www-form-urlencoded", False),
        ("application/json; boundary=x", False),
    ],
)
def test_content_type(value: str, ok: bool) -> None:
    req = request("{}", headers={"Authorization": "Bearer t", "Content-Type": value})
    problems = check_headers(req, CONTRACT)
    assert problems == [] if ok else [p.field for p in problems] == ["header:Content-Type"]


def test_missing_headers_are_reported_under_their_canonical_names() -> None:
    problems = check_headers(request("{}", headers={}), CONTRACT)
    assert [(p.rule, p.field, p.offset) for p in problems] == [
        ("header-invalid", "header:Authorization", -1),
        ("header-invalid", "header:Content-Type", -1),
    ]
    assert check_headers(request("{}", headers={}), GENERIC) == []


def test_header_name_must_be_a_token() -> None:
    req = request(
        "{}",
        headers={
            "Authorization": "Bearer t",
            "Content-Type": "application/json",
            "Corps de la demande": "application/json",
        },
    )
    problem = only(check_headers(req, CONTRACT))
    assert problem.field == "header:Corps de la demande"
    assert "not a valid HTTP header name" in problem.message


@pytest.mark.parametrize(
    ("text", "at", "words"),
    [
        ("", 0, "empty"),
        ("\n\n  \n", 0, "empty"),
        ('\n\n{"title": "Say "hi""}', 18, "json_escape"),  # at the h: the string ended early
        ('{"title": "two\nlines"}', 14, "line break"),
        ('{"a": 1,}', 8, "Expecting property name"),
        ('{"a": 1}\n{"b": 2}', 9, "Extra data"),
        ("\n\n[1, 2]", 2, "JSON array; expected a JSON object"),
        ('"text"', 0, "JSON string; expected"),
    ],
)
def test_body_json_invalid(text: str, at: int, words: str) -> None:
    problems, doc = check_body(request(text), CONTRACT)
    problem = only(problems)
    assert (problem.rule, problem.field, problem.offset) == ("body-json-invalid", "body", at)
    assert words in problem.message
    assert doc is None


def test_body_leading_newlines_from_captures_are_fine() -> None:
    problems, doc = check_body(request(STOCK_CREATE), CONTRACT)
    assert problems == []
    assert doc is not None and doc.value_offset(()) == 9


def test_generic_body_is_parsed_only_when_declared_json() -> None:
    plain = RenderedRequest("POST", "https://example.com/h", {"Content-Type": "text/plain"}, "hi")
    assert check_body(plain, GENERIC) == ([], None)
    declared = RenderedRequest(
        "POST", "https://example.com/h", {"Content-Type": "application/vnd.api+json"}, "{oops"
    )
    assert only(check_body(declared, GENERIC)[0]).rule == "body-json-invalid"
    array = RenderedRequest(
        "POST", "https://example.com/h", {"Content-Type": "application/json"}, "[1]"
    )
    assert check_body(array, GENERIC)[0] == []  # any JSON value will do generically


def test_validate_without_target_runs_the_generic_rules_only() -> None:
    req = RenderedRequest("PUT", "http://example.com/x", {"Authorization": "Basic abc"}, "x")
    assert [p.rule for p in validate(req, None)] == ["url-invalid"]
