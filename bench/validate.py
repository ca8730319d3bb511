"""Validations per second of the stock Rokt create body (as Braze renders it).

Run: python bench/validate.py [seconds]. The validator runs once per user of an audience,
so this is the number that bounds a dry run over millions of profiles.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from rokt_braze import render_webhook
from rokt_braze.profiles import sample_subscriber
from rokt_braze.request import RenderedRequest
from rokt_braze.targets import detect_target, event_id, validate

TEMPLATE = Path(__file__).resolve().parents[1] / "templates" / "rokt-create-event.webhook.yaml"

URL = "https://api.roktcalendar.com/v1/subscriptionevent/brazetest"
HEADERS = {"Authorization": "Bearer 9f8e7d6c5b4a", "Content-Type": "application/json"}


def stock_body(i: int) -> str:
    """The stock create body rendered for user i (own eventId and second subscription)."""
    data = sample_subscriber().data
    custom = dict(data["custom_attributes"])
    custom["rokt:subscription_id"] = [custom["rokt:subscription_id"][0],
                                      f"{i:08x}-0000-4000-8000-000000000000"]
    return render_webhook(TEMPLATE, {**data, "external_id": i, "custom_attributes": custom}).body


def main(seconds: float) -> None:
    # distinct users: own eventId and second subscription id
    bodies = [stock_body(i) for i in range(1000)]
    requests = [RenderedRequest("POST", URL, HEADERS, body) for body in bodies]
    assert validate(requests[0], detect_target(URL)) == []
    count, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        for request in requests:
            validate(request, detect_target(request.url))
            event_id(request)
        count += len(requests)
    elapsed = time.perf_counter() - started
    print(f"{count / elapsed:,.0f} validations/s (stock create body, {count} runs)")


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 3.0)
