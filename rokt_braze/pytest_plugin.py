"""pytest plugin: each webhook file x profile becomes a test item.

    pytest --rokt-braze templates/ [--rokt-braze-profile FILE] [--rokt-braze-fail-on warning]
    pytest --rokt-braze templates/ templates/     # only the webhook items

The items join whatever pytest collects anyway (its arguments, else `testpaths`), so the
first form runs the project's own tests too; naming the folder as pytest's argument as
well collects only it.

Why a plugin next to the CLI: teams that already gate CI on pytest get rokt-braze's
checks as ordinary test results (`-k`, `--junitxml`, xdist, the usual summary) without a
second step. Per file it collects a `lint` item (findings that belong to no profile:
syntax, static rules, unreadable files) and one `render[PROFILE]` item per profile the
file was rendered with. An item fails when it has a finding at or above the fail level;
the failure shows the findings as `rokt-braze check` prints them.

Registered under the `pytest11` entry point `rokt_braze`; it does nothing unless
`--rokt-braze` is given, and imports the checker only then, so installing rokt-braze
costs other test suites nothing.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from rokt_braze.errors import InputError
from rokt_braze.findings import FAIL_LEVELS, CheckResult, Finding, Severity, fail_level, fails

if TYPE_CHECKING:
    from _pytest._code.code import TerminalRepr, TracebackStyle

    from rokt_braze.config import Config
    from rokt_braze.profiles import Profile

MARKER = "rokt_braze"


@dataclass
class Settings:
    """What the options resolved to, computed once per session."""

    #: resolved path -> the path as given (absolute): pytest collects the latter
    files: dict[Path, Path]
    config: Config
    profiles: list[Profile] | None
    fail_on: Severity | None  # None: never fail
    invocation_dir: Path


SETTINGS = pytest.StashKey[Settings]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("rokt-braze", "Braze webhook templates (rokt-braze)")
    group.addoption("--rokt-braze", action="append", default=[], metavar="PATH",
                    help="check webhook files (*.webhook.yaml, *.webhook.yml, *.liquid) or "
                    "folders of them as test items (repeatable)")
    group.addoption("--rokt-braze-profile", action="append", default=None, metavar="FILE",
                    help="render with the profiles in FILE instead of each file's own "
                    "(repeatable)")
    group.addoption("--rokt-braze-fail-on", choices=FAIL_LEVELS, default=None,
                    help="lowest severity that fails an item (default: the config's "
                    "fail-on, else error)")
    group.addoption("--rokt-braze-config", metavar="FILE",
                    help="rokt-braze config file (default: nearest .rokt-braze.toml or "
                    "pyproject.toml with [tool.rokt-braze])")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", f"{MARKER}: a rokt-braze webhook check (--rokt-braze)")
    paths: list[str] = config.getoption("rokt_braze")
    if not paths:
        return
    try:
        config.stash[SETTINGS] = _settings(config, paths)
    except InputError as err:
        raise pytest.UsageError(f"rokt-braze: {err}") from None


def _settings(config: pytest.Config, paths: list[str]) -> Settings:
    from rokt_braze.config import load_config
    from rokt_braze.discovery import discover
    from rokt_braze.profiles import load_profiles

    here = config.invocation_params.dir
    config_file: str | None = config.getoption("rokt_braze_config")
    cfg = load_config(here / config_file if config_file else None)
    profile_files: list[str] | None = config.getoption("rokt_braze_profile")
    profiles = None
    if profile_files is not None:
        profiles = [p for f in profile_files for p in load_profiles(here / f)]
    fail_on: str = config.getoption("rokt_braze_fail_on") or cfg.fail_on
    files = discover([here / p for p in paths], cfg)
    return Settings(
        files={Path(f).resolve(): Path(f) for f in files},
        config=cfg,
        profiles=profiles,
        fail_on=fail_level(fail_on),
        invocation_dir=here,
    )


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> WebhookFile | None:
    """A webhook file pytest reaches by itself (`pytest --rokt-braze t/ t/`) is collected
    where pytest finds it; the rest are added after pytest's own collection."""
    settings = parent.config.stash.get(SETTINGS, None)
    if settings is None or file_path.resolve() not in settings.files:
        return None
    return WebhookFile.from_parent(parent, path=file_path)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(session: pytest.Session, items: list[pytest.Item]) -> None:
    """Add an item per webhook file x profile that pytest's own collection did not reach,
    each file a child of the session: one node per file, wherever the folder is (making
    each file a command-line argument had pytest list its folder once per file).
    `tryfirst`, so that `-k`, `-m` and `--deselect` see these items too."""
    settings = session.config.stash.get(SETTINGS, None)
    if settings is None:
        return
    rootpath = session.config.rootpath
    reached = {item.path.resolve() for item in items if isinstance(item, WebhookItem)}
    for resolved, given in settings.files.items():
        if resolved in reached:
            continue
        nodeid = _relative(given.absolute(), rootpath)
        if nodeid.startswith(".."):  # outside the rootdir: as the user would type it
            nodeid = _relative(given.absolute(), settings.invocation_dir)
        node = WebhookFile.from_parent(session, path=given.absolute(),
                                       nodeid=nodeid.replace(os.sep, "/"))
        # genitems reports the collection as pytest's own would (the "collected N" count)
        items.extend(session.genitems(node))


