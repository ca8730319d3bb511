"""`catalog_items` and `catalog_selection_items`: fixture-backed, since catalogs live in Braze.

`{% catalog_items <catalog> <id> [<id> ...] [:rerender] %}` sets `items` to the listed
items (an unknown id gives no entry, as Braze does); `{% catalog_selection_items
<catalog> <selection> %}` sets `items` to a selection. The catalog name and the ids may be
built with Liquid (Braze's "a catalog per language" pattern names the catalog from
`${language}`). Without `:rerender` Liquid stored in an item prints as raw text; with it,
the item's text fields render for the user, one level deep. Without catalog fixtures the
tag fails with a clear "needs fixtures" error rather than pretending.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TextIO

from liquid import Node, Tag
from liquid.exceptions import LiquidError, LiquidSyntaxError

from rokt_braze.braze.state import message_state
from rokt_braze.braze.tags import parse_braze, render_nodes, take_markup
from rokt_braze.braze.values import RubyHash, rubify

if TYPE_CHECKING:
    from liquid import RenderContext
    from liquid.stream import TokenStream
    from liquid.token import Token


class CatalogNode(Node):
    __slots__ = ("args", "catalog", "rerender", "selection")

    def __init__(
        self, token: Token, catalog: list[Node], args: list[list[Node]], *, selection: bool,
        rerender: bool,
    ) -> None:
        super().__init__(token)
        self.catalog, self.args, self.selection, self.rerender = catalog, args, selection, rerender

    def render_to_output(self, context: RenderContext, buffer: TextIO) -> int:
        resources = message_state(context).resources
        table = resources.selections if self.selection else resources.catalogs
        kind = "catalog selection" if self.selection else "catalog"
        if table is None:
            raise LiquidError(f"{self.token.value} needs {kind} fixtures", token=self.token)
        name = render_nodes(self.catalog, context).strip()
        values = [render_nodes(nodes, context).strip() for nodes in self.args]
        catalog: Any = table.get(name)
        if catalog is None:
            raise LiquidError(f"no fixture for {kind} {name!r}", token=self.token)
        if self.selection:
            items = list(catalog.get(values[0], [])) if values else []
        else:
            items = [catalog[v] for v in values if v in catalog]
        items = rubify(items)
        if self.rerender:
            items = [_rerender(item, context, name) for item in items]
        context.assign("items", items)
        return 0


def _rerender(item: object, context: RenderContext, catalog: str) -> object:
    """`:rerender`: the Liquid in an item's text fields, rendered for this user (one level:
    what that Liquid outputs is not rendered again)."""
    if not isinstance(item, dict):
        return item
    out = RubyHash()
    for key, value in item.items():
        if isinstance(value, str) and ("{{" in value or "{%" in value):
            template = parse_braze(context, value, f"catalog {catalog} item")
            value = render_nodes(list(template.bound.nodes), context).strip()
        out[key] = value
    return out


class CatalogItemsTag(Tag):
    name = "catalog_items"
    block = False
    selection = False

    def parse(self, stream: TokenStream) -> Node:
        token, markup = take_markup(stream)
        words = _split(markup)
        rerender = ":rerender" in words
        words = [w for w in words if w != ":rerender"]
        want = 2 if self.selection else None
        if len(words) < 2 or (want and len(words) != want):
            usage = "<catalog> <selection>" if self.selection else "<catalog> <id> [<id> ...]"
            raise LiquidSyntaxError(f"{self.name} needs {usage}", token=token)
        name, *ids = (list(self.env.from_string(w).nodes) for w in words)
        return CatalogNode(token, name, ids, selection=self.selection, rerender=rerender)


class CatalogSelectionItemsTag(CatalogItemsTag):
    name = "catalog_selection_items"
    selection = True


def _split(markup: str) -> list[str]:
    """Whitespace-separated words, keeping `{{ ... }}` together."""
    words: list[str] = []
    current = ""
    depth = 0
    i = 0
    while i < len(markup):
        if markup.startswith("{{", i):
            depth += 1
            current += "{{"
            i += 2
            continue
        if markup.startswith("}}", i) and depth:
            depth -= 1
            current += "}}"
            i += 2
            continue
        if markup[i].isspace() and not depth:
            if current:
                words.append(current)
            current = ""
        else:
            current += markup[i]
        i += 1
    if current:
        words.append(current)
    return words
