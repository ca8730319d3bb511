"""Target detection from the rendered URL, and the rokt-url rule ."""

from __future__ import annotations

import pytest
from rokt_samples import body, request

from rokt_braze.findings import Severity
from rokt_braze.targets import detect_target, validate
from rokt_braze.targets.rokt.url import CREATE, PREFIX, UPDATE, check_url

BASE = "https://api.roktcalendar.com/v1/subscriptionevent"


@pytest.mark.parametrize(
    ("url", "target"),
    [
        (f"{BASE}/brazetest", CREATE),
        (f"{BASE}/brazetest/update", UPDATE),
        (f"{BASE}/", CREATE),  # empty account code: detected so rokt-url can say so
        (f"{BASE}", CREATE),
        (f"{BASE}//update", UPDATE),
        (f"{BASE}/update", CREATE),  # an account code that happens to be "update"
        ("http://api.roktcalendar.com/v1/subscriptionevent/brazetest", CREATE),
        ("https://api.calreply.net/v1/subscriptionevent/brazetest/update", UPDATE),
        ("https://API.RoktCalendar.com/v1/subscriptionevent/brazetest", CREATE),
        (f"  {BASE}/brazetest\n", CREATE),
        (f"{BASE}/brazetest?x=1", CREATE),
        ("https://api.roktcalendar.com/oauth2/token", None),
        # any other path on the Rokt host is checked (rokt-url names the nearest route)
        ("https://api.roktcalendar.com/v1/subscriptionevents/brazetest", CREATE),
        ("https://api.roktcalendar.com/", CREATE),
        ("https://example.com/v1/subscriptionevent/brazetest", None),
        ("", None),
    ],
)
def test_detect_target(url: str, target: str | None) -> None:
    assert detect_target(url) == target


@pytest.mark.parametrize(
    ("url", "target"),
    [
        (f"{BASE}/brazetest", CREATE),
        (f"{BASE}/brazetest/update", UPDATE),
        (f"{BASE}/my-account-2", CREATE),
        ("https://api.roktcalendar.com:443/v1/subscriptionevent/brazetest", CREATE),
    ],
)
def test_valid_urls_are_quiet(url: str, target: str) -> None:
    assert check_url(url, target) == []


@pytest.mark.parametrize(
    ("url", "target", "at", "words", "severity"),
    [
        (f"{BASE}/", CREATE, len(BASE) + 1, "account code is empty", None),
        (f"{BASE}//update", UPDATE, len(BASE) + 1, "account code is empty", None),
        (f"{BASE}", CREATE, len(BASE), "account code missing", None),
        (f"{BASE}/brazetest/f5733866ade2", CREATE, len(BASE) + 10, "cannot succeed", None),
        (
            f"{BASE}/brazetest%2Ff5733866ade2/update",
            UPDATE,
            len(BASE) + 10,
            "suffix",
            None,
        ),
        ("https://api.roktcalendar.com:8443/v1/subscriptionevent/brazetest", CREATE, 28,
         "port 8443", None),
        ("https://api.roktcalendar.com/v1/subscriptionevents/brazetest", CREATE, 28,
         f"nearest: POST {PREFIX}/{{accountCode}}", None),
        ("https://api.roktcalendar.com/v2/subscription/acme/x/subscriptionevent/e1", CREATE, 28,
         "nearest: DELETE /v2/subscription/", None),
        (f"{BASE}/braze_test", CREATE, len(BASE) + 6, "'_'", Severity.WARNING),
        (
            "http://api.roktcalendar.com/v1/subscriptionevent/brazetest",
            CREATE,
            0,
            "HTTPS only",
            None,
        ),
        ("https://api.calreply.net/v1/subscriptionevent/brazetest", CREATE, 8, "Calreply", None),
        ("https://example.com/v1/subscriptionevent/brazetest", CREATE, 8, "is not api.rokt", None),
        (
            "https://api.roktcalendar.com/v2/subscriptionevent/brazetest",
            CREATE,
            28,
            "is not /v1/subscriptionevent",
            None,
        ),
        (f"{BASE}/brazetest/update", CREATE, len(BASE) + 10, "drop /update", None),
        (f"{BASE}/brazetest", UPDATE, len(BASE) + 10, "ends in /update", None),
        (f"{BASE}/brazetest/", CREATE, len(BASE) + 11, "unexpected path", None),
        (f"{BASE}/brazetest?token=1", CREATE, len(BASE) + 10, "unexpected '?'", None),
        ("not a url", CREATE, 0, "not the Rokt endpoint", None),
    ],
)
def test_rokt_url_problems(
    url: str, target: str, at: int, words: str, severity: Severity | None
) -> None:
    problems = check_url(url, target)
    assert len(problems) == 1, problems
    problem = problems[0]
    assert (problem.rule, problem.field, problem.offset) == ("rokt-url", "url", at)
    assert words in problem.message
    assert problem.severity == severity


def test_url_chars_that_are_already_url_invalid_are_not_reported_twice() -> None:
    url = f"{BASE}/braze test"
    problems = validate(request(body(), url=url), CREATE)
    assert [(p.rule, p.offset) for p in problems] == [("url-invalid", len(BASE) + 6)]


@pytest.mark.parametrize(
    ("url", "text", "target"),
    [
        (f"{BASE}/", body(), CREATE),
        (f"{BASE}//update", body(ids=None), UPDATE),
        ("http://api.roktcalendar.com/v1/subscriptionevent/brazetest", body(), CREATE),
    ],
)
def test_the_specific_rokt_url_problem_replaces_the_generic_one(
    url: str, text: str, target: str
) -> None:
    """The empty segment / http scheme is one defect: reported once, as rokt-url."""
    problems = validate(request(text, url=url), detect_target(url))
    assert [p.rule for p in problems] == ["rokt-url"]
    assert detect_target(url) == target
