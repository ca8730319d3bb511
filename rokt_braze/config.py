"""Project configuration: `[tool.rokt-braze]` in pyproject.toml, or `.rokt-braze.toml`.

```toml
[tool.rokt-braze]
profiles = ["profiles/*.yaml"]          # default profiles (globs, relative to this file)
fixtures = ["fixtures/*.yaml"]          # connected_content fixture files
fail-on = "warning"                     # error (default) | warning | never
ignore = ["rokt-event-id"]              # rules switched off everywhere
max-findings-per-rule = 50              # per file; the rest summed up in one more (0: all)
extend-exclude = ["drafts/"]            # never checked (.gitignore syntax); `exclude`
                                        # replaces the default list (build/, dist/, ...)

[tool.rokt-braze.severity]              # per-rule severity: error | warning | info | off
missing-attribute = "error"

[tool.rokt-braze.per-file-ignores]      # glob -> rules
"legacy/*.webhook.yaml" = ["rokt-notify-before"]

[tool.rokt-braze.limits]                # resource limits of one render (defaults shown)
loop-iterations = 100000                # all loops of one field, added up
output-size = 1000000                   # characters one field may render
variables-size = 10000000               # bytes the variables of one field may hold
render-seconds = 10                     # wall-clock time of one message

# live mode (--live): where calls may go, and where credentials come from
allow-hosts = ["api.roktcalendar.com"]
[tool.rokt-braze.base-urls]
"https://api.roktcalendar.com" = "http://127.0.0.1:8080"
[tool.rokt-braze.credentials]            # names of environment variables, never values
Rokt-Calendar-API = { username = "ROKT_CLIENT_ID", password = "ROKT_CLIENT_SECRET" }
```
Secrets never live here: live mode names environment variables, not values.
"""

from __future__ import annotations

import fnmatch
import glob
import os
import re
import sys
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from rokt_braze.errors import InputError
from rokt_braze.findings import FAIL_LEVELS, RULES, Severity
from rokt_braze.limits import Limits

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

_KEYS = frozenset(
    {"profiles", "fixtures", "fail-on", "ignore", "exclude", "extend-exclude", "severity",
     "per-file-ignores",
     "credentials", "allow-hosts", "base-urls", "limits", "max-findings-per-rule"}
)


@dataclass
class Config:
    root: Path = field(default_factory=Path.cwd)
    source: str = ""  # the file it came from, "" for defaults
    profiles: list[str] = field(default_factory=list)
    fixtures: list[str] = field(default_factory=list)
    fail_on: str = "error"
    ignore: set[str] = field(default_factory=set)
    #: .gitignore-style patterns relative to `root`; `exclude` replaces discovery's default
    #: folder list (None: keep it), `extend-exclude` adds to it
    exclude: list[str] | None = None
    extend_exclude: list[str] = field(default_factory=list)
    severity: dict[str, Severity | None] = field(default_factory=dict)  # None = off
    per_file_ignores: dict[str, set[str]] = field(default_factory=dict)
    #: live mode: hosts calls may go to, origin rewrites, credential name -> env var names
    allow_hosts: list[str] = field(default_factory=list)
    base_urls: dict[str, str] = field(default_factory=dict)
    credentials: dict[str, dict[str, Any]] = field(default_factory=dict)
    limits: Limits = field(default_factory=Limits)
    #: findings of one rule reported per file before the rest are summed up (0: all)
    max_findings_per_rule: int = 50
    raw: dict[str, Any] = field(default_factory=dict)

    def resolve(self, patterns: list[str]) -> list[str]:
        """Expand globs relative to the config's folder; a pattern matching nothing is an error."""
        return expand_globs(patterns, self.root, what=f"{self.source or 'config'}")

    def rule_severity(
        self, rule: str, path: str, default: Severity | None = None
    ) -> Severity | None:
        """The severity a finding of `rule` in `path` gets, or None when the rule is off.

        `default` is the finding's own severity (a rule may report some cases as warnings);
        a configured severity overrides it.
        """
        if rule in self.ignore:
            return None
        rel = _relative(path, self.root)
        for pattern, rules in self.per_file_ignores.items():
            if rule in rules and (fnmatch.fnmatch(rel, pattern) or fnmatch.fnmatch(path, pattern)):
                return None
        return self.severity.get(rule, default or RULES[rule].severity)


@lru_cache(maxsize=4096)
def _relative(path: str, root: Path) -> str:
    """`path` relative to `root` (resolved: asked once per finding, so remembered)."""
    try:
        return Path(path).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return Path(path).as_posix()


def expand_globs(patterns: list[str], base: Path, *, what: str) -> list[str]:
    out: list[str] = []
    for pattern in patterns:
        full = pattern if os.path.isabs(pattern) else str(base / pattern)
        matches = sorted(glob.glob(full, recursive=True))
        if not matches:
            raise InputError(f"{pattern!r} matches no file", path=what)
        out += matches
    return out


