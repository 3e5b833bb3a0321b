"""`cqctrack check`: load a repository, read its git facts, run every check rule, cache the result."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Collection
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from cqctrack import cache, cores
from cqctrack.consulted import consulted
from cqctrack.findings import (
    Finding,
    PlainFinding,
    Severity,
    capped,
    from_plain,
    sort_key,
    to_plain,
)
from cqctrack.format.layout import SCHEMA_DIR, FileCheck
from cqctrack.format.snapshot import Snapshot
from cqctrack.git import repository
from cqctrack.git.run import vouched_by_git
from cqctrack.store import discover, files, load

if TYPE_CHECKING:
    from cqctrack.read.at import At
    from cqctrack.rules.context import RuleContext


@dataclass(frozen=True, slots=True)
class CheckResult:
    findings: list[Finding]
    files_checked: int
    notes: tuple[str, ...] = ()  # for stderr: what the result could not see
    top: Path | None = None  # the git work tree's top level, when in git (for annotations)

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
    root: Path,
    today: date,
    caches: cache.Caches,
    deny_list: Path | None = None,
    *,
    allow_shallow: bool = False,
    since: str | None = None,
    at: At | None = None,
) -> CheckResult:
    """Load, validate and cross-check a whole repository: what `cqctrack check` reports.

    The result is cached, keyed by every tracker file's signature, the commit the
    git facts were read at, the date judged and the state of every evidence file
    it referred to, so a run with nothing changed replays it without reading a file.

    `since`: also judge the change since that commit (pull-request mode): every flag
    about a commit made since, whatever policy says of its severity, is an error, and
    so is every closure problem of a closure recorded since (see `_in_change`).

    `at`: check the repository as committed at that moment instead (read/at.py).
    """
    from cqctrack.read import governance

    deny_path = deny_list if deny_list is not None else files.deny_list_path(root)
    deny_text = files.deny_list_text(deny_path)
    if at is not None:
        return _check_at(root, today, caches, deny_text, allow_shallow, since, at)
    listing = discover.discover(root)
    where = repository.scope(root)
    notes = tuple(governance.require_whole(where, allow_shallow))
    change = _change(root, where, since) if since is not None else None
    key = (
        listing.fingerprint(),
        where.head if where else None,
        today.toordinal(),
        hashlib.sha256(deny_text.encode()).hexdigest(),
        _beside_state(root),
    )
    file_check = files.checker(root)
    cached = caches.read("check", lambda v: len(v) == 3 and isinstance(v[2][1], int))
    if cached is not None and cached[0] == key and change is None:
        _, refs, (plain, files_checked) = cached
        if all(_state(root, file_check, ref) == state for ref, state in refs):
            top = where.top if where else None
            return CheckResult([from_plain(f) for f in plain], files_checked, notes, top)
    early = repository.early_log(root, where, caches)
    snap = load.load(root, caches, listing, vouched_by_git(root), meanwhile=early)
    del listing  # its key is made; what the records are made into next may reuse it
    history = _facts_first(root, snap, caches, where, early=early)
    refs_used = _evidence_refs(snap)
    texts = files.evidence_texts(root, [ref for ref in refs_used if file_check(ref) is None])
    result = _judge(
        root, snap, file_check, today, caches, where, history, texts, deny_text, since, change,
    )  # fmt: skip
    beside = [*stale_schemas(root), *stale_codeowners(root, snap, where, today)]
    if beside:
        findings = sorted([*result.findings, *beside], key=sort_key)
        result = replace(result, findings=findings)
    if change is None:
        refs = [(ref, _state(root, file_check, ref)) for ref in refs_used]
        plain = [to_plain(f) for f in result.findings]
        caches.write("check", (key, refs, (plain, result.files_checked)))
    return replace(result, notes=notes, top=where.top if where else None)


def _check_at(
    root: Path,
    today: date,
    caches: cache.Caches,
    deny_text: str,
    allow_shallow: bool,
    since: str | None,
    at: At,
) -> CheckResult:
    """`check --at`: the tree as committed at `at`, judged as of `today` (never cached here:
    each blob's outcome is, by its id)."""
    from cqctrack.read import at as read_at
    from cqctrack.read import governance

    snap, file_check, tree = read_at.snapshot(root, at, caches)
    where = read_at.scope(root, at)
    notes = (*governance.require_whole(where, allow_shallow), f"note: as committed at {at.label}")
    change = _change(root, where, since) if since is not None else None
    history = _facts_first(root, snap, caches, where, "history-at")
    refs = [ref for ref in _evidence_refs(snap) if file_check(ref) is None]
    found = tree.read(root, [ref for ref in refs if ref.lower().endswith(files.TEXT_SUFFIXES)])
    texts = {ref: data.decode("utf-8", "replace") for ref, data in found.items()}

    def read(path: str) -> bytes:
        return tree.read(root, [path])[path]

    result = _judge(
        root, snap, file_check, today, caches, where, history, texts, deny_text, since, change,
        read,
    )  # fmt: skip
    return replace(result, notes=notes, top=where.top if where else None)


def _facts_first(
    root: Path,
    snap: Snapshot,
    caches: cache.Caches,
    where: repository.Scope | None,
    slot: str = "history",
    early: repository.EarlyLog | None = None,
) -> repository.History:
    """Every file's git facts, worked out before any record is made: the workers that work
    them out need none, and each would count them in its own memory. Then every record,
    made once for all the rules, with the packed forms let go and their memory given back
    (at 100,000 actions, 120 MiB less in this process and in the rules' worker)."""
    history = repository.read_history(root, snap, caches, where, slot, early)
    history.prefetch([*snap.actions, *snap.measures])
    history.keep = False  # every action's is asked for once or twice: not worth holding
    for items in (snap.actions, snap.measures, snap.concerns):
        items.settle()
        cores.give_back()
    return history


def _judge(
    root: Path,
    snap: Snapshot,
    file_check: FileCheck,
    today: date,
    caches: cache.Caches,
    where: repository.Scope | None,
    history: repository.History,
    texts: dict[str, str],
    deny_text: str,
    since: str | None,
    change: frozenset[str] | None,
    read: Callable[[str], bytes] | None = None,
) -> CheckResult:
    # Imported here: a run that replays the cached result needs neither rules nor catalogue.
    from cqctrack.format.catalogue import load_catalogue
    from cqctrack.read import governance
    from cqctrack.rules.context import RuleContext
    from cqctrack.rules.personal import deny_list as names_of

    edge = where.edge if where is not None else frozenset()
    gov = governance.build(root, snap, history, caches, snap.actions.values(), edge)
    deleted = {path.removeprefix(history.prefix): a for path, a in history.deleted().items()}
    ctx = RuleContext(
        snap,
        load_catalogue(),
        file_check,
        today,
        history,
        in_git=where is not None,
        evidence_texts=texts,
        deny_names=names_of(deny_text),
        governance=gov if where is not None else None,
        deleted=deleted,
    )
    with load.quiet_gc():
        found = _run_checks(ctx)
    findings = load.attach_lines(root, [*snap.findings, *found], read)
    if change is not None and since is not None:
        findings = _in_change(findings, change, since, snap, history)
    findings.sort(key=sort_key)
    findings = capped(findings)
    findings.sort(key=sort_key)
    return CheckResult(findings, snap.file_count)


# Below this many actions, forking a worker for the slowest rules costs more than it saves.
BESIDE_MIN = 2000


def _run_checks(ctx: RuleContext) -> list[Finding]:
    """Every check rule's findings, in the order the rules are listed. On a large tracker
    the slowest rules (rules/checks SLOW) are judged in a forked worker, which inherits
    everything read so far, while this process judges the rest."""
    from cqctrack.rules.checks import CHECKS, SLOW, run_checks

    if len(ctx.snap.actions) < BESIDE_MIN or cores.workers() < 2 or not cores.can_fork():
        return run_checks(ctx)
    slow = [rule for rule in CHECKS if rule.name in SLOW]

    def judge_slow() -> dict[str, list[PlainFinding]]:
        return {rule.name: [to_plain(f) for f in rule.run(ctx)] for rule in slow}

    def judge_rest() -> dict[str, list[Finding]]:
        return {rule.name: list(rule.run(ctx)) for rule in CHECKS if rule.name not in SLOW}

    far, near = cores.beside(judge_slow, judge_rest)
    found: list[Finding] = []
    for rule in CHECKS:
        found += near[rule.name] if rule.name in near else [from_plain(f) for f in far[rule.name]]
    return found


def _beside_state(root: Path) -> tuple[tuple[str, tuple[int, ...]], ...]:
    """The stat signatures of the files `check` judges beside the trackers (schemas/), so a
    cached result is replayed only while they are unchanged."""
    from cqctrack.format import codeowners

    owners: tuple[tuple[str, cache.Signature], ...]
    consulted(root / codeowners.FILE)
    try:
        owners = (("", cache.signature((root / codeowners.FILE).stat())),)
    except OSError:
        owners = ()
    try:
        entries = sorted(os.scandir(root / SCHEMA_DIR), key=lambda e: e.name)
    except OSError:
        return owners
    return owners + tuple(
        (e.name, cache.signature(e.stat())) for e in entries if e.name.endswith(".schema.json")
    )


def stale_codeowners(
    root: Path, snap: Snapshot, where: repository.Scope | None, today: date
) -> list[Finding]:
    """`layout-stale-codeowners`: CODEOWNERS' cqctrack block is not what the register and
    the trackers give (someone left, a tracker's manager changed by hand, a new tracker
    made by hand), so the host asks the wrong people to approve. Only a file holding the
    block is judged: without one, the repository does not use it."""
    from cqctrack.format import codeowners

    try:
        text = (root / codeowners.FILE).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    found = codeowners.kept(text)
    if found is None or snap.config is None:
        return []
    prefix = where.prefix if where is not None else "."
    if found == codeowners.block(snap.config.people, snap.trackers, prefix, today):
        return []
    line = text.replace("\r\n", "\n").split("\n").index(codeowners.BEGIN) + 1
    return [
        Finding(
            code="layout-stale-codeowners",
            message="CODEOWNERS does not name the people the register and trackers give, so "
            "the git host asks the wrong people to approve changes",
            severity=Severity.WARNING,
            hint="run `cqctrack people codeowners` to rewrite cqctrack's block (lines outside "
            "it are kept), and commit it",
            path=codeowners.FILE,
            line=line,
        )
    ]


def stale_schemas(root: Path) -> list[Finding]:
    """`layout-stale-schema`: each file in schemas/ that is not what this version exports.

    After an upgrade the schemas a repository keeps for editors may be older than the
    models, so editors judge files by old rules and nothing says so (issue 13). Only a
    folder that exists is judged (a repository may do without editor schemas), and only
    the schemas' meaning: the `$comment` naming the version that wrote them is left out,
    so an upgrade that changes no rule asks for nothing.
    """
    import json

    from cqctrack import __version__
    from cqctrack.format import schema

    folder = root / SCHEMA_DIR
    consulted(folder)
    if not folder.is_dir():
        return []
    out = []
    for name, text in schema.export().items():
        rel = f"{SCHEMA_DIR}/{name}"
        try:
            current = json.loads((folder / name).read_text(encoding="utf-8"))
        except FileNotFoundError:
            problem = "is missing, so editors do not check those files"
        except (OSError, UnicodeDecodeError, ValueError):
            problem = "cannot be read as JSON, so editors do not check those files"
        else:
            wanted = json.loads(text)
            same = isinstance(current, dict) and all(
                current.get(k) == wanted.get(k) for k in {*current, *wanted} - {"$comment"}
            )
            if same:
                continue
            problem = (
                f"differs from what cqctrack {__version__} exports, so editors judge files "
                "by other rules than `check`"
            )
        out.append(
            Finding(
                code="layout-stale-schema",
                message=f"{rel} {problem}",
                severity=Severity.WARNING,
                hint="run `cqctrack schemas export` to refresh schemas/, and commit the result",
                path=rel,
            )
        )
    return out


def _state(root: Path, file_check: FileCheck, ref: str) -> tuple[str | None, tuple[int, ...]]:
    """What the cached result depends on for one evidence file: its problem, and for a
    file whose text is scanned, its stat signature (so an edit is seen)."""
    problem = file_check(ref)
    if problem is not None or not ref.lower().endswith(files.TEXT_SUFFIXES):
        return problem, ()
    consulted(root / ref)
    try:
        return None, cache.signature((root / ref).stat())
    except OSError:
        return None, ()


def _change(root: Path, where: repository.Scope | None, since: str) -> frozenset[str]:
    """The commits made since `since` (on the way to HEAD): the change a pull request makes."""
    from cqctrack.errors import GitError
    from cqctrack.git import run

    if where is None:
        raise GitError(
            f"--since {since}: {root} has no git history to compare with",
            hint="pull-request mode compares commits; commit the trackers first",
        )
    base = run.run(root, "rev-parse", "--verify", "-q", f"{since}^{{commit}}", check=False)
    if not base.strip():
        raise GitError(
            f"--since {since}: there is no such commit here",
            hint="fetch it first (e.g. `git fetch origin main`, and give actions/checkout "
            "`fetch-depth: 0`), or give a commit id",
        )
    return frozenset(run.run(root, "rev-list", f"{base.strip()}..{where.head}").split())


def _in_change(
    findings: list[Finding],
    change: frozenset[str],
    since: str,
    snap: Snapshot,
    history: repository.History,
) -> list[Finding]:
    """Findings about the change since `since` become errors, and say so.

    A finding belongs to the change when it is about a commit in it (a flag, a due-date
    move never logged), or is a closure problem of a closure recorded in it.
    """
    from cqctrack.format.history import entries_of_record

    closed_in_change = set()
    for action in snap.actions.values():
        found = history.get(action.id)
        if action.closure is None or found is None:
            continue
        closure = next(e for e in entries_of_record(action) if e.log == "closure")
        added = found.added_by(closure.key)
        if added is None or added.sha in change:  # uncommitted counts as the change too
            closed_in_change.add(action.id)
    out = []
    for f in findings:
        if f.commit is not None and f.commit in change:
            note = f"changed since {since}, in commit {f.commit[:8]}"
        elif f.category == "closure" and f.subject in closed_in_change:
            note = f"a closure recorded since {since}"
        else:
            out.append(f)
            continue
        hint = f"{f.hint}; {note}" if f.hint else note
        out.append(f._replace(severity=Severity.ERROR, hint=hint))
    return out


def _evidence_refs(snap: Snapshot) -> list[str]:
    refs = {e.file for a in snap.actions.values() for e in a.evidence if e.file is not None}
    refs |= {r.file for m in snap.measures.values() for r in m.readings if r.file is not None}
    return sorted(refs)
