"""Render a whole webhook for one user, as Braze sends it.

Each field (URL, each header, body) is its own template with its own variables; the
fields share the user, the connected_content call cache and the abort: a variable
assigned in one field is not seen by another. Errors come out positioned in the webhook
file, not in the field's text.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from rokt_braze.braze import (
    Attribute,
    BrazeTemplate,
    MessageState,
    Rendered,
    Resources,
    parse_template,
)
from rokt_braze.braze.state import CallRecord
from rokt_braze.errors import MessageAborted, TemplateError
from rokt_braze.request import RenderedRequest
from rokt_braze.webhook.file import Field, Webhook


@dataclass
class RenderResult:
    request: RenderedRequest
    #: field name ("url", "header:Authorization", "body") -> its rendering
    rendered: dict[str, Rendered] = field(default_factory=dict)
    #: `${...}` attributes the user lacked, with the field that read them
    missing: list[tuple[Field, Attribute]] = field(default_factory=list)
    #: connected_content calls made, with the field that made them
    calls: list[tuple[Field, CallRecord]] = field(default_factory=list)


class SpecialisedFields(dict[str, BrazeTemplate]):
    """Field name -> template specialised for a run (see `audience.plan`), which may know
    how to render the whole message at once, with less per-user machinery."""

    def render_whole(self, namespaces: Mapping[str, object]) -> RenderResult | None:
        """The message for one user exactly as the field-by-field render gives it, or None
        (then render it field by field)."""
        return None


def parse_field(webhook: Webhook, fld: Field) -> None:
    """Parse one field (cached); raise TemplateError positioned in the file."""
    try:
        parse_template(fld.source, name=f"{webhook.path}:{fld.name}")
    except TemplateError as err:
        raise locate(webhook, fld, err) from None


def render_message(
    webhook: Webhook,
    namespaces: Mapping[str, object],
    resources: Resources | None = None,
    *,
    templates: Mapping[str, BrazeTemplate] | None = None,
) -> RenderResult:
    """Render every field for one user. Raises TemplateError or MessageAborted, carrying
    the connected_content calls made until then (`calls`).

    `templates` (field name -> template) replaces the parsed source of those fields; an
    audience run passes templates specialised to render only what varies per user.
    """
    if isinstance(templates, SpecialisedFields):
        whole = templates.render_whole(namespaces)
        if whole is not None:
            return whole
    state = MessageState(resources or Resources())
    request = RenderedRequest(webhook.method.source, "", {}, "")
    result = RenderResult(request)
    chosen = templates or {}
    calls = state.calls
    for fld in webhook.fields():
        name = fld.name
        before = len(calls)
        try:
            template = chosen.get(name) or parse_template(fld.source,
                                                          name=f"{webhook.path}:{name}")
            rendered = template.render(namespaces, state)
        except (TemplateError, MessageAborted) as err:
            stopped = locate(webhook, fld, err)
            stopped.calls = [*result.calls, *((fld, call) for call in calls[before:])]
            raise stopped from None
        result.rendered[name] = rendered
        if rendered.missing:
            result.missing += [(fld, attr) for attr in rendered.missing]
        if len(calls) > before:
            result.calls += [(fld, call) for call in calls[before:]]
        put_field(request, name, rendered.text)
    return result


def put_field(request: RenderedRequest, name: str, text: str) -> None:
    """One field's output into the request, as Braze sends it (URL and headers trimmed)."""
    if name == "body":
        request.body = text
    elif name == "url":
        request.url = text.strip()
    else:
        request.headers[name.partition(":")[2]] = text.strip()


def locate(
    webhook: Webhook, fld: Field, err: TemplateError | MessageAborted
) -> TemplateError | MessageAborted:
    """The same error, its line and column now in the webhook file."""
    line, column = fld.position(err.index)
    if isinstance(err, MessageAborted):
        return MessageAborted(err.reason, index=err.index, line=line, column=column,
                              field=fld.name, cause=err.cause)
    return TemplateError(err.message, line=line, column=column, index=err.index, rule=err.rule,
                         source_name=webhook.path, field=fld.name)
