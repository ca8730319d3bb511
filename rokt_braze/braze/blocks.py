"""Errors about block structure, worded and placed as Ruby Liquid (so Braze) reports them.

python-liquid reports a block left open as "expected tag endif, found end of expression"
and a wrong closing tag as "unexpected tag 'endfor'". Ruby Liquid names the block:

* "'if' tag was never closed", at the opening tag (its name, as every tag error here);
* "'endfor' is not a valid delimiter for if tags. use endif", at the wrong closing tag
  (here also saying on which line the `if` opened);
* "Unknown tag 'endif'" for a closing tag with no block open.

`block_error` walks the template's tags once and returns the first such problem, or None
when the blocks are well formed (the error was something else).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from liquid.exceptions import LiquidError
from liquid.token import TOKEN_TAG

if TYPE_CHECKING:
    from liquid import Environment
    from liquid.token import Token


def block_error(env: Environment, text: str) -> tuple[str, int] | None:
    """(message, index into `text`) of the first block-structure error, or None."""
    try:
        tokens = list(env.tokenizer()(text))
    except LiquidError:
        return None
    ends = {
        name: tag.end for name, tag in env.tags.items()
        if getattr(tag, "block", False) and getattr(tag, "end", "")
    }
    closers = set(ends.values())
    open_blocks: list[tuple[str, Token]] = []
    for token in tokens:
        if token.kind != TOKEN_TAG:
            continue
        name = token.value
        if name == "raw":  # the lexer consumes a closed raw block whole
            return "'raw' tag was never closed", token.start_index
        if name in ends:
            open_blocks.append((name, token))
        elif name in closers:
            if not open_blocks:
                return f"Unknown tag '{name}'", token.start_index
            opened, opener = open_blocks.pop()
            if ends[opened] != name:
                line = text.count("\n", 0, opener.start_index) + 1
                return (
                    f"'{name}' is not a valid delimiter for {opened} tags (opened on line "
                    f"{line}). use {ends[opened]}",
                    token.start_index,
                )
    if open_blocks:
        opened, opener = open_blocks[-1]
        return f"'{opened}' tag was never closed", opener.start_index
    return None

