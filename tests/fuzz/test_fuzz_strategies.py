"""The profile strategies: realistic where Rokt fixes the format, loadable as profile files."""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from rokt_braze.fuzz.profile_file import profile_yaml
from rokt_braze.fuzz.search import draw_profiles
from rokt_braze.profiles import load_profiles
from rokt_braze.profiles.strategies import ODD_TIME_ZONES, profiles

READS = [
    ("custom_attribute", "rokt:account_code"),
    (None, "user_id"),
    ("custom_attribute", "rokt:subscription_id"),
    ("custom_attribute", "rokt:calendar_title"),
    ("custom_attribute", "favourite"),
    ("event_properties", "amount"),
    (None, "most_recent_locale"),
    (None, "not_a_braze_attribute"),
    ("no_such_namespace", "x"),
]
FAST = settings(max_examples=60, database=None, deadline=None, derandomize=True,
                suppress_health_check=list(HealthCheck))
CODE = re.compile(r"[A-Za-z0-9-]+/[0-9a-f]{12}")


def _each(value: Any) -> list[Any]:
    """An attribute's elements: the list itself, or the bare value standing in for one."""
    return value if isinstance(value, list) else [value]


@FAST
@given(profiles(READS))
def test_profiles_have_export_shape_and_keep_rokt_formats(data: dict[str, Any]) -> None:
    standard = {"external_id", "braze_id", "first_name", "last_name", "email", "phone",
                "home_city", "country", "language", "gender", "time_zone", "dob",
                "most_recent_locale"}
    assert set(data) <= standard | {"custom_attributes", "event_properties"}
    custom = data.get("custom_attributes", {})
    assert set(custom) <= {"rokt:account_code", "rokt:subscription_id", "rokt:calendar_title",
                           "favourite"}
    assert set(data.get("event_properties", {})) <= {"amount"}
    ids = custom.get("rokt:subscription_id")
    if ids is not None:
        guids = _each(ids)
        assert all(str(uuid.UUID(g)) == g for g in guids)
        assert len(set(guids)) == len(guids)
    codes = custom.get("rokt:account_code")
    if codes is not None:
        assert all(CODE.fullmatch(c) for c in _each(codes))
    titles = custom.get("rokt:calendar_title")
    if titles is not None:
        assert all(re.search(r"/[0-9a-f]{12}\Z", t) for t in _each(titles))


@FAST
@given(profiles(READS))
def test_every_profile_survives_the_trip_through_a_profile_file(
    tmp_path_factory: pytest.TempPathFactory, data: dict[str, Any]
) -> None:
    path = tmp_path_factory.getbasetemp() / "roundtrip.yaml"
    path.write_text(profile_yaml(data, ["a comment\nwith a line break"]), "utf-8")
    [profile] = load_profiles(path)
    assert profile.data == data


@pytest.mark.parametrize("text", ["0o17", "1e5", "yes", "null", "~", "True", "0x1F", "12:30",
                                  "2024-01-01", "\x85", "a\u2028b", "\ufeff", " ", "", "\x00"])
def test_strings_that_yaml_would_retype_stay_strings(tmp_path: Path, text: str) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(profile_yaml({"external_id": text, "custom_attributes": {"k": [text]}}),
                    "utf-8")
    [profile] = load_profiles(path)
    assert profile.data == {"external_id": text, "custom_attributes": {"k": [text]}}


def test_the_strategy_draws_the_hostile_cases_it_promises() -> None:
    """Over a fixed sample, each kind of trouble the fuzzer exists for shows up."""
    seen: dict[str, bool] = dict.fromkeys(
        ["quote", "backslash", "control", "non-ascii", "huge", "string-for-array", "empty-array",
         "missing", "odd-zone"], False)
    reads = [(None, "user_id"), ("custom_attribute", "rokt:subscription_id")]
    for data in draw_profiles(profiles(reads), 300, seed=1):
        user = data.get("external_id", "")
        seen["quote"] |= '"' in user
        seen["backslash"] |= "\\" in user
        seen["control"] |= any(ord(c) < 0x20 for c in user)
        seen["non-ascii"] |= any(ord(c) > 0x7F for c in user)
        seen["huge"] |= len(user) >= 1000
        ids = data.get("custom_attributes", {}).get("rokt:subscription_id", ...)
        seen["string-for-array"] |= isinstance(ids, str)
        seen["empty-array"] |= ids == []
        seen["missing"] |= ids is ...
        seen["odd-zone"] |= data.get("time_zone") in ODD_TIME_ZONES[3:]
    assert [kind for kind, hit in seen.items() if not hit] == []


def test_draws_depend_on_the_seed_only() -> None:
    strategy = profiles([(None, "user_id")])
    assert draw_profiles(strategy, 30, seed=4) == draw_profiles(strategy, 30, seed=4)
    assert draw_profiles(strategy, 30, seed=4) != draw_profiles(strategy, 30, seed=5)
