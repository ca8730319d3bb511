"""A fuzz run as JSON: `FuzzResult.to_dict()` (version 1)."""

from __future__ import annotations

import json
from typing import TextIO

from rokt_braze.findings import Severity
from rokt_braze.fuzz.search import FuzzResult


def write(result: FuzzResult, out: TextIO, fail_on: Severity | None = None) -> None:
    json.dump(result.to_dict(), out, indent=2, ensure_ascii=False)
    out.write("\n")
