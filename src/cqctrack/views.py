"""Read-only views of validated tracker files, and the compact records they are cached as.

Validation is pydantic's job (models.py), once per file content. What the rest of
cqctrack reads afterwards are these views: immutable named tuples with the same
field names as the models, so rules written against a model read a view alike.
They exist because the weekly review must answer in a blink at 10,000 actions:
importing pydantic and building models costs more than the whole budget, while a
view is rebuilt from a cached record (plain tuples: dates as day numbers, enums as
their text) in microseconds, without pydantic.

`record(model)` turns a validated model into its record; `view(Kind, record)`
turns a record back into a view. Both are derived from the annotations below, so a
field added to a model and its view needs no other code. A test checks every
view's fields against its model's.
"""

from __future__ import annotations

import datetime as dt
import types
import typing
from collections.abc import Callable
from enum import StrEnum
from typing import Any, NamedTuple, TypeVar

from cqctrack.vocab import (
    OPEN_STATUSES,
    ConcernSource,
    Decision,
    Direction,
    Period,
    ReviewLevel,
    Risk,
    ServiceType,
    Status,
)

RECORD_VERSION = 1  # bump when any view's fields change: old cache entries are dropped


class Person(NamedTuple):
    name: str
    role: str
    emails: tuple[str, ...]


class CadencePolicy(NamedTuple):
    weekly_days: int
    monthly_days: int


class DriftPolicy(NamedTuple):
    due_soon_days: int
    extension_threshold: int
    escalation_grace_days: int
    high_risk_review_days: int


class ClosurePolicy(NamedTuple):
    verifier_may_be_owner: bool
    verifier_roles: tuple[str, ...]
    require_approval: bool


class AuditPolicy(NamedTuple):
    backdating_days: int


class PrivacyPolicy(NamedTuple):
    person_ref_pattern: str


class Policy(NamedTuple):
    cadence: CadencePolicy
    drift: DriftPolicy
    closure: ClosurePolicy
    audit: AuditPolicy
    privacy: PrivacyPolicy


# The policy a repository gets for every key it leaves out. The models' defaults are
# these values, so the two can never disagree.
DEFAULT_VERIFIER_ROLES = (
    "registered-manager",
    "deputy-manager",
    "quality-lead",
    "nominated-individual",
    "provider-representative",
)
DEFAULT_PERSON_REF = r"^[A-Z]{1,4}-?\d{2,8}$"
DEFAULT_POLICY = Policy(
    cadence=CadencePolicy(weekly_days=7, monthly_days=31),
    drift=DriftPolicy(
        due_soon_days=14, extension_threshold=2, escalation_grace_days=14, high_risk_review_days=7
    ),
    closure=ClosurePolicy(
        verifier_may_be_owner=False, verifier_roles=DEFAULT_VERIFIER_ROLES, require_approval=False
    ),
    audit=AuditPolicy(backdating_days=7),
    privacy=PrivacyPolicy(person_ref_pattern=DEFAULT_PERSON_REF),
)


class Config(NamedTuple):
    version: int
    provider: str
    framework: str
    people: dict[str, Person]
    policy: Policy


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
    readings: tuple[Reading, ...]


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

    @property
    def reference(self) -> str:
        return self.file if self.file is not None else f"document {self.document}"


class Extension(NamedTuple):
    from_: dt.date
    to: dt.date
    reason: str
    approved_by: str
    date: dt.date


class Review(NamedTuple):
    date: dt.date
    by: str
    level: ReviewLevel
    decision: Decision
    note: str


class Progress(NamedTuple):
    date: dt.date
    by: str
    note: str


class Closure(NamedTuple):
    date: dt.date
    verified_by: str
    outcome: str


class Cancellation(NamedTuple):
    date: dt.date
    approved_by: str
    reason: str


class Reopening(NamedTuple):
    date: dt.date
    by: str
    reason: str
    closure: Closure | None


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
    created: dt.date
    due: dt.date
    status: Status
    evidence_required: tuple[Requirement, ...]
    expected_outcome: str
    progress: tuple[Progress, ...]
    evidence: tuple[Evidence, ...]
    extensions: tuple[Extension, ...]
    reviews: tuple[Review, ...]
    reopenings: tuple[Reopening, ...]
    closure: Closure | None
    cancellation: Cancellation | None

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


VIEWS: dict[str, type[Any]] = {
    "config": Config,
    "tracker": Tracker,
    "concern": Concern,
    "measure": Measure,
    "action": Action,
}

V = TypeVar("V")

# --- the codec, derived from the annotations above ----------------------------------

Encode = Callable[[Any], Any]
Decode = Callable[[Any], Any]


def _identity(value: Any) -> Any:
    return value


def _encode_for(kind: Any) -> Encode:
    """A function turning a model's value of annotation `kind` into a record value."""
    origin = typing.get_origin(kind)
    if origin in (typing.Union, types.UnionType):
        enc = _encode_for(next(a for a in typing.get_args(kind) if a is not type(None)))
        return lambda v: None if v is None else enc(v)
    if origin is tuple:
        enc = _encode_for(typing.get_args(kind)[0])
        return tuple if enc is _identity else (lambda v: tuple(enc(x) for x in v))
    if origin is dict:
        enc = _encode_for(typing.get_args(kind)[1])
        return lambda v: tuple((k, enc(x)) for k, x in v.items())
    if kind is dt.date:
        return dt.date.toordinal
    if isinstance(kind, type) and issubclass(kind, StrEnum):
        return lambda v: v.value
    if isinstance(kind, type) and issubclass(kind, tuple) and hasattr(kind, "_fields"):
        return _encoder(kind)
    if kind is float:
        return float
    return _identity


_ENCODERS: dict[type, Encode] = {}
_DECODERS: dict[type, Decode] = {}


def _hints(cls: type) -> list[tuple[str, Any]]:
    hints = typing.get_type_hints(cls)
    return [(name, hints[name]) for name in cls._fields]  # type: ignore[attr-defined]


def _encoder(cls: type) -> Encode:
    if cls not in _ENCODERS:
        _ENCODERS[cls] = _identity  # placeholder while recursing (no view nests itself)
        fields = [(name, _encode_for(kind)) for name, kind in _hints(cls)]

        def encode(model: Any) -> tuple[Any, ...]:
            return tuple(enc(getattr(model, name)) for name, enc in fields)

        _ENCODERS[cls] = encode
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
    """A Python expression turning record value `value` into the view value of `kind`."""
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
        env[name] = dt.date.fromordinal
        return f"{name}({value})"
    if isinstance(kind, type) and issubclass(kind, StrEnum):
        env[name] = {m.value: m for m in kind}
        return f"{name}[{value}]"
    if isinstance(kind, type) and issubclass(kind, tuple) and hasattr(kind, "_fields"):
        env[name] = _decoder(kind)
        return f"{name}({value})"
    return value


def record(kind: str, model: Any) -> tuple[Any, ...]:
    """A validated model (or a view) as its cacheable record of plain values."""
    result: tuple[Any, ...] = _encoder(VIEWS[kind])(model)
    return result


def view(cls: type[V], rec: tuple[Any, ...]) -> V:
    """A record back as its view."""
    result: V = _decoder(cls)(rec)
    return result


def view_of(kind: str, model: Any) -> Any:
    """A validated model straight to its view (what a cold read hands the rules)."""
    return view(VIEWS[kind], record(kind, model))
