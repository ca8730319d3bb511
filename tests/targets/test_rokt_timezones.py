"""The shipped time-zone data and what is suggested for a wrong id (Rokt's Timezones list)."""

from __future__ import annotations

import pytest

from rokt_braze.targets.rokt import timezones


def test_the_139_ids_load_and_each_maps_to_a_loadable_iana_zone() -> None:
    ids = timezones.timezone_ids()
    assert len(ids) == 139 == len(set(ids))
    assert ids[0] == "Dateline Standard Time"
    for windows_id in ids:
        assert timezones.zone_for(windows_id).key  # every CLDR zone resolves
    assert timezones.zone_for("Eastern Standard Time").key == "America/New_York"
    assert timezones.zone_for("India Standard Time").key == "Asia/Calcutta"  # CLDR legacy name


@pytest.mark.parametrize(
    "left_out",
    [
        "British Columbia Standard Time",
        "Alberta Standard Time",
        "Manitoba Standard Time",
        "Mid-Atlantic Standard Time",
    ],
)
def test_ids_the_list_leaves_out_are_rejected(left_out: str) -> None:
    verdict = timezones.check(left_out)
    assert verdict.zone_id is None and verdict.message


@pytest.mark.parametrize(
    ("value", "suggestion"),
    [
        ("America/New_York", "'Eastern Standard Time'"),
        ("America/Indiana/Indianapolis", "'US Eastern Standard Time'"),  # modern name
        ("Europe/Kyiv", "'FLE Standard Time'"),
        ("America/Toronto", "'Eastern Standard Time' (same UTC offsets)"),  # not a golden zone
        ("Etc/GMT+5", "'SA Pacific Standard Time'"),
        ("PST", "'Pacific Standard Time'"),
        ("GMT", "'UTC'"),
        ("UTC+00:00", "'UTC'"),
        ("UTC-08:00", "'UTC-08'"),
        ("UTC+5:30", "'India Standard Time'"),
        ("Pacific  Standard Time", "extra whitespace"),
        ("Nowhere Time", "such as 'Eastern Standard Time'"),
    ],
)
def test_suggestions(value: str, suggestion: str) -> None:
    verdict = timezones.check(value)
    assert verdict.zone_id is None and not verdict.case_only
    assert verdict.message is not None and suggestion in verdict.message


def test_case_only_mismatch_resolves_to_the_real_id() -> None:
    verdict = timezones.check("SA PACIFIC STANDARD TIME")
    assert (verdict.zone_id, verdict.case_only) == ("SA Pacific Standard Time", True)


@pytest.mark.parametrize("name", ["", "/etc/passwd", "../x", "Not/AZone", "America/New York"])
def test_iana_zone_refuses_non_names(name: str) -> None:
    assert timezones.iana_zone(name) is None


@pytest.mark.parametrize(("value", "replacement"), [
    ("America/New_York", "Eastern Standard Time"),      # an IANA name
    ("eastern standard time", "Eastern Standard Time"),  # case only
    ("Eastern  Standard Time", "Eastern Standard Time"),  # extra whitespace
    ("Easten Standard Time", "Eastern Standard Time"),  # a typo
    ("UTC+05:00", None),                                 # an offset names no place
    ("Narnia", None),
])
def test_the_replacement_a_fix_offers_is_the_id_the_message_names(
        value: str, replacement: str | None) -> None:
    verdict = timezones.check(value)
    assert verdict.replacement == replacement
    if replacement is not None:
        assert repr(replacement) in (verdict.message or "")
