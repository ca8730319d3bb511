"""The search: which rules can a user profile make fail, and the smallest profile for each.

Two phases, both driven by Hypothesis with a fixed seed so the same seed gives the same
answer:

1. discovery - draw `examples` profiles from a strategy built from the attributes the
   template reads, render and validate each, and note which rules fail (and the first
   profile for each);
2. minimising - for every rule found, `hypothesis.find` searches again with the predicate
   "this profile triggers rule R" and shrinks the first hit to a minimal profile. When that
   second search does not meet the rule within its budget (a rare rule), the profile from
   discovery is shrunk by a plain greedy pass instead, so a rule seen once is never lost.

Interrupted (`stop()` turns true, or Ctrl-C), the search stops at the next profile and
returns what it has: every rule seen so far, with its minimal profile when the second phase
reached it, else the profile discovery met it with (`RuleFailure.shrunk` says which).

A rule "fails" for a profile when it yields a finding at or above the chosen level, after
the config's rule severities and ignores and the file's suppression comments - the same
filters `check` applies. A Python exception while rendering is a bug in rokt-braze; it is
kept as the pseudo-rule `internal-error` with its own minimal profile, for the bug report.
"""

from __future__ import annotations

import contextlib
import copy
import importlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from random import Random
from typing import Any

from hypothesis import HealthCheck, Phase, Verbosity, find, settings
from hypothesis.errors import NoSuchExample
from hypothesis.strategies import SearchStrategy

from rokt_braze.braze import parse_template
from rokt_braze.config import Config, load_config
from rokt_braze.errors import InputError, TemplateError
from rokt_braze.findings import Finding, Severity
from rokt_braze.pipeline import Pipeline, Settings
from rokt_braze.profiles import Profile
from rokt_braze.profiles.strategies import profiles
from rokt_braze.webhook import Webhook, load_webhook

__all__ = [
    "INTERNAL_ERROR",
    "FuzzResult",
    "RuleFailure",
    "draw_profiles",
    "fuzz_webhook",
    "greedy_shrink",
    "template_reads",
]

INTERNAL_ERROR = "internal-error"
Data = dict[str, Any]
#: Upper bound on predicate calls of the greedy fallback shrinker.
_GREEDY_STEPS = 2_000


@dataclass(frozen=True)
class RuleFailure:
    """One failing rule: the findings its minimal profile gives, and that profile."""

    rule: str
    severity: Severity
    findings: tuple[Finding, ...]
    profile: Data
    #: how many of the discovery profiles triggered the rule
    hits: int
    #: False: the run was interrupted before this profile was shrunk (it is as found)
    shrunk: bool = True


@dataclass(frozen=True)
class FuzzResult:
    path: str
    seed: int
    #: profiles drawn in discovery (fewer than asked when the search space ran out)
    examples: int
    level: Severity
    failures: tuple[RuleFailure, ...]
    #: the webhook's own findings (lint), as `check` reports them
    template: tuple[Finding, ...] = ()
    #: rule -> the file its minimal profile was written to (`--out`)
    written: dict[str, str] = field(default_factory=dict)
    #: the run was stopped (Ctrl-C) before it was done: `examples` counts the profiles tried
    interrupted: bool = False

    def to_dict(self) -> dict[str, object]:
        return {
            "version": 1,
            "webhook": self.path,
            "seed": self.seed,
            "examples": self.examples,
            "level": str(self.level),
            "interrupted": self.interrupted,
            "template_findings": [f.to_dict() for f in self.template],
            "failures": [
                {"rule": f.rule, "severity": str(f.severity), "hits": f.hits,
                 "findings": [x.to_dict() for x in f.findings], "profile": f.profile,
                 "shrunk": f.shrunk, "written": self.written.get(f.rule)}
                for f in self.failures
            ],
        }


