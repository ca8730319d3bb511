"""Value rules for a Rokt event body, after the schema has checked the structure.

Each rule looks only at values of the right JSON type (a wrong type is already a
`rokt-field-type` problem), so one defect yields one problem. The facts are the Rokt Calendar API's:
ISO 8601 local start/end in the event's Windows time zone, GUID subscription ids,
notifyBefore in whole minutes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import datetime, timezone
from functools import lru_cache, partial

from rokt_braze.findings import Severity
from rokt_braze.iso8601 import Stamp, parse_iso
from rokt_braze.targets.jsonpos import JsonDoc, Path
from rokt_braze.targets.problem import Problem, problem, show
from rokt_braze.targets.rokt import timezones
from rokt_braze.targets.rokt.schema import display

_GUID = re.compile(r"[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}")
_MINUTES = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_STRINGS = frozenset({str})


@lru_cache(maxsize=4096)
def parse_datetime(value: str) -> Stamp:
    """The strict ISO 8601 date-time Rokt reads, or a bare date (an all-day event);
    ValueError says what is wrong.

    Cached: across an audience the same few event times repeat for every user.
    """
    if _DATE.fullmatch(value):
        return parse_iso(value, strict=False, date_only=True)
    return parse_iso(value)


#: A value rule's verdict before it has a place: (rule, message, key, severity, placed at
#: the key rather than the value, the value to write instead when the rule knows it, the
#: JSON type to write it as when quotes would fix it: `Problem.retype`).
_Found = tuple[str, str, str, Severity | None, bool, str | None, str | None]
_MEMO_SIZE = 4096


class _Checker:
    """Collects the value problems of one event object, by key (placed by `check_event`)."""

    def __init__(self, event: Mapping[str, object]) -> None:
        self.event = event
        self.out: list[_Found] = []

    def report(self, rule: str, message: str, key: str, severity: Severity | None = None,
               *, at_key: bool = False, replacement: str | None = None,
               retype: str | None = None) -> None:
        self.out.append((rule, message, key, severity, at_key, replacement, retype))

    def string(self, key: str) -> str | None:
        value = self.event.get(key)
        return value if isinstance(value, str) else None

    def run(self) -> list[_Found]:
        """Every rule but eventId's (`check_event` memoizes them)."""
        for key in ("title", "start", "timezone"):
            value = self.string(key)
            if value is not None and not value.strip():
                self.report("rokt-required-field", "is empty; the Rokt API requires a value", key)
        zone_id = self.timezone()
        start = self.local_datetime("start")
        end = self.local_datetime("end")
        if start and end and end.local < start.local:
            message = f"{end.local.isoformat()} is before start {start.local.isoformat()}"
            self.report("rokt-event-order", message, "end")
        if zone_id:
            for key, stamp in (("start", start), ("end", end)):
                if stamp and not stamp.suffix:
                    self.dst(key, stamp.local, zone_id)
        self.notify_before()
        self.template_values()
        self.optional_fields(zone_id)
        return self.out

    def timezone(self) -> str | None:
        value = self.string("timezone")
        if not value or not value.strip():
            return None
        verdict = timezones.check(value)
        if verdict.message:
            severity = Severity.WARNING if verdict.case_only else None
            self.report("rokt-timezone", verdict.message, "timezone", severity,
                        replacement=verdict.replacement)
        return verdict.zone_id

    def local_datetime(self, key: str) -> Stamp | None:
        value = self.string(key)
        if not value or not value.strip():
            return None  # empty: reported as a required/template field
        try:
            stamp = parse_datetime(value)
        except ValueError as err:
            self.report("rokt-datetime", f"{show(value)} {err}", key)
            return None
        if stamp.suffix and stamp.suffix != "Z":  # Rokt's own samples end in .000Z
            message = (f"{show(value)} has the offset {stamp.suffix!r}, but Rokt reads it as "
                       "local time in event.timezone; drop the offset")  # fmt: skip
            self.report("rokt-datetime", message, key, Severity.WARNING)
        return stamp

    def dst(self, key: str, local: datetime, zone_id: str) -> None:
        message = dst_problem(local, zone_id)
        if message:
            self.report("rokt-dst", message, key)

    def notify_before(self) -> None:
        value = self.event.get("notifyBefore")
        if value is None or isinstance(value, bool):
            return  # null is documented; a boolean is a type problem
        if isinstance(value, str):
            if not value.strip():
                return  # reported by template_values
            if not _MINUTES.fullmatch(value):
                self._minutes(f"{show(value)} is not a number of minutes; use a whole number")
                return
            number: float = int(value) if "." not in value else float(value)
            if number >= 0 and float(number).is_integer():
                # at the key: the line that quotes the value, not where the value came from
                message = (f"{show(value)} is a string, but the Rokt reference types "
                           f"notifyBefore as a number of minutes: send {int(number)} without "
                           "quotes (the stock Rokt template sends a string)")  # fmt: skip
                self.report("rokt-notify-before", message, "notifyBefore", Severity.WARNING,
                            at_key=True, retype="number")  # fmt: skip
                return
        elif isinstance(value, int | float):
            number = value
        else:
            return  # object/array: a type problem
        if number < 0:
            self._minutes(f"{show(value)} is negative; use 0 or more minutes")
        elif isinstance(number, float) and not number.is_integer():
            self._minutes(f"{show(value)} is not a whole number of minutes")

    def _minutes(self, message: str) -> None:
        self.report("rokt-notify-before", message, "notifyBefore")

    def template_values(self) -> None:
        """`end` and `notifyBefore` present but empty: as good as missing for Braze's page."""
        for key in ("end", "notifyBefore"):
            if key in self.event and self.event[key] is None:
                message = "is null; the Braze integration sends one (Rokt: optional)"
                self.report("rokt-template-field", message, key, Severity.WARNING)
        for key in ("end", "notifyBefore"):
            value = self.string(key)
            if value is not None and not value.strip():
                message = (
                    "is empty; the Braze integration sends a value (capture rendered nothing?)"
                )
                self.report("rokt-template-field", message, key)

    def optional_fields(self, zone_id: str | None = None) -> None:
        iana = self.string("timezoneIanaId")
        if iana is not None and timezones.iana_zone(iana) is None:
            message = f"{show(iana)} is not an IANA time-zone name (e.g. America/New_York)"
            self.report("rokt-timezone", message, "timezoneIanaId")
        elif iana is not None and zone_id and not timezones.agree(zone_id, iana):
            message = (f"{show(iana)} is not the zone of timezone {show(zone_id)} "
                       f"({timezones.zone_for(zone_id).key}); send one zone, or two that agree")
            self.report("rokt-timezone", message, "timezoneIanaId")
        visible = self.string("visibleFromDateTimeUtc")
        if visible is not None:
            try:
                stamp = parse_datetime(visible)
            except ValueError as err:
                self.report("rokt-datetime", f"{show(visible)} {err}", "visibleFromDateTimeUtc")
            else:
                if not stamp.suffix:
                    message = f"{show(visible)} has no 'Z': this field is UTC (…T15:00:00Z)"
                    self.report("rokt-datetime", message, "visibleFromDateTimeUtc")


