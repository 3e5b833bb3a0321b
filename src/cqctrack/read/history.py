"""A file's life read back from git: one event per change, field by field.

`cqctrack history` takes an action, concern or measure id, a tracker's slug, or a
path to any tracked file (`cqctrack.yaml`, a tracker.yaml...). The timeline comes
from comparing the file's committed versions (git/facts.py), so it is the same
whether a change was made with cqctrack or by hand-editing the YAML and committing;
commit trailers only say which tool made it. Events are worded in rules/audit.py;
what to flag on them is judged from the same git facts the review and `check`
read (rules/governance.py, rules/extensions.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from cqctrack import cache
from cqctrack.consulted import consulted
from cqctrack.errors import InvalidInput, InvalidRepository, UnknownId
from cqctrack.findings import Finding
from cqctrack.format.history import Version
from cqctrack.format.layout import CONFIG_FILE, KIND_FOLDERS, TRACKER_FILE, TRACKERS_DIR
from cqctrack.format.records import Config
from cqctrack.git import facts, repository, run
from cqctrack.read import governance as read_governance
from cqctrack.rules import governance
from cqctrack.rules.audit import Audit, Event, compare, compare_file
from cqctrack.store.files import Unreadable
from cqctrack.store.load import read_bytes
from cqctrack.wording import visible

if TYPE_CHECKING:
    from cqctrack.read.at import At


@dataclass
class Timeline:
    action_id: str  # what was asked for: an id, a slug or a file
    path: str | None
    title: str | None
    events: list[Event] = field(default_factory=list)
    kind: str = "action"  # action, concern, measure, tracker, config or file
    warnings: list[str] = field(default_factory=list)  # for stderr: about the history read

    @property
    def flags(self) -> list[str]:
        return [flag for event in self.events for flag in event.flags]

    @property
    def findings(self) -> list[Finding]:
        return [f for event in self.events for f in event.findings]


class Target(NamedTuple):
    kind: str
    label: str
    spec: str  # a pathspec for git, relative to the tracker repository
    on_disk: Path | None  # the file in the working tree, if it is there
    missing: str  # what to say when it has no history


# As format/models.py's ACTION_ID, CONCERN_ID and MEASURE_ID (not imported: `history`
# must not pay for pydantic).
_KINDS = (
    ("action", r"^[A-Z][A-Z0-9]{0,9}-\d{1,5}$"),
    ("concern", r"^[A-Z][A-Z0-9]{0,9}-C\d{1,4}$"),
    ("measure", r"^[A-Z][A-Z0-9]{0,9}-M\d{1,4}$"),
)
_FOLDER = {kind: folder for folder, kind in KIND_FOLDERS.items()}


def _target(root: Path, asked: str) -> Target:
    """What `asked` names: an id, a tracker slug, or a path to a tracked file."""
    text = asked.strip()
    pathlike = text.endswith((".yaml", ".yml")) or "/" in text
    if (
        not text
        or any(c in text for c in "*?[]\\")
        or any(ord(c) < 32 for c in text)
        or (pathlike and (not text.endswith((".yaml", ".yml")) or ".." in text.split("/")))
    ):
        raise InvalidInput(
            f"{visible(text)} is not an id or a file",
            hint="give an id such as MED-003, a tracker's folder name or a YAML file such as "
            "cqctrack.yaml (not a pattern, nor a path with `..`)",
        )
    if pathlike:
        for base in (Path.cwd(), root):
            candidate = (base / text).resolve()
            consulted(candidate)
            if candidate.is_relative_to(root.resolve()) and candidate.exists():
                rel = candidate.relative_to(root.resolve()).as_posix()
                return Target(_kind_of(rel), rel, rel, candidate, "")
        rel = text.removeprefix("./")
        return Target(_kind_of(rel), rel, rel, None, f"there is no file {rel} in this history")
    item = text.upper()
    for kind, pattern in _KINDS:
        if re.match(pattern, item):
            folder = _FOLDER[kind]
            found = _files_named(root / TRACKERS_DIR, folder, f"{item}.yaml")
            if len(found) > 1:
                raise InvalidRepository(
                    f"{kind} id {item} is used by {len(found)} files, so cqctrack cannot tell "
                    "which history you mean: "
                    + ", ".join(p.relative_to(root).as_posix() for p in found),
                    hint="give each its own id (see `cqctrack check`), then run the command again",
                )
            if found:
                rel = found[0].relative_to(root).as_posix()
                return Target(kind, item, rel, found[0], "")
            spec = f":(glob){TRACKERS_DIR}/*/{folder}/{item}.yaml"
            return Target(
                kind, item, spec, None, f"there is no {kind} {item} in this repository's history"
            )
    tracker = root / TRACKERS_DIR / text / TRACKER_FILE
    rel = f"{TRACKERS_DIR}/{text}/{TRACKER_FILE}"
    consulted(tracker)
    if tracker.is_file():
        return Target("tracker", text, rel, tracker, "")
    return Target(
        "tracker",
        text,
        rel,
        None,
        f"there is no action, concern, measure, tracker or file {text} in this repository's history",
    )


def _kind_of(rel: str) -> str:
    if rel == CONFIG_FILE:
        return "config"
    parts = rel.split("/")
    if len(parts) == 3 and parts[0] == TRACKERS_DIR and parts[2] == TRACKER_FILE:
        return "tracker"
    if len(parts) == 4 and parts[0] == TRACKERS_DIR and parts[2] in KIND_FOLDERS:
        return KIND_FOLDERS[parts[2]]
    return "file"


def file_history(
    root: Path,
    asked: str,
    config: Config | None,
    caches: cache.Caches,
    allow_shallow: bool = False,
    at: At | None = None,
) -> Timeline:
    """The timeline of whatever `asked` names (an id, a slug or a file); with `at`, only
    as far as that commit (the working copy left out)."""
    target = _target(root, asked)
    where = repository.scope(root)
    warnings = read_governance.require_whole(where, allow_shallow)
    if where is None:
        if run.toplevel(root) is None:
            raise UnknownId(
                f"{root} is not in a git repository, so there is no history to read",
                hint="history is read from git commits; run `git init` and commit the trackers",
            )
        raise UnknownId(
            target.missing or f"there is no history of {target.label}",
            hint="nothing has been committed yet; history is read from git commits",
        )
    if target.on_disk is not None:
        # An exact path lets git use its changed-path Bloom filters: 0.01 s instead
        # of 0.2 s at 10,000 actions. A deleted file is found by pattern instead.
        run.update_commit_graph(root)
    rev = at.sha if at is not None else "HEAD"
    versions = facts.read_versions(root, target.spec, rev)
    current = _working_copy(where, target.on_disk, versions) if at is None else None
    if current is not None:
        versions.append(current)
    if at is not None:
        warnings.append(f"note: as committed at {at.label}")
    if not versions:
        raise UnknownId(
            target.missing or f"there is no history of {target.label}",
            hint="check the id or path; `cqctrack review --all` lists actions",
        )
    latest = next((v for v in reversed(versions) if v.data), None)
    prefix = where.prefix
    path = versions[-1].path
    data = latest.data if latest and latest.data else {}
    title = data.get("title") or data.get("name") or data.get("provider")
    timeline = Timeline(
        target.label,
        path.removeprefix(prefix + "/") if prefix != "." else path,
        str(title) if title else None,
        kind=target.kind,
        warnings=warnings,
    )
    file_facts = facts.facts_of_versions(versions)
    gov = None
    relaxed: tuple[governance.Relaxation, ...] = ()
    if config is not None:
        head = at.sha if at is not None else where.head
        versions_of_config = facts.config_history(root, caches, rev, head)
        gov = read_governance.context(root, config.policy, versions_of_config, where.edge)
        shas = [v.commit.sha for v in versions if v.commit is not None]
        gov = read_governance.with_signatures(root, gov, shas, config.people, caches)
        relaxed = tuple(governance.relaxations(gov))
    subject = target.label if target.kind in ("action", "concern", "measure") else None
    period = data.get("period") if target.kind == "measure" else None
    audit = Audit(
        config,
        file_facts.due_moves(),
        subject,
        tuple(file_facts.events),
        gov,
        relaxed,
        period=period if isinstance(period, str) else None,
    )
    judge = compare if target.kind == "action" else compare_file
    previous: Version | None = None
    for version in versions:
        timeline.events += judge(previous, version, audit)
        previous = version
    return timeline


def action_history(
    root: Path, action_id: str, config: Config | None, caches: cache.Caches | None = None
) -> Timeline:
    """One action's timeline, for `show` (which has the id already)."""
    if not re.match(_KINDS[0][1], action_id):
        raise InvalidInput(
            f"{visible(action_id)} is not an action id",
            hint="give an id such as MED-003 (not a path, not a pattern)",
        )
    return file_history(root, action_id, config, caches or cache.Caches(root))


