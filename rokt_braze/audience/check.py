"""Checking users, one chunk of the export at a time (what each worker process runs).

Per user the fast path renders the specialised message (`plan`), validates the request and
keeps only rule ids, the abort reason and an 8-byte hash of the eventId. A finding's message
and position need a traced render, so they are worked out with the ordinary `check_render`
only for the users that become examples: the first three per rule.
"""

from __future__ import annotations

import hashlib
import json
from array import array
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from rokt_braze.audience.plan import MessagePlan
from rokt_braze.audience.source import Chunk
from rokt_braze.audience.summary import EXAMPLES, AbortGroup, ChunkResult, Example, RuleCount
from rokt_braze.braze import Resources
from rokt_braze.checking import check_render, declared_target
from rokt_braze.connected import FixtureError, check_fixtures
from rokt_braze.errors import MessageAborted, TemplateError
from rokt_braze.findings import RULES, Finding, Severity
from rokt_braze.limits import Limits
from rokt_braze.profiles import Profile
from rokt_braze.profiles.namespaces import build_namespaces
from rokt_braze.profiles.profile import (
    MAPPING_KEYS,
    RecordError,
    profile_from_record,
    profile_name,
)
from rokt_braze.profiles.track import TrackError, is_track_body, users_from_track
from rokt_braze.resources import build_resources
from rokt_braze.targets import detect_target, event_id
from rokt_braze.targets import validate as validate_request
from rokt_braze.webhook import Webhook, load_webhook, render_message

__all__ = ["Checker", "Job", "event_id_hash"]

FixtureSource = tuple[str, object]
#: Record keys that must hold a mapping (`profile_from_record` checks them).
_NAMESPACE_SOURCES = frozenset(MAPPING_KEYS)


@dataclass(frozen=True)
class Job:
    """Everything a worker needs, sent once per process (picklable)."""

    webhook: str
    profiles: str
    #: effective severity per rule after the config (None: the rule is off)
    severities: Mapping[str, Severity | None]
    #: config fixture files, already loaded: (path, data)
    fixtures: tuple[FixtureSource, ...] = ()
    #: False: render every field in full for every user (the reference path, for tests)
    specialise: bool = True
    limits: Limits = field(default_factory=Limits)


def event_id_hash(value: str) -> int:
    """A stable 64-bit hash (the same in every process, unlike `hash`)."""
    return int.from_bytes(hashlib.blake2b(value.encode("utf-8"), digest_size=8).digest(),
                          "little")


@dataclass
class Outcome:
    """One user's result on the fast path."""

    rules: set[str] = field(default_factory=set)
    abort: str | None = None
    event_id: str | None = None


