"""Helpers for the hostile-input suite (this folder is on sys.path under pytest)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

#: `cli("check", path)` -> (exit status, stdout, stderr); the `cli` fixture
Run = Callable[..., tuple[int, str, str]]


def write(folder: Path, name: str, text: str | bytes) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path
