"""`cqctrack init` and `cqctrack new tracker|concern|measure|action`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from cqctrack.cli import complete
from cqctrack.cli._options import AsOf, out_console, parse_date
from cqctrack.cli.record import By, NoCommit, StaffRefs, When, run
from cqctrack.errors import InvalidInput
from cqctrack.format.catalogue import normalise_statement
from cqctrack.format.vocab import ConcernSource, Direction, Period, Risk, ServiceType


class Asking:
    """Required values: the options given, else a prompt on a terminal; off a terminal,
    one error naming every option that is missing, not one at a time."""

    def __init__(self) -> None:
        self.tty = sys.stdin.isatty()
        self.missing: list[tuple[str, str]] = []

    def __call__(self, value: Any, option: str, label: str) -> Any:
        if value is not None and value != []:
            return value
        if self.tty:
            return typer.prompt(label)
        self.missing.append((option, label))
        return None

    def done(self) -> None:
        if not self.missing:
            return
        options = [option for option, _ in self.missing]
        listed = (
            options[0] if len(options) == 1 else ", ".join(options[:-1]) + " and " + options[-1]
        )
        what = ", ".join(f"{option} ({label.lower()})" for option, label in self.missing)
        raise InvalidInput(f"missing {listed}", hint=f"give {what}")


def _listed(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def _ids(value: str | list[str]) -> list[str]:
    """Statement ids as typed: `s8` -> `S8`; qualified ids keep their framework part."""
    return [normalise_statement(item) for item in _listed(value)]


def _when(value: str | None) -> Any:
    return parse_date(value, "--date") if value is not None else None


def init(
    path: Annotated[
        Path, typer.Argument(help="Folder for the new repository (default: here).")
    ] = Path(),
    provider: Annotated[
        str | None, typer.Option("--provider", help="The registered provider's name.")
    ] = None,
    manager: Annotated[
        str | None,
        typer.Option(
            "--manager",
            metavar="PERSON_ID",
            help="Person id for the registered manager, e.g. mpatel.",
        ),
    ] = None,
    name: Annotated[
        str | None, typer.Option("--name", help="The registered manager's name.")
    ] = None,
    email: Annotated[
        str | None, typer.Option("--email", help="The registered manager's git e-mail.")
    ] = None,
) -> None:
    """Create a new tracker repository: cqctrack.yaml, trackers/, evidence/ and git.

    Add the rest of the people register with `cqctrack people add`.

    Example:

    \b
        cqctrack init riverside-trackers --provider "Riverside Care Ltd" \\
            --manager mpatel --name "Meera Patel" --email meera.patel@example.org
    """
    from cqctrack.format import dialect
    from cqctrack.write import create

    ask = Asking()
    provider = ask(provider, "--provider", "Provider name")
    manager = ask(manager, "--manager", "Registered manager's person id (e.g. mpatel)")
    name = ask(name, "--name", "Registered manager's name")
    email = ask(email, "--email", "Registered manager's e-mail")
    ask.done()

    def scalar(text: str) -> str:
        return dialect.dump_round_trip({"v": text}).removeprefix("v: ").rstrip("\n")

    path.mkdir(parents=True, exist_ok=True)
    written = create.init_repository(path, scalar(provider), manager, scalar(name), email)
    console = out_console()
    console.print(f"Created a tracker repository in {path.resolve()}", markup=False)
    committed = create.commit_scaffold(path, written)
    console.print(committed, markup=False)
    console.print(
        "Next: `cqctrack people add` for everyone who owns, reviews or verifies actions, "
        "`cqctrack new tracker SLUG`, then `cqctrack new concern` and `cqctrack new action`; "
        "`cqctrack check` at any time.",
        markup=False,
    )


new_app = typer.Typer(help="Create trackers, concerns, measures and actions.", no_args_is_help=True)


@new_app.command("tracker")
def new_tracker(
    ctx: typer.Context,
    slug: Annotated[str, typer.Argument(help="Folder name, e.g. riverside-homecare.")],
    name: Annotated[str | None, typer.Option("--name", help="The service's name.")] = None,
    service_type: Annotated[
        ServiceType | None,
        typer.Option("--service-type", help="e.g. homecare, supported-living, residential."),
    ] = None,
    prefix: Annotated[
        str | None, typer.Option("--prefix", help="Id prefix for this tracker, e.g. MED.")
    ] = None,
    registered_manager: Annotated[
        str | None,
        typer.Option("--registered-manager", autocompletion=complete.people, metavar="PERSON"),
    ] = None,
    nominated_individual: Annotated[
        str | None,
        typer.Option("--nominated-individual", autocompletion=complete.people, metavar="PERSON"),
    ] = None,
    provider_representative: Annotated[
        str | None,
        typer.Option("--provider-representative", autocompletion=complete.people, metavar="PERSON"),
    ] = None,
    by: By = None,
    when: When = None,
    no_commit: NoCommit = False,
    as_of: AsOf = None,
) -> None:
    """Create a tracker for one service.

    Example:

    \b
        cqctrack new tracker riverside-homecare --name "Riverside Homecare" \\
            --service-type homecare --prefix MED \\
            --registered-manager mpatel --nominated-individual jreed
    """
    from cqctrack.write import create

    ask = Asking()
    fields = {
        "name": ask(name, "--name", "Service name"),
        "service_type": ask(service_type, "--service-type", "Service type"),
        "id_prefix": ask(prefix, "--prefix", "Id prefix (e.g. MED)"),
        "registered_manager": ask(registered_manager, "--registered-manager", "Registered manager"),
        "nominated_individual": ask(
            nominated_individual, "--nominated-individual", "Nominated individual"
        ),
        "provider_representative": provider_representative,
    }
    ask.done()
    fields["id_prefix"] = fields["id_prefix"].upper()
    run(
        ctx,
        as_of,
        no_commit,
        lambda rec: create.new_tracker(rec, slug, fields, by=by, when=_when(when)),
    )


@new_app.command("concern")
def new_concern(
    ctx: typer.Context,
    tracker: Annotated[
        str | None,
        typer.Option("--tracker", autocompletion=complete.trackers, help="Tracker slug."),
    ] = None,
    title: Annotated[
        str | None, typer.Option("--title", help="Short title of the concern.")
    ] = None,
    source: Annotated[
        ConcernSource | None,
        typer.Option("--source", help="Where it came from, e.g. internal-audit."),
    ] = None,
    summary: Annotated[str | None, typer.Option("--summary", help="The baseline issue.")] = None,
    statement: Annotated[
        list[str] | None,
        typer.Option("--statement", help="Quality statement id (repeat for more), e.g. S8."),
    ] = None,
    regulation: Annotated[
        list[str] | None,
        typer.Option("--regulation", help="Regulation number (repeat for more), e.g. 12."),
    ] = None,
    risk: Annotated[Risk | None, typer.Option("--risk", help="low, medium or high.")] = None,
    source_ref: Annotated[
        str | None, typer.Option("--source-ref", help="The report, notice or audit it came from.")
    ] = None,
    by: Annotated[
        str | None,
        typer.Option(
            "--by",
            metavar="PERSON",
            help="Who raised it (default: the person whose e-mail matches your git identity).",
            show_default=False,
        ),
    ] = None,
    when: Annotated[
        str | None,
        typer.Option(
            "--date",
            metavar="DATE",
            help="When it was raised (YYYY-MM-DD; default today).",
            show_default=False,
        ),
    ] = None,
    no_commit: NoCommit = False,
    as_of: AsOf = None,
) -> None:
    """Record a concern: the baseline issue actions respond to.

    Example:

    \b
        cqctrack new concern --tracker riverside-homecare --title "Gaps in MAR records" \\
            --source internal-audit --statement S8 --regulation 12 --risk high \\
            --summary "Missing signatures and unclear refusal recording"
    """
    from cqctrack.write import create

    ask = Asking()
    slug = ask(tracker, "--tracker", "Tracker")
    fields = {
        "title": ask(title, "--title", "Title"),
        "source": ask(source, "--source", "Source (e.g. internal-audit)"),
        "source_ref": source_ref,
        "raised": parse_date(when or as_of, "--date"),
        "summary": ask(summary, "--summary", "Summary"),
        "statements": ask(statement, "--statement", "Quality statement id"),
        "regulations": [int(r) if r.isdigit() else r.upper() for r in regulation or []],
        "risk": ask(risk, "--risk", "Risk (low, medium, high)"),
    }
    ask.done()
    fields["statements"] = _ids(fields["statements"])
    run(ctx, as_of, no_commit, lambda rec: create.new_concern(rec, slug, fields, by=by))


@new_app.command("measure")
def new_measure(
    ctx: typer.Context,
    concern: Annotated[
        str | None,
        typer.Option(
            "--concern", autocompletion=complete.concerns, help="The concern this target measures."
        ),
    ] = None,
    title: Annotated[str | None, typer.Option("--title", help="What is measured.")] = None,
    target: Annotated[
        float | None, typer.Option("--target", help="The target value, e.g. 95.")
    ] = None,
    unit: Annotated[
        str, typer.Option("--unit", help="percent, count, days, hours or rate.")
    ] = "percent",
    direction: Annotated[
        Direction, typer.Option("--direction", help="at-least or at-most.")
    ] = Direction.AT_LEAST,
    sustain: Annotated[
        int, typer.Option("--sustain", help="Consecutive periods the target must hold.")
    ] = 1,
    period: Annotated[
        Period, typer.Option("--period", help="weekly, monthly or quarterly.")
    ] = Period.MONTHLY,
    by: By = None,
    when: When = None,
    no_commit: NoCommit = False,
    as_of: AsOf = None,
) -> None:
    """Add a measurable improvement target to a concern.

    Example:

    \b
        cqctrack new measure --concern MED-C1 --title "Complete medicines records" \\
            --target 95 --sustain 3 --period monthly
    """
    from cqctrack.write import create

    ask = Asking()
    concern_id = ask(concern, "--concern", "Concern id")
    value = ask(target, "--target", "Target")
    fields = {
        "title": ask(title, "--title", "Title"),
        "unit": unit,
        "direction": direction,
        "target": None,
        "sustain": sustain,
        "period": period,
    }
    ask.done()
    fields["target"] = int(value) if float(value).is_integer() else value
    run(
        ctx,
        as_of,
        no_commit,
        lambda rec: create.new_measure(rec, concern_id, fields, by=by, when=_when(when)),
    )


@new_app.command("action")
def new_action(
    ctx: typer.Context,
    concern: Annotated[
        str | None,
        typer.Option(
            "--concern",
            autocompletion=complete.concerns,
            help="The concern this action responds to.",
        ),
    ] = None,
    title: Annotated[str | None, typer.Option("--title", help="What will be done.")] = None,
    owner: Annotated[
        str | None,
        typer.Option(
            "--owner", autocompletion=complete.people, metavar="PERSON", help="The named owner."
        ),
    ] = None,
    due: Annotated[
        str | None, typer.Option("--due", metavar="DATE", help="Deadline (YYYY-MM-DD).")
    ] = None,
    risk: Annotated[Risk | None, typer.Option("--risk", help="low, medium or high.")] = None,
    requires: Annotated[
        list[str] | None,
        typer.Option(
            "--requires",
            metavar="DESCRIPTION=KIND[,KIND]",
            help="An evidence requirement (repeat for more).",
        ),
    ] = None,
    outcome: Annotated[
        str | None,
        typer.Option("--outcome", help="The expected outcome: how you will know it worked."),
    ] = None,
    statement: Annotated[
        list[str] | None,
        typer.Option("--statement", help="Quality statement id (default: the concern's)."),
    ] = None,
    regulation: Annotated[
        list[str] | None,
        typer.Option("--regulation", help="Regulation number (default: the concern's)."),
    ] = None,
    detail: Annotated[
        str | None, typer.Option("--detail", help="More detail on the required correction.")
    ] = None,
    person_ref: Annotated[
        str | None,
        typer.Option(
            "--person-ref",
            help="Pseudonymous reference of a person affected, e.g. SU-0412. Never a name.",
        ),
    ] = None,
    staff_ref: StaffRefs = None,
    by: By = None,
    when: Annotated[
        str | None,
        typer.Option(
            "--date",
            metavar="DATE",
            help="When it was created (YYYY-MM-DD; default today).",
            show_default=False,
        ),
    ] = None,
    no_commit: NoCommit = False,
    as_of: AsOf = None,
) -> None:
    """Add an action with an owner, deadline, evidence requirements and expected outcome.

    Example:

    \b
        cqctrack new action --concern MED-C1 --title "Competency checks for repeat MAR errors" \\
            --owner tokafor --due 2026-10-31 --risk high \\
            --requires "Observed competency check per staff member=competency-assessment,observation" \\
            --outcome "No repeat omissions by the same staff member for three months"
    """
    from cqctrack.write import create

    ask = Asking()
    concern_id = ask(concern, "--concern", "Concern id")
    fields = {
        "title": ask(title, "--title", "Title"),
        "owner": ask(owner, "--owner", "Owner (person id)"),
        "due": ask(due, "--due", "Due date (YYYY-MM-DD)"),
        "risk": ask(risk, "--risk", "Risk (low, medium, high)"),
        "expected_outcome": ask(outcome, "--outcome", "Expected outcome"),
        "statements": _ids(statement or []),
        "regulations": [r.upper() for r in regulation or []],
        "detail": detail,
        "person_ref": person_ref,
        "staff_refs": list(staff_ref or []) or None,
        "created": parse_date(when or as_of, "--date"),
    }
    asked = ask(requires, "--requires", "Evidence requirement (DESCRIPTION=KIND)")
    ask.done()
    fields["due"] = parse_date(fields["due"], "--due")
    specs = [create.parse_requirement(r) for r in _listed(asked)]
    run(
        ctx,
        as_of,
        no_commit,
        lambda rec: create.new_action(rec, concern_id, specs, fields, by=by),
    )


def register(app: typer.Typer) -> None:
    app.command()(init)
    app.add_typer(new_app, name="new")
