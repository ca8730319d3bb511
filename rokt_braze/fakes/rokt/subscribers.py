"""Subscribing to a fake Rokt calendar, and pushing the subscriber into Braze.

    POST   /v1/subscribe/{calendarCode}   {"externalId", "email", "method", "optIn1",
                                           "optIn2", "source", "device", "country"}
                                           -> 201 {"subscriptionId": ...}
    DELETE /v1/subscribe/{subscriptionId} -> 200 {"subscriptionId", "status": "unsubscribed"}

The subscribe call stands for a person clicking "add to calendar" on the merchant's page, so
it takes no token. In one transaction of the fake Rokt's database (these tables are created
there when missing; they carry no schema version of their own) it creates the subscription,
whose `.ics` feed exists from then on, and queues for the outbox the `/users/track`
attributes object and `subscribe` event that `profiles.rokt` builds - the same generator
the bundled sample profile comes from. Unsubscribing queues the `remove` of that
subscription's entries; the feed stays readable (Rokt documents nothing about it).

Errors use Rokt's Error Model `{"Code", "Reason"}`: 404 for an unknown calendar or
subscription, 400 for a body that is not a JSON object, a field of the wrong type, a method
other than WebCal/Google, or no external id when the account has no SubscriberID fallback.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from typing import Any

from rokt_braze.fakes.core import Database, Reply, Route, json_reply
from rokt_braze.fakes.rokt.outbox import Outbox, Pusher
from rokt_braze.fakes.rokt.replies import rokt_error
from rokt_braze.profiles.rokt import (
    AccountSettings,
    Subscription,
    from_mapping,
    subscribe_objects,
    unsubscribe_object,
)

__all__ = [
    "Calendar", "Subscribers", "SubscribersConfig", "parse_calendar", "subscriber_routes",
]

METHODS = ("WebCal", "Google")
_NAMESPACE = uuid.UUID("6f0c1b7e-3a52-4d1e-9d1c-5b2a8f3e4c10")
_COUNTRIES = {
    "US": "United States", "GB": "United Kingdom", "AU": "Australia", "CA": "Canada",
    "DE": "Germany", "FR": "France", "NZ": "New Zealand", "IE": "Ireland", "JP": "Japan",
}
_SCHEMA = """
CREATE TABLE IF NOT EXISTS rokt_calendars (
    code TEXT PRIMARY KEY,
    data TEXT NOT NULL              -- the Calendar (JSON)
);
CREATE TABLE IF NOT EXISTS rokt_subscribers (
    subscription_id TEXT PRIMARY KEY,
    calendar TEXT NOT NULL,
    external_id TEXT,
    data TEXT NOT NULL,             -- the Subscription (JSON)
    active INTEGER NOT NULL,
    created REAL NOT NULL
);
"""


@dataclass(frozen=True)
class Calendar:
    """A calendar of a Rokt account, with the account's Braze settings."""

    code: str
    account_code: str
    title: str = ""
    settings: AccountSettings = field(default_factory=AccountSettings)
    tags: tuple[str, ...] = ("All Teams",)

    @property
    def calendar_id(self) -> str:
        return str(uuid.uuid5(_NAMESPACE, f"calendar/{self.account_code}/{self.code}"))

    @property
    def account_id(self) -> str:
        return str(uuid.uuid5(_NAMESPACE, f"account/{self.account_code}"))

    @property
    def display_title(self) -> str:
        return self.title or self.code.replace("-", " ").title()


def parse_calendar(text: str, settings: AccountSettings = AccountSettings()) -> Calendar:  # noqa: B008
    """`ACCOUNT/CALENDAR[=Title]`; raises ValueError."""
    spec, _, title = text.partition("=")
    account, slash, code = spec.partition("/")
    if not slash or not account.strip() or not code.strip() or "/" in code:
        raise ValueError("expected ACCOUNT/CALENDAR[=Title], e.g. demo/demo-calendar")
    return Calendar(code.strip(), account.strip(), title.strip(), settings)


