"""`rokt-token`: the Bearer token must come from a connected_content token call.

Rokt access tokens last five minutes, so a token written into the template (a JWT pasted
from a test, the documentation's `<access_token>`) fails with 401 soon after it is
written, and one read from a user attribute was never Rokt's to begin with. The rendered
header cannot tell these apart from a good token; the header's template source can: the
text after `Bearer` must be Liquid output of a variable that a `connected_content` call
in the same field saved (saved variables exist only in the field that made the call), or
the output of a call without `:save`.

The source is read with the linter's markup scanner, not parsed: the rule must also
judge what the engine renders differently, and only the shape matters here.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING, NamedTuple

from rokt_braze.request import RenderedRequest
from rokt_braze.targets.problem import Problem, problem

if TYPE_CHECKING:
    from rokt_braze.lint.source import Region

_BEARER = re.compile(r"\bbearer\b", re.I)
_SAVE = re.compile(r":save\s+([A-Za-z_][\w-]*)")
_ROOT = re.compile(r"-?\s*([A-Za-z_][\w-]*)")
_ASSIGN = re.compile(r"\s*([A-Za-z_][\w-]*)\s*=\s*([A-Za-z_][\w-]*)")
_PLACEHOLDER = re.compile(r"<[^<>]*>|\[[^\[\]]*\]|\{[^{}]*\}|your|token|insert", re.I)
_JWT = re.compile(r"eyJ[\w-]*\.[\w-]+\.[\w-]*")
#: What to do instead, said by every message.
_FIX = ("Rokt access tokens last five minutes: call https://api.roktcalendar.com/oauth2/token "
        "with connected_content (:save token) in this header and send "
        "Bearer {{token.access_token}}, as the stock template does")


class Verdict(NamedTuple):
    """Where the token after `Bearer` comes from, when it is not a token call."""

    #: "literal" (written into the template) or "variable" (another variable's output)
    kind: str
    #: the variable's name, or what the literal looks like ("a JWT", "a placeholder")
    what: str


def check_token(request: RenderedRequest, header: str, source: str) -> list[Problem]:
    """`rokt-token` for the Authorization header `header` of `request`, rendered from
    `source`; nothing when the header is not a Bearer token (header-invalid says so)."""
    value = request.headers.get(header, "")
    lead = len(value) - len(value.lstrip())
    scheme, gap, token = value[lead:].partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return []
    verdict = token_origin(source)
    if verdict is None:
        return []
    if verdict.kind == "literal":
        message = f"the Bearer token is {verdict.what} written into the template; {_FIX}"
    else:
        message = (f"the Bearer token comes from {{{{{verdict.what}}}}}, not from a "
                   f"connected_content token call in this header; {_FIX}")  # fmt: skip
    at = lead + len(scheme) + len(gap) + (len(token) - len(token.lstrip()))
    return [problem("rokt-token", message, f"header:{header}", at)]


@lru_cache(maxsize=256)
def token_origin(source: str) -> Verdict | None:
    """Why the token after `Bearer` in `source` is not a token call's; None when it is, or
    when the source does not say (no literal `Bearer`: the whole value is computed)."""
    from rokt_braze.lint.source import regions, tag_name

    parts = list(regions(source))
    saved: set[str] = set()
    for part in parts:
        if tag_name(source, part) == "connected_content":
            saved.update(_SAVE.findall(source, part.body_start, part.body_end))
    start = _bearer_end(source, parts)
    if start < 0:
        return None
    pos = start
    following: list[Region | None] = [r for r in parts if r.start >= start]
    for region in [*following, None]:  # the regions after `Bearer`, then the end
        text = source[pos : region.start if region else len(source)]
        if text.strip():
            return Verdict("literal", _looks_like(text.strip()))
        if region is None:
            return None
        pos = region.end
        body = source[region.body_start : region.body_end]
        if region.kind == "raw" and body.strip():
            return Verdict("literal", _looks_like(body.strip()))
        if region.kind == "tag":
            name = tag_name(source, region)
            if name == "connected_content" and not _SAVE.search(body):
                return None  # the call's answer is the output
            assigned = _ASSIGN.match(body) if name == "assign" else None
            if assigned and assigned.group(2) in saved:
                saved.add(assigned.group(1))
        elif region.kind == "output":
            root = _ROOT.match(body.lstrip())
            name = root.group(1) if root else body.strip()
            return None if name in saved else Verdict("variable", name)
    return None


def _bearer_end(source: str, parts: list[Region]) -> int:
    """Index just past the first `Bearer` in the plain text of `source`, or -1."""
    pos = 0
    every: list[Region | None] = [*parts, None]
    for region in every:
        found = _BEARER.search(source, pos, region.start if region else len(source))
        if found:
            return found.end()
        if region is None:
            return -1
        pos = region.end
    return -1


def _looks_like(text: str) -> str:
    if _JWT.search(text):
        return "a JWT"
    if _PLACEHOLDER.search(text):
        return "a placeholder"
    return "a fixed value"
