"""The `ruby` fixture: Ruby Liquid must be present, or the test is skipped with the reason
(and fails under CI=true, where `.ci/run` installs it)."""

from __future__ import annotations

import pytest

from oracle.ruby_liquid import require_ruby


@pytest.fixture
def ruby() -> None:
    require_ruby()
