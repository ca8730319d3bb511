"""Seconds for the hostile inputs of issue 12, each of which once ran for minutes.

Run: python bench/hostile.py [repeats]. Each case is timed end to end through the public
API (parse, lint, render, load) as a pre-commit hook would meet it, best of `repeats`
runs (default 3) in this process; the parse cache is bypassed so every run parses anew.
For the `{{` storm, python-liquid's own lexer on a 4 KB storm is timed too: the guard's
reason (it grows with the square of the size; the 32 KB storm took minutes).
"""

from __future__ import annotations

import contextlib
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from liquid.exceptions import LiquidError  # noqa: E402
from liquid.lex import get_lexer  # noqa: E402

from rokt_braze import check, render_liquid  # noqa: E402
from rokt_braze.braze.template import _parse_cached  # noqa: E402
from rokt_braze.errors import RoktBrazeError  # noqa: E402
from rokt_braze.profiles import load_profiles  # noqa: E402

STORM = "{{" * 16_000  # 32 KB
LOOP = "{% for i in (1..100000000) %}x{% endfor %}"
NESTED = "{% for i in (1..100000) %}{% for j in (1..100000) %}x{% endfor %}{% endfor %}"
#: as much work as the default limits allow one loop: the slowest a field can be made
AT_LIMIT = ("{% for i in (1..315) %}{% for j in (1..315) %}{% if j == i %}{{ j }}{% endif %}"
            "{% endfor %}{% endfor %}")


#: 32 KB texts that once took seconds to minutes to parse (python-liquid's lexer and
#: expression tokenizer, or the `${...}`/`{{ }}` rewrite, rescanning to the end).
PATHOLOGICAL = {
    "'{%' storm": "{%" * 16_000,
    "'{% raw %}' storm": "{% raw %}" * 3_555,
    "'(' in one output": "{{ " + "(" * 32_000 + " }}",
    "\"['\" in one output": "{{ a" + "['" * 16_000 + " }}",
    "'{{ {{ x }}' groups": "{{ {{ x }} " * 2_909,
    "'{%' in connected_content": "{% connected_content " + "{%" * 16_000 + " %}",
}


def parse(source: str) -> None:
    from rokt_braze.braze import parse_template

    parse_template(source)


def alias_bomb() -> str:
    text = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True):
        text += f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]\n"
    return text + "external_id: x\n"


def best(fn: Callable[[], object], repeats: int) -> tuple[float, str]:
    times, answer = [], ""
    for _ in range(repeats):
        _parse_cached.cache_clear()
        started = time.perf_counter()
        try:
            result = fn()
            answer = f"{len(result.findings)} finding(s)" if hasattr(result, "findings") else "ok"
        except RoktBrazeError as err:
            answer = f"{type(err).__name__}: {err}"
        times.append(time.perf_counter() - started)
    return min(times), answer


def python_liquid_lexer(source: str) -> None:
    with contextlib.suppress(LiquidError):  # the time is what we want
        list(get_lexer()(source))


def main(repeats: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        storm = Path(folder, "storm.liquid")
        storm.write_text(STORM)
        bomb = Path(folder, "bomb.yaml")
        bomb.write_text(alias_bomb())
        many = Path(folder, "many.liquid")
        many.write_text("{{ x }}\n" * 4_000)
        cases: list[tuple[str, Callable[[], object]]] = [
            ("32 KB '{{' storm, rokt_braze.check", lambda: check([str(storm)])),
            ("  python-liquid's lexer alone, 4 KB storm",
             lambda: python_liquid_lexer(STORM[:4096])),
            ("for i in (1..10^8), render_liquid", lambda: render_liquid(LOOP)),
            ("two nested 100,000 loops, render_liquid", lambda: render_liquid(NESTED)),
            ("YAML alias bomb profile, load_profiles", lambda: load_profiles(bomb)),
            ("4,000 '{{ x }}' (32 KB; 4,000 findings, 51 shown), rokt_braze.check",
             lambda: check([str(many)])),
            ("315 x 315 loop (just under the loop limit) with a body, render_liquid",
             lambda: render_liquid(AT_LIMIT)),
        ]
        for name, source in PATHOLOGICAL.items():
            cases.append((f"32 KB {name}, parse", lambda source=source: parse(source)))
        print(f"best of {repeats}; the machine may be shared, so read these as upper bounds")
        for label, fn in cases:
            seconds, answer = best(fn, repeats)
            print(f"{seconds:8.3f} s  {label}\n            -> {answer[:110]}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
