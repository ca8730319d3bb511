"""What rokt-braze supports of Braze Liquid, row by row: the source of docs/braze-liquid.md.

Every tag, filter, operator and object Braze documents has a row, and so has everything
the engine registers (its tags and filters), with a status:

* `same as Braze`: renders as Braze does (for standard Liquid: as Ruby Liquid 5.4 does);
* `differs: how`: what is different, and why;
* `not in Braze`: accepted here but not in Braze's documentation.

Each row names the tests that show it. `tests/docs/test_braze_liquid_doc.py` fails when a
registered tag or filter has no row, when a row names a test that does not exist, when a
row's `example` renders differently in Ruby Liquid, or when docs/braze-liquid.md is not
what `markdown()` generates (`python -m rokt_braze.support > docs/braze-liquid.md`).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

SAME = "same as Braze"
NOT_IN_BRAZE = "not in Braze"
KINDS = ("tag", "filter", "operator", "object")


def differs(how: str) -> str:
    return f"differs: {how}"


@dataclass(frozen=True)
class Row:
    kind: str
    name: str
    status: str
    note: str
    tests: tuple[str, ...]
    #: A template that renders the same here and in Ruby Liquid 5.4 (checked by a test).
    example: str = ""


# Tests rows point at, by file.
_DOC = "tests/docs/test_braze_liquid_doc.py::test_examples_render_as_ruby_liquid"
_STD = "tests/braze/test_standard_liquid.py::test_braze_environment_renders_standard_liquid_as_python_liquid"  # noqa: E501
_ORACLE = "tests/oracle/test_regressions.py::test_rokt_braze_renders_as_ruby_liquid"
#: Generated templates with Braze syntax, against Ruby's render of their standard meaning.
_GENERATED = "tests/oracle/test_differential.py::test_generated_templates_render_as_ruby_liquid"
_F = "tests/braze/test_filters.py::"
_E = "tests/braze/test_engine.py::"
_X = "tests/braze/test_braze_extensions.py::"
_S = "tests/braze/test_snippets.py::"
_NS = "tests/braze/test_namespaces_as_hashes.py::"
_P = "tests/profiles/test_profiles_namespaces.py::"
_KW = "tests/braze/test_keyword_names.py::test_keyword_like_names_render_as_in_ruby_liquid"
_BLOCKS = "tests/braze/test_block_errors.py::test_block_errors_name_the_opening_tag"
_DATES = "tests/braze/test_dates_as_ruby.py::test_dates_render_as_in_ruby"
_VALUES = "tests/braze/test_values.py::test_output_is_what_liquid_writes"
_LINT_TAGS = (
    "tests/lint/test_lint_names.py::test_render_and_include_fail_to_parse_and_lint_adds_nothing"
)
_LINT_SYNTAX = (
    "tests/lint/test_lint_names.py::test_braze_restrictions_python_liquid_rejects_are_liquid_syntax"
)
_UNSUPPORTED = _F + "test_unsupported_and_python_only_filters_are_unknown"
_REGISTERED = _F + "test_registered_names_are_braze_filters"


def _standard(kind: str, name: str, example: str, note: str = "", *more: str) -> Row:
    """A standard Liquid 5 feature, checked against Ruby Liquid with `example`."""
    return Row(kind, name, SAME, note or "standard Liquid 5", (_DOC, *more), example)


_STANDARD_TAGS = [
    _standard("tag", "assign", "{% assign a = 'x' | upcase %}{{ a }}", "", _KW),
    _standard("tag", "capture", "{% capture c %}{{ 1 | plus: 1 }}!{% endcapture %}{{ c }}"),
    _standard(
        "tag",
        "if",
        "{% if 1 > 2 %}a{% elsif 2 > 1 %}b{% else %}c{% endif %}",
        "with `elsif` and `else`; an unclosed `if` is reported as Ruby words it",
        _BLOCKS,
    ),
    _standard("tag", "unless", "{% unless false %}yes{% else %}no{% endunless %}"),
    _standard(
        "tag",
        "case",
        "{% case 2 %}{% when 1, 2 %}one or two{% else %}other{% endcase %}"
        "{% case nothing %}{% when blank or 3 %}blank{% endcase %}",
        "with `when` (several values, `,` or `or`, tried one at a time against the `case` "
        "value read again for each; `when blank` as `== blank`) and `else`",
        _ORACLE,
    ),
    _standard(
        "tag",
        "for",
        "{% for x in (1..5) reversed limit: 2 offset: 1 %}{{ x }}{{ forloop.index }}"
        "{% else %}none{% endfor %}{% for x in (1..3) limit: 1 reversed %}{{ x }}{% endfor %}"
        "{% for c in 'abc' offset: 1 %}[{{ c }}]{% endfor %}",
        "with `limit`, `offset` (`continue` too), `reversed`, `else` and `forloop`; as Ruby "
        "Liquid's lax parser reads it, `reversed` counts only right after the collection, "
        "and a string is one item whatever the `limit`/`offset`",
        _KW,
        _ORACLE,
    ),
    _standard(
        "tag",
        "break",
        "{% for x in (1..5) %}{% if x == 3 %}{% break %}{% endif %}{{ x }}{% endfor %}",
    ),
    _standard(
        "tag",
        "continue",
        "{% for x in (1..3) %}{% if x == 2 %}{% continue %}{% endif %}{{ x }}{% endfor %}",
    ),
    _standard(
        "tag",
        "cycle",
        "{% for x in (1..4) %}{% cycle 'a', 'b' %}{% endfor %}{% cycle a, a %}{% cycle a, a %}",
        "not in Braze's pages; Liquid 5 has it. As in Ruby Liquid, a cycle of literals "
        "shares its counter with the same literals, a cycle naming a variable has its own; "
        "a group named by a path (`{% cycle h.k: 1, 2 %}`) is a syntax error here",
        _ORACLE,
    ),
    _standard(
        "tag",
        "increment",
        "{% increment n %}{% increment n %}{{ n }}",
        "not in Braze's pages; Liquid 5 has it",
    ),
    _standard(
        "tag",
        "decrement",
        "{% decrement n %}{% decrement n %}",
        "not in Braze's pages; Liquid 5 has it",
    ),
    _standard(
        "tag",
        "tablerow",
        "{% tablerow x in (1..3) cols: 2 %}{{ x }}{% endtablerow %}"
        "{% tablerow x in a limit: '1' %}{{ x }}{% endtablerow %}",
        "not in Braze's pages; Liquid 5 has it. As in Ruby Liquid, `limit`, `offset` and "
        "`cols` are read with `to_i`, there is no `reversed`, an empty list writes an empty "
        "row; `break` ends the table here, Ruby Liquid 5.4 goes on writing empty cells",
        _KW,
        _ORACLE,
    ),
    _standard(
        "tag",
        "ifchanged",
        "{% for x in (1..3) %}{% ifchanged %}{{ x | divided_by: 2 }}{% endifchanged %}{% endfor %}",
        "not in Braze's pages; Liquid 5 has it",
    ),
    Row(
        "tag",
        "comment",
        differs(
            "Ruby Liquid 5.4 parses the known tags inside a comment, so a comment holding a "
            "malformed or unclosed one (`{% comment %}{% if x %}{% endcomment %}`) is an "
            "error there; here anything inside a comment is ignored"
        ),
        "standard Liquid 5",
        (_DOC,),
        "a{% comment %}{{ hidden }}{% nosuch %}{% endcomment %}b",
    ),
    _standard("tag", "#", "a{% # an inline comment %}b", "inline comment (Liquid 5.4)"),
    _standard("tag", "raw", "{% raw %}{{ not rendered }}{% endraw %}"),
    _standard("tag", "echo", "{% echo 'a' | append: 'b' %}", "Liquid 5 syntax tag"),
    _standard(
        "tag",
        "liquid",
        "{% liquid\nassign a = 2\necho a | times: 3\n%}",
        "Liquid 5 syntax tag, one tag per line",
        _KW,
    ),
]

_BRAZE_TAGS = [
    Row(
        "tag",
        "connected_content",
        SAME,
        "GET/POST, `:headers`, `:body`, `:content_type`, `:basic_auth`, `:auth_credentials`, "
        "`:save`, `:retry` (5 retries, then abort), `:cache_max_age` (bare: 5 minutes), "
        "`:no_cache`, `:rerender`; the answer comes from fixtures offline",
        (
            _E + "test_save_stores_the_json_with_its_status_code",
            _E + "test_retry_with_a_500_aborts_after_five_retries",
            _E + "test_post_with_cache_max_age_is_cached",
            _X + "test_bare_cache_max_age_is_the_five_minute_default",
            _S + "test_13_oauth_token_then_call",
        ),
    ),
    Row(
        "tag",
        "abort_message",
        SAME,
        "every spelling in Braze's pages; stops the whole message, also from inside loops",
        (
            _E + "test_every_abort_spelling_aborts",
            _X + "test_abort_inside_a_loop_and_an_if",
            _X + "test_abort_from_inside_a_nested_loop_stops_everything",
        ),
    ),
    Row(
        "tag",
        "catalog_items",
        SAME,
        "items from `catalogs:` fixtures; the catalog name and ids may be Liquid; "
        "`:rerender` renders Liquid in items one level deep; a missing id gives no item",
        (
            _X + "test_catalogs_as_the_page_shows",
            _X + "test_a_catalog_per_language_named_with_liquid",
            _X + "test_a_missing_item_gives_an_array_without_it",
            _X + "test_rerender_is_one_level_deep",
        ),
    ),
    Row(
        "tag",
        "catalog_selection_items",
        SAME,
        "a selection from `selections:` fixtures",
        (_E + "test_catalog_selection_fills_items", _X + "test_catalog_selection_items"),
    ),
    Row(
        "tag",
        "promotion",
        differs(
            "a `promotion` in a branch that is not taken hands out no code here; Braze deducts one "
            "for every promotion tag in the message"
        ),
        "the code comes from `promotions:` fixtures; the same list gives the same code",
        (
            _E + "test_promotion_repeats_the_same_code",
            _X + "test_promotion_code_reused_in_message_extras",
        ),
    ),
    Row(
        "tag",
        "message_extras",
        SAME,
        "pairs kept on the message state; renders nothing",
        (_X + "test_promotion_code_reused_in_message_extras", _S + "test_19_promotion_code_reused"),
    ),
    Row(
        "tag",
        "translation",
        differs(
            "the locale is the profile's `language` (and `country`); Braze's locales may also be "
            "defined on custom attributes"
        ),
        "translations from `translations:` fixtures (locale -> id -> text), source text as "
        "the fallback, Liquid inside renders, nesting is an error",
        (
            _X + "test_a_translated_message",
            _X + "test_a_country_locale_wins_over_the_language_and_liquid_renders",
            _X + "test_translation_errors",
        ),
    ),
    Row(
        "tag",
        "shopping_cart",
        SAME,
        "the cart from `shopping_carts:` fixtures; `:abort_if_not_abandoned` (default true) "
        "aborts for a cart marked `abandoned: false`",
        (
            _X + "test_a_shopping_cart_message_as_the_ecommerce_page_builds_it",
            _X + "test_a_cart_no_longer_abandoned_aborts_unless_told_not_to",
        ),
    ),
    Row(
        "tag",
        "random",
        differs(
            "numbers are seeded per user, so a render is reproducible; "
            "Braze draws fresh numbers on every send"
        ),
        "`{% random %}` is a float in [0, 1), `{% random N %}` an integer below N",
        (
            _X + "test_random_is_in_range_and_the_same_for_the_same_user",
            _X + "test_random_variant_use_case",
        ),
    ),
    Row(
        "tag",
        "render",
        SAME,
        "a message has no snippet files: the tag is an error (use a Content Block)",
        (_LINT_TAGS,),
    ),
    Row(
        "tag",
        "include",
        SAME,
        "a message has no snippet files: the tag is an error (use a Content Block)",
        (_LINT_TAGS,),
    ),
    Row(
        "tag",
        "doc",
        NOT_IN_BRAZE,
        "LiquidDoc is for Shopify theme snippets: an error here",
        (_LINT_TAGS,),
    ),
]


def _filter(name: str, example: str, note: str = "", *more: str) -> Row:
    return _standard("filter", name, example, note, *more)


_STANDARD_FILTERS = [
    _filter("abs", "{{ -3.5 | abs }}"),
    _filter(
        "append",
        "{{ 'a' | append: 'b' }}{{ h | append: '!' }}",
        "a hash or array prints as Ruby's `inspect`",
        _VALUES,
    ),
    _filter("at_least", "{{ 3 | at_least: 5 }}"),
    _filter("at_most", "{{ 3 | at_most: 1 }}"),
    _filter("capitalize", "{{ 'hello wORLD' | capitalize }}"),
    _filter("ceil", "{{ 1.2 | ceil }}"),
    _filter("compact", "{{ a | compact | join: ',' }}"),
    _filter("concat", "{{ a | concat: a | size }}"),
    _filter(
        "default",
        "{{ nothing | default: 'x' }}{{ false | default: 'y' }}"
        "{{ '' | default: 'z' }}{{ h | default: 'w' }}",
    ),
    _filter(
        "divided_by",
        "{{ 15 | divided_by: 2 }} {{ 15 | divided_by: 2.0 }}",
        "integer division truncates, as Braze's filters page says",
    ),
    _filter("downcase", "{{ 'ABC' | downcase }}"),
    _filter("escape", "{{ '<a href=\"x\">' | escape }}"),
    _filter("escape_once", "{{ '&lt; <' | escape_once }}", "not in Braze's list; Liquid 5 has it"),
    _filter(
        "first",
        "{{ a | first }}{{ h | first }}",
        "of a hash: the first [key, value]",
        _NS + "test_a_namespace_renders_as_ruby_renders_the_same_hash",
    ),
    _filter("floor", "{{ 1.8 | floor }}"),
    _filter("join", "{{ a | join: '-' }}", "nil prints as nothing, a hash as `inspect`"),
    _filter("last", "{{ a | last }}"),
    _filter(
        "map",
        "{{ items | map: 'k' | join: ',' }}{{ h | map: 'x' }}",
        "of a hash: the hash's value",
        _NS + "test_a_namespace_renders_as_ruby_renders_the_same_hash",
    ),
    _filter("minus", "{{ 5 | minus: 1.5 }}"),
    _filter("modulo", "{{ 7 | modulo: 3 }}"),
    _filter("newline_to_br", "{{ 'a\nb' | newline_to_br }}"),
    _filter("plus", "{{ 1 | plus: '2' }}"),
    _filter("prepend", "{{ 'b' | prepend: 'a' }}"),
    _filter("remove", "{{ 'banana' | remove: 'a' }}"),
    _filter("remove_first", "{{ 'banana' | remove_first: 'a' }}"),
    _filter(
        "remove_last", "{{ 'banana' | remove_last: 'a' }}", "not in Braze's list; Liquid 5 has it"
    ),
    _filter(
        "replace",
        "{{ 'banana' | replace: 'a', 'o' }}{{ 'a\\b' | replace: '\\', '\\\\' }}"
        "{{ 'ab' | replace: 'b', '<\\0>' }}",
        "Ruby's `gsub`: in the replacement `\\0`/`\\&` is the match and `\\\\` one "
        "backslash, so `replace: '\\', '\\\\'` changes nothing",
        _ORACLE,
    ),
    _filter(
        "replace_first",
        "{{ 'banana' | replace_first: 'a', 'o' }}{{ 'ab' | replace_first: 'b', '\\0\\0' }}",
        "Ruby's `sub`: backslash sequences as in `replace`",
        _ORACLE,
    ),
    _filter(
        "replace_last",
        "{{ 'banana' | replace_last: 'a', 'o' }}",
        "not in Braze's list; Liquid 5 has it",
    ),
    _filter("reverse", "{{ a | reverse | join: ',' }}"),
    _filter(
        "round",
        "{{ 2.5 | round }} {{ 2.25 | round: 1 }} {{ -2.5 | round }}",
        "halves away from zero, as Ruby",
    ),
    _filter("size", "{{ a | size }}{{ 'abc' | size }}{{ h | size }}"),
    _filter("slice", "{{ 'hello' | slice: 1, 3 }}{{ a | slice: 0 }}"),
    _filter("sort", "{{ 'c,a,b' | split: ',' | sort | join }}"),
    _filter("sort_natural", "{{ 'b,A,c' | split: ',' | sort_natural | join }}"),
    _filter("split", "{{ 'a/b/c' | split: '/' | last }}"),
    _filter("strip", "{{ '  a  ' | strip }}|", "ASCII blanks only, as Ruby strips"),
    _filter("strip_html", "{{ '<b>bold</b> text' | strip_html }}"),
    _filter("strip_newlines", "{{ 'a\nb' | strip_newlines }}"),
    _filter("times", "{{ 3 | times: 1.5 }}"),
    _filter("truncate", "{{ 'Ground control to Major Tom.' | truncate: 20 }}"),
    _filter("truncatewords", "{{ 'Ground control to Major Tom.' | truncatewords: 3 }}"),
    _filter("uniq", "{{ 'a,b,a' | split: ',' | uniq | join }}"),
    _filter("upcase", "{{ 'abc' | upcase }}"),
    _filter("url_decode", "{{ 'a%20b+c' | url_decode }}", "not in Braze's list; Liquid 5 has it"),
    _filter(
        "url_encode",
        "{{ 'google search' | url_encode }}",
        "Braze's advanced filters page: `google+search`",
        _F + "test_braze_documented_examples",
    ),
    _filter("where", "{{ items | where: 'k', 'b' | map: 'k' | join }}"),
    Row(
        "filter",
        "date",
        differs(
            "free-form text is read by a different parser than Ruby's `Date._parse`: "
            "`'1.5'` or `' 3'` become dates here and stay text in Ruby, `'12abc'` the "
            "reverse; zone names (`PST`) are UTC here; a missing day is today's, not the 1st"
        ),
        "Ruby's `Time.parse` and `strftime`: `'now'`/`'today'` in UTC, epochs, ISO 8601 with "
        "offsets and hour 24, day-first dates, Ruby's directives and flags",
        (
            _DATES,
            _F + "test_ruby_strftime_directives",
            _F + "test_now_is_utc_and_frozen_clock_is_used",
        ),
    ),
]

_BRAZE_FILTERS = [
    Row("filter", name, SAME, note, tests)
    for name, note, tests in [
        ("md5", "hex digest; Braze's example", (_F + "test_braze_documented_examples",)),
        ("sha1", "hex digest; Braze's example", (_F + "test_braze_documented_examples",)),
        ("sha2", "SHA-256 hex digest; Braze's example", (_F + "test_braze_documented_examples",)),
        (
            "base64_encode",
            "Braze's example `YmxhaA==`",
            (
                _F + "test_braze_documented_examples",
                _F + "test_base64_matches_the_standard_library",
            ),
        ),
        ("hmac_sha1", "the old name of `hmac_sha1_hex`", (_F + "test_hmac_rfc_vectors",)),
        ("hmac_sha1_hex", "Braze's example", (_F + "test_braze_documented_examples",)),
        ("hmac_sha1_base64", "Braze's example", (_F + "test_braze_documented_examples",)),
        (
            "hmac_sha256",
            "hex, as `hmac_sha256_hex`",
            (_F + "test_hmac_sha256_and_hex_variant_agree",),
        ),
        ("hmac_sha256_hex", "Braze's example", (_F + "test_braze_documented_examples",)),
        ("hmac_sha256_base64", "Braze's example", (_F + "test_braze_documented_examples",)),
        ("hmac_sha512", "hex", (_F + "test_hmac_rfc_vectors",)),
        (
            "url_escape",
            "keeps URL syntax (`&`), escapes the rest; Braze's example",
            (_F + "test_url_escape_keeps_url_syntax_and_encodes_the_rest",),
        ),
        (
            "url_param_escape",
            "escapes `&` too; Braze's example",
            (_F + "test_url_param_escape_encodes_query_syntax",),
        ),
        (
            "property_accessor",
            "reads a hash with a templated key; Braze's example",
            (_F + "test_property_accessor_reads_hash_with_templated_key",),
        ),
        (
            "number_with_delimiter",
            "`123,456`; Braze's example",
            (_F + "test_number_with_delimiter",),
        ),
        (
            "json_escape",
            "escapes what a JSON string needs; a hash escapes as printed",
            (
                _F + "test_json_escape_escapes_json_specials",
                _NS + "test_json_escape_and_as_json_string_of_a_namespace",
            ),
        ),
        (
            "as_json_string",
            "compact JSON of any value, a namespace too",
            (
                _F + "test_as_json_string_serialises_liquid_values",
                _NS + "test_json_escape_and_as_json_string_of_a_namespace",
            ),
        ),
        (
            "json_parse",
            "JSON text to objects; Braze's example",
            (_F + "test_json_parse_and_as_json_string_follow_brazes_example",),
        ),
        (
            "time_zone",
            "IANA names, offsets, the user's `${time_zone}`; nil leaves the time",
            (
                _F + "test_time_zone_names_and_offsets",
                _F + "test_time_zone_from_profile_value_and_doc_examples",
            ),
        ),
        (
            "money",
            "two decimals without Shopify's cents reading (`145` -> `145.00`)",
            (_F + "test_money_is_two_decimals_without_cents_interpretation",),
        ),
    ]
]

_UNDOCUMENTED_FILTERS = [
    *(
        Row(
            "filter",
            name,
            NOT_IN_BRAZE,
            "accepted here: Ruby Liquid 5.4 has it, but Braze's pages do not list it",
            (_REGISTERED, _DOC),
            example,
        )
        for name, example in (
            ("base64_decode", "{{ 'YmxhaA==' | base64_decode }}"),
            ("base64_url_safe_decode", "{{ 'YmxhaA==' | base64_url_safe_decode }}"),
            ("base64_url_safe_encode", "{{ 'blah?' | base64_url_safe_encode }}"),
        )
    ),
    Row(
        "filter",
        "sum",
        SAME,
        "not in Ruby Liquid 5.4 (it arrived in 5.5) nor in Braze's pages: an `unknown-filter` "
        "error; rendering past it passes the input through, as Ruby Liquid 5.4 does",
        (_UNSUPPORTED, _ORACLE),
    ),
]

_OPERATORS = [
    Row(
        "operator",
        op,
        SAME,
        "standard Liquid 5",
        (_DOC,),
        f"{{% if {left} {op} {right} %}}yes{{% else %}}no{{% endif %}}",
    )
    for op, left, right in [
        ("==", "1", "1.0"),
        ("!=", "'a'", "'b'"),
        ("<>", "1", "2"),
        ("<", "1", "2"),
        (">", "'b'", "'a'"),
        ("<=", "2", "2"),
        (">=", "1", "2"),
        ("contains", "'abc'", "'b'"),
    ]
] + [
    Row(
        "operator",
        "and",
        SAME,
        "evaluated right to left, as Ruby Liquid",
        (_DOC, _KW),
        "{% if true and false or true %}yes{% else %}no{% endif %}",
    ),
    Row(
        "operator",
        "or",
        SAME,
        "evaluated right to left, as Ruby Liquid",
        (_DOC, _KW),
        "{% if false or true and false %}yes{% else %}no{% endif %}",
    ),
    Row(
        "operator",
        "( )",
        SAME,
        "parentheses are not allowed in conditions: an error",
        (_LINT_SYNTAX,),
    ),
]


def _attribute_rows() -> list[Row]:
    """A row per standard attribute Braze names and per namespace: from the profiles'
    and the linter's registries, so a name added there gets a row here."""
    from rokt_braze.braze.template import NAMESPACES
    from rokt_braze.lint.variables import STANDARD_ATTRIBUTES as BRAZE_NAMES
    from rokt_braze.profiles.namespaces import NAMESPACE_KEYS, STANDARD_ATTRIBUTES

    profile_tests = (
        _P + "test_standard_attributes_from_an_export",
        _P + "test_liquid_names_override_export_names",
    )
    hash_tests = (
        _NS + "test_a_namespace_renders_as_ruby_renders_the_same_hash",
        _P + "test_every_namespace_is_present_and_empty_by_default",
        _GENERATED,
    )
    out = [
        Row(
            "object",
            f"${{{name}}}",
            SAME,
            "from the profile (export or Liquid name)",
            profile_tests,
        )
        if name in STANDARD_ATTRIBUTES
        else Row(
            "object",
            f"${{{name}}}",
            differs("always blank: Braze makes a link per user and channel"),
            "an email subscription link",
            (_P + "test_missing_and_null_standard_attributes_are_absent",),
        )
        for name in sorted(BRAZE_NAMES | STANDARD_ATTRIBUTES)
    ]
    out += [
        Row(
            "object",
            f"{name}.${{...}}",
            SAME,
            "a hash: prints, compares, iterates and filters as Ruby Liquid treats a Hash",
            hash_tests,
        )
        for name in sorted(set(NAMESPACE_KEYS) | NAMESPACES)
    ]
    return out


