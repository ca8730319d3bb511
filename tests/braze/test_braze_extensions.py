"""Braze's own tags as Braze's pages document them.

A test whose id names a page (`using_catalogs`, `locales_in_messages`, ...) asserts the
output that page shows for its example (braze-inc/braze-docs). Where the page's example
is sloppy (a bare `${first_name}` in text), the test says how it was adapted.
"""

from __future__ import annotations

from typing import Any

import pytest

import rokt_braze
from rokt_braze import MessageAborted, TemplateError

GAMES = {"1234": {"id": "1234", "title": "Tales", "price": 7.49},
         "1235": {"id": "1235", "title": "Teslagrad", "price": 12.99},
         "1236": {"id": "1236", "title": "Acaratus", "price": 5.0}}  # fmt: skip
CATALOGS: dict[str, Any] = {
    "catalogs": {
        "Games": GAMES,
        "games": GAMES,
        "Messages": {"greet_msg": {"Welcome_Message": "Welcome to our store, {{${first_name}}}!"}},
        "Products_fr": {"p1": {"name": "Chaussure"}},
        "Products_en": {"p1": {"name": "Shoe"}},
    },
    "selections": {"item-list": {"selections": [{"venue_name": "Madison Square Garden"}]}},
}


def render(source: str, profile: dict[str, Any] | None = None, **fixtures: Any) -> str:
    return rokt_braze.render_liquid(source, profile or {"external_id": "u1"}, fixtures=fixtures)


# catalogs ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "profile", "expected"),
    [
        pytest.param(
            "{% catalog_items Games 1234 %}Get {{ items[0].title }} for just {{ items[0].price }}!",
            {}, "Get Tales for just 7.49!", id="using_catalogs-one-item",
        ),
        pytest.param(
            "Get the ultimate trio {% catalog_items games 1234 1235 1236 %}"
            "{{ items[0].title }}, {{ items[1].title }}, and {{ items[2].title }} today!",
            {}, "Get the ultimate trio Tales, Teslagrad, and Acaratus today!",
            id="using_catalogs-multiple-items",
        ),
        pytest.param(
            "{% assign wishlist = {{custom_attribute.${wishlist}}}%}"
            "{% catalog_items Games {{ wishlist[0] }} %}"
            "Get {{ items[0].title }} now, for just {{ items[0].price }}!",
            {"custom_attributes": {"wishlist": ["1234", "1235"]}},
            "Get Tales now, for just 7.49!", id="using_catalogs-templated-item",
        ),
        # The page writes "Hi ${first_name}" bare in text; here it is an output.
        pytest.param(
            "Hi {{${first_name}}},\n\n{% catalog_items Messages greet_msg :rerender -%}\n"
            "{{ items[0].Welcome_Message }}",
            {"first_name": "Peter"}, "Hi Peter,\n\nWelcome to our store, Peter!",
            id="using_catalogs-rerender",
        ),
    ],
)
def test_catalogs_as_the_page_shows(source: str, profile: dict[str, Any], expected: str) -> None:
    assert render(source, {"external_id": "u1", **profile}, **CATALOGS) == expected


def test_catalog_liquid_prints_raw_without_rerender() -> None:
    """using_catalogs: "If the :rerender flag isn't provided, it will render the raw Liquid"."""
    out = render("{% catalog_items Messages greet_msg %}{{ items[0].Welcome_Message }}",
                 {"first_name": "Peter"}, **CATALOGS)
    assert out == "Welcome to our store, {{${first_name}}}!"


def test_rerender_is_one_level_deep() -> None:
    catalogs = {"catalogs": {"M": {"m": {"text": "{{ inner }}"}}}}
    out = render("{% assign inner = '{{ 1 | plus: 1 }}' %}{% catalog_items M m :rerender %}"
                 "{{ items[0].text }}", **catalogs)
    assert out == "{{ 1 | plus: 1 }}"


@pytest.mark.parametrize(("language", "expected"), [("fr", "Chaussure"), ("en", "Shoe")])
def test_a_catalog_per_language_named_with_liquid(language: str, expected: str) -> None:
    out = render("{% catalog_items Products_{{${language}}} p1 %}{{ items[0].name }}",
                 {"language": language}, **CATALOGS)
    assert out == expected


