"""`cqctrack meeting`: a whole oversight meeting, decided at a terminal or from a file, one commit."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from cqctrack.cli import complete
from cqctrack.cli._options import AsOf, parse_date, state
from cqctrack.cli.record import NoCommit, run
from cqctrack.errors import InvalidInput
from cqctrack.format.vocab import Decision, ReviewLevel

if TYPE_CHECKING:
    from cqctrack.read.review import Row
    from cqctrack.write.meeting import Item

KEYS = {
    "o": Decision.ON_TRACK,
    "c": Decision.CHALLENGE,
    "e": Decision.ESCALATE,
    "a": Decision.APPROVE_CLOSURE,
    "r": Decision.REJECT_CLOSURE,
}
PROMPT = "Decision [o]n-track [c]hallenge [e]scalate [a]pprove-closure [r]eject-closure, [s]kip, [q] finish, [x] abandon"


class Abandoned(Exception):
    pass


def meeting(
    ctx: typer.Context,
    tracker: Annotated[
        list[str] | None,
        typer.Option(
            "--tracker",
            autocompletion=complete.trackers,
            metavar="SLUG",
            help="The tracker(s) the meeting reviews.",
            show_default=False,
        ),
    ] = None,
    everything: Annotated[
        bool,
        typer.Option("--all", help="Walk every open action, not only those needing attention."),
    ] = False,
    from_file: Annotated[
        Path | None,
        typer.Option(
            "--from",
            metavar="FILE",
            help="Take the decisions from a YAML file prepared in advance.",
            show_default=False,
        ),
    ] = None,
    level: Annotated[
        ReviewLevel | None,
        typer.Option("--level", help="weekly, monthly or ad-hoc (default: from the chair's role)."),
    ] = None,
    attendee: Annotated[
        list[str] | None,
        typer.Option(
            "--attendee",
            metavar="PERSON",
            help="Someone who attended (repeatable).",
            show_default=False,
        ),
    ] = None,
    note: Annotated[
        str | None, typer.Option("--note", help="A note on the meeting as a whole.")
    ] = None,
    by: Annotated[
        str | None,
        typer.Option(
            "--by",
            metavar="PERSON",
            help="Who chaired it (default: the person whose e-mail matches your git identity).",
            show_default=False,
        ),
    ] = None,
    when: Annotated[
        str | None,
        typer.Option(
            "--date",
            metavar="DATE",
            help="When it met (YYYY-MM-DD; default today).",
            show_default=False,
        ),
    ] = None,
    no_commit: NoCommit = False,
    as_of: AsOf = None,
) -> None:
    """Record an oversight meeting: a decision and note per action, committed once.

    On a terminal it walks the review list (what `cqctrack review` shows, or every
    open action with --all), asking for each action's decision and a note: a key per
    decision, s or Enter to skip, q to finish and record what was decided, x to
    abandon without recording anything. With --from it takes the decisions from a
    YAML file prepared in advance (actions and concerns), for example:

    \b
        date: 2026-11-23
        level: weekly
        chair: mpatel
        attendees: [mpatel, jcarter, lnowak]
        decisions:
          - id: MED-004
            decision: challenge
            note: Late MAR returns again; owner to report next week

    Each decision is a review entry in its action's (or concern's) file; the meeting
    itself, with who attended, goes in the tracker's meetings log.

    Examples:

    \b
        cqctrack meeting --tracker riverside-homecare --attendee jcarter --attendee lnowak
        cqctrack meeting --from decisions/2026-11-23-weekly.yaml
    """
    from cqctrack.write import meeting as core

    day = parse_date(when, "--date") if when is not None else None
    attendees = list(attendee or [])
    chair, items = by, []
    if from_file is not None:
        plan = _plan(from_file)
        items = [core.Item(d.id, d.decision, d.note) for d in plan.decisions]
        day = day or plan.date
        level = level or plan.level
        chair = chair or plan.chair
        attendees = attendees or list(plan.attendees)
        note = note or plan.note
    else:
        if not sys.stdin.isatty():
            raise InvalidInput(
                "cqctrack meeting asks for each decision on a terminal",
                hint="run it on a terminal, or give the decisions in a file with --from FILE "
                "(see `cqctrack meeting --help`)",
            )
        try:
            items = _walk(ctx, tracker or [], everything, as_of, day, level)
        except Abandoned:
            typer.echo("Abandoned: nothing was recorded.")
            raise typer.Exit(1) from None
        if not items:
            typer.echo("No decisions were taken, so nothing was recorded.")
            return
        if not typer.confirm(
            f"Record {len(items)} decision{'s' if len(items) != 1 else ''}?", default=True
        ):
            typer.echo("Nothing was recorded.")
            raise typer.Exit(1)
    run(
        ctx,
        as_of,
        no_commit,
        lambda rec: core.record(
            rec, items, level=level, chair=chair, attendees=attendees, note=note, when=day
        ),
    )


def _plan(path: Path) -> Any:
    from pydantic import ValidationError

    from cqctrack.format import dialect, explain
    from cqctrack.format.models import MeetingPlan

    try:
        data = dialect.parse(path.read_bytes())
    except OSError as err:
        raise InvalidInput(f"--from {path}: {err.strerror}") from None
    except dialect.YamlProblem as err:
        raise InvalidInput(f"{path}:{err.line}: {err.message}") from None
    try:
        return MeetingPlan.model_validate(data)
    except ValidationError as err:
        problems = explain.findings_from(err, str(path), MeetingPlan)
        raise InvalidInput(
            f"--from {path}: the decisions file is not valid",
            details=[p.message for p in problems],
            hint="see `cqctrack meeting --help` for its form",
        ) from None


def _walk(
    ctx: typer.Context,
    trackers: list[str],
    everything: bool,
    as_of: str | None,
    day: Any,
    level: ReviewLevel | None,
) -> list[Item]:
    from cqctrack.read import review as core
    from cqctrack.wording import date_text
    from cqctrack.write.meeting import Item

    st = state(ctx)
    root = st.root()
    context = core.load(root, parse_date(as_of), st.caches(root))
    # Closed actions are not decided on at a meeting: --all walks every open one.
    open_ones = ("open", "in-progress", "awaiting-verification") if everything else ()
    rows = core.review(context, core.Query(trackers=tuple(trackers), statuses=open_ones))
    when = date_text(day or context.today)
    scope = ", ".join(trackers) or "every tracker"
    typer.echo(
        f"Meeting of {when} ({scope}): {len(rows)} action{'s' if len(rows) != 1 else ''} to review."
    )
    items: list[Item] = []
    for number, row in enumerate(rows, start=1):
        typer.echo("")
        for line in _describe(row, number, len(rows)):
            typer.echo(line)
        choice = _ask_decision()
        if choice == "q":
            break
        if choice == "s":
            continue
        decision = KEYS[choice]
        text = ""
        while not text.strip():
            text = typer.prompt("Note", default="", show_default=False)
        items.append(Item(row.action.id, decision, text.strip()))
    typer.echo("")
    skipped = len(rows) - len(items)
    typer.echo(f"{len(items)} decided, {skipped} not decided.")
    return items


def _ask_decision() -> str:
    while True:
        answer = str(typer.prompt(PROMPT, default="s", show_default=False)).strip().lower()
        if answer in ("x", "abandon"):
            raise Abandoned
        if answer in ("", "s", "skip"):
            return "s"
        if answer in ("q", "finish"):
            return "q"
        if answer[:1] in KEYS and (len(answer) == 1 or answer in {d.value for d in KEYS.values()}):
            return answer[:1]
        typer.echo("  type one of o, c, e, a, r, s, q or x")


def _describe(row: Row, number: int, total: int) -> list[str]:
    from cqctrack.wording import date_text

    action = row.action
    review = row.last_review
    last = (
        f"{review.decision} on {date_text(review.date)} by {review.by}"
        if review
        else "never reviewed"
    )
    lines = [
        f"[{number}/{total}] {action.id}  {row.assessment.brag.label}  {action.title}",
        f"  owner {row.owner.name}, due {date_text(action.due)}, {action.status}; last review: {last}",
    ]
    lines += [f"  - {reason}" for reason in row.assessment.reasons]
    return lines


def register(app: typer.Typer) -> None:
    app.command()(meeting)
