"""The hostile-input suite runs the command line in-process (fast, and no traceback can
hide in a subprocess's stderr): the `cli` fixture."""

from __future__ import annotations

import pytest
from hostile_helpers import Run

from rokt_braze.cli import main


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Run:
    def run(*args: str) -> tuple[int, str, str]:
        capsys.readouterr()
        code = main(list(args))
        out, err = capsys.readouterr()
        return code, out, err

    return run
