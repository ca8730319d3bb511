"""Resource limits: each ends a render with a positioned `render-error` naming the limit.

The limits are tested by what they report (with small limits where that keeps the test
short), never by how long anything takes; the timings are in bench/hostile.py.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

import rokt_braze
from rokt_braze.braze import MessageState, Resources, parse_template
from rokt_braze.cli import main
from rokt_braze.config import load_config
from rokt_braze.errors import InputError, TemplateError
from rokt_braze.limits import Limits


def render(source: str, limits: Limits | None = None, deadline: float = 0.0) -> str:
    state = MessageState(Resources(limits=limits or Limits()), deadline=deadline)
    return parse_template(source).render({}, state).text


def error_of(source: str, limits: Limits | None = None, deadline: float = 0.0) -> TemplateError:
    with pytest.raises(TemplateError) as caught:
        render(source, limits, deadline)
    assert caught.value.rule == "render-error"
    return caught.value


def test_a_hundred_million_iterations_stop_before_the_first() -> None:
    err = error_of("x\n  {% for i in (1..100000000) %}x{% endfor %}")
    assert "loop limit reached" in err.message
    assert "100,000,000" in err.message and "loop-iterations" in err.message
    assert (err.line, err.column) == (2, 15)  # the range


def test_nested_loops_multiply() -> None:
    source = "{% for i in (1..100000) %}\n{% for j in (1..100000) %}{% endfor %}{% endfor %}"
    err = error_of(source)
    assert "nested loops would run 10,000,000,000 times" in err.message
    assert (err.line, err.column) == (2, 4)  # the inner loop's tag


def test_loops_add_up_across_a_field() -> None:
    loop = "{% for i in (1..600) %}{% endfor %}"
    assert render(loop, Limits(loop_iterations=1000)) == ""
    err = error_of(loop + loop, Limits(loop_iterations=1000))
    assert "loops run more than 1,000 times in all" in err.message
    assert (err.line, err.column) == (1, 39)  # the second loop's tag


def test_loops_over_data_count_too() -> None:
    source = "{% assign xs = 'a,b,c,d,e' | split: ',' %}{% for x in xs %}{{x}}{% endfor %}"
    assert render(source, Limits(loop_iterations=5)) == "abcde"
    assert "loop limit" in error_of(source, Limits(loop_iterations=4)).message


def test_a_range_longer_than_the_loop_limit_is_an_error_wherever_it_is_used() -> None:
    err = error_of("{{ (1..100000000) | join: ',' }}")
    assert "range (1..100000000) has 100,000,000 items" in err.message
    assert "loop limit" in error_of("{% for x in (1..100000000) reversed %}{% endfor %}").message


def test_output_size() -> None:
    source = "{% for i in (1..100) %}0123456789{% endfor %}"
    assert len(render(source, Limits(output_size=1000))) == 1000
    err = error_of(source, Limits(output_size=999))
    assert "output limit reached: the output would be more than 999 characters" in err.message
    assert "output-size" in err.message


def test_many_outputs_of_a_big_value_stop_at_the_limit() -> None:
    assign = "{% assign s = 'x' | append: '0123456789' %}"
    err = error_of(assign + "{{ s }}" * 200, Limits(output_size=1000))
    assert "output limit reached" in err.message
    assert (err.line, err.column) == (1, len(assign) + 7 * 90 + 1)  # the 91st output


def test_a_replace_chain_is_refused_before_the_text_is_built() -> None:
    x = "x" * 1000
    source = f"{{% assign s = '{x}' %}}{{{{ s | replace: 'x', s | replace: 'x', s }}}}"
    err = error_of(source)  # the second replace would make 10^9 characters
    assert "output limit reached: the text replace makes would be more than" in err.message
    assert err.column == source.index("replace: 'x', s }}") + 1


def test_a_replace_repeating_the_text_before_each_match_is_refused_before_it_is_built() -> None:
    # Ruby's replacement `\\`` is the text before the match: n matches make ~n*n/2 characters
    source = "{% assign s = 'x' | append: 'x' %}" + "{% assign s = s | append: s %}" * 14
    source += "{{ s | replace: 'x', '\\`' }}"  # 32768 matches: ~5*10^8 characters
    err = error_of(source)
    assert "output limit reached: the text replace makes would be more than" in err.message


def test_a_multiplying_filter_chain_stops_at_the_first_text_too_long() -> None:
    source = "{% assign s = '\\\\\\\\\\' %}{{ s" + " | json_escape" * 30 + " }}"  # 5 \\
    err = error_of(source, Limits(output_size=10_000))  # doubles the backslashes each time
    assert "the text json_escape makes" in err.message
    assert err.column == source.index("json_escape") + 10 * len(" | json_escape") + 1  # 5 x 2^11


def test_capture_is_limited_like_output() -> None:
    source = ("{% assign s = '0123456789' %}{% for i in (1..30) %}"
              "{% capture s %}{{s}}{{s}}{% endcapture %}{% endfor %}")
    assert "output limit reached" in error_of(source).message


def test_a_doubling_text_stops_at_the_output_limit() -> None:
    source = ("{% assign s = 'xxxxxxxxxx' %}{% for i in (1..40) %}"
              "{% assign s = s | append: s %}{% endfor %}")
    err = error_of(source)
    assert "the text append makes would be more than 1,000,000 characters" in err.message
    assert err.column == source.index("append") + 1


def test_variables_size_stops_a_doubling_list() -> None:
    source = ("{% assign a = 'x' | split: ',' %}{% for i in (1..40) %}"
              "{% assign a = a | concat: a %}{% endfor %}")
    err = error_of(source)
    assert "variable size limit reached" in err.message and "variables-size" in err.message
    assert err.column == source.index("for") + 1  # the loop that kept assigning


def test_replacing_a_variable_frees_its_share() -> None:
    source = "{% for i in (1..1000) %}{% assign s = 'xxxxxxxxxxxxxxxxxxxxxxx' %}{% endfor %}"
    assert render(source, Limits(variables_size=200)) == ""


def test_render_time_is_checked_at_each_iteration() -> None:
    err = error_of("{% for i in (1..10) %}{% endfor %}", deadline=1.0)  # long past
    assert "render time limit reached" in err.message and "render-seconds" in err.message


def test_render_time_is_checked_at_the_end_of_a_loop() -> None:
    err = error_of("{% for i in (1..3) %}{% break %}{% endfor %}", deadline=1.0)
    assert "render time limit reached" in err.message


def test_blocks_nest_as_deep_as_ruby_liquid_allows() -> None:
    ok = "{% if true %}" * 100 + "x" + "{% endif %}" * 100
    assert render(ok) == "x"
    with pytest.raises(TemplateError) as caught:
        parse_template("{% if true %}" * 101 + "x" + "{% endif %}" * 101)
    assert caught.value.rule == "liquid-syntax"
    assert "nesting limit" in caught.value.message


def test_limits_reach_render_liquid() -> None:
    with pytest.raises(TemplateError) as caught:
        rokt_braze.render_liquid("{% for i in (1..100000) %}{% for j in (1..100000) %}"
                                 "{% endfor %}{% endfor %}")
    assert caught.value.rule == "render-error"


# -- the config ---------------------------------------------------------------------------


def test_limits_from_the_config(tmp_path: Path) -> None:
    (tmp_path / ".rokt-braze.toml").write_text(
        "[limits]\nloop-iterations = 10\noutput-size = 50\nrender-seconds = 2.5\n")
    config = load_config(tmp_path / ".rokt-braze.toml")
    assert config.limits == Limits(loop_iterations=10, output_size=50, render_seconds=2.5)


@pytest.mark.parametrize(("table", "message"), [
    ("loops = 5", "unknown limit 'loops'"),
    ("loop-iterations = 0", "must be a positive whole number"),
    ("loop-iterations = 2.5", "must be a positive whole number"),
    ('render-seconds = "fast"', "must be a positive number"),
])
def test_bad_limits_are_input_errors(tmp_path: Path, table: str, message: str) -> None:
    (tmp_path / ".rokt-braze.toml").write_text(f"[limits]\n{table}\n")
    with pytest.raises(InputError, match=message):
        load_config(tmp_path / ".rokt-braze.toml")


def test_check_reports_a_configured_limit(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                          ) -> None:
    (tmp_path / ".rokt-braze.toml").write_text("[limits]\nloop-iterations = 3\n")
    (tmp_path / "t.liquid").write_text("{% for i in (1..4) %}{{ i }}{% endfor %}\n")
    code = main(["check", str(tmp_path / "t.liquid"), "--config",
                 str(tmp_path / ".rokt-braze.toml")])
    out = capsys.readouterr().out
    assert code == 1
    assert "t.liquid:1:13: render-error (error) loop limit reached" in out


@pytest.mark.skipif(shutil.which("ruby") is None, reason="needs ruby-liquid (.ci/run installs it)")
@pytest.mark.parametrize("source", [
    "{% for x in (1..5) limit: -1 %}{{x}}{% endfor %}",
    "{% for x in (1..5) limit: 0 %}{{x}}{% else %}E{% endfor %}",
    "{% for x in (1..5) offset: -2 limit: 3 %}{{x}}{% endfor %}",
    "{% for x in (1..5) limit: 2 %}{{x}}{% endfor %}|{% for x in (1..5) offset: continue "
    "limit: 0 %}{{x}}{% endfor %}|{% for x in (1..5) offset: continue %}{{x}}{% endfor %}",
    "{% for x in (1..5) reversed limit: -2 %}{{x}}{% endfor %}",
    "{% for x in (1..5) reversed offset: 1 limit: 2 %}{{x}}{% endfor %}",
])
def test_limit_and_offset_slice_as_ruby_liquid_does(source: str) -> None:
    ruby = subprocess.run(
        ["ruby", "-e", 'require "liquid"; print Liquid::Template.parse(STDIN.read).render'],
        input=source, capture_output=True, text=True, check=True).stdout
    assert rokt_braze.render_liquid(source) == ruby
