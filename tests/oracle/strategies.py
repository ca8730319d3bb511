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

`data()` draws the variables they read (fixed names, random values: nil, booleans,
integers, floats, strings, arrays, hashes; `k` is a small integer for range bounds).

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
* known differences, each listed in docs/braze-liquid.md: a `comment` holding a
  malformed or unclosed known tag (Ruby Liquid 5.4 parses tags inside comments), `break`
  inside `tablerow`, and a `cycle` group named by a path (`{% cycle h.k: 1, 2 %}`).
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

#: Characters for plain text and string values: quotes, blanks (Unicode spaces and NUL
#: too), HTML, punctuation, non-ASCII letters and an emoji. No `{`, `}` or `%`, so text
#: never opens markup.
TEXT_CHARS = "abcXYZ 09,.-_/:;'\"<>&!?\n\téüß日本😀#@$\\\u00a0\u2003\0"
SCALAR_STRINGS = st.sampled_from([
    "", " ", "a", "abc", "A b C", "it's", 'say "hi"', "<b>&amp;</b>", "a,b,,", ",a,b",
    " a  b ", "2021-06-03", "2021-06-03T10:00:00Z", "12abc", " 3", "1.5", "-2.50", "0",
    "10", "1_000", "true", "nil", "éte", "ÉTÉ", "日本語", "😀x", "a\nb", "  padded  ",
    "\u00a0nbsp\u00a0", "a\\b", "0x1A", " 12 ", "1e3", "%20a+b%2", "\t",
])  # fmt: skip
NICE_FLOATS = st.sampled_from([
    0.0, 0.5, 1.5, 2.5, -2.5, 2.675, 0.125, 1.005, 0.1, 0.2, 3.14159, 1e-05, 0.0001,
    1e15, 1e16, 123456.789, -0.5, 7.0, 100.0, 1.23e-07,
])  # fmt: skip

texts = st.text(alphabet=TEXT_CHARS, max_size=8)
strings = st.one_of(SCALAR_STRINGS, texts)
ints = st.one_of(st.integers(-20, 20), st.integers(-10**6, 10**6), st.sampled_from([0, 1, -1]))
floats = st.one_of(NICE_FLOATS, st.floats(-1000, 1000, allow_nan=False).map(lambda f: round(f, 3)))
scalars = st.one_of(st.none(), st.booleans(), ints, floats, strings)

#: Variable names templates read; `data()` gives each a value.
SCALAR_NAMES = ("a", "b", "n", "x", "s", "t")
KEYS = ("k", "name", "price", "tags")


@st.composite
def objects(draw: st.DrawFn) -> dict[str, Any]:
    keys = draw(st.lists(st.sampled_from(KEYS), unique=True, max_size=4))
    return {key: draw(scalars) for key in keys}


@st.composite
def data(draw: st.DrawFn) -> dict[str, Any]:
    """Values for every name `templates()` may read."""
    values: dict[str, Any] = {name: draw(scalars) for name in ("a", "b")}
    values["n"] = draw(ints)
    values["k"] = draw(st.integers(-3, 5))
    values["x"] = draw(floats)
    values["s"] = draw(strings)
    values["t"] = draw(st.sampled_from(["", "a,b,c", "x y  z", "1,2,,", "é,ü", "a-b"]))
    values["arr"] = draw(st.lists(st.one_of(ints, strings, st.none()), max_size=5))
    values["nums"] = draw(st.lists(st.one_of(ints, floats), max_size=5))
    values["words"] = draw(st.lists(SCALAR_STRINGS, max_size=5))
    values["objs"] = draw(st.lists(objects(), max_size=4))
    values["h"] = draw(objects())
    return values


def _quote(text: str) -> str:
    """A Liquid string literal for `text` (which holds at most one kind of quote)."""
    return f'"{text}"' if "'" in text else f"'{text}'"


