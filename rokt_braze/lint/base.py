"""What every lint rule gets: the webhook, and each field parsed and walked once.

A field that does not parse has `template` and `model` None: its syntax error is
already reported (by `check`, before lint), so rules that need meaning skip it and only
text rules (curly quotes, placeholders, suppression comments) look at it.
"""

from __future__ import annotations

from dataclasses import dataclass

from rokt_braze.braze import BrazeTemplate, parse_template
from rokt_braze.errors import TemplateError
from rokt_braze.findings import Finding, Fix, Severity, finding
from rokt_braze.lint.field_model import FieldModel, build_model
from rokt_braze.webhook import Field, Webhook


@dataclass
class FieldLint:
    webhook: Webhook
    field: Field
    template: BrazeTemplate | None
    model: FieldModel | None

    @property
    def name(self) -> str:
        return self.field.name

    def at(self, index: int, rule: str, message: str, *,
           severity: Severity | None = None, fix: Fix | None = None) -> Finding:
        """A finding at index `index` of this field's text, positioned in the file."""
        line, column = self.field.position(index)
        found = finding(rule, message, file=self.webhook.path, line=line, column=column,
                        field=self.field.name, fix=fix)
        return found if severity is None else found.with_(severity=severity)

    def fix(self, title: str, start: int, end: int, text: str) -> Fix:
        """A fix that replaces `source[start:end]` of this field with `text`."""
        return Fix(title, (self.field.edit(start, end, text),))


@dataclass
class Lint:
    webhook: Webhook
    fields: list[FieldLint]

    def parsed(self) -> list[tuple[FieldLint, FieldModel]]:
        """The fields that parse, with their models."""
        return [(f, f.model) for f in self.fields if f.model is not None]


def prepare(webhook: Webhook) -> Lint:
    """Parse (cached, shared with rendering) and walk every template field."""
    out: list[FieldLint] = []
    for fld in webhook.fields():
        try:
            # Same name as the renderer's parse, so the parse cache is shared.
            template = parse_template(fld.source, name=f"{webhook.path}:{fld.name}")
        except TemplateError:
            out.append(FieldLint(webhook, fld, None, None))
            continue
        out.append(FieldLint(webhook, fld, template, build_model(template)))
    return Lint(webhook, out)
