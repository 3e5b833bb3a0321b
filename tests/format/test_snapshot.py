"""The snapshot's items: made lazily from their packed forms, or all at once (`settle`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from cqctrack import cache
from cqctrack.store import load


def test_settled_items_are_the_records_made_one_by_one_in_the_same_order(
    git_repo: Path,
) -> None:
    lazily = load.load(git_repo, cache.Caches(git_repo, enabled=False))
    settled = load.load(git_repo, cache.Caches(git_repo, enabled=False))
    for name in ("actions", "measures", "concerns"):
        one_by_one, at_once = getattr(lazily, name), getattr(settled, name)
        order = list(one_by_one)
        assert order, name
        first = at_once[order[0]]  # made before settling: kept, not made again
        at_once.settle()
        assert at_once.blobs == {}  # the packed forms are let go
        assert list(at_once) == order and len(at_once) == len(order)
        assert all(key in at_once for key in order) and "NOPE-999" not in at_once
        assert [at_once[key] for key in order] == [one_by_one[key] for key in order]
        assert at_once[order[0]] is first
        assert at_once.peek(order[-1]) is at_once[order[-1]]
        with pytest.raises(KeyError):
            at_once["NOPE-999"]
    # The index the review selects on is untouched.
    assert list(settled.actions.select(statuses=["open"])) == list(
        lazily.actions.select(statuses=["open"])
    )
