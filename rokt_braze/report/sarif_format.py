"""SARIF 2.1.0, shaped for GitHub code scanning (`github/codeql-action/upload-sarif`).

Code scanning matches alerts across runs by rule id, file path and fingerprints, so:
- every rule of the catalog is listed, in catalog order, with a `name`, tags (the stage
  that finds it) and a help link; `ruleIndex` points into the list;
- paths are URIs relative to the repository root under `%SRCROOT%` (forward slashes,
  percent-encoded), whatever folder the check ran from;
- one result per rule and place: the same problem found by the static rules and by
  rendering, or for several profiles, is one alert listing the profiles;
- regions carry end positions (the Liquid markup or token the finding points at);
- a finding whose rule knows a fix carries it as SARIF `fixes` (the edits an editor's
  code action applies);
- `primaryLocationLineHash` is computed as upload-sarif computes it (`line_hash`), so
  an upload through the API matches alerts as the action would; `rokt-braze/v1` is our
  own: rule, path and message, no line, so an edit above a finding keeps its alert.
"""

from __future__ import annotations

import hashlib
import json
import os
import posixpath
import re
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import quote

from rokt_braze.findings import RULES, CheckResult, Finding, Fix, Rule, Severity
from rokt_braze.report.line_hash import line_hashes
from rokt_braze.report.places import Place, by_place, profiles_shown

SCHEMA_URI = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
FINGERPRINT_KEY = "rokt-braze/v1"
LINE_HASH_KEY = "primaryLocationLineHash"
SRCROOT = "%SRCROOT%"
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def write(result: CheckResult, stream: TextIO, fail_on: Severity | None = None) -> None:
    json.dump(sarif_log(result), stream, indent=2, ensure_ascii=False)
    stream.write("\n")


def sarif_log(result: CheckResult, root: Path | None = None) -> dict[str, Any]:
    from rokt_braze import __version__

    root = root or repository_root()
    findings = sorted(result.findings, key=Finding.sort_key)
    rules = list(RULES.values())
    # A rule outside the catalog (a plugin, a newer config) still needs a descriptor.
    extra = {f.rule: f.severity for f in findings if f.rule not in RULES}
    rules += [Rule(rid, severity, rid) for rid, severity in extra.items()]
    index = {rule.id: i for i, rule in enumerate(rules)}
    urls = project_urls()
    driver: dict[str, Any] = {"name": "rokt-braze", "version": __version__}
    if "homepage" in urls:
        driver["informationUri"] = urls["homepage"]
    driver["rules"] = [descriptor(rule, urls.get("rules")) for rule in rules]
    run: dict[str, Any] = {
        "tool": {"driver": driver},
        "invocations": [invocation(result)],
        "originalUriBaseIds": {SRCROOT: {"uri": root.resolve().as_uri().rstrip("/") + "/"}},
        "columnKind": "unicodeCodePoints",
        "results": results(findings, index, root),
    }
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def project_urls() -> dict[str, str]:
    """`[project.urls]` of the installed package, by lower-cased label (`rules`, ...)."""
    from importlib.metadata import PackageNotFoundError, metadata

    try:
        entries = metadata("rokt-braze").get_all("Project-URL") or []
    except PackageNotFoundError:
        return {}
    urls = {}
    for entry in entries:
        label, _, url = entry.partition(",")
        urls[label.strip().lower()] = url.strip()
    return urls


def rule_name(rule_id: str) -> str:
    """`rokt-timezone` -> `RoktTimezone`: the short name code scanning shows."""
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[-_/]", rule_id))


def descriptor(rule: Rule, rules_url: str | None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": rule.id,
        "name": rule_name(rule.id),
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.summary},
    }
    if rules_url:
        help_uri = f"{rules_url}#{rule.id}"
        out["helpUri"] = help_uri
        out["help"] = {
            "text": f"{rule.summary}. Examples and fixes: {help_uri}",
            "markdown": f"{rule.summary}. [Examples and fixes]({help_uri}).",
        }
    else:
        out["help"] = {"text": f"{rule.summary}."}
    out["defaultConfiguration"] = {"level": LEVELS[rule.severity]}
    out["properties"] = {"tags": [tag for tag in ("rokt-braze", rule.category) if tag]}
    return out


def invocation(result: CheckResult) -> dict[str, Any]:
    """Files that could not be checked at all are tool notifications, not results."""
    inv: dict[str, Any] = {"executionSuccessful": not result.input_errors}
    if result.input_errors:
        inv["toolExecutionNotifications"] = [
            {"level": "error", "message": {"text": message}} for message in result.input_errors
        ]
    return inv


