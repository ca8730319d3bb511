"""Receiver contracts: check a rendered request against what its receiver accepts.

Each receiver is a `Target` (`base.py`) listed in `registry.py`; today the Rokt Calendar
event endpoints (`rokt/`: create, update, the v1 and v2 deletes) and the generic HTTP
target (`http.py`).
`validate(request, endpoint)` always applies the generic HTTP rules, tightened by the
endpoint's contract, then the endpoint's own rules. `detect_target` finds the endpoint
from the rendered URL. Nothing outside this package knows any receiver by name.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from functools import lru_cache
from typing import Any

from rokt_braze.findings import RULES, Severity
from rokt_braze.request import RenderedRequest
from rokt_braze.targets import http
from rokt_braze.targets.base import BodyField, EventIdPolicy, Origin, PerUser, Target
from rokt_braze.targets.jsonpos import JsonDoc, JsonError
from rokt_braze.targets.problem import Problem
from rokt_braze.targets.registry import endpoints, targets

__all__ = [
    "BodyField",
    "EventIdPolicy",
    "Origin",
    "PerUser",
    "Problem",
    "RuleCounter",
    "Target",
    "array_attribute",
    "body_fields",
    "builtin_fixtures",
    "detect_target",
    "endpoint_ids",
    "event_id",
    "event_id_policy",
    "validate",
]


def endpoint_ids() -> tuple[str, ...]:
    """Every endpoint id a webhook's `target:` may name."""
    return tuple(endpoints())


def detect_target(url: str, method: str = "POST") -> str | None:
    """The endpoint a rendered request calls (e.g. "rokt.create_event"), or None."""
    for target in targets():
        found = target.detect(url, method)
        if found is not None:
            return found
    return None


def _target(endpoint: str | None) -> Target:
    if endpoint is None:
        return http.TARGET
    try:
        return endpoints()[endpoint]
    except KeyError:
        raise ValueError(
            f"unknown target {endpoint!r}; known targets: {', '.join(endpoints())}"
        ) from None


def validate(
    request: RenderedRequest, target: str | None, origin: Origin | None = None
) -> list[Problem]:
    """Every problem in `request`: generic rules, then the endpoint `target`'s rules
    (`origin`: what it was rendered from, for the rules that need the template or the user).

    Where a target rule and a generic rule flag the same spot of the same field, the
    target's more specific problem is kept. Raises ValueError for an unknown target.
    """
    receiver = _target(target)
    contract = receiver.contract(target) if target else http.GENERIC
    generic, doc = _generic(request, contract)
    if target is None:
        return generic
    return _merged(generic, receiver.validate(request, target, doc, origin))


def _generic(
    request: RenderedRequest, contract: http.HttpContract
) -> tuple[list[Problem], JsonDoc | None]:
    """The generic HTTP problems, and the parsed body."""
    generic = list(_head_problems(request.url, request.method,
                                  tuple(request.headers.items()), contract))
    body_problems, doc = http.check_body(request, contract)
    return generic + body_problems, doc


def _merged(generic: list[Problem], specific: list[Problem]) -> list[Problem]:
    """Both, in field order, without a generic problem where a specific one is."""
    if not specific:
        return generic
    # (offsets are read only where they decide something: a body problem's costs a scan)
    fields = {p.field for p in generic}
    taken = {(p.field, p.offset) for p in specific if p.field in fields}
    kept = [p for p in generic if (p.field, p.offset) not in taken]
    out = kept + specific
    return sorted(out, key=_place) if len(out) > 1 else out


#: (rule, severity) of a problem: its own severity, else the rule's
RuleKey = tuple[str, Severity]


