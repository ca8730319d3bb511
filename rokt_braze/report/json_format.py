"""Machine-readable output: `{"version": 1, "summary": {...}, "findings": [...]}`.

One finding per rule and place (`places`): `profiles` lists every profile that met it
(empty when only the static rules found it), `profile` is the first of them ("" for none),
`severity` the worst; `summary` counts these entries.
"""

from __future__ import annotations

import json
from typing import TextIO

from rokt_braze.findings import CheckResult, Severity
from rokt_braze.report.places import Place, by_place, summary


def write(result: CheckResult, stream: TextIO, fail_on: Severity | None = None) -> None:
    places = by_place(result.findings)
    doc = {
        "version": 1,
        "summary": summary(result, places),
        "findings": [entry(place) for place in places],
    }
    if result.input_errors:
        doc["input_errors"] = list(result.input_errors)
    json.dump(doc, stream, indent=2, ensure_ascii=False)
    stream.write("\n")


def entry(place: Place) -> dict[str, object]:
    profiles = place.profiles
    doc = place.first.with_(severity=place.severity, profile=profiles[0] if profiles else "")
    return {**doc.to_dict(), "profiles": profiles}
