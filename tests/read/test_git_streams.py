"""Reading git's output as a stream: every request answered in step, every error said."""

from __future__ import annotations

import marshal
from pathlib import Path
from typing import Any

import pytest

from cqctrack import cores
from cqctrack.errors import GitError
from cqctrack.git import repository, run
from tests.conftest import commit_all, git


def test_every_spec_is_answered_in_order_even_those_git_lacks(git_repo: Path) -> None:
    action = "trackers/riverside/actions/MED-001.yaml"
    blob = git(git_repo, "rev-parse", f"HEAD:{action}").strip()
    tree = git(git_repo, "rev-parse", "HEAD:trackers").strip()
    missing = "0123456789abcdef0123456789abcdef01234567"
    specs = [blob, missing, tree, blob]
    got = list(run.cat_each(git_repo, specs))
    content = (git_repo / action).read_bytes()
    # A missing blob and a tree (whose contents git still writes) leave the rest in step.
    assert got == [(blob, content), (missing, None), (tree, None), (blob, content)]
    assert list(run.cat_blobs(git_repo, specs)) == [(blob, content), (blob, content)]


def test_a_failing_git_command_is_an_error_after_its_output(git_repo: Path) -> None:
    with pytest.raises(GitError, match="git log"):
        list(run.lines(git_repo, "log", "no-such-revision"))


def test_git_maps_a_bounded_share_of_the_pack_whatever_the_repository_says(
    git_repo: Path,
) -> None:
    # A large history read with git's defaults maps the whole pack into memory (at 100,000
    # actions, over 500 MiB resident); cqctrack's limits hold over the repository's own.
    git(git_repo, "config", "core.packedGitLimit", "8g")
    git(git_repo, "config", "core.packedGitWindowSize", "1g")
    assert run.run(git_repo, "config", "core.packedGitLimit").strip() == "256m"
    assert run.run(git_repo, "config", "core.packedGitWindowSize").strip() == "64m"
    assert list(run.lines(git_repo, "config", "core.packedGitLimit")) == ["256m\n"]


def test_the_log_is_read_oldest_first_with_its_positions(git_repo: Path) -> None:
    path = git_repo / "trackers/riverside/actions/MED-001.yaml"
    for n in (1, 2):
        path.write_text(path.read_text() + f"# note {n}\n")
        commit_all(git_repo, f"Note {n}", f"2026-10-0{n}")
    where = repository.scope(git_repo)
    assert where is not None
    log = repository._read_log(git_repo, where, "HEAD", 0)
    mine = [c for c in log.changes if c[0].endswith("MED-001.yaml")]
    subjects = [git(git_repo, "log", "-1", "--format=%s", c[1][0]).strip() for c in mine]
    assert subjects == ["Start trackers", "Note 1", "Note 2"]
    assert [c[1][4] for c in mine] == sorted(c[1][4] for c in mine)
    assert mine[1][2] == mine[0][3] and mine[2][2] == mine[1][3]  # each before is the last after


def _log(root: Path) -> repository.Log:
    where = repository.scope(root)
    assert where is not None
    return repository._read_log(root, where, "HEAD", 0)


def plain(packed: list[tuple[str, bytes]]) -> dict[str, object]:
    return {path: marshal.loads(blob) for path, blob in packed}


@pytest.mark.parametrize("forked", [True, False], ids=["forked", "spawned"])
def test_facts_worked_out_on_every_core_are_those_worked_out_on_one(
    git_repo: Path, monkeypatch: pytest.MonkeyPatch, forked: bool
) -> None:
    for n in (1, 2, 3):
        for name in ("MED-001", "MED-002"):
            path = git_repo / f"trackers/riverside/actions/{name}.yaml"
            path.write_text(path.read_text() + f"# note {n}\n")
        commit_all(git_repo, f"Note {n}", f"2026-10-0{n}")
    changes = _log(git_repo).changes
    jobs = [(path, None) for path in changes.packed]
    alone = repository._work_files(str(git_repo), jobs, changes, {})
    monkeypatch.setattr(repository, "PARALLEL_MIN", 0)  # decided here, before any worker
    if not forked:  # as on systems that cannot fork: each share is sent to a new process
        monkeypatch.setattr(cores, "can_fork", lambda: False)
    shared = repository._work_out(git_repo, jobs, changes, {})
    # Compared as values: marshal writes a string shared by two changes once, so the
    # packed bytes may differ where the same facts were reached by other paths.
    assert plain(shared) == plain(alone)
    assert len(alone) == len(jobs) >= 2  # more than one share


