"""Braze's URL escaping filters.

Braze documents only `'hey<>hi' | url_escape` -> `hey%3C%3Ehi` (`&` kept) and
`'hey<&>hi' | url_param_escape` -> `hey%3C%26%3Ehi`. The character sets below are inferred:

* `url_escape` keeps what Ruby's `URI::DEFAULT_PARSER.escape` keeps (RFC 2396 unreserved and
  reserved characters: letters, digits, ``-_.!~*'()`` and ``;/?:@&=+$,[]``), so a whole URL
  passes through while spaces, quotes, ``<>#%{}|\\^`` and non-ASCII are percent-encoded.
* `url_param_escape` keeps only the unreserved set, like JavaScript's `encodeURIComponent`
  (which brazejs uses), so a value is safe inside a query string: ``&=+?/#`` are encoded.

Both encode a space as `%20` (Braze's `url_encode`, kept from python-liquid, gives `+`) and
non-ASCII text as percent-encoded UTF-8. `url_encode` stays python-liquid's built-in.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote

from rokt_braze.braze.filters._text import to_text

# `quote` always keeps ASCII letters, digits and `_.-~`; these are the extra safe characters.
_URL_SAFE = "!*'();/?:@&=+$,[]"
_PARAM_SAFE = "!*'()"


def url_escape(value: object) -> str:
    """Percent-encode characters that may not appear in a URL; keep URL syntax (`&`, `/`, ...)."""
    return quote(to_text(value), safe=_URL_SAFE, encoding="utf-8", errors="strict")


def url_param_escape(value: object) -> str:
    """Percent-encode everything but unreserved characters, for use as a query value."""
    return quote(to_text(value), safe=_PARAM_SAFE, encoding="utf-8", errors="strict")


FILTERS: dict[str, Callable[..., object]] = {
    "url_escape": url_escape,
    "url_param_escape": url_param_escape,
}
