"""The Python API as a user calls it: paths in any reasonable shape, the CLI's defaults,
every type of its signatures importable from `rokt_braze`, every parameter described."""

from __future__ import annotations

import inspect
import json
import re
from pathlib import Path

import pytest

import rokt_braze
from rokt_braze.cli import main

ROOT = Path(__file__).resolve().parents[2]
CREATE = ROOT / "templates" / "rokt-create-event.webhook.yaml"
SUBSCRIBER = ROOT / "examples" / "profiles" / "subscriber.yaml"
NO_SUBS = ROOT / "examples" / "profiles" / "no-subscriptions.yaml"
PUBLIC = (rokt_braze.check, rokt_braze.render_liquid, rokt_braze.render_webhook)


@pytest.fixture(autouse=True)
def at_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


def summary(result: rokt_braze.CheckResult) -> tuple[list[str], dict[str, int]]:
    return result.files, result.summary()


def test_check_takes_one_path_or_many_as_str_or_pathlike() -> None:
    expected = summary(rokt_braze.check(["templates/"]))
    assert expected[0] == ["templates/rokt-create-event.webhook.yaml",
                           "templates/rokt-update-event.webhook.yaml"]
    assert summary(rokt_braze.check("templates/")) == expected
    assert summary(rokt_braze.check(Path("templates"))) == expected
    assert summary(rokt_braze.check(p for p in ["templates/"])) == expected
    one = rokt_braze.check(str(CREATE))
    assert one.files == [str(CREATE)]


def test_check_takes_one_profile_or_many() -> None:
    many = rokt_braze.check(CREATE, [NO_SUBS])
    assert rokt_braze.check(CREATE, NO_SUBS).findings == many.findings
    assert rokt_braze.check(CREATE, str(NO_SUBS)).findings == many.findings
    assert {f.rule for f in many.findings} >= {"rokt-url", "rokt-subscription-ids"}
    mapping = {"external_id": "u-1", "custom_attributes": {}}
    assert rokt_braze.check(CREATE, mapping).cases == [(str(CREATE), "u-1")]


@pytest.mark.parametrize("call", [
    lambda: rokt_braze.check([]),
    lambda: rokt_braze.check(iter(list[str]())),
    lambda: rokt_braze.check(CREATE, []),
], ids=["no paths", "an empty generator of paths", "no profiles"])
def test_an_empty_list_is_an_input_error_not_a_silent_pass(call: object) -> None:
    """`check(glob(...))` or `check(path, load_users())` that found nothing checked no file
    (or rendered nothing) and passed; leaving the argument out is how to get the default."""
    with pytest.raises(rokt_braze.InputError, match="leave it out"):
        call()  # type: ignore[operator]


def test_render_liquid_says_it_takes_text_not_bytes() -> None:
    """bytes gave "cannot use a string pattern on a bytes-like object" from deep inside."""
    with pytest.raises(TypeError, match="template text as str, not bytes"):
        rokt_braze.render_liquid(b"Hi {{${first_name}}}")  # type: ignore[arg-type]


def test_the_default_profile_is_the_clis(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["render", str(CREATE), "--as", "json"]) == 0
    cli = json.loads(capsys.readouterr().out)
    api = rokt_braze.render_webhook(CREATE)
    assert (api.method, api.url, api.body) == (cli["method"], cli["url"], cli["body"])
    assert "brazetest" in api.url  # the sample subscriber's account code
    # check: the same sample subscriber when neither the file nor the config names any
    assert rokt_braze.check(CREATE).cases == [(str(CREATE), "sample-subscriber")]


def test_every_type_in_the_signatures_is_exported() -> None:
    allowed = {"Iterable", "Mapping", "Any", "None", "str"}
    for function in PUBLIC:
        for name, parameter in inspect.signature(function).parameters.items():
            annotation = str(parameter.annotation)
            for used in re.findall(r"[A-Za-z_][A-Za-z_0-9.]*", annotation):
                assert used in allowed or used in rokt_braze.__all__, (function, name, used)
        returned = str(inspect.signature(function).return_annotation)
        assert returned in allowed or returned in rokt_braze.__all__
    for name in rokt_braze.__all__:
        assert getattr(rokt_braze, name) is not None


def test_every_parameter_is_described() -> None:
    for function in PUBLIC:
        doc = inspect.getdoc(function) or ""
        args = doc.split("Args:")[1].split("\n\n")[0]
        for name in inspect.signature(function).parameters:
            assert re.search(rf"^\s+{name}: \S", args, re.M), (function.__name__, name)
