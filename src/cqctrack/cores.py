"""Work spread over the machine's cores: the one place cqctrack starts worker processes,
and gives memory it has freed back to the system (`give_back`).

Parsing tracker files, working out git facts and judging a large tracker are each
independent per file or per rule, and CPU-bound, so they run in worker processes
when there is enough work to repay starting them. Workers are forked where the
system allows (Linux): they start in milliseconds and share the parent's memory.
Elsewhere they are spawned, and what they are given is pickled.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

R = TypeVar("R")
S = TypeVar("S")

MAX_WORKERS = 8


def workers() -> int:
    """How many worker processes to use at most: one a core, up to MAX_WORKERS."""
    return min(os.cpu_count() or 1, MAX_WORKERS)


def can_fork() -> bool:
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()


def spread(
    work: Callable[..., R],
    shares: Sequence[tuple[Any, ...]],
    meanwhile: Callable[[], object] | None = None,
    needs: Sequence[str] = (),
) -> list[R]:
    """`work(*share)` for every share, in worker processes, in the order given.

    `needs`: modules `work` imports when it first runs. Forking, they are imported here
    first, so every worker inherits them instead of importing them again (the models,
    0.3 s in each parse worker).

    This process runs `meanwhile` while the workers work. By then every share has been
    handed out, so (forking) every worker has started: what `meanwhile` starts, such as
    a git command and its pipes, is not inherited by them.

    Forked workers inherit `work` and the shares (only a share's number is sent), so
    neither is pickled nor copied: at 100,000 actions a share of the history's changes
    is 80 MB more in each worker. Spawned ones are sent them pickled.
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    if not shares:
        return []
    fork = can_fork()
    context = multiprocessing.get_context("fork" if fork else "spawn")
    count = max(1, min(workers(), len(shares)))
    if fork:
        for name in needs:
            importlib.import_module(name)
        _SPREAD[:] = [(work, shares)]  # before the pool forks its workers (at the first map)
    try:
        with ProcessPoolExecutor(max_workers=count, mp_context=context) as pool:
            if fork:
                results = pool.map(_run_share, range(len(shares)))
            else:
                results = pool.map(work, *zip(*shares, strict=True))
            if meanwhile is not None:
                meanwhile()
            return list(results)
    finally:
        _SPREAD.clear()


# What the forked workers of `spread` run: set just before they are forked, inherited.
_SPREAD: list[tuple[Callable[..., Any], Sequence[tuple[Any, ...]]]] = []


def _run_share(number: int) -> Any:
    work, shares = _SPREAD[0]
    return work(*shares[number])


# What a forked worker of `beside` runs: set just before the fork, inherited by it.
_BESIDE: list[Callable[[], Any]] = []


def _run_beside() -> Any:
    return _BESIDE[0]()


def beside(work: Callable[[], R], meanwhile: Callable[[], S]) -> tuple[R, S]:
    """`work()` in a forked worker while this process runs `meanwhile()`: both results.

    `work` is not pickled (the worker inherits it), only what it returns, so it may
    use everything this process holds. Where processes cannot be forked, the two run
    here one after the other. An error in either is raised here.
    """
    if not can_fork():
        return work(), meanwhile()
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    _BESIDE[:] = [work]
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
            future = pool.submit(_run_beside)
            mine = meanwhile()
            return future.result(), mine
    finally:
        _BESIDE.clear()


def give_back() -> None:
    """Return memory this process has freed to the system, where the C library allows.

    Python takes each object larger than 512 bytes from the C library's heap, and a freed
    one stays there for the heap's own later requests; the many small objects Python makes
    next come from its own arenas instead, so a command that lets go of many such objects
    (the packed records, 80 MB at 100,000 actions) would go on holding their memory.
    glibc's `malloc_trim` releases the heap's free pages; elsewhere this does nothing."""
    import ctypes

    try:
        trim = ctypes.CDLL(None).malloc_trim
    except (AttributeError, OSError, TypeError):  # not glibc (musl, macOS, Windows)
        return
    trim(0)
