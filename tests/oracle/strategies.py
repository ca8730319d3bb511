"""Hypothesis strategies for the differential tier: random standard-Liquid templates and
the data they read.

`templates()` draws a small template from a grammar of standard Liquid, as Braze
customers write it:

* output and `echo` with filter chains: string, math, array and property filters
  (`map`, `where`, `uniq: 'k'`, `sort: 'k'`, ...), `date` on the dates customers store,
  `default` with `allow_false`, and an unknown filter;
* `assign`, `capture` (nested), `increment`/`decrement` sharing names with `assign`;
* `if`/`elsif`/`else`, `unless` with `elsif`/`else`, `case` with `when` values separated
  by `,` or `or` (including `nil`, `blank`, `empty`) and `else`;
* `for` over arrays, hashes, text, numbers and ranges with variable bounds, with
  `limit`/`offset` (numbers, text, variables, `continue`), `reversed` before or after
  them, `forloop` properties (`parentloop`, `name`, ...), `break`, `continue`, `else`;
* `tablerow` with `cols`/`limit`/`offset` and `tablerowloop` properties;
* `cycle` with literals, variables, `nil` and group names; `raw`; `comment` holding
  outputs, unknown tags and whole blocks; inline `#` comments; `liquid` with statements
  and blocks over several lines;
* whitespace control, every comparison operator with `and`/`or` (ordering between any
  values: a number against text is an error in both), `nil`/`empty`/`blank`, integer and
  float literals, strings with either quote, backslashes and unicode text.

Braze-only syntax is drawn too, each piece as a pair with the standard Liquid Braze reads
it as (`pairs.py`; the differential test renders the Braze side with rokt-braze and the
standard side with Ruby Liquid):

* `${name}` (the plain variable `name`, so `${v}` reads what `assign v` wrote) and
  `ns.${name}` (`ns['name']`; names with spaces, colons, non-ASCII, an apostrophe), with
  `[0]`, `.key`, `.size` after them, in outputs (`{{${first_name}}}`), filter arguments,
  conditions, `case`, `when` and `liquid` lines;
* `{{ }}` around a value inside tag markup and inside an output (`{% assign v =
  {{custom_attribute.${a}}}[0] | split: '/' %}`, `{{ a | plus: {{b}} }}`): the value;
  and the unbalanced `{{${name}}` Braze's docs write inside tags;
* `{{ x | f }}` holding a filter inside `assign`, `echo`, `if`/`unless` and `for`
  markup: the filtered value, assigned to a variable before the tag;
* content blocks (`CONTENT_BLOCKS`), as an output (maybe filtered) and inside tag markup:
  the block's text rendered in the including template's scope, captured before the tag.

`data()` draws the variables they read (fixed names, random values: nil, booleans,
integers, floats, strings, arrays, hashes; `k` is a small integer for range bounds), and
the `custom_attribute` and `event_properties` namespaces (`context` stays unset).

What the grammar leaves out, and why:

* filters and tags Braze lacks or replaces (`lstrip`, `rstrip`, `date` with `'now'`,
  `money`, `include`, `render`): here they are unknown or Braze's own, so they differ
  from Ruby Liquid by design. An unknown filter Ruby Liquid also lacks (`sum`, which
  arrived in Liquid 5.5, or `nosuch`) is generated: rokt-braze reports it, and rendering
  past it must pass the input through as Ruby's lax mode does
  (`differential.render_in_rokt_braze`);
* free-form date text (`'-2.50' | date: ...`): Ruby's `Date._parse` heuristics are only
  partly reproduced (docs/braze-liquid.md, `date`); dates are drawn from the forms
  customers store (ISO 8601, epochs, `June 3, 2021`);
* ranges wider than the loop limit (`(-1000000..1)`): rokt-braze stops them as Braze's
  limits do, Ruby Liquid has no limit;
* malformed markup Ruby's lax parser reads as something (`{{ - 1 }}`, `{{ 5 < 'a' }}`):
  rokt-braze reports it as a syntax error, as a checker should;
* Braze syntax whose meaning Braze does not document: a filter inside a `{{ }}` nested
  in a filter argument (`{{ a | plus: {{b | times: 2}} }}`), `{{ x | f }}` in `elsif`,
  `when` or `case` markup (their standard meaning cannot assign the value just before
  they read it), spaces inside `${ name }`, `${...}` in plain text or inside `raw`, a
  bare namespace (`{{ custom_attribute }}`), and keywords as names (`${nil}`);
* known differences, each listed in docs/braze-liquid.md: a `comment` holding a
  malformed or unclosed known tag (Ruby Liquid 5.4 parses tags inside comments), `break`
  inside `tablerow`, and a `cycle` group named by a path (`{% cycle h.k: 1, 2 %}`).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from typing import Any

from hypothesis import strategies as st

from oracle.pairs import braze_side, pair, standard_side

#: The strategies below are built once and reused: hypothesis validates each strategy
#: object on its first draw, and building new ones on every draw doubled the time spent
#: generating.
_once = functools.cache


def _pick(values: Sequence[Any]) -> st.SearchStrategy[Any]:
    """`st.sampled_from(values)`, one strategy object per distinct `values`."""
    return _sampled(tuple(values))


@functools.cache
def _sampled(values: tuple[Any, ...]) -> st.SearchStrategy[Any]:
    return st.sampled_from(values)

#: Characters for plain text and string values: quotes, blanks (Unicode spaces and NUL
#: too), HTML, punctuation, non-ASCII letters and an emoji. No `{`, `}` or `%`, so text
#: never opens markup.
TEXT_CHARS = "abcXYZ 09,.-_/:;'\"<>&!?\n\téüß日本😀#@$\\\u00a0\u2003\0"
SCALAR_STRINGS = _pick([
    "", " ", "a", "abc", "A b C", "it's", 'say "hi"', "<b>&amp;</b>", "a,b,,", ",a,b",
    " a  b ", "2021-06-03", "2021-06-03T10:00:00Z", "12abc", " 3", "1.5", "-2.50", "0",
    "10", "1_000", "true", "nil", "éte", "ÉTÉ", "日本語", "😀x", "a\nb", "  padded  ",
    "\u00a0nbsp\u00a0", "a\\b", "0x1A", " 12 ", "1e3", "%20a+b%2", "\t",
])  # fmt: skip
NICE_FLOATS = _pick([
    0.0, 0.5, 1.5, 2.5, -2.5, 2.675, 0.125, 1.005, 0.1, 0.2, 3.14159, 1e-05, 0.0001,
    1e15, 1e16, 123456.789, -0.5, 7.0, 100.0, 1.23e-07,
])  # fmt: skip

texts = st.text(alphabet=TEXT_CHARS, max_size=8)
strings = st.one_of(SCALAR_STRINGS, texts)
ints = st.one_of(st.integers(-20, 20), st.integers(-10**6, 10**6), _pick([0, 1, -1]))
floats = st.one_of(NICE_FLOATS, st.floats(-1000, 1000, allow_nan=False).map(lambda f: round(f, 3)))
scalars = st.one_of(st.none(), st.booleans(), ints, floats, strings)

#: Variable names templates read; `data()` gives each a value.
SCALAR_NAMES = ("a", "b", "n", "x", "s", "t")
KEYS = ("k", "name", "price", "tags")
#: Names of `custom_attribute.${...}` / `event_properties.${...}` attributes: spaces,
#: colons, non-ASCII, an apostrophe; the last is never set.
ATTRIBUTE_NAMES = ("rokt:account_code", "zip code", "Brands Viewed", "ünï", "k", "it's",
                   "missing")
#: `${name}` atoms at the root: standard attributes and names `data()` or `assign` set
#: (`${v}` reads the variable an `assign` wrote, as Braze's rewrite to a plain variable does).
ROOT_ATTRIBUTES = ("first_name", "a", "n", "s", "arr", "objs", "v", "last_name")


#: A hash with some of `KEYS`.
objects = st.dictionaries(_pick(KEYS), scalars, max_size=4)
attribute_values = st.one_of(
    scalars, st.lists(st.one_of(strings, ints), max_size=4), objects,
    st.lists(objects, max_size=3),
    st.sampled_from([["brazetest/f5733866ade2", "other/1"], ["a/b"], "solo/x", []]),
)
#: A namespace's attributes (the last of `ATTRIBUTE_NAMES` is never set).
namespaces = st.dictionaries(_pick(ATTRIBUTE_NAMES[:-1]), attribute_values,
                             max_size=5)
#: Values for every name `templates()` may read (module-level strategies: built once).
_DATA = st.fixed_dictionaries({
    "a": scalars, "b": scalars, "n": ints, "k": st.integers(-3, 5), "x": floats, "s": strings,
    "t": _pick(["", "a,b,c", "x y  z", "1,2,,", "é,ü", "a-b"]),
    "arr": st.lists(st.one_of(ints, strings, st.none()), max_size=5),
    "nums": st.lists(st.one_of(ints, floats), max_size=5),
    "words": st.lists(SCALAR_STRINGS, max_size=5),
    "objs": st.lists(objects, max_size=4), "h": objects, "first_name": strings,
    "custom_attribute": namespaces, "event_properties": namespaces,
})


def data() -> st.SearchStrategy[dict[str, Any]]:
    """Values for every name `templates()` may read."""
    return _DATA


def _quote(text: str) -> str:
    """A Liquid string literal for `text` (which holds at most one kind of quote)."""
    return f'"{text}"' if "'" in text else f"'{text}'"


literal_strings = strings.filter(lambda t: not ("'" in t and '"' in t)).map(_quote)
literal_numbers = st.one_of(ints.map(str), NICE_FLOATS.map(repr).filter(lambda r: "e" not in r))
literals = st.one_of(literal_strings, literal_numbers, _pick(["true", "false", "nil"]))

scalar_paths = _pick([
    "a", "b", "n", "x", "s", "t", "missing", "h.k", "h.name", "h['price']", "h.missing",
    "objs[0].k", "objs[1].name", "objs.first.price", "arr[0]", "arr[-1]", "arr[9]",
    "words.first", "words.last", "nums[1]", "arr.size", "words.size", "s.size", "h.size",
    "n.size", "x.size", "a.size", "h.first",
])  # fmt: skip
array_paths = _pick(["arr", "nums", "words", "objs", "missing"])

# Braze-only syntax, each piece drawn as a pair with the standard Liquid Braze reads it as
# (see pairs.py): `${name}` is the plain variable `name`, `ns.${name}` is `ns['name']`,
# and `{{ }}` around a value inside markup is dropped.
LOOKUPS = _pick(["", "", "", "[0]", "[-1]", ".k", ".size", ".first", "['name']"])


@_once
@st.composite
def attribute(draw: st.DrawFn) -> str:
    """`${name}` or `ns.${name}`, maybe followed by `[0]`, `.key`, ..."""
    if draw(st.booleans()):
        name = draw(_pick(ROOT_ATTRIBUTES))
        braze, standard = f"${{{name}}}", name
    else:
        namespace = draw(_pick(
            ["custom_attribute", "custom_attribute", "event_properties", "context"]))
        name = draw(_pick(ATTRIBUTE_NAMES))
        braze, standard = f"{namespace}.${{{name}}}", f"{namespace}[{_quote(name)}]"
    lookup = draw(LOOKUPS)
    return pair(braze + lookup, standard + lookup)


@_once
@st.composite
def braced(draw: st.DrawFn, inner: st.SearchStrategy[str]) -> str:
    """`{{ value }}` inside tag or output markup (`{{custom_attribute.${a}}}[0]`)."""
    value = draw(inner)
    space = draw(_pick(["", "", " "]))
    lookup = draw(_pick(["", "", "[0]", ".size"]))
    return pair(f"{{{{{space}{braze_side(value)}{space}}}}}{lookup}",
                f"{value}{lookup}")


braze_values = st.one_of(attribute(), braced(st.one_of(attribute(), scalar_paths)))
scalar_atoms = st.one_of(scalar_paths, scalar_paths, literals, literals, braze_values)

# Filters: name -> strategy for the argument text (None: no argument).
NUMBER_ARG = st.one_of(literal_numbers, _pick(["n", "x", "'3'", "'2.5'", "nil"]),
                       braze_values)
STRING_ARG = st.one_of(literal_strings, _pick(["s", "a", "t", "n"]), braze_values)
SMALL_INT = st.integers(-3, 6).map(str)
SCALAR_FILTERS: dict[str, st.SearchStrategy[str] | None] = {
    "upcase": None, "downcase": None, "capitalize": None, "strip": None,
    "strip_html": None, "strip_newlines": None, "newline_to_br": None, "escape": None,
    "escape_once": None, "url_encode": None, "size": None, "abs": None, "ceil": None,
    "floor": None, "round": None, "url_decode": None, "base64_encode": None,
    "base64_url_safe_encode": None, "first": None, "last": None,
    "remove_last": STRING_ARG, "append": STRING_ARG, "prepend": STRING_ARG, "remove": STRING_ARG,
    "remove_first": STRING_ARG,
    "default": st.one_of(STRING_ARG, literal_numbers, STRING_ARG.map(
        lambda arg: f"{arg}, allow_false: true")),
    "plus": NUMBER_ARG, "minus": NUMBER_ARG, "times": NUMBER_ARG, "divided_by": NUMBER_ARG,
    "modulo": NUMBER_ARG, "at_least": NUMBER_ARG, "at_most": NUMBER_ARG,
    "truncate": SMALL_INT, "truncatewords": SMALL_INT,
}  # fmt: skip
TWO_ARG_FILTERS = ("replace", "replace_first", "replace_last", "slice", "round", "truncate")
ARRAY_FILTERS: dict[str, st.SearchStrategy[str] | None] = {
    "first": None, "last": None, "size": None, "reverse": None, "compact": None,
    "uniq": None, "sort_natural": None, "sort": None,
    "join": st.one_of(st.just("', '"), STRING_ARG),
    "map": _pick(["'k'", "'name'", "'price'", "'missing'"]),
    "sum": None, "concat": _pick(["words", "arr", "nums", "missing"]),
    "where": _pick(["'k'", "'k', 1", "'name', nil", "'price', 'a'", "'tags', true"]),
    "slice": _pick(["1", "-1", "0, 2", "1, 9"]),
    "nosuch": None,
}  # fmt: skip
#: Filters over an array of hashes, by a property (`objs` has them; on other arrays Ruby
#: Liquid fails, and rokt-braze must too).
PROPERTY_FILTERS = _pick([
    "uniq: 'k'", "sort: 'k'", "sort_natural: 'name'", "map: 'price'", "compact: 'k'",
])
#: Dates as customers write them, and the formats they print them with.
DATES = _pick([
    "'2021-06-03T17:13:41Z'", "'2021-06-03'", "'June 3, 2021'", "1622740421", "'1622740421'",
    "'2021-06-03 17:13:41 +0200'", "'2021-06-03T10:00:00.000Z'", "n", "missing", "''",
])
DATE_FORMATS = _pick([
    "'%Y-%m-%d'", "'%Y-%m-%dT%H:%M:%S%z'", "'%b %e, %Y %l:%M %p'", "'%A %d %B'", "'%s'",
    "'%j %U %W %u %w'", "'%-d/%-m/%y %I%P'", "'%H:%M:%S.%L %Z'",
])
#: Filters that turn a string into an array, to chain array filters after.
SPLITTERS = _pick(["split: ','", "split: ' '", "split: ''", "split: '-'"])


@_once
@st.composite
def scalar_filter(draw: st.DrawFn) -> str:
    if draw(st.integers(0, 9)) == 0:
        name = draw(_pick(TWO_ARG_FILTERS))
        if name in ("replace", "replace_first", "replace_last"):
            return f"{name}: {draw(STRING_ARG)}, {draw(STRING_ARG)}"
        if name == "slice":
            return f"slice: {draw(SMALL_INT)}, {draw(SMALL_INT)}"
        if name == "round":
            return f"round: {draw(st.integers(-2, 3))}"
        return f"truncate: {draw(SMALL_INT)}, {draw(literal_strings)}"
    name = draw(_pick(sorted(SCALAR_FILTERS)))
    arg = SCALAR_FILTERS[name]
    return name if arg is None else f"{name}: {draw(arg)}"


@_once
@st.composite
def array_filter(draw: st.DrawFn) -> str:
    name = draw(_pick(sorted(ARRAY_FILTERS)))
    arg = ARRAY_FILTERS[name]
    return name if arg is None else f"{name}: {draw(arg)}"


@_once
@st.composite
def expression(draw: st.DrawFn) -> str:
    """A value with a filter chain that ends in something printable (not a hash)."""
    kind = draw(st.integers(0, 5))
    if kind == 4:  # a date, printed
        return f"{draw(DATES)} | date: {draw(DATE_FORMATS)}"
    if kind == 5:  # hashes by a property
        parts = [draw(_pick(["objs", "objs", "arr", "missing"])),
                 *draw(st.lists(PROPERTY_FILTERS, min_size=1, max_size=2))]
        parts.append(draw(_pick(["size", "map: 'k' | join: ','", "first | size"])))
        return " | ".join(parts)
    if kind == 0:  # an array through array filters, ending in join / first / size
        parts = [draw(array_paths), *draw(st.lists(array_filter(), max_size=2))]
        parts.append(draw(_pick(["join: ','", "first", "last", "size", "join"])))
    elif kind == 1:  # a string split into an array and back
        parts = [draw(_pick(["t", "s", "a", "'a,b,,c'"])), draw(SPLITTERS)]
        parts += draw(st.lists(_pick(["reverse", "uniq", "compact", "sort_natural"]),
                               max_size=2))
        parts.append(draw(_pick(["join: '|'", "size", "first", "last"])))
    else:
        parts = [draw(scalar_atoms), *draw(st.lists(scalar_filter(), max_size=3))]
    return " | ".join(parts)


@_once
@st.composite
def output(draw: st.DrawFn) -> str:
    left = draw(_pick(["{{ ", "{{- ", "{{"]))
    right = draw(_pick([" }}", " -}}", "}}"]))
    return f"{left}{draw(expression())}{right}"


#: Content blocks the templates include: name -> (its Braze source, the standard Liquid
#: that means). A block renders in the including template's scope (`setter` assigns `w`).
CONTENT_BLOCKS: dict[str, tuple[str, str]] = {
    "list": ("p,q,r", "p,q,r"),
    "flag": ("on", "on"),
    "spaced": (" x\n", " x\n"),
    "greeting": ("Hi {{${first_name} | default: 'there'}}!",
                 "Hi {{first_name | default: 'there'}}!"),
    "setter": ("{% assign w = 'set in a block' %}{{ w | size }}",
               "{% assign w = 'set in a block' %}{{ w | size }}"),
    "Promo Code": ("{{custom_attribute.${zip code}}}", "{{custom_attribute['zip code']}}"),
    "nested": ("[{{content_blocks.${list}}}]", "[p,q,r]"),
}


def _captured(name: str) -> tuple[str, str]:
    """(variable, standard tag capturing content block `name` into it)."""
    variable = "cb_" + re.sub(r"\W", "_", name.lower())
    return variable, f"{{% capture {variable} %}}{CONTENT_BLOCKS[name][1]}{{% endcapture %}}"


@_once
@st.composite
def _content_block(draw: st.DrawFn) -> str:
    """`{{content_blocks.${name}}}` (maybe filtered): the block, rendered where it stands."""
    name = draw(_pick(sorted(CONTENT_BLOCKS)))
    filters = draw(_pick(["", "", " | upcase", " | split: ',' | size", " | strip"]))
    left = draw(_pick(["{{", "{{ ", "{{- "]))
    right = draw(_pick(["}}", " }}", " -}}"]))
    variable, capture = _captured(name)
    if left == "{{- ":
        capture = "{%-" + capture[2:]
    closing = " -}}" if right == " -}}" else " }}"
    return pair(f"{left}content_blocks.${{{name}}}{filters}{right}",
                f"{capture}{{{{ {variable}{filters}{closing}")


@_once
@st.composite
def operand(draw: st.DrawFn) -> tuple[str, str]:
    """A Braze value in tag markup: (markup, standard tags that must run before the tag).

    `{{ x | f }}` holding a filter is the filtered value, and a content block is its
    rendered text: their standard meaning assigns or captures them first.
    """
    kind = draw(st.integers(0, 3))
    if kind == 0:
        inner = draw(expression())
        if "|" not in inner:
            inner += f" | {draw(scalar_filter())}"
        variable = f"sub{draw(st.integers(0, 99))}"
        lookup = draw(_pick(["", "", "[0]", ".size", ".first"]))
        space = draw(_pick(["", " "]))
        return (pair(f"{{{{{space}{inner}{space}}}}}{lookup}", f"{variable}{lookup}"),
                f"{{% assign {variable} = {standard_side(inner)} %}}")
    if kind == 1:
        name = draw(_pick(sorted(CONTENT_BLOCKS)))
        variable, capture = _captured(name)
        form = draw(_pick(["{{{{content_blocks.${{{}}}}}}}", "content_blocks.${{{}}}"]))
        return pair(form.format(name), variable), capture
    if kind == 2:  # unbalanced, as Braze's docs write `{{${last_used_app_date}} | date: ...`
        name = draw(_pick(ROOT_ATTRIBUTES))
        return pair(f"{{{{${{{name}}}}}", name), ""
    return draw(braze_values), ""


def _hoisting_tag(draw: st.DrawFn, markup: str, before: Sequence[str]) -> str:
    """A tag whose standard meaning runs the tags `before` first (they get its left
    whitespace control)."""
    tag = _tag(draw, markup)
    before = "".join(before)
    if not before:
        return tag
    if tag.startswith("{%-"):
        return pair(tag, "{%-" + before[2:] + "{% " + tag[4:])
    return pair(tag, before + tag)


COMPARISONS = ("==", "!=", "<", ">", "<=", ">=")


@_once
@st.composite
def comparison(draw: st.DrawFn) -> str:
    kind = draw(st.integers(0, 5))
    if kind == 0:
        return draw(scalar_atoms)
    if kind == 1:
        return f"{draw(scalar_paths)} {draw(_pick(['==', '!=']))} " + draw(
            _pick(["nil", "empty", "blank", "true", "false", "''"]))
    if kind == 2:
        container = draw(st.one_of(array_paths, _pick(["s", "t", "a"])))
        return f"{container} contains {draw(st.one_of(literal_strings, scalar_paths))}"
    if kind == 3:  # ordering, mostly between numbers (else it is mostly an error)
        numbers = st.one_of(_pick(["n", "x", "arr.size", "words.size"]),
                            literal_numbers)
        sides = st.one_of(numbers, numbers, scalar_atoms, array_paths)
        return f"{draw(sides)} {draw(_pick(COMPARISONS))} {draw(sides)}"
    return f"{draw(scalar_atoms)} {draw(_pick(['==', '!=']))} {draw(scalar_atoms)}"


@_once
@st.composite
def condition(draw: st.DrawFn) -> str:
    parts = [draw(comparison())]
    for _ in range(draw(st.integers(0, 2))):
        parts += [draw(_pick(["and", "or"])), draw(comparison())]
    return " ".join(parts)


def _tag(draw: st.DrawFn, markup: str) -> str:
    left = draw(_pick(["{% ", "{%- "]))
    right = draw(_pick([" %}", " -%}"]))
    return f"{left}{markup}{right}"


@_once
@st.composite
def block(draw: st.DrawFn, depth: int = 0) -> str:
    """A sequence of text, output and tags."""
    items = []
    for _ in range(draw(st.integers(1, 3))):
        items.append(draw(node(depth)))
    return "".join(items)


VARIABLES = ("v", "w")
#: Names `assign`/`capture` and `increment`/`decrement` share (their namespaces differ).
COUNTERS = ("c", "v")


@_once
@st.composite
def node(draw: st.DrawFn, depth: int = 0) -> str:
    """One piece of a template: text, an output, or a tag (blocks nest two deep)."""
    kinds = [*LEAVES, *(BLOCKS if depth < 2 else ())]
    kind = draw(_pick(kinds))
    if kind in BLOCKS:
        return draw(BLOCKS[kind](block(depth + 1)))
    return draw(LEAVES[kind]())


@_once
@st.composite
def _assign(draw: st.DrawFn) -> str:
    name = draw(_pick(VARIABLES))
    value, before = draw(_value_with_braze_operand())
    return _hoisting_tag(draw, f"assign {name} = {value}", before) + draw(
        _pick(["", f"[{{{{ {name} }}}}]"]))


@_once
@st.composite
def _echo(draw: st.DrawFn) -> str:
    value, before = draw(_value_with_braze_operand())
    return _hoisting_tag(draw, f"echo {value}", before)


@_once
@st.composite
def _value_with_braze_operand(draw: st.DrawFn) -> tuple[str, list[str]]:
    """An expression, sometimes a Braze operand with filters after it."""
    if draw(st.integers(0, 3)):
        return draw(expression()), []
    value, before = draw(operand())
    filters = draw(st.lists(scalar_filter(), max_size=2))
    return " | ".join([value, *filters]), [before]


@_once
@st.composite
def _raw(draw: st.DrawFn) -> str:
    """Markup inside `raw` is text (`{%- endraw %}` too, in Ruby Liquid 5.4)."""
    inside = draw(st.lists(st.one_of(texts, _pick([
        "{{ a }}", "{% if %}", "{%- if -%}", "{% endif %}", "{{", "}}", "{% raw %}", "%}",
    ])), max_size=3))
    opening = draw(_pick(["{% raw %}", "{%- raw %}", "{% raw -%}", "{%- raw -%}"]))
    return opening + "".join(inside) + draw(_pick(
        ["{% endraw %}", "{% endraw -%}", "{%- endraw %}{% endraw %}"]))


@_once
@st.composite
def _comment(draw: st.DrawFn) -> str:
    """Comments hold text, outputs, unknown tags and whole blocks (Ruby Liquid 5.4 parses
    known tags inside a comment, so they must be well formed)."""
    inside = draw(st.lists(st.one_of(texts, _pick([
        "{{ a }}", "{{ a | nosuch }}", "{% nosuch x %}", "{% if a %}x{% endif %}",
        "{% for i in arr %}{{ i }}{% endfor %}", "{% raw %}{% endcomment %}{% endraw %}",
        "{% comment %}inner{% endcomment %}",
    ])), max_size=3))
    return draw(_pick([
        _tag(draw, "comment") + "".join(inside) + _tag(draw, "endcomment"),
        "{% # " + draw(texts).replace("\n", " ") + " %}",
    ]))


CYCLES = _pick([
    "'x', 'y', 'z'", "'x', 'y'", "1, 2.5", "a, b", "n, 'q'", "nil, 'r'", "'g': 'x', 'y'",
    "'g': 1, 2, 3", "s: 'p', 'q'", "nil",
])


@_once
@st.composite
def _cycle(draw: st.DrawFn) -> str:
    return _tag(draw, f"cycle {draw(CYCLES)}")


@_once
@st.composite
def _counter(draw: st.DrawFn) -> str:
    name = draw(_pick(COUNTERS))
    return draw(_pick([
        f"{{% increment {name} %}}", f"{{% decrement {name} %}}", f"<{{{{ {name} }}}}>",
        f"{{% assign {name} = 5 %}}",
    ]))


@_once
@st.composite
def _liquid(draw: st.DrawFn) -> str:
    """`{% liquid %}`: one statement per line (so no line break inside a string literal)."""
    line = expression().filter(_one_line)
    statements = draw(st.lists(st.one_of(
        line.map(lambda e: f"assign w = {e}\necho w"),
        line.map(lambda e: f"echo {e}"),
        condition().filter(_one_line).map(
            lambda c: f"if {c}\necho 'T'\nelse\necho 'F'\nendif"),
        _pick([
            "for i in arr limit: 2\necho i\nendfor", "case n\nwhen 1, 2\necho 'one'\n"
            "else\necho 'other'\nendcase", "# a note", "increment c", "cycle 'p', 'q'",
            "unless a\necho 'U'\nendunless",
        ]),
    ), min_size=1, max_size=3))
    return "{% liquid\n" + "\n".join(statements) + "\n%}"


def _one_line(text: str) -> bool:
    """Fits a `liquid` line: no line break, no `{{ }}` (it has no markup delimiters)."""
    return "\n" not in text and "{{" not in braze_side(text)


LEAVES: dict[str, Any] = {
    "text": lambda: texts, "output": output, "assign": _assign, "echo": _echo, "raw": _raw,
    "comment": _comment, "cycle": _cycle, "counter": _counter, "liquid": _liquid,
    "content_block": _content_block,
}


@_once
@st.composite
def _conditional(draw: st.DrawFn, inner: st.SearchStrategy[str], tag: str) -> str:
    """`if` or `unless`, with `elsif` branches and an `else`."""
    test, before = draw(condition()), []
    if not draw(st.integers(0, 4)):  # `{% if {{x | size}} == 2 %}`, ...
        value, hoisted = draw(operand())
        rest = draw(_pick(["", f" {draw(_pick(COMPARISONS))} "]))
        test, before = value + (rest + draw(scalar_atoms) if rest else ""), [hoisted]
    out = _hoisting_tag(draw, f"{tag} {test}", before) + draw(inner)
    for _ in range(draw(st.integers(0, 2))):
        out += _tag(draw, f"elsif {draw(condition())}") + draw(inner)
    if draw(st.booleans()):
        out += _tag(draw, "else") + draw(inner)
    return out + _tag(draw, f"end{tag}")


WHEN_VALUES = st.one_of(scalar_atoms, _pick(["nil", "blank", "empty", "''"]))


@_once
@st.composite
def _case(draw: st.DrawFn, inner: st.SearchStrategy[str]) -> str:
    """`when` values are separated by `,` or `or`; several `when`s may match, each renders."""
    out = _tag(draw, f"case {draw(st.one_of(scalar_paths, array_paths, braze_values))}")
    for _ in range(draw(st.integers(1, 3))):
        values = draw(st.lists(WHEN_VALUES, min_size=1, max_size=3))
        separator = draw(_pick([", ", " or ", ","]))
        out += _tag(draw, f"when {separator.join(values)}") + draw(inner)
    if draw(st.booleans()):
        out += _tag(draw, "else") + draw(inner)
    return out + _tag(draw, "endcase")


@_once
@st.composite
def _capture(draw: st.DrawFn, inner: st.SearchStrategy[str]) -> str:
    name = draw(_pick(VARIABLES))
    return (_tag(draw, f"capture {name}") + draw(inner) + _tag(draw, "endcapture")
            + f"<{{{{ {name} }}}}>")


#: What a `for` or `tablerow` may loop over: arrays, a hash, text, nothing, ranges
#: (`k` is small, so a range never runs long).
LOOP_SOURCES = st.one_of(array_paths, _pick([
    "(1..3)", "(0..arr.size)", "(-1..1)", "(k..3)", "(1..k)", "(k..k)", "(s..2)", "(t..k)",
    "(1.5..k)", "h", "s", "t", "a", "n", "'xy'",
]))
LOOP_BODIES = _pick([
    "{{ item }}", "{{ forloop.index }}:{{ item }}", "{{ forloop.index0 }}",
    "{% if forloop.first %}F{% endif %}{{ item }}{% if forloop.last %}L{% endif %}",
    "{% if forloop.index == 2 %}{% break %}{% endif %}{{ item }}",
    "{% if forloop.index == 1 %}{% continue %}{% endif %}{{ item }},",
    "{{ forloop.length }}{{ forloop.rindex }}{{ forloop.rindex0 }}", "{{ forloop.name }}",
    "{{ forloop.parentloop.index }}/{{ forloop.index }}",
    "{% for j in (1..2) %}{{ forloop.parentloop.index0 }}{{ j }}{% endfor %}",
])


@_once
@st.composite
def _for(draw: st.DrawFn, inner: st.SearchStrategy[str]) -> str:
    source = draw(LOOP_SOURCES)
    options = draw(_pick([
        "", " limit: 2", " offset: 1", " reversed", " limit: 1 offset: 1",
        " reversed limit: 2", " limit: 2 reversed", " offset: 1 reversed", " limit: k",
        " offset: k", " offset: continue", " offset: continue limit: 1", " limit: '1'",
    ]))
    body = draw(LOOP_BODIES)
    if source in ("objs", "h"):
        body = "{{ item.k }}{{ item.size }}" if source == "objs" else "{{ item[0] }}"
    before = []
    if not draw(st.integers(0, 4)):  # `{% for i in {{custom_attribute.${x}}} limit:5 %}`
        # `forloop.name` and `offset: continue` go by the collection's text, which the
        # standard meaning spells differently
        source, hoisted = draw(operand())
        before.append(hoisted)
        options = options.replace(" offset: continue", "").replace(
            ": ", draw(_pick([": ", ":"])))
        body = body.replace("{{ forloop.name }}", "{{ item }}")
    out = _hoisting_tag(draw, f"for item in {source}{options}", before) + body + draw(inner)
    if draw(st.booleans()):
        out += _tag(draw, "else") + draw(inner)
    return out + _tag(draw, "endfor")


@_once
@st.composite
def _tablerow(draw: st.DrawFn, inner: st.SearchStrategy[str]) -> str:
    options = "".join(draw(st.lists(_pick([
        " cols: 2", " cols: 1", " cols: k", " cols: '3'", " limit: 2", " offset: 1",
        " limit: k", " reversed",
    ]), max_size=2, unique=True)))
    body = draw(_pick([
        "{{ item }}", "{{ tablerowloop.col }}{{ tablerowloop.row }}",
        "{{ tablerowloop.index }}{{ tablerowloop.rindex0 }}{{ tablerowloop.length }}",
        "{% if tablerowloop.col_first %}^{% endif %}{% if tablerowloop.col_last %}${% endif %}",
        "{{ tablerowloop.first }}{{ tablerowloop.last }}{{ tablerowloop.col0 }}",
    ]))
    return (_tag(draw, f"tablerow item in {draw(LOOP_SOURCES)}{options}") + body
            + draw(inner) + _tag(draw, "endtablerow"))


BLOCKS: dict[str, Any] = {
    "if": lambda inner: _conditional(inner, "if"),
    "unless": lambda inner: _conditional(inner, "unless"),
    "case": _case, "capture": _capture, "for": _for, "tablerow": _tablerow,
}


def templates() -> st.SearchStrategy[str]:
    """A standard-Liquid template (see the module docstring)."""
    return block()