literal_strings = strings.filter(lambda t: not ("'" in t and '"' in t)).map(_quote)
literal_numbers = st.one_of(ints.map(str), NICE_FLOATS.map(repr).filter(lambda r: "e" not in r))
literals = st.one_of(literal_strings, literal_numbers, st.sampled_from(["true", "false", "nil"]))

scalar_paths = st.sampled_from([
    "a", "b", "n", "x", "s", "t", "missing", "h.k", "h.name", "h['price']", "h.missing",
    "objs[0].k", "objs[1].name", "objs.first.price", "arr[0]", "arr[-1]", "arr[9]",
    "words.first", "words.last", "nums[1]", "arr.size", "words.size", "s.size", "h.size",
    "n.size", "x.size", "a.size", "h.first",
])  # fmt: skip
array_paths = st.sampled_from(["arr", "nums", "words", "objs", "missing"])
scalar_atoms = st.one_of(scalar_paths, literals)

# Filters: name -> strategy for the argument text (None: no argument).
NUMBER_ARG = st.one_of(literal_numbers, st.sampled_from(["n", "x", "'3'", "'2.5'", "nil"]))
STRING_ARG = st.one_of(literal_strings, st.sampled_from(["s", "a", "t", "n"]))
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
    "map": st.sampled_from(["'k'", "'name'", "'price'", "'missing'"]),
    "sum": None, "concat": st.sampled_from(["words", "arr", "nums", "missing"]),
    "where": st.sampled_from(["'k'", "'k', 1", "'name', nil", "'price', 'a'", "'tags', true"]),
    "slice": st.sampled_from(["1", "-1", "0, 2", "1, 9"]),
    "nosuch": None,
}  # fmt: skip
#: Filters over an array of hashes, by a property (`objs` has them; on other arrays Ruby
#: Liquid fails, and rokt-braze must too).
PROPERTY_FILTERS = st.sampled_from([
    "uniq: 'k'", "sort: 'k'", "sort_natural: 'name'", "map: 'price'", "compact: 'k'",
])
#: Dates as customers write them, and the formats they print them with.
DATES = st.sampled_from([
    "'2021-06-03T17:13:41Z'", "'2021-06-03'", "'June 3, 2021'", "1622740421", "'1622740421'",
    "'2021-06-03 17:13:41 +0200'", "'2021-06-03T10:00:00.000Z'", "n", "missing", "''",
])
DATE_FORMATS = st.sampled_from([
    "'%Y-%m-%d'", "'%Y-%m-%dT%H:%M:%S%z'", "'%b %e, %Y %l:%M %p'", "'%A %d %B'", "'%s'",
    "'%j %U %W %u %w'", "'%-d/%-m/%y %I%P'", "'%H:%M:%S.%L %Z'",
])
#: Filters that turn a string into an array, to chain array filters after.
SPLITTERS = st.sampled_from(["split: ','", "split: ' '", "split: ''", "split: '-'"])


@st.composite
def scalar_filter(draw: st.DrawFn) -> str:
    if draw(st.integers(0, 9)) == 0:
        name = draw(st.sampled_from(TWO_ARG_FILTERS))
        if name in ("replace", "replace_first", "replace_last"):
            return f"{name}: {draw(STRING_ARG)}, {draw(STRING_ARG)}"
        if name == "slice":
            return f"slice: {draw(SMALL_INT)}, {draw(SMALL_INT)}"
        if name == "round":
            return f"round: {draw(st.integers(-2, 3))}"
        return f"truncate: {draw(SMALL_INT)}, {draw(literal_strings)}"
    name = draw(st.sampled_from(sorted(SCALAR_FILTERS)))
    arg = SCALAR_FILTERS[name]
    return name if arg is None else f"{name}: {draw(arg)}"


@st.composite
def array_filter(draw: st.DrawFn) -> str:
    name = draw(st.sampled_from(sorted(ARRAY_FILTERS)))
    arg = ARRAY_FILTERS[name]
    return name if arg is None else f"{name}: {draw(arg)}"


