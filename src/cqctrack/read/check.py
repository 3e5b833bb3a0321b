"""`cqctrack check`: load a repository, read its git facts, run every check rule, cache the result."""

from __future__ import annotations

import hashlib
from collections.abc import Collection
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from cqctrack import cache
from cqctrack.findings import Finding, Severity, capped, from_plain, sort_key, to_plain
from cqctrack.format.layout import FileCheck
from cqctrack.format.snapshot import Snapshot
from cqctrack.git import facts
from cqctrack.store import discover, files, load


@dataclass(frozen=True, slots=True)
class CheckResult:
    findings: list[Finding]
    files_checked: int

    @property
    def errors(self) -> int:
        return sum(1 for p in self.findings if p.severity is Severity.ERROR)

    @property
    def warnings(self) -> int:
        return sum(1 for p in self.findings if p.severity is Severity.WARNING)

    def only(self, codes: Collection[str] | None, ignore: Collection[str] = ()) -> CheckResult:
        """The findings with the codes selected (all when None), less those ignored."""
        kept = [
            f for f in self.findings if (codes is None or f.code in codes) and f.code not in ignore
        ]
        return replace(self, findings=kept)


def check_repository(
    root: Path, today: date, caches: cache.Caches, deny_list: Path | None = None
) -> CheckResult:
    """Load, validate and cross-check a whole repository: what `cqctrack check` reports.

    The result is cached, keyed by every tracker file's signature, the commit the
    git facts were read at, the date judged and the state of every evidence file
    it referred to, so a run with nothing changed replays it without reading a file.
    """
    listing = discover.discover(root)
    where = facts.scope(root)
    deny_path = deny_list if deny_list is not None else files.deny_list_path(root)
    deny_text = files.deny_list_text(deny_path)
    key = (
        listing.fingerprint(),
        where.head if where else None,
        today.toordinal(),
        hashlib.sha256(deny_text.encode()).hexdigest(),
    )
    file_check = files.checker(root)
    cached = caches.read("check", lambda v: len(v) == 3 and isinstance(v[2][1], int))
    if cached is not None and cached[0] == key:
        _, refs, (plain, files_checked) = cached
        if all(_state(root, file_check, ref) == state for ref, state in refs):
            return CheckResult([from_plain(f) for f in plain], files_checked)
    # Imported here: a run that replays the cached result needs neither rules nor catalogue.
    from cqctrack.format.catalogue import load_catalogue
    from cqctrack.rules.checks import run_checks
    from cqctrack.rules.context import RuleContext
    from cqctrack.rules.personal import deny_list as names_of

    snap = load.load(root, caches, listing)
    history = facts.read_history(root, snap, caches, where)
    history.prefetch(snap.actions)
    refs_used = _evidence_refs(snap)
    texts = {
        ref: text
        for ref in refs_used
        if file_check(ref) is None and (text := files.evidence_text(root, ref)) is not None
    }
    ctx = RuleContext(
        snap,
        load_catalogue(),
        file_check,
        today,
        history,
        in_git=where is not None,
        evidence_texts=texts,
        deny_names=names_of(deny_text),
    )
    with load.quiet_gc():
        found = run_checks(ctx)
    findings = load.attach_lines(root, [*snap.findings, *found])
    findings.sort(key=sort_key)
    findings = capped(findings)
    findings.sort(key=sort_key)
    result = CheckResult(findings, snap.file_count)
    refs = [(ref, _state(root, file_check, ref)) for ref in refs_used]
    caches.write("check", (key, refs, ([to_plain(f) for f in findings], snap.file_count)))
    return result


def _state(root: Path, file_check: FileCheck, ref: str) -> tuple[str | None, tuple[int, ...]]:
    """What the cached result depends on for one evidence file: its problem, and for a
    file whose text is scanned, its stat signature (so an edit is seen)."""
    problem = file_check(ref)
    if problem is not None or not ref.lower().endswith(files.TEXT_SUFFIXES):
        return problem, ()
    try:
        return None, cache.signature((root / ref).stat())
    except OSError:
        return None, ()


def _evidence_refs(snap: Snapshot) -> list[str]:
    refs = {e.file for a in snap.actions.values() for e in a.evidence if e.file is not None}
    refs |= {r.file for m in snap.measures.values() for r in m.readings if r.file is not None}
    return sorted(refs)
