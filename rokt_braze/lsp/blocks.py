"""Hover on a block tag: which branch of an `if`, `unless` or `case` a profile took, how many
times a `for` or `tablerow` ran its body (or its `else`).

The answer comes from the pipeline's own render, as an output's hover does: the field is
rendered with a marker (private-use characters no template writes) just before the
block's opening tag and one at the start of each branch; the markers that land in the
output say whether the block was reached and which branches ran, once per run. Hovering
any of the block's tags (`elsif`, `else`, `when`, `endif`, ...) shows the same. A block
inside a `capture` shows where the capture is written out, as an output's hover does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rokt_braze.lint.source import Region, regions, tag_name

__all__ = ["Block", "describe", "find_block", "mark"]

#: block tags, with the tags that start their further branches
BRANCHES: dict[str, tuple[str, ...]] = {
    "if": ("elsif", "else"), "unless": ("elsif", "else"), "case": ("when", "else"),
    "for": ("else",), "tablerow": (), "capture": (), "ifchanged": (), "translation": (),
}  # fmt: skip
_LOOPS = ("for", "tablerow")
START, END = "\ue002", "\ue003"
_MARK = re.compile(f"{START}(r|[0-9]+){END}")


@dataclass(frozen=True)
class Block:
    """A block tag's opening tag, the tags starting its other branches, its end tag."""

    name: str
    opener: Region
    branches: tuple[Region, ...]
    end: Region | None

    def tags(self) -> tuple[Region, ...]:
        return (self.opener, *self.branches, *((self.end,) if self.end else ()))


def find_block(source: str, region: Region) -> Block | None:
    """The block `region` opens, continues (`else`, `when`, ...) or ends; None when it is
    no block tag."""
    blocks = _blocks(source)
    return next((b for b in blocks if any(t.start == region.start for t in b.tags())), None)


def _blocks(source: str) -> list[Block]:
    """Every block of the field, matched by nesting."""
    out: list[Block] = []
    stack: list[tuple[str, Region, list[Region]]] = []
    for region in regions(source):
        name = tag_name(source, region)
        if name in BRANCHES:
            stack.append((name, region, []))
        elif stack and name in BRANCHES[stack[-1][0]]:
            stack[-1][2].append(region)
        elif stack and name == "end" + stack[-1][0]:
            opened, opener, branches = stack.pop()
            out.append(Block(opened, opener, tuple(branches), region))
    out += [Block(name, opener, tuple(branches), None) for name, opener, branches in stack]
    return out


def mark(source: str, block: Block) -> str:
    """`source` with a reach marker before the block and a branch marker after each of
    its branch-starting tags (0: the opening tag's own branch)."""
    inserts = [(block.opener.start, f"{START}r{END}")]
    inserts += [(tag.end, f"{START}{n}{END}")
                for n, tag in enumerate((block.opener, *block.branches))]
    out, at = [], 0
    for index, text in sorted(inserts):
        out += [source[at:index], text]
        at = index
    return "".join(out) + source[at:]


def describe(block: Block, source: str, rendered: str) -> list[str]:
    """What one profile's render did with the block, from the markers in `rendered`."""
    found = _MARK.findall(rendered)
    runs = found.count("r")
    if not runs:
        return ["not reached (a branch not taken)"]
    counts = [found.count(str(n)) for n in range(len(block.branches) + 1)]
    if block.name in _LOOPS:
        body = f"ran its body {_times(counts[0])}" if counts[0] else "did not run its body"
        line = body + (f" (reached {runs} times)" if runs > 1 else "")
        if len(counts) > 1 and counts[1]:
            line += f"; the `else` ran {_times(counts[1])} (nothing to loop over)"
        return [line]
    if block.name not in ("if", "unless", "case"):
        return [f"ran {_times(runs)}"]
    tags = (block.opener, *block.branches)
    out = [f"took `{_shown(source, tags[n])}`" + (f" {_times(c)}" if runs > 1 else "")
           for n, c in enumerate(counts) if c]
    none = runs - sum(counts)
    if none > 0:
        out.append("took no branch" + (f" {_times(none)}" if runs > 1 else ""))
    return ["; ".join(out)]


def _shown(source: str, tag: Region) -> str:
    shown = source[tag.start:tag.end]
    return shown if len(shown) <= 60 else shown[:57] + "..."


def _times(n: int) -> str:
    return "once" if n == 1 else f"{n} times"