class WebhookFile(pytest.File):
    """One webhook file: checked once, at collection, since the profiles come from it."""

    def collect(self) -> Iterator[WebhookItem]:
        import rokt_braze

        settings = self.config.stash[SETTINGS]
        try:
            result = rokt_braze.check([self.path], settings.profiles, config=settings.config)
        except InputError as err:
            result = CheckResult(findings=[], files=[str(self.path)], cases=[],
                                 input_errors=[str(err)])
        here = settings.invocation_dir
        findings = [f.with_(file=_relative(Path(f.file).absolute(), here)) if f.file else f
                    for f in result.findings]
        yield WebhookItem.from_parent(
            self, name="lint", findings=[f for f in findings if not f.profile],
            input_errors=result.input_errors,
        )
        profiles = list(dict.fromkeys(profile for _, profile in result.cases or []))
        for profile in profiles:
            yield WebhookItem.from_parent(
                self, name=f"render[{profile}]",
                findings=[f for f in findings if f.profile == profile], input_errors=[],
            )


class WebhookFindings(Exception):
    """Raised by a failing item; `repr_failure` prints it without a traceback."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__("\n".join(lines))
        self.lines = lines


class WebhookItem(pytest.Item):
    """The findings of one file for one profile (or for no profile: `lint`)."""

    def __init__(self, *, findings: Sequence[Finding], input_errors: Sequence[str],
                 **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.findings = list(findings)
        self.input_errors = list(input_errors)
        # No fixtures, but plugins that wrap every item's call (pytest-lsp) read funcargs
        # as pytest's own Function and DoctestItem carry it, and break without it.
        self.funcargs: dict[str, object] = {}
        self.add_marker(MARKER)

    def runtest(self) -> None:
        from rokt_braze.report.text_format import line_of

        lines = [line_of(f) for f in self.findings]
        fail_on = self.config.stash[SETTINGS].fail_on
        failing = fails(max((f.severity for f in self.findings), default=None), fail_on)
        if self.input_errors or failing:
            raise WebhookFindings([f"rokt-braze: {e}" for e in self.input_errors] + lines)
        if lines:  # below the fail level: shown with -rP / -rA
            self.add_report_section("call", "rokt-braze", "\n".join(lines))

    def repr_failure(
        self,
        excinfo: pytest.ExceptionInfo[BaseException],
        style: TracebackStyle | None = None,
    ) -> str | TerminalRepr:
        if isinstance(excinfo.value, WebhookFindings):
            return "\n".join(excinfo.value.lines)
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self) -> tuple[Path, int | None, str]:
        """The failure heading; not a bare `{file}::{name}`, which pytest would rewrite."""
        shown = _relative(self.path, self.config.stash[SETTINGS].invocation_dir)
        return self.path, None, f"rokt-braze {shown}::{self.name}"


def _relative(path: Path, base: Path) -> str:
    """Paths as the user typed them, so `file:line:col` is clickable from where pytest ran."""
    try:
        return os.path.relpath(path, base)
    except ValueError:  # another drive on Windows
        return str(path)
