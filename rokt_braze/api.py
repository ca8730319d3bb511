"""The public functions: `render_liquid`, `render_webhook`, `check`.

Plain functions over plain objects, in the spirit of `requests.get`: the layers below
stay internal. All three run through the pipeline, so they see the same fixtures (the
caller's, the profile's, the webhook's, the config's, the targets' built-ins) as the CLI.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence

from rokt_braze.braze import MessageState, parse_template
from rokt_braze.config import Config, load_config
from rokt_braze.connected import Transport
from rokt_braze.discovery import discover
from rokt_braze.findings import CheckResult
from rokt_braze.pipeline import Pipeline, Settings, check_files
from rokt_braze.pipeline.resources import ProfileLike
from rokt_braze.profiles import Profile, to_profile
from rokt_braze.request import RenderedRequest
from rokt_braze.webhook import load_webhook

ProfileArg = Profile | Mapping[str, object] | str | os.PathLike[str] | None

__all__ = ["check", "render_liquid", "render_webhook"]


def check(
    paths: Iterable[str | os.PathLike[str]] = (".",),
    profiles: Sequence[ProfileLike] | None = None,
    *,
    fixtures: object = None,
    config: Config | str | os.PathLike[str] | None = None,
    transport: Transport | None = None,
) -> CheckResult:
    """Check templates; input problems in one file are reported and the rest still run.

    Raises InputError only when nothing can be checked (bad paths, bad config, bad
    profiles given by the caller).
    """
    cfg = config if isinstance(config, Config) else load_config(config)
    files = discover(paths, cfg)
    settings = Settings.make(cfg, profiles=profiles, fixtures=fixtures, transport=transport)
    return check_files(files, settings)


def render_liquid(source: str, profile: ProfileArg = None, fixtures: object = None) -> str:
    """Render one Braze Liquid template for one user.

    Raises `TemplateError` (with `.line`, `.column`) or `MessageAborted` (with `.reason`).
    """
    user = to_profile(profile)
    resources = Settings(load_config(), fixtures=fixtures).resources(user)
    return parse_template(source).render(user.namespaces(), MessageState(resources)).text


def render_webhook(
    path: str | os.PathLike[str], profile: ProfileArg = None, fixtures: object = None
) -> RenderedRequest:
    """Render a webhook file for one user into the request Braze would send.

    Raises `TemplateError` or `MessageAborted` as `render_liquid` does.
    """
    pipeline = Pipeline(load_webhook(path), Settings(load_config(), fixtures=fixtures))
    return pipeline.render(to_profile(profile)).request()
