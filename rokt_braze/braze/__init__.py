"""The Braze Liquid dialect on python-liquid: syntax rewrite, tags, filters, rendering.

Knows nothing of webhooks, Rokt or files: it turns template text plus one user's
Liquid namespaces into rendered text, with positions in the original text.
"""

from rokt_braze.braze.rewrite import Attribute
from rokt_braze.braze.state import MessageState, Resources
from rokt_braze.braze.template import BrazeTemplate, Rendered, parse_template

__all__ = [
    "Attribute",
    "BrazeTemplate",
    "MessageState",
    "Rendered",
    "Resources",
    "parse_template",
]
