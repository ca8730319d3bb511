"""The public functions: `render_liquid`, `render_webhook`, `check`.

Plain functions over plain objects, in the spirit of `requests.get`: the layers below
stay internal.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from rokt_braze.braze import MessageState, parse_template
from rokt_braze.checking import check
from rokt_braze.profiles import Profile, to_profile
from rokt_braze.request import RenderedRequest
from rokt_braze.resources import build_resources
from rokt_braze.webhook import load_webhook, render_message

ProfileArg = Profile | Mapping[str, object] | str | os.PathLike[str] | None

__all__ = ["check", "render_liquid", "render_webhook"]


def render_liquid(source: str, profile: ProfileArg = None, fixtures: object = None) -> str:
    """Render one Braze Liquid template for one user.

    Raises `TemplateError` (with `.line`, `.column`) or `MessageAborted` (with `.reason`).
    """
    user = to_profile(profile)
    resources = build_resources(("fixtures", fixtures), ("profile", user.fixtures))
    return parse_template(source).render(user.namespaces(), MessageState(resources)).text


def render_webhook(
    path: str | os.PathLike[str], profile: ProfileArg = None, fixtures: object = None
) -> RenderedRequest:
    """Render a webhook file for one user into the request Braze would send."""
    webhook = load_webhook(path)
    user = to_profile(profile)
    resources = build_resources(
        ("fixtures", fixtures), ("profile", user.fixtures), (webhook.path, webhook.fixtures)
    )
    return render_message(webhook, user.namespaces(), resources).request
