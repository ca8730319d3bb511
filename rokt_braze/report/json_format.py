"""Machine-readable output: `{"version": 1, "summary": {...}, "findings": [...]}`."""

from __future__ import annotations

import json
from typing import TextIO

from rokt_braze.findings import CheckResult, Severity


def write(result: CheckResult, stream: TextIO, fail_on: Severity | None = None) -> None:
    doc = {
        "version": 1,
        "summary": result.summary(),
        "findings": [f.to_dict() for f in result.findings],
    }
    if result.input_errors:
        doc["input_errors"] = list(result.input_errors)
    json.dump(doc, stream, indent=2, ensure_ascii=False)
    stream.write("\n")
