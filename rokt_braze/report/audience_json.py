"""An audience run as JSON: `Summary.to_dict()` (version 1)."""

from __future__ import annotations

import json
from typing import TextIO

from rokt_braze.audience.summary import Summary
from rokt_braze.findings import Severity


def write(summary: Summary, out: TextIO, fail_on: Severity | None = None) -> None:
    json.dump(summary.to_dict(), out, indent=2, ensure_ascii=False)
    out.write("\n")
