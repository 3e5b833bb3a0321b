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

import os
import pickle
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path, PurePosixPath
from stat import S_ISREG
from typing import Any, NamedTuple

from cqctrack import cache, views
from cqctrack.errors import RepositoryNotFound
from cqctrack.problems import Problem, Severity

CONFIG_FILE = "cqctrack.yaml"
TRACKERS_DIR = "trackers"
TRACKER_FILE = "tracker.yaml"
KIND_FOLDERS = {"concerns": "concern", "measures": "measure", "actions": "action"}
# Files people keep beside tracker data on purpose; everything else is reported.
_QUIET_SUFFIXES = (".md", ".txt")
# Below this many files to parse, starting worker processes costs more than it saves.
PARALLEL_MIN = 600

_STATUS = views.Action._fields.index("status")
_DUE = views.Action._fields.index("due")
_OWNER = views.Action._fields.index("owner")


@dataclass(frozen=True, slots=True)
class Source:
    path: str  # repository-relative, forward slashes
    tracker: str  # the tracker folder's slug


class _File(NamedTuple):
    # A named tuple, not a dataclass: one is made per file on every run.
    rel: str
    kind: str  # config, tracker, concern, measure or action
    tracker: str
    sig: cache.Signature


class Lazy(Mapping[str, Any]):
    """Items by id, each unpickled from its record and turned into a view on first use."""

    def __init__(self, cls: type[Any]) -> None:
        self.cls = cls
        self.blobs: dict[str, bytes] = {}
        self._views: dict[str, Any] = {}

    def __getitem__(self, key: str) -> Any:
        found = self._views.get(key)
        if found is None:
            found = self._views[key] = views.view(self.cls, pickle.loads(self.blobs[key]))
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self.blobs)

    def __len__(self) -> int:
        return len(self.blobs)

    def __contains__(self, key: object) -> bool:
        return key in self.blobs


class Actions(Lazy):
    """Actions by id, as views built on first use, with a cheap pre-selection."""

    def __init__(self) -> None:
        super().__init__(views.Action)
        self.index: dict[str, tuple[str, int, str]] = {}  # id -> (status, due day, owner)

    def select(
        self,
        statuses: Iterable[str] | None = None,
        due_before: date | None = None,
        owners: Iterable[str] | None = None,
    ) -> Iterator[views.Action]:
        """Actions matching cheap conditions, read from the index before any view is built."""
        wanted = frozenset(statuses) if statuses is not None else None
        people = frozenset(owners) if owners else None
        limit = due_before.toordinal() if due_before is not None else None
        for key, (status, due, owner) in self.index.items():
            if wanted is not None and status not in wanted:
                continue
            if limit is not None and due >= limit:
                continue
            if people is not None and owner not in people:
                continue
            yield self[key]


@dataclass
class Snapshot:
    """Everything read from one repository at one moment."""

    root: Path
    config: views.Config | None = None
    trackers: dict[str, views.Tracker] = field(default_factory=dict)
    concerns: Lazy = field(default_factory=lambda: Lazy(views.Concern))
    measures: Lazy = field(default_factory=lambda: Lazy(views.Measure))
    actions: Actions = field(default_factory=Actions)
    sources: dict[str, Source] = field(default_factory=dict)  # item id -> where it came from
    problems: list[Problem] = field(default_factory=list)
    file_count: int = 0
    signatures: dict[str, cache.Signature] = field(default_factory=dict)

    def source(self, item_id: str) -> Source:
        return self.sources[item_id]

    def tracker_of(self, item_id: str) -> str:
        return self.sources[item_id].tracker

    def tracker_path(self, slug: str) -> str:
        return f"{TRACKERS_DIR}/{slug}/{TRACKER_FILE}"

    def framework_for(self, slug: str) -> str:
        tracker = self.trackers.get(slug)
        if tracker is not None and tracker.framework:
            return tracker.framework
        return self.config.framework if self.config else "saf-quality-statements"

    @property
    def policy(self) -> views.Policy:
        return self.config.policy if self.config else views.DEFAULT_POLICY


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


