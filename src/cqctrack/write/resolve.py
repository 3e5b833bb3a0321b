"""Merge driver set-up, and `cqctrack resolve` for files git has already left conflicted.

Git runs a merge driver only where `.gitattributes` names it and the clone's own
configuration defines it (configuration is not versioned, so each clone needs the
one-line setup `cqctrack merge-driver --install`, which `init` does for new
repositories). Web merge buttons and rebases never run drivers, so `resolve`
merges what is already conflicted, from the three versions git keeps in the
index, and settles files both sides created with the same id (MED-008 twice):
ours keeps the id, theirs takes the next free one, and files theirs added that
refer to a renumbered concern are pointed at its new id.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from cqctrack.errors import GitError
from cqctrack.format import dialect, models, roundtrip
from cqctrack.format.layout import KIND_FOLDERS, TRACKERS_DIR
from cqctrack.git import run
from cqctrack.write import edits, merge
from cqctrack.write.document import atomic_write

ATTRIBUTES_LINE = f"{TRACKERS_DIR}/**/*.yaml merge=cqctrack"
DRIVER_NAME = "cqctrack: merge append-only tracker logs"


def kind_of(path: str) -> str | None:
    parts = path.split("/")
    return KIND_FOLDERS.get(parts[-2]) if len(parts) >= 2 else None


def order_for(path: str) -> list[str]:
    kind = kind_of(path)
    model = models.MODELS.get(kind or "action", models.Action)
    return edits.key_order(model)


def merge_three(base: bytes, ours: bytes, theirs: bytes, path: str) -> merge.Merged:
    return merge.merge(base, ours, theirs, order_for(path))


# --- the driver's set-up ---------------------------------------------------------------


def driver_command() -> str:
    """How git should run the driver: this cqctrack, by absolute path when it has one."""
    found = shutil.which("cqctrack")
    script = Path(sys.argv[0])
    if script.name == "cqctrack" and script.exists():
        found = str(script.resolve())
    exe = found or "cqctrack"
    return f"{exe} merge-driver %O %A %B %P"


def install(root: Path) -> list[str]:
    """Register the driver in `.gitattributes` and this clone's git config; what was done."""
    done = []
    attributes = root / ".gitattributes"
    text = attributes.read_text(encoding="utf-8") if attributes.exists() else ""
    if ATTRIBUTES_LINE not in text.splitlines():
        addition = ("" if not text or text.endswith("\n") else "\n") + (
            "# Append-only tracker logs merge without conflict (cqctrack merge-driver).\n"
            f"{ATTRIBUTES_LINE}\n"
        )
        atomic_write(attributes, (text + addition).encode("utf-8"))
        done.append(f"added `{ATTRIBUTES_LINE}` to .gitattributes (commit it)")
    run.run(root, "config", "merge.cqctrack.name", DRIVER_NAME)
    run.run(root, "config", "merge.cqctrack.driver", driver_command())
    done.append("set merge.cqctrack.driver in this clone's git config")
    return done


def drive(base: Path, ours: Path, theirs: Path, path: str) -> tuple[int, str | None]:
    """What git's merge driver does: merge into `ours`; (exit code, a note for stderr)."""
    o, b, t = ours.read_bytes(), base.read_bytes(), theirs.read_bytes()
    if not b.strip() and o.strip() and t.strip() and o != t:
        code = _line_merge(ours, base, theirs)
        return code, (
            f"{path}: both sides created this file; run `cqctrack resolve` to keep both, "
            "each with its own id"
        )
    try:
        result = merge_three(b, o, t, path)
    except dialect.YamlProblem:
        return _line_merge(ours, base, theirs), None
    ours.write_bytes(result.data)
    if result.conflicts:
        return 1, f"{path}: both sides changed {', '.join(result.conflicts)}; decide and commit"
    return 0, None


def _line_merge(ours: Path, base: Path, theirs: Path) -> int:
    done = subprocess.run(
        ["git", "merge-file", "-L", "ours", "-L", "base", "-L", "theirs", str(ours), str(base),
         str(theirs)],
        capture_output=True,
        check=False,
    )  # fmt: skip
    return 1 if done.returncode != 0 else 0


# --- cqctrack resolve ------------------------------------------------------------------


@dataclass
class Resolution:
    resolved: list[str] = field(default_factory=list)  # lines saying what was done
    remaining: list[str] = field(default_factory=list)  # files a person must still decide


def _unmerged(root: Path) -> dict[str, dict[int, str]]:
    out: dict[str, dict[int, str]] = {}
    for record in run.run(root, "ls-files", "-u", "-z").split("\0"):
        if not record:
            continue
        meta, _, path = record.partition("\t")
        _, blob, stage = meta.split()
        out.setdefault(path, {})[int(stage)] = blob
    return out


