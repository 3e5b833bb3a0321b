"""Files of plain data sealed with the user's key: the one format of every cache file.

A sealed file is `MAGIC`, a keyed BLAKE2b MAC of the payload, then the payload: plain
values in `marshal`'s data format, which builds no objects of ours and runs nothing.
The payload is one byte and then either the value whole (`WHOLE`), or (`IN_PARTS`) the
value in frames, each its length and then its data: the value without its last item,
then that item, a dict, a few thousand entries a frame. A large cache (at 100,000 actions,
the per-file cache is 109 MB) is so written without ever holding all of its data at
once, as one bytes object, beside the values it is made from.

A file whose MAC does not match is never read as data. The key lives outside every
cache folder, in the user's configuration folder (`~/.config/cqctrack/cache-key`,
made on first use, readable by the user alone), or comes from `CQCTRACK_CACHE_KEY`,
so a CI job can trust caches it restores (issue 12).

Only the standard library, and none of its heavier modules: the replay of an unchanged
answer (`cqctrack.replay`) reads a sealed file before anything else is imported.
"""

from __future__ import annotations

import hashlib
import hmac
import marshal
import os

TYPE_CHECKING = False
if TYPE_CHECKING:  # not at run time: typing and pathlib cost more than the replay itself
    from collections.abc import Iterator
    from pathlib import Path
    from typing import Any

MAGIC = b"cqctrack-cache-2\n"
WHOLE, IN_PARTS = b"\0", b"\1"
# Entries of the last dict a frame, when written in parts.
PART = 2048
_LENGTH = 8  # bytes of a frame's length, big-endian
MAC_SIZE = 32
SUFFIX = ".cache"
KEY_VARIABLE = "CQCTRACK_CACHE_KEY"


def folder_of(root: str) -> str:
    """Where the caches of the repository at `root` live: inside .git when there is one,
    else under the user's cache folder."""
    git_dir = os.path.join(root, ".git")
    if os.path.isdir(git_dir):
        return os.path.join(git_dir, "cqctrack")
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    digest = hashlib.sha256(os.path.realpath(root).encode()).hexdigest()[:16]
    return os.path.join(base, "cqctrack", digest)


def folder(root: Path) -> Path:
    """`folder_of`, as a Path."""
    from pathlib import Path

    return Path(folder_of(str(root)))


def _key_path() -> str:
    base = os.environ.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
    return os.path.join(base, "cqctrack", "cache-key")


def key_file() -> Path:
    """Where the user's cache key lives: the configuration folder, never a cache folder."""
    from pathlib import Path

    return Path(_key_path())


def environment_key() -> bytes | None:
    """The key `CQCTRACK_CACHE_KEY` gives (a CI job's secret), or None to use the user's."""
    secret = os.environ.get(KEY_VARIABLE)
    return hashlib.sha256(secret.encode()).digest() if secret else None


def _read(path: str) -> bytes:
    with open(path, "rb") as handle:
        return handle.read()


_KEYS: dict[str, bytes | None] = {}


def user_key() -> bytes | None:
    """The user's cache key, made (32 random bytes, mode 0600) the first time; None if
    impossible. Read once per process and key file."""
    path = _key_path()
    if path not in _KEYS:
        _KEYS[path] = _user_key(path)
    return _KEYS[path]


def _user_key(path: str) -> bytes | None:
    try:
        key = _read(path)
        if len(key) >= 32:
            return key
    except OSError:
        pass
    try:
        os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(os.urandom(32))
    except FileExistsError:
        pass  # another process made it first
    except OSError:
        return None
    try:
        key = _read(path)
    except OSError:
        return None
    return key if len(key) >= 32 else None


def _signer(key: bytes) -> hashlib.blake2b:
    """The keyed hash a MAC is made with, fed the payload a piece at a time."""
    return hashlib.blake2b(key=key[:64], digest_size=MAC_SIZE)


def mac(key: bytes, payload: bytes | memoryview) -> bytes:
    signer = _signer(key)
    signer.update(payload)
    return signer.digest()


def opened(key: bytes, blob: bytes) -> tuple[Any, bool]:
    """The value a sealed file holds (None when it was not made with `key` or is damaged),
    and whether it was written in parts."""
    head = len(MAGIC)
    # A view, not a slice: a copy of a 100 MB cache would double what a run holds.
    view = memoryview(blob)
    tag, payload = bytes(view[head : head + MAC_SIZE]), view[head + MAC_SIZE :]
    try:
        if not blob.startswith(MAGIC) or not hmac.compare_digest(tag, mac(key, payload)):
            return None, False
        mode = payload[:1]
        if mode == WHOLE:
            return marshal.loads(payload[1:]), False
        return (_joined(payload[1:]), True) if mode == IN_PARTS else (None, False)
    except (ValueError, EOFError, TypeError, IndexError):
        return None, False
    finally:
        payload.release()
        view.release()


def _joined(frames: memoryview) -> Any:
    """The value written in parts: its head's items and then the dict its frames make."""
    at, end, parts = 0, len(frames), []
    while at < end:
        size = int.from_bytes(frames[at : at + _LENGTH], "big")
        at += _LENGTH
        if size > end - at:
            raise ValueError("cut short")
        parts.append(marshal.loads(frames[at : at + size]))
        at += size
    head, last = parts[0], {}
    for part in parts[1:]:
        last.update(part)
    return (*head, last)


def read(path: str, key: bytes) -> Any:
    """The value sealed in the file at `path`, or None (missing, unreadable, not ours)."""
    return read_parts(path, key)[0]


def read_parts(path: str, key: bytes) -> tuple[Any, bool]:
    """`read`, and whether the value was written in parts."""
    try:
        blob = _read(path)
    except OSError:
        return None, False
    return opened(key, blob)


def write(target: str, key: bytes, value: Any, in_parts: bool = False) -> None:
    """Seal `value` (plain data only) into the file `target` atomically; raises OSError.

    `in_parts`: `value` is a tuple whose last item is a dict, written a part at a time."""
    import contextlib  # only when writing: a replayed answer never does
    import tempfile

    where = os.path.dirname(target)
    os.makedirs(where, exist_ok=True)
    name = os.path.basename(target).partition(".")[0]
    fd, tmp = tempfile.mkstemp(prefix=f".{name}.", dir=where)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(MAGIC)
            handle.write(bytes(MAC_SIZE))  # the MAC is known once the payload is written
            signer = _signer(key)
            for chunk in _payload(value, in_parts):
                signer.update(chunk)
                handle.write(chunk)  # each as it is made: never one joined copy
            handle.seek(len(MAGIC))
            handle.write(signer.digest())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):  # already gone: nothing to tidy
            os.unlink(tmp)
        raise


def _payload(value: Any, in_parts: bool) -> Iterator[bytes]:
    if not in_parts:
        yield WHOLE
        yield marshal.dumps(value)
        return
    import itertools

    *head, last = value
    yield IN_PARTS
    yield from _frame(tuple(head))
    items = iter(last.items())
    while part := dict(itertools.islice(items, PART)):
        yield from _frame(part)


def _frame(value: Any) -> Iterator[bytes]:
    data = marshal.dumps(value)
    yield len(data).to_bytes(_LENGTH, "big")
    yield data
