"""A filter called with the wrong number of arguments, said in Liquid's words.

A filter is a Python function; called with too few or too many arguments it raises
Python's TypeError ("hmac_sha256_hex() missing 1 required positional argument: 'key'"),
which python-liquid passes on as the message. Ruby Liquid, Braze's engine, says
"wrong number of arguments (given 1, expected 2)", counting the input as the first
argument. `argument_error` turns the one into the other, on the error path only.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Mapping

_PYTHON_ARITY = re.compile(
    r"^(?:(?P<filter>\w+): )?(?P<function>\w+)\(\) (?:"
    r"missing (?P<missing>\d+) required positional arguments?"
    r"|takes (?:from (?P<low>\d+) to )?(?P<high>\d+) positional arguments? "
    r"but (?P<given>\d+) (?:was|were) given"
    r"|got an unexpected keyword argument '(?P<keyword>\w+)')"
)


def argument_error(message: str, filters: Mapping[str, Callable[..., object]]) -> str | None:
    """Liquid's message for a Python arity error `message`, or None if it is not one."""
    m = _PYTHON_ARITY.match(message)
    if m is None:
        return None
    name = m.group("filter") or m.group("function")
    if m.group("keyword"):
        return f"{name}: unknown keyword argument '{m.group('keyword')}'"
    if m.group("given"):
        low, high = m.group("low"), m.group("high")
        expected = f"{low}..{high}" if low else high
        return f"{name}: wrong number of arguments (given {m.group('given')}, expected {expected})"
    required, total = _arity(filters.get(name))
    if required is None:
        return f"{name}: missing {m.group('missing')} argument(s)"
    given = required - int(m.group("missing"))
    expected = str(required) if total == required else f"{required}..{total}"
    return f"{name}: wrong number of arguments (given {given}, expected {expected})"


def _arity(function: Callable[..., object] | None) -> tuple[int | None, int]:
    """(required, total) positional parameters, the input included; (None, 0) if unknown."""
    if function is None:
        return None, 0
    try:
        parameters = inspect.signature(function).parameters.values()
    except (TypeError, ValueError):
        return None, 0
    positional = [p for p in parameters
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    required = sum(1 for p in positional if p.default is p.empty)
    return required, len(positional)
