"""`array-output`: a whole array attribute written out, rather than joined or indexed.

How Braze prints an array is undocumented (Shopify Liquid runs the elements together:
`["a","b"]` renders `ab`), so outputting one is a bug whatever it shows.

Without a profile the linter cannot see a value's type, so an attribute counts as an
array only on evidence from the same webhook (any field) or from a receiver:

* the attribute is indexed (`custom_attribute.${x}[0]`), iterated (`for v in ...`) or
  given an array filter (`join`, `first`, `last`, `map`, `uniq`, `sort`, ...) somewhere
  in the webhook, directly or through a plain `assign` alias;
* a target says its receiver writes the attribute as an array
  (`rokt_braze.targets.array_attribute`).

An output is reported when its value is such an attribute (or an alias of it) and every
filter applied keeps it an array (`compact`, `sort`, `uniq`, `default`, ...; see
`model.ARRAY_KEEPING`). Reading `.size`, `[0]` or `| join` does not count.
"""

from __future__ import annotations

from collections.abc import Iterator

from rokt_braze.findings import Finding
from rokt_braze.lint.base import Lint
from rokt_braze.lint.field_model import AttrKey, Output
from rokt_braze.targets import array_attribute


def array_output(lint: Lint) -> Iterator[Finding]:
    """Outputs of whole array attributes (see module doc for what counts as an array)."""
    evidence: set[AttrKey] = set()
    for _, model in lint.parsed():
        evidence |= model.array_evidence
    for fl, model in lint.parsed():
        for event in model.events:
            if not isinstance(event, Output):
                continue
            key = event.expr.array
            if key is None:
                continue
            why = array_attribute(*key)
            if why is None and key not in evidence:
                continue
            head = event.expr.head
            assert head is not None
            path = f"{key[0]}.${{{key[1]}}}" if key[0] else f"${{{key[1]}}}"
            why = why or "it is used as an array elsewhere in this webhook"
            yield fl.at(head.index, "array-output",
                        f"{path} is an array ({why}): output whole, its elements run together; "
                        f"use | join: ',' or an index such as [0]")
