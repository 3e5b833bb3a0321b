"""Read a tracker repository: the one path every command loads files through.

`load(root, caches)` returns a `Snapshot`: the record of every file that parsed
and validated, and a finding for each one that did not. It never raises for bad
file content; that is for `check` to report.

How it stays fast: each file is parsed with the fast C loader and validated once
per content; the outcome is cached per file (cache.FileCache), so a later run
parses only files that changed. Many files to parse are split across all cores.
Actions are kept in their marshalled plain form and turned into records only
when asked for, so a review that wants the overdue few never builds the rest.
"""

from __future__ import annotations

import contextlib
import gc
import marshal
import os
import re
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from cqctrack import cache, cores
from cqctrack.findings import Finding, capped, from_plain, to_plain
from cqctrack.format import records
from cqctrack.format.layout import CONFIG_FILE
from cqctrack.format.snapshot import Snapshot, Source
from cqctrack.format.versions import summarise
from cqctrack.store import files
from cqctrack.store.discover import File, Listing, discover

# Below this many files to parse, starting worker processes costs more than it saves.
PARALLEL_MIN = 600
# Below this many files whose stat changed, reading and hashing them on every core costs
# no more than asking git which of them it vouches for (`_same_content`): a fresh clone
# of 10,000 actions given another's cache took 0.51 s hashing and 0.57 s asking git; of
# 100,000, 5.8 s hashing and 4.6 s asking.
VOUCHED_MIN = 20_000

_STATUS = records.Action._fields.index("status")
_DUE = records.Action._fields.index("due")
_OWNER = records.Action._fields.index("owner")
# Where the dates of an action's entries sit in its plain form: (field, position of the
# entry's date in each entry, or None for the field itself), for the index's latest date.
_DATED = [
    (records.Action._fields.index(name), getattr(records, kind)._fields.index(key))
    for name, kind, key in (
        ("progress", "Progress", "date"),
        ("evidence", "Evidence", "date"),
        ("extensions", "Extension", "date"),
        ("reviews", "Review", "date"),
        ("reopenings", "Reopening", "date"),
        ("corrections", "Correction", "date"),
        ("requirement_changes", "RequirementChange", "date"),
    )
]
_CREATED = records.Action._fields.index("created")
_SINGLE = [records.Action._fields.index(n) for n in ("closure", "cancellation")]


def index_of(plain: tuple[Any, ...]) -> tuple[str, int, str, int]:
    """An action's entry in the snapshot's index, from its plain form (format/snapshot.py)."""
    return (plain[_STATUS], plain[_DUE], plain[_OWNER], _latest(plain))


def _latest(plain: tuple[Any, ...]) -> int:
    """The latest date an action's file holds (day number): created or any entry's."""
    days: list[int] = [plain[_CREATED]]
    for field, at in _DATED:
        days += [entry[at] for entry in plain[field]]
    days += [plain[field][0] for field in _SINGLE if plain[field] is not None]
    return max(days)


def load_config(root: Path, caches: cache.Caches) -> records.Config | None:
    """Just cqctrack.yaml, for commands that need people and policy but no tracker files.

    Cached like every tracker file: by stat signature, else by content (cache.FileCache).
    """
    path = root / CONFIG_FILE
    try:
        sig = cache.signature(path.stat())
    except OSError:
        return None
    cached = caches.read("config", lambda v: len(v) == 4 and isinstance(v[2], int))
    if cached is not None and cached[0] == sig and max(sig[1], sig[2]) < cached[2] - cache.RACY_NS:
        plain = cached[1]
    else:
        raw, problems = _read(path, CONFIG_FILE)
        digest = None if raw is None else cache.content_id(raw)
        if cached is not None and digest is not None and cached[3] == digest:
            plain = cached[1]
        else:
            findings, plain = (
                (tuple(problems), None)
                if raw is None
                else _validated(*content_data(raw, CONFIG_FILE), CONFIG_FILE, "config")
            )
            plain = None if findings else plain
        caches.write("config", (sig, plain, time.time_ns(), digest))
    return None if plain is None else records.from_plain(records.Config, plain)


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


# Path -> the git blob id of files whose content git vouches for (git/run.py's
# `vouched_ids`), asked for only when many files' stat changed and the cache may know them.
Vouched = Callable[[], dict[str, str]]


def load(
    root: Path,
    caches: cache.Caches,
    listing: Listing | None = None,
    vouched: Vouched | None = None,
    meanwhile: Callable[[], object] | None = None,
) -> Snapshot:
    """Read and validate every tracker file under `root`.

    `meanwhile`: work for this process to do while other cores parse (the git log a
    first run will need); run once if the parse is spread over other cores, else not."""
    with quiet_gc():
        return _load(root, caches, listing, vouched, meanwhile)


