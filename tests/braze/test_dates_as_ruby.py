"""The date and time forms Braze's pages use, rendered as Ruby Liquid renders them.

Braze's `date` filter is Ruby Liquid's: `Time.parse` reads the input and `Time#strftime`
formats it. Each case renders here and in Ruby (`oracle.ruby_liquid`, with TZ=UTC as on
Braze's servers); outputs must match.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from oracle.ruby_liquid import render_in_ruby, require_ruby

import rokt_braze

UTC = dt.timezone.utc

CASES = [
    # ISO 8601 with offsets, and hour 24 (the next day's midnight), second 60
    "{{ '2021-06-03T24:00-05:00' | date: '%F %T %z' }}",
    "{{ '2021-06-03T24:00:00Z' | date: '%F %T %z' }}",
    "{{ '2021-12-31T24:00:00-05:00' | date: '%s' }}",
    "{{ '2021-06-03 24:00' | date: '%F %T' }}",
    "{{ '2021-06-03T23:59:60Z' | date: '%F %T' }}",
    "{{ '2021-06-03T24:30:00Z' | date: '%F %T' }}",  # not a time: printed unchanged
    "{{ '2021-06-03T17:13:41.123+05:30' | date: '%F %T %z %L %N %:z' }}",
    "{{ '2021-06-03T17:13:41-0700' | date: '%F %T %z' }}",
    "{{ '20210603T171341Z' | date: '%F %T' }}",
    "{{ '2021-06-03' | date: '%F %T %z' }}",
    # epochs in seconds and milliseconds
    "{{ 1622740421 | date: '%F %T' }}",
    "{{ '1622740421' | date: '%F %T' }}",
    "{{ 1622740421000 | divided_by: 1000 | date: '%F %T' }}",
    "{{ 1622740421 | plus: 259200 | date: '%F' }}",
    # day-first dates, and text dates
    "{{ '03/06/2021' | date: '%F' }}",
    "{{ '03-06-2021 10:00 +0200' | date: '%F %T %z' }}",
    "{{ '12/25/2021' | date: '%F' }}",
    "{{ 'June 3, 2021' | date: '%F' }}",
    # Ruby's directives, flags and widths; %+ and %Q are Date's, not Time's: literal
    "{{ '2021-06-03T17:13:41Z' | date: '%-d|%e|%l|%P|%p|%j|%U|%W|%u|%w|%C|%y|%G|%V|%g' }}",
    "{{ '2021-06-03T17:13:41Z' | date: '%h|%-m|%^a|%10A|%c|%D|%x|%X|%r|%R|%v|%s|%k|%I|%Z' }}",
    "{{ '2021-06-03T17:13:41Z' | date: '%+|%Q|%_m|%0e|%#b|%-H|%3N' }}",
    "{{ '2021-06-03T17:13:41Z' | date: '%a %b %e %T' }}",
    "{{ '2021-06-03T17:13:41Z' | date: '%B %d %Y %z' }}",
]


@pytest.mark.parametrize("source", CASES)
def test_dates_render_as_in_ruby(source: str) -> None:
    require_ruby()
    ok, expected = render_in_ruby(source, {})
    assert ok, expected
    assert rokt_braze.render_liquid(source, None) == expected


def test_three_days_from_now(freeze_now: Callable[[dt.datetime], None]) -> None:
    """liquid_use_cases: day arithmetic in seconds, `'now' | date: '%s' | plus: 259200`."""
    from tests.braze.conftest import render

    freeze_now(dt.datetime(2021, 6, 3, 17, 13, 41, tzinfo=UTC))
    out = render("{{ 'now' | date: '%s' | plus: 259200 | date: '%F' }}|"
                 "{{ 'today' | date: '%Y-%m-%d %H:%M' }}|{{ now }}{{ today }}")
    assert out.text == "2021-06-06|2021-06-03 17:13|"


def test_end_of_day_in_the_users_zone() -> None:
    """The "end of day" use case: T24:00 with the user's offset, read as the next midnight."""
    out = rokt_braze.render_liquid(
        "{% assign end = '2021-06-03T24:00-05:00' | date: '%s' %}"
        "{{ end | minus: 1622696400 | divided_by: 3600 }}", None)
    assert out == "24"


#: liquid_use_cases, "Create a countdown for specific shipping dates and priorities": the
#: ends of the express and overnight windows are written T24:00-05:00 ("end of day").
SHIPPING = """\
{% assign standard_shipping_start = "2023-12-10T00:00-05:00" | date: "%s" %}
{% assign standard_shipping_end = "2023-12-20T13:00-05:00" | date: "%s" %}
{% assign express_shipping_end = "2023-12-22T24:00-05:00" | date: "%s" %}
{% assign overnight_shipping_end = "2023-12-23T24:00-05:00" | date: "%s" %}
{% assign today = 'now' | date: "%s" %}
{% assign difference_e = express_shipping_end | minus: today %}
{% assign difference_e_days = difference_e | divided_by: 86400.00 | round %}
{%- if today >= standard_shipping_start and today <= standard_shipping_end %}
standard
{%- elsif today > standard_shipping_end and today < express_shipping_end %}
There are {{difference_e_days}} days left to order with express shipping
{%- elsif today >= express_shipping_end and today < overnight_shipping_end %}
This is the last day for overnight shipping
{%- else %}
{% abort_message("Unable to order and ship in time") %}
{%- endif %}"""


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        pytest.param(dt.datetime(2023, 12, 21, 12, tzinfo=UTC),
                     "There are 2 days left to order with express shipping",
                     id="liquid_use_cases-countdown-shipping-express"),
        pytest.param(dt.datetime(2023, 12, 23, 12, tzinfo=UTC),
                     "This is the last day for overnight shipping",
                     id="liquid_use_cases-countdown-shipping-overnight"),
    ],
)
def test_shipping_countdown_with_end_of_day_times(
    now: dt.datetime, expected: str, freeze_now: Callable[[dt.datetime], None]
) -> None:
    from tests.braze.conftest import render

    freeze_now(now)
    assert render(SHIPPING).text.strip() == expected


def test_shipping_countdown_past_the_last_window_aborts(
    freeze_now: Callable[[dt.datetime], None]
) -> None:
    from rokt_braze import MessageAborted
    from tests.braze.conftest import render

    freeze_now(dt.datetime(2023, 12, 24, 6, tzinfo=UTC))  # past 2023-12-23T24:00-05:00
    with pytest.raises(MessageAborted, match="Unable to order and ship in time"):
        render(SHIPPING)