@st.composite
def expression(draw: st.DrawFn) -> str:
    """A value with a filter chain that ends in something printable (not a hash)."""
    kind = draw(st.integers(0, 5))
    if kind == 4:  # a date, printed
        return f"{draw(DATES)} | date: {draw(DATE_FORMATS)}"
    if kind == 5:  # hashes by a property
        parts = [draw(st.sampled_from(["objs", "objs", "arr", "missing"])),
                 *draw(st.lists(PROPERTY_FILTERS, min_size=1, max_size=2))]
        parts.append(draw(st.sampled_from(["size", "map: 'k' | join: ','", "first | size"])))
        return " | ".join(parts)
    if kind == 0:  # an array through array filters, ending in join / first / size
        parts = [draw(array_paths), *draw(st.lists(array_filter(), max_size=2))]
        parts.append(draw(st.sampled_from(["join: ','", "first", "last", "size", "join"])))
    elif kind == 1:  # a string split into an array and back
        parts = [draw(st.sampled_from(["t", "s", "a", "'a,b,,c'"])), draw(SPLITTERS)]
        parts += draw(st.lists(st.sampled_from(["reverse", "uniq", "compact", "sort_natural"]),
                               max_size=2))
        parts.append(draw(st.sampled_from(["join: '|'", "size", "first", "last"])))
    else:
        parts = [draw(scalar_atoms), *draw(st.lists(scalar_filter(), max_size=3))]
    return " | ".join(parts)


@st.composite
def output(draw: st.DrawFn) -> str:
    left = draw(st.sampled_from(["{{ ", "{{- ", "{{"]))
    right = draw(st.sampled_from([" }}", " -}}", "}}"]))
    return f"{left}{draw(expression())}{right}"


COMPARISONS = ("==", "!=", "<", ">", "<=", ">=")


@st.composite
def comparison(draw: st.DrawFn) -> str:
    kind = draw(st.integers(0, 5))
    if kind == 0:
        return draw(scalar_atoms)
    if kind == 1:
        return f"{draw(scalar_paths)} {draw(st.sampled_from(['==', '!=']))} " + draw(
            st.sampled_from(["nil", "empty", "blank", "true", "false", "''"]))
    if kind == 2:
        container = draw(st.one_of(array_paths, st.sampled_from(["s", "t", "a"])))
        return f"{container} contains {draw(st.one_of(literal_strings, scalar_paths))}"
    if kind == 3:  # ordering, mostly between numbers (else it is mostly an error)
        numbers = st.one_of(st.sampled_from(["n", "x", "arr.size", "words.size"]),
                            literal_numbers)
        sides = st.one_of(numbers, numbers, scalar_atoms, array_paths)
        return f"{draw(sides)} {draw(st.sampled_from(COMPARISONS))} {draw(sides)}"
    return f"{draw(scalar_atoms)} {draw(st.sampled_from(['==', '!=']))} {draw(scalar_atoms)}"


@st.composite
def condition(draw: st.DrawFn) -> str:
    parts = [draw(comparison())]
    for _ in range(draw(st.integers(0, 2))):
        parts += [draw(st.sampled_from(["and", "or"])), draw(comparison())]
    return " ".join(parts)


def _tag(draw: st.DrawFn, markup: str) -> str:
    left = draw(st.sampled_from(["{% ", "{%- "]))
    right = draw(st.sampled_from([" %}", " -%}"]))
    return f"{left}{markup}{right}"


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


@st.composite
def node(draw: st.DrawFn, depth: int = 0) -> str:
    """One piece of a template: text, an output, or a tag (blocks nest two deep)."""
    kinds = [*LEAVES, *(BLOCKS if depth < 2 else ())]
    kind = draw(st.sampled_from(kinds))
    if kind in BLOCKS:
        return draw(BLOCKS[kind](block(depth + 1)))
    return draw(LEAVES[kind]())


@st.composite
def _assign(draw: st.DrawFn) -> str:
    name = draw(st.sampled_from(VARIABLES))
    return _tag(draw, f"assign {name} = {draw(expression())}") + draw(
        st.sampled_from(["", f"[{{{{ {name} }}}}]"]))


