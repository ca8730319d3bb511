"""Fixtures shared by the engine tests: a frozen `'now'`, and a transport that records calls."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import pytest

from rokt_braze.braze import MessageState, Rendered, Resources, parse_template
from rokt_braze.braze.filters import braze_filter_functions
from rokt_braze.braze.template import braze_environment
from rokt_braze.connected import CallRequest, CallResponse, FixtureTransport, parse_fixtures


class Recorder:
    """A fixture transport that keeps every request it was sent, in order."""

    def __init__(self, fixtures: Iterable[Mapping[str, Any]] = ()) -> None:
        self.inner = FixtureTransport(parse_fixtures(list(fixtures)))
        self.requests: list[CallRequest] = []

    def send(self, request: CallRequest) -> CallResponse:
        self.requests.append(request)
        return self.inner.send(request)

    def backoff(self, attempt: int) -> None:  # retries must not sleep in tests
        pass


def render(
    source: str,
    namespaces: Mapping[str, object] | None = None,
    *,
    state: MessageState | None = None,
    transport: Recorder | None = None,
    **resources: Any,
) -> Rendered:
    """Render with the engine directly: namespaces as the template sees them."""
    if state is None:
        state = MessageState(Resources(transport=transport or Recorder(), **resources))
    return parse_template(source).render(dict(namespaces or {}), state)


@pytest.fixture
def freeze_now(monkeypatch: pytest.MonkeyPatch) -> Callable[[dt.datetime], None]:
    """freeze_now(moment): `'now'` is `moment` in every Braze environment, for this test."""

    def freeze(moment: dt.datetime) -> None:
        functions = braze_filter_functions(clock=lambda: moment)
        for traced in (False, True):
            for lenient in (False, True):
                env = braze_environment(traced=traced, lenient=lenient)
                for name in ("date", "time_zone"):
                    monkeypatch.setitem(env.filters, name, functions[name])

    return freeze


@pytest.fixture
def recorder() -> type[Recorder]:
    """The `Recorder` class: `recorder([fixture, ...])` makes a recording transport."""
    return Recorder


@pytest.fixture
def engine() -> Callable[..., Rendered]:
    """`render` above: engine(source, namespaces, transport=..., state=..., **resources)."""
    return render
