"""Which files a check looks at: the paths given, folders searched the way ruff does.

Walking a folder skips what a repository does not treat as source:
- folders named in the default exclusions (`build/` left by `pip install .`, `dist/`,
  virtual environments, caches), every hidden folder, and any folder holding a
  `pyvenv.cfg` (a virtual environment under any name);
- whatever `.gitignore` files (and `.git/info/exclude`) ignore, from the repository
  root down;
- anything that is not a regular file: a FIFO or socket with a template's name would
  block or fail the read; symbolic links to folders are not followed (as ruff and git);
- the config's `exclude` (replaces the default folder list) and `extend-exclude`
  (adds to it), in `.gitignore` syntax relative to the config's folder.

A file named explicitly is checked even where a walk would skip it, unless the
config's own patterns exclude it (a pre-commit hook passes every staged file by name).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from rokt_braze.errors import InputError

if TYPE_CHECKING:
    import pathspec

    from rokt_braze.config import Config

#: Folder names never searched unless the config's `exclude` replaces this list (ruff's
#: defaults, plus `__pycache__`).
DEFAULT_EXCLUDE = (
    ".bzr", ".direnv", ".eggs", ".git", ".git-rewrite", ".hg", ".mypy_cache", ".nox",
    ".pants.d", ".pytest_cache", ".pytype", ".ruff_cache", ".svn", ".tox", ".venv",
    ".vscode", "__pycache__", "__pypackages__", "_build", "buck-out", "build", "dist",
    "node_modules", "site-packages", "venv",
)
WEBHOOK_SUFFIXES = (".webhook.yaml", ".webhook.yml")
LIQUID_SUFFIX = ".liquid"
NO_TEMPLATES = "no templates here (*.webhook.yaml, *.webhook.yml, *.liquid)"


def is_template_path(path: str | os.PathLike[str]) -> bool:
    """Whether a file name is one `check` reads: a webhook file or a Liquid template."""
    name = os.fspath(path)
    return name.endswith(WEBHOOK_SUFFIXES) or name.endswith(LIQUID_SUFFIX)


def discover(paths: Iterable[str | os.PathLike[str]], config: Config | None = None) -> list[str]:
    """Template files named by `paths` (files, or folders searched recursively), in a
    stable order: a folder's files before its subfolders', each sorted by name."""
    rules = Rules.of(config)
    found: list[str] = []
    for raw in paths:
        path = os.fspath(raw)
        try:
            mode = os.stat(path).st_mode
        except FileNotFoundError:
            raise InputError("no such file or directory", path=path) from None
        except OSError as err:
            raise InputError(f"cannot read: {err.strerror}", path=path) from None
        if stat.S_ISDIR(mode):
            before = len(found)
            found += walk(path, rules)
            if len(found) == before:
                raise InputError(NO_TEMPLATES, path=path)
        elif stat.S_ISREG(mode):
            if not rules.user_excluded(path, is_dir=False):
                found.append(path)
        else:
            raise InputError("not a regular file", path=path)
    return list(dict.fromkeys(os.path.normpath(p) for p in found))


def walk(top: str, rules: Rules) -> Iterator[str]:
    """Templates under `top`, skipping what `rules` exclude (see the module docstring)."""
    ignores = GitIgnores.above(top)
    yield from _walk(top, rules, ignores)


def _walk(folder: str, rules: Rules, ignores: GitIgnores) -> Iterator[str]:
    ignores = ignores.entering(folder)
    try:
        with os.scandir(folder) as scan:
            entries = sorted(scan, key=lambda e: e.name)
    except OSError:
        return
    subfolders = []
    for entry in entries:
        try:
            is_dir = entry.is_dir(follow_symlinks=False)
            # is_file follows symlinks and is true for regular files only: no FIFOs
            is_file = not is_dir and entry.is_file()
        except OSError:
            continue
        if is_dir:
            if not rules.skip_folder(entry) and not ignores.ignored(entry.path, is_dir=True):
                subfolders.append(entry.path)
        elif (is_file and is_template_path(entry.name)
              and not ignores.ignored(entry.path, is_dir=False)
              and not rules.user_excluded(entry.path, is_dir=False)):
            yield entry.path
    for sub in subfolders:
        yield from _walk(sub, rules, ignores)


@dataclass
class Rules:
    """The exclusions that come from the defaults and the config."""

    names: frozenset[str] = frozenset(DEFAULT_EXCLUDE)
    #: (folder the patterns are relative to, patterns) from the config and command line
    specs: list[tuple[Path, pathspec.GitIgnoreSpec]] = field(default_factory=list)

    @classmethod
    def of(cls, config: Config | None) -> Rules:
        if config is None:
            return cls()
        names = frozenset(DEFAULT_EXCLUDE)
        patterns = list(config.extend_exclude)
        if config.exclude is not None:  # ruff's meaning: replaces the default list
            names = frozenset()
            patterns = list(config.exclude) + patterns
        specs = [(config.root.resolve(), _spec(patterns))] if patterns else []
        return cls(names, specs)

    def skip_folder(self, entry: os.DirEntry[str]) -> bool:
        if entry.name.startswith(".") or entry.name in self.names:
            return True
        if os.path.isfile(os.path.join(entry.path, "pyvenv.cfg")):
            return True
        return self.user_excluded(entry.path, is_dir=True)

    def user_excluded(self, path: str, *, is_dir: bool) -> bool:
        return any(_matches(spec, base, path, is_dir) for base, spec in self.specs)


class GitIgnores:
    """The `.gitignore` files in force in a folder: those of its ancestors up to the
    repository root (and `.git/info/exclude`), then its own."""

    def __init__(self, specs: tuple[tuple[Path, pathspec.GitIgnoreSpec], ...] = ()) -> None:
        self.specs = specs

    @classmethod
    def above(cls, top: str) -> GitIgnores:
        """The ignores in force in `top`'s parent, from the repository root down."""
        here = Path(top).resolve()
        root = next((f for f in (here, *here.parents) if (f / ".git").exists()), None)
        if root is None:  # not in a repository: only the .gitignore files below `top`
            return cls()
        specs: list[tuple[Path, pathspec.GitIgnoreSpec]] = []
        exclude = root / ".git" / "info" / "exclude"
        if exclude.is_file():
            specs.append((root, _spec(_read_lines(exclude))))
        for folder in reversed(here.parents):
            if folder == root or root in folder.parents:
                spec = _gitignore(folder)
                if spec is not None:
                    specs.append((folder, spec))
        return cls(tuple(specs))

    def entering(self, folder: str) -> GitIgnores:
        spec = _gitignore(Path(folder).resolve())
        return self if spec is None else GitIgnores((*self.specs, (Path(folder).resolve(), spec)))

    def ignored(self, path: str, *, is_dir: bool) -> bool:
        return any(_matches(spec, base, path, is_dir) for base, spec in self.specs)