def check_event(doc: JsonDoc, event: Mapping[str, object], at: Path) -> list[Problem]:
    """Value rules for the event object found at path `at` of `doc`, but eventId's
    (`check_event_id`).

    Across an audience every field of the event but eventId is usually the same for every
    user, so these rules run once per distinct rest of the event (memoized on its keys,
    JSON types and values).
    """
    key = _memo_key(event)
    if key is None:
        found: tuple[_Found, ...] | list[_Found] = _Checker(_without_id(event)).run()
    else:
        found = _memo.get(key)  # type: ignore[assignment]
        if found is None:
            if len(_memo) >= _MEMO_SIZE:
                _memo.clear()
            found = _memo[key] = tuple(_Checker(_without_id(event)).run())
    return _placed(doc, event, at, found)


def check_event_id(doc: JsonDoc, event: Mapping[str, object], at: Path) -> list[Problem]:
    """`rokt-required-field` for an empty eventId, or one whose user id part rendered
    empty: the one event value that differs for every user."""
    value = event.get("eventId")
    if not isinstance(value, str):
        return []
    if not value.strip():
        message = "is empty; the Rokt API requires a value"
    elif value.endswith("_"):
        message = f"{show(value)} ends in '_': the user id part rendered empty"
    else:
        return []
    return _placed(doc, event, at, [("rokt-required-field", message, "eventId", None, False,
                                     None, None)])


