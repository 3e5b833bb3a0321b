"""Find and read a tracker repository: the one place every command loads files through.

Layout:

    cqctrack.yaml                       provider, framework, people, policy
    trackers/<slug>/tracker.yaml        one service
    trackers/<slug>/concerns/<ID>.yaml  baseline issues
    trackers/<slug>/measures/<ID>.yaml  measurable targets and readings
    trackers/<slug>/actions/<ID>.yaml   one action per file
    evidence/...                        files that evidence entries point at

`load(root)` returns a `Snapshot`: a read-only view (views.py) of every file that
parsed and validated, and a `Problem` for each one that did not. It never raises
for bad file content; that is for `check` to report.

How it stays fast (issue 5): each file is parsed with the fast C loader and
validated once per content; the outcome is cached per file (cache.py), so a later
run parses only files that changed. Many files to parse are split across all cores.
Actions are kept as compact records and turned into views only when asked for, so
a review that wants the overdue few never builds the rest.
"""

from __future__ import annotations

import contextlib
import gc
import marshal
import os
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, NamedTuple

from cqctrack import cache, views
from cqctrack.errors import RepositoryNotFound
from cqctrack.problems import Problem, Severity
from cqctrack.snapshot import (
    CONFIG_FILE,
    TRACKER_FILE,
    TRACKERS_DIR,
    Snapshot,
    Source,
)

KIND_FOLDERS = {"concerns": "concern", "measures": "measure", "actions": "action"}
# Files people keep beside tracker data on purpose; everything else is reported.
_QUIET_SUFFIXES = (".md", ".txt")
# Below this many files to parse, starting worker processes costs more than it saves.
PARALLEL_MIN = 600

_STATUS = views.Action._fields.index("status")
_DUE = views.Action._fields.index("due")
_OWNER = views.Action._fields.index("owner")


class _File(NamedTuple):
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


def load_config(root: Path) -> views.Config | None:
    """Just cqctrack.yaml, for commands that need people and policy but no tracker files."""
    try:
        sig = cache.signature((root / CONFIG_FILE).stat())
    except OSError:
        return None
    cached = cache.read(root, "config", lambda v: len(v) == 3 and isinstance(v[2], int))
    if cached is not None and cached[0] == sig and max(sig[1], sig[2]) < cached[2] - cache.RACY_NS:
        rec = cached[1]
    else:
        problems, rec = parse_file(str(root / CONFIG_FILE), CONFIG_FILE, "config")
        rec = None if problems else rec
        cache.write(root, "config", (sig, rec, time.time_ns()))
    return None if rec is None else views.view(views.Config, rec)


@dataclass(frozen=True, slots=True)
class Listing:
    """The tracker files found on disk, with their stat signatures, and layout problems."""

    files: list[_File]
    problems: list[Problem]

    def fingerprint(self) -> str:
        """Changes whenever any tracker file is added, removed or changed."""
        import hashlib

        digest = hashlib.sha256()
        for item in self.files:
            digest.update(f"{item.rel}\0{item.sig}\n".encode())
        for problem in self.problems:
            digest.update(f"{problem.path}\0{problem.code}\n".encode())
        return digest.hexdigest()


def discover(root: Path) -> Listing:
    problems: list[Problem] = []
    return Listing(_discover(root, problems), problems)


@contextlib.contextmanager
def quiet_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while building many objects that stay alive.

    Loading makes hundreds of thousands of objects, none of them in cycles; the
    collector would walk the growing heap again and again for nothing (0.4 s of
    a 2.7 s `check` at 10,000 actions).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def load(root: Path, listing: Listing | None = None) -> Snapshot:
    """Read and validate every tracker file under `root`."""
    with quiet_gc():
        return _load(root, listing)


def _load(root: Path, listing: Listing | None) -> Snapshot:
    snap = Snapshot(root=root)
    listing = listing or discover(root)
    files = listing.files
    snap.problems.extend(listing.problems)
    store = cache.FileCache(root)
    entries: list[_Entry | None] = store.get_many([(item.rel, item.sig) for item in files])
    todo = [i for i, entry in enumerate(entries) if entry is None]
    parsed = _parse_all(root, [files[i] for i in todo])
    for i, (problems, rec) in zip(todo, parsed, strict=True):
        item = files[i]
        entries[i] = entry = _entry(item.kind, problems, rec)
        store.put(item.rel, item.sig, entry)
    store.save()
    _assemble(snap, files, entries)  # type: ignore[arg-type]
    return snap