def results(findings: list[Finding], index: dict[str, int], root: Path) -> list[dict[str, Any]]:
    sources = {f.file: Source.read(f.file) for f in findings if f.file}
    seen: dict[str, int] = {}
    out = []
    for place in by_place(findings):
        first = place.first
        location = artifact_location(first.file, root)
        digest = fingerprint(first.rule, location.get("uri", ""), first.message)
        seen[digest] = seen.get(digest, 0) + 1
        out.append(result_of(place, index[first.rule], location, f"{digest}:{seen[digest]}",
                             sources.get(first.file)))
    return out


class Source:
    """A checked file's text, read once per report, for regions and line hashes."""

    def __init__(self, text: str) -> None:
        self.lines = [line.rstrip("\r") for line in text.split("\n")]
        self.hashes = line_hashes(text)

    @classmethod
    def read(cls, path: str) -> Source | None:
        try:
            with open(path, "rb") as handle:
                return cls(handle.read().decode("utf-8", errors="replace"))
        except OSError:
            return None


def result_of(place: Place, rule_index: int, location: dict[str, str],
              print_: str, source: Source | None) -> dict[str, Any]:
    """One alert for the findings of one rule at one place (several profiles, or a
    static rule and rendering agreeing)."""
    first, profiles = place.first, place.profiles
    res: dict[str, Any] = {
        "ruleId": first.rule,
        "ruleIndex": rule_index,
        "level": LEVELS[place.severity],
        "message": {"text": first.message + (f" [{profiles_shown(profiles)}]" if profiles
                                             else "")},
    }
    prints = {FINGERPRINT_KEY: print_}
    if first.file:
        physical: dict[str, Any] = {"artifactLocation": location}
        if first.line:
            physical["region"] = region(first.line, first.column,
                                        source.lines if source else None)
        res["locations"] = [{"physicalLocation": physical}]
        # upload-sarif hashes line 1 for a location with no region
        line_hash = source.hashes.get(first.line or 1) if source else None
        if line_hash:
            prints[LINE_HASH_KEY] = line_hash
    res["partialFingerprints"] = prints
    fix = next((f.fix for f in place.findings if f.fix is not None), None)
    if fix is not None and first.file:
        res["fixes"] = [sarif_fix(fix, location)]
    res["properties"] = {"profiles": profiles, "field": first.field}
    return res


def sarif_fix(fix: Fix, location: dict[str, str]) -> dict[str, Any]:
    """The rule's fix as SARIF `fixes` entry: each edit a replacement of a region (an
    empty one for an insertion), in code points as `columnKind` says."""
    return {"description": {"text": fix.title}, "artifactChanges": [{
        "artifactLocation": location,
        "replacements": [{
            "deletedRegion": {"startLine": e.line, "startColumn": e.column,
                              "endLine": e.end_line, "endColumn": e.end_column},
            "insertedContent": {"text": e.text},
        } for e in fix.edits],
    }]}


#: where a finding's region ends: Liquid markup to its close, a quoted string to its
#: quote, else a run of characters that are not space, quotes or brackets
_EXTENT = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\$\{[^}]*\}|\"(?:[^\"\\]|\\.)*\"|[^\s\"'{}\[\](),]+")


def region(line: int, column: int, lines: list[str] | None) -> dict[str, int]:
    """A 1-based region with its end: to the end of the markup or token at the column,
    or the whole line when only the line is known."""
    text = lines[line - 1] if lines is not None and 0 < line <= len(lines) else None
    if not column:
        end = len(text) + 1 if text is not None else 1
        return {"startLine": line, "startColumn": 1, "endLine": line,
                "endColumn": max(end, 1)}
    end_column = column + 1
    if text is not None and column <= len(text):
        m = _EXTENT.match(text, column - 1)
        if m and m.end() > column - 1:
            end_column = m.end() + 1
    return {"startLine": line, "startColumn": column, "endLine": line,
            "endColumn": end_column}


def fingerprint(rule: str, uri: str, message: str) -> str:
    """Stable across runs and line shifts; identical findings are told apart by a count."""
    return hashlib.sha256("\x1f".join((rule, uri, message)).encode("utf-8")).hexdigest()[:32]


def repository_root(start: Path | None = None) -> Path:
    """The nearest folder holding `.git` (a folder, or a file in a worktree) from the
    working directory up; the working directory itself outside a repository."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / ".git").exists():
            return folder
    return here


def artifact_location(path: str, root: Path | None = None) -> dict[str, str]:
    """A `%SRCROOT%`-relative URI for files under the repository root, else an absolute
    `file:` URI."""
    if not path:
        return {}
    relative = _relative_posix(path, root or repository_root())
    if relative is None:
        return {"uri": Path(os.path.abspath(path)).as_uri()}
    return {"uri": quote(relative, safe="/"), "uriBaseId": SRCROOT}


def _relative_posix(path: str, root: Path) -> str | None:
    try:
        relative = os.path.relpath(os.path.abspath(path), root)
    except ValueError:  # another drive on Windows
        return None
    posix = posixpath.normpath(relative.replace(os.sep, "/"))
    if posix == ".." or posix.startswith("../"):
        return None
    return posix