def relative(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix()


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


def load(root: Path, listing: Listing | None = None) -> Snapshot:
    """Read and validate every tracker file under `root`."""
    snap = Snapshot(root=root)
    listing = listing or discover(root)
    files = listing.files
    snap.problems.extend(listing.problems)
    store = cache.FileCache(root)
    entries: dict[str, _Entry] = {}
    todo: list[_File] = []
    for item in files:
        found = store.get(item.rel, item.sig)
        if found is None:
            todo.append(item)
        else:
            entries[item.rel] = found
    for item, (problems, rec) in zip(todo, _parse_all(root, todo), strict=True):
        entries[item.rel] = entry = _entry(item.kind, problems, rec)
        store.put(item.rel, item.sig, entry)
    store.save()
    for item in files:
        _add(snap, item, entries[item.rel])
    return snap


# What is kept per file: its problems, and when it is valid its id, the few fields
# the review selects on (actions only), and its record, pickled (unpickling a bytes
# object is a copy; the record itself is unpickled only when the item is used).
_Entry = tuple[tuple[Problem, ...], str | None, tuple[str, int, str] | None, bytes | None]


def _entry(kind: str, problems: tuple[Problem, ...], rec: Any) -> _Entry:
    if rec is None:
        return problems, None, None, None
    blob = pickle.dumps(rec, protocol=pickle.HIGHEST_PROTOCOL)
    if kind in ("config", "tracker"):
        return problems, None, None, blob
    index = (rec[_STATUS], rec[_DUE], rec[_OWNER]) if kind == "action" else None
    return problems, rec[0], index, blob


def _add(snap: Snapshot, item: _File, entry: _Entry) -> None:
    problems, item_id, index, blob = entry
    snap.file_count += 1
    snap.signatures[item.rel] = item.sig
    if problems:
        snap.problems.extend(problems)
    if blob is None:
        return
    if item.kind == "config":
        snap.config = views.view(views.Config, pickle.loads(blob))
        return
    if item.kind == "tracker":
        snap.trackers[item.tracker] = views.view(views.Tracker, pickle.loads(blob))
        return
    assert item_id is not None
    stem = item.rel.rpartition("/")[2].removesuffix(".yaml")
    if stem != item_id:
        snap.problems.append(
            Problem(
                path=item.rel,
                code="id-file-name",
                message=f"id {item_id} does not match the file name {stem}.yaml",
                hint=f"rename the file to {item_id}.yaml or correct the id",
                loc=("id",),
            )
        )
    if item_id in snap.sources:
        first = snap.sources[item_id].path
        snap.problems.append(
            Problem(
                path=item.rel,
                code="id-duplicate",
                message=f"id {item_id} is already used by {first}",
                hint="every action, concern and measure needs its own id; "
                "`cqctrack new` picks the next free one",
                loc=("id",),
            )
        )
        return
    snap.sources[item_id] = Source(item.rel, item.tracker)
    if item.kind == "action":
        snap.actions.blobs[item_id] = blob
        snap.actions.index[item_id] = index  # type: ignore[assignment]
    elif item.kind == "concern":
        snap.concerns.blobs[item_id] = blob
    else:
        snap.measures.blobs[item_id] = blob


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
        size = path.stat().st_size
        if size > yamlio.MAX_BYTES:
            raise yamlio.YamlProblem(
                "file-too-large",
                f"the file is {size:,} bytes; the limit is {yamlio.MAX_BYTES:,}",
                hint="split long logs or move long text into an evidence document",
            )
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


# --- evidence files -------------------------------------------------------------------


def evidence_checker(root: Path) -> Callable[[str], str | None]:
    """A check for evidence file references: None when usable, else what is wrong.

    A reference must be a relative path to a file inside the repository: no
    absolute paths, no `..`, and no symbolic link that leads outside.
    """
    real_root = os.path.realpath(root)
    seen: dict[str, str | None] = {}

    def check(ref: str) -> str | None:
        if ref not in seen:
            seen[ref] = _evidence_problem(real_root, ref)
        return seen[ref]

    return check


def _evidence_problem(real_root: str, ref: str) -> str | None:
    # os.path on strings, not pathlib: `check` looks at thousands of references.
    if ref.startswith(("/", "~")) or "\\" in ref or (len(ref) > 1 and ref[1] == ":"):
        return "is not a path relative to the repository root"
    parts = ref.split("/")
    if ".." in parts:
        return "points outside the repository ('..' is not allowed)"
    if parts[0] == ".git":
        return "is inside .git"
    path = f"{real_root}/{ref}"
    resolved = os.path.realpath(path)
    if resolved != path and not resolved.startswith(real_root + os.sep):
        return "is a link to somewhere outside the repository"
    try:
        stat = os.stat(resolved)  # noqa: PTH116 - see above
    except FileNotFoundError:
        return "does not exist"
    except OSError:
        return "cannot be read"
    if not S_ISREG(stat.st_mode):
        return "is not a file"
    return None