def test_a_missing_item_gives_an_array_without_it() -> None:
    """using_catalogs: an id that doesn't exist still gives an `items` array, without objects."""
    out = render("{% catalog_items Games 9999 1235 %}{{ items.size }}:{{ items[0].title }}",
                 **CATALOGS)
    assert out == "1:Teslagrad"
    assert render("{% catalog_items Games 9999 %}{% if items.size == 0 %}none{% endif %}",
                  **CATALOGS) == "none"


def test_catalog_selection_items() -> None:
    out = render("{% catalog_selection_items item-list selections %}"
                 "{% if items[0].venue_name.size > 10 %}long{% else %}short{% endif %}",
                 **CATALOGS)
    assert out == "long"


def test_an_unknown_catalog_is_a_clear_error() -> None:
    with pytest.raises(TemplateError, match="no fixture for catalog 'Products_de'"):
        render("{% catalog_items Products_{{${language}}} p1 %}", {"language": "de"}, **CATALOGS)


# translation ---------------------------------------------------------------------------

#: The translation CSV that locales_in_messages shows, as fixtures.
TRANSLATIONS = {
    "en": {"offer_text": "Check out now and receive", "offer_amount": "10% Off"},
    "es": {"offer_text": "Paga ahora y recibe", "offer_amount": "10% de Descuento"},
    "fr": {"offer_text": "Payez maintenant et recevez", "offer_amount": "10 % de réduction"},
}
OFFER = ("{% translation offer_text %}Sign up now to save{% endtranslation %}\n"
         "<b>{% translation offer_amount %}50% Off{% endtranslation %}</b>")


@pytest.mark.parametrize(
    ("profile", "expected"),
    [
        pytest.param({"language": "es"}, "Paga ahora y recibe\n<b>10% de Descuento</b>",
                     id="locales_in_messages-es"),
        pytest.param({"language": "fr"}, "Payez maintenant et recevez\n<b>10 % de réduction</b>",
                     id="locales_in_messages-fr"),
        pytest.param({"language": "de"}, "Sign up now to save\n<b>50% Off</b>",
                     id="locales_in_messages-no-locale-keeps-the-source"),
        pytest.param({}, "Sign up now to save\n<b>50% Off</b>", id="no-language"),
    ],
)
def test_a_translated_message(profile: dict[str, Any], expected: str) -> None:
    assert render(OFFER, {"external_id": "u1", **profile}, translations=TRANSLATIONS) == expected


def test_without_translation_fixtures_the_source_text_renders() -> None:
    assert render(OFFER, {"language": "es"}) == "Sign up now to save\n<b>50% Off</b>"


def test_a_country_locale_wins_over_the_language_and_liquid_renders() -> None:
    translations = {"pt_BR": {"hi": "Olá, {{${first_name}}}!"}, "pt": {"hi": "Oi!"}}
    source = "{% translation hi %}Hello, {{${first_name}}}!{% endtranslation %}"
    person = {"first_name": "Ana", "language": "pt"}
    assert render(source, {**person, "country": "BR"}, translations=translations) == "Olá, Ana!"
    assert render(source, {**person, "country": "PT"}, translations=translations) == "Oi!"
    assert render(source, {"first_name": "Ana"}, translations=translations) == "Hello, Ana!"


def test_a_template_variable_named_language_does_not_pick_the_locale() -> None:
    source = "{% assign language = 'es' %}{% translation offer_amount %}50% Off{% endtranslation %}"
    assert render(source, {"language": "fr"}, translations=TRANSLATIONS) == "10 % de réduction"


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("{% translation a %}{% translation b %}x{% endtranslation %}{% endtranslation %}",
         "cannot be nested"),
        ("{% translation %}x{% endtranslation %}", "translation needs one id"),
        ("{% translation a %}x", "'translation' tag was never closed"),
    ],
)
def test_translation_errors(source: str, message: str) -> None:
    with pytest.raises(TemplateError, match=message):
        render(source)


# shopping_cart -------------------------------------------------------------------------