_OBJECTS = [
    Row(
        "object",
        "content_blocks.${...}",
        SAME,
        "blocks from fixtures or a folder; Liquid inside shares the message's variables; "
        "two levels render, a third renders nothing",
        (
            _E + "test_blocks_nest_two_levels_and_the_third_renders_nothing",
            _X + "test_content_blocks_nested_with_liquid_inside",
            _GENERATED,
        ),
    ),
    Row(
        "object",
        "connected",
        SAME,
        "a JSON answer without `:save`",
        (_E + "test_json_without_save_goes_to_connected_and_prints_nothing",),
    ),
    Row(
        "object",
        "__http_status_code__",
        SAME,
        "on a saved JSON object answer",
        (_E + "test_status_code_only_on_json_objects", _S + "test_14_status_code_guard"),
    ),
    Row(
        "object",
        "items",
        SAME,
        "set by `catalog_items` / `catalog_selection_items`",
        (_X + "test_catalogs_as_the_page_shows",),
    ),
    Row(
        "object",
        "shopping_cart",
        SAME,
        "set by the `shopping_cart` tag",
        (_X + "test_a_shopping_cart_message_as_the_ecommerce_page_builds_it",),
    ),
    _standard(
        "object",
        "forloop",
        "{% for x in (1..3) %}{{ forloop.index0 }}{{ forloop.first }}"
        "{{ forloop.last }}{{ forloop.length }}{% endfor %}",
    ),
    _standard(
        "object",
        "now / today (variables)",
        "[{{ now }}{{ today }}]",
        "undefined, as in Ruby Liquid (Braze's time is the string `'now'`)",
    ),
    Row(
        "object",
        "'now' / 'today'",
        SAME,
        "the current time in UTC, for `date` and `time_zone`",
        (
            _F + "test_now_is_utc_and_frozen_clock_is_used",
            "tests/braze/test_dates_as_ruby.py::test_three_days_from_now",
        ),
    ),
    _standard(
        "object",
        "nil / null",
        "{% if nothing == nil %}a{% endif %}{% if nothing == null %}b{% endif %}",
    ),
    _standard("object", "empty", "{% if '' == empty %}a{% endif %}{% if a != empty %}b{% endif %}"),
    Row(
        "object",
        "blank",
        SAME,
        "Rails' `blank?`: nil, false, whitespace, an empty array or hash (Braze's docs)",
        (
            _S + "test_6_null_and_blank_checks",
            _NS + "test_an_event_with_no_properties_is_empty_and_blank",
        ),
    ),
]

