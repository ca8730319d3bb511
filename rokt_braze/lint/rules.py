"""Static rules: each a function from a webhook to findings, positioned in the file."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from rokt_braze.findings import Finding, finding
from rokt_braze.webhook import Field, Webhook

_MARKUP = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.DOTALL)
_CURLY = re.compile("[\u2018\u2019\u201c\u201d]")
_PLACEHOLDER = re.compile(r":(basic_auth|auth_credentials)\s+(<[^>\s]*>|\{[^}\s]*\}|\[[^\]\s]*\])")


def _at(webhook: Webhook, fld: Field, index: int, rule: str, message: str) -> Finding:
    line, column = fld.position(index)
    return finding(rule, message, file=webhook.path, line=line, column=column, field=fld.name)


def curly_quotes(webhook: Webhook) -> Iterator[Finding]:
    """Typographic quotes inside Liquid markup break Braze's parser (straight quotes only)."""
    for fld in webhook.fields():
        for markup in _MARKUP.finditer(fld.source):
            for quote in _CURLY.finditer(markup.group()):
                yield _at(webhook, fld, markup.start() + quote.start(), "curly-quotes",
                          f"typographic quote {quote.group()!r} in Liquid markup: use ' or \"")


def placeholder_credential(webhook: Webhook) -> Iterator[Finding]:
    """`:basic_auth <Rokt-Calendar-API>` copied from the docs names no saved credential."""
    for fld in webhook.fields():
        for m in _PLACEHOLDER.finditer(fld.source):
            name = m.group(2)[1:-1]
            yield _at(webhook, fld, m.start(2), "placeholder-credential",
                      f":{m.group(1)} {m.group(2)} is the documentation's placeholder: use the "
                      f"name of your saved Connected Content credential"
                      + (f", e.g. {name}" if name else ""))


RULE_FUNCTIONS: tuple[Callable[[Webhook], Iterator[Finding]], ...] = (
    curly_quotes,
    placeholder_credential,
)
