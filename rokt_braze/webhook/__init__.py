"""Webhook files and rendering a whole message (knows nothing of Rokt)."""

from rokt_braze.discovery import is_template_path
from rokt_braze.webhook.file import (
    Field,
    Webhook,
    load_webhook,
    parse_webhook,
    read_text,
)
from rokt_braze.webhook.render import RenderResult, parse_field, render_message

__all__ = [
    "Field",
    "RenderResult",
    "Webhook",
    "is_template_path",
    "load_webhook",
    "parse_field",
    "parse_webhook",
    "read_text",
    "render_message",
]
