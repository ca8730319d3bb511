"""The search's parts: attribute reads, config and suppression filters, crash capture, the
greedy fallback shrinker."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fuzz_helpers import STOCK, run_cli

from rokt_braze.config import load_config
from rokt_braze.findings import Severity
from rokt_braze.fuzz.search import INTERNAL_ERROR, fuzz_webhook, greedy_shrink, template_reads
from rokt_braze.pipeline import Pipeline
from rokt_braze.profiles import load_profiles
from rokt_braze.webhook import load_webhook


def test_reads_are_the_templates_attributes_in_order() -> None:
    assert template_reads(load_webhook(STOCK)) == [
        ("custom_attribute", "rokt:account_code"),
        (None, "user_id"),
        ("custom_attribute", "rokt:subscription_id"),
    ]


def test_reads_include_content_blocks_and_skip_one_that_does_not_parse() -> None:
    blocks = {"greet": "Hi {{${first_name}}} {{custom_attribute.${tier}}}", "bad": "{% if %}"}
    reads = template_reads(load_webhook(STOCK), blocks)
    assert reads[-2:] == [(None, "first_name"), ("custom_attribute", "tier")]


def _copy_stock(tmp_path: Path, url_prefix: str = "") -> str:
    text = Path(STOCK).read_text("utf-8").replace('url: "', 'url: "' + url_prefix, 1)
    path = tmp_path / "create.webhook.yaml"
    path.write_text(text, "utf-8")
    return str(path)


def test_config_ignores_and_severities_apply_as_in_check(tmp_path: Path) -> None:
    config = tmp_path / "fuzz.toml"
    config.write_text('ignore = ["rokt-url"]\n[severity]\nbody-json-invalid = "warning"\n'
                      'rokt-required-field = "off"\n', "utf-8")
    result = fuzz_webhook(STOCK, examples=40, seed=3, config=load_config(config))
    assert [f.rule for f in result.failures] == ["rokt-subscription-ids"]
    warned = fuzz_webhook(STOCK, examples=40, seed=3, config=load_config(config),
                          level=Severity.WARNING)
    json_rule = {f.rule: f for f in warned.failures}["body-json-invalid"]
    assert json_rule.severity == Severity.WARNING


def test_suppression_comments_apply(tmp_path: Path) -> None:
    path = _copy_stock(tmp_path, "{% # rokt-braze: disable-file=rokt-url %}")
    rules = [f.rule for f in fuzz_webhook(path, examples=40, seed=3).failures]
    assert "rokt-url" not in rules and "rokt-subscription-ids" in rules


def test_a_crash_while_rendering_is_kept_with_its_minimal_profile(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = Pipeline.render

    def crashing(self: Pipeline, profile: Any, **kw: Any) -> Any:
        if "last_name" in profile.data:
            raise ZeroDivisionError("boom")
        return real(self, profile, **kw)

    monkeypatch.setattr(Pipeline, "render", crashing)
    run = run_cli("fuzz", STOCK, "--examples", "60", "--seed", "5", "--out", str(tmp_path))
    assert run.status == 3
    assert "a bug in rokt-braze" in run.err
    assert f"{INTERNAL_ERROR} (error)" in run.out and "ZeroDivisionError: boom" in run.out
    [profile] = load_profiles(tmp_path / f"{INTERNAL_ERROR}.yaml")
    assert list(profile.data) == ["last_name"]  # everything else shrunk away


def test_greedy_shrink_keeps_only_what_the_predicate_needs() -> None:
    start = {"a": 'xx"yy', "b": [1, 2.5, "q"], "c": {"d": "e"}, "n": 7}
    assert greedy_shrink(start, lambda d: '"' in d.get("a", "")) == {"a": '"'}
    assert greedy_shrink(start, lambda d: len(d.get("b", [])) >= 2) == {"b": [0.0, ""]}
    assert greedy_shrink(start, lambda d: True) == {}


def test_examples_must_be_positive() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        fuzz_webhook(STOCK, examples=0)
