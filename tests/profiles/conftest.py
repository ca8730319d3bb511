"""Helpers shared by the profile tests."""

from __future__ import annotations

import gzip
from collections.abc import Callable
from pathlib import Path

import pytest

Writer = Callable[..., Path]


@pytest.fixture
def write(tmp_path: Path) -> Writer:
    """write(name, text_or_bytes, gz=False) -> path of a new file in tmp_path."""

    def _write(name: str, content: str | bytes, *, gz: bool = False) -> Path:
        data = content.encode("utf-8") if isinstance(content, str) else content
        path = tmp_path / (name + ".gz" if gz else name)
        path.write_bytes(gzip.compress(data) if gz else data)
        return path

    return _write
