"""Findings: everything cqctrack judges, in one shape.

A problem `check` reports in a file, an unmet closure condition, a reason an
action is rated Red or Amber, a flag in an action's history: each is a `Finding`
with a stable code (listed, with its meaning, in the README's table of codes and
in `rules/codes.py`), a severity, a message and hint in plain words, where it is
(file, line, column and the field path inside the file) and what it is about
(an action, concern, measure or file). Drift findings also carry their BRAG
contribution and the escalation they ask for.

Findings are plain data: the rules make them, the renderers show them, and JSON
output always carries their codes. Rules that know only a field path (`loc`)
leave `line` empty; the store fills it in from the file's YAML nodes, so only
files with findings are ever parsed for lines.
"""

from __future__ import annotations

from enum import StrEnum
from typing import NamedTuple

Loc = tuple[str | int, ...]


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class Brag(StrEnum):
    """The BRAG rating of an action: Blue (closed with evidence), Red, Amber, Green."""

    RED = "red"
    AMBER = "amber"
    GREEN = "green"
    BLUE = "blue"

    @property
    def label(self) -> str:
        return self.value.capitalize()


# Most urgent first: the review lists red before amber before green before blue.
BRAG_ORDER = {Brag.RED: 0, Brag.AMBER: 1, Brag.GREEN: 2, Brag.BLUE: 3}


class Escalation(StrEnum):
    PROVIDER = "provider"
    MANAGER = "registered-manager"

    @property
    def label(self) -> str:
        return "provider level" if self is Escalation.PROVIDER else "registered manager"


ESCALATION_ORDER = {Escalation.PROVIDER: 0, Escalation.MANAGER: 1, None: 2}


class Finding(NamedTuple):
    # A named tuple, not a dataclass: thousands are made per run, and a tuple is
    # built several times faster than a frozen dataclass and caches as plain data.
    code: str  # stable slug, e.g. "closure-missing-evidence"; its first word is the category
    message: str
    severity: Severity = Severity.ERROR
    hint: str | None = None
    path: str | None = None  # repository-relative, with forward slashes
    line: int | None = None  # 1-based
    column: int | None = None  # 1-based
    loc: Loc = ()  # field path inside the file, used to find the line
    subject: str | None = None  # the action, concern or measure id (or file) it is about
    commit: str | None = None  # for findings about history: the commit concerned
    brag: Brag | None = None  # drift findings: the rating this finding contributes
    escalate: Escalation | None = None  # drift findings: the escalation it asks for

    @property
    def category(self) -> str:
        return self.code.split("-", 1)[0]

    def at(self, line: int | None, column: int | None = None) -> Finding:
        return self._replace(line=line, column=column)

    def located(self, path: str, subject: str | None = None) -> Finding:
        """The same finding in `path` (rules that judge one record leave the file to callers)."""
        return self._replace(path=path, subject=subject or self.subject)


def sort_key(finding: Finding) -> tuple[str, int, int, str]:
    return (finding.path or "", finding.line or 0, finding.column or 0, finding.code)


def dotted(loc: Loc) -> str:
    """`("evidence", 2, "kind")` -> `evidence[3].kind`: positions count from 1, as people do."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part + 1}]"
        else:
            out += f".{part}" if out else str(part)
    return out


# One file can hold thousands of problems (4,000 unknown keys); past this many a
# file's findings are summed up per code, so the report stays readable and cheap.
PER_FILE = 50

_PLURALS = {
    "schema-unknown-field": "unknown fields",
    "schema-missing-field": "missing fields",
    "schema-invalid": "invalid values",
}


_MORE = "… and "


def capped(findings: list[Finding], limit: int = PER_FILE) -> list[Finding]:
    """At most `limit` findings per file, then one "... and N more" finding per code left out."""
    per_file: dict[str | None, int] = {}
    kept: list[Finding] = []
    left_out: dict[tuple[str | None, str], list[Finding]] = {}
    for finding in findings:
        if finding.message.startswith(_MORE):  # already a summary of what was left out
            kept.append(finding)
            continue
        seen = per_file.get(finding.path, 0)
        per_file[finding.path] = seen + 1
        if seen < limit:
            kept.append(finding)
        else:
            left_out.setdefault((finding.path, finding.code), []).append(finding)
    for (path, code), more in left_out.items():
        first = more[0]
        what = _PLURALS.get(code, f"problems of this kind [{code}]")
        kept.append(
            Finding(
                code=code,
                message=f"{_MORE}{len(more):,} more {what}",
                severity=first.severity,
                hint="fix the problems above and run `cqctrack check` again to see the rest",
                path=path,
                line=first.line,
                column=first.column,
                loc=first.loc,
                subject=first.subject,
            )
        )
    return kept


# Findings as plain values, for the caches (which hold data only: see cache.py).
PlainFinding = tuple[object, ...]
_SEVERITIES = {s.value: s for s in Severity}
_BRAGS = {b.value: b for b in Brag}
_ESCALATIONS = {e.value: e for e in Escalation}


def to_plain(finding: Finding) -> PlainFinding:
    f = finding
    return (
        f.code,
        f.message,
        f.severity.value,
        f.hint,
        f.path,
        f.line,
        f.column,
        tuple(f.loc),
        f.subject,
        f.commit,
        f.brag.value if f.brag is not None else None,
        f.escalate.value if f.escalate is not None else None,
    )


def from_plain(values: PlainFinding) -> Finding:
    code, message, severity, hint, path, line, column, loc, subject, commit, brag, escalate = values
    return Finding(
        code,  # type: ignore[arg-type]
        message,  # type: ignore[arg-type]
        _SEVERITIES[severity],  # type: ignore[index]
        hint,  # type: ignore[arg-type]
        path,  # type: ignore[arg-type]
        line,  # type: ignore[arg-type]
        column,  # type: ignore[arg-type]
        loc,  # type: ignore[arg-type]
        subject,  # type: ignore[arg-type]
        commit,  # type: ignore[arg-type]
        None if brag is None else _BRAGS[brag],  # type: ignore[index]
        None if escalate is None else _ESCALATIONS[escalate],  # type: ignore[index]
    )
