"""A read command asked again with nothing changed gives the same answer without working
it out again; anything it read that changes means it is worked out afresh.

Each test runs the real entry point in a child process, as a user's shell does. The child
notes whether it needed the command line (typer) at all: a replayed answer never does.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from cqctrack import replay, sealed
from tests.conftest import commit_all, git

PROJECT = Path(__file__).resolve().parents[1]
DRIVER = """
import atexit, sys
note = sys.argv.pop(1)
atexit.register(lambda: open(note, "w").write("afresh" if "typer" in sys.modules else "replayed"))
from cqctrack.__main__ import main
main()
"""
COMMANDS = [
    ["review", "--overdue", "--as-of", "2026-11-23"],
    ["review"],
    ["check", "--as-of", "2026-11-23"],
    ["summary", "--as-of", "2026-11-23", "--format", "json"],
    ["history", "MED-003"],
    ["show", "STF-002"],
]
REVIEW = ["review", "--all", "--as-of", "2026-11-23"]


class Ran:
    def __init__(self, done: subprocess.CompletedProcess[bytes], how: str) -> None:
        self.code, self.out, self.err, self.how = done.returncode, done.stdout, done.stderr, how

    def answer(self) -> tuple[int, bytes, bytes]:
        return self.code, self.out, self.err


def run(root: Path, args: list[str], **env: str) -> Ran:
    note = root.parent / "how.txt"
    done = subprocess.run(
        [sys.executable, "-c", DRIVER, str(note), *args],
        cwd=root,
        env={**os.environ, **env},
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert b"Traceback" not in done.stderr, done.stderr.decode()
    return Ran(done, note.read_text())


def afresh(root: Path, args: list[str], **env: str) -> Ran:
    ran = run(root, args, CQCTRACK_NO_REPLAY="1", **env)
    assert ran.how == "afresh"
    return ran


def settle() -> None:
    # A run keeps no answer while a file it read changed within the last second (it might
    # change again within the timestamps' resolution), as git trusts its index.
    time.sleep(1.1)


@pytest.fixture
def examples(tmp_path: Path, isolated_git: dict[str, str]) -> Path:
    root = tmp_path / "examples"
    root.mkdir()
    shutil.copy(PROJECT / "cqctrack.yaml", root / "cqctrack.yaml")
    shutil.copytree(PROJECT / "trackers", root / "trackers")
    shutil.copytree(PROJECT / "evidence", root / "evidence")
    git(root, "init", "-q")
    commit_all(root, "Example trackers", "2026-11-20")
    # The user's cache key, made by the first run of all otherwise: a run that writes a
    # file outside the cache folder keeps no answer.
    assert sealed.user_key() is not None
    settle()
    return root


def kept(root: Path) -> list[Path]:
    return sorted(sealed.folder(root).glob("replay-*.cache"))


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a))
def test_an_unchanged_question_gets_the_same_answer_without_the_work(
    examples: Path, args: list[str]
) -> None:
    first = run(examples, args)
    again = run(examples, args)
    assert first.how == "afresh"
    assert again.how == "replayed"
    assert again.answer() == first.answer() == afresh(examples, args).answer()
    assert first.out.strip()


def _edit_an_action(root: Path) -> None:
    path = root / "trackers/oakfield-house/actions/STF-002.yaml"
    path.write_text(path.read_text().replace("title: ", "title: Revised ", 1))


def _add_an_action(root: Path) -> None:
    source = root / "trackers/oakfield-house/actions/STF-002.yaml"
    text = source.read_text().replace("id: STF-002", "id: STF-099")
    (source.parent / "STF-099.yaml").write_text(text)


def _remove_evidence(root: Path) -> None:
    (root / "evidence/oakfield-house/supervision-matrix-2026-09.md").unlink()


def _touch_without_change(root: Path) -> None:
    path = root / "trackers/oakfield-house/actions/STF-002.yaml"
    path.write_text(path.read_text())


def _commit(root: Path) -> None:
    git(root, "commit", "-q", "--allow-empty", "-m", "A later commit")


def _break_a_file(root: Path) -> None:
    (root / "trackers/oakfield-house/actions/STF-002.yaml").write_text("id: [unclosed\n")


def _move_a_ref(root: Path) -> None:
    git(root, "branch", "elsewhere")


def _add_a_mailmap(root: Path) -> None:
    (root / ".mailmap").write_text("Someone Else <someone@example.org>\n")


def _change_the_settings(root: Path) -> None:
    path = root / "cqctrack.yaml"
    path.write_text(path.read_text() + "\n")


@pytest.mark.parametrize(
    "change",
    [
        _edit_an_action,
        _add_an_action,
        _remove_evidence,
        _touch_without_change,
        _commit,
        _break_a_file,
        _move_a_ref,
        _add_a_mailmap,
        _change_the_settings,
    ],
)
def test_anything_read_that_changes_means_the_answer_is_worked_out_again(
    examples: Path, change: Callable[[Path], None]
) -> None:
    for args in (REVIEW, ["check", "--as-of", "2026-11-23"]):
        run(examples, args)
        assert run(examples, args).how == "replayed"
    change(examples)
    for args in (REVIEW, ["check", "--as-of", "2026-11-23"]):
        after = run(examples, args)
        assert after.how == "afresh"
        assert after.answer() == afresh(examples, args).answer()


def test_the_answer_after_a_change_is_the_new_one(examples: Path) -> None:
    before = run(examples, REVIEW)
    _edit_an_action(examples)
    after = run(examples, REVIEW)
    assert b"Revised" in after.out
    assert b"Revised" not in before.out


def test_a_duplicate_id_in_another_tracker_is_seen_by_history(examples: Path) -> None:
    args = ["history", "STF-002"]
    run(examples, args)
    assert run(examples, args).how == "replayed"
    copy = examples / "trackers/maple-court/actions/STF-002.yaml"
    shutil.copy(examples / "trackers/oakfield-house/actions/STF-002.yaml", copy)
    after = run(examples, args)
    assert after.how == "afresh"
    assert after.code == 3
    assert b"used by 2 files" in after.err


def test_another_terminal_width_or_setting_is_another_question(examples: Path) -> None:
    run(examples, REVIEW)
    assert run(examples, REVIEW).how == "replayed"
    assert run(examples, REVIEW, COLUMNS="80").how == "afresh"
    assert run(examples, REVIEW, CQCTRACK_NO_CACHE="1").how == "afresh"
    assert run(examples, [*REVIEW[:1], "--debug", *REVIEW[1:]]).how == "afresh"


def test_a_failing_check_is_given_again_with_its_exit_code(examples: Path) -> None:
    _break_a_file(examples)
    settle()
    args = ["check", "--as-of", "2026-11-23"]
    first = run(examples, args)
    again = run(examples, args)
    assert first.code == 1
    assert again.how == "replayed"
    assert again.answer() == first.answer()
    assert b"STF-002.yaml" in again.out + again.err


def test_a_file_changing_as_the_run_begins_keeps_no_answer(examples: Path) -> None:
    # A timestamp in the future stands for "changed within the last second", for good.
    path = examples / "trackers/oakfield-house/actions/STF-002.yaml"
    soon = time.time() + 3600
    os.utime(path, (soon, soon))
    run(examples, REVIEW)
    assert run(examples, REVIEW).how == "afresh"


def test_a_forged_answer_is_not_given(examples: Path) -> None:
    first = run(examples, REVIEW)
    (target,) = kept(examples)
    blob = bytearray(target.read_bytes())
    blob[-5] ^= 0xFF
    target.write_bytes(bytes(blob))
    again = run(examples, REVIEW)
    assert again.how == "afresh"
    assert again.answer() == first.answer()


def test_a_run_that_writes_anything_keeps_no_answer(examples: Path) -> None:
    # A read command never writes outside the cache folder; if one ever did, giving its
    # answer again would skip the write, so such a run is not kept.
    writer = DRIVER.replace(
        "main()\n",
        "import cqctrack.cli as c\nrun = c.main\n"
        "def main_writing():\n    open('written.txt', 'w').write('x')\n    run()\n"
        "c.main = main_writing\nmain()\n",
    )
    note = examples.parent / "how.txt"
    for _ in range(2):
        subprocess.run(
            [sys.executable, "-c", writer, str(note), *REVIEW], cwd=examples, check=True,
            capture_output=True,
        )  # fmt: skip
        assert note.read_text() == "afresh"
    assert not kept(examples)


@pytest.mark.heavy
def test_answers_kept_are_bounded(examples: Path) -> None:
    from datetime import date, timedelta

    from cqctrack import replay

    for n in range(replay.LIMIT + 3):
        run(examples, ["review", "--as-of", (date(2026, 10, 1) + timedelta(n)).isoformat()])
    assert len(kept(examples)) == replay.LIMIT


def test_the_same_listing_is_the_same_digest_in_any_process() -> None:
    # marshal's usual format marks strings that are interned or shared, which depends on
    # what else the process holds: digests made that way differed between two runs.
    from cqctrack import replay

    name = "".join(["track", "ers"])
    shared = [(name, 1), (name, 2)]
    apart = [("".join(["track", "ers"]), 1), ("".join(["track", "ers"]), 2)]
    interned = [(sys.intern("trackers"), 1), (sys.intern("trackers"), 2)]
    assert replay._canonical(shared) == replay._canonical(apart) == replay._canonical(interned)


def test_an_answer_cut_short_by_its_reader_is_not_kept(examples: Path) -> None:
    # `cqctrack review | head -1`: the reader goes away after the first line, and what
    # follows cannot be written (cqctrack stops quietly, exit 0). What was written is
    # not the whole answer, so it must not be given again to the next reader.
    fcntl = pytest.importorskip("fcntl")
    if not hasattr(fcntl, "F_SETPIPE_SZ"):
        pytest.skip("needs a pipe whose buffer can be made small (Linux)")
    args = ["review", "--all", "--as-of", "2026-11-23", "--format", "json"]
    whole = afresh(examples, args)
    read, write = os.pipe()
    fcntl.fcntl(write, fcntl.F_SETPIPE_SZ, 4096)
    assert len(whole.out) > 3 * 4096
    note = examples.parent / "how.txt"
    with subprocess.Popen(
        [sys.executable, "-c", DRIVER, str(note), *args], cwd=examples, stdout=write,
        stderr=subprocess.DEVNULL,
    ) as cut:  # fmt: skip
        os.close(write)
        assert os.read(read, 1) == b"["  # the first byte, then the reader goes
        os.close(read)
        cut.wait(timeout=120)
    assert not kept(examples)
    after = run(examples, args)
    assert after.how == "afresh"
    assert after.answer() == whole.answer()


def test_a_folder_reads_the_same_through_its_descriptor_as_by_its_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a.yaml").write_text("id: A\n")
    (tmp_path / "sub").mkdir()
    (tmp_path / "link").symlink_to("a.yaml")
    through_fd = replay._entries(str(tmp_path))
    monkeypatch.setattr(replay, "_AT", False)
    by_path = replay._entries(str(tmp_path))
    assert through_fd == by_path
    assert sorted(e if isinstance(e, str) else e[0] for e in by_path) == ["a.yaml", "link", "sub"]
    (tmp_path / "a.yaml").write_text("id: B\n")  # same size: the times and inode still tell
    monkeypatch.setattr(replay, "_AT", True)
    assert replay._entries(str(tmp_path)) != through_fd
    assert replay._entries(str(tmp_path / "gone")) is None


def test_a_first_run_reading_its_history_in_two_halves_keeps_its_answer(examples: Path) -> None:
    # A long history is read by two git processes, the second writing to a temporary file
    # meanwhile (git/repository.py, `_log_lines`): in the cache folder, so the run still
    # wrote nowhere else and its answer is kept.
    for n in range(1, 4):
        (examples / "minutes.md").write_text(f"meeting {n}\n")
        commit_all(examples, f"Minutes {n}", f"2026-11-2{n}")
    settle()
    halves = DRIVER.replace(
        "main()\n",
        "import cqctrack.git.repository as r\nr.SPLIT_MIN = 0\n"
        "import cqctrack.cores as c\nc.workers = lambda: 2\nmain()\n",
    )
    note = examples.parent / "how.txt"
    answers = []
    for how in ("afresh", "replayed"):
        done = subprocess.run(
            [sys.executable, "-c", halves, str(note), *REVIEW], cwd=examples, check=False,
            capture_output=True,
        )  # fmt: skip
        assert note.read_text() == how, done.stderr.decode()
        answers.append((done.returncode, done.stdout, done.stderr))
    assert answers[0] == answers[1] == afresh(examples, REVIEW).answer()