@st.composite
def _echo(draw: st.DrawFn) -> str:
    return _tag(draw, f"echo {draw(expression())}")


@st.composite
def _raw(draw: st.DrawFn) -> str:
    """Markup inside `raw` is text (`{%- endraw %}` too, in Ruby Liquid 5.4)."""
    inside = draw(st.lists(st.one_of(texts, st.sampled_from([
        "{{ a }}", "{% if %}", "{%- if -%}", "{% endif %}", "{{", "}}", "{% raw %}", "%}",
    ])), max_size=3))
    opening = draw(st.sampled_from(["{% raw %}", "{%- raw %}", "{% raw -%}", "{%- raw -%}"]))
    return opening + "".join(inside) + draw(st.sampled_from(
        ["{% endraw %}", "{% endraw -%}", "{%- endraw %}{% endraw %}"]))


@st.composite
def _comment(draw: st.DrawFn) -> str:
    """Comments hold text, outputs, unknown tags and whole blocks (Ruby Liquid 5.4 parses
    known tags inside a comment, so they must be well formed)."""
    inside = draw(st.lists(st.one_of(texts, st.sampled_from([
        "{{ a }}", "{{ a | nosuch }}", "{% nosuch x %}", "{% if a %}x{% endif %}",
        "{% for i in arr %}{{ i }}{% endfor %}", "{% raw %}{% endcomment %}{% endraw %}",
        "{% comment %}inner{% endcomment %}",
    ])), max_size=3))
    return draw(st.sampled_from([
        _tag(draw, "comment") + "".join(inside) + _tag(draw, "endcomment"),
        "{% # " + draw(texts).replace("\n", " ") + " %}",
    ]))


CYCLES = st.sampled_from([
    "'x', 'y', 'z'", "'x', 'y'", "1, 2.5", "a, b", "n, 'q'", "nil, 'r'", "'g': 'x', 'y'",
    "'g': 1, 2, 3", "s: 'p', 'q'", "nil",
])


@st.composite
def _cycle(draw: st.DrawFn) -> str:
    return _tag(draw, f"cycle {draw(CYCLES)}")


@st.composite
def _counter(draw: st.DrawFn) -> str:
    name = draw(st.sampled_from(COUNTERS))
    return draw(st.sampled_from([
        f"{{% increment {name} %}}", f"{{% decrement {name} %}}", f"<{{{{ {name} }}}}>",
        f"{{% assign {name} = 5 %}}",
    ]))


@st.composite
def _liquid(draw: st.DrawFn) -> str:
    """`{% liquid %}`: one statement per line (so no line break inside a string literal)."""
    line = expression().filter(lambda text: "\n" not in text)
    statements = draw(st.lists(st.one_of(
        line.map(lambda e: f"assign w = {e}\necho w"),
        line.map(lambda e: f"echo {e}"),
        condition().filter(lambda text: "\n" not in text).map(
            lambda c: f"if {c}\necho 'T'\nelse\necho 'F'\nendif"),
        st.sampled_from([
            "for i in arr limit: 2\necho i\nendfor", "case n\nwhen 1, 2\necho 'one'\n"
            "else\necho 'other'\nendcase", "# a note", "increment c", "cycle 'p', 'q'",
            "unless a\necho 'U'\nendunless",
        ]),
    ), min_size=1, max_size=3))
    return "{% liquid\n" + "\n".join(statements) + "\n%}"


LEAVES: dict[str, Any] = {
    "text": lambda: texts, "output": output, "assign": _assign, "echo": _echo, "raw": _raw,
    "comment": _comment, "cycle": _cycle, "counter": _counter, "liquid": _liquid,
}


