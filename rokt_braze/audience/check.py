"""Checking users, one chunk of the export at a time (what each worker process runs).

Every user goes through the pipeline (`rokt_braze.pipeline`), as in `check`: the same
resources, the same render-outcome-to-findings step, the same severities and
suppressions. What differs is the schedule: per user the fast path renders the specialised
message (`plan`) and keeps only the judged (rule, severity) pairs, the abort reason and an
8-byte hash of the eventId, for a batch of users at a time, a stage at a time (`BATCH`).
A finding's message and position need a traced render, so they are worked out only for
the users that become examples: the first three per rule.
"""

from __future__ import annotations

import hashlib
import json
from array import array
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from rokt_braze import fastjson
from rokt_braze.audience.plan import MessagePlan
from rokt_braze.audience.source import Chunk
from rokt_braze.audience.summary import (
    EXAMPLES,
    AbortGroup,
    ChunkResult,
    Example,
    LineProblem,
    RuleCount,
    RuleKey,
)
from rokt_braze.connected import FixtureError, check_fixtures
from rokt_braze.fastjson import NOT_READ
from rokt_braze.findings import Finding, Severity
from rokt_braze.pipeline import Outcome, Pipeline, Settings
from rokt_braze.profiles import Profile
from rokt_braze.profiles.loading import json_key_at, not_an_object
from rokt_braze.profiles.namespaces import build_namespaces
from rokt_braze.profiles.profile import (
    MAPPING_KEYS,
    RecordError,
    profile_from_record,
    profile_name,
)
from rokt_braze.profiles.track import TrackError, is_track_body, users_from_track
from rokt_braze.targets import event_id, event_id_policy
from rokt_braze.webhook import load_webhook

__all__ = ["Checker", "Job", "event_id_hash", "read_line"]

#: Where a record is: (line, column, its JSON text), see `Checker._records`.
Where = tuple[int, int, str | bytes]

#: Record keys that must hold a mapping (`profile_from_record` checks them).
_NAMESPACE_SOURCES = frozenset(MAPPING_KEYS)

#: Users checked together, a stage at a time (read them all, render them all, judge them
#: all, tally them all): each stage's code and data then stay in the CPU caches across
#: the batch instead of being evicted by the other stages' for every user. On the stock
#: template this is about a quarter of the per-user time (bench/audience.py); a batch
#: holds only this many users' records and results at once.
BATCH = 64


@dataclass(frozen=True)
class Job:
    """Everything a worker needs, sent once per process (picklable)."""

    webhook: str
    profiles: str
    #: config, config fixtures (already read), as every entry point gets them
    settings: Settings = field(default_factory=Settings)
    #: False: render every field in full for every user (the reference path, for tests)
    specialise: bool = True
    #: keep every user with a finding (line, id, rules), for a --failing-users file
    failing: bool = False


def event_id_hash(value: str) -> int:
    """A stable 64-bit hash (the same in every process, unlike `hash`)."""
    return int.from_bytes(hashlib.blake2b(value.encode("utf-8"), digest_size=8).digest(),
                          "little")


@dataclass
class UserResult:
    """One user's result on the fast path."""

    rules: set[RuleKey] = field(default_factory=set)
    abort: str | None = None
    event_id: str | None = None


