"""The pytest plugin (`--rokt-braze PATH`), run in a pytester sandbox.

Each run disables entry-point autoloading and loads the plugin with `-p`, so the tests
behave the same whether or not the `pytest11` entry point is installed (loading it twice
would be an error). `test_entry_point_is_registered` checks that wiring separately.
"""

from __future__ import annotations

import importlib.metadata
import os
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = (ROOT / "templates" / "rokt-create-event.webhook.yaml").read_text(encoding="utf-8")
NO_SUBSCRIPTIONS = ROOT / "examples" / "profiles" / "no-subscriptions.yaml"
TITLE = '"title": "{{eventTitle}}"'
#: A filter bar with no filter name: a Liquid syntax error on line 25 of the file.
BROKEN = TEMPLATE.replace(TITLE, '"title": "{{eventTitle | }}"')
#: An attribute the sample subscriber lacks: a missing-attribute warning at 2:7.
WARNS = "Hello\n{{${first_name}}} {{custom_attribute.${nickname}}}!\n"


Runner = Callable[..., pytest.RunResult]


@pytest.fixture
def run(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> Runner:
    """runpytest with the plugin loaded explicitly (see the module docstring)."""
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")

    def _run(*args: str) -> pytest.RunResult:
        return pytester.runpytest("-p", "rokt_braze.pytest_plugin", "-p", "no:cacheprovider",
                                  *args)

    return _run


def write(pytester: pytest.Pytester, name: str, text: str) -> Path:
    path = pytester.path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_a_good_template_gives_a_passing_lint_and_render_item(
    pytester: pytest.Pytester, run: Runner
) -> None:
    write(pytester, "good.webhook.yaml", TEMPLATE)
    result = run("--rokt-braze", "good.webhook.yaml", "-v")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines([
        "good.webhook.yaml::lint PASSED*",
        "good.webhook.yaml::render[[]sample-subscriber] PASSED*",
    ])
    assert result.ret == pytest.ExitCode.OK


def test_a_syntax_error_fails_the_lint_item_with_the_finding_line(
    pytester: pytest.Pytester, run: Runner
) -> None:
    write(pytester, "broken.webhook.yaml", BROKEN)
    result = run("--rokt-braze", "broken.webhook.yaml")
    # a file that does not parse is not rendered, so there is no render item
    result.assert_outcomes(failed=1)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines([
        "*_ rokt-braze broken.webhook.yaml::lint _*",
        "broken.webhook.yaml:25:*: liquid-syntax *",
        "FAILED broken.webhook.yaml::lint - broken.webhook.yaml:25:*",
    ])
    assert "Traceback" not in result.stdout.str()


def test_a_folder_gives_items_for_every_template_in_it(
    pytester: pytest.Pytester, run: Runner
) -> None:
    write(pytester, "webhooks/good.webhook.yaml", TEMPLATE)
    write(pytester, "webhooks/nested/broken.webhook.yml", BROKEN)
    write(pytester, "webhooks/notes.yaml", BROKEN)  # not a template by name
    result = run("--rokt-braze", "webhooks", "--collect-only", "-q")
    assert sorted(result.stdout.lines[:3]) == [
        "webhooks/good.webhook.yaml::lint",
        "webhooks/good.webhook.yaml::render[sample-subscriber]",
        "webhooks/nested/broken.webhook.yml::lint",
    ]
    assert "notes.yaml" not in result.stdout.str()


def test_each_profile_is_its_own_item(pytester: pytest.Pytester, run: Runner) -> None:
    write(pytester, "good.webhook.yaml", TEMPLATE)
    result = run("--rokt-braze", "good.webhook.yaml", "--rokt-braze-profile",
                 str(NO_SUBSCRIPTIONS), "--rootdir", str(pytester.path))
    result.assert_outcomes(passed=1, failed=1)
    # the profile has no Rokt attributes: the Rokt URL and subscriptionIds are empty
    result.stdout.fnmatch_lines([
        "*_ rokt-braze good.webhook.yaml::render[[]user-1001] _*",
        "good.webhook.yaml:7:*: rokt-url * [[]user-1001]",
        "FAILED good.webhook.yaml::render[[]user-1001] - *",
    ])
    assert re.search(r"^good\.webhook\.yaml:33:\d+: rokt-subscription-ids .*\[user-1001\]$",
                     result.stdout.str(), re.M)


def test_warnings_pass_by_default_and_fail_at_fail_on_warning(
    pytester: pytest.Pytester, run: Runner
) -> None:
    write(pytester, "warns.liquid", WARNS)
    line = ("warns.liquid:2:21: missing-attribute (warning) custom_attribute.${nickname} "
            "is not set for this profile: it renders blank [sample-subscriber]")

    default = run("--rokt-braze", "warns.liquid", "-rP")
    default.assert_outcomes(passed=2)
    default.stdout.fnmatch_lines(["*Captured rokt-braze call*", line])

    strict = run("--rokt-braze", "warns.liquid", "--rokt-braze-fail-on", "warning", "-v")
    strict.assert_outcomes(passed=1, failed=1)
    strict.stdout.fnmatch_lines([
        "warns.liquid::lint PASSED*",
        "warns.liquid::render[[]sample-subscriber] FAILED*",
        "*_ rokt-braze warns.liquid::render[[]sample-subscriber] _*",
        line,
    ])


def test_an_unreadable_file_fails_its_lint_item_with_one_line(
    pytester: pytest.Pytester, run: Runner
) -> None:
    write(pytester, "bad.webhook.yaml", "name: x\nurl: [unclosed\n")
    result = run("--rokt-braze", "bad.webhook.yaml")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["rokt-braze: *bad.webhook.yaml:3:1: invalid YAML*"])
    assert "Traceback" not in result.stdout.str()


