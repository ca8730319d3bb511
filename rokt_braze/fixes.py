"""Applying the fixes findings carry to the text they were found in: `check --fix` and
`check --diff` for files, and the language server's trial edits.

An edit's positions are those of the file as it was checked: 1-based lines split at
"\\n" and columns in characters, of the text after a UTF-8 byte-order mark (as
`webhook.read_text` reads it). Across the findings of one file:

- an edit identical to one already taken is taken once (several profiles lacking one
  attribute carry the same fix);
- a fix with an edit that overlaps one already taken, or inserts where another edit
  starts (which text would come first is a guess), is left out whole; fixes are taken
  in file order, so the first wins and a check afterwards reports the rest;
- only the edited spans change: the bytes decode and encode as UTF-8 losslessly, a
  byte-order mark stays, and a line break an edit inserts is written as the file's
  (CRLF in a CRLF file).

A file is written only while its bytes are still those that were checked, and only if
it still loads as a webhook with the fixes in. A symbolic link is written through (it
stays a link, as ruff leaves it), and a file reached by two names (a link and its
target, both found in a folder) is fixed once.
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from rokt_braze.findings import CheckResult, Edit, Finding
from rokt_braze.report.places import by_place

__all__ = ["FileFix", "FixRun", "apply_edits", "choose", "fix_files", "plan", "unified_diff"]

_BOM = b"\xef\xbb\xbf"

#: (start, end, text): an edit as character offsets into the text, end excluded
Span = tuple[int, int, str]


@dataclass(frozen=True)
class FileFix:
    """What fixing one file changes: its bytes as checked and as fixed, and the findings
    whose fixes made the difference."""

    path: str
    before: bytes
    after: bytes
    fixed: tuple[Finding, ...]
    #: why the fixed text would not load as a webhook (a fix with a bug): not to be written
    broken: str = ""


def apply_edits(text: str, edits: Iterable[Edit]) -> str:
    """`text` with `edits` applied; a ValueError when one is outside the text or two clash."""
    pairs = _Text(text).spans(edits)
    if pairs is None:
        raise ValueError("an edit outside the text, or edits that overlap")
    return _applied(text, (span for span, _ in pairs))


def plan(findings: Iterable[Finding], checked: Mapping[str, bytes]) -> list[FileFix]:
    """The change the findings' fixes make to each file in `checked` (path -> its bytes
    as checked), for the files they change, in the order the findings name them."""
    fixable: dict[str, list[Finding]] = {}
    for f in findings:
        if f.fix is not None and f.file in checked:
            fixable.setdefault(f.file, []).append(f)
    out = []
    for path, found in fixable.items():
        before = checked[path]
        bom = _BOM if before.startswith(_BOM) else b""
        try:
            text = before[len(bom):].decode("utf-8")
        except UnicodeDecodeError:
            continue  # not a file the check could read, so no finding's fix is for it
        spans, fixed = _choose(_Text(text), found)
        new = _applied(text, (span for span, _ in spans))
        if new != text:
            out.append(FileFix(path, before, bom + new.encode("utf-8"), tuple(fixed),
                               _broken(path, new)))
    return out


def _broken(path: str, text: str) -> str:
    """Why `text` would not load as the webhook at `path` ("" when it loads)."""
    from rokt_braze.errors import InputError
    from rokt_braze.webhook import parse_webhook

    try:
        parse_webhook(path, text)
    except InputError as err:
        return str(err)
    return ""


@dataclass
class FixRun:
    """What `fix_files` did: the fixes made (or, for a dry run, that would be made), the
    check after them, and a line for each file left alone."""

    fixes: list[FileFix]
    result: CheckResult
    #: files left alone: changed while they were checked, or the fixes would break them
    left: list[str] = field(default_factory=list)
    #: files that could not be written: input errors
    failed: list[str] = field(default_factory=list)

    def fixed(self) -> int:
        """How many report entries (rule and place) the fixes fixed."""
        return len(by_place(f for fix in self.fixes for f in fix.fixed))

    def summary(self, *, dry_run: bool = False) -> str:
        """`Fixed N findings (M remaining).` as ruff says it, or `Would fix N findings.`"""
        n = self.fixed()
        findings = f"{n} finding{'' if n == 1 else 's'}"
        if dry_run:
            return f"Would fix {findings}."
        return f"Fixed {findings} ({len(by_place(self.result.findings))} remaining)."


def fix_files(files: Sequence[str], check: Callable[[Sequence[str]], CheckResult], *,
              dry_run: bool = False) -> FixRun:
    """Check `files`, apply the fixes the findings carry to the files as they were checked
    (each read before its check, so one edited meanwhile is left alone), and check again:
    that result is the one to report. A dry run writes nothing and checks once."""
    checked = _read(files)
    run = FixRun([], check(files))
    edited_meanwhile = False
    seen: set[tuple[int, int] | str] = set()
    for fix in plan(run.result.findings, checked):
        if _identity(fix.path) in seen:
            continue  # the same file by another name: its fixes are made (or shown) once
        seen.add(_identity(fix.path))
        if fix.broken:
            run.left.append(f"{fix.path}: not fixed: the fixes would leave it unreadable "
                            f"({fix.broken}); please report it")
            continue
        if dry_run:
            run.fixes.append(fix)
            continue
        try:
            with open(fix.path, "rb") as handle:
                if handle.read() != fix.before:
                    run.left.append(f"{fix.path}: changed since it was checked; not fixed")
                    edited_meanwhile = True
                    continue
            with open(fix.path, "wb") as handle:  # in place: mode and links kept
                handle.write(fix.after)
        except OSError as err:
            run.failed.append(f"{fix.path}: cannot write the fix: {err.strerror}")
            continue
        run.fixes.append(fix)
    if not dry_run and (run.fixes or edited_meanwhile):  # what remains, of the files now
        run.result = check(files)
    return run


def _identity(path: str) -> tuple[int, int] | str:
    """The file a path names (a link and its target, or two hard links, are one)."""
    try:
        found = os.stat(path)
    except OSError:
        return path
    return found.st_dev, found.st_ino


def _read(paths: Iterable[str]) -> dict[str, bytes]:
    """Each file's bytes; one that cannot be read is left out (its check says why)."""
    out = {}
    for path in paths:
        try:
            with open(path, "rb") as handle:
                out[path] = handle.read()
        except OSError:
            continue
    return out