def _load(
    root: Path,
    caches: cache.Caches,
    listing: Listing | None,
    vouched: Vouched | None,
    meanwhile: Callable[[], object] | None,
) -> Snapshot:
    snap = Snapshot(root=root)
    listing = listing or discover(root)
    files = listing.files
    snap.findings.extend(listing.findings)
    store = cache.FileCache(caches)
    entries: list[_Entry | None] = store.get_many([(item.rel, item.sig) for item in files])
    entries = [None if entry is None else _revived(entry) for entry in entries]
    todo = [i for i, entry in enumerate(entries) if entry is None]
    _same_content(root, store, files, todo, entries, vouched)
    todo = [i for i in todo if entries[i] is None]
    parsed = _parse_all(root, [files[i] for i in todo], meanwhile)
    summaries = snap.summaries
    for i, (entry, kept, digest, summary) in zip(todo, parsed, strict=True):
        entries[i] = entry
        if digest is not None:
            item = files[i]
            store.put(item.rel, item.sig, kept, digest)
            if summary is not None:
                summaries[digest] = summary
    store.save()
    _assemble(snap, files, entries)  # type: ignore[arg-type]
    return snap


def _revived(entry: Any) -> _Entry:
    """A cached entry as the snapshot takes it: the cache keeps findings as plain values."""
    if entry[0]:
        return (tuple(from_plain(f) for f in entry[0]), *entry[1:])
    return entry  # type: ignore[no-any-return]


