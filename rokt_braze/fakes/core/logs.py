"""What a fake prints: no credentials and no raw control characters.

Every log line goes through `clean_line`: secrets redacted by the project's one
redactor (`rokt_braze.secrets`), then control characters escaped, so a request path
cannot forge a log line or drive the terminal. Recorded requests use the same
redactor's `redact_header` and `redact_form`.
"""

from __future__ import annotations

from rokt_braze.printable import escape_controls
from rokt_braze.secrets import redact_params

__all__ = ["clean_line", "escape_controls"]

def clean_line(line: str) -> str:
    """A log line safe to print: secrets redacted, control characters escaped."""
    return escape_controls(redact_params(line))
