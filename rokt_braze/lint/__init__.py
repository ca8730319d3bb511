"""Static rules over template source, run before (and without) any profile."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from rokt_braze.lint.rules import RULE_FUNCTIONS

if TYPE_CHECKING:
    from rokt_braze.findings import Finding
    from rokt_braze.webhook import Webhook


def lint_webhook(webhook: Webhook) -> Iterator[Finding]:
    """Every static finding for every field of the webhook."""
    for rule in RULE_FUNCTIONS:
        yield from rule(webhook)
