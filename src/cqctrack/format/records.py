"""Records: what every tracker file is once validated, and the plain form caches keep.

Validation is pydantic's job (models.py), once per file content. Everything
after validation reads these records, never the pydantic models: immutable
named tuples with the same field names as the models. They exist because the
weekly review must answer in a blink at 10,000 actions: importing pydantic and
building models costs more than the whole budget, while a record is rebuilt
from its cached plain form (nested tuples: dates as day numbers, enums as their
text) in microseconds, without pydantic.

`plain(kind, model)` turns a validated model into its plain form;
`from_plain(Kind, values)` turns that back into a record; `decode(kind, data)`
is the whole production path from parsed YAML to a record, for callers (and
tests) that start from data. The codec is derived from the annotations below,
so a field added to a model and its record needs no other code. A test checks
every record's fields against its model's.
"""

from __future__ import annotations

import datetime as dt
import types
import typing
from collections.abc import Callable
from enum import StrEnum
from typing import Any, NamedTuple, TypeVar

from cqctrack.format.policy import Policy
from cqctrack.format.vocab import (
    OPEN_STATUSES,
    Change,
    ConcernSource,
    Decision,
    Direction,
    Period,
    RequirementChangeKind,
    ReviewLevel,
    Risk,
    ServiceType,
    Status,
)

RECORD_VERSION = 5  # bump when any record's fields change: old cache entries are dropped


class Person(NamedTuple):
    name: str
    role: str
    emails: tuple[str, ...]
    signing_keys: tuple[str, ...] = ()
    left: dt.date | None = None

    def left_by(self, day: dt.date) -> bool:
        """Had this person left by the end of `day`?"""
        return self.left is not None and self.left <= day


class Config(NamedTuple):
    version: int
    provider: str
    framework: str
    people: dict[str, Person]
    policy: Policy


class Review(NamedTuple):
    date: dt.date
    by: str
    level: ReviewLevel
    decision: Decision
    note: str


class Meeting(NamedTuple):
    date: dt.date
    level: ReviewLevel
    chair: str
    attendees: tuple[str, ...]
    reviewed: tuple[str, ...]
    note: str | None


class Tracker(NamedTuple):
    name: str
    service_type: ServiceType
    id_prefix: str
    registered_manager: str
    nominated_individual: str
    provider_representative: str | None
    location_id: str | None
    framework: str | None
    description: str | None
    # Defaults so code that builds a tracker record by hand (tests, importers) need not
    # name the fields a new tracker leaves empty.
    created: dt.date | None = None
    created_by: str | None = None
    reviews: tuple[Review, ...] = ()
    meetings: tuple[Meeting, ...] = ()


class Concern(NamedTuple):
    id: str
    title: str
    source: ConcernSource
    source_ref: str | None
    raised: dt.date
    raised_by: str | None
    summary: str
    statements: tuple[str, ...]
    regulations: tuple[str, ...]
    risk: Risk
    reviews: tuple[Review, ...]


class Correction(NamedTuple):
    date: dt.date
    by: str
    entry: str
    change: Change
    replacement: str | None
    reason: str


def standing(
    log: str, entries: tuple[Any, ...], corrections: tuple[Correction, ...]
) -> tuple[tuple[int, Any], ...]:
    """The entries of `log` that stand, each with its position in the file.

    A withdrawn entry drops out; a replaced one is shown by its replacement, in the
    original's place (so readings stay in period order), and the replacement is
    not repeated where it was written. Entries are named as corrections name them:
    evidence by id, other logs by position (`reviews[3]`, counting from 1).
    """
    if not corrections:
        return tuple(enumerate(entries))
    names = [
        entry.id if log == "evidence" else f"{log}[{i + 1}]" for i, entry in enumerate(entries)
    ]
    place = {name: i for i, name in enumerate(names)}
    withdrawn = {c.entry for c in corrections if c.change is Change.WITHDRAWN}
    replaced = {
        c.entry: c.replacement
        for c in corrections
        if c.change is Change.REPLACED and c.replacement in place
    }
    replacements = set(replaced.values())
    out = []
    for name in names:
        if name in replacements:
            continue
        seen = {name}
        while name in replaced and replaced[name] not in seen:  # a replacement corrected again
            name = replaced[name] or name
            seen.add(name)
        if name not in withdrawn:
            out.append((place[name], entries[place[name]]))
    return tuple(out)


class Reading(NamedTuple):
    file: str | None
    document: str | None
    period: str
    value: float
    recorded: dt.date | None
    recorded_by: str | None
    note: str | None

    @property
    def reference(self) -> str:
        return self.file if self.file is not None else f"document {self.document}"


class Measure(NamedTuple):
    id: str
    concern: str
    title: str
    unit: str
    direction: Direction
    target: float
    sustain: int
    period: Period
    description: str | None
    created: dt.date | None
    created_by: str | None
    readings: tuple[Reading, ...]
    corrections: tuple[Correction, ...]

    @property
    def current_readings(self) -> tuple[Reading, ...]:
        """Readings that stand: withdrawn ones left out, replaced ones by their replacement."""
        if not self.corrections:
            return self.readings
        return tuple(r for _, r in standing("readings", self.readings, self.corrections))