#: Data the examples render with (here and in Ruby).
EXAMPLE_DATA = {
    "a": [1, None, 2],
    "h": {"x": 1, "y": None},
    "items": [{"k": "a"}, {"k": "b"}],
}


def rows() -> list[Row]:
    """Every row, tags first; names are unique within a kind."""
    from rokt_braze.braze.filters import UNSUPPORTED_FILTERS

    unsupported = [
        Row(
            "filter",
            name,
            SAME,
            "Braze does not support it: an `unknown-filter` error",
            (_UNSUPPORTED,),
        )
        for name in sorted(UNSUPPORTED_FILTERS)
    ]
    return [
        *_STANDARD_TAGS,
        *_BRAZE_TAGS,
        *_STANDARD_FILTERS,
        *_BRAZE_FILTERS,
        *_UNDOCUMENTED_FILTERS,
        *unsupported,
        *_OPERATORS,
        *_attribute_rows(),
        *_OBJECTS,
    ]


def counts(table: list[Row]) -> Counter[str]:
    """How many rows are the same, differ, and are not in Braze."""
    return Counter("differs" if row.status.startswith("differs") else row.status for row in table)


def markdown() -> str:
    """docs/braze-liquid.md."""
    table = rows()
    tally = counts(table)
    out = [
        "# Braze Liquid support",
        "",
        "<!-- Generated by `python -m rokt_braze.support > docs/braze-liquid.md`; "
        "edit rokt_braze/support.py instead. -->",
        "",
        "Every tag, filter, operator and object Braze documents, and everything rokt-braze's "
        "engine registers, with its status:",
        "",
        "* **same as Braze**: renders as Braze does (standard Liquid: as Shopify's Ruby "
        "Liquid 5.4, which Braze runs);",
        "* **differs**: what is different;",
        "* **not in Braze**: accepted here, not in Braze's documentation.",
        "",
        "Each row names the tests that show it; a test fails when a registered tag or filter "
        "has no row, when a row names a test that does not exist, when an example renders "
        "differently in Ruby Liquid, or when this page is not what the code generates.",
        "",
        f"**{len(table)} rows: {tally[SAME]} same as Braze, {tally['differs']} differ, "
        f"{tally[NOT_IN_BRAZE]} not in Braze.**",
        "",
        "Fixtures stand in for what lives in Braze (Connected Content answers, Content "
        "Blocks, catalogs, selections, promotion codes, translations, shopping carts); "
        "see the README.",
    ]
    for kind in KINDS:
        out += [
            "",
            f"## {kind.capitalize()}s",
            "",
            "| name | status | notes | tested by |",
            "| --- | --- | --- | --- |",
        ]
        for row in (r for r in table if r.kind == kind):
            tests = "<br>".join(f"`{test.rpartition('/')[2]}`" for test in row.tests)
            note = row.note + (f"<br>Example: `{_inline(row.example)}`" if row.example else "")
            out.append(f"| `{_cell(row.name)}` | {_cell(row.status)} | {_cell(note)} | {tests} |")
    return "\n".join(out) + "\n"


def _inline(example: str) -> str:
    return example.replace("\n", "⏎")


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


if __name__ == "__main__":
    print(markdown(), end="")
