"""What a fake prints: no credentials and no raw control characters.

Every log line goes through `clean_line`: secrets redacted by the project's one
redactor (`rokt_braze.secrets`), then control characters escaped, so a request path
cannot forge a log line or drive the terminal. Recorded requests use the same
redactor's `redact_header` and `redact_form`.
"""

from __future__ import annotations

import re

from rokt_braze.secrets import redact_params

#: C0 controls, DEL and C1 controls; also the bidi overrides that reorder a terminal line.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def escape_controls(text: str) -> str:
    """Control characters as visible escapes (`\\x1b`, `\\u202e`); the rest unchanged."""

    def visible(match: re.Match[str]) -> str:
        code = ord(match.group())
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"

    return _CONTROL.sub(visible, text)


def clean_line(line: str) -> str:
    """A log line safe to print: secrets redacted, control characters escaped."""
    return escape_controls(redact_params(line))
