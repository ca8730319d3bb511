"""Hypothesis strategies for the differential tier: random standard-Liquid templates and
the data they read.

`templates()` draws a small template from a grammar of standard Liquid: output with
filter chains, `assign`, `capture`, `if`/`elsif`/`else`, `unless`, `case`, `for` (with
`limit`, `offset`, `reversed`, `forloop`, `break`, `continue`, `else`), `echo`, `liquid`,
`raw`, `comment`, `cycle`, `increment`/`decrement`, whitespace control, every comparison
operator with `and`/`or`, `nil`/`empty`/`blank`, integer and float literals, strings
with either quote and unicode text. `data()` draws the variables they read (fixed names,
random values: nil, booleans, integers, floats, strings, arrays, hashes).

`braze_pair()` draws the same template twice: once in Braze's own syntax (`${name}`,
`custom_attribute.${name}`, `{{ }}` inside a tag), once in its standard-Liquid meaning,
for rendering by rokt-braze and by Ruby Liquid respectively.

What the grammar leaves out, and why:

* filters and tags Braze lacks or replaces (`lstrip`, `rstrip`, `date` with `'now'`,
  `money`, `include`, `render`): here they are unknown or Braze's own, so they differ
  from Ruby Liquid by design. An unknown filter Ruby Liquid also lacks (`sum`, which
  arrived in Liquid 5.5) is generated: rokt-braze reports it, and rendering past it must
  pass the input through as Ruby's lax mode does (`differential.render_in_rokt_braze`).
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

#: Characters for plain text and string values: quotes, blanks, HTML, punctuation,
#: non-ASCII letters and an emoji. No `{`, `}` or `%`, so text never opens markup.
TEXT_CHARS = "abcXYZ 09,.-_/:;'\"<>&!?\n\téüß日本😀#@$"
SCALAR_STRINGS = st.sampled_from([
    "", " ", "a", "abc", "A b C", "it's", 'say "hi"', "<b>&amp;</b>", "a,b,,", ",a,b",
    " a  b ", "2021-06-03", "2021-06-03T10:00:00Z", "12abc", " 3", "1.5", "-2.50", "0",
    "10", "1_000", "true", "nil", "éte", "ÉTÉ", "日本語", "😀x", "a\nb", "  padded  ",
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
    "floor": None, "round": None,
    "append": STRING_ARG, "prepend": STRING_ARG, "remove": STRING_ARG,
    "remove_first": STRING_ARG, "default": st.one_of(STRING_ARG, literal_numbers),
    "plus": NUMBER_ARG, "minus": NUMBER_ARG, "times": NUMBER_ARG, "divided_by": NUMBER_ARG,
    "modulo": NUMBER_ARG, "at_least": NUMBER_ARG, "at_most": NUMBER_ARG,
    "truncate": SMALL_INT, "truncatewords": SMALL_INT,
}  # fmt: skip
TWO_ARG_FILTERS = ("replace", "replace_first", "slice", "round", "truncate")
ARRAY_FILTERS: dict[str, st.SearchStrategy[str] | None] = {
    "first": None, "last": None, "size": None, "reverse": None, "compact": None,
    "uniq": None, "sort_natural": None, "sort": None,
    "join": st.one_of(st.just("', '"), STRING_ARG),
    "map": st.sampled_from(["'k'", "'name'", "'price'", "'missing'"]),
    "sum": None,
}  # fmt: skip
#: Filters that turn a string into an array, to chain array filters after.
SPLITTERS = st.sampled_from(["split: ','", "split: ' '", "split: ''", "split: '-'"])


@st.composite
def scalar_filter(draw: st.DrawFn) -> str:
    if draw(st.integers(0, 9)) == 0:
        name = draw(st.sampled_from(TWO_ARG_FILTERS))
        if name in ("replace", "replace_first"):
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
    kind = draw(st.integers(0, 3))
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


@st.composite
def node(draw: st.DrawFn, depth: int = 0) -> str:
    kinds = ["text", "output", "assign", "echo"]
    if depth < 2:
        kinds += ["if", "unless", "case", "for", "capture"]
    kinds += ["raw", "comment", "cycle", "increment", "liquid"]
    kind = draw(st.sampled_from(kinds))
    inner = block(depth + 1)
    if kind == "text":
        return draw(texts)
    if kind == "output":
        return draw(output())
    if kind == "assign":
        name = draw(st.sampled_from(VARIABLES))
        return _tag(draw, f"assign {name} = {draw(expression())}") + draw(
            st.sampled_from(["", f"[{{{{ {name} }}}}]"]))
    if kind == "echo":
        return _tag(draw, f"echo {draw(expression())}")
    if kind == "capture":
        name = draw(st.sampled_from(VARIABLES))
        return (_tag(draw, f"capture {name}") + draw(inner) + _tag(draw, "endcapture")
                + f"<{{{{ {name} }}}}>")
    if kind == "if":
        out = _tag(draw, f"if {draw(condition())}") + draw(inner)
        if draw(st.booleans()):
            out += _tag(draw, f"elsif {draw(condition())}") + draw(inner)
        if draw(st.booleans()):
            out += _tag(draw, "else") + draw(inner)
        return out + _tag(draw, "endif")
    if kind == "unless":
        return _tag(draw, f"unless {draw(condition())}") + draw(inner) + _tag(draw, "endunless")
    if kind == "case":
        out = _tag(draw, f"case {draw(scalar_paths)}")
        for _ in range(draw(st.integers(1, 2))):
            values = ", ".join(draw(st.lists(scalar_atoms, min_size=1, max_size=2)))
            out += _tag(draw, f"when {values}") + draw(inner)
        if draw(st.booleans()):
            out += _tag(draw, "else") + draw(inner)
        return out + _tag(draw, "endcase")
    if kind == "for":
        source = draw(st.one_of(array_paths, st.sampled_from(
            ["(1..3)", "(0..arr.size)", "(-1..1)", "h", "s", "t", "a", "'xy'"])))
        options = draw(st.sampled_from(["", " limit: 2", " offset: 1", " reversed",
                                        " limit: 1 offset: 1", " reversed limit: 2",
                                        " limit: 2 reversed", " offset: 1 reversed"]))
        body = draw(st.sampled_from([
            "{{ item }}", "{{ forloop.index }}:{{ item }}", "{{ forloop.index0 }}",
            "{% if forloop.first %}F{% endif %}{{ item }}{% if forloop.last %}L{% endif %}",
            "{% if forloop.index == 2 %}{% break %}{% endif %}{{ item }}",
            "{% if forloop.index == 1 %}{% continue %}{% endif %}{{ item }},",
            "{{ forloop.length }}{{ forloop.rindex }}",
        ]))
        if source in ("objs", "h"):
            body = "{{ item.k }}{{ item.size }}" if source == "objs" else "{{ item[0] }}"
        out = _tag(draw, f"for item in {source}{options}") + body + draw(inner)
        if draw(st.booleans()):
            out += _tag(draw, "else") + draw(inner)
        return out + _tag(draw, "endfor")
    if kind == "raw":
        return "{% raw %}{{ a }}{% if %}" + draw(texts) + "{% endraw %}"
    if kind == "comment":
        return draw(st.sampled_from(["{% comment %}{{ a }}{% endcomment %}", "{% # note %}"]))
    if kind == "cycle":
        return "{% cycle 'x', 'y', 'z' %}"
    if kind == "increment":
        return draw(st.sampled_from(["{% increment c %}", "{% decrement c %}"]))
    # liquid tag: one statement per line (so no line break inside a string literal)
    statement = draw(expression().filter(lambda text: "\n" not in text))
    return "{% liquid\n" + f"assign w = {statement}\necho w\n" + "%}"


def templates() -> st.SearchStrategy[str]:
    """A standard-Liquid template (see the module docstring)."""
    return block()
