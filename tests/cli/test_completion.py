"""Shell completion of ids, tracker slugs and people from the repository (bash, zsh, fish).

bash runs for real (the script `--show-completion bash` prints, sourced, and its function
called as bash calls it on Tab); zsh and fish are driven through the same protocol their
scripts use (zsh and fish are not on every machine that runs the suite).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

CQCTRACK = Path(sys.executable).parent / "cqctrack"


def env(**extra: str) -> dict[str, str]:
    path = f"{CQCTRACK.parent}{os.pathsep}{os.environ['PATH']}"
    return {**os.environ, "PATH": path, **extra}


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
def test_bash_completes_action_ids_from_the_repository(repo: Path) -> None:
    shown = subprocess.run(
        [str(CQCTRACK), "--show-completion", "bash"],
        capture_output=True, text=True, env=env(),
    )  # fmt: skip
    assert shown.returncode == 0, shown.stderr
    script = shown.stdout
    driver = (
        script
        + f"\nCOMP_WORDS=(cqctrack --repo {repo} close MED-00); COMP_CWORD=4\n"
        + '_cqctrack_completion cqctrack\nprintf "%s\\n" "${COMPREPLY[@]}"\n'
    )
    done = subprocess.run(
        ["bash", "--norc", "-c", driver], capture_output=True, text=True, env=env(), check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["MED-001", "MED-002"]
    assert done.stderr == ""


def zsh(line: str, cwd: Path) -> list[str]:
    done = subprocess.run(
        [str(CQCTRACK)],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env(_CQCTRACK_COMPLETE="complete_zsh", _TYPER_COMPLETE_ARGS=line),
        check=False,
    )
    assert done.returncode == 0 and done.stderr == "", done.stderr
    return done.stdout.splitlines()


def test_zsh_completes_people_and_trackers_with_their_names(repo: Path) -> None:
    assert zsh("cqctrack new action --owner t", repo) == [
        '_arguments \'*: :(("tokafor":"Tunde Okafor, medicines-lead"))\''
    ]
    assert zsh("cqctrack review --tracker ", repo) == [
        '_arguments \'*: :(("riverside":"Riverside Homecare"))\''
    ]


def test_fish_completes_concerns_and_measures_with_short_descriptions(repo: Path) -> None:
    def fish(line: str) -> list[str]:
        done = subprocess.run(
            [str(CQCTRACK)],
            capture_output=True,
            text=True,
            cwd=repo,
            env=env(
                _CQCTRACK_COMPLETE="complete_fish",
                _TYPER_COMPLETE_ARGS=line,
                _TYPER_COMPLETE_FISH_ACTION="get-args",
            ),
            check=False,
        )
        assert done.returncode == 0 and done.stderr == "", done.stderr
        return done.stdout.splitlines()

    assert [row.split("\t")[0] for row in fish("cqctrack new measure --concern ")] == ["MED-C1"]
    assert [row.split("\t")[0] for row in fish("cqctrack measure record ")] == ["MED-M1"]
    shown = fish("cqctrack show MED")
    assert [row.split("\t")[0] for row in shown] == [
        "MED-001", "MED-002", "MED-C1", "MED-M1",
    ]  # fmt: skip
    assert all(len(row.split("\t")[1]) <= 50 for row in shown)


def test_outside_a_tracker_repository_completion_offers_nothing_and_says_nothing(
    tmp_path: Path,
) -> None:
    assert zsh("cqctrack show MED", tmp_path) == ["_files"]  # zsh's own file completion
