"""Every bad input the issue listed ends with a clear input error or finding: exit 2 with
one line naming the file and place, or a finding - never exit 3, never a traceback."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hostile_helpers import Run, write

import rokt_braze
from rokt_braze import safe_yaml
from rokt_braze.errors import InputError, TemplateError
from rokt_braze.pipeline.resources import load_fixture_file

REPO = Path(__file__).resolve().parents[2]
WEBHOOK = 'url: https://x.example/\nbody: "{}"\n'


def alias_bomb(levels: int = 9) -> str:
    text = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    previous = "a"
    for name in "bcdefghijk"[: levels - 1]:
        text += f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]\n"
        previous = name
    return text


def input_error(cli: Run, *args: str) -> str:
    code, _, err = cli(*args)
    assert code == 2, err
    assert "Traceback" not in err and "internal error" not in err
    return err


# -- safe YAML ----------------------------------------------------------------------------


def test_a_duplicate_key_names_both_places(cli: Run, tmp_path: Path) -> None:
    hook = write(tmp_path, "d.webhook.yaml",
                 'url: https://x.example/a\nbody: "{}"\nurl: https://x.example/b\n')
    err = input_error(cli, "check", str(hook))
    assert f"{hook}:3:1: invalid YAML: duplicate key 'url' (first at line 1, column 1)" in err


def test_duplicate_keys_in_a_profile_and_a_nested_mapping(cli: Run, tmp_path: Path) -> None:
    profile = write(tmp_path, "p.yaml", "external_id: a\ncustom_attributes:\n  x: 1\n  x: 2\n")
    err = input_error(cli, "check", str(REPO / "templates"), "--profile", str(profile))
    assert "duplicate key 'x' (first at line 3, column 3)" in err and "p.yaml:4" in err


def test_a_merge_key_is_not_a_duplicate() -> None:
    data = safe_yaml.load("base: &b {x: 1}\nmore:\n  <<: *b\n  y: 2\n")
    assert data["more"] == {"x": 1, "y": 2}


@pytest.mark.parametrize("where", ["profile", "webhook", "fixtures"])
def test_the_alias_bomb_is_an_input_error(cli: Run, tmp_path: Path, where: str) -> None:
    bomb = alias_bomb()
    if where == "profile":
        path = write(tmp_path, "p.yaml", bomb + "external_id: x\n")
        args = ["check", str(REPO / "templates"), "--profile", str(path)]
    elif where == "webhook":
        path = write(tmp_path, "b.webhook.yaml", bomb + WEBHOOK)
        args = ["check", str(path)]
    else:
        path = write(tmp_path, "f.yaml", bomb)
        args = ["render", str(REPO / "templates" / "rokt-create-event.webhook.yaml"),
                "--fixtures", str(path)]
    err = input_error(cli, *args)
    assert "aliases expand this document by more than 100,000 values" in err
    assert f"{path}:6" in err  # the first alias past the budget


def test_aliases_within_the_budget_still_work() -> None:
    data = safe_yaml.load(alias_bomb(levels=4))  # 9^4 values through aliases
    assert len(data["d"]) == 9 and data["d"][0][0][0] == ["lol"] * 9


def test_a_recursive_alias_is_an_input_error(cli: Run, tmp_path: Path) -> None:
    profile = write(tmp_path, "r.yaml", "external_id: x\ncustom_attributes: &a\n  b: *a\n")
    err = input_error(cli, "check", str(REPO / "templates"), "--profile", str(profile))
    assert "alias *a refers to a collection that contains it" in err


@pytest.mark.parametrize("name", ["deep.yaml", "deep.webhook.yaml"])
def test_deep_yaml_is_an_input_error(cli: Run, tmp_path: Path, name: str) -> None:
    nested = "[" * 5000 + "]" * 5000
    if name == "deep.yaml":
        path = write(tmp_path, name, f"external_id: x\ncustom_attributes: {{a: {nested}}}\n")
        args = ["check", str(REPO / "templates"), "--profile", str(path)]
    else:
        path = write(tmp_path, name, WEBHOOK + f"catalogs: {nested}\n")
        args = ["check", str(path)]
    assert "nested deeper than 100 levels" in input_error(cli, *args)


@pytest.mark.parametrize("depth", [150, 100_000])
def test_a_deeply_nested_json_profile_is_an_input_error(cli: Run, tmp_path: Path,
                                                        depth: int) -> None:
    path = write(tmp_path, "deep.json", '{"external_id": "x", "custom_attributes": {"a": '
                 + "[" * depth + "]" * depth + "}}")
    err = input_error(cli, "check", str(REPO / "templates"), "--profile", str(path))
    assert "nested deeper than 100 levels" in err


def test_a_deep_line_of_json_lines_is_reported_and_the_rest_checked(cli: Run,
                                                                    tmp_path: Path) -> None:
    export = write(tmp_path, "users.jsonl", '{"external_id": "a"}\n{"external_id": "b", "x": '
                   + "[" * 100_000 + "]" * 100_000 + "}\n")
    code, out, err = cli("audience", str(REPO / "templates" / "rokt-create-event.webhook.yaml"),
                         "--profiles", str(export), "--jobs", "1", "--no-progress")
    assert code == 2 and "Traceback" not in err
    assert "users.jsonl:2: invalid JSON: nested too deeply" in out


def test_fixture_file_errors_carry_their_place(tmp_path: Path) -> None:
    path = write(tmp_path, "f.yaml", "- url: a\n  url: b\n")
    with pytest.raises(InputError) as caught:
        load_fixture_file(str(path))
    assert (caught.value.line, caught.value.column) == (2, 3)


# -- no exit 3 ----------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["5", "'text'", "{url: x}"])
def test_connected_content_of_the_wrong_shape(cli: Run, tmp_path: Path, value: str) -> None:
    hook = write(tmp_path, "c.webhook.yaml", WEBHOOK + f"connected_content: {value}\n")
    err = input_error(cli, "check", str(hook))
    assert "connected_content must be a list of fixtures" in err


def test_a_negative_loop_limit_renders_nothing_as_in_ruby() -> None:
    assert rokt_braze.render_liquid("{% for x in (1..5) limit: -1 %}{{x}}{% endfor %}") == ""


@pytest.mark.parametrize(("source", "message"), [
    ("{{ 'a' | hmac_sha256 }}", "hmac_sha256: wrong number of arguments (given 1, expected 2)"),
    ("{{ 'a' | hmac_sha1_base64: 'k', 'x' }}",
     "hmac_sha1_base64: wrong number of arguments (given 3, expected 2)"),
    ("{{ 'a' | append }}", "append: wrong number of arguments (given 1, expected 2)"),
    ("{{ 'a' | truncate: 1, 2, 3, 4 }}",
     "truncate: wrong number of arguments (given 5, expected 1..3)"),
    ("{{ 'a' | md5: 1 }}", "md5: wrong number of arguments (given 2, expected 1)"),
])
def test_filter_arity_in_liquids_words(source: str, message: str) -> None:
    with pytest.raises(TemplateError) as caught:
        rokt_braze.render_liquid(source)
    assert caught.value.message == message
    assert (caught.value.line, caught.value.column) == (1, 10)


def test_config_given_in_the_tool_table_form(cli: Run, tmp_path: Path) -> None:
    config = write(tmp_path, "ci.toml",
                   '[tool.rokt-braze]\nignore = ["json-unescaped", "rokt-notify-before"]\n')
    hook = REPO / "templates" / "rokt-create-event.webhook.yaml"
    code, out, err = cli("check", str(hook), "--config", str(config), "--fail-on", "warning")
    assert code == 0, out + err


def test_config_that_is_not_a_table(cli: Run, tmp_path: Path) -> None:
    config = write(tmp_path, "bad.toml", "[tool]\nrokt-braze = 5\n")
    err = input_error(cli, "check", str(REPO / "templates"), "--config", str(config))
    assert "[tool.rokt-braze] must be a table" in err


def test_deeply_nested_toml(cli: Run, tmp_path: Path) -> None:
    config = write(tmp_path, "deep.toml", "a = " + "[" * 5000 + "]" * 5000 + "\n")
    err = input_error(cli, "check", str(REPO / "templates"), "--config", str(config))
    assert "invalid TOML: nested too deeply" in err


# -- interrupts ---------------------------------------------------------------------------


def test_ctrl_c_anywhere_is_one_line_and_130(cli: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(*_: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("rokt_braze.cli.build_parser", interrupted)  # even while starting
    assert cli("check") == (130, "", "rokt-braze: interrupted\n")


def _children(pid: int) -> int:
    count = 0
    for entry in Path("/proc").iterdir():
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        if entry.name.isdigit() and int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            count += 1
    return count


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc (Linux)")
def test_ctrl_c_during_audience_leaves_no_worker_tracebacks(tmp_path: Path) -> None:
    slow = write(tmp_path, "slow.webhook.yaml",  # ms a user, per user: still running when hit
                 'url: https://x.example/\nbody: "{% for i in (1..20000) %}'
                 '{% if ${user_id} == i %}x{% endif %}{% endfor %}"\n')
    export = write(tmp_path, "users.jsonl",
                   "".join(json.dumps({"external_id": f"u{i}"}) + "\n" for i in range(5000)))
    run = subprocess.Popen(
        [sys.executable, "-m", "rokt_braze.cli", "audience", str(slow), "--profiles",
         str(export), "--jobs", "2", "--no-progress"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
        env={**os.environ, "PYTHONPATH": str(REPO)})
    try:
        for _ in range(600):  # wait for the pool, as a user would see it working
            if _children(run.pid) >= 2:
                break
            time.sleep(0.05)
        time.sleep(0.5)
        os.killpg(run.pid, signal.SIGINT)  # what a terminal does: the whole group
        _, err = run.communicate(timeout=60)
    finally:
        run.kill()
    assert run.returncode == 130
    assert err == "rokt-braze: interrupted\n"


# -- a readable report --------------------------------------------------------------------


def test_findings_are_capped_per_file_and_rule(cli: Run, tmp_path: Path) -> None:
    many = write(tmp_path, "many.liquid", "{{ x }}\n" * 200 + "{{ 'a' | hmac_sha256 }}\n")
    code, out, _ = cli("check", str(many), "--fail-on", "warning")
    lines = out.splitlines()
    assert code == 1
    assert len([ln for ln in lines if "undefined-variable" in ln]) == 51
    assert (f"{many}:51:4: undefined-variable (warning) 150 more undefined-variable findings "
            "in this file from here on, not listed") in out
    assert "render-error" in out  # other rules are not crowded out
    assert "Found 1 error, 51 warnings" in out


def test_the_cap_is_configurable_and_keeps_the_exit_status(cli: Run, tmp_path: Path) -> None:
    many = write(tmp_path, "many.liquid", "{{ x }}\n" * 60)
    for cap, shown in (("0", 60), ("5", 6)):
        config = write(tmp_path, f"c{cap}.toml", f"max-findings-per-rule = {cap}\n")
        code, out, _ = cli("check", str(many), "--config", str(config), "--fail-on", "warning",
                           "--format", "json")
        report = json.loads(out)
        assert code == 1
        assert len(report["findings"]) == shown
        assert {f["severity"] for f in report["findings"]} == {"warning"}
    bad = write(tmp_path, "bad.toml", "max-findings-per-rule = -1\n")
    assert "max-findings-per-rule must be a whole number" in input_error(
        cli, "check", str(many), "--config", str(bad))
