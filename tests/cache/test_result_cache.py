"""The result cache: an unchanged file costs no render, any changed input is rechecked."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

import rokt_braze.pipeline
from rokt_braze.cli import main

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = (ROOT / "templates" / "rokt-create-event.webhook.yaml").read_text(encoding="utf-8")
SUBSCRIBER = (ROOT / "examples" / "profiles" / "subscriber.yaml").read_text(encoding="utf-8")
NO_SUBS = (ROOT / "examples" / "profiles" / "no-subscriptions.yaml").read_text(encoding="utf-8")

Run = Callable[..., tuple[int, dict[str, object]]]


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.delenv("ROKT_BRAZE_NO_CACHE")
    monkeypatch.setenv("ROKT_BRAZE_CACHE_DIR", str(folder))
    return folder


@pytest.fixture
def checked(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files the pipeline really checked (the cache answers the rest)."""
    calls: list[str] = []
    real = rokt_braze.pipeline.check_files

    def counting(files: list[str], settings: rokt_braze.pipeline.Settings) -> object:
        calls.extend(files)
        return real(files, settings)

    monkeypatch.setattr(rokt_braze.pipeline, "check_files", counting)
    return calls


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]) -> Run:
    def _run(*args: str) -> tuple[int, dict[str, object]]:
        code = main(["check", "--format", "json", *args])
        out = capsys.readouterr().out
        return code, json.loads(out)

    return _run


