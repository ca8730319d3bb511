"""Assemble the outside data a render may need (fixtures) into `braze.Resources`.

Fixtures come from several places — the public API's `fixtures=`, a profile file, a
webhook file, config fixture files — and share one shape: either a list of
connected_content fixtures, or a mapping with any of `connected_content`,
`content_blocks` (name -> Liquid text, or a folder of `<name>.liquid` files), `catalogs`
(catalog -> id -> item),
`selections` (catalog -> selection -> [items]), `promotions` (list -> code),
`translations` (locale -> translation id -> text) and `shopping_carts` (cart id -> cart).
The first source given wins on conflicts, so a user's fixtures beat the built-ins.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from rokt_braze import safe_yaml
from rokt_braze.braze import Resources
from rokt_braze.connected import FixtureError, FixtureTransport, Transport, parse_fixtures
from rokt_braze.errors import InputError
from rokt_braze.limits import Limits

#: Answers the Rokt OAuth call of the stock templates, so they render with no setup.
ROKT_TOKEN_FIXTURE: dict[str, Any] = {
    "url": "https://api.roktcalendar.com/oauth2/token",
    "method": "POST",
    "status": 200,
    "json": {
        "access_token": "offline-token-from-rokt-braze",
        "token_type": "bearer",
        "expires_in": 300,
        "refresh_token": "offline-refresh-token",
    },
}
BUILTIN_FIXTURES: list[dict[str, Any]] = [ROKT_TOKEN_FIXTURE]
_TABLE_KEYS = ("catalogs", "selections", "promotions", "translations", "shopping_carts")
_SET_KEYS = frozenset({"connected_content", "content_blocks", *_TABLE_KEYS})


def build_resources(
    *sources: tuple[str, object], transport: Transport | None = None, limits: Limits | None = None
) -> Resources:
    """Merge fixture sets, each given as `(where, fixtures)`; raise InputError on a bad one.

    `limits`: the resource limits of each render (the config's), else the defaults."""
    connected: list[Any] = []
    blocks: dict[str, str] = {}
    tables: dict[str, dict[str, Any]] = {key: {} for key in _TABLE_KEYS}
    seen_tables: set[str] = set()
    for where, fixtures in (*sources, ("built-in fixtures", BUILTIN_FIXTURES)):
        if fixtures is None:
            continue
        fset = normalise(fixtures, where)
        try:
            connected += parse_fixtures(fset.get("connected_content", []), where=where)
        except FixtureError as err:
            raise InputError(str(err)) from None
        for name, text in _content_blocks(fset, where).items():
            blocks.setdefault(name, text)
        for key, table in tables.items():
            if key in fset:
                seen_tables.add(key)
                for name, value in _mapping(fset, key, where).items():
                    table.setdefault(str(name), value)
    return Resources(
        transport=transport or FixtureTransport(connected),
        content_blocks=blocks,
        **{key: tables[key] if key in seen_tables else None for key in _TABLE_KEYS},
        limits=limits or Limits(),
    )


def normalise(fixtures: object, where: str) -> Mapping[str, Any]:
    if isinstance(fixtures, list):
        return {"connected_content": fixtures}
    if isinstance(fixtures, Mapping):
        unknown = sorted(str(k) for k in fixtures if k not in _SET_KEYS)
        if unknown:
            raise InputError(f"{where}: unknown fixture key(s) {', '.join(unknown)}")
        return fixtures
    raise InputError(f"{where}: fixtures must be a list or a mapping")


def _content_blocks(fset: Mapping[str, Any], where: str) -> dict[str, str]:
    """Blocks given inline (name -> text) or as a folder holding `<name>.liquid` files."""
    value = fset.get("content_blocks", {})
    if isinstance(value, (str, os.PathLike)):
        from rokt_braze.webhook import read_text

        folder = Path(value)
        if not folder.is_dir():
            raise InputError(f"{where}: content_blocks folder {str(folder)!r} does not exist")
        return {f.stem: read_text(f) for f in sorted(folder.glob("*.liquid"))}
    return {str(k): str(v) for k, v in _mapping(fset, "content_blocks", where).items()}


def _mapping(fset: Mapping[str, Any], key: str, where: str) -> Mapping[str, Any]:
    value = fset.get(key, {})
    if not isinstance(value, Mapping):
        raise InputError(f"{where}: '{key}' must be a mapping")
    return value


def load_fixture_file(path: str) -> object:
    """A YAML/JSON fixture file as data (validated when resources are built)."""
    from rokt_braze.webhook import read_text

    text = read_text(path)
    try:
        return safe_yaml.load(text)
    except yaml.YAMLError as err:
        reason, line, column = safe_yaml.describe(err, text)
        raise InputError(f"invalid YAML: {reason}", path=path, line=line,
                         column=column) from None

