"""Text rules over Liquid markup: they need no parse, so they also run on broken fields.

Comments and raw blocks are not markup: typographic quotes or a `<placeholder>` there
are harmless, and suppression comments must not trip these rules.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from rokt_braze.findings import Finding
from rokt_braze.lint.base import Lint
from rokt_braze.lint.source import regions

_CURLY = re.compile("[\u2018\u2019\u201c\u201d]")
# `<Rokt-Calendar-API>`, `{insert credential}`, `[YOUR CREDENTIAL]` (spaces allowed; a
# `{{ }}` output is Liquid, not a placeholder).
_PLACEHOLDER = re.compile(
    r":(basic_auth|auth_credentials)\s+(<[^>\n]*>|\{(?!\{)[^}\n]*\}|\[[^\]\n]*\])"
)
# `:body grant_type=[YOUR_CREDENTIALS]` (the Calreply-era page): an OAuth token call's
# grant type left as the documentation's placeholder.
_GRANT_PLACEHOLDER = re.compile(r":body\s+grant_type=(<[^>\n]*>|\{(?!\{)[^}\n]*\}|\[[^\]\n]*\])")


def curly_quotes(lint: Lint) -> Iterator[Finding]:
    """Typographic quotes inside Liquid markup break Braze's parser (straight quotes only)."""
    for fl in lint.fields:
        source = fl.field.source
        for region in regions(source):
            if region.kind not in ("output", "tag"):
                continue
            for quote in _CURLY.finditer(source, region.start, region.end):
                straight = "'" if quote.group() in "\u2018\u2019" else '"'
                yield fl.at(quote.start(), "curly-quotes",
                            f"typographic quote {quote.group()!r} in Liquid markup: use ' or \"",
                            fix=fl.fix(f"Replace {quote.group()} with {straight}",
                                       quote.start(), quote.end(), straight))


def placeholder_credential(lint: Lint) -> Iterator[Finding]:
    """`:basic_auth <Rokt-Calendar-API>` copied from the docs names no saved credential."""
    for fl in lint.fields:
        source = fl.field.source
        for region in regions(source):
            if region.kind != "tag":
                continue
            for m in _PLACEHOLDER.finditer(source, region.body_start, region.body_end):
                name = m.group(2)[1:-1]
                yield fl.at(m.start(2), "placeholder-credential",
                            f":{m.group(1)} {m.group(2)} is the documentation's placeholder: use "
                            f"the name of your saved Connected Content credential"
                            + (f", e.g. {name}" if name else ""))
            for m in _GRANT_PLACEHOLDER.finditer(source, region.body_start, region.body_end):
                yield fl.at(m.start(1), "placeholder-credential",
                            f"grant_type={m.group(1)} is the documentation's placeholder: an "
                            "OAuth client-credentials token call sends "
                            "grant_type=client_credentials")
