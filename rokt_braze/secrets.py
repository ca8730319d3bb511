"""Keeping credentials out of everything we print or store: the one redactor.

Tokens, client secrets and basic-auth values are replaced by `REDACTED` in every output
format, in rendered requests, and in what the local fakes record and log, unless the user
asks for them (`--show-secrets`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from urllib.parse import parse_qsl, urlencode

#: Header names whose values are credentials; their values never appear in a report.
SECRET_HEADERS = frozenset({"authorization", "proxy-authorization", "x-api-key", "api-key",
                            "cookie", "set-cookie", "x-auth-token"})
#: Form fields and query parameters whose values are credentials (OAuth and the like).
SECRET_FIELDS = frozenset({"client_secret", "refresh_token", "access_token", "password",
                           "code"})
REDACTED = "********"
_SECRET_PARAM = re.compile(
    r"(?i)\b(" + "|".join(sorted(SECRET_FIELDS)) + r")=[^&\s\"']*"
)
#: `"access_token": "VALUE"` in a JSON answer (a token endpoint's reply).
_SECRET_JSON = re.compile(
    r'"(?:' + "|".join(sorted(SECRET_FIELDS)) + r')"\s*:\s*"((?:[^"\\]|\\.)*)"'
)
#: `scheme://userinfo@`: the userinfo ends at the first `/?#`, whitespace or `@`.
_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/?#\s@]*@")


def secret_values(headers: Mapping[str, str]) -> list[str]:
    """The secret parts of credential headers: the token after a scheme, or the whole value."""
    out = []
    for name, value in headers.items():
        if name.lower() in SECRET_HEADERS:
            scheme, _, token = value.strip().partition(" ")
            out += [v for v in (token.strip(), scheme) if len(v) >= 4 and v.lower() not in
                    ("bearer", "basic")]
    return out


def secret_json_values(text: str) -> list[str]:
    """The values of secret fields (`access_token`...) in JSON text, even cut short."""
    return [value for value in _SECRET_JSON.findall(text) if len(value) >= 4]


def redact(message: str, secrets: Iterable[str]) -> str:
    for secret in secrets:
        message = message.replace(secret, REDACTED)
    return message


#: HTTP authentication schemes: a header value that is one of these alone holds no secret
AUTH_SCHEMES = frozenset({"basic", "bearer", "digest", "negotiate", "token"})


def redact_header(name: str, value: str) -> str:
    """Keep the scheme (`Bearer`, `Basic`) so the shape stays checkable; hide the secret."""
    if name.lower() not in SECRET_HEADERS or not value:
        return value
    scheme, _, secret = value.partition(" ")
    if secret and scheme.isalpha():
        return f"{scheme} {REDACTED}" if secret.strip() else value
    if not secret and scheme.lower() in AUTH_SCHEMES:  # the scheme alone: nothing to hide
        return value
    return REDACTED


def redact_form(body: str) -> str:
    """A form-encoded body with the values of its secret fields replaced."""
    pairs = parse_qsl(body, keep_blank_values=True)
    return urlencode(
        [(key, REDACTED if key in SECRET_FIELDS else value) for key, value in pairs], safe="*"
    )


def redact_params(text: str) -> str:
    """Free text that may quote a request target, e.g. `GET /x?access_token=...`."""
    return _SECRET_PARAM.sub(lambda m: f"{m.group(1)}={REDACTED}", text)


def redact_userinfo(text: str) -> str:
    """URLs in `text` with their userinfo (`user:password@`) replaced by the marker."""
    return _USERINFO.sub(lambda m: f"{m.group(1)}{REDACTED}@", text)
