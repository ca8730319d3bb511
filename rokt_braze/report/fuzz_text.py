"""A fuzz run as text: findings in `check`'s layout (`file:line:col: rule message`), per
failing rule how often it failed and its smallest profile."""

from __future__ import annotations

from typing import TextIO

from rokt_braze.findings import Severity
from rokt_braze.fuzz.profile_file import comment_safe, profile_yaml
from rokt_braze.fuzz.search import FuzzResult
from rokt_braze.report.text_format import line_of


def write(result: FuzzResult, out: TextIO, fail_on: Severity | None = None) -> None:
    out.write(f"fuzzing {result.path}: {result.examples} profiles, seed {result.seed}\n")
    for found in result.template:
        out.write(comment_safe(line_of(found)) + "\n")
    for failure in result.failures:
        out.write(f"{failure.rule} ({failure.severity}): failed for {failure.hits} of "
                  f"{result.examples} profiles\n")
        for found in failure.findings:
            out.write(f"  {comment_safe(line_of(found))}\n")
        what = "smallest profile" if failure.shrunk else "profile (not shrunk: interrupted)"
        if failure.rule in result.written:
            out.write(f"  {what}: {result.written[failure.rule]}\n")
        else:
            out.write(f"  {what}:\n")
            for line in profile_yaml(failure.profile).splitlines():
                out.write(f"    {line}\n")
    count = len(result.failures)
    if result.interrupted:
        out.write(f"interrupted after {result.examples} profiles: {count} "
                  f"rule{'s' if count != 1 else ''} found so far at or above {result.level}; "
                  f"run again with --seed {result.seed} for the whole search\n")
    elif count:
        noun = "rule fails" if count == 1 else "rules fail"
        out.write(f"{count} {noun} at or above {result.level}; "
                  f"rerun with --seed {result.seed} to reproduce\n")
    else:
        out.write(f"no rule fails at or above {result.level}\n")
