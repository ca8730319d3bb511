"""`{% connected_content URL [:option value ...] %}`, with Braze's semantics.

The markup is split into the URL and options *before* any Liquid in it renders (that is
why Braze wants inline JSON bodies without spaces), then each part renders in the
field's context. The call goes through the message's transport; offline that means
fixtures, and nothing here ever opens a socket.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TextIO
from urllib.parse import parse_qsl

from liquid import Node, Tag
from liquid.exceptions import LiquidError, LiquidSyntaxError

from rokt_braze.braze.origins import OriginBuffer
from rokt_braze.braze.state import CallRecord, message_state
from rokt_braze.braze.tags import parse_braze, render_nodes, take_markup
from rokt_braze.braze.values import rubify
from rokt_braze.connected import CallFailed, CallRequest, CallResponse
from rokt_braze.errors import MessageAborted

if TYPE_CHECKING:
    from liquid import Environment, RenderContext
    from liquid.stream import TokenStream
    from liquid.token import Token

FLAGS = frozenset({"retry", "no_cache", "rerender"})
VALUED = frozenset(
    {"method", "headers", "body", "content_type", "basic_auth", "auth_credentials", "save",
     "cache_max_age", "cache"}
)
OPTIONS = FLAGS | VALUED
#: Valued options Braze also accepts bare: `:cache_max_age` alone is the 5-minute default.
OPTIONAL_VALUE = frozenset({"cache_max_age"})
MAX_RETRIES = 5
MIN_CACHE, MAX_CACHE = 300, 14_400  # seconds, Braze's bounds for :cache_max_age


class ConnectedContentError(LiquidError):
    """A call Braze could not make; `rule` is the finding to report."""

    def __init__(self, message: str, *, token: Token | None, rule: str) -> None:
        super().__init__(message, token=token)
        self.rule = rule


@dataclass
class Markup:
    """The parsed markup: each value is a small template, rendered per call."""

    url: list[Node]
    options: dict[str, list[Node] | None] = field(default_factory=dict)
    raw: dict[str, str] = field(default_factory=dict)


def split_markup(markup: str) -> tuple[str, list[tuple[str, str | None, int]]]:
    """Split raw markup into the URL and `(option, raw value or None, offset)` triples.

    Raises ValueError with a user-facing message for malformed markup. Shared with
    the linter, which reports these problems without rendering.
    """
    pos = _skip_ws(markup, 0)
    url, pos = _word(markup, pos)
    if not url or url.startswith(":"):
        raise ValueError("connected_content needs a URL first")
    options: list[tuple[str, str | None, int]] = []
    while True:
        pos = _skip_ws(markup, pos)
        if pos >= len(markup):
            return url, options
        m = re.compile(r":(\w+)").match(markup, pos)
        if not m:
            word, _ = _word(markup, pos)
            previous = options[-1][0] if options else "URL"
            raise ValueError(
                f"unexpected {word!r} after {previous if previous == 'URL' else ':' + previous}"
                + (" (an inline :body must have no spaces; build it with capture)"
                   if previous == "body" else "")
            )
        name, start = m.group(1), m.start()
        if name not in OPTIONS:
            raise ValueError(f"unknown connected_content option :{name}")
        pos = m.end()
        if name in FLAGS or (name in OPTIONAL_VALUE and _no_value_at(markup, pos)):
            options.append((name, None, start))
            continue
        pos = _skip_ws(markup, pos)
        if name == "headers":
            value, pos = _braced(markup, pos)
        else:
            value, pos = _word(markup, pos)
        if not value or value.startswith(":"):
            raise ValueError(f":{name} needs a value")
        options.append((name, value, start))


def _no_value_at(text: str, pos: int) -> bool:
    """True when the option at `pos` has no value: the markup ends or another option follows."""
    rest = text[_skip_ws(text, pos):]
    return not rest or rest.startswith(":")


def _skip_ws(text: str, pos: int) -> int:
    while pos < len(text) and text[pos].isspace():
        pos += 1
    return pos


def _word(text: str, pos: int) -> tuple[str, int]:
    """Up to the next whitespace that is not inside a `{{ }}` output."""
    start = pos
    depth = 0
    while pos < len(text):
        if text.startswith("{{", pos):
            depth += 1
            pos += 2
        elif text.startswith("}}", pos) and depth:
            depth -= 1
            pos += 2
        elif text[pos].isspace() and not depth:
            break
        else:
            pos += 1
    return text[start:pos], pos


def _braced(text: str, pos: int) -> tuple[str, int]:
    """A `{...}` JSON object, balanced, quoted strings respected."""
    if not text.startswith("{", pos):
        raise ValueError(":headers needs a JSON object")
    depth = 0
    i = pos
    while i < len(text):
        char = text[i]
        if char == '"':
            i += 1
            while i < len(text) and text[i] != '"':
                i += 2 if text[i] == "\\" else 1
        elif char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return text[pos : i + 1], i + 1
        i += 1
    raise ValueError(":headers JSON object is not closed")


class ConnectedContentNode(Node):
    __slots__ = ("markup",)

    def __init__(self, token: Token, markup: Markup) -> None:
        super().__init__(token)
        self.markup = markup
        self.blank = False

    def _value(self, name: str, context: RenderContext) -> str | None:
        nodes = self.markup.options.get(name)
        return None if nodes is None else render_nodes(nodes, context).strip()

    def build_request(self, context: RenderContext) -> CallRequest:
        url = render_nodes(self.markup.url, context).strip()
        method = (self._value("method", context) or "get").upper()
        if method not in ("GET", "POST"):
            raise LiquidError(
                f"connected_content supports GET and POST only, not {method}", token=self.token
            )
        headers: dict[str, str] = {}
        raw_headers = self._value("headers", context)
        if raw_headers:
            try:
                parsed = json.loads(raw_headers)
            except json.JSONDecodeError as err:
                message = f":headers is not valid JSON: {err.msg}"
                raise LiquidError(message, token=self.token) from None
            if not isinstance(parsed, dict):
                raise LiquidError(":headers must be a JSON object", token=self.token)
            headers = {str(k): str(v) for k, v in parsed.items()}
        body = self._value("body", context) if method == "POST" else None
        content_type = self._value("content_type", context)
        if content_type:
            headers.setdefault("Content-Type", content_type)
            headers.setdefault("Accept", content_type)
            if body and "json" in content_type and body[:1] not in "{[":
                body = json.dumps(dict(parse_qsl(body, keep_blank_values=True)))
        elif method == "GET":
            headers.setdefault("Content-Type", "application/json")
            headers.setdefault("Accept", "*/*")
        else:
            headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
        return CallRequest(
            method=method,
            url=url,
            headers=headers,
            body=body,
            basic_auth=self._value("basic_auth", context),
            auth_credentials=self._value("auth_credentials", context),
            cache_ttl=self._cache_ttl(method, context),
        )

    def _cache_ttl(self, method: str, context: RenderContext) -> int | None:
        """Braze caches GETs 5 minutes unless :no_cache; POSTs only with :cache_max_age."""
        if "cache_max_age" in self.markup.options and self.markup.options["cache_max_age"] is None:
            return MIN_CACHE  # bare :cache_max_age: Braze's default, 5 minutes
        raw = self._value("cache_max_age", context) or self._value("cache", context)
        if raw is not None:
            try:
                return min(max(int(raw), MIN_CACHE), MAX_CACHE)
            except ValueError:
                raise LiquidError(f":cache_max_age needs seconds, not {raw!r}",
                                  token=self.token) from None
        if method == "GET" and "no_cache" not in self.markup.options:
            return MIN_CACHE
        return None

    def render_to_output(self, context: RenderContext, buffer: TextIO) -> int:
        request = self.build_request(context)
        save = self._value("save", context) or "connected"
        response = self._call(request, save, context)
        if response is None or response.status == 404:
            return 0
        text = response.text
        if "rerender" in self.markup.options:
            answer = parse_braze(context, text, "connected_content response")
            text = render_nodes(answer.bound.nodes, context)
        try:
            data = rubify(json.loads(text))
        except (json.JSONDecodeError, ValueError):
            data = None
            if response.ok:  # non-JSON text replaces the tag, :save or not
                if isinstance(buffer, OriginBuffer):
                    return buffer.write_from(text, self.token.start_index)
                return buffer.write(text)
            return 0
        if isinstance(data, dict) and response.ok:
            data["__http_status_code__"] = response.status
        if response.ok:
            context.assign(save, data)
        return 0

    def _call(self, request: CallRequest, save: str,
              context: RenderContext) -> CallResponse | None:
        state = message_state(context)
        transport = state.resources.transport
        cache_key = (request.method, request.url, request.body or "")
        cacheable = request.cache_ttl is not None
        retry = "retry" in self.markup.options
        record = CallRecord(request.method, request.url, None, self.token.start_index,
                            request_headers=_sent_headers(request), request_body=request.body,
                            retry=retry, save=save, cache_ttl=request.cache_ttl)
        if cacheable and cache_key in state.call_cache:
            hit = state.call_cache[cache_key]
            record.answered(hit)
            state.calls.append(record.cache_hit())
            return hit
        state.calls.append(record)
        response: CallResponse | None = None
        failure = ""
        for attempt in range(1 + (MAX_RETRIES if retry else 0)):
            if attempt:
                backoff = getattr(transport, "backoff", None)
                if backoff:
                    backoff(attempt)
            record.attempts = attempt + 1
            started = time.perf_counter()
            try:
                response = transport.send(request)
            except CallFailed as err:
                record.failure = err.message
                record.answered_by = f"failed: {err.message}"
                if not err.retryable:
                    rule = ("connected-content-unmatched"
                            if err.kind in ("unmatched", "not-allowed") else "render-error")
                    raise ConnectedContentError(
                        f"connected_content: {err.message}", token=self.token, rule=rule
                    ) from None
                response, failure = None, err.message
                continue
            finally:
                record.duration_ms += (time.perf_counter() - started) * 1000
            record.answered(response)
            if response.status >= 500:
                failure = f"{request.method} {request.url} answered {response.status}"
                record.failure = failure
                continue
            break
        else:
            if retry:
                raise MessageAborted(
                    f"connected_content :retry gave up after {MAX_RETRIES} retries: {failure}",
                    index=self.token.start_index,
                    cause="retry",
                )
        if response is not None:
            state.answers[cache_key] = response
            if cacheable and len(response.text) <= 1_000_000:
                state.call_cache[cache_key] = response
        return response


def _sent_headers(request: CallRequest) -> dict[str, str]:
    """The request's headers with the credentials the transport adds, named, not resolved."""
    headers = dict(request.headers)
    if request.basic_auth:
        headers["Authorization"] = f"Basic <basic_auth {request.basic_auth}>"
    if request.auth_credentials:
        headers["Authorization"] = f"Bearer <auth_credentials {request.auth_credentials}>"
    return headers


class ConnectedContentTag(Tag):
    name = "connected_content"
    block = False

    def parse(self, stream: TokenStream) -> Node:
        token, markup = take_markup(stream)
        try:
            url, options = split_markup(markup)
        except ValueError as err:
            raise ConnectedContentError(str(err), token=token, rule="connected-content") from None
        parsed = Markup(url=_compile(self.env, url, token))
        for name, value, _ in options:
            parsed.options[name] = None if value is None else _compile(self.env, value, token)
            parsed.raw[name] = value or ""
        return ConnectedContentNode(token, parsed)


def _compile(env: Environment, text: str, token: Token) -> list[Node]:
    try:
        return list(env.from_string(text).nodes)
    except LiquidSyntaxError as err:
        message = f"in connected_content markup: {err.message}"
        raise LiquidSyntaxError(message, token=token) from None

