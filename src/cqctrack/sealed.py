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

import functools
import hashlib
import hmac
import marshal
import os
from pathlib import Path
from typing import Any

MAGIC = b"cqctrack-cache-1\n"
MAC_SIZE = 32
SUFFIX = ".cache"
KEY_VARIABLE = "CQCTRACK_CACHE_KEY"


def folder(root: Path) -> Path:
    """Where this repository's caches live: inside .git when there is one."""
    git_dir = root / ".git"
    if git_dir.is_dir():
        return git_dir / "cqctrack"
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    digest = hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:16]
    return Path(base) / "cqctrack" / digest


def key_file() -> Path:
    """Where the user's cache key lives: the configuration folder, never a cache folder."""
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "cqctrack" / "cache-key"


def environment_key() -> bytes | None:
    """The key `CQCTRACK_CACHE_KEY` gives (a CI job's secret), or None to use the user's."""
    secret = os.environ.get(KEY_VARIABLE)
    return hashlib.sha256(secret.encode()).digest() if secret else None


@functools.cache
def user_key(path: Path | None = None) -> bytes | None:
    """The user's cache key, made (32 random bytes, mode 0600) the first time; None if impossible."""
    path = path or key_file()
    try:
        key = path.read_bytes()
        if len(key) >= 32:
            return key
    except OSError:
        pass
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(os.urandom(32))
    except FileExistsError:
        pass  # another process made it first
    except OSError:
        return None
    try:
        key = path.read_bytes()
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


def write(target: Path, key: bytes, value: Any) -> None:
    """Seal `value` (plain data only) into `target` atomically; raises OSError."""
    import tempfile  # only when writing: a replayed answer never does

    payload = marshal.dumps(value)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.stem}.", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            # Three writes, not one joined copy of a cache that may be 100 MB.
            handle.write(MAGIC)
            handle.write(mac(key, payload))
            handle.write(payload)
        Path(tmp).replace(target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
