"""Renders per second of the stock Rokt create-event body: rokt_braze vs plain python-liquid.

Run: python bench/engine.py [seconds]. Both sides parse once and render many times for
1,000 distinct users, in alternating rounds; each side's best round counts. The plain side
is the same body with each `${...}` atom replaced by a plain variable, rendered by a plain
`liquid.Environment`, so the ratio is what the Braze layer (rewritten paths, the recording
namespaces, message state, Braze's statement classes) costs at render time. The issue's
target is a cost under 10% (ratio >= 0.91).
"""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import liquid
import yaml

from rokt_braze.braze import MessageState, Resources, parse_template
from rokt_braze.profiles import sample_subscriber

TEMPLATE = Path(__file__).resolve().parent.parent / "templates" / "rokt-create-event.webhook.yaml"
USERS = 1000
_ATOM = re.compile(r"(?:(\w+)\.)?\$\{([^}]*)\}")


def plain_name(match: re.Match[str]) -> str:
    """`custom_attribute.${rokt:subscription_id}` -> `custom_attribute_rokt_subscription_id`."""
    joined = "_".join(part for part in match.groups() if part)
    return re.sub(r"\W", "_", joined)


def users() -> list[tuple[dict[str, object], dict[str, object]]]:
    """(Braze namespaces, plain variables) for each user: own id and subscription ids."""
    base = sample_subscriber().namespaces()
    out = []
    for i in range(USERS):
        ids = ["06423672-b6ba-4536-aa36-70788a7a0a36", f"{i:08x}-0000-4000-8000-000000000000"]
        custom = dict(base["custom_attribute"])  # type: ignore[call-overload]
        custom["rokt:subscription_id"] = ids
        braze = {**base, "user_id": f"user-{i}", "custom_attribute": custom}
        plain = {"user_id": f"user-{i}", "custom_attribute_rokt_subscription_id": ids}
        out.append((braze, plain))
    return out


def seconds_per_render(render: Callable[[Any], str], inputs: list[Any]) -> float:
    started = time.perf_counter()
    for data in inputs:
        render(data)
    return (time.perf_counter() - started) / len(inputs)


def main(seconds: float) -> None:
    body = yaml.safe_load(TEMPLATE.read_text(encoding="utf-8"))["body"]
    braze = parse_template(body, name="create-event body")
    plain = liquid.Environment().from_string(_ATOM.sub(plain_name, body))
    pairs = users()
    resources = Resources()

    def render_braze(namespaces: dict[str, object]) -> str:
        return braze.render(namespaces, MessageState(resources)).text

    def render_plain(variables: dict[str, object]) -> str:
        return plain.render(**variables)

    braze_inputs = [b for b, _ in pairs]
    plain_inputs = [p for _, p in pairs]
    for b, p in pairs[:3]:  # same bytes, or the comparison means nothing
        assert render_braze(b) == render_plain(p), "the two renders differ"
    # Alternate short rounds and keep each side's best: other load on the machine then
    # slows both sides alike instead of skewing the ratio.
    braze_best = plain_best = float("inf")
    started = time.perf_counter()
    while time.perf_counter() - started < seconds:
        braze_best = min(braze_best, seconds_per_render(render_braze, braze_inputs))
        plain_best = min(plain_best, seconds_per_render(render_plain, plain_inputs))
    braze_rate, plain_rate = 1 / braze_best, 1 / plain_best
    ratio = braze_rate / plain_rate
    print(f"rokt_braze (BrazeTemplate.render): {braze_rate:,.0f} renders/s")
    print(f"python-liquid (plain variables):  {plain_rate:,.0f} renders/s")
    print(f"ratio rokt_braze / python-liquid:  {ratio:.3f} "
          f"(Braze layer costs {max(0.0, 1 / ratio - 1):.1%} at render time; target < 10%)")


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 3.0)
