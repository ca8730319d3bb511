from __future__ import annotations

from collections.abc import Iterator

import pytest

from rokt_braze.fakes.rokt import FakeRokt, ManualClock, running_fake_rokt

from .helpers import ACCOUNT, CLIENT_ID, SECRET, get_token


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def log_lines() -> list[str]:
    return []


@pytest.fixture
def fake(clock: ManualClock, log_lines: list[str]) -> Iterator[FakeRokt]:
    """A running fake with one client and one account; always stopped after the test."""
    with running_fake_rokt(
        clients={CLIENT_ID: SECRET}, accounts=[ACCOUNT], clock=clock, log=log_lines.append
    ) as server:
        yield server


@pytest.fixture
def token(fake: FakeRokt) -> str:
    return get_token(fake)
