"""python-liquid's template lexer with one fix: whitespace control at the end of a text.

Its text rule ends at the next tag or at `$`, and Python's `$` also matches just before a
final newline. So in `{{ x -}}0\\n` the text splits into `0` and a last `\\n`, and the
`-}}` strips that newline too; Ruby Liquid keeps it (`10\\n`). Matching the end with `\\Z`
keeps the text whole.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import lru_cache, partial

from liquid.lex import _tokenize_template, compile_liquid_rules
from liquid.token import Token


@lru_cache(maxsize=1)
def template_lexer() -> Callable[[str], Iterator[Token]]:
    """The default-delimiter lexer, with text ending only at the true end of input."""
    rules = compile_liquid_rules("{%", "%}", "{{", "}}", "", "")
    fixed = re.compile(rules.pattern.replace("|$)", r"|\Z)"), rules.flags)
    return partial(_tokenize_template, rules=fixed)
