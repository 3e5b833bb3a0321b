"""Gathering what the governance judgements need from git, once per command.

`rules/governance.py` judges; this module collects its inputs: every version of
`cqctrack.yaml` (from the history pass, validated once per blob), where judged
history starts (policy `signoff.imported_until`, and the edge of a shallow clone
when `--allow-shallow` is given), and, where policy asks for signatures, what
git's own verification says of the commits concerned (git/signatures.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from cqctrack import cache
from cqctrack.errors import GitError, InvalidRepository
from cqctrack.format import records
from cqctrack.format.history import Imported, as_added
from cqctrack.format.layout import CONFIG_FILE
from cqctrack.format.policy import Policy, Proof
from cqctrack.format.records import Action, Person
from cqctrack.format.snapshot import Snapshot
from cqctrack.format.vocab import iso_date
from cqctrack.git import repository, run
from cqctrack.rules import governance
from cqctrack.rules.governance import ConfigVersion, Governance


def imported(root: Path, policy: Policy, shallow: frozenset[str] = frozenset()) -> Imported:
    """Where judged history starts: `signoff.imported_until` (a date, or a commit and its
    ancestors), and the commits at the edge of a shallow clone."""
    until = policy.signoff.imported_until
    if until is None:
        return Imported(shallow=shallow)
    day = iso_date(until)
    if day is not None:
        return Imported(until=day, shallow=shallow)
    sha = run.run(root, "rev-parse", "--verify", "-q", f"{until}^{{commit}}", check=False).strip()
    if not sha:
        raise InvalidRepository(
            f"policy signoff.imported_until names commit {until}, which is not in this "
            "repository's history",
            path=CONFIG_FILE,
            hint="fetch the whole history (`git fetch --unshallow`), or correct the setting",
        )
    ancestry = run.run(root, "rev-list", sha).split()
    return Imported(commits=frozenset(ancestry), shallow=shallow)


def build(
    root: Path,
    snap: Snapshot,
    history: repository.History,
    caches: cache.Caches,
    actions: Iterable[Action] = (),
    shallow: frozenset[str] = frozenset(),
) -> Governance:
    """The governance context for `snap`, with signatures checked for `actions` when any
    version of the policy asks for them."""
    in_git = isinstance(history, repository.RepoHistory)
    gov = context(root, snap.policy, history.config_versions(), shallow, in_git)
    if not signed(gov):
        return gov
    shas = [
        sha
        for action in actions
        for sha in governance.signed_commits(action, history.get(action.id), gov)
    ]
    return with_signatures(root, gov, shas, snap.people, caches)


def context(
    root: Path,
    policy: Policy,
    versions: Iterable[tuple[tuple[Any, ...], Any]],
    shallow: frozenset[str] = frozenset(),
    in_git: bool = True,
) -> Governance:
    """The governance context from cqctrack.yaml's versions (as git/facts.py keeps them)."""
    found = []
    for author, plain in versions:
        added = as_added(author)
        if added is None:
            continue
        config = records.from_plain(records.Config, plain) if plain is not None else None
        found.append(ConfigVersion(added, config))
    start = imported(root, policy, shallow) if in_git else Imported()
    return Governance(tuple(found), start)


def signed(gov: Governance) -> bool:
    """Whether any version of the policy asks for signatures."""
    return any(
        v.config is not None and v.config.policy.signoff.proof is Proof.SIGNED for v in gov.versions
    )


def with_signatures(
    root: Path,
    gov: Governance,
    shas: Iterable[str],
    people: Mapping[str, Person],
    caches: cache.Caches,
) -> Governance:
    """The same context, with what git says of these commits' signatures (if policy asks)."""
    if not signed(gov):
        return gov
    from cqctrack.git import signatures  # only policy `signed` asks git about signatures

    found = signatures.verify(root, shas, people, caches)
    return Governance(gov.versions, gov.imported, found)


def require_whole(where: repository.Scope | None, allow_shallow: bool) -> list[str]:
    """Refuse to judge history that is not whole (a shallow clone, grafts, replacement
    objects) unless told to; with `--allow-shallow`, the warning to show instead.

    A shallow clone (the default checkout of most CI systems) would otherwise answer
    differently, without a word: its first commit seems to create every file, so every
    entry looks back-dated and every sign-off committed by whoever made that commit,
    and due-date moves before it are never seen.
    """
    why = where.incomplete if where is not None else None
    if why is None:
        return []
    if not allow_shallow:
        raise GitError(
            f"{why}, so cqctrack cannot tell who recorded what, or when: due-date moves, "
            "proof of sign-off, back-dating and when actions last changed would be judged on "
            "part of the record",
            hint="fetch the whole history (`git fetch --unshallow`; in GitHub Actions give "
            "actions/checkout `fetch-depth: 0`), or pass --allow-shallow to judge what is there",
        )
    return [
        f"warning: {why}; judging what is there (--allow-shallow): entries first seen at its "
        "edge count as recorded, not proven, and earlier due-date moves are not seen"
    ]