def fuzz_webhook(
    path: str,
    *,
    examples: int = 200,
    seed: int = 0,
    level: Severity = Severity.ERROR,
    config: Config | None = None,
    stop: Callable[[], bool] | None = None,
    on_found: Callable[[RuleFailure], object] | None = None,
) -> FuzzResult:
    """Fuzz one webhook file; InputError when it cannot be loaded or does not parse.

    `stop`: asked before each profile; once true, the search ends there and the result
    (`interrupted`) holds what was found so far. A KeyboardInterrupt is taken the same way.
    `on_found`: called as soon as discovery meets a rule, with its first profile (not
    shrunk), so a caller can keep it even if the process is killed.
    """
    if examples < 1:
        raise ValueError("examples must be at least 1")
    webhook = load_webhook(path)
    oracle = _Oracle(webhook, config or load_config(None), level, stop)
    strategy = profiles(template_reads(webhook, oracle.content_blocks))
    found = _Found()
    interrupted = False
    try:
        _discover(strategy, oracle, examples, seed, found, on_found)
        for rule in sorted(found.sightings):
            first = found.sightings[rule][0]
            found.minimal[rule] = _minimise(strategy, oracle, rule, first, examples,
                                            f"{seed}/{rule}")
    except KeyboardInterrupt:
        interrupted = True
    oracle.stop = None  # what remains renders the profiles in hand, whatever happens
    failures = [_failure(oracle, rule, found) for rule in sorted(found.sightings)]
    return FuzzResult(webhook.path, seed, found.drawn, level, tuple(failures),
                      tuple(oracle.pipeline.template_findings()), interrupted=interrupted)


@dataclass
class _Found:
    """What the search has found so far (kept when it is interrupted): rule -> (the first
    profile that triggered it, how many did), the profiles drawn, rule -> minimal profile."""

    sightings: dict[str, tuple[Data, int]] = field(default_factory=dict)
    drawn: int = 0
    minimal: dict[str, Data] = field(default_factory=dict)


def _failure(oracle: _Oracle, rule: str, found: _Found) -> RuleFailure:
    first, hits = found.sightings[rule]
    minimal = found.minimal.get(rule, first)
    findings = tuple(oracle.failing(minimal).get(rule, ()))
    if not findings:  # cannot happen for a deterministic render; keep the raw sighting
        minimal, findings = first, tuple(oracle.failing(first)[rule])
    worst = max(f.severity for f in findings)
    return RuleFailure(rule, worst, findings, minimal, hits, shrunk=rule in found.minimal)


def template_reads(
    webhook: Webhook, content_blocks: Mapping[str, str] | None = None
) -> list[tuple[str | None, str]]:
    """The `${...}` attributes the webhook's fields (and its content blocks) read, in order."""
    sources = [fld.source for fld in webhook.fields()] + list((content_blocks or {}).values())
    reads: dict[tuple[str | None, str], None] = {}
    for source in sources:
        try:
            attributes = parse_template(source).attributes
        except TemplateError:  # a content block that does not parse reads nothing we know
            continue
        for attr in attributes:
            reads.setdefault((attr.namespace, attr.name))
    return list(reads)


class _Oracle:
    """Renders and validates the webhook for one profile; answers which rules fail."""

    def __init__(self, webhook: Webhook, config: Config, level: Severity,
                 stop: Callable[[], bool] | None = None) -> None:
        self.pipeline = Pipeline(webhook, Settings(config))
        #: asked before each profile: true ends the search (as Ctrl-C does)
        self.stop = stop
        for err in self.pipeline.parse_errors()[:1]:
            raise InputError(
                f"{err.rule} {err.message}; fuzz needs a webhook that parses (rokt-braze check)",
                path=webhook.path, line=err.line, column=err.column)
        self.webhook = webhook
        self.level = level
        self.content_blocks = dict(self.pipeline.resources().content_blocks)  # validates them

    def failing(self, data: Data) -> dict[str, list[Finding]]:
        """Rule -> its findings at or above the level, for the user `data`."""
        if self.stop is not None and self.stop():
            raise KeyboardInterrupt  # Hypothesis lets it through at once, as it must
        out: dict[str, list[Finding]] = {}
        for found in self._findings(data):
            if found.severity >= self.level:
                out.setdefault(found.rule, []).append(found)
        return out

    def _findings(self, data: Data) -> list[Finding]:
        """The user's findings as `check` reports them (the pipeline's judgement)."""
        try:
            return self.pipeline.findings(self.pipeline.render(Profile("fuzz", data)))
        except Exception as err:  # a bug in rokt-braze, found by fuzzing: keep it
            return [Finding(INTERNAL_ERROR, Severity.ERROR, f"{type(err).__name__}: {err}",
                            file=self.webhook.path)]


def _settings(max_examples: int) -> settings:
    """Everything that could make two runs differ is pinned (no database, no deadline)."""
    return settings(
        max_examples=max_examples,
        database=None,
        deadline=None,
        derandomize=False,
        phases=(Phase.generate, Phase.shrink),
        verbosity=Verbosity.quiet,
        suppress_health_check=list(HealthCheck),
        print_blob=False,
        report_multiple_bugs=False,
        backend="hypothesis",
    )


