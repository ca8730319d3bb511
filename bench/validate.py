"""Validations per second of the stock Rokt create body (as Braze renders it).

Run: python bench/validate.py [seconds]. The validator runs once per user of an audience,
so this is the number that bounds a dry run over millions of profiles. Measured three
times: the bare request, and with the origin the pipeline passes (the webhook's sources
and the user's attributes: the token-origin and cross-account rules run too), both by
`validate` (what `check` runs: every problem, placed on demand); then by the counting
path an audience runs (`RuleCounter`: the (rule, severity) pairs only, the verdict of
the rules that read nothing per-user reused across users).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

from rokt_braze import render_webhook
from rokt_braze.findings import Severity
from rokt_braze.profiles import sample_subscriber
from rokt_braze.request import RenderedRequest
from rokt_braze.targets import Origin, RuleCounter, detect_target, event_id, validate
from rokt_braze.webhook import load_webhook

TEMPLATE = Path(__file__).resolve().parents[1] / "templates" / "rokt-create-event.webhook.yaml"

URL = "https://api.roktcalendar.com/v1/subscriptionevent/brazetest"
HEADERS = {"Authorization": "Bearer 9f8e7d6c5b4a", "Content-Type": "application/json"}


def stock_user(i: int) -> dict[str, Any]:
    """The sample subscriber as user i (own eventId and second subscription)."""
    data = sample_subscriber().data
    custom = dict(data["custom_attributes"])
    custom["rokt:subscription_id"] = [custom["rokt:subscription_id"][0],
                                      f"{i:08x}-0000-4000-8000-000000000000"]
    return {**data, "external_id": i, "custom_attributes": custom}


def main(seconds: float) -> None:
    # distinct users: own eventId and second subscription id
    users = [stock_user(i) for i in range(1000)]
    requests = [RenderedRequest("POST", URL, HEADERS, render_webhook(TEMPLATE, user).body)
                for user in users]
    # what the pipeline passes: the webhook's sources, each user's custom attributes
    sources = {fld.name: fld.source for fld in load_webhook(TEMPLATE).fields()}
    origins = [Origin(sources, user["custom_attributes"]) for user in users]
    # the stock body's one finding: notifyBefore sent as a string (a warning)
    assert [p.rule for p in validate(requests[0], detect_target(URL), origins[0])] == [
        "rokt-notify-before"]
    for label, with_origin in (("request only", False), ("with its origin", True)):
        count, started = 0, time.perf_counter()
        while time.perf_counter() - started < seconds:
            for request, origin in zip(requests, origins, strict=True):
                validate(request, detect_target(request.url),
                         origin if with_origin else None)
                event_id(request)
            count += len(requests)
        elapsed = time.perf_counter() - started
        print(f"{count / elapsed:,.0f} validations/s (stock create body, {label}, "
              f"{count} runs)")
    counter = RuleCounter(sources)
    assert counter.rules(requests[0], detect_target(URL), users[0]["custom_attributes"]) == [
        ("rokt-notify-before", Severity.WARNING)]
    count, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        for request, user in zip(requests, users, strict=True):
            counter.rules(request, detect_target(request.url), user["custom_attributes"])
            event_id(request)
        count += len(requests)
    elapsed = time.perf_counter() - started
    print(f"{count / elapsed:,.0f} counts/s (stock create body, with its origin, "
          f"RuleCounter as an audience counts, {count} runs)")


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 3.0)
