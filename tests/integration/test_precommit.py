"""The pre-commit hook end to end, the way a user's commit runs it.

pre-commit installs rokt-braze (with pip, from PyPI for its dependencies) from a git
snapshot of this working tree, using `examples/pre-commit-config.yaml` pointed at that
snapshot, then runs the hook on files in a scratch repository.

Why not `pre-commit try-repo`: it builds a throwaway hook store per call (so every call
reinstalls the environment) and its temporary commit leaves untracked files out. A
snapshot commit plus one `PRE_COMMIT_HOME` per session gives one install for all tests
here and exercises the exact files on disk.

pre-commit must be installed (it is in the `test` extra): these tests fail, never skip,
without it.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "templates" / "rokt-create-event.webhook.yaml"
GOOD_TITLE = '"title": "{{eventTitle}}"'
#: A filter bar with no filter name: a Liquid syntax error on line 25 of the file.
BROKEN_TITLE = '"title": "{{eventTitle | }}"'


def pre_commit_command() -> list[str]:
    """`python -m pre_commit` for this interpreter, or a loud failure."""
    if importlib.util.find_spec("pre_commit") is None:
        pytest.fail("pre-commit is not installed; install the test extra: pip install '.[test]'")
    return [sys.executable, "-m", "pre_commit"]


def clean_env(**extra: str) -> dict[str, str]:
    """No GIT_* variables leak in (tests may themselves run inside a git hook)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.com",
               GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.com",
               GIT_CONFIG_NOSYSTEM="1", PRE_COMMIT_COLOR="never", **extra)
    return env


def git(*args: str, cwd: Path) -> str:
    done = subprocess.run(["git", "-c", "commit.gpgsign=false", *args], cwd=cwd,
                          env=clean_env(), capture_output=True, text=True, check=True)
    return done.stdout


def snapshot_working_tree(dest: Path) -> str:
    """Commit tracked and untracked (not ignored) files of this checkout into `dest`."""
    listed = git("ls-files", "-z", "--cached", "--others", "--exclude-standard", cwd=ROOT)
    for name in filter(None, listed.split("\0")):
        src = ROOT / name
        if not src.is_symlink() and not src.is_file():
            continue  # deleted in the working tree, still in the index
        target = dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, target, follow_symlinks=False)
    git("init", "-q", cwd=dest)
    git("add", "-A", cwd=dest)
    git("commit", "-q", "-m", "snapshot", cwd=dest)
    return git("rev-parse", "HEAD", cwd=dest).strip()


@dataclass
class HookRepo:
    """A user's repository with the hook configured and installed."""

    path: Path
    env: dict[str, str]

    def run(self, *files: str, config: str = ".pre-commit-config.yaml"
            ) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*pre_commit_command(), "run", "-c", config, "rokt-braze",
                               "--files", *files],
                              cwd=self.path, env=self.env, capture_output=True, text=True)


