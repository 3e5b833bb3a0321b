"""Finding a tracker repository and the files in it, with layout findings for what is out of place."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import NamedTuple

from cqctrack import cache
from cqctrack.errors import RepositoryNotFound
from cqctrack.findings import Finding, Severity
from cqctrack.format.layout import CONFIG_FILE, KIND_FOLDERS, TRACKER_FILE, TRACKERS_DIR

# Files people keep beside tracker data on purpose; everything else is reported.
_QUIET_SUFFIXES = (".md", ".txt")


class File(NamedTuple):
    # A named tuple, not a dataclass: one is made per file on every run.
    rel: str
    kind: str  # config, tracker, concern, measure or action
    tracker: str
    sig: cache.Signature


def find_root(start: Path) -> Path:
    """The nearest folder at or above `start` that holds `cqctrack.yaml`."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / CONFIG_FILE).is_file():
            return folder
    raise RepositoryNotFound(
        f"no {CONFIG_FILE} in {start} or any folder above it",
        hint="run the command inside a tracker repository, pass --repo PATH, "
        "or create one with `cqctrack init`",
    )


@dataclass(frozen=True, slots=True)
class Listing:
    """The tracker files found on disk, with their stat signatures, and layout findings."""

    files: list[File]
    findings: list[Finding]

    def fingerprint(self) -> str:
        """Changes whenever any tracker file is added, removed or changed."""
        digest = hashlib.sha256()
        for item in self.files:
            digest.update(f"{item.rel}\0{item.sig}\n".encode())
        for finding in self.findings:
            digest.update(f"{finding.path}\0{finding.code}\n".encode())
        return digest.hexdigest()


def discover(root: Path) -> Listing:
    findings: list[Finding] = []
    return Listing(_discover(root, findings), findings)


def _discover(root: Path, findings: list[Finding]) -> list[File]:
    # Plain strings and os.scandir, not pathlib: at 10,000 files pathlib's own
    # bookkeeping costs more than the stat calls.
    files: list[File] = []
    base = str(root)
    try:
        files.append(
            File(CONFIG_FILE, "config", "", cache.signature(os.stat(f"{base}/{CONFIG_FILE}")))  # noqa: PTH116 - speed, see above
        )
    except OSError:
        findings.append(
            Finding(code="file-unreadable", message="cannot read the file", path=CONFIG_FILE)
        )
    if not os.path.isdir(f"{base}/{TRACKERS_DIR}"):  # noqa: PTH112
        findings.append(
            Finding(
                code="layout-missing-trackers",
                message=f"there is no {TRACKERS_DIR}/ folder",
                hint="create one with `cqctrack new tracker`",
                path=TRACKERS_DIR,
            )
        )
        return files
    for entry in _scan(f"{base}/{TRACKERS_DIR}"):
        if entry.is_dir():
            _discover_tracker(base, entry.name, files, findings)
    return files


def _discover_tracker(base: str, slug: str, files: list[File], findings: list[Finding]) -> None:
    rel = f"{TRACKERS_DIR}/{slug}"
    try:
        tracker_sig = cache.signature(os.stat(f"{base}/{rel}/{TRACKER_FILE}"))  # noqa: PTH116
    except OSError:
        findings.append(
            Finding(
                code="layout-missing-tracker-file",
                message=f"tracker folder has no {TRACKER_FILE}",
                hint=f"add {rel}/{TRACKER_FILE}, or run `cqctrack new tracker {slug}`",
                path=rel,
            )
        )
    else:
        if not _valid_slug(slug):
            findings.append(
                Finding(
                    code="layout-bad-folder-name",
                    message=f"tracker folder name '{slug}' is not a slug",
                    hint="use lower-case letters, digits and hyphens, e.g. riverside-homecare",
                    path=rel,
                )
            )
        files.append(File(f"{rel}/{TRACKER_FILE}", "tracker", slug, tracker_sig))
    for entry in _scan(f"{base}/{rel}"):
        if entry.is_dir():
            kind = KIND_FOLDERS.get(entry.name)
            if kind is None:
                findings.append(_unexpected(f"{rel}/{entry.name}", folder=True))
                continue
            for item in _scan(entry.path):
                item_rel = f"{rel}/{entry.name}/{item.name}"
                if item.name.endswith(".yaml") and item.is_file():
                    files.append(File(item_rel, kind, slug, cache.signature(item.stat())))
                elif not item.name.endswith(_QUIET_SUFFIXES):
                    findings.append(_unexpected(item_rel, folder=item.is_dir()))
        elif entry.name != TRACKER_FILE and not entry.name.endswith(_QUIET_SUFFIXES):
            findings.append(_unexpected(f"{rel}/{entry.name}"))


