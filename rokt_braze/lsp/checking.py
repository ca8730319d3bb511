"""One document's check, as `check` would report it, without touching the event loop.

`check_text` runs in the server's worker thread: it finds the document's config (the
nearest `.rokt-braze.toml` or `[tool.rokt-braze]` above the file, as `check` run there
would), parses the editor's text (unsaved edits included) and hands the webhook to
`pipeline.check_files`, which applies the same policy, de-duplication and cap as the
command line. The profile and fixture files it reads come from the editor too when it
holds them open (`Sources.unsaved`): a profile edited and not yet saved is the one used.
Nothing here raises: an input problem (bad YAML, a bad profile file) is a
`Problem`, and the caller turns anything else into one too.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from rokt_braze.config import Config, expand_globs, find_config, load_config
from rokt_braze.connected import Transport
from rokt_braze.discovery import Rules, is_template_path
from rokt_braze.errors import InputError
from rokt_braze.findings import Finding
from rokt_braze.pipeline import Settings, check_files
from rokt_braze.webhook import Webhook, parse_webhook

__all__ = ["OFFLINE", "Checked", "Problem", "Sources", "TransportFor", "check_text"]

#: Makes the connected_content transport for a config: None (offline fixtures, the
#: default in an editor) or a live transport when the server was started with --live.
TransportFor = Callable[[Config], Transport | None]


@dataclass(frozen=True)
class Problem:
    """A document that could not be checked (fully): why, and where (1-based; 0: unknown)."""

    message: str
    line: int = 0
    column: int = 0


@dataclass
class Checked:
    path: str
    #: the document version checked (the server sets it; edits apply to that text only)
    version: int | None = None
    findings: list[Finding] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    #: absolute paths of the profile, fixture and config files the check read
    depends_on: frozenset[str] = frozenset()
    webhook: Webhook | None = field(default=None, repr=False)
    settings: Settings | None = field(default=None, repr=False)


@dataclass(frozen=True)
class Sources:
    """Where a check's inputs besides the document come from: the connected_content
    transport per config, and the files the editor holds (absolute path -> text), read
    instead of the disk's."""

    transport_for: TransportFor | None = None
    unsaved: Mapping[str, str] = field(default_factory=dict)

    def settings(self, path: str) -> Settings:
        """What `check` run on `path` would use: the nearest config above the file."""
        config = load_config(find_config(Path(path).parent))
        transport = self.transport_for(config) if self.transport_for else None
        return Settings.make(config, transport=transport, unsaved=self.unsaved)


#: no live transport, no unsaved files: what a check outside an editor reads
OFFLINE = Sources()


def check_text(path: str, text: str, sources: Sources = OFFLINE) -> Checked:
    """The findings of `path` with `text` as its contents (see the module doc)."""
    out = Checked(path)
    if not is_template_path(path):
        return out
    try:
        settings = out.settings = sources.settings(path)
        out.depends_on = _read_files(settings.config, None)
        if Rules.of(settings.config).user_excluded(path, is_dir=False):
            return out  # `check` skips it too
        webhook = out.webhook = parse_webhook(path, text)
        out.depends_on = _read_files(settings.config, webhook)
        blocking = sorted(p for p in out.depends_on if _not_a_file(p))
        if blocking:  # a FIFO would block the check, and every check after it, for good
            out.problems.append(Problem(f"{blocking[0]}: not a regular file; the language "
                                        "server reads profiles and fixtures from files only"))
            return out
        result = check_files([webhook], settings)
    except InputError as err:
        out.problems.append(Problem(err.reason if err.path == path else str(err),
                                    err.line if err.path == path else 0,
                                    err.column if err.path == path else 0))
        return out
    out.findings = result.findings
    out.problems += [Problem(message) for message in result.input_errors]
    return out


def _not_a_file(path: str) -> bool:
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False  # missing: the check says so
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def _read_files(config: Config, webhook: Webhook | None) -> frozenset[str]:
    """The files a check of `webhook` reads besides the webhook: the config, its
    fixture files, and the profiles (the webhook's own, else the config's)."""
    found: set[str] = set()
    if config.source:
        found.add(config.source)
    try:
        found.update(config.resolve(config.fixtures))
        if webhook is not None and webhook.profiles:
            found.update(expand_globs(webhook.profiles, Path(webhook.path).parent,
                                      what=webhook.path))
        else:
            found.update(config.resolve(config.profiles))
    except InputError:  # a glob that matches nothing: the check itself reports it
        pass
    blocks = webhook.fixtures.get("content_blocks") if webhook is not None else None
    if isinstance(blocks, str):
        found.add(blocks)
    return frozenset(os.path.abspath(p) for p in found)
