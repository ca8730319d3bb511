"""Text from outside (a server's answer, a request path) made safe to print.

Control characters, DEL, C1 controls and the bidi overrides become visible escapes
(`\\x1b`, `\\u202e`), so input can neither forge lines in a log nor drive the terminal.
"""

from __future__ import annotations

import re

_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def escape_controls(text: str, keep: str = "") -> str:
    """`text` with control characters escaped, except those in `keep` (e.g. "\\n\\t")."""

    def visible(match: re.Match[str]) -> str:
        char = match.group()
        if char in keep:
            return char
        code = ord(char)
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"

    return _CONTROL.sub(visible, text)
