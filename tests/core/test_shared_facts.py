"""The facts every layer shares, each defined once: ISO 8601, Windows zones, redaction."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from rokt_braze import secrets
from rokt_braze.fakes.rokt.dates import parse_local
from rokt_braze.iso8601 import parse_iso
from rokt_braze.profiles.times import parse_time
from rokt_braze.targets.rokt.rules import parse_datetime
from rokt_braze.windows_zones import iana_name, windows_to_iana


def test_windows_table_is_icalendars() -> None:
    olson = pytest.importorskip("icalendar.timezone.windows_to_olson")
    assert windows_to_iana() == olson.WINDOWS_TO_OLSON


def test_windows_lookup_case() -> None:
    assert iana_name("Eastern Standard Time") == "America/New_York"
    assert iana_name("eastern standard time") is None
    assert iana_name(" eastern STANDARD time ", ignore_case=True) == "America/New_York"
    assert iana_name("America/New_York", ignore_case=True) is None


@pytest.mark.parametrize(
    ("text", "local", "suffix"),
    [
        ("2019-02-21T15:00:00", datetime(2019, 2, 21, 15), ""),
        ("2019-02-21T15:00", datetime(2019, 2, 21, 15), ""),
        ("2019-02-21T15:00:00.1234567Z", datetime(2019, 2, 21, 15, 0, 0, 123456), "Z"),
        ("2019-02-21T15:00:00+05:30", datetime(2019, 2, 21, 15), "+05:30"),
        ("2019-02-21T15:00:00-0800", datetime(2019, 2, 21, 15), "-0800"),
    ],
)
def test_strict_accepts_the_extended_format(text: str, local: datetime, suffix: str) -> None:
    stamp = parse_iso(text)
    assert (stamp.local, stamp.suffix, stamp.has_time) == (local, suffix, True)


@pytest.mark.parametrize(
    "text",
    ["2019-02-21 15:00:00", "2019-02-21", "2019-02-21T15:00:00 UTC", "2019-02-21t15:00",
     "2019-02-21T15:00:00,5", "21/02/2019", ""],
)
def test_strict_refuses_lax_forms(text: str) -> None:
    with pytest.raises(ValueError, match="not an ISO 8601 date-time"):
        parse_iso(text)


def test_impossible_dates_say_so() -> None:
    with pytest.raises(ValueError, match="not a real date"):
        parse_iso("2019-02-30T10:00:00")
    with pytest.raises(ValueError, match="not a real date"):
        parse_iso("2019-02-10 25:00", strict=False)


def test_lax_forms_and_offsets() -> None:
    stamp = parse_iso("2021-06-03 17:13:41:123 utc", strict=False)
    assert stamp.local == datetime(2021, 6, 3, 17, 13, 41, 123000)
    assert stamp.offset() == timezone.utc
    assert parse_iso("2021-06-03T10:00-02:30", strict=False).offset() == timezone(
        -timedelta(hours=2, minutes=30))
    assert parse_iso("2021-06-03T10:00", strict=False).offset() is None
    with pytest.raises(ValueError):
        parse_iso("2021-06-03", strict=False)  # a date alone only when asked
    assert not parse_iso("2021-06-03", strict=False, date_only=True).has_time


def test_every_layer_reads_dates_through_the_one_parser() -> None:
    """The validator is strict, the fake and profile times lax: same parser, same answers."""
    text = "2019-02-21T15:00:00+01:00"
    assert parse_datetime(text) == parse_iso(text)
    assert parse_local(text) == datetime(2019, 2, 21, 15)
    assert parse_local("2019-02-21") == datetime(2019, 2, 21)
    assert parse_local("2019-02-30T10:00") is None
    time = parse_time(text)
    assert time is not None and time == datetime(2019, 2, 21, 14, tzinfo=timezone.utc)
    assert parse_time("2019-02-21") is None
    assert parse_time("2019-02-21", date_only=True) == datetime(2019, 2, 21, tzinfo=timezone.utc)
    assert parse_time("02/21/2019", us_date=True) == datetime(2019, 2, 21, tzinfo=timezone.utc)
    assert parse_time("02/30/2019", us_date=True) is None


def test_one_marker_for_reports_and_fakes() -> None:
    marker = secrets.REDACTED
    assert secrets.redact_header("Authorization", "Bearer abc.def") == f"Bearer {marker}"
    assert secrets.redact_header("Set-Cookie", "sid=1") == marker
    assert secrets.redact_header("Content-Type", "application/json") == "application/json"
    # a scheme with no credential after it hides nothing: shown as is, so a failed token
    # call's 'Bearer' is not printed as if a secret were there
    assert secrets.redact_header("Authorization", "Bearer") == "Bearer"
    assert secrets.redact_header("Authorization", "Bearer ") == "Bearer "
    assert secrets.redact_header("Authorization", "s3cretletters") == marker  # no scheme
    assert secrets.redact_form("grant_type=client_credentials&client_secret=s3cr3t") == (
        f"grant_type=client_credentials&client_secret={marker}")
    assert secrets.redact_params("GET /cb?code=xyz&state=1") == f"GET /cb?code={marker}&state=1"
    assert secrets.redact("token abcd in text", ["abcd"]) == f"token {marker} in text"
