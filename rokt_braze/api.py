"""The public functions: `render_liquid`, `render_webhook`, `check`.

Plain functions over plain objects, in the spirit of `requests.get`: the layers below
stay internal. All three run through the pipeline, so they see the same fixtures (the
caller's, the profile's, the webhook's, the config's, the targets' built-ins) as the CLI.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from typing import Any

from rokt_braze.braze import MessageState, parse_template
from rokt_braze.config import Config, load_config
from rokt_braze.connected import Transport
from rokt_braze.discovery import discover
from rokt_braze.errors import InputError
from rokt_braze.findings import CheckResult
from rokt_braze.pipeline import Pipeline, Settings, check_files
from rokt_braze.pipeline.resources import ProfileLike
from rokt_braze.profiles import Profile, sample_subscriber, to_profile
from rokt_braze.request import RenderedRequest
from rokt_braze.webhook import load_webhook

#: A file or folder path.
PathArg = str | os.PathLike[str]
#: connected_content fixtures: a list of `{url, method, status, json | text, headers}`
#: entries, or a fixture set mapping `connected_content`, `content_blocks`, `catalogs`, ...
#: (the shape of a fixture file).
Fixtures = list[Mapping[str, Any]] | Mapping[str, Any]

__all__ = ["Fixtures", "PathArg", "ProfileLike", "check", "render_liquid", "render_webhook"]


def check(
    paths: PathArg | Iterable[PathArg] = ".",
    profiles: ProfileLike | Iterable[ProfileLike] | None = None,
    *,
    fixtures: Fixtures | None = None,
    config: Config | PathArg | None = None,
    transport: Transport | None = None,
) -> CheckResult:
    """Lint, render and validate templates, as `rokt-braze check` does.

    Args:
        paths: webhook files (`*.webhook.yaml`), `.liquid` files or folders searched for
            them; one path or several. Default: the current folder.
        profiles: the users to render each file for: profile files, mappings in Braze's
            user-export shape or `Profile`s; one or several. Default, as on the command
            line: each webhook's own `profiles:`, else the config's, else the bundled
            sample Rokt subscriber.
        fixtures: connected_content fixtures (see `Fixtures`); calls nothing answers are
            findings, never network calls.
        config: a `Config`, or the path of a config file; default: the nearest
            `.rokt-braze.toml` or `pyproject.toml` with `[tool.rokt-braze]`.
        transport: a live transport (`rokt_braze.connected.live.LiveTransport`) to make
            real connected_content calls; default: offline.

    Returns:
        a `CheckResult`: every finding, the files looked at, the renders made, and the
        files that could not be checked (`input_errors`; the rest still run).

    Raises:
        InputError: when nothing can be checked (a missing path, a bad config, a bad
            profile given here, an empty list of paths or profiles).
    """
    cfg = config if isinstance(config, Config) else load_config(config)
    path_list, profile_list = _as_list(paths), _profiles(profiles)
    # an empty list (a glob that matched nothing) would check nothing and pass
    if not path_list:
        raise InputError("no paths given; leave it out to search the current folder")
    if profile_list == []:
        raise InputError("no profiles given; leave it out for each webhook's own profiles, "
                         "else the config's, else the sample subscriber")
    files = discover(path_list, cfg)
    settings = Settings.make(cfg, profiles=profile_list, fixtures=fixtures,
                             transport=transport).load()  # a bad profile raises, as documented
    return check_files(files, settings)


def render_liquid(
    source: str, profile: ProfileLike | None = None, fixtures: Fixtures | None = None
) -> str:
    """Render one Braze Liquid template for one user and return the text.

    Args:
        source: the template text (Braze Liquid: `${...}` attributes, nested `{{ }}`,
            `connected_content`, `abort_message`, Braze's filters).
        profile: the user (see `ProfileLike`); default: an empty profile, as a bare
            template has no webhook or target to pick a sample user for.
        fixtures: connected_content fixtures (see `Fixtures`).

    Raises:
        TemplateError: a syntax or render error, with `.line` and `.column`.
        MessageAborted: `abort_message` fired, with `.reason`.
    """
    if not isinstance(source, str):
        raise TypeError(f"render_liquid takes the template text as str, not "
                        f"{type(source).__name__}")
    user = to_profile(profile)
    resources = Settings(load_config(), fixtures=fixtures).resources(user)
    return parse_template(source).render(user.namespaces(), MessageState(resources)).text


def render_webhook(
    path: PathArg, profile: ProfileLike | None = None, fixtures: Fixtures | None = None
) -> RenderedRequest:
    """Render a webhook file for one user into the request Braze would send.

    Args:
        path: the `*.webhook.yaml` (or `.liquid`) file.
        profile: the user (see `ProfileLike`); default, as `rokt-braze render`: the
            bundled sample Rokt subscriber.
        fixtures: connected_content fixtures (see `Fixtures`), besides the webhook's own.

    Returns:
        a `RenderedRequest` (`method`, `url`, `headers`, `body`).

    Raises:
        TemplateError, MessageAborted: as `render_liquid`.
        InputError: an unreadable or malformed file or profile.
    """
    pipeline = Pipeline(load_webhook(path), Settings(load_config(), fixtures=fixtures))
    user = sample_subscriber() if profile is None else to_profile(profile)
    return pipeline.render(user).request()


def _as_list(paths: PathArg | Iterable[PathArg]) -> list[PathArg]:
    """One path, or several: a string is a path, not an iterable of one-letter paths."""
    if isinstance(paths, (str, os.PathLike)):
        return [paths]
    return list(paths)


def _profiles(profiles: ProfileLike | Iterable[ProfileLike] | None) -> list[ProfileLike] | None:
    if profiles is None:
        return None
    if isinstance(profiles, (str, os.PathLike, Mapping, Profile)):
        return [profiles]
    return list(profiles)
