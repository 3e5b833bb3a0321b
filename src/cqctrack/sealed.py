"""Files of plain data sealed with the user's key: the one format of every cache file.

A sealed file is `MAGIC`, a keyed BLAKE2b MAC of the payload, then the payload (plain
values in `marshal`'s data format, which builds no objects of ours and runs nothing).
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
    from pathlib import Path
    from typing import Any

MAGIC = b"cqctrack-cache-1\n"
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


def mac(key: bytes, payload: bytes | memoryview) -> bytes:
    return hashlib.blake2b(payload, key=key[:64], digest_size=MAC_SIZE).digest()


def unseal(key: bytes, blob: bytes) -> Any:
    """The value a sealed file holds, or None when it was not made with `key` or is damaged."""
    head = len(MAGIC)
    # A view, not a slice: a copy of a 100 MB cache would double what a run holds.
    view = memoryview(blob)
    tag, payload = bytes(view[head : head + MAC_SIZE]), view[head + MAC_SIZE :]
    try:
        if not blob.startswith(MAGIC) or not hmac.compare_digest(tag, mac(key, payload)):
            return None
        return marshal.loads(payload)
    except (ValueError, EOFError, TypeError):
        return None
    finally:
        payload.release()
        view.release()


def read(path: str, key: bytes) -> Any:
    """The value sealed in the file at `path`, or None (missing, unreadable, not ours)."""
    try:
        blob = _read(path)
    except OSError:
        return None
    return unseal(key, blob)


def write(target: str, key: bytes, value: Any) -> None:
    """Seal `value` (plain data only) into the file `target` atomically; raises OSError."""
    import contextlib  # only when writing: a replayed answer never does
    import tempfile

    payload = marshal.dumps(value)
    where = os.path.dirname(target)
    os.makedirs(where, exist_ok=True)
    name = os.path.basename(target).partition(".")[0]
    fd, tmp = tempfile.mkstemp(prefix=f".{name}.", dir=where)
    try:
        with os.fdopen(fd, "wb") as handle:
            # Three writes, not one joined copy of a cache that may be 100 MB.
            handle.write(MAGIC)
            handle.write(mac(key, payload))
            handle.write(payload)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):  # already gone: nothing to tidy
            os.unlink(tmp)
        raise
