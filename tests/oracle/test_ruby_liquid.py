"""The oracle driver: a missing Ruby is never silent, and one process answers many renders."""

from __future__ import annotations

import pytest

from oracle import ruby_liquid
from oracle.ruby_liquid import render_in_ruby, require_ruby, ruby_time


def test_missing_ruby_skips_with_the_reason_locally(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ruby_liquid, "ruby_unavailable", lambda: "ruby is not installed")
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="ruby is not installed"):
        require_ruby()


def test_missing_ruby_fails_under_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ruby_liquid, "ruby_unavailable", lambda: "ruby is not installed")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="required in CI"):
        require_ruby()


def test_renders_errors_and_times(ruby: None) -> None:
    assert render_in_ruby("{{ 2.5 | round }}", {}) == (True, "3")
    ok, error = render_in_ruby("{{ 5 | divided_by: 0 }}", {})
    assert not ok and "divided by 0" in error
    ok, error = render_in_ruby("{% if %}", {})
    assert not ok and "Syntax" in error
    moment = ruby_time("2021-06-03T17:13:41Z")
    assert render_in_ruby("{{ t | date: '%F %T' }}", {"t": moment}) == (True, "2021-06-03 17:13:41")


def test_one_process_answers_many_renders(ruby: None) -> None:
    render_in_ruby("{{ 1 }}", {})
    process = ruby_liquid._ORACLE._process
    for number in range(200):
        assert render_in_ruby("{{ n | plus: 1 }}", {"n": number}) == (True, str(number + 1))
    assert ruby_liquid._ORACLE._process is process