def _without_id(event: Mapping[str, object]) -> dict[str, object]:
    return {k: v for k, v in event.items() if k != "eventId"}


def _placed(
    doc: JsonDoc, event: Mapping[str, object], at: Path, found: Iterable[_Found]
) -> list[Problem]:
    return [problem(rule, f"{display((*at, name))} {message}", "body",
                    partial(doc.key_offset if at_key else doc.value_offset, (*at, name)),
                    severity, replacement=None if new is None else (str(event.get(name)), new),
                    retype=retype)
            for rule, message, name, severity, at_key, new, retype in found]


_memo: dict[tuple[object, ...], tuple[_Found, ...]] = {}
_SCALARS = frozenset({str, int, float, bool, type(None)})


def _memo_key(event: Mapping[str, object]) -> tuple[object, ...] | None:
    """The event without eventId as a key (types kept apart: 1, 1.0 and true differ);
    None when a value is an object or an array (then the rules just run)."""
    values = [value for name, value in event.items() if name != "eventId"]
    kinds = tuple([type(value) for value in values])
    if not _SCALARS.issuperset(kinds):
        return None
    if float in kinds:  # -0.0 is not 0.0
        values = [repr(value) if type(value) is float else value for value in values]
    return (tuple([name for name in event if name != "eventId"]), kinds, tuple(values))


def check_subscription_ids(doc: JsonDoc, root: Mapping[str, object], update: bool) -> list[Problem]:
    """`rokt-subscription-ids`: on create a non-empty list of distinct GUIDs; none on update.

    A missing key is the schema's `rokt-required-field`; wrong types are `rokt-field-type`.
    """
    if "subscriptionIds" not in root:
        return []
    ids = root["subscriptionIds"]
    if update:
        message = ("subscriptionIds is not part of the update body (Rokt updates every "
                   "subscription holding the event); remove it")  # fmt: skip
        return [problem("rokt-subscription-ids", message, "body",
                        partial(doc.key_offset, ("subscriptionIds",)), Severity.WARNING)]
    if not isinstance(ids, list):
        return []
    if not ids:
        message = "subscriptionIds is empty; the event would reach no subscription"
        return [problem("rokt-subscription-ids", message, "body",
                        partial(doc.value_offset, ("subscriptionIds",)))]
    if (_STRINGS.issuperset(map(type, ids)) and all(map(_GUID.fullmatch, ids))
            and len(ids) == len(set(map(str.lower, ids)))):
        return []  # distinct GUIDs: every user, but a few (one pass in C)
    out = []
    seen: dict[str, int] = {}
    for index, value in enumerate(ids):
        if type(value) is not str and not isinstance(value, str):
            continue
        lower = value.lower()
        severity = None
        if not value:
            message = (
                'is empty: the template\'s join renders [""] for a user without '
                "rokt:subscription_id; keep such users out of the audience or abort_message"
            )
        elif not _GUID.fullmatch(value):
            hint = " (several ids in one string: join with '\",\"')" if "," in value else ""
            message = f"{show(value)} is not a GUID (8-4-4-4-12 hex digits){hint}"
        elif lower in seen:
            message = f"repeats subscriptionIds[{seen[lower]}]; list each id once"
            severity = Severity.WARNING
        else:
            seen[lower] = index
            continue
        out.append(
            problem(
                "rokt-subscription-ids", f"subscriptionIds[{index}] {message}", "body",
                partial(doc.value_offset, ("subscriptionIds", index)), severity,
            )
        )
    return out


@lru_cache(maxsize=4096)
def dst_problem(local: datetime, zone_id: str) -> str:
    """Why `local` is not a single instant in the zone of `zone_id`, or "" (cached)."""
    zone = timezones.zone_for(zone_id)
    first = local.replace(tzinfo=zone, fold=0)
    if first.utcoffset() == local.replace(tzinfo=zone, fold=1).utcoffset():
        return ""
    back = first.astimezone(timezone.utc).astimezone(zone).replace(tzinfo=None)
    where = f"{zone_id} ({zone.key})"
    if back != local:
        return (f"{local.isoformat()} does not exist in {where}: clocks spring forward; "
                "pick a time outside the gap")
    return (f"{local.isoformat()} happens twice in {where}: clocks fall back; "
            "pick a time outside that hour")