def find_config(start: Path | None = None) -> Path | None:
    """The nearest `.rokt-braze.toml`, or pyproject.toml with a [tool.rokt-braze] table."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        dedicated = folder / ".rokt-braze.toml"
        if dedicated.is_file():
            return dedicated
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file() and "tool.rokt-braze" in pyproject.read_text("utf-8", "replace"):
            return pyproject
    return None


def load_config(path: str | os.PathLike[str] | None = None) -> Config:
    """Load the given config file, or the nearest one, or the defaults."""
    found = Path(path) if path is not None else find_config()
    if found is None:
        return Config()
    try:
        text = found.read_text("utf-8")
        data = tomllib.loads(text)
    except FileNotFoundError:
        raise InputError("no such config file", path=str(found)) from None
    except OSError as err:
        raise InputError(f"cannot read config: {err.strerror or err}", path=str(found)) from None
    except UnicodeDecodeError as err:
        raise InputError(f"cannot read config: {err}", path=str(found)) from None
    except tomllib.TOMLDecodeError as err:
        reason, line, column = _toml_place(str(err), text)
        raise InputError(f"invalid TOML: {reason}", path=str(found), line=line,
                         column=column) from None
    except RecursionError:
        raise InputError("invalid TOML: nested too deeply", path=str(found)) from None
    return parse_config(_our_table(data, found), root=found.parent, source=str(found))


def _toml_place(message: str, text: str) -> tuple[str, int, int]:
    """tomllib's 'reason (at line L, column C)' or '(at end of document)' as a position."""
    placed = re.fullmatch(r"(.*) \(at line (\d+), column (\d+)\)", message, re.DOTALL)
    if placed:
        return placed[1], int(placed[2]), int(placed[3])
    if message.endswith(" (at end of document)"):
        lines = text.split("\n")
        return message.removesuffix(" (at end of document)"), len(lines), len(lines[-1]) + 1
    return message, 0, 0


def _our_table(data: dict[str, Any], found: Path) -> dict[str, Any]:
    """`[tool.rokt-braze]` of a pyproject.toml, or of any file that has one (the form
    `--config` documents); otherwise the whole file is the table (`.rokt-braze.toml`)."""
    tool = data.get("tool")
    if isinstance(tool, dict) and "rokt-braze" in tool:
        table = tool["rokt-braze"]
        if not isinstance(table, dict):
            raise InputError("[tool.rokt-braze] must be a table", path=str(found))
        return table
    return {} if found.name == "pyproject.toml" else data


def parse_config(table: dict[str, Any], *, root: Path, source: str) -> Config:
    def fail(message: str) -> InputError:
        return InputError(message, path=source)

    unknown = sorted(set(table) - _KEYS)
    if unknown:
        raise fail(f"unknown setting(s): {', '.join(unknown)}")
    config = Config(root=root, source=source, raw=table)
    config.profiles = _str_list(table, "profiles", fail)
    config.fixtures = _str_list(table, "fixtures", fail)
    if "exclude" in table:
        config.exclude = _str_list(table, "exclude", fail)
    config.extend_exclude = _str_list(table, "extend-exclude", fail)
    config.ignore = set(_str_list(table, "ignore", fail))
    config.allow_hosts = _str_list(table, "allow-hosts", fail)
    base_urls = table.get("base-urls", {})
    if not isinstance(base_urls, dict) or not all(isinstance(v, str) for v in base_urls.values()):
        raise fail("[base-urls] must map an origin to an origin")
    config.base_urls = dict(base_urls)
    credentials = table.get("credentials", {})
    if not isinstance(credentials, dict) or not all(
        isinstance(v, dict) and all(isinstance(x, (str, dict)) for x in v.values())
        for v in credentials.values()
    ):
        raise fail("[credentials] must map a credential name to environment variable names, "
                   'e.g. Rokt-Calendar-API = { username = "ROKT_ID", password = "ROKT_SECRET" }')
    config.credentials = credentials
    limits = table.get("limits", {})
    if not isinstance(limits, dict):
        raise fail("[limits] must be a table, e.g. loop-iterations = 100000")
    try:
        config.limits = Limits.from_config(limits)
    except ValueError as err:
        raise fail(str(err)) from None
    cap = table.get("max-findings-per-rule", config.max_findings_per_rule)
    if isinstance(cap, bool) or not isinstance(cap, int) or cap < 0:
        raise fail(f"max-findings-per-rule must be a whole number (0: no cap), not {cap!r}")
    config.max_findings_per_rule = cap
    fail_on = table.get("fail-on", "error")
    if fail_on not in FAIL_LEVELS:
        raise fail(f"fail-on must be one of {', '.join(FAIL_LEVELS)}, not {fail_on!r}")
    config.fail_on = fail_on
    for rule in config.ignore:
        _known(rule, fail)
    severity = table.get("severity", {})
    if not isinstance(severity, dict):
        raise fail("[severity] must be a table of rule = level")
    for rule, level in severity.items():
        _known(rule, fail)
        if level == "off":
            config.severity[rule] = None
            continue
        try:
            config.severity[rule] = Severity.parse(str(level))
        except ValueError as err:
            raise fail(f"severity of {rule}: {err}") from None
    per_file = table.get("per-file-ignores", {})
    if not isinstance(per_file, dict):
        raise fail("[per-file-ignores] must be a table of glob = [rules]")
    for pattern, rules in per_file.items():
        if not isinstance(rules, list):
            raise fail(f"per-file-ignores {pattern!r} must list rule ids")
        for rule in rules:
            _known(rule, fail)
        config.per_file_ignores[pattern] = set(rules)
    return config


def _str_list(table: dict[str, Any], key: str, fail: Any) -> list[str]:
    value = table.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise fail(f"{key} must be a list of strings")
    return list(value)


def _known(rule: str, fail: Any) -> None:
    if rule not in RULES:
        raise fail(f"unknown rule {rule!r}")
