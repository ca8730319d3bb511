"""Render one template with rokt-braze and with Ruby Liquid and say how they differ."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from oracle.ruby_liquid import render_in_ruby
from rokt_braze.braze import MessageState, Resources, parse_template
from rokt_braze.errors import MessageAborted, TemplateError


def render_in_rokt_braze(
    template: str, data: dict[str, Any], content_blocks: Mapping[str, str] | None = None
) -> tuple[bool, str]:
    """(True, text), or (False, error) when rokt-braze rejects or fails to render.

    An unknown filter is an error here, and rendering past it (what a check reports
    beyond it) passes the input through, as Ruby Liquid's lax mode does: that render is
    the one compared.
    """
    def state() -> MessageState:
        return MessageState(Resources(content_blocks=content_blocks or {}))

    try:
        try:
            return True, parse_template(template).render(data, state()).text
        except TemplateError as err:
            if err.rule != "unknown-filter":
                raise
            return True, parse_template(template, lenient=True).render(data, state()).text
    except (TemplateError, MessageAborted) as err:
        return False, f"{type(err).__name__}: {err}"


def disagreement(
    template: str, data: dict[str, Any], ruby_template: str | None = None,
    content_blocks: Mapping[str, str] | None = None,
) -> str | None:
    """None when both engines give the same bytes or both fail; else a description.

    `ruby_template`: the standard-Liquid meaning of a Braze template, for Ruby;
    `content_blocks`: the Braze sources of the blocks it includes.
    """
    ours = render_in_rokt_braze(template, data, content_blocks)
    ruby = render_in_ruby(ruby_template if ruby_template is not None else template, data)
    if ours == ruby or (not ours[0] and not ruby[0]):
        return None
    meaning = "" if ruby_template in (None, template) else f"for Ruby: {ruby_template!r}\n"
    return (f"template: {template!r}\n{meaning}data: {data!r}\n"
            f"rokt-braze: {_short(ours)}\nRuby Liquid: {_short(ruby)}")


def _short(outcome: tuple[bool, str], limit: int = 400) -> str:
    ok, text = outcome
    return repr((ok, text if len(text) <= limit else text[:limit] + "..."))
