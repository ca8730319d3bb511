"""docs/rules.md: every rule has a failing and a passing example, and each does what it says."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import rokt_braze
from rokt_braze.findings import RULES, Severity

DOC = Path(__file__).resolve().parents[2] / "docs" / "rules.md"
SECTION = re.compile(r"^## ([a-z-]+)\n(.*?)(?=^## |\Z)", re.M | re.S)
BLOCK = re.compile(r"^```(?:yaml|liquid) (fails|passes)\n(.*?)^```", re.M | re.S)


def examples() -> dict[str, dict[str, list[str]]]:
    """rule -> {"fails": [...], "passes": [...]}: a section may give several of each (one
    pair per point of the contract a rule checks)."""
    out: dict[str, dict[str, list[str]]] = {}
    for m in SECTION.finditer(DOC.read_text(encoding="utf-8")):
        blocks: dict[str, list[str]] = {}
        for kind, text in BLOCK.findall(m.group(2)):
            blocks.setdefault(kind, []).append(text)
        out[m.group(1)] = blocks
    return out


def test_every_rule_is_documented_with_both_examples() -> None:
    found = examples()
    assert sorted(found) == sorted(RULES)
    for rule, blocks in found.items():
        assert set(blocks) == {"fails", "passes"}, rule


@pytest.mark.parametrize("rule", sorted(RULES))
def test_examples_do_what_the_page_says(rule: str, tmp_path: Path) -> None:
    for kind, texts in examples()[rule].items():
        for number, text in enumerate(texts, 1):
            path = tmp_path / f"{kind}-{number}.webhook.yaml"
            path.write_text(text, encoding="utf-8")
            result = rokt_braze.check([path])
            assert not result.input_errors, result.input_errors
            found = {f.rule for f in result.findings}
            assert (rule in found) == (kind == "fails"), (kind, number, found)
            if kind == "passes":  # a passing example is one to copy: no error of any rule
                errors = {f.rule for f in result.findings if f.severity >= Severity.ERROR}
                assert not errors, (kind, number, errors)
