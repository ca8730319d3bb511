"""The Braze dialect as a python-liquid `Environment`: Braze's tags and filters.

Standard Liquid behaviour is python-liquid's; this module only adds what Braze adds and
removes what Braze lacks (`include`/`render`: a message has no snippet files).
"""

from __future__ import annotations

from functools import lru_cache

from liquid import Environment, Mode, Undefined
from liquid.exceptions import LiquidError
from liquid.token import Token

from rokt_braze.braze.filters import register_filters
from rokt_braze.braze.tags.abort_message import AbortMessageTag
from rokt_braze.braze.tags.catalog_items import CatalogItemsTag, CatalogSelectionItemsTag
from rokt_braze.braze.tags.connected_content import ConnectedContentTag
from rokt_braze.braze.tags.message_extras import MessageExtrasTag
from rokt_braze.braze.tags.output import TracedCapture, TracedLiteral, TracedOutput
from rokt_braze.braze.tags.promotion import PromotionTag

#: Standard tags python-liquid has that a Braze message cannot use.
REMOVED_TAGS = ("include", "render", "doc")

BRAZE_TAGS = (
    AbortMessageTag,
    CatalogItemsTag,
    CatalogSelectionItemsTag,
    ConnectedContentTag,
    MessageExtrasTag,
    PromotionTag,
)


class BrazeEnvironment(Environment):
    """Lax like Braze: undefined values render blank; unknown filters are errors."""

    def __init__(self) -> None:
        super().__init__(tolerance=Mode.STRICT, undefined=Undefined, strict_filters=True)

    def setup_tags_and_filters(self, *, extra: bool = False) -> None:
        super().setup_tags_and_filters(extra=False)
        for name in REMOVED_TAGS:
            self.tags.pop(name, None)
        for tag in (*BRAZE_TAGS, TracedOutput, TracedLiteral, TracedCapture):
            self.add_tag(tag)
        register_filters(self)

    def error(
        self,
        exc: type[LiquidError] | LiquidError,
        msg: str | None = None,
        token: Token | None = None,
    ) -> None:
        """Give position-less errors (end of an expression) the statement's position."""
        if isinstance(exc, LiquidError) and token is not None and (
            exc.token is None or exc.token.start_index < 0
        ):
            exc.token = token
        super().error(exc, msg, token)


@lru_cache(maxsize=1)
def braze_environment() -> BrazeEnvironment:
    """One environment per process: python-liquid caches its lexer and parser on it."""
    return BrazeEnvironment()
