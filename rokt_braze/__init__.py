"""rokt-braze: render Braze webhook templates offline, exactly as Braze would, and check the
request against the Rokt Calendar API.

    import rokt_braze
    text = rokt_braze.render_liquid(source, profile)
    request = rokt_braze.render_webhook("x.webhook.yaml", profile)
    result = rokt_braze.check("templates/", profiles=[profile])

Every type in those signatures is exported here too (`Config`, `Transport`, `ProfileLike`,
`Fixtures`, `PathArg`). Imports are lazy so that `import rokt_braze` (and the CLI's
start-up) stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rokt_braze.errors import InputError, MessageAborted, RoktBrazeError, TemplateError
from rokt_braze.findings import CheckResult, Finding, Severity
from rokt_braze.request import RenderedRequest

if TYPE_CHECKING:
    from rokt_braze.api import Fixtures, PathArg, check, render_liquid, render_webhook
    from rokt_braze.config import Config
    from rokt_braze.connected import Transport
    from rokt_braze.pipeline.resources import ProfileLike
    from rokt_braze.profiles import Profile

__version__ = "0.1.0"

__all__ = [
    "CheckResult",
    "Config",
    "Finding",
    "Fixtures",
    "InputError",
    "MessageAborted",
    "PathArg",
    "Profile",
    "ProfileLike",
    "RenderedRequest",
    "RoktBrazeError",
    "Severity",
    "TemplateError",
    "Transport",
    "check",
    "render_liquid",
    "render_webhook",
]

_LAZY = {
    "check": "rokt_braze.api",
    "render_liquid": "rokt_braze.api",
    "render_webhook": "rokt_braze.api",
    "Fixtures": "rokt_braze.api",
    "PathArg": "rokt_braze.api",
    "ProfileLike": "rokt_braze.pipeline.resources",
    "Config": "rokt_braze.config",
    "Transport": "rokt_braze.connected",
    "Profile": "rokt_braze.profiles",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'rokt_braze' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)
