"""`{% translation id %}source text{% endtranslation %}`: a multi-language message.

Braze replaces the block with the translation, for the user's locale, that the workspace
holds for `id` (uploaded as a CSV of ids by locale), and keeps the source text for users
whose locale has none. Offline the translations are fixtures, `translations:` mapping a
locale key to `{id: text}`. The user's locale is read from the profile's `language`
(and `country`): a key equal to `<language>_<country>` (or with `-`; case ignored) wins,
then one equal to `<language>`. A translation may hold Liquid; it renders for the user
like the source would. Braze does not allow nested translation tags, so neither does this.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, TextIO

from liquid import BlockNode, Node, Tag
from liquid.exceptions import LiquidSyntaxError
from liquid.parser import get_parser
from liquid.token import TOKEN_TAG

from rokt_braze.braze.origins import OriginBuffer
from rokt_braze.braze.state import message_state
from rokt_braze.braze.tags import match_markup, parse_braze, render_nodes
from rokt_braze.braze.values import to_output

if TYPE_CHECKING:
    from liquid import RenderContext
    from liquid.stream import TokenStream
    from liquid.token import Token

_ID = re.compile(r"\s*([^\s%{}]+)\s*\Z")


class TranslationNode(Node):
    __slots__ = ("block", "translation_id")

    def __init__(self, token: Token, translation_id: str, block: BlockNode) -> None:
        super().__init__(token)
        self.translation_id = translation_id
        self.block = block
        self.blank = False

    def render_to_output(self, context: RenderContext, buffer: TextIO) -> int:
        table = message_state(context).resources.translations
        text = None if table is None else _translation(table, context, self.translation_id)
        if text is None:
            return self.block.render(context, buffer)
        template = parse_braze(context, text, f"translation {self.translation_id}")
        text = render_nodes(template.bound.nodes, context)
        if isinstance(buffer, OriginBuffer):  # the translated text comes from this tag
            return buffer.write_from(text, self.token.start_index)
        return buffer.write(text)

    def children(
        self, static_context: RenderContext, *, include_partials: bool = True
    ) -> Iterable[Node]:
        yield self.block


def user_locales(context: RenderContext) -> list[str]:
    """The locale keys that fit the user, best first (normalised: lower case, `_`)."""
    language = _attribute(context, "language")
    if not language:
        return []
    country = _attribute(context, "country")
    keys = [f"{language}_{country}"] if country else []
    return [_normal(key) for key in (*keys, language)]


def _attribute(context: RenderContext, name: str) -> str:
    """A standard attribute from the profile (never a template variable of that name)."""
    try:
        return to_output(context.globals[name]).strip()
    except KeyError:
        return ""


def _normal(key: str) -> str:
    return key.strip().lower().replace("-", "_")


def _translation(
    table: Mapping[str, Mapping[str, Any]], context: RenderContext, translation_id: str
) -> str | None:
    by_locale = {_normal(str(key)): value for key, value in table.items()}
    for locale in user_locales(context):
        texts = by_locale.get(locale)
        if isinstance(texts, Mapping) and translation_id in texts:
            return to_output(texts[translation_id])
    return None


class TranslationTag(Tag):
    name = "translation"
    end = "endtranslation"
    block = True

    def parse(self, stream: TokenStream) -> Node:
        token, m = match_markup(
            stream, _ID, "translation needs one id: {% translation greeting %}"
        )
        next(stream)
        block = get_parser(self.env).parse_block(stream, (self.end,))
        stream.expect(TOKEN_TAG, value=self.end)
        for node in _descendants(block):
            if isinstance(node, TranslationNode):
                raise LiquidSyntaxError(
                    "translation tags cannot be nested (Braze)", token=node.token
                )
        return TranslationNode(token, m.group(1), block)


def _descendants(node: Node) -> Iterable[Node]:
    for child in node.children(None, include_partials=False):  # type: ignore[arg-type]
        yield child
        yield from _descendants(child)
