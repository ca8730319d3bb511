"""A realistic Rokt Calendar subscriber, the profile used when the user gives none.

Modelled on the example table of Braze's Rokt Calendar partner page (values quoted there) and
built by `profiles.rokt`, the generator the fake Rokt pushes with: 16 `rokt:*` custom
attributes as arrays with one element per subscription, each element
`"<value>/<12 lowercase hex>"` - the suffix tells the subscriptions apart - except
`rokt:subscription_id`, an array of bare GUIDs. The first subscription uses the page's own
values (`brazetest/f5733866ade2`, subscription `06423672-...`); the second uses the page's
second suffix, `ff10919f1078`.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from rokt_braze.profiles.profile import Profile
from rokt_braze.profiles.rokt import Subscription, custom_attributes

__all__ = ["SUBSCRIPTIONS", "SUBSCRIPTION_SUFFIXES", "sample_data", "sample_subscriber"]

SUBSCRIPTION_SUFFIXES = ("f5733866ade2", "ff10919f1078")
_EMAIL = "avery.collins@example.com"

SUBSCRIPTION_IDS = ("06423672-b6ba-4536-aa36-70788a7a0a36", "b3e1f7a2-5c4d-4e8f-9a6b-2d1c0e9f8a7b")
_ACCOUNT = Subscription(
    subscription_id="", account_code="brazetest",
    account_id="d0ce4299-7d6c-4888-bfd8-c7e867a0fa6c", account_name="Braze Test",
    calendar_code="", calendar_id="", calendar_title="",
    source="brazetest.Rokt Calendarapp.com", email=_EMAIL, opt_in1=True,
)
#: The sample's two subscriptions, as the fake Rokt would push them.
SUBSCRIPTIONS = (
    replace(
        _ACCOUNT, subscription_id=SUBSCRIPTION_IDS[0], key=SUBSCRIPTION_SUFFIXES[0],
        calendar_code="test-calendar-1", calendar_id="9a9007c7-f5a4-e811-b13c-06424c4f2724",
        calendar_title="Test Calendar 1", method="WebCal", device="Desktop", opt_in2=True,
    ),
    replace(
        _ACCOUNT, subscription_id=SUBSCRIPTION_IDS[1], key=SUBSCRIPTION_SUFFIXES[1],
        calendar_code="test-calendar-2", calendar_id="4f1c2b7e-8d3a-4c55-9e21-7a6b5d4c3e2f",
        calendar_title="Test Calendar 2", method="Google", device="Mobile", opt_in2=False,
    ),
)  # fmt: skip


def sample_data() -> dict[str, Any]:
    """The export-shaped object of the sample subscriber (a fresh copy on every call)."""
    return {
        "external_id": "user-1001",
        "braze_id": "65f0c2a19d3e4b0012a7c3d1",
        "first_name": "Avery",
        "last_name": "Collins",
        "email": _EMAIL,
        "phone": "+12125550143",
        "dob": "1990-04-17",
        "home_city": "New York",
        "country": "US",
        "language": "en",
        "time_zone": "America/New_York",
        "gender": "F",
        "random_bucket": 4123,
        "email_subscribe": "subscribed",
        "push_subscribe": "subscribed",
        "custom_attributes": dict(custom_attributes(SUBSCRIPTIONS)),
        "custom_events": [
            {
                "name": "subscribe",
                "first": "2024-03-02T14:05:11.000Z",
                "last": "2024-05-19T09:41:27.000Z",
                "count": 2,
            }
        ],
    }


def sample_subscriber() -> Profile:
    """The bundled subscriber with two Rokt Calendar subscriptions (a new object every call)."""
    return Profile(name="sample-subscriber", data=sample_data())
