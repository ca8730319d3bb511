"""Static rules over template source, run before (and without) any profile.

`lint_webhook` reports every static finding of a webhook; `filter_suppressed` drops the
findings (of any stage) that the file's `{% # rokt-braze: disable=... %}` comments
silence. Rules live in small modules; `rules.RULE_FUNCTIONS` lists them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from rokt_braze.lint.base import prepare
from rokt_braze.lint.names import unknown_tag_message
from rokt_braze.lint.rules import RULE_FUNCTIONS
from rokt_braze.lint.suppress import filter_suppressed

if TYPE_CHECKING:
    from rokt_braze.findings import Finding
    from rokt_braze.webhook import Webhook

__all__ = ["filter_suppressed", "lint_webhook", "unknown_tag_message"]


def lint_webhook(webhook: Webhook) -> Iterator[Finding]:
    """Every static finding for every field of the webhook (suppressions not applied)."""
    lint = prepare(webhook)
    for rule in RULE_FUNCTIONS:
        yield from rule(lint)
