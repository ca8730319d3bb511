"""Render one template with rokt-braze and with Ruby Liquid and say how they differ."""

from __future__ import annotations

from typing import Any

from oracle.ruby_liquid import render_in_ruby
from rokt_braze.braze import parse_template
from rokt_braze.errors import MessageAborted, TemplateError


def render_in_rokt_braze(template: str, data: dict[str, Any]) -> tuple[bool, str]:
    """(True, text), or (False, error) when rokt-braze rejects or fails to render.

    An unknown filter is an error here, and rendering past it (what a check reports
    beyond it) passes the input through, as Ruby Liquid's lax mode does: that render is
    the one compared.
    """
    try:
        try:
            return True, parse_template(template).render(data).text
        except TemplateError as err:
            if err.rule != "unknown-filter":
                raise
            return True, parse_template(template, lenient=True).render(data).text
    except (TemplateError, MessageAborted) as err:
        return False, f"{type(err).__name__}: {err}"


def disagreement(
    template: str, data: dict[str, Any], ruby_template: str | None = None
) -> str | None:
    """None when both engines give the same bytes or both fail; else a description.

    `ruby_template`: the standard-Liquid meaning of a Braze template, for Ruby.
    """
    ours = render_in_rokt_braze(template, data)
    ruby = render_in_ruby(ruby_template if ruby_template is not None else template, data)
    if ours == ruby or (not ours[0] and not ruby[0]):
        return None
    return (f"template: {template!r}\ndata: {data!r}\n"
            f"rokt-braze: {_short(ours)}\nRuby Liquid: {_short(ruby)}")


def _short(outcome: tuple[bool, str], limit: int = 400) -> str:
    ok, text = outcome
    return repr((ok, text if len(text) <= limit else text[:limit] + "..."))
