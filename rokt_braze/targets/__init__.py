"""Receiver contracts: check a rendered request against what its receiver accepts.

`validate(request, target)` always applies the generic HTTP rules (`http.py`) and, for a
known target, that target's rules. Targets today: the Rokt Calendar create and update
event endpoints (`rokt/`). `detect_target` finds the target from the rendered URL.
"""

from __future__ import annotations

from functools import lru_cache

from rokt_braze.request import RenderedRequest
from rokt_braze.targets import http, rokt
from rokt_braze.targets.jsonpos import JsonError
from rokt_braze.targets.problem import Problem

__all__ = ["TARGETS", "Problem", "detect_target", "event_id", "validate"]

TARGETS: tuple[str, ...] = rokt.TARGETS


def detect_target(url: str) -> str | None:
    """The target a rendered URL calls (e.g. "rokt.create_event"), or None."""
    return rokt.detect(url)


def validate(request: RenderedRequest, target: str | None) -> list[Problem]:
    """Every problem in `request`: generic rules, then `target`'s rules.

    Where a target rule and a generic rule flag the same spot of the same field, the
    target's more specific problem is kept. Raises ValueError for an unknown target.
    """
    if target is not None and target not in TARGETS:
        raise ValueError(f"unknown target {target!r}; known targets: {', '.join(TARGETS)}")
    contract = rokt.CONTRACT if target else http.GENERIC
    generic = list(_head_problems(request.url, request.method,
                                  tuple(request.headers.items()), contract))
    body_problems, doc = http.check_body(request, contract)
    generic += body_problems
    if target is None:
        return generic
    specific = rokt.validate(request, target, doc)
    taken = {(p.field, p.offset) for p in specific}
    kept = [p for p in generic if (p.field, p.offset) not in taken]
    return sorted(kept + specific, key=_place)


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


def event_id(request: RenderedRequest) -> str | None:
    """The rendered `event.eventId` (or a flat body's `eventId`), if the body parses."""
    doc = http.parse_body(request.body)
    return None if isinstance(doc, JsonError) else rokt.event_id(doc)
