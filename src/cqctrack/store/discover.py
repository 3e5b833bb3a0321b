"""Finding a tracker repository and the files in it, with layout findings for what is out of place."""

from __future__ import annotations

import hashlib
import operator
import os
import stat
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import NamedTuple

from cqctrack import cache
from cqctrack.findings import Finding, Severity
from cqctrack.format.layout import CONFIG_FILE, KIND_FOLDERS, TRACKER_FILE, TRACKERS_DIR
from cqctrack.store.files import outside, what_is

# Files people keep beside tracker data on purpose; everything else is reported.
_QUIET_SUFFIXES = (".md", ".txt")


class File(NamedTuple):
    # A named tuple, not a dataclass: one is made per file on every run.
    rel: str
    kind: str  # config, tracker, concern, measure or action
    tracker: str
    sig: cache.Signature


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
    real = os.path.realpath(base)
    try:
        config = f"{base}/{CONFIG_FILE}"
        if os.path.islink(config) and outside(real, config):  # noqa: PTH114 - strings for speed
            findings.append(_outside(CONFIG_FILE))
        else:
            info = os.stat(config)  # noqa: PTH116 - speed, see above
            if stat.S_ISREG(info.st_mode):
                files.append(File(CONFIG_FILE, "config", "", cache.signature(info)))
            else:
                findings.append(_special(CONFIG_FILE, info.st_mode))
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
    if os.path.islink(f"{base}/{TRACKERS_DIR}") and outside(real, f"{base}/{TRACKERS_DIR}"):  # noqa: PTH114 - strings for speed
        findings.append(_outside(TRACKERS_DIR))
        return files
    for entry in _scan(f"{base}/{TRACKERS_DIR}"):
        rel = f"{TRACKERS_DIR}/{entry.name}"
        if entry.is_symlink() and outside(real, entry.path):
            findings.append(_outside(rel))
        elif entry.is_dir():
            _discover_tracker(base, real, entry.name, files, findings)
        elif entry.name.endswith((".yaml", ".yml")):
            findings.append(_stray(rel))
        elif not entry.name.endswith(_QUIET_SUFFIXES):
            findings.append(_unexpected(rel))
    return files


def _discover_tracker(
    base: str, real: str, slug: str, files: list[File], findings: list[Finding]
) -> None:
    rel = f"{TRACKERS_DIR}/{slug}"
    tracker_path = f"{base}/{rel}/{TRACKER_FILE}"
    tracker_info = None
    try:
        if os.path.islink(tracker_path) and outside(real, tracker_path):  # noqa: PTH114 - strings for speed
            findings.append(_outside(f"{rel}/{TRACKER_FILE}"))
        else:
            tracker_info = os.stat(tracker_path)  # noqa: PTH116
    except OSError:
        findings.append(
            Finding(
                code="layout-missing-tracker-file",
                message=f"tracker folder has no {TRACKER_FILE}",
                hint=f"add {rel}/{TRACKER_FILE}, or run `cqctrack new tracker {slug}`",
                path=rel,
            )
        )
    if tracker_info is not None and not stat.S_ISREG(tracker_info.st_mode):
        findings.append(_special(f"{rel}/{TRACKER_FILE}", tracker_info.st_mode))
    elif tracker_info is not None:
        tracker_sig = cache.signature(tracker_info)
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
        entry_rel = f"{rel}/{entry.name}"
        if entry.is_symlink() and entry.name != TRACKER_FILE and outside(real, entry.path):
            findings.append(_outside(entry_rel))
        elif entry.is_dir():
            kind = KIND_FOLDERS.get(entry.name)
            if kind is None:
                findings.append(_unexpected(entry_rel, folder=True))
                continue
            append = files.append
            for item in _scan(entry.path):
                name = item.name
                # The common case first, with nothing called that it does not need: an
                # ordinary .yaml file (not a link), its stat signature inlined (this loop
                # runs for every file, 100,000 times in a large repository).
                if name.endswith(".yaml") and item.is_file(follow_symlinks=False):
                    info = item.stat(follow_symlinks=False)
                    sig = (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)
                    append(File(f"{entry_rel}/{name}", kind, slug, sig))
                    continue
                item_rel = f"{entry_rel}/{name}"
                if item.is_symlink() and outside(real, item.path):
                    findings.append(_outside(item_rel))
                elif item.name.endswith(".yaml") and item.is_file():
                    files.append(File(item_rel, kind, slug, cache.signature(item.stat())))
                elif item.name.endswith(".yaml") and not item.is_dir():
                    findings.append(_special(item_rel, _mode(item)))
                elif not item.name.endswith(_QUIET_SUFFIXES):
                    findings.append(_unexpected(item_rel, folder=item.is_dir()))
        elif entry.name != TRACKER_FILE and entry.name.endswith((".yaml", ".yml")):
            findings.append(_stray(entry_rel))
        elif entry.name != TRACKER_FILE and not entry.name.endswith(_QUIET_SUFFIXES):
            findings.append(_unexpected(entry_rel))


def _mode(entry: os.DirEntry[str]) -> int:
    try:
        return entry.stat().st_mode
    except OSError:
        return 0


def _outside(rel: str) -> Finding:
    return Finding(
        code="file-outside-repository",
        message="a symbolic link to somewhere outside the repository; cqctrack does not follow it",
        hint="keep tracker files inside the repository; replace the link with the file itself",
        path=rel,
    )


def _special(rel: str, mode: int) -> Finding:
    return Finding(
        code="file-not-regular",
        message=f"the file is {what_is(mode)}, not a regular file, so it is not read",
        hint="tracker files must be ordinary files; remove it or replace it with one",
        path=rel,
    )


def _stray(rel: str) -> Finding:
    """A YAML file where cqctrack reads none: a tracker file put in the wrong folder, most likely."""
    if rel.endswith(".yml"):
        return _unexpected(rel)
    return Finding(
        code="layout-stray-file",
        message="a YAML file where cqctrack reads none, so it is not checked",
        severity=Severity.WARNING,
        hint="actions go in trackers/<tracker>/actions/, concerns in concerns/, measures in "
        "measures/; move the file there, or remove it",
        path=rel,
    )


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
        found = [e for e in entries if e.name[:1] != "."]
    found.sort(key=_NAME)
    return found


_NAME = operator.attrgetter("name")


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
