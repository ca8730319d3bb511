"""Keep credentials out of recorded requests and log lines.

Anything the fake keeps or prints goes through here: client secrets, Basic credentials,
bearer and refresh tokens are replaced by `<redacted>` before they are stored.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode

REDACTED = "<redacted>"

_SECRET_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "set-cookie"})
_SECRET_FIELDS = frozenset({"client_secret", "refresh_token", "access_token", "password", "code"})
_SECRET_PARAM = re.compile(
    r"(?i)\b(client_secret|refresh_token|access_token|password|code)=[^&\s\"']*"
)


def header(name: str, value: str) -> str:
    """Keep the auth scheme (`Basic`, `Bearer`) for assertions, drop the credential."""
    if name.lower() not in _SECRET_HEADERS:
        return value
    scheme, _, rest = value.strip().partition(" ")
    return f"{scheme} {REDACTED}" if rest else REDACTED


def form(body: str) -> str:
    """A form-encoded body with its secret fields' values replaced."""
    pairs = parse_qsl(body, keep_blank_values=True)
    return urlencode(
        [(key, REDACTED if key in _SECRET_FIELDS else value) for key, value in pairs], safe="<>"
    )


def text(line: str) -> str:
    """Free text that may quote a request target, e.g. `GET /x?access_token=...`."""
    return _SECRET_PARAM.sub(lambda m: f"{m.group(1)}={REDACTED}", line)