CART = {
    "cart_id": "cart-1", "currency": "USD", "total_value": 199.98,
    "products": [{
        "product_id": "8266836345064", "product_name": "Classic T-Shirt",
        "variant_id": "44610569208040", "quantity": 2, "price": 99.99,
        "product_url": "https://braze-apparel.com/products/classic-tshirt?variant=44610569208040",
        "metadata": {"sku": "TSH-BLU-M"},
    }],
}  # fmt: skip
CARTS = {"cart-1": CART, "cart-2": {**CART, "cart_id": "cart-2", "abandoned": False}}
#: The abandoned-cart email of the eCommerce use cases page, as a list.
CART_EMAIL = (
    "{% shopping_cart {{context.${cart_id}}} %}"
    "{% for item in shopping_cart.products %}"
    "{% catalog_items Variants {{item.variant_id}} %}"
    "Item: {{ item.product_name }}|Price: ${{ item.price }}|Quantity: {{ item.quantity }}|"
    "SKU: {{ item.metadata.sku }}|Image: {{ items[0].variant_image_url }}"
    "{% endfor %}|{{ shopping_cart.total_value }} {{ shopping_cart.currency }}"
)


def test_a_shopping_cart_message_as_the_ecommerce_page_builds_it() -> None:
    catalogs = {"Variants": {"44610569208040": {"variant_image_url": "https://img/1.jpg"}}}
    out = render(CART_EMAIL, {"context": {"cart_id": "cart-1"}}, shopping_carts=CARTS,
                 catalogs=catalogs)
    assert out == ("Item: Classic T-Shirt|Price: $99.99|Quantity: 2|SKU: TSH-BLU-M|"
                   "Image: https://img/1.jpg|199.98 USD")


def test_a_cart_no_longer_abandoned_aborts_unless_told_not_to() -> None:
    with pytest.raises(MessageAborted, match="no longer abandoned"):
        render("{% shopping_cart cart-2 %}{{ shopping_cart.cart_id }}", shopping_carts=CARTS)
    out = render("{% shopping_cart cart-2 :abort_if_not_abandoned false %}"
                 "{{ shopping_cart.cart_id }}{{ shopping_cart.abandoned }}", shopping_carts=CARTS)
    assert out == "cart-2"


def test_an_unknown_cart_is_nil_and_no_fixtures_is_an_error() -> None:
    out = render("{% shopping_cart nope %}{% if shopping_cart == nil %}no cart{% endif %}",
                 shopping_carts=CARTS)
    assert out == "no cart"
    with pytest.raises(TemplateError, match="needs shopping_carts fixtures"):
        render("{% shopping_cart cart-1 %}")


# random --------------------------------------------------------------------------------


def test_random_is_in_range_and_the_same_for_the_same_user() -> None:
    source = "{% random %}|{% random 10 %}|{% random 10 %}"
    first = render(source, {"external_id": "u1"})
    assert first == render(source, {"external_id": "u1"})
    fraction, one, two = first.split("|")
    assert 0 <= float(fraction) < 1 and "." in fraction
    assert {int(one), int(two)} <= set(range(10))
    users = {render("{% random 100 %}", {"external_id": f"u{i}"}) for i in range(50)}
    assert len(users) > 10  # spread over users, as Braze's draws are


@pytest.mark.parametrize("markup", ["0", "00", "-1", "1.5", "ten"])
def test_random_refuses_a_limit_that_is_not_a_positive_whole_number(markup: str) -> None:
    with pytest.raises(TemplateError, match="random takes nothing or a positive whole number"):
        render(f"{{% random {markup} %}}")


def test_random_reads_a_limit_with_leading_zeros_as_decimal() -> None:
    assert int(render("{% random 007 %}", {"external_id": "u1"})) in range(7)


def test_random_variant_use_case() -> None:
    """supported_personalization_tags: a roll below 0.5 shows variant A."""
    source = ("{% capture roll_str %}{% random %}{% endcapture %}"
              "{% assign roll = roll_str | plus: 0 %}"
              "{% if roll < 0.5 %}A{% else %}B{% endif %}")
    seen = {render(source, {"external_id": f"user-{i}"}) for i in range(40)}
    assert seen == {"A", "B"}


# connected_content options, promotions, message_extras, abort ---------------------------


@pytest.mark.parametrize("where", ["middle", "end"])
def test_bare_cache_max_age_is_the_five_minute_default(
    where: str, engine: Any, recorder: Any
) -> None:
    """caching_responses: a POST is cached only with :cache_max_age; bare, for 5 minutes."""
    options = ":method post :cache_max_age :save r" if where == "middle" else (
        ":method post :save r :cache_max_age")
    source = (f"{{% connected_content https://x.example/a {options} %}}{{{{ r.a }}}}"
              f"{{% connected_content https://x.example/a {options} %}}{{{{ r.a }}}}")
    transport = recorder([{"url": "https://x.example/a", "method": "POST", "json": {"a": 1}}])
    assert engine(source, {}, transport=transport).text == "11"
    assert [request.cache_ttl for request in transport.requests] == [300]  # the second: cached


