"""`--profile FOLDER` for check and render, read as `audience` reads a folder: every file
under it (recursively), hidden files and `_`-prefixed markers left out."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rokt_braze.cli import main

REPO = Path(__file__).resolve().parents[2]
CREATE = REPO / "templates" / "rokt-create-event.webhook.yaml"
SUBSCRIBER = (REPO / "examples" / "profiles" / "subscriber.yaml").read_text(encoding="utf-8")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """Two profile files (one nested), and what a listing skips."""
    root = tmp_path / "profiles"
    (root / "more").mkdir(parents=True)
    (root / "a.json").write_text(json.dumps({"external_id": "in-a"}), encoding="utf-8")
    (root / "more" / "b.jsonl").write_text(json.dumps({"external_id": "in-b"}) + "\n",
                                          encoding="utf-8")
    (root / ".hidden.json").write_text("not json", encoding="utf-8")
    (root / "_SUCCESS").write_text("", encoding="utf-8")
    (root / ".git").mkdir()
    (root / ".git" / "HEAD").write_text("ref: x", encoding="utf-8")
    return root


def profiles_of(out: str) -> set[str]:
    """The users the findings of check --format json name."""
    return {name for entry in json.loads(out)["findings"] for name in entry.get("profiles", ())}


def test_check_renders_every_profile_file_under_the_folder(
    capsys: pytest.CaptureFixture[str], folder: Path
) -> None:
    code, out, err = run(capsys, "check", str(CREATE), "--profile", str(folder),
                         "--format", "json")
    assert err == "" and code == 1  # neither user carries an account code
    assert json.loads(out)["summary"]["renders"] == 2
    assert profiles_of(out) == {"in-a", "in-b"}


def test_check_and_audience_read_the_same_users_from_a_folder(
    capsys: pytest.CaptureFixture[str], folder: Path
) -> None:
    checked = json.loads(run(capsys, "check", str(CREATE), "--profile", str(folder),
                             "--format", "json")[1])
    audience = json.loads(run(capsys, "audience", str(CREATE), "--profile", str(folder),
                              "-j", "1", "--format", "json")[1])
    assert checked["summary"]["renders"] == audience["summary"]["users"] == 2
    assert audience["summary"]["malformed_lines"] == 0
    users = {e["user"] for rule in audience["rules"] for e in rule["examples"]}
    assert users == profiles_of(json.dumps(checked)) == {"in-a", "in-b"}


def test_a_cached_check_sees_a_file_added_to_the_folder(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, folder: Path,
    tmp_path: Path
) -> None:
    monkeypatch.delenv("ROKT_BRAZE_NO_CACHE", raising=False)
    monkeypatch.setenv("ROKT_BRAZE_CACHE_DIR", str(tmp_path / "cache"))
    args = ("check", str(CREATE), "--profile", str(folder), "--format", "json")
    assert profiles_of(run(capsys, *args)[1]) == {"in-a", "in-b"}
    (folder / "more" / "c.yaml").write_text("external_id: in-c\n", encoding="utf-8")
    assert profiles_of(run(capsys, *args)[1]) == {"in-a", "in-b", "in-c"}


def test_a_bad_file_in_the_folder_is_named(
    capsys: pytest.CaptureFixture[str], folder: Path
) -> None:
    (folder / "more" / "export.zip").write_bytes(b"PK\x03\x04\x00\x00")
    code, _, err = run(capsys, "check", str(CREATE), "--profile", str(folder))
    assert code == 2
    assert err == (f"rokt-braze: {folder / 'more' / 'export.zip'}: binary file, not a profile "
                   "(JSON, JSON Lines or YAML; `rokt-braze audience` reads zip and Parquet "
                   "exports)\n")


def test_an_empty_folder_says_so(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    code, _, err = run(capsys, "check", str(CREATE), "--profile", str(tmp_path / "empty"))
    assert code == 2
    assert err == f"rokt-braze: {tmp_path / 'empty'}: a folder holding no profile files\n"


def test_render_takes_a_folder_of_one_profile(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "one").mkdir()
    (tmp_path / "one" / "subscriber.yaml").write_text(SUBSCRIBER, encoding="utf-8")
    by_folder = run(capsys, "render", str(CREATE), "--profile", str(tmp_path / "one"))
    by_file = run(capsys, "render", str(CREATE), "--profile",
                  str(tmp_path / "one" / "subscriber.yaml"))
    assert by_folder == by_file and by_file[0] == 0


def test_render_asks_for_one_file_of_a_folder_of_several(
    capsys: pytest.CaptureFixture[str], folder: Path
) -> None:
    code, out, err = run(capsys, "render", str(CREATE), "--profile", str(folder))
    assert (code, out) == (2, "")
    assert err == (f"rokt-braze: {folder}: holds 2 profiles; render takes one (name one of "
                   "its files)\n")