class Checker:
    """One per process: the webhook's pipeline, its resources built, the plan probed once.

    The eventId probe runs on each chunk's first user with an eventId; the merged tally
    keeps the one of the first user by (source, line), whatever the order chunks finish in.
    """

    def __init__(self, job: Job) -> None:
        self.job = job
        self.pipeline = Pipeline(load_webhook(job.webhook), job.settings)
        self.webhook = self.pipeline.webhook
        self.target = self.pipeline.target
        resources = self.pipeline.resources()  # a bad fixture fails here
        self.plan = MessagePlan(self.webhook, resources) if job.specialise else None
        #: the per-user identity rule (Rokt: rokt-event-id) and its severity, once seen
        self.identity: tuple[str, Severity | None] | None = None
        self.stem = _stem(job.profiles)
        #: a user's judged rules -> (them sorted, their rule names sorted), see `_tally`
        self._sorted: dict[frozenset[RuleKey], tuple[tuple[RuleKey, ...], tuple[str, ...]]] = {}

    # -- a chunk ---------------------------------------------------------------------------

    def check_chunk(self, chunk: Chunk, complete: frozenset[RuleKey] = frozenset()) -> ChunkResult:
        """Check every user in `chunk`; look for examples only of rules not in `complete`."""
        result = ChunkResult(malformed=list(chunk.errors))
        hashes: array[int] = array("Q")
        lines: array[int] = array("Q")
        stem = _stem(chunk.source) if chunk.source else self.stem
        renders_before = Counter(self.plan.counts) if self.plan is not None else Counter()
        batch: list[tuple[int, Profile]] = []
        for where, user, extra in self.users(chunk, result.malformed):
            profile = self._profile(user, extra, where, result.malformed, stem)
            if profile is None:
                continue
            batch.append((where[0], profile))
            if len(batch) == BATCH:
                self._check_batch(batch, result, hashes, lines, complete)
                batch = []
        if batch:
            self._check_batch(batch, result, hashes, lines, complete)
        result.hashes, result.lines = hashes.tobytes(), lines.tobytes()
        result.identity = self.identity
        if self.plan is not None:
            result.renders = dict(self.plan.counts - renders_before)
        result.malformed.sort()
        return result

    def _check_batch(
        self, batch: list[tuple[int, Profile]], result: ChunkResult, hashes: array[int],
        lines: array[int], complete: frozenset[RuleKey],
    ) -> None:
        """Check and tally a batch of users, in input order."""
        outcomes = self.check_users([profile for _, profile in batch])
        for (line, profile), outcome in zip(batch, outcomes, strict=True):
            result.users += 1
            self._tally(result, profile, line, outcome, complete)
            if outcome.event_id is not None:
                hashes.append(event_id_hash(outcome.event_id))
                lines.append(line)
                if result.probe is None:  # the chunk's first user with an eventId
                    found = self.pipeline.identity_probe(self.pipeline.render(profile))
                    result.probe = None if found is None else (line, found)

    def users(
        self, chunk: Chunk, malformed: list[LineProblem]
    ) -> Iterator[tuple[Where, object, list[dict[str, Any]]]]:
        """(where, user record, file-level fixtures) for each user; bad input to `malformed`."""
        for line, column, text, record in self._records(chunk, malformed):
            where = (line, column, text)
            if not isinstance(record, dict):
                malformed.append((*_place(where), not_an_object(record)))
                continue
            if not is_track_body(record):
                yield where, record, []
                continue
            try:
                extra = check_fixtures(record.get("connected_content"))
                users = users_from_track(record)
            except (TrackError, FixtureError) as err:
                malformed.append((*_place(where), f"/users/track body: {err}"))
                continue
            for user in users:
                yield where, user, extra

    def _records(
        self, chunk: Chunk, malformed: list[LineProblem]
    ) -> Iterator[tuple[int, int, str | bytes, object]]:
        """(line, column, JSON text, value) of each record (a JSON Lines record's text is its
        line, from column 1)."""
        if chunk.records:
            yield from chunk.records
            return
        for offset, raw in enumerate(chunk.data.split(b"\n")):
            line = chunk.first_line + offset
            value = fastjson.loads(raw)
            if value is not NOT_READ:
                yield line, 1, raw, value
                continue
            value, column, error = read_line(raw, line)
            if error:
                malformed.append((line, column, error))
            elif value is not _BLANK:
                yield line, 1, raw, value

    def _profile(
        self, user: object, extra: list[dict[str, Any]], where: Where,
        malformed: list[LineProblem], stem: str = "",
    ) -> Profile | None:
        if isinstance(user, dict) and not extra and "connected_content" not in user:
            for key in _NAMESPACE_SOURCES.intersection(user):
                if user[key] is not None and not isinstance(user[key], dict):
                    break  # a shape `profile_from_record` refuses, with its message
            else:
                # What `profile_from_record` makes, without its defensive deep copy: the
                # record was just parsed and nothing else holds it.
                name = user.get("external_id")
                if type(name) is not str or not name:  # (the usual case, as profile_name)
                    name = profile_name(user, "") or f"{stem or self.stem}:{where[0]}"
                return Profile(name, user, self.job.profiles)
        fallback = f"{stem or self.stem}:{where[0]}"
        try:
            return profile_from_record(user, fallback_name=fallback, source=self.job.profiles,
                                       fixtures=extra)
        except RecordError as err:
            malformed.append((*_place(where, err.key), str(err)))
            return None

    # -- a user ----------------------------------------------------------------------------

    def check_user(self, profile: Profile) -> UserResult:
        """The judged (rule, severity) pairs, abort reason and eventId of one user."""
        return self._judge(self._render(profile))

    def check_users(self, profiles: Sequence[Profile]) -> list[UserResult]:
        """`check_user` of each, a stage at a time: every render, then every verdict."""
        outcomes = [self._render(profile) for profile in profiles]
        return [self._judge(outcome) for outcome in outcomes]

    def _render(self, profile: Profile) -> Outcome:
        namespaces = build_namespaces(profile.data)
        templates = None
        if self.plan is not None:
            if profile.fixtures:  # its own fixtures: the plan's recorded calls do not hold
                self.plan.counts["interpreted: own fixtures"] += 1
            else:
                templates = self.plan.templates(namespaces)
        return self.pipeline.render(profile, namespaces=namespaces, templates=templates)

    def _judge(self, outcome: Outcome) -> UserResult:
        pipeline = self.pipeline
        out = UserResult(pipeline.rules(outcome), outcome.abort_reason)
        if outcome.result is not None and outcome.target is not None:
            out.event_id = event_id(outcome.result.request, outcome.target)
            if out.event_id is not None and self.identity is None:
                policy = event_id_policy(outcome.target)
                assert policy is not None
                self.identity = (policy.rule, pipeline.policy.severity(policy.rule))
        return out

    def findings(self, profile: Profile) -> list[Finding]:
        """The full findings for one user, positioned (the plain, unspecialised render)."""
        return self.pipeline.findings(self.pipeline.render(profile))

    def _tally(
        self, result: ChunkResult, profile: Profile, line: int, outcome: UserResult,
        complete: frozenset[RuleKey],
    ) -> None:
        if not outcome.rules:
            keys: tuple[RuleKey, ...] = ()
        else:
            result.users_with_findings += 1
            rules = frozenset(outcome.rules)
            sorted_rules = self._sorted.get(rules)
            if sorted_rules is None:  # users repeat a handful of sets: sort each once
                sorted_rules = self._sorted[rules] = (
                    tuple(sorted(rules)), tuple(sorted({rule for rule, _ in rules})))
            keys = sorted_rules[0]
            if self.job.failing:
                external_id = profile.data.get("external_id")
                result.failing.append((line, "" if external_id is None else str(external_id),
                                       sorted_rules[1]))
        details: list[Finding] | None = None
        for key in keys:
            count = result.rules.get(key)
            if count is None:
                count = result.rules[key] = RuleCount(*key)
            count.users += 1
            if key in complete or len(count.examples) >= EXAMPLES:
                continue
            if details is None:
                details = self.findings(profile)
            found = next((f for f in details if (f.rule, f.severity) == key), None)
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
        ignored: list[LineProblem] = []
        stem = _stem(chunk.source) if chunk.source else self.stem
        for where, user, extra in self.users(chunk, ignored):
            if where[0] not in wanted:
                continue
            profile = self._profile(user, extra, where, ignored, stem)
            if profile is not None:
                found = self.check_user(profile).event_id
                if found is not None:
                    yield where[0], profile.name, found


