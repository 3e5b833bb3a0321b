"""What one version of an action or measure file says, as the git facts need it.

A version is summarised from its parsed data (`summarise`), from its bytes as git holds
them (`summarise_blob`), or, for the working tree's version, from its validated record
(`summarise_record`). The store summarises each file it parses, so the facts need not
parse the version the work tree holds again (git/repository.py).
"""

from __future__ import annotations

import zlib
from typing import Any

from cqctrack.format import records
from cqctrack.format.history import entry_key, entry_keys
from cqctrack.format.vocab import iso_date

# An extension entry, as the facts know it: (from, to), both ISO texts.
Key = tuple[str, str]
# The rest of what a version holds that the facts need: the identities of its dated
# entries, its status, whether it had ever been closed (closed now, or reopened
# since), its evidence and requirements as (id, identity), its closure's identity,
# and its logged requirement changes as (requirement id, identity).
More = tuple[
    tuple[int, ...],
    str | None,
    bool,
    tuple[tuple[str, int], ...],
    tuple[tuple[str, int], ...],
    int | None,
    tuple[tuple[str, int], ...],
]
# What one version of an action (or measure) holds that the facts need: its due
# date, its extension entries and the rest. None for a version that is deleted or
# cannot be read.
Summary = tuple[str | None, tuple[Key, ...], More | None] | None


def summarise(data: Any) -> Summary:
    """What the facts need of one parsed version of an action or measure."""
    if not isinstance(data, dict):
        return None
    due = data.get("due")
    entries: list[Key] = []
    log = data.get("extensions")
    if isinstance(log, list):
        for entry in log:
            if isinstance(entry, dict):
                to = entry.get("to")
                if isinstance(to, str) and iso_date(to) is not None:
                    start = entry.get("from")
                    entries.append((start if isinstance(start, str) else "", to))
    # A reopening that sets a due date logs that move as an extension entry does: it
    # is recorded, with who and why, and it is not an extension (see REOPENED).
    reopened = data.get("reopenings")
    if isinstance(reopened, list):
        for entry in reopened:
            if isinstance(entry, dict):
                to = entry.get("due")
                if isinstance(to, str) and iso_date(to) is not None:
                    entries.append((REOPENED, to))
    status = data.get("status")
    closure = data.get("closure")
    more: More = (
        entry_keys(data),
        status if isinstance(status, str) else None,
        status == "closed" or bool(data.get("reopenings")),
        _identities(data.get("evidence")),
        _identities(data.get("evidence_required")),
        entry_key("closure", [closure]) if isinstance(closure, dict) else None,
        _identities(data.get("requirement_changes"), by="requirement"),
    )
    valid_due = due if isinstance(due, str) and iso_date(due) is not None else None
    return valid_due, tuple(entries), more


REOPENED = "reopened"  # the `from` of a key that is a reopening's due date, not an extension


def _identities(items: Any, by: str = "id") -> tuple[tuple[str, int], ...]:
    """Each entry of a list as (its `by` field, the identity of everything it holds,
    whatever order its keys are written in)."""
    if not isinstance(items, list):
        return ()
    return tuple(
        (str(item.get(by)), zlib.crc32(repr(sorted(item.items())).encode()))
        for item in items
        if isinstance(item, dict)
    )


def summarise_record(action: records.Action) -> tuple[str | None, tuple[Key, ...]]:
    """The due date and extension entries of a validated action (the working-tree version):
    all the working tree lays over git's facts (see `RepoHistory.__getitem__`)."""
    entries = [(e.from_.isoformat(), e.to.isoformat()) for e in action.extensions]
    entries += [(REOPENED, r.due.isoformat()) for r in action.reopenings if r.due is not None]
    return action.due.isoformat(), tuple(entries)


def summarise_blob(content: bytes) -> Summary:
    from cqctrack.format import dialect  # a run served from the cache parses nothing

    try:
        return summarise(dialect.parse(content))
    except dialect.YamlProblem:
        return None