@st.composite
def _conditional(draw: st.DrawFn, inner: st.SearchStrategy[str], tag: str) -> str:
    """`if` or `unless`, with `elsif` branches and an `else`."""
    out = _tag(draw, f"{tag} {draw(condition())}") + draw(inner)
    for _ in range(draw(st.integers(0, 2))):
        out += _tag(draw, f"elsif {draw(condition())}") + draw(inner)
    if draw(st.booleans()):
        out += _tag(draw, "else") + draw(inner)
    return out + _tag(draw, f"end{tag}")


WHEN_VALUES = st.one_of(scalar_atoms, st.sampled_from(["nil", "blank", "empty", "''"]))


@st.composite
def _case(draw: st.DrawFn, inner: st.SearchStrategy[str]) -> str:
    """`when` values are separated by `,` or `or`; several `when`s may match, each renders."""
    out = _tag(draw, f"case {draw(st.one_of(scalar_paths, array_paths))}")
    for _ in range(draw(st.integers(1, 3))):
        values = draw(st.lists(WHEN_VALUES, min_size=1, max_size=3))
        separator = draw(st.sampled_from([", ", " or ", ","]))
        out += _tag(draw, f"when {separator.join(values)}") + draw(inner)
    if draw(st.booleans()):
        out += _tag(draw, "else") + draw(inner)
    return out + _tag(draw, "endcase")


@st.composite
def _capture(draw: st.DrawFn, inner: st.SearchStrategy[str]) -> str:
    name = draw(st.sampled_from(VARIABLES))
    return (_tag(draw, f"capture {name}") + draw(inner) + _tag(draw, "endcapture")
            + f"<{{{{ {name} }}}}>")


#: What a `for` or `tablerow` may loop over: arrays, a hash, text, nothing, ranges
#: (`k` is small, so a range never runs long).
LOOP_SOURCES = st.one_of(array_paths, st.sampled_from([
    "(1..3)", "(0..arr.size)", "(-1..1)", "(k..3)", "(1..k)", "(k..k)", "(s..2)", "(t..k)",
    "(1.5..k)", "h", "s", "t", "a", "n", "'xy'",
]))
LOOP_BODIES = st.sampled_from([
    "{{ item }}", "{{ forloop.index }}:{{ item }}", "{{ forloop.index0 }}",
    "{% if forloop.first %}F{% endif %}{{ item }}{% if forloop.last %}L{% endif %}",
    "{% if forloop.index == 2 %}{% break %}{% endif %}{{ item }}",
    "{% if forloop.index == 1 %}{% continue %}{% endif %}{{ item }},",
    "{{ forloop.length }}{{ forloop.rindex }}{{ forloop.rindex0 }}", "{{ forloop.name }}",
    "{{ forloop.parentloop.index }}/{{ forloop.index }}",
    "{% for j in (1..2) %}{{ forloop.parentloop.index0 }}{{ j }}{% endfor %}",
])


@st.composite
def _for(draw: st.DrawFn, inner: st.SearchStrategy[str]) -> str:
    source = draw(LOOP_SOURCES)
    options = draw(st.sampled_from([
        "", " limit: 2", " offset: 1", " reversed", " limit: 1 offset: 1",
        " reversed limit: 2", " limit: 2 reversed", " offset: 1 reversed", " limit: k",
        " offset: k", " offset: continue", " offset: continue limit: 1", " limit: '1'",
    ]))
    body = draw(LOOP_BODIES)
    if source in ("objs", "h"):
        body = "{{ item.k }}{{ item.size }}" if source == "objs" else "{{ item[0] }}"
    out = _tag(draw, f"for item in {source}{options}") + body + draw(inner)
    if draw(st.booleans()):
        out += _tag(draw, "else") + draw(inner)
    return out + _tag(draw, "endfor")


@st.composite
def _tablerow(draw: st.DrawFn, inner: st.SearchStrategy[str]) -> str:
    options = "".join(draw(st.lists(st.sampled_from([
        " cols: 2", " cols: 1", " cols: k", " cols: '3'", " limit: 2", " offset: 1",
        " limit: k", " reversed",
    ]), max_size=2, unique=True)))
    body = draw(st.sampled_from([
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
