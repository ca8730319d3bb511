"""The Braze tags' semantics (as Braze documents them) and what a render reports.

connected_content, abort_message, content blocks,
catalogs and promotions without fixtures, missing `${...}` attributes, and the origin
marks that let findings point into the template.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from rokt_braze import MessageAborted, TemplateError, render_liquid
from rokt_braze.braze import MessageState, Resources, parse_template

API = "https://api.example.com/v1/thing"


def call(url: str = API, **response: Any) -> dict[str, Any]:
    return {"url": url, **response}


# connected_content ---------------------------------------------------------------------

def test_json_without_save_goes_to_connected_and_prints_nothing() -> None:
    source = "a{% connected_content " + API + " %}b {{connected.name}}"
    assert render_liquid(source, None, [call(json={"name": "Ada"})]) == "ab Ada"


def test_non_json_text_replaces_the_tag() -> None:
    source = "a {% connected_content " + API + " %} b"
    assert render_liquid(source, None, [call(text="plain words")]) == "a plain words b"


def test_non_json_text_with_save_is_inlined_and_saves_nothing() -> None:
    source = "{% connected_content " + API + " :save r %}[{{r}}]"
    assert render_liquid(source, None, [call(text="<b>hi</b>")]) == "<b>hi</b>[]"


def test_save_stores_the_json_with_its_status_code() -> None:
    source = ("{% connected_content " + API + " :save r %}"
              "{{r.a}}/{{r.__http_status_code__}}")
    assert render_liquid(source, None, [call(status=201, json={"a": 1})]) == "1/201"


def test_status_code_only_on_json_objects() -> None:
    source = "{% connected_content " + API + " :save r %}{{r[1]}}/{{r.__http_status_code__}}"
    assert render_liquid(source, None, [call(json=["x", "y"])]) == "y/"


@pytest.mark.parametrize("status", [404, 400, 500])
def test_a_failed_call_renders_empty_and_saves_nothing(status: int) -> None:
    source = ("<{% connected_content " + API + " :save r %}>"
              "{% if r == null %}no data{% endif %}")
    fixtures = [call(status=status, json={"error": "x"})]
    assert render_liquid(source, None, fixtures) == "<>no data"


def test_unmatched_call_names_method_and_url_at_the_tag() -> None:
    source = "line one\n  {% connected_content " + API + "?q=1 :method post %}"
    with pytest.raises(TemplateError) as info:
        render_liquid(source, None, [call(json={})])
    err = info.value
    assert err.rule == "connected-content-unmatched"
    assert "POST" in err.message and API + "?q=1" in err.message
    assert (err.line, err.column) == (2, 6)


def test_retry_with_a_500_aborts_after_five_retries(engine: Any, recorder: Any) -> None:
    transport = recorder([call(status=500, text="oops")])
    with pytest.raises(MessageAborted) as info:
        engine("{% connected_content " + API + " :retry %}", transport=transport)
    assert len(transport.requests) == 6
    assert "5 retries" in info.value.reason


def test_retry_stops_at_the_first_good_answer(engine: Any, recorder: Any) -> None:
    transport = recorder([call(json={"ok": True})])
    out = engine("{% connected_content " + API + " :retry :save r %}{{r.ok}}",
                 transport=transport)
    assert out.text == "true" and len(transport.requests) == 1


def test_without_retry_a_500_renders_empty(engine: Any, recorder: Any) -> None:
    transport = recorder([call(status=500, text="oops")])
    assert engine("[{% connected_content " + API + " %}]", transport=transport).text == "[]"
    assert len(transport.requests) == 1


def fields_of_one_message(sources: list[str], transport: Any) -> list[str]:
    """Render several fields with one shared message state, as a webhook does."""
    state = MessageState(Resources(transport=transport))
    return [parse_template(s).render({}, state).text for s in sources]


def test_get_is_cached_across_the_fields_of_one_message(recorder: Any) -> None:
    transport = recorder([call(json={"v": "x"})])
    field = "{% connected_content " + API + " :save r %}{{r.v}}"
    assert fields_of_one_message([field, "url " + field, field], transport) == [
        "x", "url x", "x"]
    assert len(transport.requests) == 1


def test_get_is_not_cached_across_messages(recorder: Any) -> None:
    transport = recorder([call(json={"v": "x"})])
    field = "{% connected_content " + API + " %}"
    fields_of_one_message([field], transport)
    fields_of_one_message([field], transport)
    assert len(transport.requests) == 2


def test_no_cache_calls_every_time(recorder: Any) -> None:
    transport = recorder([call(json={})])
    field = "{% connected_content " + API + " :no_cache %}"
    fields_of_one_message([field, field], transport)
    assert len(transport.requests) == 2


def test_post_is_not_cached(recorder: Any) -> None:
    transport = recorder([call(method="POST", json={"t": 1})])
    field = "{% connected_content " + API + " :method post :body a=1 %}"
    fields_of_one_message([field, field], transport)
    assert len(transport.requests) == 2


def test_post_with_cache_max_age_is_cached(recorder: Any) -> None:
    transport = recorder([call(method="POST", json={"t": 1})])
    field = "{% connected_content " + API + " :method post :body a=1 :cache_max_age 900 %}"
    fields_of_one_message([field, field], transport)
    assert len(transport.requests) == 1


def test_headers_hold_liquid(engine: Any, recorder: Any) -> None:
    transport = recorder([call(json={})])
    source = ("{% assign key = 'k-123' %}{% connected_content " + API +
              ' :headers {"X-Api-Key": "{{key}}", "X-User": "{{${user_id}}}"} %}')
    engine(source, {"user_id": "u7"}, transport=transport)
    [request] = transport.requests
    assert request.headers["X-Api-Key"] == "k-123"
    assert request.headers["X-User"] == "u7"
    # a GET sends JSON content type and accepts anything, unless told otherwise
    assert (request.headers["Content-Type"], request.headers["Accept"]) == (
        "application/json", "*/*")


def test_markup_may_span_lines(engine: Any, recorder: Any) -> None:
    transport = recorder([call(method="POST", json={"n": 2})])
    source = ("{% connected_content\n    " + API + "\n    :method post\n"
              "    :body q={{ 'a b' | url_encode }}\n    :save r\n%}{{r.n}}")
    assert engine(source, transport=transport).text == "2"
    [request] = transport.requests
    assert (request.method, request.body) == ("POST", "q=a+b")


def test_content_type_json_converts_a_form_body(engine: Any, recorder: Any) -> None:
    transport = recorder([call(method="POST", json={})])
    source = ("{% connected_content " + API +
              " :method post :body name=Ada&lang=en :content_type application/json %}")
    engine(source, transport=transport)
    [request] = transport.requests
    assert json.loads(request.body) == {"name": "Ada", "lang": "en"}
    assert request.headers["Content-Type"] == request.headers["Accept"] == "application/json"


def test_post_body_defaults_to_form_encoding(engine: Any, recorder: Any) -> None:
    transport = recorder([call(method="POST", json={})])
    engine("{% connected_content " + API + " :method post :body a=1&b=2 %}", transport=transport)
    [request] = transport.requests
    assert request.body == "a=1&b=2"
    assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"


@pytest.mark.parametrize("markup", [
    API + " :timeout 5",
    API + " :savee r",
    API + " :method post :body {\"a\": 1}",  # an inline JSON body with a space
    ":method post",  # no URL
])
def test_bad_markup_is_a_connected_content_error(markup: str) -> None:
    source = "ok\n{% connected_content " + markup + " %}"
    with pytest.raises(TemplateError) as info:
        parse_template(source)
    assert info.value.rule == "connected-content"
    assert (info.value.line, info.value.column) == (2, 4)


def test_unknown_option_names_the_option() -> None:
    with pytest.raises(TemplateError, match=":timeout"):
        parse_template("{% connected_content " + API + " :timeout 5 %}")


# abort_message -------------------------------------------------------------------------

@pytest.mark.parametrize(("tag", "reason"), [
    ("{% abort_message() %}", ""),
    ("{% abort_message %}", ""),
    ("{% abort_message () %}", ""),
    ("{% abort_message('no stock') %}", "no stock"),
    ('{% abort_message("no stock") %}', "no stock"),
    ("{% abort_message ('no stock') %}", "no stock"),
    ("{%- abort_message( 'no stock' ) -%}", "no stock"),
])
def test_every_abort_spelling_aborts(tag: str, reason: str) -> None:
    with pytest.raises(MessageAborted) as info:
        render_liquid("Hello\n{% if true %}" + tag + "{% endif %}")
    assert info.value.reason == reason
    assert info.value.line == 2


def test_abort_reason_must_be_a_literal() -> None:
    with pytest.raises(TemplateError, match="string literal"):
        parse_template("{% abort_message(reason) %}")


def test_abort_in_a_branch_not_taken_does_nothing() -> None:
    assert render_liquid("{% if false %}{% abort_message('x') %}{% endif %}sent") == "sent"


# content blocks ------------------------------------------------------------------------

BLOCKS = {
    "outer": "O[{{content_blocks.${middle}}}]",
    "middle": "M[{{content_blocks.${inner}}}]",
    "inner": "I",
    "shared": "{% assign greeting = 'Hi' %}",
}


def test_blocks_nest_two_levels_and_the_third_renders_nothing() -> None:
    out = render_liquid("{{content_blocks.${outer}}}|{{content_blocks.${middle}}}",
                        None, {"content_blocks": BLOCKS})
    assert out == "O[M[]]|M[I]"


def test_a_block_shares_the_message_variables() -> None:
    source = "{{content_blocks.${shared}}}{{greeting}}, {{${first_name}}}"
    assert render_liquid(source, {"first_name": "Ada"}, {"content_blocks": BLOCKS}) == "Hi, Ada"


def test_an_unknown_block_is_an_error() -> None:
    with pytest.raises(TemplateError, match="'nope' not found"):
        render_liquid("{{content_blocks.${nope}}}", None, {"content_blocks": BLOCKS})


# catalogs and promotions -----------------------------------------------------------

@pytest.mark.parametrize(("source", "needs"), [
    ("{% catalog_items Games 1234 %}", "needs catalog fixtures"),
    ("{% catalog_selection_items Games picks %}", "needs catalog selection fixtures"),
    ("{% promotion('spring') %}", "needs promotion-code fixtures"),
])
def test_without_fixtures_the_error_says_what_is_needed(source: str, needs: str) -> None:
    with pytest.raises(TemplateError, match=needs) as info:
        render_liquid("x\n" + source)
    assert info.value.line == 2


def test_catalog_selection_fills_items(engine: Any) -> None:
    selections = {"Games": {"picks": [{"title": "A"}, {"title": "B"}]}}
    out = engine("{% catalog_selection_items Games picks %}{{ items | map: 'title' | join: '+' }}",
                 selections=selections)
    assert out.text == "A+B"


def test_promotion_repeats_the_same_code(engine: Any) -> None:
    out = engine("{% promotion('spring') %}/{% promotion('spring') %}",
                 promotions={"spring": "SPR-1"})
    assert out.text == "SPR-1/SPR-1"


# missing attributes ----------------------------------------------------------------------

def test_missing_attributes_are_recorded_with_positions(engine: Any) -> None:
    source = ("Hi {{${first_name}}}!\n"
              "{% for b in {{custom_attribute.${Brands Viewed}}} %}{{b}}{% endfor %}"
              "{{custom_attribute.${tier}}} {{${city}}}")
    out = engine(source, {"city": "Oslo", "custom_attribute": {"tier": "gold"}})
    assert out.text == "Hi !\ngold Oslo"
    assert [(a.namespace, a.name) for a in out.missing] == [
        (None, "first_name"), ("custom_attribute", "Brands Viewed")]
    spans = [source[a.start:a.end] for a in out.missing]
    assert spans == ["${first_name}", "custom_attribute.${Brands Viewed}"]


def test_assigned_variables_are_not_missing(engine: Any) -> None:
    source = ("{% assign first_name = 'Al' %}{% capture city %}Rome{% endcapture %}"
              "{{${first_name}}} {{${city}}} {{never_assigned}}")
    out = engine(source, {})
    assert out.text == "Al Rome "
    assert out.missing == []


def test_a_default_filter_means_the_attribute_is_not_missing(engine: Any) -> None:
    source = ("{{${first_name} | default: 'there'}} "
              "{% assign t = custom_attribute.${team} | upcase | default: 'ANY' %}{{t}} "
              "{{${last_name} | upcase}}|{{${city}}}")
    out = engine(source, {})
    assert out.text == "there ANY |"
    assert [a.name for a in out.missing] == ["last_name", "city"]


def test_missing_reads_are_shared_through_the_message_state() -> None:
    state = MessageState(Resources())
    parse_template("{{custom_attribute.${a}}}").render({}, state)
    parse_template("{{${last_name}}}").render({}, state)
    assert state.misses == {("custom_attribute", "a"), (None, "last_name")}

@pytest.mark.parametrize("name", ["size", "first", "last"])
def test_an_absent_attribute_named_like_a_liquid_method_is_blank(engine: Any, name: str) -> None:
    """Not the number of custom attributes, nor the first of them (python-liquid's answer
    for `.size`/`.first` on a mapping); a present one is its value."""
    source = "[{{custom_attribute.${" + name + "}}}]"
    out = engine(source, {"custom_attribute": {"tier": "gold", "points": 3}})
    assert out.text == "[]"
    assert [a.name for a in out.missing] == [name]
    assert engine(source, {"custom_attribute": {name: "XL"}}).text == "[XL]"


# origins: where output came from ---------------------------------------------------------

def test_source_index_points_at_the_text_that_produced_the_output(engine: Any) -> None:
    source = ('{% capture id %}Event_{{${user_id}}}{% endcapture %}\n'
              '{"name": "{{custom_attribute.${full name}}}", "id": "{{id}}"}')
    out = engine(source, {"user_id": "u1", "custom_attribute": {"full name": "Ada L"}})
    assert out.text == '\n{"name": "Ada L", "id": "Event_u1"}'
    text = out.text
    # literal text maps character by character
    assert source[out.source_index(text.index('"name"'))] == '"'
    assert source[out.source_index(text.index("name"))] == "n"
    # an output maps to its statement, in the original (un-rewritten) source
    assert source.startswith("{{custom_attribute.${full name}}}",
                             out.source_index(text.index("Ada")))
    # a captured value maps to the capture's own text
    assert source.startswith("Event_", out.source_index(text.index("Event_")))
    assert source.startswith("{{${user_id}}}", out.source_index(text.index("u1")))


def test_tracing_replays_calls_instead_of_making_them_again(engine: Any, recorder: Any) -> None:
    transport = recorder([call(method="POST", json={"t": "tok"}), call(text="inline")])
    source = ("{% connected_content " + API + " :method post :body a=1 :save r %}"
              "{{r.t}} {% connected_content " + API + " :no_cache %}")
    out = engine(source, transport=transport)
    assert out.text == "tok inline"
    assert len(transport.requests) == 2
    # a tag's output maps to the tag (its name, where errors point too)
    assert source.startswith("connected_content " + API + " :no_cache",
                             out.source_index(out.text.index("inline")))
    assert source.startswith("{{r.t}}", out.source_index(0))
    assert len(transport.requests) == 2  # the traced render called nobody



def test_tracing_follows_the_same_branches(engine: Any) -> None:
    """The traced render keeps Braze's `blank` (an unset value is blank), so origins of
    text after a blank test still point at the branch that ran."""
    source = "{% if ${first_name} == blank %}Hi there{% else %}Hi {{${first_name}}}{% endif %}!"
    out = engine(source, {})
    assert out.text == "Hi there!"
    assert out.source_index(out.text.index("there")) == source.index("there")
    assert out.source_index(out.text.index("!")) == source.index("!")