class Requirement(NamedTuple):
    id: str
    description: str
    kinds: tuple[str, ...]


class Evidence(NamedTuple):
    file: str | None
    document: str | None
    id: str
    satisfies: tuple[str, ...]
    kind: str
    date: dt.date
    added_by: str
    summary: str
    staff_refs: tuple[str, ...]

    @property
    def reference(self) -> str:
        return self.file if self.file is not None else f"document {self.document}"


class Extension(NamedTuple):
    from_: dt.date
    to: dt.date
    reason: str
    approved_by: str
    date: dt.date


class Progress(NamedTuple):
    date: dt.date
    by: str
    note: str


class Closure(NamedTuple):
    date: dt.date
    verified_by: str
    outcome: str
    imported: bool | None = None  # copied from a spreadsheet, not verified in cqctrack


class Cancellation(NamedTuple):
    date: dt.date
    approved_by: str
    reason: str


class Reopening(NamedTuple):
    date: dt.date
    by: str
    reason: str
    due: dt.date | None
    closure: Closure | None
    cancellation: Cancellation | None

    @property
    def ended(self) -> dt.date | None:
        """The day the action was closed or cancelled before this reopening, if known."""
        done = self.closure or self.cancellation
        return done.date if done is not None else None


class RequirementChange(NamedTuple):
    date: dt.date
    by: str
    approved_by: str
    requirement: str
    change: RequirementChangeKind
    was: Requirement | None
    reason: str


class Imported(NamedTuple):
    file: str
    sheet: str | None
    row: int
    part: int | None
    ref: str | None
    section: str | None
    status: str | None
    rag: str | None
    date: dt.date
    by: str

    @property
    def where(self) -> str:
        """'action-plan.xlsx, sheet Must do, row 14' (the part too, when a cell held several)."""
        text = self.file + (f", sheet {self.sheet}" if self.sheet else "") + f", row {self.row}"
        return text + (f" (action {self.part} in the cell)" if self.part else "")


class Action(NamedTuple):
    id: str
    title: str
    concern: str
    detail: str | None
    statements: tuple[str, ...]
    regulations: tuple[str, ...]
    owner: str
    risk: Risk
    person_ref: str | None
    staff_refs: tuple[str, ...]
    created: dt.date
    created_by: str | None
    due: dt.date
    status: Status
    evidence_required: tuple[Requirement, ...]
    expected_outcome: str
    progress: tuple[Progress, ...]
    evidence: tuple[Evidence, ...]
    extensions: tuple[Extension, ...]
    reviews: tuple[Review, ...]
    reopenings: tuple[Reopening, ...]
    corrections: tuple[Correction, ...]
    requirement_changes: tuple[RequirementChange, ...]
    closure: Closure | None
    cancellation: Cancellation | None
    imported: Imported | None = None

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    # The logs as they stand after corrections (see `standing`): what every rule
    # judges. The raw logs (`evidence`, `reviews`, `progress`) keep every entry.

    def indexed(self, log: str) -> tuple[tuple[int, Any], ...]:
        """(position in the file, entry) for each entry of `log` that stands."""
        return standing(log, getattr(self, log), self.corrections)

    @property
    def current_evidence(self) -> tuple[Evidence, ...]:
        if not self.corrections:
            return self.evidence
        return tuple(e for _, e in self.indexed("evidence"))

    @property
    def current_reviews(self) -> tuple[Review, ...]:
        if not self.corrections:
            return self.reviews
        return tuple(r for _, r in self.indexed("reviews"))

    @property
    def current_progress(self) -> tuple[Progress, ...]:
        if not self.corrections:
            return self.progress
        return tuple(p for _, p in self.indexed("progress"))

    @property
    def removed_requirements(self) -> frozenset[str]:
        """Requirement ids removed by an approved change (evidence for them is not an error)."""
        return frozenset(
            c.requirement
            for c in self.requirement_changes
            if c.change is RequirementChangeKind.REMOVED
        )


RECORDS: dict[str, type[Any]] = {
    "config": Config,
    "tracker": Tracker,
    "concern": Concern,
    "measure": Measure,
    "action": Action,
}

R = TypeVar("R")

# --- the codec, derived from the annotations above ----------------------------------

Encode = Callable[[Any], Any]
Decode = Callable[[Any], Any]


def _encode_expr(kind: Any, value: str, env: dict[str, Any]) -> str:
    """A Python expression turning model (or record) value `value`, of annotation `kind`,
    into its plain value: the inverse of `_expr`."""
    origin = typing.get_origin(kind)
    if origin in (typing.Union, types.UnionType):
        inner = next(a for a in typing.get_args(kind) if a is not type(None))
        converted = _encode_expr(inner, value, env)
        return value if converted == value else f"(None if {value} is None else {converted})"
    if origin is tuple:
        item = _encode_expr(typing.get_args(kind)[0], "x", env)
        return f"tuple({value})" if item == "x" else f"tuple([{item} for x in {value}])"
    if origin is dict:
        item = _encode_expr(typing.get_args(kind)[1], "x", env)
        return f"tuple([(k, {item}) for k, x in {value}.items()])"
    if kind is dt.date:
        return f"{value}.toordinal()"
    if isinstance(kind, type) and issubclass(kind, StrEnum):
        return f"{value}.value"
    if isinstance(kind, type) and issubclass(kind, tuple) and hasattr(kind, "_fields"):
        name = f"_e{len(env)}"
        env[name] = _encoder(kind)
        return f"{name}({value})"
    if kind is float:
        return f"float({value})"
    return value