def _assemble(snap: Snapshot, files: list[_File], entries: list[_Entry]) -> None:
    """Put every file's outcome into the snapshot: one tight loop, run for 100,000 files."""
    sources = snap.sources
    blobs = {"action": snap.actions.blobs, "concern": snap.concerns.blobs}
    blobs["measure"] = snap.measures.blobs
    index = snap.actions.index
    for (rel, kind, tracker, _), (problems, item_id, fields, blob) in zip(
        files, entries, strict=True
    ):
        if problems:
            snap.problems.extend(problems)
        if blob is None:
            continue
        if item_id is None:
            if kind == "config":
                snap.config = views.view(views.Config, marshal.loads(blob))
            else:
                snap.trackers[tracker] = views.view(views.Tracker, marshal.loads(blob))
            continue
        if not rel.endswith(f"/{item_id}.yaml"):
            snap.problems.append(_misnamed(rel, item_id))
        if item_id in sources:
            snap.problems.append(_duplicate(rel, item_id, sources[item_id].path))
            continue
        sources[item_id] = Source(rel, tracker)
        blobs[kind][item_id] = blob
        if fields is not None:
            index[item_id] = fields
    snap.file_count = len(files)


def _misnamed(rel: str, item_id: str) -> Problem:
    stem = rel.rpartition("/")[2].removesuffix(".yaml")
    return Problem(
        path=rel,
        code="id-file-name",
        message=f"id {item_id} does not match the file name {stem}.yaml",
        hint=f"rename the file to {item_id}.yaml or correct the id",
        loc=("id",),
    )


def _duplicate(rel: str, item_id: str, first: str) -> Problem:
    return Problem(
        path=rel,
        code="id-duplicate",
        message=f"id {item_id} is already used by {first}",
        hint="every action, concern and measure needs its own id; "
        "`cqctrack new` picks the next free one",
        loc=("id",),
    )


# What is kept per file: its problems, and when it is valid its id, the few fields
# the review selects on (actions only), and its record, marshalled (loading a bytes
# object is a copy; the record itself is unmarshalled only when the item is used).
_Entry = tuple[tuple[Problem, ...], str | None, tuple[str, int, str] | None, bytes | None]


def _entry(kind: str, problems: tuple[Problem, ...], rec: Any) -> _Entry:
    if rec is None:
        return problems, None, None, None
    blob = marshal.dumps(rec)
    if kind in ("config", "tracker"):
        return problems, None, None, blob
    index = (rec[_STATUS], rec[_DUE], rec[_OWNER]) if kind == "action" else None
    return problems, rec[0], index, blob


# --- finding files -------------------------------------------------------------------


def _discover(root: Path, problems: list[Problem]) -> list[_File]:
    # Plain strings and os.scandir, not pathlib: at 10,000 files pathlib's own
    # bookkeeping costs more than the stat calls.
    files: list[_File] = []
    base = str(root)
    try:
        files.append(
            _File(CONFIG_FILE, "config", "", cache.signature(os.stat(f"{base}/{CONFIG_FILE}")))  # noqa: PTH116 - speed, see above
        )
    except OSError:
        problems.append(Problem(CONFIG_FILE, "file-unreadable", "cannot read the file"))
    if not os.path.isdir(f"{base}/{TRACKERS_DIR}"):  # noqa: PTH112
        problems.append(
            Problem(
                path=TRACKERS_DIR,
                code="layout-missing-trackers",
                message=f"there is no {TRACKERS_DIR}/ folder",
                hint="create one with `cqctrack new tracker`",
            )
        )
        return files
    for entry in _scan(f"{base}/{TRACKERS_DIR}"):
        if entry.is_dir():
            _discover_tracker(base, entry.name, files, problems)
    return files


def _discover_tracker(base: str, slug: str, files: list[_File], problems: list[Problem]) -> None:
    rel = f"{TRACKERS_DIR}/{slug}"
    try:
        tracker_sig = cache.signature(os.stat(f"{base}/{rel}/{TRACKER_FILE}"))  # noqa: PTH116
    except OSError:
        problems.append(
            Problem(
                path=rel,
                code="layout-missing-tracker-file",
                message=f"tracker folder has no {TRACKER_FILE}",
                hint=f"add {rel}/{TRACKER_FILE}, or run `cqctrack new tracker {slug}`",
            )
        )
    else:
        if not _valid_slug(slug):
            problems.append(
                Problem(
                    path=rel,
                    code="layout-bad-folder-name",
                    message=f"tracker folder name '{slug}' is not a slug",
                    hint="use lower-case letters, digits and hyphens, e.g. riverside-homecare",
                )
            )
        files.append(_File(f"{rel}/{TRACKER_FILE}", "tracker", slug, tracker_sig))
    for entry in _scan(f"{base}/{rel}"):
        if entry.is_dir():
            kind = KIND_FOLDERS.get(entry.name)
            if kind is None:
                problems.append(_unexpected(f"{rel}/{entry.name}", folder=True))
                continue
            for item in _scan(entry.path):
                item_rel = f"{rel}/{entry.name}/{item.name}"
                if item.name.endswith(".yaml") and item.is_file():
                    files.append(_File(item_rel, kind, slug, cache.signature(item.stat())))
                elif not item.name.endswith(_QUIET_SUFFIXES):
                    problems.append(_unexpected(item_rel, folder=item.is_dir()))
        elif entry.name != TRACKER_FILE and not entry.name.endswith(_QUIET_SUFFIXES):
            problems.append(_unexpected(f"{rel}/{entry.name}"))