def _same_content(
    root: Path,
    store: cache.FileCache,
    listed: list[File],
    todo: list[int],
    entries: list[Any],
    vouched: Vouched | None = None,
) -> None:
    """Files whose stat changed but whose content may not have (a fresh clone given a
    cache from another, a checkout, a file touched): take the outcome made from the same
    content. The content's id is git's where git vouches for the file and the cached
    outcome made from that blob was made from bytes of the file's size (`by_blob`: so no
    conversion on checkout made other bytes of it); otherwise the file is read and hashed.
    Anything unreadable is left for the parse, which reports it."""
    base = str(root)
    wanted = [i for i in todo if store.known(listed[i].rel)]
    # Asking git lists the whole index: worth it for a fresh clone or a checkout of many
    # files, not for the few an edit changes (119,341 files: 0.3 s, against 0.7 s to hash
    # them on 2 cores; 11,941: 0.13 s against 0.09).
    many = len(wanted) >= max(VOUCHED_MIN, len(listed) // 20)
    known = vouched() if vouched is not None and many else {}
    hashed = []
    for i in wanted:
        item = listed[i]
        blob = known.get(item.rel)
        value = store.by_blob(item.rel, item.sig, blob) if blob is not None else None
        if value is not None:
            entries[i] = _revived(value)
        else:
            hashed.append(i)
    paths = [f"{base}/{listed[i].rel}" for i in hashed]
    for i, digest in zip(hashed, _content_ids(paths), strict=True):
        item = listed[i]
        value = store.by_content(item.rel, item.sig, digest) if digest is not None else None
        if value is not None:
            entries[i] = _revived(value)


def _content_ids(paths: list[str]) -> list[str | None]:
    """Each file's git blob id, or None where it cannot be read; across all cores when
    there are many (a fresh clone of 100,000 files reads and hashes every one)."""
    return _spread(_hash_chunk, paths)


T = TypeVar("T")
R = TypeVar("R")


def _spread(
    work: Callable[[list[T]], list[R]],
    jobs: list[T],
    meanwhile: Callable[[], object] | None = None,
    needs: tuple[str, ...] = (),
) -> list[R]:
    """`work(jobs)`, split over every core when there are enough jobs to be worth it
    (below PARALLEL_MIN, starting worker processes costs more than it saves); this
    process runs `meanwhile` while the workers work, if they do. `needs`: the modules
    `work` imports (see `cores.spread`)."""
    count = cores.workers()
    if not jobs or len(jobs) < PARALLEL_MIN or count < 2:
        return work(jobs)
    size = -(-len(jobs) // (count * 4))
    chunks = [(jobs[i : i + size],) for i in range(0, len(jobs), size)]
    return [outcome for chunk in cores.spread(work, chunks, meanwhile, needs) for outcome in chunk]


def _hash_chunk(paths: list[str]) -> list[str | None]:
    out: list[str | None] = []
    for path in paths:
        try:
            out.append(cache.content_id(read_bytes(path)))
        except (files.Unreadable, OSError):
            out.append(None)
    return out


def _assemble(snap: Snapshot, files: list[File], entries: list[_Entry]) -> None:
    """Put every file's outcome into the snapshot: one tight loop, run for 100,000 files."""
    sources = snap.sources
    blobs = {"action": snap.actions.blobs, "concern": snap.concerns.blobs}
    blobs["measure"] = snap.measures.blobs
    index = snap.actions.index
    unread = snap.unread
    for finding in snap.findings:  # from the listing: pipes, devices, links out
        if finding.code in _NOT_READ and finding.path is not None:
            unread.setdefault(finding.path, finding)
    for (rel, kind, tracker, _), (findings, item_id, fields, blob) in zip(
        files, entries, strict=True
    ):
        if findings:
            snap.findings.extend(findings)
        if blob is None:
            unread[rel] = findings[0] if findings else Finding("file-unreadable", "", path=rel)
            continue
        if item_id is None:
            if kind == "config":
                snap.config = records.from_plain(records.Config, marshal.loads(blob))
            else:
                snap.trackers[tracker] = records.from_plain(records.Tracker, marshal.loads(blob))
            continue
        if not rel.endswith(f"/{item_id}.yaml"):
            snap.findings.append(_misnamed(rel, item_id))
        if item_id in sources:
            duplicate = _duplicate(rel, item_id, sources[item_id].path)
            snap.findings.append(duplicate)
            unread[rel] = duplicate
            continue
        sources[item_id] = Source(rel, tracker)
        blobs[kind][item_id] = blob
        if fields is not None:
            index[item_id] = fields
    snap.file_count = len(files)


_NOT_READ = frozenset({"file-not-regular", "file-outside-repository", "file-unreadable"})


def _misnamed(rel: str, item_id: str) -> Finding:
    stem = rel.rpartition("/")[2].removesuffix(".yaml")
    return Finding(
        code="id-file-name",
        message=f"id {item_id} does not match the file name {stem}.yaml",
        hint=f"rename the file to {item_id}.yaml or correct the id",
        path=rel,
        loc=("id",),
        subject=item_id,
    )


def _duplicate(rel: str, item_id: str, first: str) -> Finding:
    return Finding(
        code="id-duplicate",
        message=f"id {item_id} is already used by {first}",
        hint="every action, concern and measure needs its own id; "
        "`cqctrack new` picks the next free one",
        path=rel,
        loc=("id",),
        subject=item_id,
    )


# What is kept per file: its findings, and when it is valid its id, the few fields
# the review selects on (actions only), and its plain form, marshalled (loading a
# bytes object is a copy; the record itself is built only when the item is used).
_Entry = tuple[tuple[Finding, ...], str | None, tuple[str, int, str, int] | None, bytes | None]


def _entry(kind: str, findings: tuple[Finding, ...], plain: Any) -> _Entry:
    if plain is None:
        return findings, None, None, None
    blob = marshal.dumps(plain)
    if kind in ("config", "tracker"):
        return findings, None, None, blob
    index = index_of(plain) if kind == "action" else None
    return findings, plain[0], index, blob


# --- parsing and validating ----------------------------------------------------------


def _parse_all(
    root: Path, todo: list[File], meanwhile: Callable[[], object] | None = None
) -> list[_Parsed]:
    jobs = [(str(root / item.rel), item.rel, item.kind) for item in todo]
    needs = _PARSING if len(jobs) < INHERIT_MAX else ()
    return _spread(_parse_chunk, jobs, meanwhile, needs)


# A file's entry, and as the cache keeps it (findings as plain values), the git blob id
# of the content read (None when it could not be read: nothing is cached for it), and
# for an action or measure that parsed, the git facts' summary of that content,
# marshalled. All made in the worker: bytes and small tuples travel back quicker than
# records, and the parent never holds every record at once.
_Parsed = tuple[_Entry, Any, str | None, bytes | None]
# What parsing and validating import on first use (a run served from the cache never does).
_PARSING = ("cqctrack.format.dialect", "cqctrack.format.explain", "cqctrack.format.models")
# Below this many files to parse, this process imports them before forking the workers,
# which inherit them instead of each importing its own (0.2-0.3 s apiece: up to a tenth of a
# first review of 10,000 actions). They stay in this process, 12 MiB: above it, where
# they are under 1% of the time and memory is the nearer limit (a first `check` of
# 100,000 actions, 489 MiB without them, 501 with), each worker imports its own.
INHERIT_MAX = 50_000
_SUMMARISED = frozenset({"action", "measure"})


def _parse_chunk(jobs: list[tuple[str, str, str]]) -> list[_Parsed]:
    with quiet_gc():
        return [_parse_job(*job) for job in jobs]


def _parse_job(path: str, rel: str, kind: str) -> _Parsed:
    raw, problems = _read(Path(path), rel)
    if raw is None:
        return _entry(kind, tuple(problems), None), None, None, None
    data, notes = content_data(raw, rel)
    summary = None
    if data is not None and kind in _SUMMARISED:
        # `data` is what dialect.parse makes of these bytes, as the facts would read them.
        summary = marshal.dumps(summarise(data))
    findings, plain = _validated(data, notes, rel, kind)
    entry = _entry(kind, findings, plain)
    kept = (tuple(to_plain(f) for f in findings), *entry[1:])
    return entry, kept, cache.content_id(raw), summary


def parse_file(path: str, rel: str, kind: str) -> tuple[tuple[Finding, ...], Any]:
    """Parse and validate one file: its findings, and its plain record when it is valid."""
    return _validated(*read_data(Path(path), rel), rel, kind)


def parse_content(content: bytes, rel: str, kind: str) -> tuple[tuple[Finding, ...], Any]:
    """The same for a file's content read from git (`--at`)."""
    return _validated(*content_data(content, rel), rel, kind)


def _validated(
    data: Any, findings: list[Finding], rel: str, kind: str
) -> tuple[tuple[Finding, ...], Any]:
    """`findings` that stop the file being read come alone; the others (values other YAML
    tools read differently) are reported beside the file's record or its field problems."""
    from pydantic import ValidationError

    from cqctrack.format import explain
    from cqctrack.format.models import MODELS

    if any(f.code not in _NOTES for f in findings):
        return tuple(findings), None
    model = MODELS[kind]
    try:
        valid = model.model_validate(data)
    except ValidationError as err:
        found = [*findings, *explain.findings_from(err, rel, model)]
        return tuple(capped(found)), None
    except RecursionError:  # the dialect caps nesting; never let one file stop the rest
        return (_too_deep(rel),), None
    return tuple(capped(findings)), records.plain(kind, valid)


# Problems the dialect reports that do not stop a file being read (dialect.parse_noting).
_NOTES = frozenset({"yaml-ambiguous-number"})


def _too_deep(rel: str) -> Finding:
    return Finding(code="yaml-nesting", message="values are nested too deeply", path=rel, line=1)


# Bytes that only unusual files hold (tabs, CR line endings, a BOM, directives,
# complex keys, document markers; tags are refused by the dialect itself). A file with any of them is also
# loaded the way a write would load it, so what `check` accepts a write can edit
# (issue 12): the usual file never pays for the second parse.
_RARE_ANYWHERE = (b"\t", b"\r", b"\xef\xbb\xbf")
_RARE_LINE_START = (b"---", b"...", b"%")
_RARE_AFTER_NEWLINE = tuple(b"\n" + part for part in _RARE_LINE_START)
_COMPLEX_KEY = re.compile(rb"^[ -]*\? ", re.M)


def _rare(raw: bytes) -> bool:
    """Whether `raw` holds any of those. Byte searches first: one regular expression
    tried at every byte took 0.17 s of a cold parse of 10,000 actions (this, 0.08 s)."""
    if any(part in raw for part in _RARE_ANYWHERE) or raw.startswith(_RARE_LINE_START):
        return True
    if any(part in raw for part in _RARE_AFTER_NEWLINE):
        return True
    return b"? " in raw and _COMPLEX_KEY.search(raw) is not None


def _editable(raw: bytes) -> None:
    from cqctrack.format import roundtrip

    problem = roundtrip.editable_problem(raw)
    if problem is not None:
        raise problem


def _conflict(raw: bytes, rel: str) -> Finding | None:
    """A finding for a file left with git's conflict markers, or None."""
    from cqctrack.format.dialect import conflict_marker

    line = conflict_marker(raw.decode("utf-8", "replace"))
    if line is None:
        return None
    return Finding(
        code="file-merge-conflict",
        message="the file holds an unresolved merge conflict (git's <<<<<<< markers)",
        hint="run `cqctrack resolve` to merge both sides' entries, then decide what is "
        "still marked",
        path=rel,
        line=line,
        column=1,
    )


def read_bytes(path: str, real_root: str | None = None) -> bytes:
    """A tracker file's bytes, read safely: regular files only, never past the size limit."""
    from cqctrack.format.dialect import MAX_BYTES

    return files.read_regular(path, MAX_BYTES, real_root)


def read_data(path: Path, rel: str) -> tuple[Any, list[Finding]]:
    """Parse one file with the fast loader; findings instead of exceptions."""
    raw, problems = _read(path, rel)
    return (None, problems) if raw is None else content_data(raw, rel)


def _read(path: Path, rel: str) -> tuple[bytes | None, list[Finding]]:
    try:
        return read_bytes(str(path)), []
    except files.Unreadable as err:
        return None, [Finding(code=err.code, message=err.message, hint=err.hint, path=rel)]
    except OSError as err:
        return None, [
            Finding(
                code="file-unreadable",
                message=f"cannot read the file: {err.strerror}",
                path=rel,
            )
        ]


def content_data(raw: bytes, rel: str) -> tuple[Any, list[Finding]]:
    """Parse one file's content with the fast loader (read from disk, or from git for
    `--at`); findings instead of exceptions."""
    from cqctrack.format import dialect  # imported here: a run served from the cache parses nothing

    try:
        dialect.check_size(len(raw))
        if b"<<<<<<<" in raw or b">>>>>>>" in raw:
            conflict = _conflict(raw, rel)
            if conflict is not None:
                return None, [conflict]
        data, notes = dialect.parse_noting(raw)
        if _rare(raw):
            _editable(raw)
    except RecursionError:
        return None, [_too_deep(rel)]
    except dialect.YamlProblem as err:
        return None, [_problem(err, rel)]
    if data is None:
        return None, [Finding(code="file-empty", message="the file is empty", path=rel, line=1)]
    return data, [_problem(note, rel) for note in notes]


def _problem(err: Any, rel: str) -> Finding:
    return Finding(
        code=err.code,
        message=err.message,
        hint=err.hint,
        path=rel,
        line=err.line,
        column=err.column,
    )


def load_tree(
    root: Path,
    items: list[tuple[str, str, str, str]],
    findings: list[Finding],
    contents: Callable[[list[str]], Iterable[tuple[str, bytes]]],
    caches: cache.Caches,
) -> Snapshot:
    """A snapshot of the repository as committed in a tree (`--at`): `items` are (path,
    kind, tracker, blob id), `contents` streams blobs. Each blob's outcome is cached by its
    id and kind, which no later change can make stale."""
    with quiet_gc():
        snap = Snapshot(root=root)
        snap.findings.extend(findings)
        known: dict[tuple[str, str], Any] = (
            caches.read("blobs", lambda v: isinstance(v, dict)) or {}
        )
        wanted = {(blob, kind): rel for rel, kind, _, blob in items if (blob, kind) not in known}
        by_blob = {blob: (kind, rel) for (blob, kind), rel in wanted.items()}
        for blob, content in contents(sorted(by_blob)):
            kind, rel = by_blob[blob]
            found, plain = parse_content(content, rel, kind)
            bare = tuple(f._replace(path=None) for f in found)
            known[(blob, kind)] = _entry(kind, bare, plain)
        if wanted:
            caches.write("blobs", known)
        files = [File(rel, kind, tracker, (0, 0, 0, 0)) for rel, kind, tracker, _ in items]
        entries: list[_Entry] = []
        for rel, kind, _, blob in items:
            outcome = known.get((blob, kind))
            if outcome is None:
                unread = Finding(code="file-unreadable", message="cannot read the file", path=rel)
                entries.append(((unread,), None, None, None))
                continue
            found, item_id, fields, blob_plain = outcome
            entries.append(
                (tuple(f._replace(path=rel) for f in found), item_id, fields, blob_plain)
            )
        _assemble(snap, files, entries)
        return snap


def attach_lines(
    root: Path,
    findings: Iterable[Finding],
    read: Callable[[str], bytes] | None = None,
) -> list[Finding]:
    """Fill in the line of every finding that knows only its field path.

    Each file with such findings is read and composed once, however many it has, and
    let go before the next: at 100,000 actions, every one's composed YAML held at once
    put 224 MiB on a cold `check`'s peak.
    `read` gives a file's content (default: from disk; `--at` reads it from git).
    """
    from cqctrack.format import dialect, places

    real_root = os.path.realpath(root)

    def from_disk(path: str) -> bytes:
        return read_bytes(str(root / path), real_root)

    read = read or from_disk
    out = list(findings)
    by_path: dict[str, list[int]] = {}
    for i, finding in enumerate(out):
        path = finding.path
        if (
            finding.line is None
            and path is not None
            and path.endswith(".yaml")
            and finding.code not in _NOT_READ
        ):
            by_path.setdefault(path, []).append(i)
    for path, mine in by_path.items():
        try:
            locator = places.Locator(dialect.decode(read(path)))
        except (OSError, KeyError, files.Unreadable, dialect.YamlProblem):
            continue
        for i in mine:
            found = locator.find(out[i].loc)
            if found is not None:
                out[i] = out[i].at(*found)
    return out