_ENCODERS: dict[type, Encode] = {}
_DECODERS: dict[type, Decode] = {}
# One object for each text and each day the decoded records hold. Ids, people, kinds,
# statement and evidence references recur across tens of thousands of records; each
# decoded afresh is its own string (or date). In the bench's 10,000 actions, 262,000
# strings, 26,000 of them distinct, were 18 MiB of the 30 MiB every record held (12 MiB
# shared); its notes repeat their phrases, so real trackers' notes share less.
_SHARED: dict[str, str] = {}
_DAYS: dict[int, dt.date] = {}


def _day(ordinal: int) -> dt.date:
    day = _DAYS.get(ordinal)
    if day is None:
        day = _DAYS[ordinal] = dt.date.fromordinal(ordinal)
    return day


def _hints(cls: type) -> list[tuple[str, Any]]:
    hints = typing.get_type_hints(cls)
    return [(name, hints[name]) for name in cls._fields]  # type: ignore[attr-defined]


def _encoder(cls: type) -> Encode:
    """Compile an encoder for `cls` (from a validated model or a record of it) as
    straight-line code, as `_decoder` is: every file a first run parses is encoded."""
    if cls not in _ENCODERS:
        env: dict[str, Any] = {}
        parts = [_encode_expr(kind, f"m.{name}", env) for name, kind in _hints(cls)]
        source = f"def encode(m):\n    return ({', '.join(parts)},)\n"
        exec(source, env)  # generated from our own annotations, never from data
        _ENCODERS[cls] = env["encode"]
    return _ENCODERS[cls]


def _decoder(cls: type) -> Decode:
    """Compile a decoder for `cls`, the way namedtuple compiles its own methods.

    A generic loop over per-field closures costs about 30 microseconds per action;
    `check` decodes every action, so the decoder is generated as straight-line code.
    """
    if cls not in _DECODERS:
        env: dict[str, Any] = {"_new": tuple.__new__, "_cls": cls}
        parts = [_expr(kind, f"r[{i}]", env) for i, (_, kind) in enumerate(_hints(cls))]
        source = f"def decode(r):\n    return _new(_cls, ({', '.join(parts)},))\n"
        exec(source, env)  # generated from our own annotations, never from data
        _DECODERS[cls] = env["decode"]
    return _DECODERS[cls]


def _expr(kind: Any, value: str, env: dict[str, Any]) -> str:
    """A Python expression turning record value `value` into the record value of `kind`."""
    origin = typing.get_origin(kind)
    if origin in (typing.Union, types.UnionType):
        inner = next(a for a in typing.get_args(kind) if a is not type(None))
        converted = _expr(inner, value, env)
        return value if converted == value else f"(None if {value} is None else {converted})"
    if origin is tuple:
        item = _expr(typing.get_args(kind)[0], "x", env)
        return value if item == "x" else f"tuple([{item} for x in {value}])"
    if origin is dict:
        item = _expr(typing.get_args(kind)[1], "x", env)
        return f"{{k: {item} for k, x in {value}}}"
    name = f"_c{len(env)}"
    if kind is dt.date:
        env[name] = _day
        return f"{name}({value})"
    if kind is str:
        env[name] = _SHARED.setdefault
        return f"{name}({value}, {value})"
    if isinstance(kind, type) and issubclass(kind, StrEnum):
        env[name] = {m.value: m for m in kind}
        return f"{name}[{value}]"
    if isinstance(kind, type) and issubclass(kind, tuple) and hasattr(kind, "_fields"):
        env[name] = _decoder(kind)
        return f"{name}({value})"
    return value


def plain(kind: str, model: Any) -> tuple[Any, ...]:
    """A validated model (or a record) as plain values: what the caches keep."""
    result: tuple[Any, ...] = _encoder(RECORDS[kind])(model)
    return result


def from_plain(cls: type[R], values: tuple[Any, ...]) -> R:
    """Plain values back as their record."""
    result: R = _decoder(cls)(values)
    return result


def decode(kind: str, data: Any) -> Any:
    """Parsed YAML data to its record, by the path production takes.

    Validate with the model, reduce to plain values, marshal them as the caches
    do, and build the record from what comes back: rules tested on records made
    here see exactly what `check` and `review` see.
    """
    import marshal

    from cqctrack.format.models import MODELS

    model = MODELS[kind].model_validate(data)
    return from_plain(RECORDS[kind], marshal.loads(marshal.dumps(plain(kind, model))))
