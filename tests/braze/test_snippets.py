"""Each Braze doc snippet (numbered 1-19 here) renders as Braze documents.

The snippet text is Braze's; where a snippet only sets variables, a short tail
prints them. Outside data is mocked: connected_content through fixtures (a recording
transport where the request itself matters), catalogs and promotions through
`Resources`, `'now'` frozen. Expected outputs are Braze's documented ones, or follow from
the documented semantics (worked out in each test's comment).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import pytest

from rokt_braze import MessageAborted, TemplateError, render_liquid

UTC = dt.timezone.utc


# 1. Default value (using_liquid.md)
SNIPPET_1 = "Hi {{ ${first_name} | default: 'Valued User' }}, thanks for using the App!"


def test_1_default_value() -> None:
    assert render_liquid(SNIPPET_1, {"first_name": "Jon"}) == (
        "Hi Jon, thanks for using the App!")
    assert render_liquid(SNIPPET_1, {}) == "Hi Valued User, thanks for using the App!"


# 2. Double-bracket exception (using_liquid.md): braces or none, the same value.
SNIPPET_2 = (
    "{% if {{custom_attribute.${Number_Game_Attended}}} == 1 %}first game{% endif %}"
    "{% if custom_attribute.${Number_Game_Attended} == 1 %}, again{% endif %}"
    "{% assign value_one = custom_attribute.${one} %}"
    "{% assign value_two = {{custom_attribute.${one}}} %}"
    "|{{value_one}}|{{value_two}}"
)


def test_2_double_brackets_inside_tags_are_optional() -> None:
    profile = {"custom_attributes": {"Number_Game_Attended": 1, "one": "uno"}}
    assert render_liquid(SNIPPET_2, profile) == "first game, again|uno|uno"
    profile = {"custom_attributes": {"Number_Game_Attended": 2}}
    assert render_liquid(SNIPPET_2, profile) == "||"


# 3. Nested output in a filter argument (filters.md): "You have $35 to spend!"
SNIPPET_3 = (
    "{% assign balance = {{custom_attribute.${current_rewards_balance}}} %}"
    "You have ${{custom_attribute.${giftcard_balance} | plus: {{balance}}}} to spend!"
)


def test_3_nested_output_in_filter_argument() -> None:
    profile = {"custom_attributes": {"current_rewards_balance": 10, "giftcard_balance": 25}}
    assert render_liquid(SNIPPET_3, profile) == "You have $35 to spend!"


# 4. Array, loop (limit:5), attribute name with a space; abort for non-viewers.
SNIPPET_4 = (
    "{% for items in {{custom_attribute.${Brands Viewed}}} limit:5 %}"
    "{% if {{items}} contains 'Converse' %}{% assign converse_viewer = true %}{% endif %}"
    "{% endfor %}"
    "{% if converse_viewer != true %}{% abort_message('not a Converse viewer') %}{% endif %}"
    "New Converse styles are in!"
)


def test_4_array_loop_with_spaced_attribute_name() -> None:
    viewed = {"custom_attributes": {"Brands Viewed": ["Nike", "Converse All Star"]}}
    assert render_liquid(SNIPPET_4, viewed) == "New Converse styles are in!"


def test_4_limit_5_stops_before_the_sixth_item() -> None:
    sixth = {"custom_attributes": {"Brands Viewed": ["A", "B", "C", "D", "E", "Converse"]}}
    with pytest.raises(MessageAborted) as info:
        render_liquid(SNIPPET_4, sixth)
    assert info.value.reason == "not a Converse viewer"


# 5. Abort with a reason (aborting_messages.md)
SNIPPET_5 = (
    "{% if ${language} == 'en' %}Send this message in English!"
    "{% else %}{% abort_message('language was nil') %}{% endif %}"
)


def test_5_abort_with_reason() -> None:
    assert render_liquid(SNIPPET_5, {"language": "en"}) == "Send this message in English!"
    with pytest.raises(MessageAborted) as info:
        render_liquid(SNIPPET_5, {})
    assert info.value.reason == "language was nil"


# 6. Null / blank checks (conditional_logic.md): blank = unset, whitespace-only or false.
SNIPPET_6 = (
    "{% if ${first_name} != blank and ${first_name} != null %}"
    "Hello {{${first_name} | default: 'there'}}{% endif %}"
)


@pytest.mark.parametrize(("profile", "expected"), [
    ({"first_name": "Jon"}, "Hello Jon"),
    ({"first_name": "   "}, ""),
    ({}, ""),
])
def test_6_null_and_blank_checks(profile: dict[str, Any], expected: str) -> None:
    assert render_liquid(SNIPPET_6, profile) == expected


# 7. Local-time window (liquid_use_cases.md)
SNIPPET_7 = (
    "{% assign time = 'now' | time_zone: ${time_zone} %}"
    "{% assign hour = time | date: '%H' | plus: 0 %}"
    "{% if hour > 20 or hour < 8 %}{% abort_message(\"Outside allowed time window\") %}{% endif %}"
    "sent at {{hour}}h"
)


def test_7_local_time_window(freeze_now: Callable[[dt.datetime], None]) -> None:
    profile = {"time_zone": "America/New_York"}  # EDT in June: UTC-4
    freeze_now(dt.datetime(2024, 6, 3, 12, 0, tzinfo=UTC))  # 08:00 in New York
    assert render_liquid(SNIPPET_7, profile) == "sent at 8h"
    freeze_now(dt.datetime(2024, 6, 4, 1, 30, tzinfo=UTC))  # 21:30 in New York
    with pytest.raises(MessageAborted) as info:
        render_liquid(SNIPPET_7, profile)
    assert info.value.reason == "Outside allowed time window"


# 8. Days since last app use, with the docs' unbalanced `{{${last_used_app_date}}`
SNIPPET_8 = (
    '{% assign last_used_date = {{${last_used_app_date}} | date: "%s" %}'
    "{% assign now = 'now' | date: \"%s\" %}"
    "{% assign difference_in_days = {{now}} | minus: {{last_used_date}} | divided_by: 86400 %}"
    "{{difference_in_days}}"
)


def test_8_days_since_last_use(freeze_now: Callable[[dt.datetime], None]) -> None:
    # 2024-05-01 00:00 -> 2024-06-03 12:00 is 33.5 days; integer division keeps 33.
    freeze_now(dt.datetime(2024, 6, 3, 12, 0, tzinfo=UTC))
    profile = {"last_used_app_date": "2024-05-01T00:00:00.000Z"}
    assert render_liquid(SNIPPET_8, profile) == "33"


# 9. GET with escaped query parameters (making_an_api_call.md)
SNIPPET_9 = (
    "{% connected_content http://www.yourwebsite.com/articles?"
    "email={{${email_address} | url_param_escape}}&user_id={{${user_id}}} %}"
)


def test_9_get_with_escaped_params(engine: Any, recorder: Any) -> None:
    url = "http://www.yourwebsite.com/articles?email=jon%2Bnews%40example.com&user_id=u-1"
    transport = recorder([{"url": url, "text": "Five articles for you"}])
    out = engine(SNIPPET_9, {"email_address": "jon+news@example.com", "user_id": "u-1"},
                 transport=transport)
    assert out.text == "Five articles for you"  # not JSON: the text replaces the tag
    [request] = transport.requests
    assert (request.method, request.url) == ("GET", url)


# 10. Save + use JSON (local_connected_content_variables.md)
SNIPPET_10 = (
    "{% connected_content https://www.metaweather.com/api/location/search/?query=London"
    " :save locationjson %}"
    "{% connected_content https://www.metaweather.com/api/location/{{locationjson[0].woeid}}/"
    " :save localweather %}"
    "{% if {{localweather.consolidated_weather[0].weather_state_name}} == 'Rain' %}"
    "It's raining! Grab an umbrella!{% else %}No rain today.{% endif %}"
)
WEATHER = "https://www.metaweather.com/api/location/"


@pytest.mark.parametrize(("state", "expected"), [
    ("Rain", "It's raining! Grab an umbrella!"), ("Clear", "No rain today."),
])
def test_10_save_and_use_json(state: str, expected: str) -> None:
    fixtures = [
        {"url": WEATHER + "search/?query=London", "json": [{"title": "London", "woeid": 44418}]},
        {"url": WEATHER + "44418/",
         "json": {"consolidated_weather": [{"weather_state_name": state}]}},
    ]
    assert render_liquid(SNIPPET_10, None, fixtures) == expected


# 11. POST with inline JSON, no spaces (local_connected_content_variables.md)
SNIPPET_11 = (
    '{% connected_content https://example.com/api/endpoint :method post '
    ':body {"foo":"bar","baz":"{{1|plus:1}}"} :content_type application/json %}'
    "{{connected.result}}"
)


def test_11_post_inline_json_body(engine: Any, recorder: Any) -> None:
    transport = recorder([{"url": "https://example.com/api/endpoint", "method": "POST",
                           "json": {"result": "stored"}}])
    assert engine(SNIPPET_11, transport=transport).text == "stored"
    [request] = transport.requests
    assert request.method == "POST"
    assert request.body == '{"foo":"bar","baz":"2"}'
    assert request.headers["Content-Type"] == request.headers["Accept"] == "application/json"


# 12. POST body built with capture, :headers, tag over several lines
SNIPPET_12 = """{% capture postbody %}{"foo": "bar", "baz": "{{ 1 | plus: 1 }}"}{% endcapture %}
{% connected_content
     https://example.com/api/endpoint
     :method post
     :headers {
       "Content-Type": "application/json"
     }
     :body {{postbody}}
     :save result
%}
{{result.result}}"""


def test_12_capture_body_headers_multiline(engine: Any, recorder: Any) -> None:
    transport = recorder([{"url": "https://example.com/api/endpoint", "method": "POST",
                           "json": {"result": "stored"}}])
    assert engine(SNIPPET_12, transport=transport).text == "\n\nstored"
    [request] = transport.requests
    assert request.body == '{"foo": "bar", "baz": "2"}'
    assert request.headers["Content-Type"] == "application/json"


# 13. OAuth token, then a call with it (making_an_api_call.md)
SNIPPET_13 = (
    "{% connected_content https://your_API_access_token_endpoint_here/ :method post"
    " :auth_credentials access_token_credential_abc"
    ' :headers {"Content-Type": "YOUR-CONTENT-TYPE"} :cache_max_age 900 :save token_response %}'
    "{% connected_content https://api.example.com/data"
    ' :headers {"Authorization": "{{token_response}}"} :save data %}'
    "{{data.greeting}}"
)


def test_13_oauth_token_then_call(engine: Any, recorder: Any) -> None:
    # The token endpoint answers a JSON string, which :save stores as it is.
    transport = recorder([
        {"url": "https://your_API_access_token_endpoint_here/", "method": "POST",
         "json": "token-9a8b"},
        {"url": "https://api.example.com/data", "json": {"greeting": "hello"}},
    ])
    assert engine(SNIPPET_13, transport=transport).text == "hello"
    token_call, data_call = transport.requests
    assert token_call.auth_credentials == "access_token_credential_abc"
    assert token_call.headers["Content-Type"] == "YOUR-CONTENT-TYPE"
    assert data_call.headers["Authorization"] == "token-9a8b"


# 14. Status-code guard (supported_personalization_tags.md)
SNIPPET_14 = (
    "{% connected_content https://example.com/api/endpoint :save connected %}"
    "{% if connected.__http_status_code__ != 200 %}"
    "{% abort_message('Connected Content returned a non-200 status code') %}{% endif %}"
    "Deal: {{connected.deal}}"
)


def test_14_status_code_guard() -> None:
    ok = [{"url": "https://example.com/api/endpoint", "json": {"deal": "2 for 1"}}]
    assert render_liquid(SNIPPET_14, None, ok) == "Deal: 2 for 1"
    # a 404 renders nothing and saves nothing, so the status is nil and the guard fires
    missing = [{"url": "https://example.com/api/endpoint", "status": 404, "json": {}}]
    with pytest.raises(MessageAborted) as info:
        render_liquid(SNIPPET_14, None, missing)
    assert info.value.reason == "Connected Content returned a non-200 status code"


# 15. :retry + :basic_auth (connected_content_retries.md)
SNIPPET_15 = (
    "{% connected_content https://www.braze.com :save my_content :basic_auth auth_name :retry %}"
    "{{my_content.title}}"
)


def test_15_retry_and_basic_auth(engine: Any, recorder: Any) -> None:
    transport = recorder([{"url": "https://www.braze.com", "json": {"title": "Braze"}}])
    assert engine(SNIPPET_15, transport=transport).text == "Braze"
    [request] = transport.requests
    assert request.basic_auth == "auth_name"


def test_15_retry_gives_up_after_five_retries(engine: Any, recorder: Any) -> None:
    transport = recorder([{"url": "https://www.braze.com", "status": 502, "text": "bad"}])
    with pytest.raises(MessageAborted):
        engine(SNIPPET_15, transport=transport)
    assert len(transport.requests) == 6  # the call and five retries


# 16. Catalog with a templated id (using_catalogs.md)
SNIPPET_16 = (
    "{% assign wishlist = {{custom_attribute.${wishlist}}}%}"
    "{% catalog_items Games {{ wishlist[0] }} %}"
    "Get {{ items[0].title }} now, for just {{ items[0].price }}!"
)
GAMES = {"Games": {"1234": {"id": "1234", "title": "Tales", "price": 7.49},
                   "5678": {"id": "5678", "title": "Sky Run", "price": 19.99}}}


def test_16_catalog_item_with_templated_id() -> None:
    profile = {"custom_attributes": {"wishlist": ["5678", "1234"]}}
    assert render_liquid(SNIPPET_16, profile, {"catalogs": GAMES}) == (
        "Get Sky Run now, for just 19.99!")


def test_16_unknown_id_gives_no_item() -> None:
    profile = {"custom_attributes": {"wishlist": ["0000"]}}
    assert render_liquid(SNIPPET_16, profile, {"catalogs": GAMES}) == "Get  now, for just !"


# 17. JSON-safe webhook value (user_profile_fields_connected_content.md)
SNIPPET_17 = '[{"message":"{{event_properties.${message} | json_escape}}"}]'


def test_17_json_escape_keeps_the_body_valid() -> None:
    message = 'She said "hi" \\ then left\nline two'
    out = render_liquid(SNIPPET_17, {"event_properties": {"message": message}})
    assert json.loads(out) == [{"message": message}]


# 18. Multi-criteria segment with the empty-array trick (nested custom attributes page)
SNIPPET_18 = (
    "{% assign segmented_nested_objects = '' | split: '' %}"
    "{% assign obj_array = {{custom_attribute.${accounts}}} %}"
    "{% for obj in obj_array %}"
    "{% if obj[\"account_type\"] == 'taxable' and obj[\"active\"] == true %}"
    "{% assign segmented_nested_objects = obj_array | slice: forloop.index0"
    " | concat: segmented_nested_objects | reverse %}"
    "{% endif %}{% endfor %}"
    "{{ segmented_nested_objects | map: 'id' | join: ',' }}"
)


def test_18_multi_criteria_segment() -> None:
    accounts = [
        {"id": "A", "account_type": "taxable", "active": True},
        {"id": "B", "account_type": "taxable", "active": False},
        {"id": "C", "account_type": "ira", "active": True},
        {"id": "D", "account_type": "taxable", "active": True},
    ]
    # A matches: [A] + [] reversed = [A]; D matches: [D] + [A] reversed = [A, D].
    profile = {"custom_attributes": {"accounts": accounts}}
    assert render_liquid(SNIPPET_18, profile) == "A,D"


# 19. Promotion code captured and reused (_includes/shopify.md)
SNIPPET_19 = (
    "{% capture code %}{% promotion('puttshacktest2') %}{% endcapture %}"
    "Use {{code}} for an exclusive discount!"
    "{% message_extras :key cardscode :value {{code}} %}"
)


def test_19_promotion_code_reused(engine: Any) -> None:
    out = engine(SNIPPET_19, promotions={"puttshacktest2": "PUTT-4821"})
    assert out.text == "Use PUTT-4821 for an exclusive discount!"
    assert out.state.extras == {"cardscode": "PUTT-4821"}


def test_19_without_promotion_fixtures_is_a_clear_error() -> None:
    with pytest.raises(TemplateError, match="needs promotion-code fixtures"):
        render_liquid(SNIPPET_19, {})
