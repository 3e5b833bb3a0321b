"""Safe writes: edit one YAML file in round-trip mode, validate, and replace it atomically.

Nothing a user wrote is lost or silently rewritten:

- the file is parsed with ruamel.yaml's round-trip parser and only the keys that
  change are touched, so comments, key order, quoting and blank lines survive;
- the edited document is validated against its model before anything is written;
  an invalid result is refused and the file left as it was;
- the new text goes to a temporary file in the same folder, is flushed to disk and
  then renamed over the original, so a crash leaves the old or the new file, never
  half of one;
- if the file changed on disk since it was read (another editor, another process),
  the write is refused rather than clobbering that change;
- a lock file keeps two cqctrack processes in one repository from interleaving.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from cqctrack.errors import CqcError, InvalidRepository, WriteConflict
from cqctrack.format import dialect, explain

LOCK_NAME = "cqctrack.lock"


@dataclass
class Document:
    """One file loaded for editing: its round-trip document and what it was on disk."""

    root: Path
    rel: str
    model: type[BaseModel]
    data: Any  # ruamel CommentedMap
    original: bytes | None  # None for a file being created
    digest: str | None = field(default=None)

    @property
    def path(self) -> Path:
        return self.root / self.rel


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def open_document(root: Path, rel: str, model: type[BaseModel]) -> Document:
    """Load an existing file for editing."""
    path = root / rel
    try:
        original = path.read_bytes()
    except OSError as err:
        raise CqcError(f"cannot read the file: {err.strerror}", path=rel) from None
    try:
        text = dialect.decode(original)
        dialect.check_size(len(original))
        dialect.parse(original)  # the same refusals (aliases, tags, duplicates) as reads
        data = dialect.load_round_trip(text)
    except dialect.YamlProblem as err:
        raise InvalidRepository(
            err.message, path=rel, line=err.line, hint="fix the file first (see `cqctrack check`)"
        ) from None
    return Document(root, rel, model, data, original, _digest(original))


def new_document(root: Path, rel: str, model: type[BaseModel], text: str) -> Document:
    """A file about to be created, from its initial text (comments and all)."""
    return Document(root, rel, model, dialect.load_round_trip(text), None)


def render(doc: Document) -> str:
    return dialect.dump_round_trip(doc.data)


def validate(doc: Document, text: str) -> BaseModel:
    """Validate the text about to be written; refuse with every problem if it is invalid."""
    try:
        return doc.model.model_validate(dialect.parse(text.encode("utf-8")))
    except dialect.YamlProblem as err:  # a bug in an edit: never write it
        raise CqcError(f"the edit produced invalid YAML: {err.message}", path=doc.rel) from None
    except ValidationError as err:
        problems = explain.findings_from(err, doc.rel, doc.model)
        raise InvalidRepository(
            "the change would make the file invalid, so nothing was written",
            path=doc.rel,
            details=[p.message for p in problems],
            hint="run `cqctrack check` to see the file's problems",
        ) from None


def save(doc: Document) -> BaseModel:
    """Validate and atomically write `doc`; returns the validated model."""
    text = render(doc)
    model = validate(doc, text)
    data = text.encode("utf-8")
    if doc.original is not None and data == doc.original:
        return model
    _check_unchanged(doc)
    atomic_write(doc.path, data, create=doc.original is None)
    return model


def _check_unchanged(doc: Document) -> None:
    try:
        current = doc.path.read_bytes()
    except FileNotFoundError:
        current = None
    if doc.original is None:
        if current is not None:
            raise WriteConflict(
                "the file already exists",
                path=doc.rel,
                hint="choose another id, or edit it instead",
            )
        return
    if current is None or _digest(current) != doc.digest:
        raise WriteConflict(
            "the file changed on disk while cqctrack was working on it; nothing was written",
            path=doc.rel,
            hint="run the command again to apply it to the new version",
        )


def atomic_write(path: Path, data: bytes, *, create: bool = False) -> None:
    """Write `data` to `path` through a temporary file and a rename.

    With `create`, refuse to replace a file that exists (the final step is a hard
    link, which fails if the name is taken, instead of a rename, which would not).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = 0o644
    with contextlib.suppress(FileNotFoundError):
        mode = path.stat().st_mode & 0o777
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        tmp.chmod(mode)
        if create:
            try:
                os.link(tmp, path)
            except FileExistsError:
                raise WriteConflict(
                    "the file already exists", path=str(path), hint="choose another id"
                ) from None
            tmp.unlink()
        else:
            tmp.replace(path)
        _fsync_dir(path.parent)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems cannot sync a directory; the rename itself is atomic
    finally:
        os.close(fd)


@contextlib.contextmanager
def repository_lock(root: Path) -> Iterator[None]:
    """Hold the repository's cqctrack lock; fail at once if another process holds it."""
    git_dir = root / ".git"
    lock_path = git_dir / LOCK_NAME if git_dir.is_dir() else root / f".{LOCK_NAME}"
    handle = lock_path.open("a+b")  # closed in the finally below
    try:
        try:
            import fcntl

            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise WriteConflict(
                "another cqctrack command is changing this repository",
                hint="wait for it to finish and try again",
            ) from None
        except ImportError:  # not POSIX: fall back to an exclusive lock on the first byte
            import msvcrt

            try:
                msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
            except OSError:
                raise WriteConflict(
                    "another cqctrack command is changing this repository",
                    hint="wait for it to finish and try again",
                ) from None
        yield
    finally:
        handle.close()
