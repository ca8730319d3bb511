"""What Rokt Calendar writes into Braze for a subscriber: one generator for every user of it.

When someone subscribes to a Rokt calendar, Rokt calls Braze's `POST /users/track` with the
customer's REST key. It adds 16 custom attributes, each an array with one entry per
subscription, and records a `subscribe` custom event (Braze's Rokt Calendar partner page).
Every entry except `rokt:subscription_id` ends in `/<key>`, a 12-hex key shared by the
entries of one subscription, which keeps the elements of different subscriptions apart
(Braze de-duplicates array elements); tags read `Calendar Title/Tag/<key>`.

The fake Rokt pushes exactly these objects, the bundled sample subscriber is built from them,
and the fuzz strategies draw subscriptions through them, so `check` sees the shape the push
creates - including users whose subscriptions span accounts and calendars.

Our reading of Rokt's per-account settings (Rokt documents the flags, not the payload):

* merge (on by default): entries are added with `{"add": [...]}`, so a user's other
  subscriptions stay; off: the arrays are replaced by this subscription's entries.
* SubscriberID fallback (off by default): a subscriber with no external id is still pushed,
  identified by the user alias `rokt_subscriber_id` = the subscription id, with
  `_update_existing_only: false` so Braze creates the alias-only user.
* email capture (on by default): off leaves `rokt:subscriber_email` out.

Unsubscribing sends `{"remove": [...]}` for that subscription's entries; the `subscribe`
event's properties name the subscription (Rokt does not document them).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

__all__ = [
    "ALIAS_LABEL",
    "ROKT_ATTRIBUTES",
    "SUBSCRIBE_EVENT",
    "AccountSettings",
    "Subscription",
    "custom_attributes",
    "from_mapping",
    "subscribe_objects",
    "subscription_key",
    "unsubscribe_object",
]

SUBSCRIBE_EVENT = "subscribe"
#: The alias label of subscribers pushed by the SubscriberID fallback (our choice of name).
ALIAS_LABEL = "rokt_subscriber_id"
#: The attributes Rokt writes, in the order of Braze's partner page.
ROKT_ATTRIBUTES = (
    "rokt:account_code", "rokt:account_id", "rokt:account_name", "rokt:calendar_code",
    "rokt:calendar_id", "rokt:calendar_title", "rokt:country_code", "rokt:device_name",
    "rokt:geo_country", "rokt:optIn1", "rokt:optIn2", "rokt:source", "rokt:subscriber_email",
    "rokt:subscription_id", "rokt:subscription_method", "rokt:tags",
)  # fmt: skip


@dataclass(frozen=True, kw_only=True)
class Subscription:
    """One person's subscription to one calendar, with the values Rokt knows about it."""

    subscription_id: str
    account_code: str
    account_id: str
    account_name: str
    calendar_code: str
    calendar_id: str
    calendar_title: str
    method: str = "WebCal"
    email: str = ""
    opt_in1: bool = False
    opt_in2: bool = False
    source: str = ""
    device: str = "Desktop"
    country_code: str = "US"
    geo_country: str = "United States"
    tags: tuple[str, ...] = ("All Teams",)
    #: the 12-hex suffix of this subscription's entries; derived from the id when empty
    key: str = ""

    @property
    def suffix(self) -> str:
        return self.key or subscription_key(self.subscription_id)

    def values(self, *, email_capture: bool = True) -> dict[str, list[str]]:
        """Each Rokt attribute's entries for this subscription alone (suffix included)."""
        bare: dict[str, list[str]] = {
            "rokt:account_code": [self.account_code],
            "rokt:account_id": [self.account_id],
            "rokt:account_name": [self.account_name],
            "rokt:calendar_code": [self.calendar_code],
            "rokt:calendar_id": [self.calendar_id],
            "rokt:calendar_title": [self.calendar_title],
            "rokt:country_code": [self.country_code],
            "rokt:device_name": [self.device],
            "rokt:geo_country": [self.geo_country],
            "rokt:optIn1": [str(self.opt_in1)],
            "rokt:optIn2": [str(self.opt_in2)],
            "rokt:source": [self.source],
            "rokt:subscriber_email": [self.email] if email_capture and self.email else [],
            "rokt:subscription_method": [self.method],
            "rokt:tags": [f"{self.calendar_title}/{tag}" for tag in self.tags],
        }
        out = {name: [f"{v}/{self.suffix}" for v in vs] for name, vs in bare.items() if vs}
        out["rokt:subscription_id"] = [self.subscription_id]
        return {name: out[name] for name in ROKT_ATTRIBUTES if name in out}

    def event_properties(self) -> dict[str, str]:
        return {
            "subscription_id": self.subscription_id,
            "account_code": self.account_code,
            "calendar_code": self.calendar_code,
            "subscription_method": self.method,
        }


@dataclass(frozen=True)
class AccountSettings:
    """A Rokt account's Braze settings (see the module docstring for our reading)."""

    merge: bool = True
    subscriber_id_fallback: bool = False
    email_capture: bool = True


def subscription_key(subscription_id: str) -> str:
    """A stable 12-hex key for a subscription's entries (Rokt's own derivation is opaque)."""
    return hashlib.sha256(subscription_id.lower().encode("utf-8")).hexdigest()[:12]


def custom_attributes(
    subscriptions: Iterable[Subscription], *, email_capture: bool = True
) -> dict[str, list[str]]:
    """The Rokt attributes of a user after these subscriptions were pushed (in order):
    what Braze stores, so what an export holds."""
    out: dict[str, list[str]] = {}
    for sub in subscriptions:
        for name, values in sub.values(email_capture=email_capture).items():
            entries = out.setdefault(name, [])
            entries += [v for v in values if v not in entries]
    return dict(sorted(out.items()))


def _identity(external_id: str | None, sub: Subscription, settings: AccountSettings
              ) -> dict[str, Any]:
    if external_id:
        return {"external_id": external_id}
    if not settings.subscriber_id_fallback:
        raise ValueError("an external id is required (the account has no SubscriberID fallback)")
    return {"user_alias": {"alias_label": ALIAS_LABEL, "alias_name": sub.subscription_id}}


def subscribe_objects(
    external_id: str | None,
    sub: Subscription,
    when: datetime,
    settings: AccountSettings = AccountSettings(),
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The `/users/track` attributes object and `subscribe` event object for one subscription.

    Raises ValueError when the subscriber cannot be identified (no external id and no
    fallback).
    """
    who = _identity(external_id, sub, settings)
    values = sub.values(email_capture=settings.email_capture)
    attributes: dict[str, Any] = dict(who)
    if "user_alias" in who:
        attributes["_update_existing_only"] = False
    for name, entries in values.items():
        attributes[name] = {"add": entries} if settings.merge else entries
    stamp = when.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    event: dict[str, Any] = {
        **who, "name": SUBSCRIBE_EVENT, "time": stamp, "properties": sub.event_properties(),
    }
    if "user_alias" in who:
        event["_update_existing_only"] = False
    return attributes, event


def unsubscribe_object(
    external_id: str | None,
    sub: Subscription,
    settings: AccountSettings = AccountSettings(),
) -> dict[str, Any]:
    """The attributes object that removes this subscription's entries."""
    attributes: dict[str, Any] = _identity(external_id, sub, settings)
    for name, entries in sub.values(email_capture=True).items():
        attributes[name] = {"remove": entries}
    return attributes


def from_mapping(data: Mapping[str, Any]) -> Subscription:
    """A `Subscription` from its field names (tests and fixtures)."""
    fields = dict(data)
    if "tags" in fields:
        fields["tags"] = tuple(fields["tags"])
    return Subscription(**fields)
