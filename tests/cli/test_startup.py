"""Start-up conventions: Ctrl-C at any moment exits 130 without a traceback; FORCE_COLOR."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

CQCTRACK = Path(sys.executable).parent / "cqctrack"

# Raise KeyboardInterrupt (what Python's SIGINT handler raises) while one module of the
# command line is being imported, then start cqctrack as the console script does.
INTERRUPT_DURING_IMPORT = """
import sys

class Interrupt:
    def find_spec(self, name, path=None, target=None):
        if name == {module!r}:
            raise KeyboardInterrupt
        return None

sys.meta_path.insert(0, Interrupt())
from cqctrack.__main__ import main
main()
"""


# Lose a KeyboardInterrupt as Python does when Ctrl-C lands in a weakref callback (as
# importlib's module locks have): "Exception ignored in ...", a traceback, and the run
# carries on. Here it is lost while the command line is imported.
INTERRUPT_LOST_IN_A_CALLBACK = """
import sys
import weakref

class Lost:
    def find_spec(self, name, path=None, target=None):
        if name == "cqctrack.cli":
            sys.meta_path.remove(self)
            class Thing:
                pass
            def callback(_ref):
                raise KeyboardInterrupt
            thing = Thing()
            ref = weakref.ref(thing, callback)
            del thing
        return None

sys.meta_path.insert(0, Lost())
import cqctrack.__main__ as start
start.REDELIVER_AFTER = {after}
start.main()
"""


def plain_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "NO_COLOR")}


# Each is imported at a different stage of `cqctrack check`: before the command line
# exists, while it is built (only the command run is), and inside the command itself.
@pytest.mark.parametrize(
    "module", ["typer", "cqctrack.cli", "cqctrack.cli.check", "cqctrack.read.check"]
)
def test_ctrl_c_while_starting_up_exits_130_without_a_traceback(module: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", INTERRUPT_DURING_IMPORT.format(module=module), "check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 130, done.stderr
    assert done.stderr == "interrupted\n"
    assert done.stdout == ""


def test_a_ctrl_c_that_python_would_drop_in_a_callback_still_stops_the_run(repo: Path) -> None:
    script = INTERRUPT_LOST_IN_A_CALLBACK.format(after=0.01)  # cqctrack's own delay
    done = subprocess.run(
        [sys.executable, "-c", script, "--repo", str(repo), "check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert "Exception ignored" not in done.stderr
    assert "Traceback" not in done.stderr
    assert done.stderr == "interrupted\n"
    assert done.returncode == 130
    assert done.stdout == ""  # the check never ran to its answer


def test_a_lost_ctrl_c_is_still_said_when_the_run_ends_before_it_comes_back(
    repo: Path,
) -> None:
    # The check is done long before a minute: the interruption is delivered as it ends,
    # not left to a timer that would fire in Python's shutdown.
    script = INTERRUPT_LOST_IN_A_CALLBACK.format(after=60)
    done = subprocess.run(
        [sys.executable, "-c", script, "--repo", str(repo), "check"],
        capture_output=True,
        text=True,
        check=False,
        timeout=50,
    )
    assert done.returncode == 130, done.stderr
    assert done.stderr == "interrupted\n"


def test_a_real_ctrl_c_at_any_moment_of_start_up_never_shows_a_traceback(repo: Path) -> None:
    codes = []
    for delay in (0.05, 0.15, 0.3):
        process = subprocess.Popen(
            [str(CQCTRACK), "--repo", str(repo), "review", "--all", "--as-of", "2026-11-23"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        time.sleep(delay)
        process.send_signal(signal.SIGINT)
        _out, err = process.communicate(timeout=60)
        if process.returncode == 1 and err.startswith("Fatal Python error: init_"):
            # On a loaded machine the signal can land while Python itself is starting
            # (its site module, its standard streams), before a line of cqctrack runs:
            # CPython's own fatal error, outside cqctrack's reach.
            continue
        assert "Traceback" not in err, err
        # Before Python installs its handler the signal ends the process itself (-2); a
        # run that finished before the signal came exits 0.
        assert process.returncode in (130, -signal.SIGINT, 0), (process.returncode, err)
        if process.returncode == 130:
            assert err.endswith("interrupted\n"), err
        codes.append(process.returncode)
    assert 130 in codes, codes  # at least one signal landed inside cqctrack


def test_force_color_colours_check_output_even_when_piped(repo: Path) -> None:
    args = [str(CQCTRACK), "--repo", str(repo), "check", "--as-of", "2026-11-23"]
    forced = subprocess.run(
        args, capture_output=True, text=True, env={**plain_env(), "FORCE_COLOR": "1"}, check=False
    )
    assert forced.stdout == "\x1b[1mChecked 6 files: no problems found.\x1b[0m\n"
    piped = subprocess.run(args, capture_output=True, text=True, env=plain_env(), check=False)
    assert piped.stdout == "Checked 6 files: no problems found.\n"
    # NO_COLOR wins over FORCE_COLOR.
    both = {**plain_env(), "FORCE_COLOR": "1", "NO_COLOR": "1"}
    quiet = subprocess.run(args, capture_output=True, text=True, env=both, check=False)
    assert quiet.stdout == "Checked 6 files: no problems found.\n"


def test_a_ctrl_c_that_a_library_turned_into_its_own_error_is_still_an_interruption() -> None:
    # pydantic builds validators in Rust: a Ctrl-C then comes out as a SchemaError whose
    # message ends "KeyboardInterrupt: " (seen in a real run of the test above).
    import pydantic_core

    from cqctrack.cli import _interrupted

    text = (
        'Error building "model" validator:\n  SchemaError: Field "decision":\n  KeyboardInterrupt: '
    )
    assert _interrupted(pydantic_core.SchemaError(text))
    try:
        try:
            raise KeyboardInterrupt
        except KeyboardInterrupt as inner:
            raise RuntimeError("wrapped") from inner
    except RuntimeError as outer:
        assert _interrupted(outer)
    assert not _interrupted(ValueError("a real bug"))
    assert not _interrupted(pydantic_core.SchemaError("Field 'x': bad schema"))
