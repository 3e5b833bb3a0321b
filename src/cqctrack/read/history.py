"""An action's life read back from git: one event per change, field by field.

The timeline comes from comparing the file's committed versions (git/facts.py),
so it is the same whether a change was made with cqctrack or by hand-editing the
YAML and committing; commit trailers only say which tool made it. What to flag is
decided in rules/audit.py, and whether a due-date move was logged in
rules/extensions.py, from the same git facts the review and `check` read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from cqctrack import cache
from cqctrack.errors import UnknownId
from cqctrack.findings import Finding
from cqctrack.format.history import Version
from cqctrack.format.records import Config
from cqctrack.git import facts, run
from cqctrack.read import governance as read_governance
from cqctrack.rules import governance
from cqctrack.rules.audit import Audit, Event, compare


@dataclass
class Timeline:
    action_id: str
    path: str | None
    title: str | None
    events: list[Event] = field(default_factory=list)

    @property
    def flags(self) -> list[str]:
        return [flag for event in self.events for flag in event.flags]

    @property
    def findings(self) -> list[Finding]:
        return [f for event in self.events for f in event.findings]


def action_history(
    root: Path, action_id: str, config: Config | None, caches: cache.Caches
) -> Timeline:
    where = facts.scope(root)
    if where is None:
        if run.toplevel(root) is None:
            raise UnknownId(
                f"{root} is not in a git repository, so there is no history to read",
                hint="history is read from git commits; run `git init` and commit the trackers",
            )
        raise UnknownId(
            f"there is no action {action_id} in this repository's history",
            hint="nothing has been committed yet; history is read from git commits",
        )
    base = where.trackers
    on_disk = sorted((where.top / base).glob(f"*/actions/{action_id}.yaml"))
    if on_disk:
        # An exact path lets git use its changed-path Bloom filters: 0.01 s instead
        # of 0.2 s at 10,000 actions. A deleted action is found by pattern instead.
        spec = on_disk[0].relative_to(where.top).as_posix()
        run.update_commit_graph(root)
    else:
        spec = f":(glob){base}/*/actions/{action_id}.yaml"
    versions = facts.read_versions(root, spec)
    current = _working_copy(where, on_disk, versions)
    if current is not None:
        versions.append(current)
    if not versions:
        raise UnknownId(
            f"there is no action {action_id} in this repository's history",
            hint="check the id; `cqctrack review --all` lists actions",
        )
    latest = next((v for v in reversed(versions) if v.data), None)
    prefix = where.prefix
    timeline = Timeline(
        action_id,
        versions[-1].path.removeprefix(prefix + "/") if prefix != "." else versions[-1].path,
        str(latest.data.get("title")) if latest and latest.data else None,
    )
    file_facts = facts.facts_of_versions(versions)
    gov = None
    relaxed: tuple[governance.Relaxation, ...] = ()
    if config is not None:
        gov = read_governance.context(root, config.policy, facts.config_history(root, caches))
        shas = [v.commit.sha for v in versions if v.commit is not None]
        gov = read_governance.with_signatures(root, gov, shas, config.people, caches)
        relaxed = tuple(governance.relaxations(gov))
    audit = Audit(
        config,
        file_facts.due_moves(),
        action_id,
        tuple(file_facts.events),
        gov,
        relaxed,
    )
    previous: Version | None = None
    for version in versions:
        timeline.events += compare(previous, version, audit)
        previous = version
    return timeline


def _working_copy(
    where: facts.Scope, on_disk: list[Path], versions: list[Version]
) -> Version | None:
    if not on_disk:
        return None
    path = on_disk[0]
    rel = path.relative_to(where.top).as_posix()
    current = facts.parse_version(None, rel, path.read_bytes())
    last = versions[-1] if versions else None
    if last is not None and last.path == rel and last.data == current.data and not current.error:
        return None
    return current