def _working_copy(
    where: repository.Scope, on_disk: Path | None, versions: list[Version]
) -> Version | None:
    if on_disk is None:
        return None
    # The folder resolved, not the file: a committed link out is read (and refused) as such.
    rel = (on_disk.parent.resolve() / on_disk.name).relative_to(where.top.resolve()).as_posix()
    try:
        content = read_bytes(str(on_disk), str(where.top.resolve()))
    except (OSError, Unreadable) as err:
        raise InvalidRepository(
            f"the working copy cannot be read: {getattr(err, 'message', None) or err}",
            path=rel,
            hint="run `cqctrack check` for details",
        ) from None
    current = facts.parse_version(None, rel, content)
    last = versions[-1] if versions else None
    if last is not None and last.path == rel and last.data == current.data and not current.error:
        return None
    return current


def _files_named(trackers: Path, folder: str, name: str) -> list[Path]:
    """`trackers/*/<folder>/<name>`, each place looked at said to be (`consulted`), so an
    answer given again is never one from before a file of that name appeared."""
    try:
        slugs = sorted(p for p in trackers.iterdir() if p.is_dir())
    except OSError:
        return []
    found = []
    for slug in slugs:
        candidate = slug / folder / name
        consulted(candidate)
        if candidate.exists():
            found.append(candidate)
    return found