def test_a_missing_path_is_a_usage_error(pytester: pytest.Pytester, run: Runner) -> None:
    result = run("--rokt-braze", "nowhere/")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*rokt-braze: *nowhere*no such file or directory*"])


def test_a_bad_profile_file_is_a_usage_error(pytester: pytest.Pytester, run: Runner) -> None:
    write(pytester, "good.webhook.yaml", TEMPLATE)
    write(pytester, "empty.yaml", "[]\n")
    result = run("--rokt-braze", "good.webhook.yaml", "--rokt-braze-profile", "empty.yaml")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*rokt-braze: *empty.yaml*"])


def test_without_the_option_templates_are_not_collected(
    pytester: pytest.Pytester, run: Runner
) -> None:
    write(pytester, "good.webhook.yaml", TEMPLATE)
    result = run(str(pytester.path))
    assert result.ret == pytest.ExitCode.NO_TESTS_COLLECTED


def test_the_marker_selects_only_webhook_items(pytester: pytest.Pytester, run: Runner) -> None:
    write(pytester, "good.webhook.yaml", TEMPLATE)
    pytester.makepyfile(test_other="def test_other():\n    pass\n")
    both = run("--rokt-braze", "good.webhook.yaml", "test_other.py")
    both.assert_outcomes(passed=3)
    only = run("--rokt-braze", "good.webhook.yaml", "test_other.py", "-m", "rokt_braze")
    only.assert_outcomes(passed=2, deselected=1)


def test_junit_xml_has_a_testcase_per_item(pytester: pytest.Pytester, run: Runner) -> None:
    write(pytester, "good.webhook.yaml", TEMPLATE)
    write(pytester, "broken.webhook.yaml", BROKEN)
    run("--rokt-braze", ".", "--junitxml", "report.xml")
    cases = {(c.get("classname"), c.get("name")): c
             for c in ET.parse(pytester.path / "report.xml").iter("testcase")}
    assert set(cases) == {
        ("broken.webhook.yaml", "lint"),
        ("good.webhook.yaml", "lint"),
        ("good.webhook.yaml", "render[sample-subscriber]"),
    }
    failure = cases[("broken.webhook.yaml", "lint")].find("failure")
    assert failure is not None
    assert "liquid-syntax" in (failure.text or "")
    assert cases[("good.webhook.yaml", "lint")].find("failure") is None


def test_entry_point_is_registered() -> None:
    """`pip install rokt-braze` makes the plugin available to pytest by this name."""
    found = importlib.metadata.entry_points(group="pytest11", name="rokt_braze")
    assert [ep.value for ep in found] == ["rokt_braze.pytest_plugin"]


#: A plugin (not a conftest: conftest hooks only see files under their folder).
COUNTING_PLUGIN = '''
CALLS = []


def pytest_collect_file(file_path, parent):
    if file_path.name.endswith(".webhook.yaml"):
        CALLS.append(file_path)


def pytest_collection_finish(session):
    print(f"collect_file calls for webhooks: {len(CALLS)}")
'''


def test_a_folder_outside_the_rootdir_is_collected_once_per_file(
    pytester: pytest.Pytester, run: Runner, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Collection stays linear: pytest is never asked to list the folder once per file
    (each file a pytest argument made N * N collect_file calls: 1600 for these 40)."""
    outside = tmp_path_factory.mktemp("webhooks")
    for i in range(40):
        (outside / f"w{i:02d}.webhook.yaml").write_text(TEMPLATE, encoding="utf-8")
    pytester.makeini("[pytest]\n")
    pytester.makepyfile(countplug=COUNTING_PLUGIN)
    pytester.syspathinsert()
    (pytester.path / "tests").mkdir()
    result = run("-p", "countplug", "--rokt-braze", str(outside), "tests", "--collect-only",
                 "-q", "-s")
    result.stdout.fnmatch_lines(["collect_file calls for webhooks: 0", "80 tests collected*"])
    shown = os.path.relpath(outside, pytester.path).replace(os.sep, "/")
    items = [line for line in result.stdout.lines if "::" in line]
    assert len(items) == 80
    assert f"{shown}/w00.webhook.yaml::lint" in items
    assert f"{shown}/w39.webhook.yaml::render[sample-subscriber]" in items
    ran = run("--rokt-braze", str(outside), "tests", "-k", "w0")
    ran.assert_outcomes(passed=20)  # w00..w09, lint and render: -k sees these items


def test_a_folder_pytest_also_walks_is_collected_once(
    pytester: pytest.Pytester, run: Runner
) -> None:
    """`pytest --rokt-braze hooks/ hooks/`: only the webhook items, each once."""
    write(pytester, "hooks/good.webhook.yaml", TEMPLATE)
    pytester.makepyfile(test_other="def test_other():\n    pass\n")
    result = run("--rokt-braze", "hooks", "hooks")
    result.assert_outcomes(passed=2)


def test_items_pass_beside_plugins_that_read_funcargs(
    pytester: pytest.Pytester, run: Runner
) -> None:
    """pytest-lsp (the dev extra) wraps every item's call and reads `item.funcargs`; an item
    without one made its wrapper return without yielding, so every webhook item failed with
    'wrap_controller ... did not yield' in an environment that had it installed."""
    pytest.importorskip("pytest_lsp")
    write(pytester, "good.webhook.yaml", TEMPLATE)
    result = run("-p", "pytest_lsp", "--rokt-braze", "good.webhook.yaml")
    result.assert_outcomes(passed=2)
    assert "did not yield" not in result.stdout.str()
