"""Braze filters, rendered through a real python-liquid Environment.

Expected values come from Braze's docs (the filter reference), from standards (RFC 2202 / 4231
HMAC vectors, Rails' documented `number_with_delimiter` examples, tz database offsets) or from
an independent implementation (hashlib, Python's C-library strftime, `json.loads`,
`urllib.parse.unquote`, Python's `{:,}` formatting).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import time
from typing import Any
from urllib.parse import unquote

import liquid
import pytest
from hypothesis import given
from hypothesis import strategies as st
from liquid.exceptions import FilterArgumentError, LiquidError, UnknownFilterError

from rokt_braze.braze.filters import (
    BRAZE_FILTERS,
    UNSUPPORTED_FILTERS,
    BrazeTime,
    register_filters,
    ruby_strftime,
    ruby_time_string,
)
from rokt_braze.braze.filters.json import json_escape
from rokt_braze.braze.filters.url import url_escape, url_param_escape

UTC = dt.timezone.utc
# The date Braze's filter docs use: `2021-06-03 17:13:41 UTC` (a Thursday).
DOC_TIME = dt.datetime(2021, 6, 3, 17, 13, 41, tzinfo=UTC)
DOC_EPOCH = int(DOC_TIME.timestamp())


def make_env(clock: dt.datetime | None = DOC_TIME) -> liquid.Environment:
    env = liquid.Environment()
    if clock is None:
        register_filters(env)
    else:
        register_filters(env, clock=lambda: clock)
    return env


ENV = make_env()


def render(source: str, env: liquid.Environment = ENV, **data: Any) -> str:
    return env.from_string(source).render(**data)


# --- Braze's documented examples (advanced_filters.md / filters.md) -------------------------

DOC_VECTORS = [
    ("{{'hey' | md5}}", "6057f13c496ecf7fd777ceb9e79ae285"),
    ("{{'hey' | sha1}}", "7f550a9f4c44173a37664d938f1355f0f92a47a7"),
    ("{{'hey' | sha2}}", "fa690b82061edfd2852629aeba8a8977b57e40fcb77d1a7a28b26cba62591204"),
    ("{{'blah' | base64_encode}}", "YmxhaA=="),
    ("{{'hey' | hmac_sha1_hex: 'secret_key'}}", "2a3969bed25bfeefb00aca4063eb9590b4df8f0e"),
    ("{{'hey' | hmac_sha1: 'secret_key'}}", "2a3969bed25bfeefb00aca4063eb9590b4df8f0e"),
    ("{{'hey' | hmac_sha1_base64: 'secret_key'}}", "KjlpvtJb/u+wCspAY+uVkLTfjw4="),
    (
        "{{'hey' | hmac_sha256_hex: 'secret_key'}}",
        "8df897f8da3d7992fe57c8dbc6f27578cfbf2dcc4d0fbb4000b8c924841d508e",
    ),
    (
        "{{'hey' | hmac_sha256_base64: 'secret_key'}}",
        "jfiX+No9eZL+V8jbxvJ1eM+/LcxND7tAALjJJIQdUI4=",
    ),
    ("{{'hey<>hi' | url_escape}}", "hey%3C%3Ehi"),
    ("{{'hey<&>hi' | url_param_escape}}", "hey%3C%26%3Ehi"),
    ("{{ 'google search' | url_encode }}", "google+search"),
    ("{{ 123456 | number_with_delimiter }}", "123,456"),
    ("{{15 | divided_by: 2}}", "7"),
    ("{{15 | divided_by: 2.0}}", "7.5"),
    ('{{ "Big Sale" | upcase | remove: "BIG" }}', " SALE"),  # docs show it trimmed: "SALE"
]


@pytest.mark.parametrize(("source", "expected"), DOC_VECTORS)
def test_braze_documented_examples(source: str, expected: str) -> None:
    assert render(source) == expected


def test_money_is_two_decimals_without_cents_interpretation() -> None:
    # filters.md: rewards_redeemed = 145 -> "$145.00" (Shopify would print $1.45) ...
    assert render("${{ r | money }}", r=145) == "$145.00"
    # ... and the documented workaround for cents.
    assert render("${{ r | divided_by: 100.00 | money }}", r=145) == "$1.45"
    # "prevent zeros from dropping off": account_balance 17.8
    assert render("${{ b | money }}", b=17.8) == "$17.80"
    # the documented recipe for numeric strings: plus: 0 first
    assert render('{% assign n = "350000.25" | plus: 0 %}{{ n | money }}') == "350000.25"


def test_property_accessor_reads_hash_with_templated_key() -> None:
    data = {"hash": {"a": 42, "b": 0}}
    assert render("{{ hash | property_accessor: 'a' }}", **data) == "42"
    assert render("{{ hash | property_accessor: 'b' }}", **data) == "0"
    assert render("{% assign k = 'a' %}{{ hash | property_accessor: k }}", **data) == "42"
    assert render("[{{ hash | property_accessor: 'zz' }}]", **data) == "[]"
    assert render("[{{ 'text' | property_accessor: 'a' }}]") == "[]"
    assert render("[{{ nothing | property_accessor: 'a' }}]") == "[]"


# --- hashing --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        # RFC 2202 test case 2 / RFC 4231 test case 2: key "Jefe".
        ("hmac_sha1_hex", "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79"),
        ("hmac_sha256", "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
        (
            "hmac_sha512",
            "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554"
            "9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737",
        ),
    ],
)
def test_hmac_rfc_vectors(name: str, expected: str) -> None:
    assert render(
        f"{{{{ msg | {name}: key }}}}", msg="what do ya want for nothing?", key="Jefe"
    ) == (expected)


def test_hmac_sha256_and_hex_variant_agree() -> None:
    assert render("{{ 'hey' | hmac_sha256: 'secret_key' }}") == render(
        "{{ 'hey' | hmac_sha256_hex: 'secret_key' }}"
    )


def test_hashes_use_liquid_text_of_non_strings() -> None:
    assert render("{{ 123 | md5 }}") == hashlib.md5(b"123").hexdigest()
    assert render("{{ flag | sha1 }}", flag=True) == hashlib.sha1(b"true").hexdigest()
    assert render("{{ nothing | sha2 }}") == hashlib.sha256(b"").hexdigest()
    assert render("{{ 'é' | md5 }}") == hashlib.md5("é".encode()).hexdigest()


def test_hmac_without_key_is_a_positioned_error() -> None:
    with pytest.raises(LiquidError, match="hmac_sha1_hex") as caught:
        render("line one\n{{ 'hey' | hmac_sha1_hex }}")
    assert caught.value.token is not None
    assert "2:" in str(caught.value)


# --- URL filters ------------------------------------------------------------------------------


def test_url_escape_keeps_url_syntax_and_encodes_the_rest() -> None:
    url = "https://example.com/a/b?x=1&y=[2];z=@:+$,!*'()~"
    assert render("{{ u | url_escape }}", u=url) == url
    # Space as %20, not "+" (an inferred choice; Braze's url_encode is the "+" one).
    assert render("{{ 'a b\"c#d%e' | url_escape }}") == "a%20b%22c%23d%25e"
    assert render("{{ 'café' | url_escape }}") == "caf%C3%A9"


def test_url_param_escape_encodes_query_syntax() -> None:
    assert render("{{ 'a&b=c+d/e?f#g h' | url_param_escape }}") == ("a%26b%3Dc%2Bd%2Fe%3Ff%23g%20h")
    assert render("{{ 'abc-_.!~*()' | url_param_escape }}") == "abc-_.!~*()"


@given(st.text())
def test_url_escapes_round_trip(text: str) -> None:
    assert unquote(url_escape(text)) == text
    escaped = url_param_escape(text)
    assert unquote(escaped) == text
    unreserved = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.!~*'()%")
    assert set(escaped) <= unreserved


# --- JSON filters -----------------------------------------------------------------------------


def test_json_escape_escapes_json_specials() -> None:
    assert render("{{ m | json_escape }}", m='say "hi" \\ bye') == 'say \\"hi\\" \\\\ bye'
    assert render("{{ m | json_escape }}", m="a\nb\tc\x01") == "a\\nb\\tc\\u0001"
    assert render("{{ m | json_escape }}", m="ünï/<>&") == "ünï/<>&"
    assert render("[{{ nothing | json_escape }}]") == "[]"


@given(st.text())
def test_json_escape_round_trips_through_json_loads(text: str) -> None:
    assert json.loads('"' + json_escape(text) + '"') == text


JSON_BODY = ENV.from_string('{"message":"{{ event_properties.message | json_escape }}"}')


@given(st.text())
def test_json_escaped_webhook_body_is_valid_json(text: str) -> None:
    body = JSON_BODY.render(event_properties={"message": text})
    assert json.loads(body) == {"message": text}


def test_json_parse_and_as_json_string_follow_brazes_example() -> None:
    source = (
        '{% assign my_data_string = \'[{"id":"1","store_name":"demo-store"}]\' %}'
        "{% assign my_data = my_data_string | json_parse %}"
        "{% for item in my_data %}{{ item.id }}:{{ item.store_name }};{% endfor %}"
        "{% assign json_string = my_data | as_json_string %}{{ json_string }}"
    )
    assert render(source) == '1:demo-store;[{"id":"1","store_name":"demo-store"}]'


def test_as_json_string_serialises_liquid_values() -> None:
    product = {"name": 'Tea "green"', "tags": ["a", "b"], "price": 2.5, "n": None, "ok": True}
    assert json.loads(render("{{ p | as_json_string }}", p=product)) == product
    assert render("{{ t | as_json_string }}", t=DOC_TIME) == '"2021-06-03T17:13:41.000Z"'
    assert render("{{ nothing | as_json_string }}") == "null"


def test_json_parse_rejects_invalid_json() -> None:
    with pytest.raises(FilterArgumentError, match="json_parse: invalid JSON"):
        render("{{ '{not json' | json_parse }}")


# --- numbers ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [  # Rails' documented number_with_delimiter examples
        (12345678, "12,345,678"),
        ("123456", "123,456"),
        (12345678.05, "12,345,678.05"),
        ("112a", "112a"),
        (-1234567, "-1,234,567"),
        (999, "999"),
    ],
)
def test_number_with_delimiter(value: object, expected: str) -> None:
    assert render("{{ v | number_with_delimiter }}", v=value) == expected


@given(st.integers())
def test_number_with_delimiter_groups_like_python(number: int) -> None:
    assert render("{{ v | number_with_delimiter }}", v=number) == f"{number:,}"


def test_money_rounds_and_rejects_text_with_commas() -> None:
    assert render("{{ v | money }}", v=2.675) == "2.68"
    assert render("{{ v | money }}", v="12") == "12.00"
    assert render("[{{ nothing | money }}]") == "[]"
    with pytest.raises(FilterArgumentError, match="remove commas"):
        render("{{ '350,000.25' | money }}")


# --- date -------------------------------------------------------------------------------------


def test_now_is_utc_and_frozen_clock_is_used() -> None:
    assert (
        render("{{ 'now' | date: '%Y-%m-%d %H:%M:%S %z %Z' }}") == "2021-06-03 17:13:41 +0000 UTC"
    )
    assert render("{{ 'Now' | date: '%F' }} {{ 'today' | date: '%F' }}") == "2021-06-03 2021-06-03"


def test_date_percent_s_and_day_arithmetic() -> None:
    assert render("{{ 'now' | date: '%s' }}") == str(DOC_EPOCH)
    assert render("{{ t | date: '%s' }}", t=DOC_TIME) == str(DOC_EPOCH)
    # three days later, via integer Unix seconds fed back into `date`
    assert render('{{ "now" | date: \'%s\' | plus: 259200 | date: "%F" }}') == "2021-06-06"
    # days since last app use (a Braze docs snippet, without the braces)
    source = (
        '{% assign last = last_used | date: "%s" %}{% assign now = "now" | date: "%s" %}'
        "{{ now | minus: last | divided_by: 86400 }}"
    )
    assert render(source, last_used=DOC_TIME - dt.timedelta(days=10, hours=5)) == "10"


def test_default_clock_is_utc_whatever_the_machine_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    env = make_env(clock=None)
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    time.tzset()
    try:
        assert render("{{ 'now' | date: '%z %Z' }}", env) == "+0000 UTC"
        assert render("{{ ts | date: '%H:%M' }}", env, ts=DOC_EPOCH) == "17:13"
        assert render("{{ '2021-06-03 17:13:41' | date: '%H %z' }}", env) == "17 +0000"
    finally:
        monkeypatch.undo()
        time.tzset()


def test_date_inputs() -> None:
    assert render("{{ ts | date: '%F %T' }}", ts=str(DOC_EPOCH)) == "2021-06-03 17:13:41"
    assert render("{{ '2021-06-03T10:00:00-07:00' | date: '%H %z' }}") == "10 -0700"
    assert render("{{ '2021-06-03 17:13:41 UTC' | date: '%b %d' }}") == "Jun 03"
    naive = dt.datetime(2021, 6, 3, 17, 13, 41)
    assert render("{{ t | date: '%H %z' }}", t=naive) == "17 +0000"
    assert render("{{ d | date: '%F %T' }}", d=dt.date(2021, 6, 3)) == "2021-06-03 00:00:00"


def test_date_returns_unreadable_input_unchanged() -> None:
    assert render("{{ 'hello' | date: '%Y' }}") == "hello"
    assert render("{{ 1.5 | date: '%Y' }}") == "1.5"
    assert render("{{ 'now' | date: '' }}") == "now"
    assert render("[{{ nothing | date: '%Y' }}]") == "[]"


def test_ruby_strftime_directives() -> None:
    t = dt.datetime(2021, 6, 3, 7, 5, 9, 123456, tzinfo=UTC)
    cases = {
        "%e|%-d|%d|%-m|%_m": " 3|3|03|6| 6",
        "%l|%k|%I|%H|%P|%p|%-I": " 7| 7|07|07|am|AM|7",
        "%^b|%^a|%B|%A|%b|%a|%h|%#b": "JUN|THU|June|Thursday|Jun|Thu|Jun|JUN",
        "%L|%N|%3N|%6N": "123|123456000|123|123456",
        "%z|%:z|%::z|%Z": "+0000|+00:00|+00:00:00|UTC",
        "%F %T|%D|%R|%r": "2021-06-03 07:05:09|06/03/21|07:05|07:05:09 AM",
        "%c": "Thu Jun  3 07:05:09 2021",
        "%j|%u|%w|%y|%C": "154|4|4|21|20",
        "%%|%n|%t|%i": "%|\n|\t|%i",
        "%10A|%-10A|%5d|%_5d|%-5d": "  Thursday|Thursday|00003|    3|3",
    }
    for fmt, expected in cases.items():
        assert ruby_strftime(t, fmt) == expected, fmt


STANDARD_DIRECTIVES = "%Y %m %d %H %M %S %j %U %W %V %G %g %u %w %a %A %b %B %p %y %C %I %e"


@given(st.datetimes(min_value=dt.datetime(1000, 1, 1), max_value=dt.datetime(9999, 12, 31)))
def test_ruby_strftime_matches_c_strftime_on_shared_directives(moment: dt.datetime) -> None:
    assert ruby_strftime(moment, STANDARD_DIRECTIVES) == moment.strftime(STANDARD_DIRECTIVES)


# --- time_zone --------------------------------------------------------------------------------

FMT = "%Y-%m-%d %H:%M:%S %z"


@pytest.mark.parametrize(
    ("zone", "expected"),
    [
        ("'America/Los_Angeles'", "2021-06-03 10:13:41 -0700"),  # PDT
        ("'America/Chicago'", "2021-06-03 12:13:41 -0500"),  # CDT
        ("'Asia/Kolkata'", "2021-06-03 22:43:41 +0530"),
        ("'UTC'", "2021-06-03 17:13:41 +0000"),
        ("'+05:30'", "2021-06-03 22:43:41 +0530"),
        ("'-0500'", "2021-06-03 12:13:41 -0500"),
        ("'-0005'", "2021-06-03 17:08:41 -0005"),  # as an offset string: five minutes
        ("-0005", "2021-06-03 12:13:41 -0500"),  # Braze's doc: Liquid reads it as -5 (hours)
        ("5.5", "2021-06-03 22:43:41 +0530"),
        ("-18000", "2021-06-03 12:13:41 -0500"),  # larger than 13: seconds
    ],
)
def test_time_zone_names_and_offsets(zone: str, expected: str) -> None:
    assert render(f"{{{{ t | time_zone: {zone} | date: '{FMT}' }}}}", t=DOC_TIME) == expected


def test_time_zone_from_profile_value_and_doc_examples() -> None:
    data = {"time_zone": "Europe/Paris", "t": DOC_TIME}
    assert render("{{ 'now' | time_zone: time_zone | date: '%H:%M %Z' }}", **data) == "19:13 CEST"
    assert render("{{ t | time_zone: 'America/Los_Angeles' | date: '%a %b %e %T' }}", **data) == (
        "Thu Jun  3 10:13:41"
    )
    assert render("{{ t | time_zone: 'America/Chicago' | date: '%B %d %Y %z' }}", **data) == (
        "June 03 2021 -0500"
    )
    winter = dt.datetime(2021, 1, 15, 12, 0, tzinfo=UTC)
    assert render("{{ t | time_zone: 'America/Los_Angeles' | date: '%H %Z' }}", t=winter) == (
        "04 PST"
    )


def test_time_zone_accepts_timestamps_and_strings() -> None:
    la = "{{ v | time_zone: 'America/Los_Angeles' | date: '%F %T' }}"
    for value in (DOC_EPOCH, str(DOC_EPOCH), "2021-06-03 17:13:41", "2021-06-03T17:13:41Z"):
        assert render(la, v=value) == "2021-06-03 10:13:41", value


def test_time_zone_missing_zone_leaves_utc() -> None:
    for data in ({}, {"time_zone": None}, {"time_zone": ""}):
        assert render("{{ 'now' | time_zone: time_zone | date: '%H %z' }}", **data) == "17 +0000"


@pytest.mark.parametrize("zone", ["'Mars/Olympus'", "'../etc/passwd'", "'+05:99'", "true"])
def test_time_zone_bad_zone_is_a_positioned_error(zone: str) -> None:
    with pytest.raises(FilterArgumentError, match="time_zone") as caught:
        render(f"\n{{{{ 'now' | time_zone: {zone} }}}}")
    assert caught.value.token is not None


def test_local_time_window_snippet() -> None:
    # a Braze docs snippet, with the abort replaced by text
    source = (
        "{% assign time = 'now' | time_zone: tz %}{% assign hour = time | date: '%H' | plus: 0 %}"
        "{% if hour > 20 or hour < 8 %}outside{% else %}inside{% endif %}"
    )
    assert render(source, tz="America/New_York") == "inside"  # 13:13 local
    assert render(source, tz="Asia/Tokyo") == "outside"  # 02:13 local


def test_times_print_like_ruby_time_to_s() -> None:
    assert render("{{ 'now' | time_zone: 'UTC' }}") == "2021-06-03 17:13:41 UTC"
    assert render("{{ 'now' | time_zone: 'America/Los_Angeles' }}") == "2021-06-03 10:13:41 -0700"
    assert ruby_time_string(DOC_TIME) == "2021-06-03 17:13:41 UTC"
    assert str(BrazeTime.of(DOC_TIME)) == "2021-06-03 17:13:41 UTC"


# --- the filter set ---------------------------------------------------------------------------


def test_registered_names_are_braze_filters() -> None:
    assert set(ENV.filters) == BRAZE_FILTERS
    assert BRAZE_FILTERS.isdisjoint(UNSUPPORTED_FILTERS)
    documented_no = {
        "lstrip", "rstrip", "pluralize", "find_index", "camelize", "handleize",
        "money_with_currency", "money_without_currency", "format_address", "highlight",
    }  # fmt: skip
    assert documented_no <= UNSUPPORTED_FILTERS


@pytest.mark.parametrize(
    "name",
    sorted(UNSUPPORTED_FILTERS
           | {"squish", "escapejs", "safe", "find", "has", "reject", "json", "sum"}),
)
def test_unsupported_and_python_only_filters_are_unknown(name: str) -> None:
    with pytest.raises(UnknownFilterError, match=name):
        render(f"{{{{ 'x' | {name} }}}}")


def test_extra_python_liquid_filters_are_removed_too() -> None:
    env = liquid.Environment(extra=True)
    register_filters(env)
    assert set(env.filters) == BRAZE_FILTERS
    assert render("{{ 145 | money }}", env) == "145.00"


@pytest.fixture
def plain() -> liquid.Environment:
    return liquid.Environment()


ORDINARY = [
    ("{{ 'hello' | upcase }}", "HELLO"),
    ("{{ 'a,b,c' | split: ',' | join: '-' }}", "a-b-c"),
    ("{{ nothing | default: 'Valued User' }}", "Valued User"),
    ("{{ 4 | plus: 2 }} {{ '4' | plus: 2.5 }}", "6 6.5"),
    ("{{ '2021-06-03T17:13:41Z' | date: '%Y-%m-%d %H:%M' }}", "2021-06-03 17:13"),
    ("{{ 'abc' | size }} {{ ' x ' | strip }}|", "3 x|"),
    ("{{ '<b>' | escape }} {{ 'Hello world' | truncate: 8 }}", "&lt;b&gt; Hello..."),
    ("{{ 'a b' | url_encode }} {{ 'YmxhaA==' | base64_decode }}", "a+b blah"),
]


@pytest.mark.parametrize(("source", "expected"), ORDINARY)
def test_ordinary_filters_are_unchanged(
    plain: liquid.Environment, source: str, expected: str
) -> None:
    assert render(source) == expected
    assert render(source, plain) == expected


def test_base64_matches_the_standard_library() -> None:
    assert render("{{ 'héllo' | base64_encode }}") == base64.b64encode("héllo".encode()).decode()
