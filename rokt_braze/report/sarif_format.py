"""SARIF 2.1.0, shaped for GitHub code scanning (`github/codeql-action/upload-sarif`).

Code scanning matches alerts across runs by rule id, file path and fingerprints, so:
- every rule of the catalog is listed, in catalog order, and `ruleIndex` points into it;
- paths are repository-relative URIs under `%SRCROOT%` (forward slashes, percent-encoded);
- each result carries its own fingerprint under the key `rokt-braze/v1`: a hash of rule,
  file, message and profile, with no line number, so an edit above a finding does not
  turn it into a new alert. `primaryLocationLineHash` is left to upload-sarif, which
  computes it from the source and warns when a tool supplies a different value.
"""

from __future__ import annotations

import hashlib
import json
import os
import posixpath
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import quote

from rokt_braze.findings import RULES, CheckResult, Finding, Rule, Severity

SCHEMA_URI = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
INFORMATION_URI = "https://github.com/rokt-braze/rokt-braze"
HELP_URI = INFORMATION_URI + "/blob/main/docs/rules.md#{}"
FINGERPRINT_KEY = "rokt-braze/v1"
SRCROOT = "%SRCROOT%"
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def write(result: CheckResult, stream: TextIO, fail_on: Severity | None = None) -> None:
    json.dump(sarif_log(result), stream, indent=2, ensure_ascii=False)
    stream.write("\n")


def sarif_log(result: CheckResult) -> dict[str, Any]:
    from rokt_braze import __version__

    findings = sorted(result.findings, key=Finding.sort_key)
    rules = list(RULES.values())
    # A rule outside the catalog (a plugin, a newer config) still needs a descriptor.
    extra = {f.rule: f.severity for f in findings if f.rule not in RULES}
    rules += [Rule(rid, severity, rid) for rid, severity in extra.items()]
    index = {rule.id: i for i, rule in enumerate(rules)}
    run: dict[str, Any] = {
        "tool": {"driver": {
            "name": "rokt-braze",
            "version": __version__,
            "informationUri": INFORMATION_URI,
            "rules": [descriptor(rule) for rule in rules],
        }},
        "invocations": [invocation(result)],
        "columnKind": "unicodeCodePoints",
        "results": results(findings, index),
    }
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def descriptor(rule: Rule) -> dict[str, Any]:
    help_uri = HELP_URI.format(rule.id)
    return {
        "id": rule.id,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.summary},
        "helpUri": help_uri,
        "help": {
            "text": f"{rule.summary}. Examples and fixes: {help_uri}",
            "markdown": f"{rule.summary}. [Examples and fixes]({help_uri}).",
        },
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
    }


def invocation(result: CheckResult) -> dict[str, Any]:
    """Files that could not be checked at all are tool notifications, not results."""
    inv: dict[str, Any] = {"executionSuccessful": not result.input_errors}
    if result.input_errors:
        inv["toolExecutionNotifications"] = [
            {"level": "error", "message": {"text": message}} for message in result.input_errors
        ]
    return inv


def results(findings: list[Finding], index: dict[str, int]) -> list[dict[str, Any]]:
    seen: dict[str, int] = {}
    out = []
    for f in findings:
        digest = fingerprint(f)
        seen[digest] = seen.get(digest, 0) + 1
        out.append(result_of(f, index[f.rule], f"{digest}:{seen[digest]}"))
    return out


def result_of(f: Finding, rule_index: int, print_: str) -> dict[str, Any]:
    text = f"{f.message} [{f.profile}]" if f.profile else f.message
    res: dict[str, Any] = {
        "ruleId": f.rule,
        "ruleIndex": rule_index,
        "level": LEVELS[f.severity],
        "message": {"text": text},
    }
    if f.file:
        physical: dict[str, Any] = {"artifactLocation": artifact_location(f.file)}
        if f.line:
            region = {"startLine": f.line}
            if f.column:
                region["startColumn"] = f.column
            physical["region"] = region
        res["locations"] = [{"physicalLocation": physical}]
    res["partialFingerprints"] = {FINGERPRINT_KEY: print_}
    res["properties"] = {"profile": f.profile, "field": f.field}
    return res


def fingerprint(f: Finding) -> str:
    """Stable across runs and line shifts; identical findings are told apart by a count."""
    parts = (f.rule, artifact_location(f.file).get("uri", ""), f.message, f.profile)
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:32]


def artifact_location(path: str) -> dict[str, str]:
    """A `%SRCROOT%`-relative URI for files under the working directory (the repository
    root in CI), else an absolute `file:` URI."""
    if not path:
        return {}
    relative = _relative_posix(path)
    if relative is None:
        return {"uri": Path(os.path.abspath(path)).as_uri()}
    return {"uri": quote(relative, safe="/"), "uriBaseId": SRCROOT}


def _relative_posix(path: str) -> str | None:
    try:
        relative = os.path.relpath(os.path.abspath(path))
    except ValueError:  # another drive on Windows
        return None
    posix = posixpath.normpath(relative.replace(os.sep, "/"))
    if posix == ".." or posix.startswith("../"):
        return None
    return posix