@pytest.fixture(scope="session")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HookRepo]:
    command = pre_commit_command()
    snapshot = tmp_path_factory.mktemp("rokt-braze-snapshot")
    rev = snapshot_working_tree(snapshot)

    user = tmp_path_factory.mktemp("user-repo")
    template = TEMPLATE.read_text(encoding="utf-8")
    assert GOOD_TITLE in template
    (user / "good.webhook.yaml").write_text(template, encoding="utf-8")
    broken = template.replace(GOOD_TITLE, BROKEN_TITLE)
    (user / "broken.webhook.yaml").write_text(broken, encoding="utf-8")
    (user / "notes.yaml").write_text(broken, encoding="utf-8")  # not a webhook by name
    config = yaml.safe_load((ROOT / "examples" / "pre-commit-config.yaml").read_text())
    config["repos"][0].update(repo=str(snapshot), rev=rev)
    (user / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    git("init", "-q", cwd=user)
    git("add", "-A", cwd=user)

    env = clean_env(PRE_COMMIT_HOME=str(tmp_path_factory.mktemp("pre-commit-home")))
    install = subprocess.run([*command, "install-hooks"], cwd=user, env=env,
                             capture_output=True, text=True)
    assert install.returncode == 0, install.stdout + install.stderr
    yield HookRepo(user, env)


def test_the_hook_passes_a_good_webhook(hook_repo: HookRepo) -> None:
    done = hook_repo.run("good.webhook.yaml")
    assert done.returncode == 0, done.stdout + done.stderr
    assert re.search(r"^rokt-braze\.+Passed$", done.stdout, re.M), done.stdout


def test_the_hook_fails_a_liquid_syntax_error_at_its_line(hook_repo: HookRepo) -> None:
    done = hook_repo.run("broken.webhook.yaml")
    assert done.returncode == 1, done.stdout + done.stderr
    assert re.search(r"^rokt-braze\.+Failed$", done.stdout, re.M), done.stdout
    assert "- exit code: 1" in done.stdout
    assert re.search(r"^broken\.webhook\.yaml:25:\d+: liquid-syntax ", done.stdout, re.M), \
        done.stdout


def test_only_the_broken_file_is_reported(hook_repo: HookRepo) -> None:
    done = hook_repo.run("good.webhook.yaml", "broken.webhook.yaml")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "broken.webhook.yaml:25:" in done.stdout
    # the stock template may draw warnings (shown, not failing); never an error
    good = [line for line in done.stdout.splitlines() if line.startswith("good.webhook.yaml:")]
    assert all(re.search(r": [\w-]+ \((warning|info)\) ", line) for line in good), good


def test_files_not_named_like_webhooks_are_left_alone(hook_repo: HookRepo) -> None:
    done = hook_repo.run("notes.yaml")
    assert done.returncode == 0, done.stdout + done.stderr
    assert re.search(r"^rokt-braze\.+\(no files to check\)Skipped$", done.stdout, re.M), \
        done.stdout


def test_the_hook_with_fix_fixes_and_stops_the_commit(hook_repo: HookRepo) -> None:
    """`args: [--fix]` (the example config's option): the stock template's fixable
    warnings are fixed in the working tree, and pre-commit fails the hook because files
    changed, so the user reviews and stages them; the next run passes untouched."""
    config = yaml.safe_load((hook_repo.path / ".pre-commit-config.yaml").read_text())
    config["repos"][0]["hooks"][0]["args"] = ["--fix"]
    (hook_repo.path / "fix.pre-commit-config.yaml").write_text(yaml.safe_dump(config),
                                                               encoding="utf-8")
    path = hook_repo.path / "fixable.webhook.yaml"
    path.write_text(TEMPLATE.read_text(encoding="utf-8"), encoding="utf-8")
    git("add", "fixable.webhook.yaml", cwd=hook_repo.path)
    done = hook_repo.run("fixable.webhook.yaml", config="fix.pre-commit-config.yaml")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "- files were modified by this hook" in done.stdout
    assert re.search(r"^Fixed 2 findings \(1 remaining\)\.$", done.stdout, re.M), done.stdout
    assert '"notifyBefore": {{notifyBefore}}' in path.read_text(encoding="utf-8")
    git("add", "fixable.webhook.yaml", cwd=hook_repo.path)
    again = hook_repo.run("fixable.webhook.yaml", config="fix.pre-commit-config.yaml")
    assert again.returncode == 0, again.stdout + again.stderr


def test_manifest_and_example_config_are_valid() -> None:
    command = pre_commit_command()
    for sub, path in (("validate-manifest", ".pre-commit-hooks.yaml"),
                      ("validate-config", "examples/pre-commit-config.yaml")):
        done = subprocess.run([*command, sub, path], cwd=ROOT, env=clean_env(),
                              capture_output=True, text=True)
        assert done.returncode == 0, f"{path}: {done.stdout}{done.stderr}"


@pytest.mark.parametrize(("name", "selected"), [
    ("a.webhook.yaml", True),
    ("dir/a.webhook.yml", True),
    ("blocks/footer.liquid", True),
    ("a.yaml", False),
    ("a.webhook.yaml.orig", False),
    ("a.liquid.json", False),
])
def test_hook_file_pattern(name: str, selected: bool) -> None:
    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert hook["id"] == "rokt-braze"
    assert hook["entry"] == "rokt-braze check"
    assert bool(re.search(hook["files"], name)) is selected
