"""Braze's Liquid filters on a python-liquid `Environment`.

`register_filters(env)` turns python-liquid's filter set into Braze's:

* adds the Braze-only filters (hashes, HMACs, URL and JSON escaping, `property_accessor`,
  `number_with_delimiter`, `time_zone`, `json_parse`, `as_json_string`) and Braze's own
  `money` and `date`;
* removes what Braze documents as unsupported (`UNSUPPORTED_FILTERS`) and what python-liquid
  has but Braze's Ruby Liquid does not (`find`/`has`/`reject`, which arrived in Shopify
  Liquid with the `find_index` Braze marks unsupported; `sum`, which arrived in Liquid 5.5,
  after the 5.4 Braze runs; `squish`, `escapejs`, `safe`; and python-liquid's optional
  "extra" filters), so `strict_filters` rejects them when parsing;
* replaces the standard filters where python-liquid differs from Ruby Liquid (`arithmetic`:
  the math filters; `strings`: `strip`, `replace`, `replace_first`, `replace_last`,
  `remove_last`, `escape`, `escape_once`, `slice`, `split`, `truncate`, `truncatewords`,
  and Ruby's text for the input of the other string filters; `arrays`:
  `map`, `compact`, `where`, `join`, `size`, `reverse`, `uniq`, `first`, `last`, `sort`,
  `sort_natural`), as found by the
  differential tests against Ruby Liquid;
* keeps every other standard Shopify Liquid filter as python-liquid implements it. Braze's
  list "may not be complete", and it runs Shopify Liquid 5, so standard filters it does not
  mention (`escape_once`, `url_decode`, `base64_decode`, ...) stay available.

`BRAZE_FILTERS` is the resulting set of names; `UNSUPPORTED_FILTERS` lets a linter say
"Braze does not support this filter" rather than "unknown filter".
"""

from __future__ import annotations

from collections.abc import Callable

from liquid import Environment

from rokt_braze.braze.filters import (
    arithmetic,
    arrays,
    hashing,
    json,
    numbers,
    objects,
    strings,
    url,
)
from rokt_braze.braze.filters.strftime import ruby_strftime
from rokt_braze.braze.filters.time import (
    BrazeTime,
    Clock,
    make_date_filter,
    make_time_zone_filter,
    ruby_time_string,
    to_time,
    utc_now,
)

__all__ = [
    "BRAZE_FILTERS",
    "UNSUPPORTED_FILTERS",
    "BrazeTime",
    "Clock",
    "braze_filter_functions",
    "register_filters",
    "ruby_strftime",
    "ruby_time_string",
    "to_time",
]

#: Filters Braze's filter reference marks "No" (plus the color and font families it rules out).
UNSUPPORTED_FILTERS: frozenset[str] = frozenset(
    {
        "find_index",
        "money_with_currency",
        "money_without_currency",
        "camelize",
        "handleize",
        "pluralize",
        "lstrip",
        "rstrip",
        "format_address",
        "highlight",
        # Shopify color filters
        "brightness_difference",
        "color_brightness",
        "color_contrast",
        "color_darken",
        "color_desaturate",
        "color_difference",
        "color_extract",
        "color_lighten",
        "color_mix",
        "color_modify",
        "color_saturate",
        "color_to_hex",
        "color_to_hsl",
        "color_to_rgb",
        "hex_to_rgba",
        # Shopify font filters
        "font_face",
        "font_modify",
        "font_url",
    }
)

#: python-liquid filters (default and `extra=True`) that are not part of Braze's Liquid.
_NOT_IN_BRAZE: frozenset[str] = frozenset(
    {
        "find",
        "has",
        "reject",
        "sum",
        "squish",
        "escapejs",
        "safe",
        "currency",
        "datetime",
        "decimal",
        "gettext",
        "index",
        "json",
        "money_without_trailing_zeros",
        "ngettext",
        "npgettext",
        "pgettext",
        "script_tag",
        "sort_numeric",
        "stylesheet_tag",
        "t",
        "unit",
    }
)

#: Standard Liquid filters kept from python-liquid unchanged.
_KEPT_STANDARD: frozenset[str] = frozenset(
    {
        # array
        "concat",
        # string
        "append", "base64_decode", "base64_encode", "base64_url_safe_decode",
        "base64_url_safe_encode", "capitalize", "downcase", "newline_to_br", "prepend",
        "remove", "remove_first", "strip_html", "strip_newlines", "upcase",
        "url_decode", "url_encode",
        # other
        "default",
    }
)  # fmt: skip


def braze_filter_functions(clock: Clock = utc_now) -> dict[str, Callable[..., object]]:
    """The filters Braze adds or redefines, by name; `clock` supplies `'now'`."""
    return {
        **arithmetic.FILTERS,
        **arrays.FILTERS,
        **strings.FILTERS,
        **hashing.FILTERS,
        **url.FILTERS,
        **json.FILTERS,
        **numbers.FILTERS,
        **objects.FILTERS,
        "date": make_date_filter(clock),
        "time_zone": make_time_zone_filter(clock),
    }


#: Every filter name a Braze environment knows after `register_filters`.
BRAZE_FILTERS: frozenset[str] = _KEPT_STANDARD | frozenset(braze_filter_functions())


def register_filters(env: Environment, *, clock: Clock = utc_now) -> None:
    """Make `env`'s filters Braze's: add Braze's, drop those Braze lacks.

    `clock` returns the current time for `'now'`; pass a fixed one for reproducible renders.
    Filters registered on `env` by other code under other names are left alone.
    """
    for name in UNSUPPORTED_FILTERS | _NOT_IN_BRAZE:
        env.filters.pop(name, None)
    for name, text_args in strings.TEXT_INPUT_FILTERS.items():
        env.add_filter(name, strings.ruby_text_input(env.filters[name], text_args))
    for name, function in braze_filter_functions(clock).items():
        env.add_filter(name, function)