def _gitignore(folder: Path) -> pathspec.GitIgnoreSpec | None:
    path = folder / ".gitignore"
    if not path.is_file():
        return None
    return _spec(_read_lines(path))


def _read_lines(path: Path) -> list[str]:
    try:
        return path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return []


def _spec(lines: Iterable[str]) -> pathspec.GitIgnoreSpec:
    import pathspec

    return pathspec.GitIgnoreSpec.from_lines(lines)


def _matches(spec: pathspec.GitIgnoreSpec, base: Path, path: str, is_dir: bool) -> bool:
    """Whether `path` matches patterns relative to `base` (a path outside `base` is
    matched by its name, as an unanchored pattern would)."""
    full = Path(os.path.abspath(path))
    try:
        rel = full.relative_to(base).as_posix()
    except ValueError:
        try:
            rel = full.resolve().relative_to(base).as_posix()
        except ValueError:
            rel = full.name
    if rel in ("", "."):
        return False
    return spec.match_file(rel + "/" if is_dir else rel)


def rebase(pattern: str, start: Path, root: Path) -> str:
    """A command-line pattern (relative to `start`, the working folder) as a pattern
    relative to the config's `root`. Unanchored patterns (no inner `/`) match at any
    depth, so only anchored ones change."""
    negate = "!" if pattern.startswith("!") else ""
    body = pattern[len(negate):]
    if "/" not in body.rstrip("/"):
        return pattern
    try:
        prefix = start.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:  # the working folder is outside the config's: match by name
        return pattern
    body = body.lstrip("/")
    return f"{negate}/{body}" if prefix == "." else f"{negate}/{prefix}/{body}"