class Subscribers:
    """The subscribe/unsubscribe endpoints and the push into Braze.

    Their tables live in the fake Rokt's database (`database`), so a subscription, its
    feed and its outbox objects are written in one transaction; `braze_url`/`api_key` say
    where to push (without them the outbox keeps everything until a Braze is configured).
    """

    def __init__(
        self,
        calendars: Iterable[Calendar],
        database: Database,
        *,
        braze_url: str | None = None,
        api_key: str | None = None,
        backoff: float = 0.5,
        max_backoff: float = 30.0,
        clock: Callable[[], float] = time.time,
        log: Callable[[str], None] | None = None,
    ) -> None:
        self._tx = database.transaction
        with self._tx() as db:
            db.executescript(_SCHEMA)
            db.executemany(
                "INSERT OR REPLACE INTO rokt_calendars VALUES (?, ?)",
                [(c.code, json.dumps(_calendar_json(c))) for c in calendars],
            )
        self.outbox = Outbox(database)
        self.clock = clock
        self.pusher = (
            Pusher(self.outbox, braze_url, api_key, backoff=backoff, max_backoff=max_backoff,
                   clock=clock, log=log)
            if braze_url and api_key else None
        )

    def start(self) -> None:
        if self.pusher is not None:
            self.pusher.start()

    def close(self) -> None:
        """Stop pushing (the database belongs to the fake Rokt)."""
        if self.pusher is not None:
            self.pusher.stop()

    def calendar(self, code: str) -> Calendar | None:
        with self._tx() as db:
            row = db.execute(
                "SELECT data FROM rokt_calendars WHERE code = ?", (code,)
            ).fetchone()
        return None if row is None else _calendar_from_json(json.loads(row[0]))

    # routes

    def subscribe(self, calendar_code: str, body: Any) -> Reply:
        """`body` is the parsed JSON body (None when there is none)."""
        calendar = self.calendar(calendar_code)
        if calendar is None:
            return rokt_error(404, "NotFound", f"no calendar {calendar_code!r}")
        if not isinstance(body, dict):
            return rokt_error(400, "BadRequest", "the body must be a JSON object")
        try:
            external_id, sub = _subscription(calendar, body)
            now = self.clock()
            attributes, event = subscribe_objects(
                external_id, sub, datetime.fromtimestamp(now, tz=timezone.utc),
                calendar.settings,
            )
        except ValueError as err:
            return rokt_error(400, "BadRequest", str(err))
        with self._tx() as db:
            # the fake Rokt's own table: the subscription's feed exists from now on
            db.execute("INSERT OR IGNORE INTO subscriptions VALUES (?, ?)",
                       (sub.subscription_id, now))
            db.execute(
                "INSERT INTO rokt_subscribers VALUES (?, ?, ?, ?, 1, ?)",
                (sub.subscription_id, calendar.code, external_id,
                 json.dumps(_subscription_json(sub)), now),
            )
            Outbox.put(db, "attributes", attributes, sub.subscription_id, now)
            Outbox.put(db, "events", event, sub.subscription_id, now)
        if self.pusher is not None:
            self.pusher.notify()
        return json_reply(201, {"subscriptionId": sub.subscription_id})

    def unsubscribe(self, subscription_id: str) -> Reply:
        key = subscription_id.lower()
        with self._tx() as db:
            row = db.execute(
                "SELECT calendar, external_id, data FROM rokt_subscribers "
                "WHERE subscription_id = ? AND active = 1", (key,),
            ).fetchone()
        if row is None:
            return rokt_error(404, "NotFound", f"no active subscription {subscription_id!r}")
        calendar = self.calendar(str(row[0]))
        settings = calendar.settings if calendar else AccountSettings()
        sub = from_mapping(json.loads(row[2]))
        obj = unsubscribe_object(row[1], sub, settings)
        now = self.clock()
        with self._tx() as db:
            db.execute("UPDATE rokt_subscribers SET active = 0 WHERE subscription_id = ?", (key,))
            Outbox.put(db, "attributes", obj, key, now)
        if self.pusher is not None:
            self.pusher.notify()
        return json_reply(200, {"subscriptionId": key, "status": "unsubscribed"})


def _subscription(calendar: Calendar, body: Mapping[str, Any]) -> tuple[str | None, Subscription]:
    """The subscriber's external id and the new subscription; ValueError for a bad body."""
    def text(key: str, default: str = "") -> str:
        value = body.get(key)
        if value is None:
            return default
        if not isinstance(value, str):
            raise ValueError(f"{key}: must be a string")
        return value

    def flag(key: str) -> bool:
        value = body.get(key, False)
        if not isinstance(value, bool):
            raise ValueError(f"{key}: must be true or false")
        return value

    external_id = text("externalId") or None
    if external_id is None and not calendar.settings.subscriber_id_fallback:
        raise ValueError("externalId: required (the account has no SubscriberID fallback)")
    method = text("method", "WebCal")
    if method not in METHODS:
        raise ValueError(f"method: must be WebCal or Google, not {method!r}")
    country = text("country", "US").upper()
    sub = Subscription(
        subscription_id=str(uuid.uuid4()),
        account_code=calendar.account_code, account_id=calendar.account_id,
        account_name=calendar.account_code.replace("-", " ").title(),
        calendar_code=calendar.code, calendar_id=calendar.calendar_id,
        calendar_title=calendar.display_title, method=method, email=text("email"),
        opt_in1=flag("optIn1"), opt_in2=flag("optIn2"),
        source=text("source", f"{calendar.account_code}.roktcalendar.com"),
        device=text("device", "Desktop"), country_code=country,
        geo_country=_COUNTRIES.get(country, country), tags=calendar.tags,
    )
    return external_id, sub


def _calendar_json(calendar: Calendar) -> dict[str, Any]:
    data = asdict(calendar)
    data["tags"] = list(calendar.tags)
    return data


def _calendar_from_json(data: dict[str, Any]) -> Calendar:
    return Calendar(data["code"], data["account_code"], data["title"],
                    AccountSettings(**data["settings"]), tuple(data["tags"]))


def _subscription_json(sub: Subscription) -> dict[str, Any]:
    data = asdict(sub)
    data["tags"] = list(sub.tags)
    return data




@dataclass(frozen=True)
class SubscribersConfig:
    """What the fake Rokt needs to offer subscribe/unsubscribe and push into Braze."""

    calendars: Sequence[Calendar]
    braze_url: str | None = None
    braze_api_key: str | None = None
    #: seconds before the first retry after a failure, doubling up to `max_backoff`
    backoff: float = 0.5
    max_backoff: float = 30.0

    def build(self, database: Database, *, clock: Callable[[], float],
              log: Callable[[str], None] | None) -> Subscribers:
        return Subscribers(self.calendars, database, braze_url=self.braze_url,
                           api_key=self.braze_api_key, backoff=self.backoff,
                           max_backoff=self.max_backoff, clock=clock, log=log)


def subscriber_routes(subscribers: Subscribers) -> list[Route]:
    """The fake Rokt's routes for these endpoints."""
    pattern = r"/v1/subscribe/([^/]+)"
    return [
        Route("POST", pattern, lambda r: subscribers.subscribe(r.params[0], r.json),
              body="json"),
        Route("DELETE", pattern, lambda r: subscribers.unsubscribe(r.params[0])),
    ]
