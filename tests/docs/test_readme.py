"""The README's sample output is what the commands print: each ```console block's
`$ rokt-braze ...` line is run and its output compared with the block, so no sample is
written by hand. Set UPDATE_README=1 to rewrite the blocks from real runs instead."""

from __future__ import annotations

import os
import re
import shlex
import shutil
from pathlib import Path

import pytest

from rokt_braze.cli import main

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
CREATE = (ROOT / "templates" / "rokt-create-event.webhook.yaml").read_text(encoding="utf-8")
#: Files the README's examples name, besides the repository's own.
SETUP = {
    "my.webhook.yaml": CREATE.replace(
        "{% capture eventTZ %}Eastern Standard Time{% endcapture %}",
        "{% capture eventTZ %}America/New_York{% endcapture %}"),
}
BLOCK = re.compile(r"```console\n\$ (?P<command>[^\n]*)\n(?P<output>.*?)```", re.S)


def blocks() -> list[re.Match[str]]:
    return list(BLOCK.finditer(README.read_text(encoding="utf-8")))


def run(command: str, capsys: pytest.CaptureFixture[str]) -> str:
    argv = shlex.split(command)
    assert argv[0] == "rokt-braze", command
    main(argv[1:])
    return capsys.readouterr().out


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(ROOT / "templates", tmp_path / "templates")
    for name, text in SETUP.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_the_readme_has_console_examples() -> None:
    assert SETUP["my.webhook.yaml"] != CREATE
    assert len(blocks()) >= 2


@pytest.mark.parametrize("index", range(len(blocks())))
def test_each_console_example_is_real_output(
    index: int, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    block = blocks()[index]
    actual = run(block["command"], capsys)
    if os.environ.get("UPDATE_README"):
        text = README.read_text(encoding="utf-8")
        README.write_text(text.replace(block.group(0), block.group(0).replace(
            block["output"], actual)), encoding="utf-8")
        return
    assert block["output"] == actual
