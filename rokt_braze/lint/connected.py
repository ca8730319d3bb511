"""`connected-content`: calls that parse but that Braze would not make as written.

Malformed markup and unknown options already fail to parse (the engine shares
`split_markup`, and `check` reports its error), so this rule covers what parses:

* the URL: not `http://`/`https://` (unless it starts with Liquid), wrapped in `[ ]`
  (an artefact of one Braze docs page), or a port other than 80/443 (Braze calls no other) on a
  host Braze could reach (loopback hosts are local test servers, so they are exempt);
* `:method` other than get/post; `:body` without `:method post` (never sent);
* `:cache_max_age` (or the legacy `:cache`) not a whole number in 300..14400 seconds;
* `:headers` without Liquid that is not valid JSON; an option given twice;
* a `:save` variable (or the default `connected`) read in a different field than the
  call: saved variables exist only in the field that made the call.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

from rokt_braze.braze.tags.connected_content import split_markup
from rokt_braze.findings import Finding, Severity
from rokt_braze.lint.base import FieldLint, Lint
from rokt_braze.lint.source import regions, tag_name
from rokt_braze.lint.variables import defined_in

CACHE_RANGE = (300, 14_400)
_PORT = re.compile(r"https?://([^/?#{:]*):(\d+)", re.IGNORECASE)
#: Braze cannot reach these, so a URL on them is a local test setup, not a template bug.
_LOOPBACK = frozenset({"localhost", "127.0.0.1", "[::1]"})


def connected_content(lint: Lint) -> Iterator[Finding]:
    """Markup problems of each call, then saved variables read in the wrong field."""
    for fl, _ in lint.parsed():
        source = fl.field.source
        for region in regions(source):
            if tag_name(source, region) == "connected_content":
                yield from _call(fl, source[region.body_start : region.body_end],
                                 region.body_start)
    yield from _saved_elsewhere(lint)


def _call(fl: FieldLint, markup: str, base: int) -> Iterator[Finding]:
    try:
        url, options = split_markup(markup)
    except ValueError:
        return  # the parse error is already reported
    yield from _url(fl, url, base + markup.index(url))
    values: dict[str, str | None] = {}
    for name, value, offset in options:
        where = base + offset
        if name in values:
            yield fl.at(where, "connected-content", f"option :{name} is given twice")
        values[name] = value
        if value is None:
            continue
        value_at = base + markup.index(value, offset + len(name) + 1)
        if "{{" in value or "{%" in value:
            continue  # decided at render time
        yield from _option(fl, name, value, value_at)
    method = (values.get("method") or "get").lower()
    if "body" in values and method == "get":
        yield fl.at(base + next(o for n, _, o in options if n == "body"), "connected-content",
                    ":body is only sent with :method post")


def _url(fl: FieldLint, url: str, at: int) -> Iterator[Finding]:
    if url.startswith("[") and url.endswith("]"):
        yield fl.at(at, "connected-content",
                    "the URL is wrapped in [ ], a documentation artefact: write it bare")
        return
    if url.startswith(("{{", "{%")):
        return
    if not url.lower().startswith(("http://", "https://")):
        yield fl.at(at, "connected-content",
                    f"connected_content calls http:// or https:// URLs only, not {url!r}")
        return
    port = _PORT.match(url)
    if port and port.group(1).lower() not in _LOOPBACK and int(port.group(2)) not in (80, 443):
        yield fl.at(at + port.start(2), "connected-content",
                    f"Braze calls ports 80 and 443 only, not {port.group(2)}")


def _option(fl: FieldLint, name: str, value: str, at: int) -> Iterator[Finding]:
    if name == "method" and value.lower() not in ("get", "post"):
        yield fl.at(at, "connected-content",
                    f"connected_content supports GET and POST only, not {value}")
    elif name in ("cache_max_age", "cache"):
        low, high = CACHE_RANGE
        legacy = " (and :cache is a legacy spelling of :cache_max_age)" if name == "cache" else ""
        if not value.isdigit():
            yield fl.at(at, "connected-content",
                        f":{name} must be a whole number of seconds, not {value!r}{legacy}")
        elif not low <= int(value) <= high:
            yield fl.at(at, "connected-content",
                        f":{name} {value} is outside Braze's range {low}..{high} seconds "
                        f"(5 minutes to 4 hours){legacy}")
        elif legacy:
            yield fl.at(at, "connected-content",
                        ":cache is a legacy spelling: Braze documents :cache_max_age",
                        severity=Severity.WARNING)
    elif name == "headers":  # the parser already insists on a `{...}` object
        try:
            json.loads(value)
        except json.JSONDecodeError as err:
            yield fl.at(at + err.pos, "connected-content", f":headers is not valid JSON: {err.msg}")


def _saved_elsewhere(lint: Lint) -> Iterator[Finding]:
    saved = defined_in(lint, ("save", "connected"))
    for fl, model in lint.parsed():
        own = {d.name for d in model.definitions}
        for ref in model.reads:
            other = saved[fl.name].get(ref.root)
            if other is None or ref.attribute is not None or ref.defined or ref.root in own:
                continue
            yield fl.at(ref.index, "connected-content",
                        f"{ref.root} is saved by connected_content in the {other} field: a "
                        f"saved variable exists only in the field that made the call "
                        f"(repeat the call here)")
