"""`make dist`, and the wheel installed into a fresh venv outside the source tree (issue 13).

The wheel is installed from its file (never looked up on an index); its dependencies
come from the package index, so this is the slow test of the two marked heavy. It runs
the commands a new provider runs first, in a folder far from this checkout.
"""

from __future__ import annotations

import email.parser
import os
import subprocess
import sys
import tarfile
import venv
import zipfile
from datetime import date, timedelta
from pathlib import Path

import pytest

from tests.conftest import PROJECT
from tests.helpers import a_providers_first_commands, index_reachable

pytestmark = pytest.mark.heavy


def run(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, f"{cmd}\n{done.stdout}\n{done.stderr}"
    return done.stdout


def test_the_wheel_installs_in_a_fresh_venv_and_runs_a_providers_first_commands(
    tmp_path: Path, isolated_git: dict[str, str]
) -> None:
    if not index_reachable():
        pytest.skip("no package index reachable: the wheel's dependencies cannot be installed")
    dist = tmp_path / "dist"
    run(["make", "-s", "dist", f"DIST={dist}"], PROJECT)
    (wheel,) = dist.glob("cqctrack-*.whl")
    (sdist,) = dist.glob("cqctrack-*.tar.gz")

    # The sdist builds the wheel and leaves the tests out on purpose (MANIFEST.in).
    with tarfile.open(sdist) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    assert {"LICENSE", "README.md", "pyproject.toml", "src/cqctrack/__main__.py"} <= names
    assert "src/cqctrack/data/fonts/LICENSE-DejaVu.txt" in names
    assert not any(name.startswith(("tests/", "trackers/", "bench/")) for name in names)
    with zipfile.ZipFile(wheel) as archive:
        listed = set(archive.namelist())
        (metadata_name,) = [n for n in listed if n.endswith(".dist-info/METADATA")]
        metadata = email.parser.Parser().parsestr(archive.read(metadata_name).decode())
    assert metadata["License-Expression"] == "MIT AND Bitstream-Vera"
    assert sorted(metadata.get_all("License-File")) == [
        "LICENSE",
        "src/cqctrack/data/fonts/LICENSE-DejaVu.txt",
    ]
    assert "Programming Language :: Python :: 3.13" in metadata.get_all("Classifier")
    assert "cqctrack/reports/pack/templates/pack.typ" in listed
    license_text = (PROJECT / "LICENSE").read_text()
    assert license_text.startswith("MIT License\n")

    # A fresh venv, far from the source tree: nothing of this checkout on its path.
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    dropped = ("PYTHONPATH", "VIRTUAL_ENV", "GIT_AUTHOR_DATE", "GIT_COMMITTER_DATE")
    env = {k: v for k, v in os.environ.items() if k not in dropped}  # today, as a user has it
    run([str(python), "-m", "pip", "install", "--quiet", str(wheel)], tmp_path, env)
    where = run([str(python), "-c", "import cqctrack; print(cqctrack.__file__)"], tmp_path, env)
    assert where.startswith(str(env_dir)), where
    assert not where.startswith(str(PROJECT))

    cqctrack = str(env_dir / "bin" / "cqctrack")
    work = tmp_path / "provider"
    work.mkdir()
    today = date.today()

    def cqc(*args: str) -> str:
        return run([cqctrack, *args], work / "trackers" if args[0] != "init" else work, env)

    assert "Committed the new files." in a_providers_first_commands(cqc, "trackers")
    cqc("new", "measure", "--concern", "MED-C1", "--title", "Complete medicines records",
        "--target", "95", "--sustain", "3")  # fmt: skip
    cqc("new", "action", "--concern", "MED-C1", "--title", "Competency checks", "--owner",
        "tokafor", "--due", (today + timedelta(days=3)).isoformat(), "--risk", "high",
        "--requires", "Observed competency check=competency-assessment", "--outcome",
        "No repeat omissions by the same staff member for three months")  # fmt: skip
    assert cqc("check") == "Checked 5 files: no problems found.\n"
    review = cqc("review")
    assert "MED-001" in review and "Amber" in review
    assert "why: due in 3 days" in review
    assert cqc("--version") == f"cqctrack {metadata['Version']}\n"
    assert sys.executable not in review
