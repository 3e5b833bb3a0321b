"""`cqctrack check`: load a repository, run every rule, and cache the result.

The rules are listed in `RULES`, in the order their problems are most useful to
read; each is a small function in integrity.py (across files) or action_checks.py
(each action on its own, with the closure rule).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from cqctrack import cache, evidence, store
from cqctrack.action_checks import action_rules
from cqctrack.framework import load_catalogue
from cqctrack.integrity import (
    Context,
    Rule,
    concern_rules,
    config_rules,
    measure_rules,
    tracker_rules,
)
from cqctrack.problems import Problem, Severity, sort_key
from cqctrack.store import Snapshot

RULES: tuple[Rule, ...] = (
    config_rules,
    tracker_rules,
    concern_rules,
    measure_rules,
    action_rules,
)


def check_snapshot(ctx: Context) -> list[Problem]:
    problems: list[Problem] = []
    for rule in RULES:
        problems.extend(rule(ctx))
    return problems


@dataclass(frozen=True, slots=True)
class CheckResult:
    problems: list[Problem]
    files_checked: int

    @property
    def errors(self) -> int:
        return sum(1 for p in self.problems if p.severity is Severity.ERROR)

    @property
    def warnings(self) -> int:
        return sum(1 for p in self.problems if p.severity is Severity.WARNING)


def check_repository(root: Path, today: date) -> CheckResult:
    """Load, validate and cross-check a whole repository: what `cqctrack check` reports.

    The result is cached, keyed by every tracker file's signature, the date judged
    and the state of every evidence file it referred to, so a run with nothing
    changed replays it without reading a file.
    """
    listing = store.discover(root)
    key = (listing.fingerprint(), today.toordinal())
    file_check = evidence.checker(root)
    cached = cache.read(root, "check", lambda v: len(v) == 3 and isinstance(v[2], CheckResult))
    if cached is not None and cached[0] == key:
        _, refs, result = cached
        if all(file_check(ref) == state for ref, state in refs):
            return result  # type: ignore[no-any-return]
    snap = store.load(root, listing)
    ctx = Context(snap, load_catalogue(), file_check, today)
    with store.quiet_gc():
        found = check_snapshot(ctx)
    problems = store.attach_lines(root, [*snap.problems, *found])
    problems.sort(key=sort_key)
    result = CheckResult(problems, snap.file_count)
    refs = [(ref, file_check(ref)) for ref in _evidence_refs(snap)]
    cache.write(root, "check", (key, refs, result))
    return result


def _evidence_refs(snap: Snapshot) -> list[str]:
    refs = {e.file for a in snap.actions.values() for e in a.evidence if e.file is not None}
    refs |= {r.file for m in snap.measures.values() for r in m.readings if r.file is not None}
    return sorted(refs)