def test_versions_the_store_parsed_are_not_read_from_git_again(
    git_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cqctrack import cache
    from cqctrack.store import load

    for n in (1, 2):
        path = git_repo / "trackers/riverside/actions/MED-001.yaml"
        path.write_text(path.read_text().replace("due: ", f"# moved {n}\ndue: ", 1))
        commit_all(git_repo, f"Edit {n}", f"2026-10-0{n}")
    # A working copy edited since: its summary is of content no commit holds.
    edited = git_repo / "trackers/riverside/actions/MED-002.yaml"
    edited.write_text(edited.read_text() + "# not committed\n")
    snap = load.load(git_repo, cache.Caches(git_repo, enabled=False))
    changes = _log(git_repo).changes
    by_path = {path: changes.of(path) for path in changes.packed}
    jobs = [(path, None) for path in changes.packed]
    asked: list[str] = []
    real = run.cat_each

    def counting(root: Path, specs: list[str]):  # type: ignore[no-untyped-def]
        asked.extend(specs)
        return real(root, specs)

    monkeypatch.setattr(run, "cat_each", counting)
    from_git = repository._work_files(str(git_repo), jobs, changes, {})
    read_all = len(asked)
    asked.clear()
    with_store = repository._work_files(str(git_repo), jobs, changes, snap.summaries)
    assert with_store == from_git
    # Spawned workers are each sent the summaries of their own versions: the same facts.
    monkeypatch.setattr(repository, "PARALLEL_MIN", 0)
    monkeypatch.setattr(cores, "can_fork", lambda: False)
    spawned = repository._work_out(git_repo, jobs, changes, snap.summaries)
    assert plain(spawned) == plain(with_store)
    heads = {mine[-1][3] for mine in by_path.values()}
    # Every committed head the work tree still holds came from the store, unread...
    assert all(blob not in asked for blob in heads if blob in snap.summaries)
    assert len(asked) < read_all
    # ...and the edited file's committed version was read from git.
    med2 = next(c for p, c in by_path.items() if p.endswith("MED-002.yaml"))[-1][3]
    assert med2 not in snap.summaries and med2 in asked


def _limited_log(root: Path) -> repository.Log:
    """The log as git limits it to the trackers and cqctrack.yaml: the reference."""
    where = repository.scope(root)
    assert where is not None
    spec = ("--", "trackers", "cqctrack.yaml")
    lines = run.lines(root, "log", *repository._LOG, "HEAD", *spec, settings=repository._SETTINGS)
    real = repository._log_lines
    try:
        repository._log_lines = lambda *_: (lines, True)  # type: ignore[assignment]
        return repository._read_log(root, where, "HEAD", 0)
    finally:
        repository._log_lines = real  # type: ignore[assignment]


def _straight_history(root: Path) -> None:
    """Commits of tracker files between commits touching neither them nor cqctrack.yaml,
    and one touching only a file in trackers/ that is not an action."""
    action = root / "trackers/riverside/actions/MED-001.yaml"
    for n in range(1, 7):
        if n % 3 == 0:
            (root / "notes.md").write_text(f"minutes {n}\n")
        elif n == 4:
            (root / "trackers/README.md").write_text("how we keep the trackers\n")
        else:
            action.write_text(action.read_text() + f"# note {n}\n")
        commit_all(root, f"Change {n}", f"2026-10-0{n}")


@pytest.mark.parametrize("split_min", [0, 10**9])
def test_a_straight_history_read_whole_is_the_log_git_limits_to_the_trackers(
    git_repo: Path, monkeypatch: pytest.MonkeyPatch, split_min: int
) -> None:
    _straight_history(git_repo)
    monkeypatch.setattr(repository, "SPLIT_MIN", split_min)  # 0: in two halves at once
    monkeypatch.setattr(cores, "workers", lambda: 2)
    halves: list[int] = []
    real = run.lines_in_two

    def spy(root: Path, log: tuple[str, ...], at: int, *rest: Any) -> Any:
        halves.append(at)
        return real(root, log, at, *rest)

    monkeypatch.setattr(run, "lines_in_two", spy)
    where = repository.scope(git_repo)
    assert where is not None
    _, limited = repository._log_lines(git_repo, where, "HEAD")
    assert not limited  # read unlimited: git is not asked which commits touch the trackers
    log = repository._read_log(git_repo, where, "HEAD", 0)
    assert halves == ([7 // 2] * 2 if split_min == 0 else [])
    assert log == _limited_log(git_repo)
    # The commits that touched neither take no place: positions are as git's own count.
    touching = git(git_repo, "rev-list", "--count", "HEAD", "--", "trackers", "cqctrack.yaml")
    assert log.seq == int(touching) == 7 - 2


@pytest.mark.parametrize("split_min", [0, 10**9])
def test_a_history_with_a_merge_is_read_as_git_limits_it(
    git_repo: Path, monkeypatch: pytest.MonkeyPatch, split_min: int
) -> None:
    monkeypatch.setattr(repository, "SPLIT_MIN", split_min)  # 0: in two halves at once
    monkeypatch.setattr(cores, "workers", lambda: 2)
    git(git_repo, "checkout", "-q", "-b", "other")
    (git_repo / "side.md").write_text("minutes\n")
    commit_all(git_repo, "Side", "2026-10-02")
    other = git_repo / "trackers/riverside/actions/MED-002.yaml"
    other.write_text(other.read_text() + "# from a branch\n")
    commit_all(git_repo, "Branch note", "2026-10-03")
    git(git_repo, "checkout", "-q", "-")
    _straight_history(git_repo)
    git(git_repo, "merge", "-q", "--no-edit", "other")
    where = repository.scope(git_repo)
    assert where is not None
    _, limited = repository._log_lines(git_repo, where, "HEAD")
    assert limited  # git's history simplification decides which commits a merge brings
    log = repository._read_log(git_repo, where, "HEAD", 0)
    assert log == _limited_log(git_repo)
    assert any(c[0].endswith("MED-002.yaml") and c[1][4] > 0 for c in log.changes)


def test_a_log_read_in_two_is_refused_when_either_half_fails(
    git_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _straight_history(git_repo)
    halves = list(run.lines_in_two(git_repo, ("--format=%s", "HEAD"), 2))
    assert halves == list(run.lines(git_repo, "log", "--format=%s", "HEAD"))
    # The second half's process fails (an option git refuses), the first does not.
    real = run._argv

    def failing(root: Path, *args: str, settings: tuple[str, ...] = ()) -> list[str]:
        older = any(a.startswith("--skip=") for a in args)
        return real(root, *args, *(("--no-such-option",) if older else ()), settings=settings)

    monkeypatch.setattr(run, "_argv", failing)
    with pytest.raises(GitError, match=r"git log: .*no-such-option"):
        list(run.lines_in_two(git_repo, ("--format=%s", "HEAD"), 2))


def test_changes_taken_for_working_out_are_let_go_and_say_which_blobs_they_left(
    git_repo: Path,
) -> None:
    med1 = git_repo / "trackers/riverside/actions/MED-001.yaml"
    med1.write_text(med1.read_text() + "# note\n")
    commit_all(git_repo, "Note", "2026-10-01")
    (git_repo / "trackers/riverside/actions/MED-002.yaml").unlink()
    commit_all(git_repo, "Remove MED-002", "2026-10-02")
    changes = _log(git_repo).changes
    one, two = "trackers/riverside/actions/MED-001.yaml", "trackers/riverside/actions/MED-002.yaml"
    total = changes.count()
    assert (changes.count(one), changes.count(two)) == (2, 2)
    taken = changes.take([one, two])
    assert list(taken.packed) == [one, two]
    assert one not in changes.packed and two not in changes.packed
    assert changes.count() == total - 4
    # Every version either file was left holding, and none for the deletion.
    left = [c[3] for path in (one, two) for c in taken.of(path)]
    assert sorted(taken.afters()) == sorted(blob for blob in left if blob is not None)
    assert left[-1] is None and len(set(taken.afters())) == 3
