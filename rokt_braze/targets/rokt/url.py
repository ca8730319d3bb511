"""`rokt-url`: the URL of each Rokt route (`routes.py`), and finding the route a rendered
request calls.

Detection is deliberately loose (http, the old Calreply host, an empty account code, any
path on the host) so that such URLs reach the checks below and get a precise message. A
path names the route; the method only chooses between routes whose paths look alike
(`/v1/subscriptionevent/acme/f5733866ade2` is a create whose account code kept its
attribute suffix when POSTed, a delete of that event id when DELETEd). A method that is
not the route's is `method-invalid`, naming the route and the ones that take the method.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from functools import lru_cache

from rokt_braze.findings import Severity
from rokt_braze.targets.problem import Problem, problem, show
from rokt_braze.targets.rokt.routes import (
    CREATE,
    DELETE,
    PREFIX,
    REMOVE,
    ROUTES,
    UPDATE,
    V2_PREFIX,
    Route,
    route,
)

HOST = "api.roktcalendar.com"
OLD_HOST = "api.calreply.net"

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
_HEX12 = re.compile(r"[0-9a-f]{12}", re.I)
_SUFFIX = re.compile(r"(?:/|%2F)[0-9a-f]{12}", re.I)  # the `/f5733866ade2` attribute suffix
_CODE_OK = re.compile(r"[A-Za-z0-9-]")
_URL_LEGAL = re.compile(r"[A-Za-z0-9._~!$&'()*+,;=:@%-]")  # others are url-invalid's business
_GUID = re.compile(r"[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}")
_V2 = re.compile(
    rf"{re.escape(V2_PREFIX)}/(?P<accountCode>.*)/(?P<subscriptionId>[^/]*)"
    r"/subscriptionevent/(?P<eventId>[^/]*)"
)


def detect(url: str, method: str = "POST") -> str | None:
    """The Rokt endpoint a rendered request calls, or None when it is not on a Rokt API host.

    Any path on the host is Rokt's, so a wrong one (`/subscriptionevents/...`) is checked
    and reported as `rokt-url` rather than passing as some other API."""
    match = _DETECT.fullmatch(url)
    if not match or match["rest"].lower().startswith("/oauth2/"):  # the token endpoint
        return None
    rest = match["rest"]
    method = method.strip().upper()
    candidates = _shaped_like(rest)
    for shaped in candidates:
        if shaped.method == method:
            return shaped.endpoint
    if candidates:
        return candidates[0].endpoint
    if method == "DELETE":
        return REMOVE if rest.startswith("/v2/") else DELETE
    return UPDATE if rest.endswith("/update") else CREATE


def _shaped_like(path: str) -> list[Route]:
    """The routes whose path `path` has the shape of (an account code may keep its suffix)."""
    if path.startswith(V2_PREFIX + "/"):
        return [route(REMOVE)]
    if not path.startswith(PREFIX + "/"):
        return []
    segments = path[len(PREFIX) + 1 :].split("/")
    suffixed = len(segments) >= 2 and _HEX12.fullmatch(segments[1]) is not None
    out = []
    if len(segments) == 1 or (len(segments) == 2 and suffixed):
        out.append(CREATE)
    if len(segments) in (2, 3) and segments[-1] == "update":
        out.append(UPDATE)
    if (len(segments) == 2 and segments[1]) or (len(segments) == 3 and suffixed):
        out.append(DELETE)
    return [route(endpoint) for endpoint in out]


def check_method(method: str, endpoint: str) -> list[Problem]:
    """`method-invalid` naming the route, and the routes that do take `method`."""
    wanted = route(endpoint)
    if method.strip().upper() == wanted.method:
        return []  # right method, wrong spelling: the generic rule says how to spell it
    others = [r for r in ROUTES if r.method == method.strip().upper()]
    hint = ("; " + ", ".join(f"{r.shown} ({r.summary})" for r in others)
            if others else "")  # fmt: skip
    message = (f"method {show(method)} is not the method of Rokt's {wanted.shown} "
               f"({wanted.summary}): use {wanted.method}{hint}")  # fmt: skip
    return [problem("method-invalid", message, "method", 0)]


def check_url(url: str, endpoint: str) -> list[Problem]:
    """Problems with `url` as the URL of `endpoint`, offsets into `url`."""
    return list(_check_url(url, endpoint))


@lru_cache(maxsize=4096)
def _check_url(url: str, endpoint: str) -> tuple[Problem, ...]:
    return tuple(_url_problems(url, route(endpoint)))


def _url_problems(url: str, wanted: Route) -> list[Problem]:
    lead = len(url) - len(url.lstrip())
    match = _URL.fullmatch(url, lead, len(url.rstrip()))
    expected = f"https://{HOST}{wanted.path}"
    if not match:
        return [_error(f"URL is not the Rokt endpoint {expected}", lead)]
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
        out.append(_error(f"host {show(host)} is not {HOST}; expected {expected}", host_at))
    if match["tail"]:
        message = f"unexpected {show(match['tail'][:1])} part; expected {expected}"
        out.append(_error(message, match.start("tail")))
    path, at = match["path"], match.start("path")
    prefix = V2_PREFIX if wanted.endpoint == REMOVE else PREFIX
    if path != prefix and not path.startswith(prefix + "/"):
        message = (f"path {show(path)} is not {prefix}/... and matches no Rokt route; "
                   f"nearest: {nearest_route(path)}; expected {expected}")  # fmt: skip
        return [*out, _error(message, at)]
    if wanted.endpoint == REMOVE:
        return out + _check_v2(path, at)
    return out + _check_v1(path[len(PREFIX) :], at + len(PREFIX), wanted)


def nearest_route(path: str) -> str:
    """The Rokt route most like `path` (placeholders compared as any one segment)."""
    segments = [s for s in path.split("/") if s]

    def likeness(route: Route) -> float:
        wanted = [s for s in route.path.split("/") if s]
        pairs = zip(segments, wanted, strict=False)
        same = sum(1.0 if w.startswith("{") else difflib.SequenceMatcher(None, s, w).ratio()
                   for s, w in pairs)  # fmt: skip
        return same / max(len(segments), len(wanted))

    return max(ROUTES, key=likeness).shown


def _check_v1(rest: str, at: int, wanted: Route) -> list[Problem]:
    """`rest` is what follows /v1/subscriptionevent, starting at offset `at`."""
    if not rest:
        return [_error("account code missing after /subscriptionevent/", at)]
    code = rest[1:]
    at += 1
    out = []
    event = None
    if wanted.endpoint == DELETE:
        code, slash, event = code.rpartition("/")
        if not slash:
            message = ("the delete URL ends in /{eventId} after the account code: "
                       f"{wanted.path}")  # fmt: skip
            return [_error(message, at + len(event))]
    else:
        is_update = code.endswith("/update")  # a bare "update" is an account code of that name
        code = code.removesuffix("/update")
        if is_update and wanted.endpoint != UPDATE:
            out.append(_error("this is the update URL, but the webhook creates: drop /update",
                              at + len(code)))  # fmt: skip
        elif wanted.endpoint == UPDATE and not is_update:
            message = "the update URL ends in /update after the account code"
            out.append(_error(message, at + len(code)))
    out += _check_code(code, at)
    if event is not None:
        out += _check_event_id(event, at + len(code) + 1)
    return out


def _check_v2(path: str, at: int) -> list[Problem]:
    match = _V2.fullmatch(path)
    if not match:
        message = f"path {show(path)} is not {route(REMOVE).path}"
        return [_error(message, at)]
    out = _check_code(match["accountCode"], at + match.start("accountCode"))
    sid, sid_at = match["subscriptionId"], at + match.start("subscriptionId")
    if not sid:
        out.append(_error("subscriptionId is empty: rokt:subscription_id is missing?", sid_at))
    elif not _GUID.fullmatch(sid):
        message = f"subscriptionId {show(sid)} is not a GUID (8-4-4-4-12 hex digits)"
        out.append(_error(message, sid_at))
    return out + _check_event_id(match["eventId"], at + match.start("eventId"))


def _check_code(code: str, at: int) -> list[Problem]:
    """The account code segment(s) `code` at offset `at`."""
    out = []
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


def _check_event_id(event: str, at: int) -> list[Problem]:
    if not event:
        return [_error("eventId is empty: the event to delete is named last in the path", at)]
    if event.endswith("_"):
        message = f"eventId {show(event)} ends in '_': the user id part rendered empty"
        return [_error(message, at + len(event) - 1)]
    return []


@lru_cache(maxsize=4096)
def path_values(url: str, endpoint: str) -> Mapping[str, tuple[str, int]]:
    """The route's placeholders in `url` (`accountCode`, `eventId`, `subscriptionId`), each
    with its offset; an account code without its attribute suffix. {} when the path is
    not the route's. Cached (an audience's URLs repeat): read it, do not change it."""
    match = _URL.fullmatch(url)
    if not match:
        return {}
    path, at = match["path"], match.start("path")
    if endpoint == REMOVE:
        v2 = _V2.fullmatch(path)
        if not v2:
            return {}
        out = {name: (value, at + v2.start(name)) for name, value in v2.groupdict().items()}
    elif path.startswith(PREFIX + "/"):
        rest = path[len(PREFIX) + 1 :]
        out = {"accountCode": (rest, at + len(PREFIX) + 1)}
        if endpoint == DELETE and "/" in rest:
            code, _, event = rest.rpartition("/")
            out = {"accountCode": (code, out["accountCode"][1]),
                   "eventId": (event, at + len(path) - len(event))}  # fmt: skip
    else:
        return {}
    code, code_at = out["accountCode"]
    out["accountCode"] = (_SUFFIX.split(code)[0].split("/")[0], code_at)
    return out


def _error(message: str, offset: int) -> Problem:
    return problem("rokt-url", message, "url", offset)


def _warning(message: str, offset: int) -> Problem:
    return problem("rokt-url", message, "url", offset, Severity.WARNING)
