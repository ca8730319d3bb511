"""Fixtures of the fuzz tests."""

from __future__ import annotations

import pytest
from fuzz_helpers import HARDENED


@pytest.fixture(scope="module")
def hardened(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("hardened") / "hardened.webhook.yaml"
    path.write_text(HARDENED.lstrip(), encoding="utf-8")
    return str(path)