def unified_diff(fix: FileFix) -> str:
    """The change as a unified diff (`patch -p0` and `git apply -p0` apply it), the path
    as given on both sides unless it goes through a symbolic link (see `_diff_name`)."""
    old, new = (_lines(data.decode("utf-8-sig")) for data in (fix.before, fix.after))
    name = _diff_name(fix.path)
    out = []
    for line in difflib.unified_diff(old, new, name, name):
        out.append(line if line.endswith("\n") else f"{line}\n\\ No newline at end of file\n")
    return "".join(out)


def _diff_name(path: str) -> str:
    """`path`, or when it goes through a symbolic link the file it names, relative to the
    working folder when under it: patch refuses to change a link and git apply a path
    beyond one, while --fix writes through it."""
    here = os.getcwd()
    real = os.path.realpath(path)
    if real == os.path.normpath(os.path.join(here, path)):
        return path
    relative = os.path.relpath(real, here)
    return real if relative.split(os.sep)[0] == os.pardir else relative


def _lines(text: str) -> list[str]:
    """Lines split at "\\n" only, each with its line break (a CR stays in its line)."""
    parts = text.split("\n")
    return [p + "\n" for p in parts[:-1]] + ([parts[-1]] if parts[-1] else [])


class _Text:
    """Edit positions as offsets into one text."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]
        first_break = text.find("\n")
        self.crlf = first_break > 0 and text[first_break - 1] == "\r"

    def offset(self, line: int, column: int) -> int:
        if not 1 <= line <= len(self.starts):
            raise ValueError(f"no line {line}")
        start = self.starts[line - 1]
        end = self.starts[line] - 1 if line < len(self.starts) else len(self.text)
        if not 1 <= column <= end - start + 1:
            raise ValueError(f"no column {column} on line {line}")
        return start + column - 1

    def span(self, edit: Edit) -> Span:
        start = self.offset(edit.line, edit.column)
        end = self.offset(edit.end_line, edit.end_column)
        if end < start:
            raise ValueError("an edit that ends before it starts")
        text = edit.text
        if self.crlf:
            text = text.replace("\r\n", "\n").replace("\n", "\r\n")
        return start, end, text

    def spans(self, edits: Iterable[Edit]) -> list[tuple[Span, Edit]] | None:
        """The edits as sorted spans, each with its edit, once each; None when one is
        outside the text or two clash."""
        try:
            pairs = sorted({self.span(e): e for e in edits}.items(), key=lambda p: p[0])
        except ValueError:
            return None
        if any(_clash(a, b) for i, (a, _) in enumerate(pairs) for b, _ in pairs[i + 1:]):
            return None
        return pairs


def choose(text: str, findings: Iterable[Finding]) -> tuple[list[Edit], list[Finding]]:
    """The edits that fixing `text` makes, for the findings of that one text (the rules
    in the module doc; the language server's "fix all"), and the findings they fix."""
    spans, fixed = _choose(_Text(text), [f for f in findings if f.fix is not None])
    return [edit for _, edit in spans], fixed


def _choose(text: _Text, found: Sequence[Finding],
            ) -> tuple[list[tuple[Span, Edit]], list[Finding]]:  # fmt: skip
    """The spans to apply and the findings they fix: fixes in file order, each taken
    whole when its edits are new or identical to ones taken and clash with none."""
    candidates = []
    for order, f in enumerate(found):
        assert f.fix is not None
        pairs = text.spans(f.fix.edits)
        if pairs:  # None: not positions in this text (a stale fix)
            first = pairs[0][0]
            candidates.append(((first[0], first[1], f.sort_key(), order), pairs, f))
    candidates.sort(key=lambda c: c[0])  # at one place: the report's order
    taken: dict[Span, Edit] = {}
    fixed = []
    for _, pairs, f in candidates:
        new = [(s, e) for s, e in pairs if s not in taken]
        if any(_clash(s, t) for s, _ in new for t in taken):
            continue
        taken.update(new)
        fixed.append(f)
    return sorted(taken.items(), key=lambda p: p[0]), fixed


def _clash(a: Span, b: Span) -> bool:
    """Do two different edits overlap, or does one insert where the other starts?"""
    if a == b:
        return False
    (a_start, a_end, _), (b_start, b_end, _) = a, b
    if a_start < b_end and b_start < a_end:
        return True
    return a_start == b_start and (a_start == a_end or b_start == b_end)


def _applied(text: str, spans: Iterable[Span]) -> str:
    """`text` with non-clashing spans applied, each at its place in the original text
    (no edit moves another's), in one pass."""
    pieces: list[str] = []
    at = 0
    for start, end, new in sorted(spans):
        pieces += (text[at:start], new)
        at = end
    pieces.append(text[at:])
    return "".join(pieces)
