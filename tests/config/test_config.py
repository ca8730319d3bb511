"""`config.py`: where the config is found, what each setting does, and every bad setting as
one clear input error naming the file."""

from __future__ import annotations

from pathlib import Path

import pytest

from rokt_braze.config import find_config, load_config
from rokt_braze.errors import InputError
from rokt_braze.findings import Severity


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_nearest_config_wins_and_pyproject_needs_the_table(tmp_path: Path) -> None:
    inner = tmp_path / "a" / "b"
    inner.mkdir(parents=True)
    write(tmp_path / "pyproject.toml", "[tool.other]\nx = 1\n")
    assert find_config(inner) is None
    write(tmp_path / "pyproject.toml", '[tool.rokt-braze]\nfail-on = "warning"\n')
    assert find_config(inner) == (tmp_path / "pyproject.toml").resolve()
    dedicated = write(tmp_path / "a" / ".rokt-braze.toml", 'fail-on = "never"\n')
    assert find_config(inner) == dedicated.resolve()
    assert load_config(dedicated).fail_on == "never"
    assert load_config(tmp_path / "pyproject.toml").fail_on == "warning"


def test_defaults_without_a_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    config = load_config()
    assert config.source == "" and config.fail_on == "error"
    assert config.rule_severity("rokt-url", "x.webhook.yaml") == Severity.ERROR


def test_severity_ignore_and_per_file_ignores(tmp_path: Path) -> None:
    config = load_config(write(tmp_path / ".rokt-braze.toml", """
ignore = ["unused-assign"]
[severity]
missing-attribute = "error"
rokt-dst = "off"
[per-file-ignores]
"legacy/*.webhook.yaml" = ["rokt-url"]
"""))
    assert config.rule_severity("unused-assign", "a.webhook.yaml") is None
    assert config.rule_severity("rokt-dst", "a.webhook.yaml") is None
    assert config.rule_severity("missing-attribute", "a.webhook.yaml") == Severity.ERROR
    # a finding's own severity stands unless the config names the rule
    assert config.rule_severity("rokt-url", "a.webhook.yaml", Severity.WARNING) == (
        Severity.WARNING)
    assert config.rule_severity("rokt-url", str(tmp_path / "legacy" / "x.webhook.yaml")) is None
    assert config.rule_severity("rokt-url", str(tmp_path / "new" / "x.webhook.yaml")) == (
        Severity.ERROR)


def test_globs_resolve_relative_to_the_config(tmp_path: Path) -> None:
    (tmp_path / "profiles").mkdir()
    write(tmp_path / "profiles" / "one.yaml", "external_id: u1\n")
    config = load_config(write(tmp_path / ".rokt-braze.toml", 'profiles = "profiles/*.yaml"\n'))
    assert config.resolve(config.profiles) == [str(tmp_path / "profiles" / "one.yaml")]
    config.profiles = ["nothing/*.yaml"]
    with pytest.raises(InputError, match="matches no file"):
        config.resolve(config.profiles)


@pytest.mark.parametrize(("text", "message"), [
    ("colour = 1\n", "unknown setting(s): colour"),
    ('fail-on = "sometimes"\n', "fail-on must be one of"),
    ('ignore = ["no-such-rule"]\n', "unknown rule 'no-such-rule'"),
    ('[severity]\nrokt-url = "fatal"\n', "severity of rokt-url"),
    ('[severity]\nnot-a-rule = "error"\n', "unknown rule 'not-a-rule'"),
    ("severity = 3\n", "[severity] must be a table"),
    ("profiles = [1]\n", "profiles must be a list of strings"),
    ('[per-file-ignores]\n"*.yaml" = "rokt-url"\n', "must list rule ids"),
    ("[credentials]\nx = 1\n", "[credentials] must map"),
    ("[base-urls]\nx = 1\n", "[base-urls] must map"),
    ("this is = not toml\n", "invalid TOML"),
])
def test_bad_settings_name_the_file(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path / ".rokt-braze.toml", text)
    with pytest.raises(InputError) as err:
        load_config(path)
    assert message in str(err.value) and str(path) in str(err.value)


def test_a_named_config_that_does_not_exist(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such config file"):
        load_config(tmp_path / "missing.toml")


@pytest.mark.parametrize(("text", "line", "column"), [
    ('fail-on = "error"\nx = = 1\n', 2, 5),
    ("x = [\n", 2, 1),  # tomllib: "at end of document"
])
def test_a_toml_syntax_error_is_placed_at_path_line_column(
    tmp_path: Path, text: str, line: int, column: int
) -> None:
    path = write(tmp_path / ".rokt-braze.toml", text)
    with pytest.raises(InputError) as err:
        load_config(path)
    assert (err.value.line, err.value.column) == (line, column)
    assert str(err.value).startswith(f"{path}:{line}:{column}: invalid TOML: ")
    assert "(at " not in str(err.value)