def test_promotion_code_reused_in_message_extras() -> None:
    """The Shopify page's example: the code captured once, shown and tagged."""
    from rokt_braze.braze import MessageState, parse_template
    from rokt_braze.pipeline import build_resources

    source = ("{% capture code %}{% promotion('puttshacktest2') %}{% endcapture %}"
              "Use {{code}} for an exclusive discount!"
              "{% message_extras :key cardscode :value {{code}} %}")
    state = MessageState(build_resources(("test", {"promotions": {"puttshacktest2": "PUTT-42"}})))
    out = parse_template(source).render({}, state)
    assert out.text == "Use PUTT-42 for an exclusive discount!"
    assert state.extras == {"cardscode": "PUTT-42"}


@pytest.mark.parametrize(
    ("brands", "outcome"),
    [(["Nike", "Converse", "Vans"], "Sale on Converse!"),
     (["Nike", "Vans", "Puma", "Asics", "Fila", "Converse"], None)],
)
def test_abort_inside_a_loop_and_an_if(brands: list[str], outcome: str | None) -> None:
    """supported_personalization_tags, iteration tags: Converse in the first five brands."""
    source = (
        "{% for items in {{custom_attribute.${Brands Viewed}}} limit:5 %}"
        "{% if {{items}} contains 'Converse' %}{% assign converse_viewer = true %}{% endif %}"
        "{% endfor %}"
        "{% if converse_viewer == true %}Sale on Converse!{% else %}{% abort_message() %}"
        "{% endif %}"
    )
    profile = {"custom_attributes": {"Brands Viewed": brands}}
    if outcome is None:
        with pytest.raises(MessageAborted):
            render(source, profile)
    else:
        assert render(source, profile) == outcome


def test_abort_from_inside_a_nested_loop_stops_everything() -> None:
    source = ("before{% for a in (1..3) %}{% for b in (1..3) %}{% if a == 2 and b == 2 %}"
              "{% abort_message('stop at 2,2') %}{% endif %}{{a}}{{b}}{% endfor %}{% endfor %}")
    with pytest.raises(MessageAborted) as info:
        render(source)
    assert info.value.reason == "stop at 2,2"


def test_content_blocks_nested_with_liquid_inside() -> None:
    blocks = {
        "header": "{% assign greeting = 'Hi' %}{{ greeting }} {{${first_name}}}"
                  "{{content_blocks.${footer}}}",
        "footer": " - {{ 'now' | date: '%Y' | minus: 0 | at_least: 2000 | at_most: 2000 }}",
    }
    out = render("{{content_blocks.${header}}}! {{ greeting }}", {"first_name": "Ada"},
                 content_blocks=blocks)
    assert out == "Hi Ada - 2000! Hi"


def test_a_cart_message_checks_clean_end_to_end(tmp_path: Any) -> None:
    """`check` on a webhook using the new tags and fixture kinds: no finding, the tags'
    variables (`shopping_cart`, `items`) count as assigned."""
    hook = tmp_path / "cart.webhook.yaml"
    hook.write_text(
        "url: https://api.example.com/notify\nmethod: POST\n"
        "headers: {Content-Type: application/json}\n"
        "body: |-\n"
        "  {% shopping_cart {{context.${cart_id}}} %}{% capture lines %}"
        "{% for item in shopping_cart.products %}{% catalog_items Variants {{item.variant_id}} %}"
        "{{ item.product_name | json_escape }} {{ items[0].url }};{% endfor %}{% endcapture %}\n"
        '  {"text": "{% translation hi %}Hello{% endtranslation %} {{ lines }}"}\n'
        "shopping_carts:\n"
        "  cart-1: {cart_id: cart-1, products: [{product_name: Tee, variant_id: v1}]}\n"
        "catalogs:\n  Variants: {v1: {url: 'https://img/1.jpg'}}\n"
        "translations:\n  fr: {hi: Bonjour}\n",
        encoding="utf-8",
    )
    profile = {"external_id": "u1", "language": "fr", "context": {"cart_id": "cart-1"}}
    result = rokt_braze.check([hook], profiles=[profile])
    assert result.findings == []
    request = rokt_braze.render_webhook(hook, profile)
    assert request.body.strip() == '{"text": "Bonjour Tee https://img/1.jpg;"}'
