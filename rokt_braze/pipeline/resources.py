"""Everything a render needs from outside the template, assembled in one place.

`Settings` is what a caller gives (config, profiles, fixtures, a live transport);
`Settings.resources` turns it, for one webhook and one profile, into `braze.Resources`,
and `Settings.profiles_for` says which profiles a webhook renders with. Every entry point
(check, render, send, audience, fuzz, the Python API, the pytest plugin) goes through
here, so they all see the same fixtures.

Fixtures come from several places — the caller (`fixtures=`, `--fixtures`), a profile
file, a webhook file, config fixture files, and the targets' built-ins (e.g. an OAuth
token answer) — and share one shape: either a list of connected_content fixtures, or a
mapping with any of `connected_content`, `content_blocks` (name -> Liquid text, or a
folder of `<name>.liquid` files), `catalogs` (catalog -> id -> item), `selections`
(catalog -> selection -> [items]), `promotions` (list -> code), `translations` (locale ->
translation id -> text) and `shopping_carts` (cart id -> cart). The first source given
wins on conflicts, in that order, so a user's fixtures beat the built-ins.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from rokt_braze import safe_yaml
from rokt_braze.braze import Resources
from rokt_braze.config import Config, expand_globs
from rokt_braze.connected import FixtureError, FixtureTransport, Transport, parse_fixtures
from rokt_braze.errors import InputError
from rokt_braze.limits import Limits
from rokt_braze.profiles import Profile, load_profiles, sample_subscriber, to_profile
from rokt_braze.targets import builtin_fixtures
from rokt_braze.webhook import Webhook, read_text

#: One user: a `Profile`, a mapping in Braze's user-export shape, or a profile file (a file
#: may hold several users: `check` renders them all, `render_webhook` needs exactly one).
ProfileLike = Profile | Mapping[str, object] | str | os.PathLike[str]

_TABLE_KEYS = ("catalogs", "selections", "promotions", "translations", "shopping_carts")
_SET_KEYS = frozenset({"connected_content", "content_blocks", *_TABLE_KEYS})


@dataclass
class Settings:
    """What a caller may set; everything else comes from the config. Picklable, so an
    audience run sends it to its workers once.

    Files the caller names (`make`'s profile files and fixture file) and the config's
    fixture files are read when a render first needs them, not before: a template's own
    findings come first, a file that does not parse never needs them, and a bad file is
    one error, however many webhooks ask for it (the same `InputError` each time)."""

    config: Config = field(default_factory=Config)
    #: profiles the caller gives (None: each webhook's own, else the config's, else the sample)
    profiles: list[Profile] | None = None
    #: the caller's fixtures (API `fixtures=`, `--fixtures FILE`), and where they came from
    fixtures: object = None
    fixtures_from: str = "fixtures"
    #: None: offline fixtures; a live transport makes real calls
    transport: Transport | None = None
    #: files an editor holds with unsaved changes (absolute path -> text): a webhook's or
    #: the config's profile and fixture files are read from here first (the language server)
    unsaved: Mapping[str, str] = field(default_factory=dict, repr=False)
    _config_fixtures: list[tuple[str, object]] | InputError | None = field(default=None,
                                                                          repr=False)
    #: what `make` was given and has not read yet: profiles, the fixture file
    _unread_profiles: Sequence[ProfileLike] | None = field(default=None, repr=False)
    _unread_fixtures: str | None = field(default=None, repr=False)
    _error: InputError | None = field(default=None, repr=False)

    @classmethod
    def make(
        cls,
        config: Config,
        *,
        profiles: Sequence[ProfileLike] | None = None,
        fixtures: object = None,
        fixtures_file: str | None = None,
        transport: Transport | None = None,
        unsaved: Mapping[str, str] | None = None,
    ) -> Settings:
        """Settings whose profile files and fixture file are read on first use (`load`)."""
        return cls(config, fixtures=fixtures, transport=transport, unsaved=unsaved or {},
                   _unread_profiles=profiles, _unread_fixtures=fixtures_file or None)

    def load(self) -> Settings:
        """Read the files `make` was given, once; raise the same InputError every time
        when one is bad. Every use of the caller's profiles or fixtures goes through here."""
        if self._unread_profiles is not None or self._unread_fixtures is not None:
            names, self._unread_profiles = self._unread_profiles, None
            file, self._unread_fixtures = self._unread_fixtures, None
            try:
                if file is not None:
                    self.fixtures, self.fixtures_from = load_fixture_file(file), file
                if names is not None:
                    self.profiles = caller_profiles(names)
            except InputError as err:
                self._error = err
        if self._error is not None:
            raise self._error
        return self

    def config_fixtures(self) -> list[tuple[str, object]]:
        """The config's fixture files, read once (a bad one: the same InputError every time)."""
        if self._config_fixtures is None:
            cfg = self.config
            try:
                self._config_fixtures = [(f, load_fixture_file(f, self._unsaved(f)))
                                         for f in cfg.resolve(cfg.fixtures)]
            except InputError as err:
                self._config_fixtures = err
        if isinstance(self._config_fixtures, InputError):
            raise self._config_fixtures
        return self._config_fixtures

    def resources(self, profile: Profile | None = None, webhook: Webhook | None = None,
                  ) -> Resources:  # fmt: skip
        """What a render of `webhook` for `profile` may use: the caller's fixtures, the
        profile's, the webhook's, the config's, then the targets' built-ins."""
        self.load()
        sources: list[tuple[str, object]] = [(self.fixtures_from, self.fixtures)]
        if profile is not None:
            sources.append((profile.source or profile.name, profile.fixtures or None))
        if webhook is not None:
            sources.append((webhook.path, webhook.fixtures))
        return build_resources(*sources, *self.config_fixtures(), transport=self.transport,
                               limits=self.config.limits)

    def profiles_for(self, webhook: Webhook) -> list[Profile]:
        """The caller's profiles, else the file's `profiles:`, else the config's, else the
        bundled sample subscriber."""
        given = self.load().profiles
        if given is not None:
            return list(given)
        if webhook.profiles:
            base = Path(webhook.path).parent
            return [p for f in expand_globs(webhook.profiles, base, what=webhook.path)
                    for p in load_profiles(f, unsaved=self._unsaved(f))]
        if self.config.profiles:
            return [p for f in self.config.resolve(self.config.profiles)
                    for p in load_profiles(f, unsaved=self._unsaved(f))]
        return [sample_subscriber()]

    def _unsaved(self, path: str) -> str | None:
        return self.unsaved.get(os.path.abspath(path)) if self.unsaved else None


def caller_profiles(profiles: Sequence[ProfileLike] | None) -> list[Profile] | None:
    """Profiles given by a caller: files are loaded (all their profiles), the rest converted."""
    if profiles is None:
        return None
    out: list[Profile] = []
    for item in profiles:
        if isinstance(item, (str, os.PathLike)):
            out += load_profiles(item)
        else:
            out.append(to_profile(item))
    return out


def build_resources(
    *sources: tuple[str, object], transport: Transport | None = None, limits: Limits | None = None
) -> Resources:
    """Merge fixture sets, each given as `(where, fixtures)`; raise InputError on a bad one.

    `limits`: the resource limits of each render (the config's), else the defaults."""
    connected: list[Any] = []
    blocks: dict[str, str] = {}
    tables: dict[str, dict[str, Any]] = {key: {} for key in _TABLE_KEYS}
    seen_tables: set[str] = set()
    for where, fixtures in (*sources, ("built-in fixtures", builtin_fixtures())):
        if fixtures is None:
            continue
        try:
            fset = normalise(fixtures, where)
            connected += parse_fixtures(fset.get("connected_content", []), where=where)
            for name, text in _content_blocks(fset, where).items():
                blocks.setdefault(name, text)
            for key, table in tables.items():
                if key in fset:
                    seen_tables.add(key)
                    for name, value in _mapping(fset, key, where).items():
                        table.setdefault(str(name), value)
        except FixtureError as err:
            raise _placed(err, where) from None
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
            raise FixtureError(f"{where}: unknown fixture key(s) {', '.join(unknown)}",
                               key=unknown[0])
        return fixtures
    raise FixtureError(f"{where}: fixtures must be a list or a mapping")


def _content_blocks(fset: Mapping[str, Any], where: str) -> dict[str, str]:
    """Blocks given inline (name -> text) or as a folder holding `<name>.liquid` files."""
    value = fset.get("content_blocks", {})
    if isinstance(value, (str, os.PathLike)):
        folder = Path(value)
        if not folder.is_dir():
            raise FixtureError(f"{where}: content_blocks folder {str(folder)!r} does not exist",
                               key="content_blocks")
        return {f.stem: read_text(f) for f in sorted(folder.glob("*.liquid"))}
    return {str(k): str(v) for k, v in _mapping(fset, "content_blocks", where).items()}


def _mapping(fset: Mapping[str, Any], key: str, where: str) -> Mapping[str, Any]:
    value = fset.get(key, {})
    if not isinstance(value, Mapping):
        raise FixtureError(f"{where}: '{key}' must be a mapping", key=key)
    return value


def _placed(err: FixtureError, where: str) -> InputError:
    """The problem as `path:line:col: reason` when `where` is a fixture file (or a webhook
    file) it can be found in, else as it reads (`where entry N: reason`)."""
    at: tuple[str | int, ...] = (("connected_content", err.entry - 1, err.key) if err.entry
                                 else (err.key,))
    line, column = _place_in_file(where, at)
    message = str(err)
    if not line or not message.startswith(where):
        return InputError(message)
    reason = message[len(where):].lstrip(": ")
    if err.entry:  # named as a profile names its fixtures
        reason = f"connected_content {reason}"
    return InputError(reason, path=where, line=line, column=column)


def _place_in_file(path: str, at: tuple[str | int, ...]) -> tuple[int, int]:
    """(line, column) of the YAML node `at` names (mapping keys, list indexes; a key's
    own place, not its value's) in the file `path`: as far down as `at` leads; (0, 0) when
    `path` is no readable YAML file. Only an error pays for reading the file again."""
    if not os.path.isfile(path):
        return 0, 0
    try:
        node = yaml.compose(read_text(path), Loader=safe_yaml.SafeLoader)
    except (InputError, yaml.YAMLError):
        return 0, 0
    place = node
    for step in at:
        if isinstance(node, yaml.SequenceNode):
            if step == "connected_content":
                continue  # the file is the fixture list itself
            if not isinstance(step, int) or step >= len(node.value):
                break
            place = node = node.value[step]
        elif isinstance(node, yaml.MappingNode) and isinstance(step, str):
            found = next(((k, v) for k, v in node.value if getattr(k, "value", None) == step),
                         None)
            if found is None:
                break
            place, node = found
        else:
            break
    if place is None:
        return 0, 0
    return int(place.start_mark.line) + 1, int(place.start_mark.column) + 1


def load_fixture_file(path: str, unsaved: str | None = None) -> object:
    """A YAML/JSON fixture file as data (validated when resources are built); `unsaved`:
    its text as an editor holds it, read instead of the file."""
    text = read_text(path) if unsaved is None else unsaved
    try:
        return safe_yaml.load(text)
    except yaml.YAMLError as err:
        reason, line, column = safe_yaml.describe(err, text)
        raise InputError(f"invalid YAML: {reason}", path=path, line=line,
                         column=column) from None
