"""The specialised render (`MessagePlan`) must render exactly what the plain render does."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

import pytest
from conftest import CREATE, STRING_TYPED, UPDATE, make_user, seeded_users

from rokt_braze.audience.plan import MessagePlan
from rokt_braze.braze import Resources
from rokt_braze.errors import MessageAborted, TemplateError
from rokt_braze.pipeline import build_resources
from rokt_braze.profiles.namespaces import build_namespaces
from rokt_braze.webhook import Webhook, load_webhook, render_message
from rokt_braze.webhook.render import SpecialisedFields

FIXTURES = [
    {"url": "https://example.com/fixed", "json": {"v": "from-fixed"}},
    {"url": "https://example.com/user-002", "json": {"v": "two"}},
    {"url": "https://example.com/user-001", "json": {"v": "one"}},
]


def outcome(webhook: Webhook, namespaces: dict[str, object], resources: Resources,
            templates: Any) -> object:
    try:
        result = render_message(webhook, namespaces, resources, templates=templates)
    except (TemplateError, MessageAborted) as err:
        return (type(err).__name__, str(err), err.line, err.column, err.field)
    return (
        result.request,
        {name: r.text for name, r in result.rendered.items()},
        [(f.name, a) for f, a in result.missing],
        [(f.name, c.method, c.url, c.status, c.index, c.failure, c.cached, c.answered_by,
          c.attempts, c.save) for f, c in result.calls],
        # positions of the text come from a traced render of the original template
        {name: [r.source_index(i) for i in range(0, len(r.text), 7)]
         for name, r in result.rendered.items()},
    )


def users() -> list[dict[str, object]]:
    people = seeded_users()[:12]
    people += [make_user(40, "fixed", seeded=False) | {"external_id": "fixed"}]
    people += [make_user(41, "Avery", seeded=False) | {"external_id": None}]
    return [build_namespaces(p) for p in people]


def assert_same(webhook: Webhook, resources: Resources) -> MessagePlan:
    plan = MessagePlan(webhook, resources)
    everyone = users()
    for namespaces in everyone:
        templates = plan.templates(dict(namespaces))
        assert outcome(webhook, dict(namespaces), resources, templates) == outcome(
            webhook, dict(namespaces), resources, None)
    return plan


def write(tmp_path: Path, body: str, url: str = "https://example.com/x",
          headers: str = "") -> Webhook:
    text = f"url: {json.dumps(url)}\n"
    if headers:
        text += "headers:\n" + textwrap.indent(headers, "  ")
    text += "body: |-\n" + textwrap.indent(textwrap.dedent(body).strip("\n"), "  ") + "\n"
    text += "connected_content: " + json.dumps(FIXTURES) + "\n"
    path = tmp_path / "case.webhook.yaml"
    path.write_text(text)
    return load_webhook(path)


def resources_for(webhook: Webhook) -> Resources:
    return build_resources((webhook.path, webhook.fixtures))


@pytest.mark.parametrize("path", [CREATE, UPDATE])
def test_the_stock_templates_render_alike_and_mostly_once(path: Path) -> None:
    webhook = load_webhook(path)
    plan = assert_same(webhook, resources_for(webhook))
    # the header reads nothing from the user: no Liquid runs for it per user
    assert plan.stats["header:Authorization"] == (3, 3)
    assert plan.stats["header:Content-Type"] == (1, 1)
    static, total = plan.stats["body"]
    # per user: the two outputs that read the user (${user_id}, the subscription ids)
    assert total - static == (2 if path == CREATE else 1)
    static, total = plan.stats["url"]
    assert total - static == 2  # the account code is the user's: its assign and output


CASES = {
    "a variable a per-user statement may overwrite": """
        {% assign greeting = "Hello" %}{% if ${first_name} == 'Dana "DJ"' %}{% assign
        greeting = "Hey" %}{% endif %}
        {{ greeting }} {{ "static" | upcase }}
        """,
    "a capture of user data": """
        {% capture who %}{{${first_name}}}{% endcapture %}{% capture fixed %}x{% endcapture %}
        [{{who}}] [{{fixed}}] {{ fixed | append: who }}
        """,
    "a read before the per-user assign": """
        {{ y }}|{% assign y = ${user_id} %}{{ y }}|{% assign y = "z" %}{{ y }}
        """,
    "a static call after a per-user call that may hit the cache": """
        {% connected_content https://example.com/{{${user_id}}} :save a %}
        {% connected_content https://example.com/fixed :save b %}{{b.v}} {{a.v}}
        """,
    "a static call made twice, the second a cache hit": """
        {% connected_content https://example.com/fixed :save b %}{{b.v}}
        {% connected_content https://example.com/fixed :save c %}{{c.v}} {{${first_name}}}
        """,
    "a static call first": """
        {% connected_content https://example.com/fixed :save b %}{{b.v}}
        {% connected_content https://example.com/{{${user_id}}} :save a %}{{a.v}}
        """,
    "loops, counters and cycles": """
        {% for id in custom_attribute.${rokt:subscription_id} %}{{ id }}{% cycle "a", "b" %}
        {% endfor %}
        {% increment n %}{% increment n %}{{ n }}{% for i in (1..3) %}{{ i }}{% endfor %}
        """,
    "an abort for some users": """
        {% if custom_attribute.${rokt:subscription_id} == blank %}{% abort_message("none") %}
        {% endif %}
        {"ok": true}
        """,
    "an error for some users": """
        {{ "x" }}{% if ${first_name} contains '"' %}{{ 1 | divided_by: 0 }}{% endif %}{{ "y" }}
        """,
    "a message extra": """
        {% message_extras :key k :value {{${user_id}}} %}{% message_extras :key s :value v %}ok
        """,
}


#: (static statements, all statements) of each body: what renders once, what per user
STATIC = {
    "a variable a per-user statement may overwrite": (4, 6),  # {{greeting}} is per user
    "a capture of user data": (5, 8),
    "a read before the per-user assign": (4, 7),
    "a static call after a per-user call that may hit the cache": (2, 6),
    "a static call first": (3, 5),
    "a static call made twice, the second a cache hit": (6, 7),  # only the name varies
    "loops, counters and cycles": (1, 6),
    "an abort for some users": (1, 2),
    "an error for some users": (2, 3),
    "a message extra": (1, 3),
}


@pytest.mark.parametrize("name", list(CASES))
def test_tricky_bodies_render_alike(tmp_path: Path, name: str) -> None:
    webhook = write(tmp_path, CASES[name])
    plan = assert_same(webhook, resources_for(webhook))
    assert plan.stats["body"] == STATIC[name]


def test_fields_do_not_share_variables(tmp_path: Path) -> None:
    webhook = write(
        tmp_path, "{{ token.v }}|{% assign t = ${user_id} %}{{t}}",
        url="{% assign t = 'url' %}https://example.com/{{t}}",
        headers="X-A: '{% connected_content https://example.com/fixed :save token %}"
                "{{token.v}}'\n",
    )
    plan = assert_same(webhook, resources_for(webhook))
    assert plan.stats["url"] == (3, 3)
    assert plan.stats["header:X-A"] == (2, 2)


def test_a_cache_hit_in_another_field_replays_as_a_hit(tmp_path: Path) -> None:
    webhook = write(
        tmp_path, "{% connected_content https://example.com/fixed :save f %}{{f.v}} {{${user_id}}}",
        headers="X-A: '{% connected_content https://example.com/fixed :save token %}"
                "{{token.v}}'\n",
    )
    assert_same(webhook, resources_for(webhook))
    result = render_message(webhook, users()[0], resources_for(webhook))
    assert [(f.name, c.cached) for f, c in result.calls] == [("header:X-A", False),
                                                             ("body", True)]


def test_a_template_that_always_aborts_is_never_specialised(tmp_path: Path) -> None:
    webhook = write(tmp_path, "{% abort_message('never sent') %}")
    plan = assert_same(webhook, resources_for(webhook))
    assert plan.templates({}) is None
    assert plan.stats == {}


def test_a_message_of_constant_and_compiled_fields_renders_whole() -> None:
    """The stock message renders in one step (`render_whole`); a user on whom a compiled
    field falls back renders field by field instead, the fallback counted once."""
    webhook = load_webhook(CREATE)
    resources = resources_for(webhook)
    plan = MessagePlan(webhook, resources)
    plain, odd = (build_namespaces(make_user(n)) for n in (1, STRING_TYPED[0]))
    templates = plan.templates(dict(plain))
    assert isinstance(templates, SpecialisedFields)
    assert templates.render_whole(plain) is not None
    assert templates.render_whole(odd) is None  # its account code is a string, not an array
    for namespaces in (plain, odd):
        assert outcome(webhook, dict(namespaces), resources, templates) == outcome(
            webhook, dict(namespaces), resources, None)
    assert plan.counts == {"compiled": 2 + 2 + 1,  # the odd user's body still compiles
                           "fallback: an index into a non-array": 1}
