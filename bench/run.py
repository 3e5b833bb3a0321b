"""Benchmark cqctrack against the targets of issue 5, each command beside its floor.

    make bench                                   # 1,000 and 10,000 actions
    make bench SIZES=1000,10000,100000           # add the 100,000-action repository
    .venv/bin/python bench/run.py --sizes 10000 --runs 7 --json out.json

For every size the harness builds (or reuses, see generate.py) a realistic repository,
then measures each command as a whole process: its median wall time over --runs runs,
beside the median of a floor measured in the same run, interleaved round by round so
that machine noise hits both alike. Floors run on the repository as generated. Cold
cases delete whatever cache cqctrack keeps before every run (found at run time: anything under .git that was not there when the
repository was generated, anything new at the top of the work tree, and
$XDG_CACHE_HOME, which points into .bench/); warm cases run right after a run of the
same command, so its cache is built. Commands that do not exist yet are reported as
"n/a (command not available)", detected with `cqctrack <cmd> --help`.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import generate

HERE = Path(__file__).resolve().parent
XDG_CACHE = generate.BENCH_DIR / "xdg-cache"
GIB = 1024**3


# --- what is measured, and the targets -------------------------------------------------


@dataclass(frozen=True)
class Target:
    kind: str  # "s": median <= value; "x": median/floor <= value; "+s": median-floor <= value;
    # "MiB": peak memory <= value
    value: float

    def text(self) -> str:
        return {
            "s": f"≤ {self.value:g} s",
            "x": f"≤ {self.value:g}× floor",
            "+s": f"≤ floor + {self.value:g} s",
            "MiB": f"≤ {self.value:g} MiB",
        }[self.kind]

    def met(self, median: float, floor: float | None) -> bool:
        if self.kind in ("s", "MiB"):
            return median <= self.value
        assert floor is not None
        if self.kind == "x":
            return median <= self.value * floor
        return median - floor <= self.value


ANY = 0  # a target that holds at every size

# The targets (issues 5 and 15), by case and size. Sizes without an entry have no target.
TARGETS: dict[str, dict[int, Target]] = {
    "review --overdue, cold": {ANY: Target("x", 1.3)},
    "review --overdue, warm": {10_000: Target("s", 0.25), 100_000: Target("s", 1.0)},
    "review --overdue, warm, vs Taskwarrior": {ANY: Target("x", 0.5)},
    "review --overdue, cache from another clone": {ANY: Target("x", 2.0)},
    "summary, warm": {ANY: Target("x", 1.5)},
    "check, cold": {ANY: Target("x", 1.2)},
    "check, warm": {10_000: Target("s", 0.4)},
    "history ID": {10_000: Target("s", 0.08), 100_000: Target("s", 0.2)},
    "history analysis, cold": {ANY: Target("x", 1.5)},
    "history analysis, warm": {100_000: Target("+s", 0.1)},
    "peak memory, largest of every command": {100_000: Target("MiB", 500)},
}
# Rows that compare a case with a second yardstick: (case, floor, row name).
SECOND_ROWS = [
    (
        "review --overdue, warm",
        "floor: task +OVERDUE list",
        "review --overdue, warm, vs Taskwarrior",
    ),
    (
        "review --overdue, cache from another clone",
        "review --overdue, warm",
        "review --overdue, cache from another clone, vs the replayed answer",
    ),
    # Proving governance from git means reading every version of every action, not just
    # the files: the least that work takes, beside the files-only floor of the targets.
    ("check, cold", "floor: every version, read+parse, 2 procs", "check, cold, vs every version"),
    (
        "history analysis, cold",
        "floor: every version, read+parse, 2 procs",
        "history analysis, cold, vs every version",
    ),
]


@dataclass
class Measure:
    """One thing timed as a whole process: a floor or a case."""

    key: str
    argv: list[str]
    cold: bool = False
    floor: str | None = None  # key of the measure it is compared with
    needs: tuple[str, ...] = ()  # cqctrack subcommand and options that must exist
    # Floors run on the repository as generated: git itself reads files cqctrack may add
    # under .git (a commit-graph with Bloom filters makes `git log -- FILE` 10x faster).
    pristine: bool = False
    # Run in a fresh clone given the caches of a warm run in the repository (CI restoring
    # a cache another clone made): see bench_size.
    restored: bool = False
    # Variables added to the environment: CQCTRACK_NO_REPLAY=1 makes a warm run work its
    # answer out afresh (from the caches), as after any edit, instead of giving it again.
    env: dict[str, str] = field(default_factory=dict)
    samples: list[float] = field(default_factory=list)
    rss_kib: list[int] = field(default_factory=list)
    exit_codes: list[int] = field(default_factory=list)
    out_bytes: int = 0
    failure: str | None = None
    available: bool = True

    @property
    def median(self) -> float | None:
        return statistics.median(self.samples) if self.samples else None


def measures_for(
    py: str, cq: str, repo: Path, meta: dict[str, Any], as_of: str, taskrc: Path | None
) -> list[Measure]:
    sample = meta["history_sample"]
    review = [cq, "review", "--overdue", "--as-of", as_of]
    check = [cq, "check", "--as-of", as_of]
    history = [cq, "history", sample["id"]]
    summary = [cq, "summary", "--as-of", as_of]
    # Repository-wide history analysis: `review --extended` needs every due-date move in
    # git (unlogged extensions), read in one pass over the whole history.
    wide = [cq, "review", "--extended", "--as-of", as_of]
    task = ["task", f"rc:{taskrc}", "+OVERDUE", "list"] if taskrc else ["task"]
    measures = [
        Measure("floor: python -c pass", [py, "-c", "pass"]),
        Measure("floor: read+parse, 1 proc", [py, str(HERE / "floors.py"), "parse", "."]),
        Measure(
            "floor: read+parse, 2 procs",
            [py, str(HERE / "floors.py"), "parse", ".", "--procs", "2"],
        ),
        Measure(
            "floor: every version, read+parse, 2 procs",
            [py, str(HERE / "floors.py"), "versions", ".", "--procs", "2"],
        ),
        Measure("floor: git log --name-status", ["git", "log", "--name-status", "--no-renames", "-z"]),
        Measure("floor: git log -- FILE", ["git", "log", "--", sample["path"]]),
        Measure("floor: task +OVERDUE list", task),
        Measure("review --overdue, cold", review, True, "floor: read+parse, 2 procs",
                ("review", "--overdue", "--as-of")),
        Measure("review --overdue, warm", review, False, "floor: python -c pass",
                ("review", "--overdue", "--as-of")),
        # Beside a warm run that works its answer out (from the caches): a replayed answer
        # is this clone's own and never crosses to another (see the second row below).
        Measure("review --overdue, cache from another clone", review, False,
                "review --overdue, warm, worked out afresh", ("review", "--overdue", "--as-of"),
                restored=True),
        Measure("summary, warm", summary, False, "review --overdue, warm", ("summary", "--as-of")),
        # No target of its own: here for its peak memory (every action judged at once).
        Measure("summary, cold", summary, True, "floor: read+parse, 2 procs",
                ("summary", "--as-of")),
        Measure("check, cold", check, True, "floor: read+parse, 2 procs", ("check", "--as-of")),
        Measure("check, warm", check, False, "floor: python -c pass", ("check", "--as-of")),
        Measure("history ID", history, False, "floor: git log -- FILE", ("history",)),
        Measure("history analysis, cold", wide, True, "floor: git log --name-status",
                ("review", "--extended", "--as-of")),
        Measure("history analysis, warm", wide, False, "review --overdue, warm",
                ("review", "--extended", "--as-of")),
    ]  # fmt: skip
    # The same warm cases worked out afresh from the caches, as the first run after an
    # edit is: what a replayed answer saves, shown beside it rather than hidden by it.
    afresh = {"CQCTRACK_NO_REPLAY": "1"}
    for key in ("review --overdue, warm", "summary, warm", "check, warm", "history ID"):
        m = next(m for m in measures if m.key == key)
        measures.append(Measure(f"{key}, worked out afresh", m.argv, False, key, m.needs,
                                env=afresh))  # fmt: skip
    for m in measures:
        m.pristine = m.key.startswith("floor") and "task" not in m.key
    for m in measures:
        if m.key == "floor: task +OVERDUE list":
            m.available = taskrc is not None
    return measures


def taskwarrior_data(size: int, repo: Path, as_of: str, log: Any) -> Path | None:
    """The same actions as Taskwarrior tasks (bench/taskwarrior.py), made once per size and
    day; None, and a note, when Taskwarrior is not installed."""
    if shutil.which("task") is None:
        log(f"[{size:,}] Taskwarrior is not installed (Debian: apt install taskwarrior): "
            "its comparison is left out")  # fmt: skip
        return None
    import datetime as dt

    import taskwarrior

    today = dt.date.today().isoformat()
    dest = generate.BENCH_DIR / f"taskwarrior-{size}-v{generate.GENERATOR_VERSION}-{today}"
    if not (dest / "taskrc").exists():
        tmp = dest.with_name(dest.name + f".tmp-{os.getpid()}")
        shutil.rmtree(tmp, ignore_errors=True)
        count = taskwarrior.build(str(repo), tmp, dt.date.fromisoformat(as_of))
        (tmp / "taskrc").write_text((tmp / "taskrc").read_text().replace(str(tmp), str(dest)))
        tmp.rename(dest)
        log(f"[{size:,}] Taskwarrior data: {count:,} tasks overdue today, in {dest}")
    return dest / "taskrc"


# --- running things ----------------------------------------------------------------------


def bench_env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "NO_COLOR": "1",
            "COLUMNS": "120",
            "GIT_PAGER": "cat",
            "PAGER": "cat",
            "LC_ALL": "C.UTF-8",
            # The user's git configuration must not change what is measured.
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_CONFIG_GLOBAL": os.devnull,
            "XDG_CACHE_HOME": str(XDG_CACHE),
        }
    )
    env.pop("CQCTRACK_REPO", None)
    # An installed cqctrack has its bytecode compiled (pip does it): do not measure
    # compiling every module on every run because the calling shell said not to write it.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    # The secret CI passes so that caches it restores are trusted (README, "CI").
    env["CQCTRACK_CACHE_KEY"] = "cqctrack bench"
    return env


@dataclass
class Run:
    seconds: float
    rss_kib: int  # peak RSS of the process or any child it waited for (e.g. git)
    code: int
    out_bytes: int
    err_tail: str


def run_once(argv: list[str], cwd: Path, env: dict[str, str], timeout: float) -> Run:
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=out,
                                stderr=err)  # fmt: skip
        killer = threading.Timer(timeout, proc.kill)  # a blocking wait4 keeps timings exact
        killer.start()
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        timed_out = not killer.is_alive()
        killer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
        size = out.seek(0, os.SEEK_END)
        err.seek(0)
        tail = err.read().decode("utf-8", "replace").strip()[-600:]
    if timed_out:
        tail = f"timed out after {timeout:g} s"
    return Run(elapsed, usage.ru_maxrss, proc.returncode, size, tail)


def peak_rss_kib(argv: list[str], cwd: Path, env: dict[str, str], timeout: float) -> int | None:
    """Peak RSS of one run of `argv` (KiB), including any child it waited for, e.g. git.

    Measured under GNU time when it is installed: `ru_maxrss` from our own wait4 starts at
    this harness's RSS (~24 MiB), because a child keeps its parent's high-water mark across
    exec, so it is only an upper bound for small commands.
    """
    timer = shutil.which("time", path="/usr/bin:/bin")
    if timer is None:
        return run_once(argv, cwd, env, timeout).rss_kib
    done = subprocess.run([timer, "-f", "%M", *argv], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=timeout, stdin=subprocess.DEVNULL)  # fmt: skip
    last = done.stderr.strip().splitlines()[-1:] or [""]
    return int(last[0]) if last[0].isdigit() else None


class Availability:
    """Which cqctrack commands and options exist, from `cqctrack <cmd> --help`."""

    def __init__(self, cq: str, env: dict[str, str]) -> None:
        self.cq, self.env = cq, env
        self.helps: dict[str, str | None] = {}

    def has(self, needs: tuple[str, ...]) -> bool:
        if not needs:
            return True
        command, options = needs[0], needs[1:]
        if command not in self.helps:
            done = subprocess.run([self.cq, command, "--help"], capture_output=True, text=True,
                                  env=self.env)  # fmt: skip
            self.helps[command] = done.stdout if done.returncode == 0 else None
        text = self.helps[command]
        return text is not None and all(option in text for option in options)


# --- cold caches -------------------------------------------------------------------------

TOP_LEVEL = {".git", ".gitattributes", "README.md", "cqctrack.yaml", "evidence", "trackers"}
# Folders `git init` makes (some stay empty): never removed when clearing caches.
GIT_DIRS = {"branches", "hooks", "info", "logs", "logs/refs", "logs/refs/heads", "objects",
            "objects/info", "objects/pack", "refs", "refs/heads", "refs/tags"}  # fmt: skip


class Caches:
    """Finds and removes whatever cqctrack cached since the repository was generated."""

    def __init__(self, repo: Path, manifest: dict[str, list[int]]) -> None:
        self.repo = repo
        self.manifest = manifest
        self.found: dict[str, int] = {}  # path -> largest size seen
        self.changed: set[str] = set()  # generated files rewritten in place (not restorable)

    def clear(self) -> None:
        git_dir = self.repo / ".git"
        emptied: set[Path] = set()
        for folder, _, files in os.walk(git_dir):
            for name in files:
                path = Path(folder, name)
                rel = path.relative_to(git_dir).as_posix()
                known = self.manifest.get(rel)
                if known is None:
                    self._note(f".git/{rel}", path.stat().st_size)
                    path.unlink()
                    emptied.add(path.parent)
                elif rel != "index" and path.stat().st_size != known[0]:
                    self.changed.add(f".git/{rel}")
        # Remove only folders this emptied (deepest first), never one git itself keeps.
        for folder in sorted(emptied, key=lambda f: len(f.parts), reverse=True):
            rel = folder.relative_to(git_dir).as_posix()
            if folder != git_dir and rel not in GIT_DIRS and not any(folder.iterdir()):
                folder.rmdir()
        for entry in self.repo.iterdir():
            if entry.name not in TOP_LEVEL:
                self._note(entry.name, _size(entry))
                _remove(entry)
        if XDG_CACHE.exists():
            for entry in XDG_CACHE.iterdir():
                self._note(f"$XDG_CACHE_HOME/{entry.name}", _size(entry))
                _remove(entry)

    def _note(self, name: str, size: int) -> None:
        self.found[name] = max(size, self.found.get(name, 0))


def _size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink()


# --- a second clone, for the restored-cache case ---------------------------------------


def _clone(repo: Path, size: int) -> Path:
    """A fresh clone of the repository at the same commit (made once per size): every
    file has its own inode and times, as on a CI runner that has just checked out."""
    clone = generate.BENCH_DIR / "clones" / f"{repo.name}"
    head = subprocess.run(["git", "-C", str(repo), "rev-parse", "HEAD"], capture_output=True,
                          text=True, check=True).stdout.strip()  # fmt: skip
    there = subprocess.run(["git", "-C", str(clone), "rev-parse", "HEAD"], capture_output=True,
                           text=True, check=False).stdout.strip()  # fmt: skip
    if there != head:
        shutil.rmtree(clone, ignore_errors=True)
        clone.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(["git", "clone", "-q", "--no-local", str(repo), str(clone)], check=True)
    return clone


def _give_caches(repo: Path, clone: Path) -> None:
    """Replace the clone's caches with the repository's (what a CI cache step restores)."""
    mine, theirs = repo / ".git" / "cqctrack", clone / ".git" / "cqctrack"
    shutil.rmtree(theirs, ignore_errors=True)
    if mine.exists():
        shutil.copytree(mine, theirs, ignore=shutil.ignore_patterns("*.lock", "pending"))


# --- one size ----------------------------------------------------------------------------


def bench_size(size: int, args: argparse.Namespace, env: dict[str, str]) -> dict[str, Any]:
    log = lambda text: print(text, file=sys.stderr, flush=True)  # noqa: E731
    repo, meta = generate.ensure_repo(size, force=args.regenerate, log=log)
    log(
        f"[{size:,}] {meta['yaml_files']:,} YAML files, {meta['commits']:,} commits, "
        f"{meta['overdue']:,} overdue at {meta['as_of']}: {repo}"
    )
    py = sys.executable
    cq = args.cqctrack
    as_of = args.as_of or meta["as_of"]
    taskrc = taskwarrior_data(size, repo, as_of, log)
    measures = measures_for(py, cq, repo, meta, as_of, taskrc)
    if args.only:
        measures = _only(measures, args.only)
    avail = Availability(cq, env)
    for m in measures:
        m.available = m.available and avail.has(m.needs)
    clone = _clone(repo, size) if any(m.restored and m.available for m in measures) else None
    caches = Caches(repo, meta["git_manifest"])
    caches.clear()  # start from the repository as generated
    by_key = {m.key: m for m in measures}
    last_run: dict[tuple[str, ...], int] = {}  # argv -> cache epoch of its last run
    epoch = 0
    load_before = os.getloadavg()

    def execute(m: Measure, timed: bool, label: str) -> None:
        nonlocal epoch
        argv = (*m.argv, *sorted(m.env.items()))
        where = repo
        if m.restored:
            assert clone is not None
            if last_run.get(argv) != epoch:
                run_once(
                    m.argv, repo, {**env, **m.env}, args.timeout
                )  # the other clone's warm caches
                last_run[argv] = epoch
            _give_caches(repo, clone)
            where = clone
        elif m.cold or m.pristine:
            caches.clear()
            epoch += 1
        elif last_run.get(argv) != epoch:
            run_once(m.argv, repo, {**env, **m.env}, args.timeout)  # untimed: build the cache first
        last_run[argv] = epoch
        result = run_once(m.argv, where, {**env, **m.env}, args.timeout)
        allowed = (0,) if m.key.startswith("floor") else (0, 1)
        if result.code not in allowed:
            m.failure = f"exit {result.code}: {result.err_tail or '(no message)'}"
        if timed:
            m.samples.append(result.seconds)
            m.rss_kib.append(result.rss_kib)
            m.exit_codes.append(result.code)
            m.out_bytes = result.out_bytes
        log(f"[{size:,}] {label} {m.key}: {result.seconds:.3f} s (exit {result.code})")

    # Floors and cold cases first, then the warm ones: a round then removes the caches
    # once and builds them once (at 100,000 actions each rebuild is a cold run, minutes).
    live = sorted(
        (m for m in measures if m.available),
        key=lambda m: 0 if m.key.startswith("floor") else 1 if m.cold else 2,
    )
    for m in live:  # warm-up round: page cache, .pyc files, and each warm case's cache
        if not m.cold:
            execute(m, False, "warm-up")
    for r in range(1, args.runs + 1):
        for m in live:
            if m.failure is None:
                execute(m, True, f"run {r}/{args.runs}")
    memory: dict[str, int | None] = {}  # dedicated runs, see peak_rss_kib
    parse1 = by_key["floor: read+parse, 1 proc"]
    memory[parse1.key] = peak_rss_kib(parse1.argv, repo, env, args.timeout)
    for m in measures:  # every command's peak, each in its own state (cold, warm, restored)
        if m.key.startswith("floor") or not m.available or m.failure is not None:
            continue
        where, its_env = repo, {**env, **m.env}
        if m.cold:
            caches.clear()
        else:
            run_once(m.argv, repo, its_env, args.timeout)
        if m.restored:
            assert clone is not None
            _give_caches(repo, clone)
            where = clone
        memory[m.key] = peak_rss_kib(m.argv, where, its_env, args.timeout)
    log(f"[{size:,}] peak RSS (KiB): {memory}")
    rows = table_rows(size, measures, by_key, memory)
    return {
        "size": size,
        "repo": str(repo),
        "shape": {k: v for k, v in meta.items() if k != "git_manifest"},
        "as_of": as_of,
        "load_average": {"before": load_before, "after": os.getloadavg()},
        "caches_found": caches.found,
        "generated_files_rewritten": sorted(caches.changed),
        "measures": {
            m.key: {
                "argv": m.argv,
                "cold": m.cold,
                "available": m.available,
                "samples_s": [round(s, 4) for s in m.samples],
                "median_s": m.median,
                "peak_rss_kib_wait4": m.rss_kib,  # lower-bounded by the harness, see above
                "exit_codes": m.exit_codes,
                "stdout_bytes": m.out_bytes,
                "failure": m.failure,
            }
            for m in measures
        },
        "peak_rss_kib": memory,
        "rows": rows,
    }


def _only(measures: list[Measure], wanted: list[str]) -> list[Measure]:
    """The cases whose names hold one of `wanted`, with every floor they are compared with."""
    by_key = {m.key: m for m in measures}
    keep = {m.key for m in measures if any(w in m.key for w in wanted)}
    keep.add("floor: read+parse, 1 proc")  # the peak-memory row's floor
    todo = list(keep)
    while todo:
        m = by_key[todo.pop()]
        for dep in [m.floor, *(y for case, y, _ in SECOND_ROWS if case == m.key)]:
            if dep and dep not in keep:
                keep.add(dep)
                todo.append(dep)
    return [m for m in measures if m.key in keep]


def target_for(case: str, size: int) -> Target | None:
    targets = TARGETS.get(case, {})
    return targets.get(size) or targets.get(ANY)


def table_rows(
    size: int, measures: list[Measure], by_key: dict[str, Measure], memory: dict[str, int | None]
) -> list[dict]:
    rows = []
    for m in measures:
        if m.key.startswith("floor"):
            continue
        floor = by_key[m.floor] if m.floor else None
        rows.append(row(size, m.key, m, floor, m.median, floor.median if floor else None))
        rows[-1]["peak_mib"] = memory[m.key] / 1024 if memory.get(m.key) else None
        for case, yardstick, name in SECOND_ROWS:
            if case == m.key:
                other = by_key[yardstick]
                rows.append(row(size, name, m, other, m.median, other.median))
    parse1 = by_key["floor: read+parse, 1 proc"]
    cases = {k: v for k, v in memory.items() if v and not k.startswith("floor")}
    worst = max(cases, key=lambda k: cases[k], default=None)
    floor_peak = memory.get(parse1.key)
    rows.append(
        row(size, "peak memory, largest of every command", by_key[worst] if worst else parse1,
            parse1, cases[worst] / 1024 if worst else None,
            floor_peak / 1024 if floor_peak else None, "MiB")
    )  # fmt: skip
    rows[-1]["which"] = worst
    return rows


def row(size, case, m, floor, value, floor_value, unit="s") -> dict[str, Any]:
    target = target_for(case, size)
    out: dict[str, Any] = {
        "size": size,
        "case": case,
        "floor": floor.key.removeprefix("floor: ") if floor else None,
        "value": value,
        "floor_value": floor_value,
        "unit": unit,
        "ratio": value / floor_value if value is not None and floor_value else None,
        "target": target.text() if target else None,
        "met": None,
        "status": "ok",
    }
    if not m.available:
        out["status"] = "n/a (command not available)"
    elif m.failure is not None and value is None:
        out["status"] = f"failed ({m.failure.split(':')[0]})"
    elif floor is not None and not floor.available:
        out["status"] = "n/a (floor not available)"
    if target and value is not None and (floor_value is not None or target.kind in ("s", "MiB")):
        out["met"] = target.met(value, floor_value)
    return out


# --- output ------------------------------------------------------------------------------


def fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "MiB":
        return f"{value:,.0f} MiB"
    return f"{value:.3f} s" if value < 10 else f"{value:.1f} s"


def render_table(rows: list[dict[str, Any]]) -> str:
    head = ["size", "case", "command", "peak", "floor", "floor median", "ratio", "target", "met?"]
    lines = []
    for r in rows:
        if r["status"] != "ok" and r["value"] is None:
            command = r["status"]
        else:
            command = fmt(r["value"], r["unit"])
        met = "—" if r["met"] is None else ("yes" if r["met"] else "NO")
        lines.append(
            [
                f"{r['size']:,}",
                r["case"] + (f" ({r['which']})" if r.get("which") else ""),
                command,
                fmt(r.get("peak_mib"), "MiB"),
                r["floor"] or "—",
                fmt(r["floor_value"], r["unit"]),
                f"{r['ratio']:.2f}×" if r["ratio"] is not None else "—",
                r["target"] or "—",
                met,
            ]
        )
    widths = [max(len(x) for x in col) for col in zip(head, *lines, strict=False)]
    out = ["| " + " | ".join(h.ljust(w) for h, w in zip(head, widths, strict=True)) + " |"]
    out.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    out += ["| " + " | ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)) + " |"
            for line in lines]  # fmt: skip
    return "\n".join(out)


def render_floors(result: dict[str, Any]) -> str:
    lines = []
    for key, m in result["measures"].items():
        if key.startswith("floor") and m["samples_s"]:
            s = m["samples_s"]
            lines.append(
                f"  {key.removeprefix('floor: '):28} median {fmt(m['median_s'], 's'):>9}  "
                f"(min {min(s):.3f}, max {max(s):.3f})"
            )
    return "\n".join(lines)


def render_notes(result: dict[str, Any]) -> str:
    notes = []
    shape = result["shape"]
    notes.append(
        f"  repository: {shape['size']:,} actions in {shape['trackers']:,} trackers, "
        f"{shape['yaml_files']:,} YAML files, {shape['evidence_files']:,} evidence files, "
        f"{shape['commits']:,} commits; {shape['overdue']:,} overdue at {result['as_of']}"
    )
    if result["caches_found"]:
        found = ", ".join(
            f"{k} ({v / 1e6:.1f} MB)" for k, v in sorted(result["caches_found"].items())
        )
        notes.append(f"  caches removed before cold runs: {found}")
    else:
        notes.append("  caches removed before cold runs: none found (cqctrack kept no cache)")
    if result["generated_files_rewritten"]:
        notes.append(
            "  WARNING: generated files under .git were rewritten in place, so cold runs may "
            "not be cold: " + ", ".join(result["generated_files_rewritten"])
        )
    for key, m in result["measures"].items():
        if m["failure"]:
            notes.append(f"  {key} failed: {m['failure']}")
        if key.startswith("check") and m["exit_codes"] and any(m["exit_codes"]):
            notes.append(
                f"  {key}: exit {m['exit_codes'][0]} (check found errors in the repository)"
            )
    load = result["load_average"]
    notes.append(
        f"  load average (1 min) before {load['before'][0]:.2f}, after {load['after'][0]:.2f}"
    )
    return "\n".join(notes)


def export_rev(rev: str) -> tuple[Path, str]:
    """A launcher that runs cqctrack exactly as committed at `rev`, with this interpreter.

    `git archive REV src` is unpacked under .bench/ and put first on sys.path, ahead of
    the editable install, so work in progress in src/ does not leak into the figures.
    """
    top = HERE.parent
    sha = subprocess.run(["git", "-C", str(top), "rev-parse", "--verify", f"{rev}^{{commit}}"],
                         capture_output=True, text=True, check=True).stdout.strip()  # fmt: skip
    dest = generate.BENCH_DIR / f"cqctrack-{sha[:12]}"
    launcher = dest / "cqctrack"
    if not launcher.exists():
        tmp = dest.with_name(dest.name + f".tmp-{os.getpid()}")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        archive = subprocess.run(["git", "-C", str(top), "archive", "--format=tar", sha, "src"],
                                 capture_output=True, check=True).stdout  # fmt: skip
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(tmp, filter="data")
        (tmp / "cqctrack").write_text(
            f"#!{sys.executable}\n"
            "import sys\n"
            f"sys.path.insert(0, {str(dest / 'src')!r})\n"
            "from cqctrack.__main__ import main\n"
            "main()\n"
        )
        (tmp / "cqctrack").chmod(0o755)
        tmp.rename(dest)
    return launcher, sha


def machine() -> dict[str, Any]:
    def version(argv: list[str]) -> str:
        try:
            done = subprocess.run(argv, capture_output=True, text=True, check=False)
        except OSError:
            return "unknown"
        return (done.stdout or done.stderr).strip().splitlines()[0] if done.stdout else "unknown"

    return {
        "cores": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "git": version(["git", "--version"]),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000",
                        help="comma-separated action counts (default 1000,10000)")  # fmt: skip
    parser.add_argument("--runs", type=int, default=5, help="timed runs per case (default 5)")
    parser.add_argument("--json", type=Path, help="write every sample and row to this file")
    parser.add_argument("--as-of", help="review date (default: the generator's, 2026-11-23)")
    parser.add_argument("--cqctrack", default=generate.cqctrack_bin(), help="cqctrack to run")
    parser.add_argument("--rev", help="run cqctrack as committed at this git revision "
                        "(default: the working tree, through the venv's editable install)")  # fmt: skip
    parser.add_argument("--timeout", type=float, default=900, help="seconds before a run is killed")
    parser.add_argument("--only", action="append", metavar="TEXT",
                        help="run only the cases whose names hold TEXT (and their floors); "
                        "may be given more than once")  # fmt: skip
    parser.add_argument("--regenerate", action="store_true", help="rebuild the repositories")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    env = bench_env()
    XDG_CACHE.mkdir(parents=True, exist_ok=True)
    info = machine()
    if args.rev:
        launcher, sha = export_rev(args.rev)
        args.cqctrack = str(launcher)
        info["revision"] = sha
    version = subprocess.run([args.cqctrack, "--version"], capture_output=True, text=True, env=env)
    info["cqctrack"] = version.stdout.strip() or f"{args.cqctrack} (no --version)"
    print(
        f"cqctrack bench: {info['cores']} cores, Python {info['python']}, {info['git']}, "
        f"{info['cqctrack']}"
        + (f" at {info['revision'][:12]}" if args.rev else " (working tree)")
        + f"; medians of {args.runs} runs",
        flush=True,
    )
    results = []
    for size in sizes:
        result = bench_size(size, args, env)
        results.append(result)
        print(f"\n## {size:,} actions\n\n{render_table(result['rows'])}\n")
        print(f"floors:\n{render_floors(result)}\nnotes:\n{render_notes(result)}", flush=True)
    if len(results) > 1:
        rows = [r for result in results for r in result["rows"]]
        print(f"\n## all sizes ({info['cores']} cores)\n\n{render_table(rows)}")
    if args.json:
        payload = {"machine": info, "runs": args.runs, "results": results,
                   "targets": {k: {s: t.text() for s, t in v.items()} for k, v in TARGETS.items()}}  # fmt: skip
        args.json.write_text(json.dumps(payload, indent=1, default=str))
        print(f"\nwrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
