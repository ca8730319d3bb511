"""rokt-token: the Bearer token of a Rokt request comes from a connected_content token call
in the same header, judged from the header's template source."""

from __future__ import annotations

from pathlib import Path

import pytest
from rokt_samples import body, request

import rokt_braze
from rokt_braze.targets import Origin, validate
from rokt_braze.targets.rokt import CREATE
from rokt_braze.targets.rokt.token import Verdict, token_origin

CALL = ("{% connected_content https://api.roktcalendar.com/oauth2/token :method post "
        ":basic_auth Rokt-Calendar-API :body grant_type=client_credentials :save token "
        ":retry %}")
STOCK = f"Bearer {CALL}{{{{token.access_token}}}}"


@pytest.mark.parametrize(
    "source",
    [
        STOCK,
        f"bearer {CALL}{{{{ token.access_token }}}}",  # any spacing, scheme in any case
        f"{CALL}Bearer {{{{token.access_token}}}}",  # the call before Bearer
        f"Bearer {CALL}{{% assign t = token.access_token %}}{{{{t}}}}",  # through an assign
        f"Bearer {CALL.replace(':save token ', '')}",  # no :save: the call's output itself
        f"Bearer {CALL}{{% # the token %}}{{{{token.access_token | strip}}}}",
        "{{ custom_attribute.${auth_header} }}",  # no Bearer in the text: undecided
        "Basic abc123",  # not a Bearer header: header-invalid's business
    ],
)
def test_a_token_from_the_call_or_an_undecided_source_is_quiet(source: str) -> None:
    assert token_origin(source) is None


@pytest.mark.parametrize(
    ("source", "verdict"),
    [
        ("Bearer abc123", Verdict("literal", "a fixed value")),
        ("Bearer <access_token>", Verdict("literal", "a placeholder")),
        ("Bearer [YOUR TOKEN]", Verdict("literal", "a placeholder")),
        ("Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig", Verdict("literal", "a JWT")),
        (f"Bearer {CALL} abc123", Verdict("literal", "a fixed value")),  # text after the call
        ("Bearer {% raw %}abc{% endraw %}", Verdict("literal", "a fixed value")),
        ("Bearer {{custom_attribute.${rokt_token}}}", Verdict("variable", "custom_attribute")),
        ("{% assign t = 'abc' %}Bearer {{t}}", Verdict("variable", "t")),
        # a variable another field's call saved: variables do not cross fields
        ("Bearer {{token.access_token}}", Verdict("variable", "token")),
        (f"Bearer {CALL}{{{{other.access_token}}}}", Verdict("variable", "other")),
    ],
)
def test_a_token_not_from_a_call_is_named(source: str, verdict: Verdict) -> None:
    assert token_origin(source) == verdict


def origin(header: str, name: str = "Authorization") -> Origin:
    return Origin(sources={f"header:{name}": header})


@pytest.mark.parametrize("name", ["Authorization", "authorization"])
def test_the_problem_points_at_the_token(name: str) -> None:
    req = request(body(), headers={name: "  Bearer abc123", "Content-Type": "application/json"})
    [problem] = validate(req, CREATE, origin("Bearer abc123", name))
    assert (problem.rule, problem.field, problem.offset) == ("rokt-token", f"header:{name}", 9)
    assert "a fixed value written into the template" in problem.message
    assert "five minutes" in problem.message and "abc123" not in problem.message


def test_without_an_origin_or_for_a_generic_target_nothing_is_judged() -> None:
    req = request(body(), headers={"Authorization": "Bearer abc123",
                                   "Content-Type": "application/json"})
    assert validate(req, CREATE) == []
    assert validate(req, None, origin("Bearer abc123")) == []  # another API's static key


def test_an_empty_token_is_header_invalid_only() -> None:
    req = request(body(), headers={"Authorization": "Bearer ", "Content-Type": "application/json"})
    assert [p.rule for p in validate(req, CREATE, origin("Bearer {{nothing}}"))] == [
        "header-invalid"]


WEBHOOK = """\
url: https://api.roktcalendar.com/v1/subscriptionevent/brazetest/Sale_{{${user_id}}}
method: DELETE
headers:
  Authorization: "Bearer <access_token>"
"""


def test_check_reports_it_at_the_token_in_the_file(tmp_path: Path) -> None:
    path = tmp_path / "x.webhook.yaml"
    path.write_text(WEBHOOK, encoding="utf-8")
    result = rokt_braze.check([path])
    [found] = [f for f in result.findings if f.rule == "rokt-token"]
    assert (found.line, found.column, found.field) == (4, 26, "header:Authorization")  # the <
    assert WEBHOOK.splitlines()[3][25] == "<"
    assert "a placeholder" in found.message
    stock = Path(__file__).resolve().parents[2] / "templates"
    assert not [f for f in rokt_braze.check([stock]).findings if f.rule == "rokt-token"]