def put(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_an_unchanged_file_is_answered_from_the_cache(
    cache: Path, checked: list[str], run: Run, tmp_path: Path
) -> None:
    hook = put(tmp_path / "w" / "a.webhook.yaml", TEMPLATE)
    first = run(str(hook))
    assert checked == [str(hook)]
    second = run(str(hook))
    assert checked == [str(hook)]  # not checked again
    assert second == first
    assert len(list(cache.rglob("*.json"))) == 1
    put(hook, TEMPLATE.replace("Event_", "Evt_"))
    run(str(hook))
    assert checked == [str(hook)] * 2


def test_the_profiles_a_webhook_names_are_part_of_its_entry(
    cache: Path, checked: list[str], run: Run, tmp_path: Path
) -> None:
    hook = put(tmp_path / "w" / "a.webhook.yaml", "profiles: [p/*.yaml]\n" + TEMPLATE)
    put(tmp_path / "w" / "p" / "one.yaml", SUBSCRIBER)
    code, doc = run(str(hook))
    assert (code, doc["summary"]["renders"]) == (0, 1)  # type: ignore[index]
    run(str(hook))
    assert len(checked) == 1
    put(tmp_path / "w" / "p" / "two.yaml", NO_SUBS)  # a new file matches the glob
    code, doc = run(str(hook))
    assert (code, doc["summary"]["renders"], len(checked)) == (1, 2, 2)  # type: ignore[index]
    put(tmp_path / "w" / "p" / "two.yaml", SUBSCRIBER.replace("user-", "u-"))  # edited
    code, _ = run(str(hook))
    assert (code, len(checked)) == (0, 3)
    run(str(hook))
    assert len(checked) == 3


def test_config_and_command_line_profiles_are_part_of_the_key(
    cache: Path, checked: list[str], run: Run, tmp_path: Path
) -> None:
    hook = put(tmp_path / "a.webhook.yaml", TEMPLATE)
    profile = put(tmp_path / "p.yaml", SUBSCRIBER)
    config = put(tmp_path / "c.toml", "")
    run(str(hook), "--profile", str(profile), "--config", str(config))
    run(str(hook), "--profile", str(profile), "--config", str(config))
    assert len(checked) == 1
    put(profile, NO_SUBS)
    code, _ = run(str(hook), "--profile", str(profile), "--config", str(config))
    assert (code, len(checked)) == (1, 2)
    put(config, 'ignore = ["rokt-url", "rokt-subscription-ids"]\n')
    code, _ = run(str(hook), "--profile", str(profile), "--config", str(config))
    assert len(checked) == 3


def test_no_cache_and_templates_that_read_the_clock(
    cache: Path, checked: list[str], run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    hook = put(tmp_path / "a.webhook.yaml", TEMPLATE)
    run(str(hook), "--no-cache")
    run(str(hook), "--no-cache")
    assert len(checked) == 2 and not cache.exists()
    monkeypatch.setenv("ROKT_BRAZE_NO_CACHE", "1")
    run(str(hook))
    assert len(checked) == 3 and not cache.exists()
    monkeypatch.delenv("ROKT_BRAZE_NO_CACHE")
    clock = put(tmp_path / "now.liquid", "{{ 'now' | date: '%Y' }}\n")
    run(str(clock))
    run(str(clock))
    assert checked[3:] == [str(clock)] * 2


def test_a_damaged_entry_or_an_unwritable_cache_is_not_an_error(
    cache: Path, checked: list[str], run: Run, tmp_path: Path
) -> None:
    hook = put(tmp_path / "a.webhook.yaml", TEMPLATE)
    first = run(str(hook))
    [entry] = cache.rglob("*.json")
    entry.write_text("{not json", encoding="utf-8")
    assert run(str(hook)) == first
    assert len(checked) == 2
    assert json.loads(entry.read_text(encoding="utf-8"))["renders"] == 1  # rewritten
    os.environ["ROKT_BRAZE_CACHE_DIR"] = str(hook)  # a file, not a folder
    assert run(str(hook)) == first


@pytest.mark.parametrize(("template", "cold_imports"), [
    (TEMPLATE, "['liquid', 'yaml']"),  # a valid body needs no jsonschema either
    (TEMPLATE.replace('"title"', '"titel"'), "['jsonschema', 'liquid', 'yaml']"),
])  # fmt: skip
def test_a_hit_imports_neither_the_engine_nor_jsonschema(
    tmp_path: Path, template: str, cold_imports: str
) -> None:
    hook = put(tmp_path / "a.webhook.yaml", template)
    probe = ("import sys; from rokt_braze.cli import main; main(['check', sys.argv[1]]); "
             "print(sorted(m for m in ('liquid', 'jsonschema', 'yaml') if m in sys.modules))")
    env = {k: v for k, v in os.environ.items() if k != "ROKT_BRAZE_NO_CACHE"}
    env["ROKT_BRAZE_CACHE_DIR"] = str(tmp_path / "cache")

    def imported() -> tuple[str, str]:
        done = subprocess.run([sys.executable, "-c", probe, str(hook)], env=env,
                              capture_output=True, text=True)
        *report, modules = done.stdout.splitlines()
        return "\n".join(report), modules

    cold_report, cold = imported()
    warm_report, warm = imported()
    assert cold == cold_imports
    assert warm == "[]"
    assert warm_report == cold_report
    assert ("rokt-unknown-field" in cold_report) == ("jsonschema" in cold_imports)


def test_entries_unused_for_thirty_days_are_pruned(
    cache: Path, run: Run, tmp_path: Path
) -> None:
    import time

    from rokt_braze.cache import MAX_AGE_SECONDS, Store

    old = put(tmp_path / "old.webhook.yaml", TEMPLATE)
    new = put(tmp_path / "new.webhook.yaml", TEMPLATE.replace("Event_", "Evt_"))
    run(str(old), str(new))
    entries = sorted(cache.rglob("*.json"), key=lambda p: p.stat().st_mtime)
    assert len(entries) == 2
    now = time.time()
    stale = now - MAX_AGE_SECONDS - 60
    os.utime(entries[0], (stale, stale))
    store = Store(cache, "salt")
    store.prune(now)  # the first run already pruned today: nothing happens
    assert len(list(cache.rglob("*.json"))) == 2
    store.prune(now + 2 * 24 * 3600)
    assert list(cache.rglob("*.json")) == [entries[1]]
    run(str(new))  # a hit refreshes its entry's time
    assert entries[1].stat().st_mtime >= now


def test_findings_name_the_file_as_given_from_any_folder(
    cache: Path, checked: list[str], run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    put(tmp_path / "w" / "a.webhook.yaml", TEMPLATE)
    put(tmp_path / ".rokt-braze.toml", "")  # one config (and root) from both folders
    monkeypatch.chdir(tmp_path)
    _, from_top = run("w/a.webhook.yaml")
    monkeypatch.chdir(tmp_path / "w")
    _, from_inside = run("a.webhook.yaml")
    assert {f["file"] for f in from_top["findings"]} == {"w/a.webhook.yaml"}  # type: ignore[index]
    assert {f["file"] for f in from_inside["findings"]} == {"a.webhook.yaml"}  # type: ignore[index]
    _, again = run("a.webhook.yaml")
    assert again == from_inside and len(checked) == 2