def draw_profiles(strategy: SearchStrategy[Data], count: int, seed: int,
                  each: Callable[[Data], object] | None = None) -> list[Data]:
    """`count` values drawn from `strategy`, the same ones for the same seed (fewer when the
    strategy has fewer distinct values); `each` is called with every value as it is drawn."""
    drawn: list[Data] = []

    def keep(data: Data) -> bool:
        drawn.append(copy.deepcopy(data))
        if each is not None:
            each(drawn[-1])
        return False  # never "found": keep drawing until the budget is spent

    with _without_local_constants(), contextlib.suppress(NoSuchExample):
        find(strategy, keep, settings=_settings(count), random=Random(seed))
    return drawn


def _discover(
    strategy: SearchStrategy[Data], oracle: _Oracle, examples: int, seed: int, found: _Found,
    on_found: Callable[[RuleFailure], object] | None = None,
) -> None:
    """Into `found`: rule -> (first profile that triggered it, how many did), and how many
    were drawn; each profile is judged as it is drawn, so an interruption keeps them."""
    seen = found.sightings

    def judge(data: Data) -> None:
        failing = oracle.failing(data)
        found.drawn += 1
        for rule, findings in failing.items():
            first, hits = seen.get(rule, (data, 0))
            seen[rule] = (first, hits + 1)
            if not hits and on_found is not None:
                on_found(RuleFailure(rule, max(f.severity for f in findings), tuple(findings),
                                     data, 1, shrunk=False))

    draw_profiles(strategy, examples, seed, each=judge)


@contextlib.contextmanager
def _without_local_constants() -> Iterator[None]:
    """Draw as if no module of the caller's were loaded.

    Hypothesis mixes literals found in "local" modules (source files outside site-packages)
    into its draws, so one seed would give different profiles depending on which modules
    happen to be imported and on whether rokt-braze runs from a checkout or a wheel. The
    pool lives in Hypothesis internals; when they move, this does nothing and a seed stays
    reproducible only within one environment.
    """
    try:
        providers: Any = importlib.import_module("hypothesis.internal.conjecture.providers")
        original = providers._get_local_constants
        cache = providers.CONSTANTS_CACHE.cache
        empty = providers.Constants()
    except (ImportError, AttributeError):  # pragma: no cover - a Hypothesis without the pool
        yield
        return
    cache.clear()  # values cached from the real pool must not leak in
    providers._get_local_constants = lambda: empty
    try:
        yield
    finally:
        providers._get_local_constants = original
        cache.clear()


def _minimise(
    strategy: SearchStrategy[Data],
    oracle: _Oracle,
    rule: str,
    first: Data,
    budget: int,
    seed: str,
) -> Data:
    def triggers(data: Data) -> bool:
        return rule in oracle.failing(data)

    try:
        with _without_local_constants():
            found: Data = find(strategy, triggers, settings=_settings(2 * budget),
                               random=Random(seed))
    except NoSuchExample:
        return greedy_shrink(first, triggers)
    return copy.deepcopy(found)


def greedy_shrink(value: Data, holds: Callable[[Data], bool]) -> Data:
    """Take the first simpler variant that still `holds`, until none does (or the step
    budget is spent); a fallback for when Hypothesis cannot meet the rule again."""
    current = value
    steps = 0
    progress = True
    while progress and steps < _GREEDY_STEPS:
        progress = False
        for candidate in _simpler(current):
            steps += 1
            if holds(candidate):
                current, progress = candidate, True
                break
            if steps >= _GREEDY_STEPS:
                break
    return current


def _simpler(value: Any) -> Iterator[Any]:
    """Variants of `value` one step simpler: a part removed, or one part made simpler."""
    if isinstance(value, dict):
        for key in value:
            yield {k: v for k, v in value.items() if k != key}
        for key, item in value.items():
            for smaller in _simpler(item):
                yield {**value, key: smaller}
    elif isinstance(value, list):
        for index in range(len(value)):
            yield value[:index] + value[index + 1:]
        for index, item in enumerate(value):
            for smaller in _simpler(item):
                yield [*value[:index], smaller, *value[index + 1:]]
    elif isinstance(value, str) and value:
        yield from _shorter(value)
    elif isinstance(value, (int, float)) and not isinstance(value, bool) and value != 0:
        yield type(value)(0)


def _shorter(text: str) -> Iterable[str]:
    candidates = ["", text[: len(text) // 2], text[len(text) // 2 :]]
    if len(text) <= 64:
        candidates += [text[:i] + text[i + 1 :] for i in range(len(text))]
    return [c for c in dict.fromkeys(candidates) if c != text]
