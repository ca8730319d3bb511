"""connected_content calls as a user sees them: one dict per call, credentials redacted.

`render --calls`, `render --as json` and `check --format json` (the calls behind a
finding) show the same view of a call; the keys are those of `render --as json`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from rokt_braze.braze.state import CallRecord
from rokt_braze.limits import BODY_PREVIEW
from rokt_braze.secrets import (
    redact,
    redact_header,
    redact_params,
    redact_userinfo,
    secret_json_values,
    secret_values,
)
from rokt_braze.webhook.file import Field

__all__ = ["call_view", "cleaner", "unredacted"]


def unredacted(text: str) -> str:
    """The cleaner of `--show-secrets`: everything as it is."""
    return text


def cleaner(headers: Mapping[str, str], calls: Iterable[CallRecord],
            show_secrets: bool = False) -> Callable[[str], str]:  # fmt: skip
    """What every shown string goes through: credentials in URLs and query strings, and
    any token the request's `headers`, a call's headers or a token endpoint's answer
    carried, redacted (unless `show_secrets`)."""
    if show_secrets:
        return unredacted
    secrets = secret_values(headers)
    for call in calls:
        secrets += secret_values(call.request_headers) + secret_json_values(call.response_body)

    def clean(text: str) -> str:
        return redact(redact_params(redact_userinfo(text)), secrets)

    return clean


def call_view(fld: Field, call: CallRecord, clean: Callable[[str], str]) -> dict[str, Any]:
    """One call (made by field `fld`) as `--calls` shows it, passed through `clean`."""
    def headers(pairs: dict[str, str]) -> dict[str, str]:
        if clean is unredacted:
            return dict(pairs)
        return {k: clean(redact_header(k, v)) for k, v in pairs.items()}

    line, column = fld.position(call.index)
    return {
        "field": fld.name, "line": line, "column": column,
        "method": call.method,
        "url": clean(call.url),
        "request_headers": headers(call.request_headers),
        "request_body": None if call.request_body is None else clean(call.request_body),
        "answered_by": clean(call.answered_by) or "not answered",
        "status": call.status,
        "response_headers": headers(call.response_headers),
        "response_body": clean(call.response_body),
        "response_size": call.response_size,
        "response_truncated": call.response_size > BODY_PREVIEW,
        "duration_ms": round(call.duration_ms, 3),
        "attempts": call.attempts,
        "retry": call.retry,
        "save": call.save,
        "cache": None if call.cache_ttl is None else
        {"key": clean(call.cache_key), "max_age": call.cache_ttl},
    }