def _unexpected(rel: str, folder: bool = False) -> Problem:
    if rel.endswith(".yml"):
        return Problem(
            rel,
            "layout-wrong-extension",
            "tracker files must end in .yaml, not .yml",
            hint=f"rename it to {PurePosixPath(rel).stem}.yaml",
        )
    what = "folder" if folder else "file"
    return Problem(
        rel,
        "layout-unexpected",
        f"unexpected {what}; cqctrack does not read it",
        hint="tracker folders hold tracker.yaml and concerns/, measures/ and actions/ folders; "
        "keep evidence under evidence/",
        severity=Severity.WARNING,
    )


def _scan(folder: str) -> list[os.DirEntry[str]]:
    with os.scandir(folder) as entries:
        return sorted((e for e in entries if not e.name.startswith(".")), key=lambda e: e.name)


def _valid_slug(slug: str) -> bool:
    return bool(slug) and all(c.islower() or c.isdigit() or c == "-" for c in slug)


# --- parsing and validating ----------------------------------------------------------


def _parse_all(root: Path, todo: list[_File]) -> list[tuple[tuple[Problem, ...], Any]]:
    jobs = [(str(root / item.rel), item.rel, item.kind) for item in todo]
    workers = min(os.cpu_count() or 1, 8)
    if len(jobs) < PARALLEL_MIN or workers < 2:
        return [parse_file(*job) for job in jobs]
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    size = -(-len(jobs) // (workers * 4))
    chunks = [jobs[i : i + size] for i in range(0, len(jobs), size)]
    context = multiprocessing.get_context(method)
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        results = pool.map(_parse_chunk, chunks)
        return [outcome for chunk in results for outcome in chunk]


def _parse_chunk(jobs: list[tuple[str, str, str]]) -> list[tuple[tuple[Problem, ...], Any]]:
    with quiet_gc():
        return [parse_file(*job) for job in jobs]


def parse_file(path: str, rel: str, kind: str) -> tuple[tuple[Problem, ...], Any]:
    """Parse and validate one file: its problems, and its record when it is valid."""
    from pydantic import ValidationError

    from cqctrack import validation
    from cqctrack.models import MODELS

    data, problems = read_data(Path(path), rel)
    if problems:
        return tuple(problems), None
    model = MODELS[kind]
    try:
        valid = model.model_validate(data)
    except ValidationError as err:
        return tuple(validation.problems_from(err, rel, model)), None
    return (), views.record(kind, valid)


def read_data(path: Path, rel: str) -> tuple[Any, list[Problem]]:
    """Parse one file with the fast loader; problems instead of exceptions."""
    from cqctrack import yamlio  # imported here: a run served from the cache parses nothing

    try:
        yamlio.check_size(path.stat().st_size)
        data = yamlio.parse(path.read_bytes())
    except OSError as err:
        return None, [Problem(rel, "file-unreadable", f"cannot read the file: {err.strerror}")]
    except yamlio.YamlProblem as err:
        return None, [
            Problem(rel, err.code, err.message, hint=err.hint, line=err.line, column=err.column)
        ]
    if data is None:
        return None, [Problem(rel, "file-empty", "the file is empty", line=1)]
    return data, []


def attach_lines(root: Path, problems: Iterable[Problem]) -> list[Problem]:
    """Fill in the line of every problem that knows only its field path."""
    from cqctrack import yamlio

    texts: dict[str, str | None] = {}
    out = []
    for problem in problems:
        if problem.line is None and problem.path.endswith(".yaml"):
            if problem.path not in texts:
                try:
                    texts[problem.path] = yamlio.decode((root / problem.path).read_bytes())
                except (OSError, yamlio.YamlProblem):
                    texts[problem.path] = None
            text = texts[problem.path]
            found = yamlio.locate(text, problem.loc) if text is not None else None
            if found is not None:
                problem = problem.at(*found)
        out.append(problem)
    return out
