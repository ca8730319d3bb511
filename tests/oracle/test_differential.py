"""Generated templates render byte for byte as Shopify's Ruby Liquid renders them (or
both fail). A template holding Braze-only syntax is compared with Ruby's render of its
standard-Liquid meaning, drawn with it (see strategies.py and pairs.py).

Under CI (`CI=true`) the examples are drawn from a fixed seed, so a run is repeatable;
locally each run draws new ones. `ORACLE_EXAMPLES` sets how many (default 2500 in CI,
1000 locally).
"""

from __future__ import annotations

import os
from typing import Any

from hypothesis import HealthCheck, given, settings

from oracle.differential import disagreement
from oracle.pairs import sides
from oracle.strategies import CONTENT_BLOCKS, data, templates

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
    braze, standard = sides(template)
    problem = disagreement(braze, values, standard, BLOCKS)
    assert problem is None, problem


#: The content blocks' Braze sources, by name
BLOCKS = {name: braze for name, (braze, _) in CONTENT_BLOCKS.items()}
