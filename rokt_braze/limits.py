"""Resource limits of one render, as `[tool.rokt-braze.limits]` sets them.

Plain settings, importable without the engine (the config reads them on every run, even
one answered from the result cache); `braze.limits` enforces them while rendering.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

__all__ = ["BODY_PREVIEW", "Limits"]

#: Bytes of a connected_content answer a call record keeps for `render --calls`.
BODY_PREVIEW = 2048


@dataclass(frozen=True)
class Limits:
    """Per-run resource limits; the defaults are far above any real Braze template."""

    loop_iterations: int = 100_000
    output_size: int = 1_000_000
    variables_size: int = 10_000_000
    render_seconds: float = 10.0

    @classmethod
    def from_config(cls, table: Mapping[str, object]) -> Limits:
        """From `[tool.rokt-braze.limits]` (`loop-iterations = 5000`); ValueError if bad."""
        known = {f.name.replace("_", "-"): f for f in fields(cls)}
        values: dict[str, Any] = {}
        for key, value in table.items():
            if key not in known:
                raise ValueError(f"unknown limit {key!r} (known: {', '.join(known)})")
            whole = known[key].type == "int"
            kinds = (int,) if whole else (int, float)
            if isinstance(value, bool) or not isinstance(value, kinds) or value <= 0:
                kind = "a positive whole number" if whole else "a positive number"
                raise ValueError(f"limit {key} must be {kind}, not {value!r}")
            values[known[key].name] = value
        return cls(**values)
