"""python-liquid's template lexer, with whitespace control and `raw` as Ruby Liquid 5.4
(what Braze runs) lexes them.

python-liquid's tokenizer (`_tokenize_template`) is kept; only its rules differ:

* `{%-`, `{{-`, `-%}` and `-}}` trim the ASCII blanks and NUL Ruby's `strip` removes
  (space, `\\t`, `\\n`, `\\v`, `\\f`, `\\r`, `\\0`), not a no-break or other Unicode space,
  which python-liquid's `str.strip()` would also remove. The rules match the blanks
  themselves, as part of the tag or output next to them, and never ask the tokenizer to
  strip (their strip groups always match nothing).
* text ends at the next tag or output, or at the end of the input: python-liquid's `$`
  also matches just before a final newline, so `{{ x -}}0\\n` lost that newline; Ruby
  Liquid keeps it (`10\\n`).
* `raw` ends at the first `{% endraw %}` that does not start with `{%-` (Ruby Liquid 5.4
  does not read `{%- endraw %}` as the end); as in Ruby Liquid, the opening tag's `-%}`
  trims the text after the block.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import lru_cache, partial

from liquid.lex import _compile_rules, _tokenize_template
from liquid.token import TOKEN_CONTENT, TOKEN_OUTPUT, Token

#: What Ruby's `lstrip`/`rstrip` remove.
_BLANK = r"[ \t\n\v\f\r\0]"
#: An opening delimiter, with the blanks before it when it trims (`{%-`).
_TAG_START = rf"(?:{_BLANK}*\{{%-|\{{%)"
_OUTPUT_START = rf"(?:{_BLANK}*\{{\{{-|\{{\{{)"
#: A closing delimiter, with the blanks after it when it trims (`-%}`).
_TAG_END = rf"(?:-%\}}{_BLANK}*|%\}})"
_OUTPUT_END = rf"(?:-\}}\}}{_BLANK}*|\}}\}})"

_RULES = [
    ("RAW", rf"{_TAG_START}\s*raw\s*(?P<raw_trim>-)?%\}}(?P<raw>.*?)\{{%\s*endraw\s*-?%\}}"
            rf"(?(raw_trim){_BLANK}*)(?P<rsr>)"),
    (TOKEN_OUTPUT, rf"{_OUTPUT_START}\s*(?P<stmt>(?:(?!-?\}}\}})[\s\S])*(?<!\s))\s*"
                   rf"{_OUTPUT_END}(?P<rss>)"),
    # The name may be empty so that a malformed tag is not read as text; `#` is the
    # inline comment.
    ("TAG", rf"{_TAG_START}\s*(?P<name>#|\w+)\s*(?P<expr>(?:(?!-?%\}})[\s\S])*(?<!\s))\s*"
            rf"{_TAG_END}(?P<rst>)"),
    (TOKEN_CONTENT, rf".+?(?={_BLANK}*(?:\{{%-|\{{\{{-)|\{{%|\{{\{{|\Z)(?P<rstrip>)"),
]


@lru_cache(maxsize=1)
def template_lexer() -> Callable[[str], Iterator[Token]]:
    """The default-delimiter lexer with Ruby Liquid's whitespace control."""
    return partial(_tokenize_template, rules=_compile_rules(_RULES))