def resolve(root: Path) -> Resolution:
    top = run.toplevel(root)
    if top is None:
        raise GitError(f"{root} is not in a git repository, so there is nothing to resolve")
    prefix = Path(root).resolve().relative_to(top.resolve()).as_posix()
    prefix = "" if prefix == "." else prefix + "/"
    result = Resolution()
    conflicted = {
        p: s
        for p, s in _unmerged(root).items()
        if p.startswith(prefix + TRACKERS_DIR + "/") and p.endswith(".yaml")
    }
    blobs = dict(run.cat_blobs(root, sorted({b for s in conflicted.values() for b in s.values()})))
    renamed: dict[str, str] = {}  # old id -> new id, for references
    theirs_added = _added_by_theirs(root)
    for path, stages in sorted(conflicted.items()):
        rel = path[len(prefix) :]
        ours, theirs = blobs.get(stages.get(2, "")), blobs.get(stages.get(3, ""))
        base = blobs.get(stages.get(1, ""), b"")
        if ours is None or theirs is None:
            result.remaining.append(f"{rel}: deleted on one side and changed on the other")
            continue
        if not base and kind_of(rel) in ("action", "concern", "measure") and ours != theirs:
            try:
                new_rel = _renumber(root, rel, theirs, renamed)
            except dialect.YamlProblem as err:
                result.remaining.append(f"{rel}: their version cannot be read ({err.message})")
                continue
            _write(root, rel, ours)
            run.run(root, "add", "--", rel, new_rel)
            result.resolved.append(f"{rel}: both sides created it; theirs is now {new_rel}")
            continue
        try:
            merged = merge_three(base, ours, theirs, rel)
        except dialect.YamlProblem as err:
            result.remaining.append(f"{rel}: one version cannot be read ({err.message})")
            continue
        _write(root, rel, merged.data)
        if merged.conflicts:
            result.remaining.append(
                f"{rel}: both sides changed {', '.join(merged.conflicts)}; the file shows both"
            )
            continue
        run.run(root, "add", "--", rel)
        note = f" (renumbered {', '.join(merged.renumbered)})" if merged.renumbered else ""
        result.resolved.append(f"{rel}: merged both sides' entries{note}")
    for rel in theirs_added:
        _repoint(root, rel[len(prefix) :] if rel.startswith(prefix) else rel, renamed, result)
    return result


def _write(root: Path, rel: str, data: bytes) -> None:
    atomic_write(root / rel, data)


_NUMBERED = re.compile(r"^(?P<prefix>[A-Z][A-Z0-9]*-(?:C|M)?)(?P<n>\d+)$")


def _renumber(root: Path, rel: str, theirs: bytes, renamed: dict[str, str]) -> str:
    """Write theirs as the next free id in its folder; returns its new path."""
    folder_rel, _, name = rel.rpartition("/")
    old_id = name.removesuffix(".yaml")
    match = _NUMBERED.match(old_id)
    if match is None:
        raise GitError(f"{rel}: cannot renumber an id of this form")
    prefix, width = match.group("prefix"), len(match.group("n"))
    taken = {
        int(m.group("n"))
        for p in (root / folder_rel).glob(f"{prefix}*.yaml")
        if (m := _NUMBERED.match(p.stem)) and m.group("prefix") == prefix
    }
    taken.add(int(match.group("n")))
    number = max(taken) + 1
    new_id = f"{prefix}{number:0{width}d}"
    editable = roundtrip.open_text(theirs)
    editable.data["id"] = new_id
    new_rel = f"{folder_rel}/{new_id}.yaml"
    atomic_write(root / new_rel, editable.render(), create=True)
    renamed[old_id] = new_id
    return new_rel


def _added_by_theirs(root: Path) -> list[str]:
    for head in ("MERGE_HEAD", "REBASE_HEAD", "CHERRY_PICK_HEAD"):
        if run.succeeds(root, "rev-parse", "-q", "--verify", head):
            base = run.run(root, "merge-base", "HEAD", head, check=False).strip()
            if base:
                out = run.run(
                    root, "diff", "--name-only", "--diff-filter=A", base, head, "--", TRACKERS_DIR
                )
                return [line for line in out.splitlines() if line.endswith(".yaml")]
    return []


def _repoint(root: Path, rel: str, renamed: dict[str, str], result: Resolution) -> None:
    """A file theirs added that names a renumbered concern is pointed at its new id."""
    concerns = {old: new for old, new in renamed.items() if "-C" in old}
    if not concerns or kind_of(rel) not in ("action", "measure"):
        return
    path = root / rel
    try:
        editable = roundtrip.open_text(path.read_bytes())
    except (OSError, dialect.YamlProblem):
        return
    old = editable.data.get("concern")
    # Only files that came with the renumbered concern: ours kept the old id.
    if old in concerns and not _is_ours(root, rel):
        editable.data["concern"] = concerns[old]
        atomic_write(path, editable.render())
        run.run(root, "add", "--", rel)
        result.resolved.append(f"{rel}: now refers to {concerns[old]} (renumbered)")


def _is_ours(root: Path, rel: str) -> bool:
    return run.succeeds(root, "cat-file", "-e", f"HEAD:{_top_rel(root, rel)}")


def _top_rel(root: Path, rel: str) -> str:
    top = run.toplevel(root)
    assert top is not None
    return (root.resolve() / rel).relative_to(top.resolve()).as_posix()
