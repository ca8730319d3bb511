"""The `lint` fixture: lint YAML text written to a temporary webhook file."""

from __future__ import annotations

from pathlib import Path

import pytest

from .helpers import LintFn, make_lint


@pytest.fixture
def lint(tmp_path: Path) -> LintFn:
    return make_lint(tmp_path)
