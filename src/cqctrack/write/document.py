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
- only the lines of the entries that change are rewritten: the file keeps its
  line endings, byte-order mark, indentation and spacing (format/roundtrip.py);
- a fault of the machine (read-only checkout, full disk) is said plainly, with the
  file left as it was (faults.py); locks are per file (locks.py).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from cqctrack.errors import CqcError, InvalidRepository, WriteConflict
from cqctrack.format import dialect, explain, roundtrip
from cqctrack.store import files
from cqctrack.store.load import read_bytes
from cqctrack.write.faults import write_failed

TEMP_SUFFIX = ".tmp"


@dataclass
class Document:
    """One file loaded for editing: its round-trip document and what it was on disk."""

    root: Path
    rel: str
    model: type[BaseModel]
    data: Any  # ruamel CommentedMap
    original: bytes | None  # None for a file being created
    digest: str | None = field(default=None)
    editable: roundtrip.Editable | None = None  # how to write the edit back as a patch
    written: bytes | None = None  # what save() wrote

    @property
    def path(self) -> Path:
        return self.root / self.rel


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def open_document(root: Path, rel: str, model: type[BaseModel]) -> Document:
    """Load an existing file for editing."""
    path = root / rel
    try:
        original = read_bytes(str(path), str(root.resolve()))
    except files.Unreadable as err:
        raise InvalidRepository(err.message, path=rel, hint=err.hint) from None
    except OSError as err:
        raise CqcError(f"cannot read the file: {err.strerror}", path=rel) from None
    try:
        editable = roundtrip.open_text(original)
    except dialect.YamlProblem as err:
        raise InvalidRepository(
            err.message,
            path=rel,
            line=err.line,
            hint=err.hint or "fix the file first (see `cqctrack check`)",
        ) from None
    return Document(root, rel, model, editable.data, original, _digest(original), editable)


def new_document(root: Path, rel: str, model: type[BaseModel], text: str) -> Document:
    """A file about to be created, from its initial text (comments and all)."""
    return Document(root, rel, model, dialect.load_round_trip(text), None)


def render(doc: Document) -> bytes:
    if doc.editable is not None:
        try:
            return doc.editable.render()
        except dialect.YamlProblem as err:  # a bug in an edit: never write it
            raise CqcError(f"the edit could not be written: {err.message}", path=doc.rel) from None
    return dialect.dump_round_trip(doc.data).encode("utf-8")


def validate(doc: Document, data: bytes | str) -> BaseModel:
    """Validate the bytes about to be written; refuse with every problem if they are invalid."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    try:
        return doc.model.model_validate(dialect.parse(data))
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


def prepare(doc: Document) -> bytes:
    """The bytes `doc` will be written as, validated (nothing is written yet)."""
    data = render(doc)
    validate(doc, data)
    return data


def write(doc: Document, data: bytes) -> None:
    """Write prepared bytes atomically, unless the file changed on disk meanwhile."""
    doc.written = data
    if doc.original is not None and data == doc.original:
        return
    _check_unchanged(doc)
    atomic_write(doc.path, data, create=doc.original is None, rel=doc.rel)


def save(doc: Document) -> BaseModel:
    """Validate and atomically write `doc`; returns the validated model."""
    data = render(doc)
    model = validate(doc, data)
    write(doc, data)
    return model


def _check_unchanged(doc: Document) -> None:
    try:
        current = read_bytes(str(doc.path))
    except FileNotFoundError:
        current = None
    except (OSError, files.Unreadable):
        current = b""
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


def atomic_write(path: Path, data: bytes, *, create: bool = False, rel: str | None = None) -> None:
    """Write `data` to `path` through a temporary file and a rename.

    With `create`, refuse to replace a file that exists (the final step is a hard
    link, which fails if the name is taken, instead of a rename, which would not).
    A fault of the machine (read-only, full, protected) leaves the file as it was
    and is said plainly; the temporary file is removed.
    """
    shown = rel or str(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        mode = 0o644
        with contextlib.suppress(FileNotFoundError):
            mode = path.stat().st_mode & 0o777
        fd, tmp_name = tempfile.mkstemp(
            prefix=f".{path.name}.", suffix=TEMP_SUFFIX, dir=path.parent
        )
    except OSError as err:
        raise write_failed(err, shown) from None
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
                    "the file already exists", path=shown, hint="choose another id"
                ) from None
            tmp.unlink()
        else:
            tmp.replace(path)
        _fsync_dir(path.parent)
    except OSError as err:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise write_failed(err, shown) from None
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
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
