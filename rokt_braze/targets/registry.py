"""Every target, by name. Adding a target: its folder under `targets/` and one line here.

Modules are imported on first use, so a run that never validates a request imports none.
"""

from __future__ import annotations

from functools import cache
from importlib import import_module

from rokt_braze.targets.base import Target

#: target name -> the module that defines `TARGET`; tried in this order to detect a URL
TARGET_MODULES = {
    "rokt": "rokt_braze.targets.rokt",
    "http": "rokt_braze.targets.http",  # generic: detects nothing, takes every other URL
}


@cache
def targets() -> tuple[Target, ...]:
    return tuple(import_module(module).TARGET for module in TARGET_MODULES.values())


@cache
def endpoints() -> dict[str, Target]:
    """Endpoint id -> its target."""
    return {endpoint: target for target in targets() for endpoint in target.endpoints}
