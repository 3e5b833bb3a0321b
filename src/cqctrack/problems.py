"""Problems found in tracker files: plain records that `check` collects and reports.

A problem names its file and, where it can, the line. Rules that only know a
field path (`loc`) leave `line` empty; `store.attach_lines` fills it in from the
file's YAML nodes, so only files that have problems are ever parsed for lines.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum

Loc = tuple[str | int, ...]


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Problem:
    path: str  # repository-relative, with forward slashes
    code: str  # stable slug, e.g. "closure-missing-evidence"; its first word is the category
    message: str
    hint: str | None = None
    severity: Severity = Severity.ERROR
    line: int | None = None  # 1-based
    column: int | None = None  # 1-based
    loc: Loc = ()  # field path inside the file, used to find the line

    @property
    def category(self) -> str:
        return self.code.split("-", 1)[0]

    def at(self, line: int | None, column: int | None = None) -> Problem:
        return replace(self, line=line, column=column)


def sort_key(problem: Problem) -> tuple[str, int, int, str]:
    return (problem.path, problem.line or 0, problem.column or 0, problem.code)


def dotted(loc: Loc) -> str:
    """`("evidence", 2, "kind")` -> `evidence[3].kind`: positions count from 1, as people do."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part + 1}]"
        else:
            out += f".{part}" if out else str(part)
    return out
