"""`RenderedRequest`: the HTTP request Braze would send, after rendering.

It lives on its own so that the webhook layer (which builds it) and the targets (which
check it) both depend on this small module and not on each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class RenderedRequest:
    method: str
    url: str
    headers: dict[str, str] = field(default_factory=dict)
    body: str = ""

    def header(self, name: str) -> str | None:
        """Case-insensitive header lookup, as HTTP means it."""
        lower = name.lower()
        for key, value in self.headers.items():
            if key.lower() == lower:
                return value
        return None
