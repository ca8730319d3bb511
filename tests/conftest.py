"""Shared test setup: this folder is on sys.path (pytest's default import mode puts a
root conftest's folder there), so every test area can import `stock_bodies`."""

import pytest


@pytest.fixture(autouse=True)
def _no_result_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    """`rokt-braze check` caches results in the user's cache folder; tests that exercise
    the cache turn it back on with a folder of their own (tests/cache)."""
    monkeypatch.setenv("ROKT_BRAZE_NO_CACHE", "1")