_BLANK = object()
def read_line(raw: bytes, line: int) -> tuple[object, int, str]:
    """One line of an export read with `json`: (its value, 0, "") or (`_BLANK`, 0, "") or
    (None, the column or 0, why it is malformed); the column counts characters of the line
    as in the file, as a profile file's error does. The reference: the fast parser may only
    agree with it, or give up on a line and leave it to this."""
    try:
        decoded = raw.decode("utf-8-sig" if line == 1 else "utf-8")
    except UnicodeDecodeError:
        return None, 0, "not UTF-8 text"
    text = decoded.strip()
    if not text:
        return _BLANK, 0, ""
    try:
        return json.loads(text), 0, ""
    except json.JSONDecodeError as err:
        indent = len(decoded) - len(decoded.lstrip())
        return None, indent + err.colno, f"invalid JSON: {err.msg}"
    except RecursionError:
        return None, 0, "invalid JSON: nested too deeply"


def _place(where: Where, key: str = "") -> tuple[int, int]:
    """(line, column) of a record's `key` (its start without one, or on a Parquet row)."""
    line, column, raw = where
    if not raw:
        return line, column
    text = raw.decode("utf-8-sig", "replace") if isinstance(raw, bytes) else raw
    at = json_key_at(text, len(text) - len(text.lstrip()), key)
    newline = text.rfind("\n", 0, at)
    if newline < 0:
        return line, column + at
    return line + text.count("\n", 0, at), at - newline


def _stem(source: str) -> str:
    """The file name that stands for a user without an id (`users.jsonl:12`)."""
    stem = source.replace("\\", "/").rsplit("/", 1)[-1]
    return stem[: -len(".gz")] if stem.endswith(".gz") else stem