class RuleCounter:
    """The (rule, severity) pairs of `validate`'s problems for requests rendered from one
    webhook (`sources`), for a caller that only counts them (an audience run).

    The target splits its rules (`Target.per_user`): those that read values differing per
    user run for every request; the pairs of all the others, generic rules included, are
    reused for every request with the same URL, method, headers and key. Nothing is
    placed: no offset is looked up. A body the target does not split goes to `validate`.
    """

    def __init__(self, sources: Mapping[str, str]) -> None:
        self.sources = sources
        self._memo: dict[Hashable, list[RuleKey]] = {}
        #: endpoint -> its target, when its contract takes a JSON object body (else None)
        self._splits: dict[str, Target | None] = {}

    def rules(
        self, request: RenderedRequest, target: str | None, attributes: Mapping[str, object]
    ) -> list[RuleKey]:
        """The pairs of `validate(request, target, Origin(sources, attributes))`, each once
        or more."""
        origin = Origin(self.sources, attributes)
        split = self._split(request, target, origin)
        if split is None:
            return _keys(validate(request, target, origin))
        assert target is not None
        mine = _keys(split.problems)
        key = (target, request.url, request.method, tuple(request.headers.items()), split.key)
        shared = self._memo.get(key)
        if shared is None:
            if len(self._memo) >= _MEMO_SIZE:
                self._memo.clear()
            generic, _ = _generic(request, _target(target).contract(target))
            shared = self._memo[key] = _keys(_merged(generic, split.shared()))
        return shared + mine if mine else shared

    def _split(self, request: RenderedRequest, target: str | None, origin: Origin
               ) -> PerUser | None:  # fmt: skip
        """The target's split, for a JSON object body (no generic body problem) whose
        per-user problems are all in the body (none can take a generic one's place)."""
        if target is None:
            return None
        receiver = self._splits.get(target)
        if receiver is None:
            if target in self._splits:
                return None
            found = _target(target)
            receiver = self._splits[target] = found if found.contract(target).json_body else None
            if receiver is None:
                return None
        if not request.body:
            return None
        doc = http.parse_body(request.body)
        if isinstance(doc, JsonError) or type(doc.value) is not dict:
            return None
        split = receiver.per_user(request, target, doc, origin)
        if split is None or (split.problems and any(p.field != "body" for p in split.problems)):
            return None
        return split


_MEMO_SIZE = 4096


def _keys(problems: list[Problem]) -> list[RuleKey]:
    return [(p.rule, p.severity or RULES[p.rule].severity) for p in problems]


@lru_cache(maxsize=4096)
def _head_problems(
    url: str, method: str, headers: tuple[tuple[str, str], ...], contract: http.HttpContract
) -> tuple[Problem, ...]:
    """URL, method and header problems; cached, since across an audience the URL and the
    headers are the same for most users (the headers render once per run)."""
    request = RenderedRequest(method, url, dict(headers))
    return (*http.check_url(url), *http.check_method(method, contract),
            *http.check_headers(request, contract))


def _place(p: Problem) -> tuple[int, str, int]:
    """URL, method, headers (by name), body; by offset within a field."""
    group = {"url": 0, "method": 1, "body": 3}.get(p.field, 2)
    return group, p.field if group == 2 else "", p.offset


def event_id_policy(target: str | None) -> EventIdPolicy | None:
    """The per-user identity the endpoint's receiver expects, if any."""
    return None if target is None else _target(target).event_ids(target)


def event_id(request: RenderedRequest, target: str | None = None) -> str | None:
    """The rendered per-user identity (for Rokt, `event.eventId`), if the body parses.

    Without `target`, the endpoint is detected from the URL.
    """
    policy = event_id_policy(target or detect_target(request.url, request.method))
    if policy is None:
        return None
    doc = http.parse_body(request.body)
    return None if isinstance(doc, JsonError) else policy.read(doc)


def body_fields(endpoint: str | None) -> tuple[BodyField, ...]:
    """The keys a JSON body for `endpoint` may carry (none for generic HTTP)."""
    return () if endpoint is None else _target(endpoint).body_fields(endpoint)


def builtin_fixtures() -> list[Mapping[str, Any]]:
    """Every target's built-in connected_content fixtures (user fixtures win over them)."""
    return [fixture for target in targets() for fixture in target.fixtures()]


def array_attribute(namespace: str | None, name: str) -> str | None:
    """Why a receiver writes `namespace.${name}` as an array, or None."""
    for target in targets():
        why = target.array_attribute(namespace, name)
        if why is not None:
            return why
    return None
