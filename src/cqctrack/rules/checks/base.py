"""What a check rule is, and the small helpers several rules share."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from cqctrack.findings import Finding, Loc, Severity
from cqctrack.format.layout import CONFIG_FILE
from cqctrack.rules.context import RuleContext

Run = Callable[[RuleContext], Iterable[Finding]]


@dataclass(frozen=True, slots=True)
class CheckRule:
    """One small named rule: the codes it can report and what it checks, in a line."""

    name: str
    codes: tuple[str, ...]
    summary: str
    run: Run


def finding(
    path: str,
    code: str,
    message: str,
    *,
    hint: str | None = None,
    severity: Severity = Severity.ERROR,
    loc: Loc = (),
    subject: str | None = None,
) -> Finding:
    return Finding(
        code=code,
        message=message,
        severity=severity,
        hint=hint,
        path=path,
        loc=loc,
        subject=subject,
    )


def located(item_id: str, ctx: RuleContext) -> tuple[str, str]:
    """(file, tracker slug) of an action, concern or measure."""
    source = ctx.snap.source(item_id)
    return source.path, source.tracker


def unknown_person(
    ctx: RuleContext, path: str, person: str | None, loc: Loc, what: str, subject: str | None
) -> Iterator[Finding]:
    if person is None or ctx.snap.config is None or person in ctx.snap.config.people:
        return
    yield finding(
        path,
        "reference-unknown-person",
        f"{what} '{person}' is not in the people register",
        hint=f"add '{person}' under `people` in {CONFIG_FILE}, or correct the id",
        loc=loc,
        subject=subject,
    )


def future_date(path: str, what: str, when: date, loc: Loc, subject: str | None) -> Finding:
    return finding(
        path,
        "consistency-future-date",
        f"{what} is dated {when.isoformat()}, which is in the future",
        hint="record events on the day they happen (or pass --as-of to judge another date)",
        severity=Severity.WARNING,
        loc=loc,
        subject=subject,
    )


def evidence_file(
    ctx: RuleContext, path: str, ref: str | None, loc: Loc, what: str, subject: str | None
) -> Iterator[Finding]:
    if ref is None:
        return
    problem = ctx.file_check(ref)
    if problem is not None:
        yield finding(
            path,
            "evidence-missing-file",
            f"{what} refers to {ref}, which {problem}",
            hint="add the file to the repository, correct the path, "
            "or refer to the document with `document:` instead",
            loc=loc,
            subject=subject,
        )


def items(ctx: RuleContext, kind: str) -> Iterator[tuple[Any, str, str]]:
    """(record, file, tracker) for every concern, measure or action."""
    found = {"concern": ctx.snap.concerns, "measure": ctx.snap.measures}.get(kind)
    group = ctx.snap.actions if found is None else found
    only = ctx.only
    if only is not None:
        for item_id in group:
            source = ctx.snap.source(item_id)
            if source.path in only:
                yield group[item_id], source.path, source.tracker
        return
    for item in group.values():
        source = ctx.snap.source(item.id)
        yield item, source.path, source.tracker


def trackers(ctx: RuleContext) -> Iterator[tuple[str, Any, str]]:
    """(slug, record, file) for every tracker (those in `ctx.only`, when it is set)."""
    for slug, tracker in ctx.snap.trackers.items():
        path = ctx.snap.tracker_path(slug)
        if ctx.only is None or path in ctx.only:
            yield slug, tracker, path
