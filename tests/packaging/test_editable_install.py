"""An editable install (`pip install -e .`) is visible to type checkers.

setuptools makes an editable install either a `.pth` path entry or an import hook; mypy
and pyright read the first and cannot follow the second. The editable wheel is built
with setuptools' own PEP 660 hook from a copy of the project, installed into a scratch
virtual environment the way pip installs a wheel (unpacked into site-packages), and
mypy, run from that environment, must resolve `rokt_braze` and its types.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
#: No PYTHONPATH: the scratch environment must find the package through its install alone.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}

PROBE = """\
import rokt_braze

result: rokt_braze.CheckResult = rokt_braze.check("templates/")
reveal_type(rokt_braze.render_webhook)
"""


def build_editable_wheel(project: Path, out: Path) -> Path:
    code = ("import sys; from setuptools import build_meta; "
            "print(build_meta.build_editable(sys.argv[1]))")
    done = subprocess.run([sys.executable, "-c", code, str(out)], cwd=project,
                          capture_output=True, text=True, timeout=300, env=ENV)
    assert done.returncode == 0, done.stderr[-2000:]
    return out / done.stdout.strip().splitlines()[-1]


def test_an_editable_install_is_a_path_entry_mypy_follows(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, project / name)
    shutil.copytree(ROOT / "rokt_braze", project / "rokt_braze",
                    ignore=shutil.ignore_patterns("__pycache__"))
    wheel = build_editable_wheel(project, tmp_path)
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
        pth = [n for n in names if n.endswith(".pth")]
        assert len(pth) == 1, names
        assert zf.read(pth[0]).decode().strip() == str(project)
        assert not [n for n in names if n.endswith("_finder.py")]  # no import hook

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", "--without-pip",
                    str(venv)], check=True, timeout=120, env=ENV)
    python = venv / "bin" / "python"
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        capture_output=True, text=True, check=True, env=ENV).stdout.strip()
    assert purelib != sysconfig.get_path("purelib")
    with zipfile.ZipFile(wheel) as zf:
        zf.extractall(purelib)
    probe = tmp_path / "probe.py"
    probe.write_text(PROBE, encoding="utf-8")
    done = subprocess.run([str(python), "-m", "mypy", "--no-incremental", "--strict",
                           str(probe)], cwd=tmp_path, capture_output=True, text=True,
                          timeout=300, env=ENV)
    assert done.returncode == 0, done.stdout + done.stderr
    assert 'Revealed type is "def (' in done.stdout
    assert str(project / "rokt_braze") in subprocess.run(
        [str(python), "-c", "import rokt_braze; print(rokt_braze.__file__)"],
        capture_output=True, text=True, check=True, cwd=tmp_path, env=ENV).stdout