def _unexpected(rel: str, folder: bool = False) -> Finding:
    if rel.endswith(".yml"):
        return Finding(
            code="layout-wrong-extension",
            message="tracker files must end in .yaml, not .yml",
            hint=f"rename it to {PurePosixPath(rel).stem}.yaml",
            path=rel,
        )
    what = "folder" if folder else "file"
    return Finding(
        code="layout-unexpected",
        message=f"unexpected {what}; cqctrack does not read it",
        hint="tracker folders hold tracker.yaml and concerns/, measures/ and actions/ folders; "
        "keep evidence under evidence/",
        severity=Severity.WARNING,
        path=rel,
    )


def _scan(folder: str) -> list[os.DirEntry[str]]:
    with os.scandir(folder) as entries:
        return sorted((e for e in entries if not e.name.startswith(".")), key=lambda e: e.name)


def _valid_slug(slug: str) -> bool:
    return bool(slug) and all(c.islower() or c.isdigit() or c == "-" for c in slug)


def from_paths(paths: list[str]) -> tuple[list[tuple[str, str, str]], list[Finding]]:
    """The same layout rules as `discover`, for a list of repository-relative file paths
    (a tree in git, read by `--at`): (path, kind, tracker slug) of each tracker file, and
    findings for what is out of place."""
    found: list[tuple[str, str, str]] = []
    findings: list[Finding] = []
    wanted = sorted(paths)
    present = set(wanted)
    if CONFIG_FILE in present:
        found.append((CONFIG_FILE, "config", ""))
    else:
        findings.append(
            Finding(code="file-unreadable", message="cannot read the file", path=CONFIG_FILE)
        )
    prefix = f"{TRACKERS_DIR}/"
    inside = [p for p in wanted if p.startswith(prefix)]
    if not inside:
        findings.append(
            Finding(
                code="layout-missing-trackers",
                message=f"there is no {TRACKERS_DIR}/ folder",
                hint="create one with `cqctrack new tracker`",
                path=TRACKERS_DIR,
            )
        )
        return found, findings
    slugs: dict[str, list[list[str]]] = {}
    for path in inside:
        parts = path[len(prefix) :].split("/")
        if any(part.startswith(".") for part in parts):
            continue
        slugs.setdefault(parts[0], []).append(parts[1:])
    for slug, rests in sorted(slugs.items()):
        rel = f"{TRACKERS_DIR}/{slug}"
        if [TRACKER_FILE] not in rests:
            findings.append(
                Finding(
                    code="layout-missing-tracker-file",
                    message=f"tracker folder has no {TRACKER_FILE}",
                    hint=f"add {rel}/{TRACKER_FILE}, or run `cqctrack new tracker {slug}`",
                    path=rel,
                )
            )
        else:
            if not _valid_slug(slug):
                findings.append(
                    Finding(
                        code="layout-bad-folder-name",
                        message=f"tracker folder name '{slug}' is not a slug",
                        hint="use lower-case letters, digits and hyphens, e.g. riverside-homecare",
                        path=rel,
                    )
                )
            found.append((f"{rel}/{TRACKER_FILE}", "tracker", slug))
        for rest in rests:
            if rest == [TRACKER_FILE]:
                continue
            kind = KIND_FOLDERS.get(rest[0]) if len(rest) > 1 else None
            item = f"{rel}/{'/'.join(rest)}"
            if len(rest) == 1:
                if not rest[0].endswith(_QUIET_SUFFIXES):
                    findings.append(_unexpected(item))
            elif kind is None:
                findings.append(_unexpected(f"{rel}/{rest[0]}", folder=True))
            elif len(rest) == 2 and rest[1].endswith(".yaml"):
                found.append((item, kind, slug))
            elif not rest[-1].endswith(_QUIET_SUFFIXES):
                findings.append(_unexpected(item, folder=len(rest) > 2))
    unique: dict[str, Finding] = {}
    for finding in findings:  # a folder of unexpected files is reported once
        unique.setdefault(f"{finding.path}\0{finding.code}", finding)
    return found, list(unique.values())
