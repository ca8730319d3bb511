"""Profiles/s through render + validate for the stock create webhook, and time per stage.

    python bench/check.py [N]

Stages, each timed over the same N profiles (the sample subscriber with N user ids):
render (URL + headers + body, one message per profile), JSON parse of the body, JSON
Schema check, and the semantic rules. The totals are measured in one pass per stage, so
the shares add up to the end-to-end cost of the pipeline (`Pipeline.render` and
`Pipeline.findings`) minus its own overhead,
which is printed too.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rokt_braze.pipeline import Pipeline  # noqa: E402
from rokt_braze.profiles import Profile, sample_subscriber  # noqa: E402
from rokt_braze.targets import http  # noqa: E402
from rokt_braze.targets.rokt import rules  # noqa: E402
from rokt_braze.targets.rokt.schema import schema_problems  # noqa: E402
from rokt_braze.webhook import load_webhook, render_message  # noqa: E402


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    webhook = load_webhook(ROOT / "templates" / "rokt-create-event.webhook.yaml")
    pipeline = Pipeline(webhook)
    resources = pipeline.resources()
    base = sample_subscriber().data
    profiles = [Profile(f"u{i}", {**base, "external_id": f"user-{i}"}) for i in range(n)]
    spaces = [p.namespaces() for p in profiles]

    def timed(label: str, fn) -> tuple[str, float]:  # type: ignore[no-untyped-def]
        start = time.perf_counter()
        fn()
        return label, time.perf_counter() - start

    results = [render_message(webhook, ns, resources) for ns in spaces[:1]]
    bodies: list[str] = []
    docs = []
    stages = []
    stages.append(timed("render", lambda: bodies.extend(
        render_message(webhook, ns, resources).request.body for ns in spaces)))
    stages.append(timed("json parse", lambda: docs.extend(http.parse_body(b) for b in bodies)))
    stages.append(timed("schema", lambda: [schema_problems(d, d.value, "create_event")
                                           for d in docs]))
    stages.append(timed("semantic", lambda: [
        rules.check_event(d, d.value["event"], ("event",))
        + rules.check_subscription_ids(d, d.value, False) for d in docs]))
    _, total = timed("end to end", lambda: [
        pipeline.findings(pipeline.render(p)) for p in profiles])
    assert results and not pipeline.findings(pipeline.render(profiles[0]))
    staged = sum(t for _, t in stages)
    print(f"stock create webhook, {n} profiles")
    print(f"  end to end (pipeline render + findings): {n / total:,.0f} profiles/s")
    for name, t in stages:
        print(f"  {name:<11} {t / n * 1e6:7.1f} us/profile  {t / staged:6.1%}")
    print(f"  other (findings, missing-attribute scan): {max(total - staged, 0) / n * 1e6:.1f} "
          "us/profile")


if __name__ == "__main__":
    main()
