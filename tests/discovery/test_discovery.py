"""Which files `rokt-braze check` looks at: ruff's rules for walking a folder."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from rokt_braze.cli import main
from rokt_braze.config import Config, parse_config
from rokt_braze.discovery import discover, rebase
from rokt_braze.errors import InputError

ROOT = Path(__file__).resolve().parents[2]
GOOD = (ROOT / "templates" / "rokt-create-event.webhook.yaml").read_text(encoding="utf-8")
BROKEN = GOOD.replace('"title": "{{eventTitle}}"', '"title": "{{eventTitle | }}"')


def put(path: Path, text: str = GOOD) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def git_init(repo: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    subprocess.run(["git", "init", "-q", str(repo)], check=True, env=env)


def names(found: list[str], base: Path) -> list[str]:
    return [Path(os.path.relpath(p, base)).as_posix() for p in found]


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository as `pip install .` and a virtual environment leave it."""
    repo = tmp_path / "repo"
    git_init(repo)
    put(repo / ".gitignore", "out/\n*.draft.liquid\n")
    put(repo / "webhooks" / "create.webhook.yaml")
    put(repo / "webhooks" / "nested" / "b.liquid", "Hi {{${first_name}}}\n")
    for copy in ("build/lib/webhooks", "dist/webhooks", "out/webhooks", ".hidden",
                 "venv", "env/lib", "node_modules/x"):
        put(repo / copy / "create.webhook.yaml", BROKEN)
    put(repo / "env" / "pyvenv.cfg", "home = /usr/bin\n")  # a venv under any name
    put(repo / "webhooks" / "wip.draft.liquid", "{{ x | }}")
    return repo


def test_a_git_repository_with_an_ignored_build_copy_reports_nothing_from_it(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(repo)
    assert main(["check", "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["summary"]["files"] == 2
    assert {f["file"] for f in doc["findings"]} <= {"webhooks/create.webhook.yaml",
                                                    "webhooks/nested/b.liquid"}
    assert names(discover(["."]), repo) == ["webhooks/create.webhook.yaml",
                                            "webhooks/nested/b.liquid"]


def test_gitignore_files_below_and_above_and_info_exclude(repo: Path) -> None:
    put(repo / "webhooks" / "nested" / ".gitignore", "*.liquid\n!keep.liquid\n")
    put(repo / "webhooks" / "nested" / "keep.liquid", "x\n")
    put(repo / "webhooks" / "local.webhook.yaml")
    put(repo / ".git" / "info" / "exclude", "local.webhook.yaml\n")
    # walking from a subfolder still obeys the root's .gitignore and info/exclude
    put(repo / "webhooks" / "out" / "c.webhook.yaml")
    found = names(discover([repo / "webhooks"]), repo)
    assert found == ["webhooks/create.webhook.yaml", "webhooks/nested/keep.liquid"]


def test_outside_a_repository_gitignore_files_in_the_tree_still_count(tmp_path: Path) -> None:
    put(tmp_path / "t" / ".gitignore", "old/\n")
    put(tmp_path / "t" / "old" / "a.webhook.yaml")
    put(tmp_path / "t" / "new" / "a.webhook.yaml")
    assert names(discover([tmp_path / "t"]), tmp_path) == ["t/new/a.webhook.yaml"]


def test_a_file_named_explicitly_is_checked_wherever_it_is(repo: Path) -> None:
    path = repo / "build" / "lib" / "webhooks" / "create.webhook.yaml"
    assert discover([path]) == [str(path)]
    assert names(discover([repo / "build"]), repo) == ["build/lib/webhooks/create.webhook.yaml"]


def config_of(repo: Path, **table: object) -> Config:
    return parse_config(dict(table), root=repo, source=str(repo / ".rokt-braze.toml"))


def test_extend_exclude_adds_and_exclude_replaces_the_defaults(repo: Path) -> None:
    cfg = config_of(repo, **{"extend-exclude": ["nested/"]})
    assert names(discover([repo], cfg), repo) == ["webhooks/create.webhook.yaml"]
    cfg = config_of(repo, exclude=["webhooks/nested"])
    found = names(discover([repo], cfg), repo)
    # the default list is gone (build/, dist/, venv/ ...); hidden folders, venvs by
    # pyvenv.cfg and .gitignore still apply
    assert found == ["build/lib/webhooks/create.webhook.yaml", "dist/webhooks/create.webhook.yaml",
                     "node_modules/x/create.webhook.yaml", "venv/create.webhook.yaml",
                     "webhooks/create.webhook.yaml"]
    # a file named explicitly but excluded by the config (a pre-commit hook passes names)
    assert discover([repo / "webhooks" / "nested" / "b.liquid"], cfg) == []


def test_command_line_excludes_are_relative_to_the_working_folder(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    put(repo / ".rokt-braze.toml", 'fail-on = "error"\n')
    monkeypatch.chdir(repo / "webhooks")
    assert main(["check", ".", "--format", "json", "--extend-exclude", "/nested"]) == 0
    assert json.loads(capsys.readouterr().out)["summary"]["files"] == 1
    assert main(["check", "..", "--format", "json", "--exclude", "nested/"]) == 1  # build/ back
    files = {f["file"] for f in json.loads(capsys.readouterr().out)["findings"]}
    assert os.path.join("..", "build", "lib", "webhooks", "create.webhook.yaml") in files
    assert rebase("/nested", repo / "webhooks", repo) == "/webhooks/nested"
    assert rebase("!a/b", repo / "webhooks", repo) == "!/webhooks/a/b"
    assert rebase("*.liquid", repo / "webhooks", repo) == "*.liquid"


def test_a_fifo_with_a_template_name_does_not_block(tmp_path: Path) -> None:
    put(tmp_path / "a.webhook.yaml")
    os.mkfifo(tmp_path / "b.webhook.yaml")
    code = ("import sys; from rokt_braze.discovery import discover; "
            "print(discover([sys.argv[1]]))")
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True,
                          text=True, timeout=60, check=True)
    assert done.stdout.strip() == repr([str(tmp_path / "a.webhook.yaml")])
    named = subprocess.run([sys.executable, "-m", "rokt_braze.cli", "check",
                            str(tmp_path / "b.webhook.yaml")], capture_output=True, text=True,
                           timeout=60)
    assert named.returncode == 2
    assert named.stderr == f"rokt-braze: {tmp_path / 'b.webhook.yaml'}: not a regular file\n"


def test_a_folder_without_templates_and_a_missing_path_are_input_errors(tmp_path: Path) -> None:
    put(tmp_path / "build" / "a.webhook.yaml")
    with pytest.raises(InputError, match="no templates here"):
        discover([tmp_path])
    with pytest.raises(InputError, match="no such file or directory"):
        discover([tmp_path / "missing"])


def test_symlinked_folders_are_not_followed_symlinked_files_are(tmp_path: Path) -> None:
    put(tmp_path / "real" / "a.webhook.yaml")
    (tmp_path / "real" / "loop").symlink_to(tmp_path / "real")  # would never end
    (tmp_path / "real" / "b.webhook.yaml").symlink_to(tmp_path / "real" / "a.webhook.yaml")
    (tmp_path / "real" / "dangling.liquid").symlink_to(tmp_path / "nowhere.liquid")
    assert names(discover([tmp_path / "real"]), tmp_path) == ["real/a.webhook.yaml",
                                                              "real/b.webhook.yaml"]