class Checker:
    """One per process: the webhook parsed, resources built, the plan probed once."""

    def __init__(self, job: Job) -> None:
        self.job = job
        self.webhook: Webhook = load_webhook(job.webhook)
        self.target = declared_target(self.webhook)
        self.resources = self._resources([])
        self.plan = MessagePlan(self.webhook, self.resources) if job.specialise else None
        self.stem = _stem(job.profiles)

    def _resources(self, own: list[dict[str, Any]], where: str = "") -> Resources:
        return build_resources((where, own or None), (self.webhook.path, self.webhook.fixtures),
                               *self.job.fixtures, limits=self.job.limits)

    # -- a chunk ---------------------------------------------------------------------------

    def check_chunk(self, chunk: Chunk, complete: frozenset[str] = frozenset()) -> ChunkResult:
        """Check every user in `chunk`; look for examples only of rules not in `complete`."""
        result = ChunkResult(malformed=list(chunk.errors))
        hashes: array[int] = array("Q")
        lines: array[int] = array("Q")
        stem = _stem(chunk.source) if chunk.source else self.stem
        for line, user, extra in self.users(chunk, result.malformed):
            profile = self._profile(user, extra, line, result.malformed, stem)
            if profile is None:
                continue
            outcome = self.check_user(profile)
            result.users += 1
            self._tally(result, profile, line, outcome, complete)
            if outcome.event_id is not None:
                hashes.append(event_id_hash(outcome.event_id))
                lines.append(line)
        result.hashes, result.lines = hashes.tobytes(), lines.tobytes()
        result.malformed.sort()
        return result

    def users(
        self, chunk: Chunk, malformed: list[tuple[int, str]]
    ) -> Iterator[tuple[int, object, list[dict[str, Any]]]]:
        """(line, user record, file-level fixtures) for each user; bad input to `malformed`."""
        for line, record in self._records(chunk, malformed):
            if not isinstance(record, dict):
                malformed.append((line, f"not a JSON object (got {_json_kind(record)})"))
                continue
            if not is_track_body(record):
                yield line, record, []
                continue
            try:
                extra = check_fixtures(record.get("connected_content"))
                users = users_from_track(record)
            except (TrackError, FixtureError) as err:
                malformed.append((line, f"/users/track body: {err}"))
                continue
            for user in users:
                yield line, user, extra

    def _records(
        self, chunk: Chunk, malformed: list[tuple[int, str]]
    ) -> Iterator[tuple[int, object]]:
        if chunk.records:
            yield from chunk.records
            return
        for offset, raw in enumerate(chunk.data.split(b"\n")):
            line = chunk.first_line + offset
            try:
                text = raw.decode("utf-8-sig" if line == 1 else "utf-8").strip()
            except UnicodeDecodeError:
                malformed.append((line, "not UTF-8 text"))
                continue
            if not text:
                continue
            try:
                yield line, json.loads(text)
            except json.JSONDecodeError as err:
                malformed.append((line, f"invalid JSON: {err.msg} at column {err.colno}"))
            except RecursionError:
                malformed.append((line, "invalid JSON: nested too deeply"))

    def _profile(
        self, user: object, extra: list[dict[str, Any]], line: int,
        malformed: list[tuple[int, str]], stem: str = "",
    ) -> Profile | None:
        fallback = f"{stem or self.stem}:{line}"
        if (isinstance(user, dict) and not extra and "connected_content" not in user
                and all(isinstance(user[k], dict) or user[k] is None
                        for k in _NAMESPACE_SOURCES.intersection(user))):
            # What `profile_from_record` makes, without its defensive deep copy: the
            # record was just parsed and nothing else holds it.
            return Profile(profile_name(user, fallback), user, self.job.profiles)
        try:
            return profile_from_record(user, fallback_name=fallback, source=self.job.profiles,
                                       fixtures=extra)
        except RecordError as err:
            malformed.append((line, str(err)))
            return None

    # -- a user ----------------------------------------------------------------------------

    def resources_for(self, profile: Profile) -> Resources:
        if not profile.fixtures:
            return self.resources
        return self._resources(profile.fixtures, profile.source or profile.name)

    def check_user(self, profile: Profile) -> Outcome:
        """Rule ids (before the config), abort reason and eventId for one user."""
        out = Outcome()
        namespaces = build_namespaces(profile.data)
        resources = self.resources_for(profile)
        templates = None
        if self.plan is not None and resources is self.resources:
            templates = self.plan.templates(namespaces)
        try:
            result = render_message(self.webhook, namespaces, resources, templates=templates)
        except MessageAborted as abort:
            out.rules.add("render-error" if abort.cause == "retry" else "aborted")
            out.abort = abort.reason or ""
            return out
        except TemplateError as err:
            out.rules.add(err.rule)
            return out
        if any(call.status is not None and not 200 <= call.status < 300
               for _, call in result.calls):
            out.rules.add("render-error")
        if result.missing:
            out.rules.add("missing-attribute")
        if self.webhook.is_liquid:
            return out
        target = self.target or detect_target(result.request.url)
        out.rules.update(p.rule for p in validate_request(result.request, target))
        if target is not None and target.startswith("rokt."):
            out.event_id = event_id(result.request)
        return out

    def findings(self, profile: Profile) -> list[Finding]:
        """The full findings for one user, positioned (the slow, reference path)."""
        return list(check_render(self.webhook, profile, self.resources_for(profile),
                                 self.target))

    def _tally(
        self, result: ChunkResult, profile: Profile, line: int, outcome: Outcome,
        complete: frozenset[str],
    ) -> None:
        severities = self.job.severities
        rules = [r for r in outcome.rules if severities.get(r, RULES[r].severity) is not None]
        if rules:
            result.users_with_findings += 1
            external_id = profile.data.get("external_id")
            result.failing.append((line, "" if external_id is None else str(external_id),
                                   tuple(sorted(rules))))
        details: list[Finding] | None = None
        for rule in rules:
            count = result.rules.get(rule)
            if count is None:
                severity = severities.get(rule, RULES[rule].severity)
                assert severity is not None
                count = result.rules[rule] = RuleCount(rule, severity)
            count.users += 1
            if rule in complete or len(count.examples) >= EXAMPLES:
                continue
            if details is None:
                details = self.findings(profile)
            found = next((f for f in details if f.rule == rule), None)
            example = Example(profile.name, line)
            if found is not None:
                example = Example(profile.name, line, found.message, (found.line, found.column),
                                  found.field)
            count.examples.append(example)
        if outcome.abort is not None:
            result.aborted_users += 1
            group = result.aborted.get(outcome.abort)
            if group is None:
                group = result.aborted[outcome.abort] = AbortGroup(outcome.abort)
            group.users += 1
            if len(group.examples) < EXAMPLES:
                group.examples.append(Example(profile.name, line))

    def event_ids(self, chunk: Chunk, wanted: set[int]) -> Iterator[tuple[int, str, str]]:
        """(line, user, eventId) of the users on the `wanted` lines of `chunk`."""
        ignored: list[tuple[int, str]] = []
        stem = _stem(chunk.source) if chunk.source else self.stem
        for line, user, extra in self.users(chunk, ignored):
            if line not in wanted:
                continue
            profile = self._profile(user, extra, line, ignored, stem)
            if profile is not None:
                found = self.check_user(profile).event_id
                if found is not None:
                    yield line, profile.name, found


def _stem(source: str) -> str:
    """The file name that stands for a user without an id (`users.jsonl:12`)."""
    stem = source.replace("\\", "/").rsplit("/", 1)[-1]
    return stem[: -len(".gz")] if stem.endswith(".gz") else stem


def _json_kind(value: object) -> str:
    if value is None:
        return "null"
    return {list: "array", str: "string", bool: "boolean", int: "number", float: "number"}.get(
        type(value), type(value).__name__
    )
