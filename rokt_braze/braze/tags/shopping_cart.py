"""`{% shopping_cart CART_ID [:abort_if_not_abandoned false] %}`: a user's eCommerce cart.

Braze keeps the carts its `ecommerce.cart_updated` / `checkout_started` events build and
this tag sets `shopping_cart` to one of them (`cart_id`, `currency`, `total_value`,
`products`, ...). With `:abort_if_not_abandoned` true (the default) the message is aborted
when the cart is no longer abandoned (the user has since ordered); `false` sends anyway.

Offline the carts are fixtures, `shopping_carts:` mapping a cart id to the cart; a cart
with `abandoned: false` has been ordered (the key is not part of the cart the template
sees). The cart id may be Liquid (`{{context.${cart_id}}}`). Without cart fixtures the tag
fails with a "needs fixtures" error; an id the fixtures lack leaves `shopping_cart` nil
(Braze deletes a cart ten days after its last update).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, TextIO

from liquid import Node, Tag
from liquid.exceptions import LiquidError

from rokt_braze.braze.state import message_state
from rokt_braze.braze.tags import match_markup, render_nodes
from rokt_braze.braze.values import RubyHash, rubify
from rokt_braze.errors import MessageAborted

if TYPE_CHECKING:
    from liquid import RenderContext
    from liquid.stream import TokenStream
    from liquid.token import Token

_MARKUP = re.compile(
    r"\s*(?P<cart>\{\{.*?\}\}|[^\s:][^\s]*)"
    r"(?:\s+:abort_if_not_abandoned(?:\s+(?P<flag>true|false))?)?\s*\Z",
    re.DOTALL,
)


class ShoppingCartNode(Node):
    __slots__ = ("abort_if_not_abandoned", "cart")

    def __init__(self, token: Token, cart: list[Node], *, abort_if_not_abandoned: bool) -> None:
        super().__init__(token)
        self.cart = cart
        self.abort_if_not_abandoned = abort_if_not_abandoned

    def render_to_output(self, context: RenderContext, buffer: TextIO) -> int:
        carts = message_state(context).resources.shopping_carts
        if carts is None:
            raise LiquidError("shopping_cart needs shopping_carts fixtures", token=self.token)
        found = carts.get(render_nodes(self.cart, context).strip())
        if found is None:
            context.assign("shopping_cart", None)
            return 0
        cart = RubyHash((k, rubify(v)) for k, v in found.items() if k != "abandoned")
        if self.abort_if_not_abandoned and found.get("abandoned", True) is False:
            raise MessageAborted(
                "shopping_cart: the cart is no longer abandoned (:abort_if_not_abandoned)",
                index=self.token.start_index,
                cause="shopping_cart",
            )
        context.assign("shopping_cart", cart)
        return 0


class ShoppingCartTag(Tag):
    name = "shopping_cart"
    block = False

    def parse(self, stream: TokenStream) -> Node:
        token, m = match_markup(
            stream, _MARKUP,
            "shopping_cart needs a cart id and optionally :abort_if_not_abandoned true|false",
        )
        return ShoppingCartNode(
            token,
            list(self.env.from_string(m.group("cart")).nodes),
            abort_if_not_abandoned=m.group("flag") != "false",
        )
