"""Writes that were never committed: what a recording command was doing when it stopped.

A recording command writes its file and then commits it. Killed in between (kill
-9, a power cut, a full disk at commit time) it leaves the file written but not
committed. Before writing, the command notes what it is about to commit (the
file, the digest of its new content, the commit message and trailers) in
`.git/cqctrack/pending/`; once committed the note is removed. The next recording
command finds a note whose file still holds exactly that content and is not
committed, and says so: it will not sweep that change into its own commit.
`cqctrack recover` commits it as the stopped command would have, or puts the
file back as it was last committed.

Notes are JSON (data only), one per file.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True, slots=True)
class Pending:
    rel: str
    digest: str  # sha256 of the content the command wrote
    summary: str
    trailers: dict[str, str]
    note: Path


def folder(root: Path) -> Path | None:
    git_dir = root / ".git"
    return git_dir / "cqctrack" / "pending" if git_dir.is_dir() else None


def _note_path(root: Path, rel: str) -> Path | None:
    base = folder(root)
    if base is None:
        return None
    return base / (hashlib.sha256(rel.encode()).hexdigest()[:24] + ".json")


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def note(root: Path, rel: str, data: bytes, summary: str, trailers: dict[str, str]) -> Path | None:
    """Record that `rel` is about to hold `data` and be committed; returns the note."""
    path = _note_path(root, rel)
    if path is None:
        return None
    payload = {"path": rel, "digest": digest(data), "summary": summary, "trailers": trailers}
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8") as handle:
        json.dump(payload, handle)
        handle.flush()
        os.fsync(handle.fileno())
    tmp.replace(path)
    return path


def done(note_path: Path | None) -> None:
    if note_path is not None:
        with contextlib.suppress(OSError):
            note_path.unlink()


def notes(root: Path) -> list[Pending]:
    """Every note left behind, oldest first (each may be stale: see `still_pending`)."""
    base = folder(root)
    if base is None or not base.is_dir():
        return []
    out = []
    for path in sorted(base.glob("*.json"), key=lambda p: p.stat().st_mtime_ns):
        try:
            raw: Any = json.loads(path.read_text(encoding="utf-8"))
            out.append(
                Pending(
                    str(raw["path"]),
                    str(raw["digest"]),
                    str(raw["summary"]),
                    {str(k): str(v) for k, v in dict(raw["trailers"]).items()},
                    path,
                )
            )
        except (OSError, ValueError, KeyError, TypeError):
            done(path)  # a note cut short by the crash itself: nothing was written after it
    return out


def still_pending(root: Path, item: Pending, committed: bytes | None) -> bool:
    """Whether the file still holds what the stopped command wrote, and that is not committed.

    `committed` is the file's content at HEAD (None when it is new).
    """
    try:
        current = (root / item.rel).read_bytes()
    except OSError:
        return False
    return digest(current) == item.digest and current != committed


def recover(root: Path, *, commit: bool, discard: bool) -> list[str]:
    """Show, commit or discard the writes stopped commands left uncommitted; lines to print."""
    from cqctrack.git import commit as git_commit
    from cqctrack.git import run
    from cqctrack.write.guard import committed

    found = []
    for item in notes(root):
        if still_pending(root, item, committed(root, item.rel)):
            found.append(item)
        else:
            done(item.note)
    if not found:
        return ["Nothing to recover: every write cqctrack made is committed."]
    out = []
    if commit:
        repo = git_commit.open_repo(root)
        try:
            git_commit.ready_to_commit(repo)
            sign = _signs(root)
            for item in found:
                trailers = {**item.trailers, "Recovered": "committed after an interrupted command"}
                sha = git_commit.commit(
                    repo, root, [root / item.rel], item.summary, trailers, sign=sign
                )
                done(item.note)
                out.append(f"committed {item.rel}: {item.summary} (commit {sha[:8]})")
        finally:
            repo.close()
        return out
    if discard:
        for item in found:
            if committed(root, item.rel) is None:
                (root / item.rel).unlink(missing_ok=True)
            else:
                run.run(root, "checkout", "HEAD", "--", item.rel)
            done(item.note)
            out.append(f"discarded {item.rel}: back as last committed")
        return out
    for item in found:
        out.append(f'{item.rel}: written by "{item.summary}" but not committed')
    out.append(
        "  hint: `cqctrack recover --commit` commits each as its command would have; "
        "`cqctrack recover --discard` puts each file back as last committed"
    )
    return out


def _signs(root: Path) -> bool:
    """Whether commits are signed here (policy signoff.proof: signed), as the stopped
    command's commit would have been."""
    from cqctrack import cache
    from cqctrack.format.policy import Proof
    from cqctrack.store.load import load_config

    config = load_config(root, cache.Caches(root))
    return config is not None and config.policy.signoff.proof is Proof.SIGNED
