"""Generated templates in the subset `audience.compiled` compiles: straight-line text,
outputs, assigns, captures and comments, with the oracle tier's expressions (so some
still fall outside the subset, and some read names the data lacks)."""

from __future__ import annotations

from hypothesis import strategies as st
from oracle.strategies import expression, output, texts

VARIABLES = ("v", "w")


@st.composite
def straight_line(draw: st.DrawFn, depth: int = 0) -> str:
    """Text, outputs, assigns, captures and comments: what `compile_template` compiles
    (the expressions are the oracle tier's, so some still fall outside the subset)."""
    parts = []
    for _ in range(draw(st.integers(1, 5))):
        kind = draw(st.sampled_from(["text", "output", "assign", "capture", "comment", "read"]
                                    if depth == 0 else ["text", "output", "read"]))
        name = draw(st.sampled_from(VARIABLES))
        if kind == "text":
            parts.append(draw(texts))
        elif kind == "output":
            parts.append(draw(output()))
        elif kind == "assign":
            parts.append(f"{{% assign {name} = {draw(expression())} %}}")
        elif kind == "capture":
            parts.append(f"{{% capture {name} %}}{draw(straight_line(depth + 1))}"
                         "{% endcapture %}")
        elif kind == "comment":
            parts.append("{% comment %}{{ a }}{% endcomment %}")
        else:
            parts.append(f"[{{{{ {name} }}}}]")
    return "".join(parts)
