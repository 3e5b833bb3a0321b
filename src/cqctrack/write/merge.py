"""Merging two people's changes to one tracker file: append-only logs need no conflict.

Two branches that each add evidence or a review to the same action change the
same lines of its file, so git's line merge conflicts, and both new entries take
the same next id (E6). But logs are append-only: the merge is both sets of new
entries. `merge(base, ours, theirs)` merges the parsed files key by key:

- a log (progress, evidence, extensions, reviews, reopenings; a measure's
  readings) that both sides only appended to gets the base entries, then ours,
  then theirs; an id of theirs that clashes (E6 twice) is renumbered to the next
  free one, and its references with it;
- any other key takes the side that changed it; when both changed it to different
  values (two new due dates, two owners) it is a real conflict, left for a person
  with conflict markers around just that key;
- the result is written as a patch of our file (format/roundtrip.py), so its
  comments and layout survive.

Used by `cqctrack merge-driver` (git calls it during a merge, see `.gitattributes`)
and `cqctrack resolve` (for files already conflicted: web merge buttons and
rebases never run merge drivers).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from cqctrack.format import dialect, roundtrip
from cqctrack.write import edits

LOGS = ("progress", "evidence", "extensions", "reviews", "reopenings", "readings")
# Logs whose entries carry ids: the prefix of those ids.
_IDS = {"evidence": "E"}


@dataclass
class Merged:
    """The merged file's bytes, and the keys both sides changed differently."""

    data: bytes
    conflicts: list[str] = field(default_factory=list)
    renumbered: list[str] = field(default_factory=list)  # "E6 -> E7"


def _plain(data: bytes) -> dict[str, Any]:
    if not data.strip():
        return {}
    value = dialect.parse(data)
    return value if isinstance(value, dict) else {}


def merge(base: bytes, ours: bytes, theirs: bytes, order: list[str]) -> Merged:
    """Merge three versions of one file; raises `dialect.YamlProblem` if one cannot be read."""
    b, o, t = _plain(base), _plain(ours), _plain(theirs)
    editable = roundtrip.open_text(ours)
    doc = editable.data
    conflicts: list[str] = []
    renumbered: list[str] = []
    keys = list(o) + [k for k in t if k not in o]
    for key in keys:
        bv, ov, tv = b.get(key), o.get(key), t.get(key)
        if ov == tv or tv == bv:
            continue  # the same on both sides, or only we changed it
        if key in LOGS and _appended(bv, ov) and _appended(bv, tv):
            base_n = len(bv or [])
            ours_new, theirs_new = (ov or [])[base_n:], (tv or [])[base_n:]
            taken = {e.get("id") for e in (ov or []) if isinstance(e, dict)}
            for entry in theirs_new:
                if entry in ours_new:
                    continue  # both sides added the very same entry
                entry = dict(entry)
                prefix = _IDS.get(key)
                if prefix and entry.get("id") in taken:
                    new_id = _next_id(prefix, taken)
                    renumbered.append(f"{key} {entry['id']} -> {new_id}")
                    entry["id"] = new_id
                if prefix:
                    taken.add(entry.get("id"))
                edits.append_entry(doc, key, entry, order)
            continue
        if ov == bv:  # only they changed it
            if tv is None and key not in t:
                edits.remove_key(doc, key)
            else:
                edits.set_value(doc, key, tv, order)
            continue
        conflicts.append(key)
    data = editable.render()
    if conflicts:
        data = _mark(data, conflicts, t, editable)
    return Merged(data, conflicts, renumbered)


def _appended(base: Any, side: Any) -> bool:
    base = base or []
    return isinstance(side, list) and isinstance(base, list) and side[: len(base)] == base


def _next_id(prefix: str, taken: set[Any]) -> str:
    numbers = [
        int(i[len(prefix) :])
        for i in taken
        if isinstance(i, str) and i.startswith(prefix) and i[len(prefix) :].isdigit()
    ]
    return f"{prefix}{max(numbers, default=0) + 1}"


def _mark(data: bytes, keys: list[str], theirs: dict[str, Any], ed: roundtrip.Editable) -> bytes:
    """Our merged text with each conflicting key's lines between conflict markers."""
    text = data.decode("utf-8-sig")
    bom = data.startswith(b"\xef\xbb\xbf")
    newline = ed.newline
    lines = text.split(newline) if newline in text else text.split("\n")
    spans = _key_spans(text, lines)
    for key in sorted(keys, key=lambda k: spans.get(k, (len(lines), 0))[0], reverse=True):
        start, stop = spans.get(key, (len(lines) - (1 if lines and lines[-1] == "" else 0),) * 2)
        ours_part = lines[start:stop]
        theirs_part: list[str] = []
        if key in theirs:
            emitted = dialect.dump_round_trip(edits.to_node({key: theirs[key]}))
            theirs_part = emitted.rstrip("\n").split("\n")
        block = ["<<<<<<< ours", *ours_part, "=======", *theirs_part, ">>>>>>> theirs"]
        lines[start:stop] = block
    out = newline.join(lines)
    return (("\ufeff" if bom else "") + out).encode("utf-8")


def _key_spans(text: str, lines: list[str]) -> dict[str, tuple[int, int]]:
    """Top-level key -> (first line, line after its value), 0-based."""
    starts: list[tuple[int, str]] = []
    for index, line in enumerate(lines):
        match = re.match(r"^([A-Za-z_][\w-]*)\s*:", line)
        if match:
            starts.append((index, match.group(1)))
    end = len(lines) - (1 if lines and lines[-1] == "" else 0)
    spans = {}
    for n, (index, key) in enumerate(starts):
        stop = starts[n + 1][0] if n + 1 < len(starts) else end
        while stop > index + 1 and lines[stop - 1].lstrip().startswith("#"):
            stop -= 1  # a comment just above the next key belongs to it
        spans[key] = (index, stop)
    return spans
