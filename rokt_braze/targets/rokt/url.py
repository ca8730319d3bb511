"""`rokt-url`: the create/update endpoint URLs, and target
detection from a rendered URL.

Expected: ``https://api.roktcalendar.com/v1/subscriptionevent/{accountCode}[/update]``.
Detection is deliberately loose (http, the old Calreply host, an empty account code) so
that such URLs reach the checks below and get a precise message.
"""

from __future__ import annotations

import difflib
import re
from functools import lru_cache

from rokt_braze.findings import Severity
from rokt_braze.targets.problem import Problem, problem, show

CREATE = "rokt.create_event"
UPDATE = "rokt.update_event"
HOST = "api.roktcalendar.com"
OLD_HOST = "api.calreply.net"
PREFIX = "/v1/subscriptionevent"

_URL = re.compile(
    r"(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*)://(?P<host>[^/?#:]*)(?P<port>:[^/?#]*)?"
    r"(?P<path>[^?#]*)(?P<tail>[?#].*)?",
    re.S,
)
_DETECT = re.compile(
    rf"\s*https?://(?:{re.escape(HOST)}|{re.escape(OLD_HOST)})(?::\d*)?"
    r"(?P<rest>(?:/[^?#]*)?)(?:[?#].*)?\s*",
    re.I | re.S,
)
#: Every route of the Rokt Calendar event API, to name the nearest one for a path that
#: matches none (only create and update are webhook targets today).
ROUTES = (
    f"POST {PREFIX}/{{accountCode}}",
    f"POST {PREFIX}/{{accountCode}}/update",
    f"DELETE {PREFIX}/{{accountCode}}/{{eventId}}",
    "DELETE /v2/subscription/{accountCode}/{subscriptionId}/subscriptionevent/{eventId}",
)
_SUFFIX = re.compile(r"(?:/|%2F)[0-9a-f]{12}", re.I)  # the `/f5733866ade2` attribute suffix
_CODE_OK = re.compile(r"[A-Za-z0-9-]")
_URL_LEGAL = re.compile(r"[A-Za-z0-9._~!$&'()*+,;=:@%-]")  # others are url-invalid's business


def detect(url: str) -> str | None:
    """The Rokt target a rendered URL calls, or None when it is not on a Rokt API host.

    Any path on the host is Rokt's, so a wrong one (`/subscriptionevents/...`) is checked
    and reported as `rokt-url` rather than passing as some other API."""
    match = _DETECT.fullmatch(url)
    if not match or match["rest"].lower().startswith("/oauth2/"):  # the token endpoint
        return None
    rest = match["rest"]
    tail = rest[len(PREFIX) + 1 :] if rest.startswith(PREFIX + "/") else rest[1:]
    return UPDATE if tail.endswith("/update") else CREATE


def check_url(url: str, target: str) -> list[Problem]:
    """Problems with `url` as the endpoint of `target`, offsets into `url`."""
    return list(_check_url(url, target))


@lru_cache(maxsize=4096)
def _check_url(url: str, target: str) -> tuple[Problem, ...]:
    return tuple(_url_problems(url, target))


def _url_problems(url: str, target: str) -> list[Problem]:
    lead = len(url) - len(url.lstrip())
    match = _URL.fullmatch(url, lead, len(url.rstrip()))
    endpoint = f"https://{HOST}{PREFIX}/{{accountCode}}" + ("/update" if target == UPDATE else "")
    if not match:
        return [_error(f"URL is not the Rokt endpoint {endpoint}", lead)]
    out = []
    if match["scheme"].lower() != "https":
        out.append(_error("the Rokt API is HTTPS only; use https://", lead))
    port = match["port"]
    if port and port[1:] not in ("", "80", "443"):
        message = f"port {port[1:]}: Braze sends webhooks to ports 80 and 443 only"
        out.append(_error(message, match.start("port")))
    host, host_at = match["host"], match.start("host")
    if host.lower() == OLD_HOST:
        out.append(_error(f"{OLD_HOST} is the pre-rename Calreply host; use {HOST}", host_at))
    elif host.lower() != HOST:
        out.append(_error(f"host {show(host)} is not {HOST}; expected {endpoint}", host_at))
    if match["tail"]:
        message = f"unexpected {show(match['tail'][:1])} part; expected {endpoint}"
        out.append(_error(message, match.start("tail")))
    path, at = match["path"], match.start("path")
    if path != PREFIX and not path.startswith(PREFIX + "/"):
        message = (f"path {show(path)} is not {PREFIX}/... and matches no Rokt route; "
                   f"nearest: {nearest_route(path)}; expected {endpoint}")  # fmt: skip
        return [*out, _error(message, at)]
    return out + _check_path(path[len(PREFIX) :], at + len(PREFIX), target)


def nearest_route(path: str) -> str:
    """The Rokt route most like `path` (placeholders compared as any one segment)."""
    segments = [s for s in path.split("/") if s]

    def likeness(route: str) -> float:
        wanted = [s for s in route.split(" ", 1)[1].split("/") if s]
        pairs = zip(segments, wanted, strict=False)
        same = sum(1.0 if w.startswith("{") else difflib.SequenceMatcher(None, s, w).ratio()
                   for s, w in pairs)  # fmt: skip
        return same / max(len(segments), len(wanted))

    return max(ROUTES, key=likeness)


def _check_path(rest: str, at: int, target: str) -> list[Problem]:
    """`rest` is what follows /v1/subscriptionevent, starting at offset `at`."""
    if not rest:
        return [_error("account code missing after /subscriptionevent/", at)]
    code = rest[1:]
    at += 1
    is_update = code.endswith("/update")  # a bare "update" is an account code of that name
    code = code.removesuffix("/update")
    out = []
    if is_update and target != UPDATE:
        out.append(_error("this is the update URL, but the webhook creates: drop /update",
                          at + len(code)))  # fmt: skip
    elif target == UPDATE and not is_update:
        out.append(_error("the update URL ends in /update after the account code", at + len(code)))
    suffix = _SUFFIX.search(code)
    if suffix and suffix.end() == len(code) and suffix.start() > 0:
        message = (f"account code still carries its {suffix.group()!r} attribute suffix: the "
                   "route has one segment, so the request cannot succeed; keep the part "
                   "before '/' (split: '/' | first)")  # fmt: skip
        out.append(_error(message, at + suffix.start()))
        code = code[: suffix.start()]
    name, slash, extra = code.partition("/")
    if not name:
        message = "account code is empty: rokt:account_code is missing or not an array"
        out.append(_error(message, at))
    if slash:
        message = f"unexpected path {show(slash + extra)} after the account code"
        out.append(_error(message, at + len(name) + 1))
    for index, char in enumerate(name):
        if not _CODE_OK.match(char) and _URL_LEGAL.match(char):
            message = (f"account code {show(name)} has {show(char)}; Rokt account codes are "
                       "URL-safe names ([A-Za-z0-9-])")  # fmt: skip
            out.append(_warning(message, at + index))
            break
    return out


def _error(message: str, offset: int) -> Problem:
    return problem("rokt-url", message, "url", offset)


def _warning(message: str, offset: int) -> Problem:
    return problem("rokt-url", message, "url", offset, Severity.WARNING)
