"""Linear-time parsing: pathological text gets a syntax error fast, at the right place.

`check_lexable` predicts where python-liquid's lexer would fail; the property test holds
it to python-liquid's own lexer on random token soup (with no budget at all, so that
every unclosed opener counts as pathological).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from liquid.exceptions import LiquidSyntaxError
from liquid.lex import get_lexer

from rokt_braze.braze import lexing, parse_template
from rokt_braze.braze.rewrite import rewrite
from rokt_braze.errors import TemplateError

SIZE = 32_000


def syntax_error(source: str) -> TemplateError:
    with pytest.raises(TemplateError) as caught:
        parse_template(source)
    assert caught.value.rule == "liquid-syntax"
    return caught.value


def test_the_32kb_output_storm_is_a_syntax_error_where_python_liquid_reports_it() -> None:
    err = syntax_error("{{" * (SIZE // 2))
    # python-liquid reads `{{{{...` as text one `{` at a time; the last `{{` ends the file
    assert err.message == "expected '}}', found end of file"
    assert (err.line, err.column) == (1, SIZE - 1)


def test_the_first_unclosed_output_that_python_liquid_would_report() -> None:
    err = syntax_error("Hi {{ name }}\n" + "{{ x " * (SIZE // 5))
    assert (err.line, err.column) == (2, 1)


@pytest.mark.parametrize(("source", "message", "column"), [
    ("{%" * (SIZE // 2), "missing tag name or closing delimiter", 1),
    ("ab{% if" * (SIZE // 7), "missing tag name or closing delimiter", 3),
    ("{% raw %}" * (SIZE // 9), "'raw' tag was never closed", 1),
    ("{{ " + "(" * SIZE + " }}", lexing.TOO_COMPLEX, 1),
    ("{{ a" + "['" * (SIZE // 2) + " }}", lexing.TOO_COMPLEX, 1),
    ("{% assign x = " + "(" * SIZE + " %}", lexing.TOO_COMPLEX, 1),
    ("{% comment %}" + "{{" * (SIZE // 2) + "{% endcomment %}", "expected '}}', found end of file",
     14),
])
def test_pathological_text_is_rejected(source: str, message: str, column: int) -> None:
    err = syntax_error(source)
    assert err.message == message
    assert (err.line, err.column) == (1, column)


def test_connected_content_markup_is_guarded_too() -> None:
    err = syntax_error("{% connected_content https://x.example/" + "{{" * (SIZE // 2) + " %}")
    assert "connected_content markup" in err.message


@pytest.mark.parametrize("source", [
    "{{ x }}" * (SIZE // 7),
    "{% if a %}b{% endif %}" * (SIZE // 22),
    "{{ a['x'] | append: (1..2) }}" * (SIZE // 30),
    "(" * SIZE + "{{ x }}",  # brackets in text cost nothing
    "{% raw %}" + "{{" * (SIZE // 2) + "{% endraw %}",
    "{{ {{ x }} " * (SIZE // 11) + "}}",
    "{% connected_content " + "{{ {{ x }} " * (SIZE // 11) + "%}",
])
def test_big_ordinary_text_is_not_rejected(source: str) -> None:
    try:
        parse_template(source)
    except TemplateError as err:
        assert err.message not in (lexing.TOO_COMPLEX, lexing.OUTPUT_UNCLOSED,
                                   lexing.TAG_UNCLOSED), err.message


@pytest.mark.parametrize("source", [
    "{{ {{ x }} " * (SIZE // 11),
    "{% connected_content " + "{%" * (SIZE // 2) + " %}",
    "{{ " + "${" * (SIZE // 2) + "}}",
])
def test_rewrite_is_linear_where_it_used_to_rescan(source: str) -> None:
    # no timing: the rewrite of these must still map every index back into the source
    out = rewrite(source)
    assert len(out.text) >= len(source) - 1
    assert all(0 <= out.original_index(i) <= len(source) for i in range(0, len(out.text), 997))


_PIECES = ["{{", "}}", "{%", "%}", "{{-", "-}}", "{%-", "-%}", "{% raw %}", "{% endraw %}",
           "{% comment %}", "{% endcomment %}", "{% doc %}", "{% enddoc %}", "{% if x %}",
           "x", " ", "{", "}", "%", "-", "\n", "if", "'", '"']


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=40).map("".join))
def test_the_guard_predicts_python_liquids_lexer(source: str) -> None:
    lexer = get_lexer()
    try:
        list(lexer(source))
        expected = None
    except LiquidSyntaxError as err:
        assert err.token is not None
        expected = (err.token.start_index, err.message)
    walked = lexing._walk(source, lexing._Lookaheads(source), budget=-1, markup_budget=1 << 62)
    if expected is not None:
        assert walked == expected
    elif walked is not None:  # python-liquid reads on; only an unclosed opener may be named
        index, message = walked
        assert source.startswith(("{{", "{%"), index)
        assert message != lexing.TOO_COMPLEX


def test_a_field_is_parsed_once_per_process_even_when_it_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rokt_braze import check
    from rokt_braze.braze import environment

    lexed: list[str] = []
    real = environment.check_lexable

    def counting(source: str) -> None:
        lexed.append(source)
        real(source)

    monkeypatch.setattr(environment, "check_lexable", counting)
    body = "{{ broken" + " {{ x }}" * 10  # a syntax error check reports, lints and renders around
    hook = tmp_path / "b.webhook.yaml"
    hook.write_text(f'url: https://x.example/\nbody: "{body}"\n')
    for _ in range(3):
        assert check([str(hook)]).findings
    assert len([s for s in lexed if "broken" in s]) == 1
