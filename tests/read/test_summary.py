"""`summary` judges every action once: what it made to judge one is let go before the next
(at 100,000 actions the records and histories held were 300 MiB of a 776 MiB peak)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from cqctrack import cache
from cqctrack.read import review
from cqctrack.read.summary import summarise

TODAY = date(2026, 11, 23)


def test_a_summary_holds_no_action_record_or_history_once_judged(git_repo: Path) -> None:
    ctx = review.load(git_repo, TODAY, cache.Caches(git_repo))
    judged = summarise(ctx)
    assert judged.total.open + judged.cancelled > 0  # actions were judged...
    assert not ctx.snap.actions._made  # ...and none of their records is still held
    assert not ctx.history._made  # nor their histories


def test_the_summary_counts_the_same_whether_records_are_held_or_not(git_repo: Path) -> None:
    held = review.load(git_repo, TODAY, cache.Caches(git_repo, enabled=False))
    for item_id in held.snap.actions:
        held.snap.actions[item_id]  # every record made and kept beforehand
    fresh = review.load(git_repo, TODAY, cache.Caches(git_repo, enabled=False))
    assert summarise(held) == summarise(fresh)


def test_a_second_summary_judges_no_action_again(git_repo: Path, monkeypatch) -> None:
    # What the first run worked out is kept (read/memo.py, written in parts) and read back.
    from cqctrack.read import summary

    first = summarise(review.load(git_repo, TODAY, cache.Caches(git_repo)))
    judged: list[str] = []
    real = summary._seen

    def counted(ctx: review.Workspace, action):  # type: ignore[no-untyped-def]
        judged.append(action.id)
        return real(ctx, action)

    monkeypatch.setattr(summary, "_seen", counted)
    again = summarise(review.load(git_repo, TODAY, cache.Caches(git_repo)))
    assert again == first
    assert judged == []
    (cache.folder(git_repo) / "summary.cache").unlink()
    assert summarise(review.load(git_repo, TODAY, cache.Caches(git_repo))) == first
    assert judged  # without what was kept, every action is judged again
