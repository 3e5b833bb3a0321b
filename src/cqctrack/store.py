"""Find and read a tracker repository: the one place every command loads files through.

Layout:

    cqctrack.yaml                       provider, framework, people, policy
    trackers/<slug>/tracker.yaml        one service
    trackers/<slug>/concerns/<ID>.yaml  baseline issues
    trackers/<slug>/measures/<ID>.yaml  measurable targets and readings
    trackers/<slug>/actions/<ID>.yaml   one action per file
    evidence/...                        files that evidence entries point at

`load(root)` returns a `Snapshot`: every file that parsed and validated, as models,
plus a `Problem` for each one that did not. It never raises for bad file content;
that is for `check` to report. Reads use the fast parser (see yamlio.py); writing
is `writer.py`'s job.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from cqctrack import validation, yamlio
from cqctrack.errors import RepositoryNotFound
from cqctrack.models import Action, Concern, Config, Measure, Tracker
from cqctrack.problems import Problem, Severity

CONFIG_FILE = "cqctrack.yaml"
TRACKERS_DIR = "trackers"
TRACKER_FILE = "tracker.yaml"
KIND_FOLDERS: dict[str, type[BaseModel]] = {
    "concerns": Concern,
    "measures": Measure,
    "actions": Action,
}
# Files people keep beside tracker data on purpose; everything else is reported.
_QUIET_SUFFIXES = (".md", ".txt")

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True, slots=True)
class Source:
    path: str  # repository-relative, forward slashes
    tracker: str  # the tracker folder's slug


@dataclass
class Snapshot:
    """Everything read from one repository at one moment."""

    root: Path
    config: Config | None = None
    trackers: dict[str, Tracker] = field(default_factory=dict)
    concerns: dict[str, Concern] = field(default_factory=dict)
    measures: dict[str, Measure] = field(default_factory=dict)
    actions: dict[str, Action] = field(default_factory=dict)
    sources: dict[str, Source] = field(default_factory=dict)  # item id -> where it came from
    problems: list[Problem] = field(default_factory=list)
    file_count: int = 0

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


def load_config(root: Path) -> Config | None:
    """Just cqctrack.yaml, for commands that need people and policy but no tracker files."""
    data, problems = read_data(root / CONFIG_FILE, CONFIG_FILE)
    if problems:
        return None
    try:
        return Config.model_validate(data)
    except ValidationError:
        return None


def load(root: Path) -> Snapshot:
    """Read and validate every tracker file under `root`."""
    snap = Snapshot(root=root)
    config_path = root / CONFIG_FILE
    snap.config = _load_model(snap, config_path, Config)
    trackers_dir = root / TRACKERS_DIR
    if not trackers_dir.is_dir():
        snap.problems.append(
            Problem(
                path=TRACKERS_DIR,
                code="layout-missing-trackers",
                message=f"there is no {TRACKERS_DIR}/ folder",
                hint="create one with `cqctrack new tracker`",
            )
        )
        return snap
    for slug_dir in _sorted_dirs(trackers_dir):
        _load_tracker(snap, slug_dir)
    return snap


def _load_tracker(snap: Snapshot, folder: Path) -> None:
    slug = folder.name
    rel = relative(snap.root, folder)
    tracker_file = folder / TRACKER_FILE
    if not tracker_file.is_file():
        snap.problems.append(
            Problem(
                path=rel,
                code="layout-missing-tracker-file",
                message=f"tracker folder has no {TRACKER_FILE}",
                hint=f"add {rel}/{TRACKER_FILE}, or run `cqctrack new tracker {slug}`",
            )
        )
    else:
        if not _valid_slug(slug):
            snap.problems.append(
                Problem(
                    path=rel,
                    code="layout-bad-folder-name",
                    message=f"tracker folder name '{slug}' is not a slug",
                    hint="use lower-case letters, digits and hyphens, e.g. riverside-homecare",
                )
            )
        tracker = _load_model(snap, tracker_file, Tracker)
        if tracker is not None:
            snap.trackers[slug] = tracker
    for entry in _scan(folder):
        if entry.is_dir():
            model = KIND_FOLDERS.get(entry.name)
            if model is None:
                snap.problems.append(_unexpected(snap.root, Path(entry.path), folder=True))
                continue
            for item in _scan(Path(entry.path)):
                _load_item(snap, Path(item.path), model, slug, item.is_dir())
        elif entry.name != TRACKER_FILE and not entry.name.endswith(_QUIET_SUFFIXES):
            snap.problems.append(_unexpected(snap.root, Path(entry.path)))


def _load_item(snap: Snapshot, path: Path, model: type[BaseModel], slug: str, is_dir: bool) -> None:
    if is_dir or not path.name.endswith(".yaml"):
        if not path.name.endswith(_QUIET_SUFFIXES):
            snap.problems.append(_unexpected(snap.root, path, folder=is_dir))
        return
    item = _load_model(snap, path, model)
    if item is None:
        return
    rel = relative(snap.root, path)
    item_id: str = item.id  # type: ignore[attr-defined]
    if path.stem != item_id:
        snap.problems.append(
            Problem(
                path=rel,
                code="id-file-name",
                message=f"id {item_id} does not match the file name {path.name}",
                hint=f"rename the file to {item_id}.yaml or correct the id",
                loc=("id",),
            )
        )
    if item_id in snap.sources:
        first = snap.sources[item_id].path
        snap.problems.append(
            Problem(
                path=rel,
                code="id-duplicate",
                message=f"id {item_id} is already used by {first}",
                hint="every action, concern and measure needs its own id; "
                "`cqctrack new` picks the next free one",
                loc=("id",),
            )
        )
        return
    snap.sources[item_id] = Source(rel, slug)
    target = {Concern: snap.concerns, Measure: snap.measures, Action: snap.actions}[model]
    target[item_id] = item  # type: ignore[assignment]


def _load_model(snap: Snapshot, path: Path, model: type[M]) -> M | None:
    snap.file_count += 1
    rel = relative(snap.root, path)
    data, problems = read_data(path, rel)
    if problems:
        snap.problems.extend(problems)
        return None
    try:
        return model.model_validate(data)
    except ValidationError as err:
        snap.problems.extend(validation.problems_from(err, rel, model))
        return None


def read_data(path: Path, rel: str) -> tuple[Any, list[Problem]]:
    """Parse one file with the fast loader; problems instead of exceptions."""
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


def _unexpected(root: Path, path: Path, folder: bool = False) -> Problem:
    rel = relative(root, path)
    if path.suffix == ".yml":
        return Problem(
            rel,
            "layout-wrong-extension",
            "tracker files must end in .yaml, not .yml",
            hint=f"rename it to {path.stem}.yaml",
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


def _scan(folder: Path) -> Iterator[os.DirEntry[str]]:
    with os.scandir(folder) as entries:
        yield from sorted((e for e in entries if not e.name.startswith(".")), key=lambda e: e.name)


def _sorted_dirs(folder: Path) -> list[Path]:
    return [Path(entry.path) for entry in _scan(folder) if entry.is_dir()]


def _valid_slug(slug: str) -> bool:
    return bool(slug) and all(c.islower() or c.isdigit() or c == "-" for c in slug)


def evidence_checker(root: Path) -> Callable[[str], str | None]:
    """A check for evidence file references: None when usable, else what is wrong.

    A reference must be a relative path to a file inside the repository: no
    absolute paths, no `..`, and no symbolic link that leads outside.
    """
    real_root = root.resolve()
    seen: dict[str, str | None] = {}

    def check(ref: str) -> str | None:
        if ref not in seen:
            seen[ref] = _evidence_problem(real_root, ref)
        return seen[ref]

    return check


def _evidence_problem(real_root: Path, ref: str) -> str | None:
    if ref.startswith(("/", "~")) or "\\" in ref or (len(ref) > 1 and ref[1] == ":"):
        return "is not a path relative to the repository root"
    parts = PurePosixPath(ref).parts
    if ".." in parts:
        return "points outside the repository ('..' is not allowed)"
    if parts and parts[0] == ".git":
        return "is inside .git"
    path = real_root / ref
    try:
        resolved = path.resolve(strict=True)
    except FileNotFoundError:
        return "does not exist"
    except (OSError, RuntimeError):
        return "cannot be read"
    if not resolved.is_relative_to(real_root):
        return "is a link to somewhere outside the repository"
    if not resolved.is_file():
        return "is not a file"
    return None
