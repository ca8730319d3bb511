"""Machine-readable output: `{"version": 1, "summary": {...}, "findings": [...]}`.

One finding per rule and place (`places`): `profiles` lists every profile that met it
(empty when only the static rules found it), `profile` is the first of them ("" for none),
`severity` the worst; `summary` counts these entries. A finding a connected_content call
led to (a failed or non-2xx call, `:retry` giving up) lists under `calls` the calls made
at its place, one per profile, with the keys of `render --as json` (credentials redacted).
A finding whose rule knows a fix carries it under `fix` (`Fix.to_dict`): what an
editor's code action would apply.
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
    first = place.first.with_(severity=place.severity, profile=profiles[0] if profiles else "",
                              calls=())
    doc: dict[str, object] = {**first.to_dict(), "profiles": profiles}
    fix = next((f.fix for f in place.findings if f.fix is not None), None)
    if fix is not None:
        doc["fix"] = fix.to_dict()
    calls = [{"profile": f.profile, **c} for f in place.findings for c in f.calls]
    if calls:
        doc["calls"] = calls
    return doc
