"""Work on every core gives the answer one core gives: parsing, git facts, the check rules,
and the git log read while the files are parsed."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from cqctrack import cache, cores
from cqctrack.findings import to_plain
from cqctrack.git import repository
from cqctrack.read import check as read_check
from cqctrack.read import review as read_review
from cqctrack.store import load
from tests.conftest import commit_all

TODAY = date(2026, 11, 23)
ACTION = "trackers/riverside/actions/MED-001.yaml"


def _with_findings(root: Path) -> None:
    """Findings for the slow rules (a phone number) and for the git facts (a due date moved
    without a logged extension), in the history and in the work tree."""
    path = root / ACTION
    text = path.read_text()
    path.write_text(text.replace("due: 2026-", "due: 2027-", 1))
    commit_all(root, "Move the date", "2026-10-01")
    path.write_text(path.read_text().replace("title: ", "title: call 07700 900123 about ", 1))


def _everything_on_one_core(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(load, "PARALLEL_MIN", 1 << 40)
    monkeypatch.setattr(repository, "PARALLEL_MIN", 1 << 40)
    monkeypatch.setattr(read_check, "BESIDE_MIN", 1 << 40)
    monkeypatch.setattr(repository, "early_log", lambda *args, **kwargs: None)


def _everything_spread(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(load, "PARALLEL_MIN", 0)
    monkeypatch.setattr(repository, "PARALLEL_MIN", 0)
    monkeypatch.setattr(read_check, "BESIDE_MIN", 0)
    monkeypatch.setattr(cores, "workers", lambda: 2)


def _check(root: Path) -> list[object]:
    result = read_check.check_repository(root, TODAY, cache.Caches(root, enabled=False))
    return [to_plain(f) for f in result.findings]


def test_check_on_every_core_is_check_on_one(
    git_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _with_findings(git_repo)
    with monkeypatch.context() as patch:
        _everything_on_one_core(patch)
        alone = _check(git_repo)
    codes = {f[0] for f in alone}
    assert {"privacy-phone-number", "drift-unlogged-extension"} <= codes, codes
    _everything_spread(monkeypatch)
    assert _check(git_repo) == alone


def test_the_log_read_while_parsing_is_the_log_read_after(
    git_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _with_findings(git_repo)
    _everything_spread(monkeypatch)
    reads: list[str] = []
    real = repository._read_log

    def counting(*args: object) -> repository.Log:
        reads.append(str(args[2]))
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(repository, "_read_log", counting)
    caches = cache.Caches(git_repo)
    early = repository.early_log(git_repo, repository.scope(git_repo), caches)
    assert early is not None  # no history cache yet
    snap = load.load(git_repo, caches, meanwhile=early)
    assert early.log is not None and len(reads) == 1  # read while the files were parsed
    read_early = repository.read_history(git_repo, snap, caches, early=early)
    read_early.prefetch(snap.actions)
    assert len(reads) == 1  # and the history used it rather than reading it again
    fresh = repository.read_history(git_repo, snap, cache.Caches(git_repo, enabled=False))
    assert {i: read_early[i] for i in read_early} == {i: fresh[i] for i in fresh}
    # Once the history is cached, a later run does not read the whole log early.
    assert repository.early_log(git_repo, repository.scope(git_repo), caches) is None


def test_review_with_the_log_read_early_is_review_without(
    git_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _with_findings(git_repo)

    def rows(root: Path) -> list[object]:
        ctx = read_review.load(root, TODAY, cache.Caches(root, enabled=False))
        return [(i, ctx.history[i]) for i in sorted(ctx.history)]

    with monkeypatch.context() as patch:
        _everything_on_one_core(patch)
        alone = rows(git_repo)
    _everything_spread(monkeypatch)
    assert rows(git_repo) == alone and alone


def test_beside_gives_both_results_and_raises_either_error() -> None:
    held = list(range(1000))  # inherited by the forked worker, never pickled
    assert cores.beside(lambda: sum(held), lambda: len(held)) == (sum(held), 1000)

    def fails() -> int:
        raise ValueError("in the worker")

    with pytest.raises(ValueError, match="in the worker"):
        cores.beside(fails, lambda: 0)


def test_spread_keeps_the_order_of_the_shares() -> None:
    shares = [(n, n + 1) for n in range(9)]
    assert cores.spread(pow, shares) == [pow(a, b) for a, b in shares]
    assert cores.spread(pow, []) == []
