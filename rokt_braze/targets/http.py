"""Generic HTTP rules for a rendered request: URL, method, headers, JSON body.

Every request gets these checks; a target tightens them through an `HttpContract`
(e.g. Rokt's create: POST only, a Bearer token, a JSON object body; its delete: DELETE,
no body). Rules: `url-invalid`, `method-invalid`, `header-invalid`, `body-json-invalid`,
`body-unexpected`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from rokt_braze.findings import Severity
from rokt_braze.request import RenderedRequest
from rokt_braze.targets.base import BodyField, EventIdPolicy, Origin, PerUser
from rokt_braze.targets.jsonpos import JsonDoc, JsonError, parse
from rokt_braze.targets.problem import Problem, problem, show


@dataclass(frozen=True)
class HttpContract:
    """What a receiver demands of the request beyond plain HTTP sanity."""

    methods: tuple[str, ...] = ("GET", "POST", "PUT", "PATCH", "DELETE")
    bearer_token: bool = False  # Authorization must be `Bearer <token>`
    json_body: bool = False  # Content-Type must be JSON and the body a JSON object
    takes_body: bool = True  # False: the endpoint reads no body (a body is `body-unexpected`)


GENERIC = HttpContract()

# Characters that may not appear raw in a URL (RFC 3986 leaves them out), plus anything
# non-ASCII; `{` and `}` usually mean Liquid that did not render.
_URL_BAD = re.compile(r'[\x00-\x20\x7f<>"{}|\\^`]|[^\x00-\x7f]')
_URL_PARTS = re.compile(
    r"(?:(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*):)?(?://(?P<host>[^/?#]*))?(?P<path>[^?#]*)"
)
_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
_OWS = " \t"
_JSON_TYPE = re.compile(
    r"application/json\s*(?:;\s*charset\s*=\s*\"?[A-Za-z0-9._:-]+\"?\s*)?", re.I
)
_ANY_JSON_TYPE = re.compile(r"[a-z]+/(?:[^;]*\+)?json\b", re.I)
_JSON_KINDS = {list: "array", str: "string", bool: "boolean", type(None): "null"}
# `Bearer` as the translated Braze Rokt Calendar pages spell it
_TRANSLATED_BEARER = ("Portador", "Porteur", "ベアラー")


def check_url(url: str) -> list[Problem]:
    """`url-invalid`: absolute https URL with a host, no stray characters, no `//` in the path."""
    if not url.strip():
        return [_url("URL is empty; expected an absolute https:// URL", 0)]
    out: list[Problem] = []
    start = len(url) - len(url.lstrip())
    end = len(url.rstrip())
    if start:
        out.append(_url("URL starts with whitespace (a line break from a tag?); remove it", 0))
    if end < len(url):
        out.append(_url("URL ends with whitespace; remove it", end))
    bad = _URL_BAD.search(url, start, end)
    if bad:
        message = f"URL contains {show(bad.group())}; percent-encode it (or unrendered Liquid?)"
        out.append(_url(message, bad.start()))
    parts = _URL_PARTS.match(url, start, end)
    assert parts is not None  # every group is optional
    scheme, host = parts["scheme"], parts["host"]
    if scheme is None or host is None:
        out.append(_url("URL is not absolute; expected https://host/path", start))
        return out
    if scheme.lower() != "https":
        out.append(_url(f"URL scheme is {scheme}://; webhooks must use https://", start))
    if not host:
        out.append(_url("URL has no host; expected https://host/path", parts.start("host")))
    empty = parts["path"].find("//")
    if empty >= 0:
        at = parts.start("path") + empty + 1
        out.append(_url("URL path has an empty segment ('//'): a variable rendered empty?", at))
    return out


def _url(message: str, offset: int) -> Problem:
    return problem("url-invalid", message, "url", offset)


def check_method(method: str, contract: HttpContract) -> list[Problem]:
    """`method-invalid`: the method must be one the contract allows, spelled in capitals."""
    if method in contract.methods:
        return []
    message = f"method {show(method)} is not allowed; use {' or '.join(contract.methods)}"
    return [problem("method-invalid", message, "method", 0)]


def check_headers(request: RenderedRequest, contract: HttpContract) -> list[Problem]:
    """`header-invalid`: names are tokens, values have no line breaks, plus the contract."""
    out: list[Problem] = []
    for name, value in request.headers.items():
        field = f"header:{name}"
        bad = _CONTROL.search(value)
        if not _TOKEN.fullmatch(name):
            message = f"header name {show(name)} is not a valid HTTP header name (no spaces)"
            out.append(_header(message, field))
        elif bad:
            message = f"header {name} contains {show(bad.group())}; a header value is one line"
            out.append(_header(message, field, bad.start()))
        elif name.lower() == "authorization":
            out.extend(_check_authorization(value, field, contract))
        elif name.lower() == "content-type" and contract.json_body:
            stripped = value.strip(_OWS)
            if not _JSON_TYPE.fullmatch(stripped):
                message = f"Content-Type is {show(stripped)}; the body is JSON: application/json"
                out.append(_header(message, field, len(value) - len(value.lstrip(_OWS))))
    for name, want, severity, needed in _REQUIRED_HEADERS:
        if needed(contract) and request.header(name) is None:
            message = f"{name} header is missing; send {name}: {want}"
            if severity is not None:
                message += " (Braze infers a type for the body, so this is a warning)"
            out.append(_header(message, f"header:{name}", severity=severity))
    return out


#: Headers a contract needs; a missing Content-Type is a warning (Braze infers one).
_REQUIRED_HEADERS: tuple[tuple[str, str, Severity | None, Callable[[HttpContract], bool]], ...] = (
    ("Authorization", "Bearer <access token>", None, lambda c: c.bearer_token),
    ("Content-Type", "application/json", Severity.WARNING, lambda c: c.json_body),
)


def _header(
    message: str, field: str, offset: int = -1, severity: Severity | None = None
) -> Problem:
    return problem("header-invalid", message, field, offset, severity)


def _check_authorization(value: str, field: str, contract: HttpContract) -> list[Problem]:
    lead = len(value) - len(value.lstrip(_OWS))
    scheme, sep, token = value[lead:].partition(" ")
    token = token.rstrip(_OWS)
    token_at = lead + len(scheme) + len(sep)
    if not scheme.strip(_OWS):
        return [_header("Authorization is empty; expected 'Bearer <access token>'", field, lead)]
    if scheme.lower() in ("bearer", "basic") and not token.strip():
        message = (f"Authorization is {scheme!r} with an empty token (the token request "
                   "failed or returned no access_token)")  # fmt: skip
        return [_header(message, field, token_at)]
    if not contract.bearer_token:
        return []
    if scheme.lower() != "bearer":  # auth schemes are case-insensitive (RFC 9110)
        hint = " (translated from a localized Braze page)" if scheme in _TRANSLATED_BEARER else ""
        message = f"Authorization scheme is {show(scheme)}{hint}; expected 'Bearer <access token>'"
        return [_header(message, field, lead)]
    gap = re.search(r"\s", token)
    if gap:
        message = "Authorization token contains whitespace; expected 'Bearer <one token>'"
        return [_header(message, field, token_at + gap.start())]
    return []


@lru_cache(maxsize=32)
def parse_body(body: str) -> JsonDoc | JsonError:
    """Parse a body once even when several checks (and `event_id`) ask for it."""
    try:
        return parse(body)
    except JsonError as err:
        return err


def check_body(
    request: RenderedRequest, contract: HttpContract
) -> tuple[list[Problem], JsonDoc | None]:
    """`body-json-invalid`: the body must parse (an object, for JSON targets);
    `body-unexpected`: an endpoint that takes no body gets none.

    Without a contract demanding JSON, only a body whose Content-Type says JSON is parsed.
    Returns the parsed body too, for the target's rules.
    """
    if not contract.takes_body:
        text = request.body
        if not text.strip():
            return [], None
        message = ("a body is sent, but the endpoint takes none: it is ignored (a body on a "
                   "DELETE has no defined meaning in HTTP, and some servers refuse it); "
                   "leave the body empty")  # fmt: skip
        at = len(text) - len(text.lstrip())
        return [problem("body-unexpected", message, "body", at)], None
    if not contract.json_body:
        kind = request.header("Content-Type") or ""
        if not _ANY_JSON_TYPE.match(kind.strip()):
            return [], None
    if not request.body or request.body.isspace():  # (no stripped copy of the body)
        return [_body("body is empty; expected a JSON object", 0)], None
    doc = parse_body(request.body)
    if isinstance(doc, JsonError):
        return [_body(f"body is not valid JSON: {doc.msg}{_hint(doc.msg)}", doc.pos)], None
    if contract.json_body and not isinstance(doc.value, dict):
        kind = _JSON_KINDS.get(type(doc.value), "number")
        message = f"body is a JSON {kind}; expected a JSON object"
        return [_body(message, doc.value_offset(()))], None
    return [], doc


def _body(message: str, offset: int) -> Problem:
    return problem("body-json-invalid", message, "body", offset)


def _hint(msg: str) -> str:
    """The usual template cause of a JSON error, when the decoder message points at it."""
    if msg.startswith("Invalid control character"):
        return " (a line break or tab rendered inside a string: apply json_escape)"
    if msg in ("Expecting ',' delimiter", "Expecting ':' delimiter"):
        return " (often a rendered value with an unescaped quote: apply json_escape)"
    return ""


class HttpTarget:
    """The generic receiver: any URL, any method, no body rules, no fixtures."""

    endpoints: tuple[str, ...] = ("http",)

    def detect(self, url: str, method: str) -> str | None:
        return None  # never detected: it is what an undetected URL gets

    def contract(self, endpoint: str) -> HttpContract:
        return GENERIC

    def validate(
        self, request: RenderedRequest, endpoint: str, doc: JsonDoc | None,
        origin: Origin | None = None,
    ) -> list[Problem]:
        return []

    def per_user(
        self, request: RenderedRequest, endpoint: str, doc: JsonDoc, origin: Origin
    ) -> PerUser | None:
        return None

    def fixtures(self) -> list[Mapping[str, Any]]:
        return []

    def event_ids(self, endpoint: str) -> EventIdPolicy | None:
        return None

    def array_attribute(self, namespace: str | None, name: str) -> str | None:
        return None

    def body_fields(self, endpoint: str) -> tuple[BodyField, ...]:
        return ()


TARGET = HttpTarget()
