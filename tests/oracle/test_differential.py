"""Generated standard-Liquid templates render byte for byte as Shopify's Ruby Liquid
renders them (or both fail).

Under CI (`CI=true`) the examples are drawn from a fixed seed, so a run is repeatable;
locally each run draws new ones. `ORACLE_EXAMPLES` sets how many (default 2500 in CI,
1000 locally).
"""

from __future__ import annotations

import os
from typing import Any

from hypothesis import HealthCheck, given, settings

from oracle.differential import disagreement
from oracle.strategies import data, templates

IN_CI = os.environ.get("CI", "").lower() == "true"
EXAMPLES = int(os.environ.get("ORACLE_EXAMPLES", "2500" if IN_CI else "1000"))
DIFFERENTIAL = settings(
    max_examples=EXAMPLES,
    derandomize=IN_CI,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)


@DIFFERENTIAL
@given(template=templates(), values=data())
def test_generated_templates_render_as_ruby_liquid(template: str, values: dict[str, Any]) -> None:
    problem = disagreement(template, values)
    assert problem is None, problem
