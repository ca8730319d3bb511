"""Keeping credentials out of everything we print.

Tokens, client secrets and basic-auth values are redacted in every output format unless
the user asks for them (`--show-secrets`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

#: Header names whose values are credentials; their values never appear in a report.
SECRET_HEADERS = frozenset({"authorization", "proxy-authorization", "x-api-key", "api-key",
                            "cookie", "x-auth-token"})
REDACTED = "********"


def secret_values(headers: Mapping[str, str]) -> list[str]:
    """The secret parts of credential headers: the token after a scheme, or the whole value."""
    out = []
    for name, value in headers.items():
        if name.lower() in SECRET_HEADERS:
            scheme, _, token = value.strip().partition(" ")
            out += [v for v in (token.strip(), scheme) if len(v) >= 4 and v.lower() not in
                    ("bearer", "basic")]
    return out


def redact(message: str, secrets: Iterable[str]) -> str:
    for secret in secrets:
        message = message.replace(secret, REDACTED)
    return message


def redact_header(name: str, value: str) -> str:
    """Keep the scheme (`Bearer`, `Basic`) so the shape stays checkable; hide the secret."""
    if name.lower() not in SECRET_HEADERS or not value:
        return value
    scheme, _, secret = value.partition(" ")
    if secret and scheme.isalpha():
        return f"{scheme} {REDACTED}" if secret.strip() else value
    return REDACTED
