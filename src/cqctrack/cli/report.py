"""`cqctrack report`: the meeting pack (PDF, HTML, Markdown or JSON), and `report verify`."""

from __future__ import annotations

import re
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cqctrack.cli._options import TrackerFilter, parse_date, state
from cqctrack.errors import EXIT_FOUND, InvalidInput

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import date

    from cqctrack.format.pack import Build, Pack
    from cqctrack.read.pack import Period


class PackFormat(StrEnum):
    PDF = "pdf"
    HTML = "html"
    MD = "md"
    JSON = "json"


class Audience(StrEnum):
    PROVIDER = "provider"
    COMMISSIONER = "commissioner"


report_app = typer.Typer(
    help="Build the meeting pack: PDF, HTML, Markdown or JSON.",
    invoke_without_command=True,
    no_args_is_help=False,
)


@report_app.callback()
def report(
    ctx: typer.Context,
    output_format: Annotated[
        PackFormat, typer.Option("--format", "-f", help="pdf, html, md or json.")
    ] = PackFormat.PDF,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            help="Where to write the pack (default: from the provider and period, e.g. "
            "riverside-care-ltd-2026-11.pdf).",
            show_default=False,
        ),
    ] = None,
    period_text: Annotated[
        str | None,
        typer.Option(
            "--period",
            metavar="PERIOD",
            help="A month (2026-11) or quarter (2026-Q4); default the last complete month.",
            show_default=False,
        ),
    ] = None,
    since: Annotated[
        str | None,
        typer.Option("--since", metavar="DATE", help="Start of the period.", show_default=False),
    ] = None,
    until: Annotated[
        str | None,
        typer.Option("--until", metavar="DATE", help="End of the period.", show_default=False),
    ] = None,
    tracker: TrackerFilter = None,
    repos: Annotated[
        list[Path] | None,
        typer.Option(
            "--repo",
            metavar="PATH",
            help="A repository to include; give it more than once for one pack across several "
            "(default: the current one).",
            show_default=False,
        ),
    ] = None,
    audience: Annotated[
        Audience,
        typer.Option(
            "--audience",
            help="provider (everything) or commissioner (no person or staff references, "
            "no internal notes).",
        ),
    ] = Audience.PROVIDER,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            metavar="DATE",
            help="Judge as at DATE (default: the end of the period, or today if sooner).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Build the meeting pack for a period: summary, what needs attention, closures and
    their evidence, extensions, targets and trends, the governance record, quality
    statement coverage and the register.

    Examples:

    \b
        cqctrack report --period 2026-11
        cqctrack report --format html --audience commissioner --output november.html
        cqctrack report --repo ../riverside --repo ../oakfield --period 2026-Q4
        cqctrack report verify riverside-care-ltd-2026-11.pdf
    """
    if ctx.invoked_subcommand is not None:
        return
    from datetime import date

    from cqctrack.read import pack as core

    today = date.today()
    when = core.period(
        period_text,
        parse_date(since, "--since") if since else None,
        parse_date(until, "--until") if until else None,
        today,
    )
    day = parse_date(as_of) if as_of else min(today, when.end)
    roots = _roots(ctx, repos)
    with _progress(core.BUILD_STEPS + 1, "building the pack") as step:
        built = build_pack(
            ctx,
            roots,
            when,
            day,
            audience.value,
            tuple(tracker or ()),
            output_format.value,
            progress=step,
        )
        target = output or Path(_default_name(built, when.slug, output_format.value))
        step(f"rendering the {output_format.value.upper()}")
        _write(target, render(built))
    typer.echo(
        f"Wrote {target} ({built.period}, as of {built.as_of.isoformat()}, {len(built.appendix)} actions)"
    )


def _roots(ctx: typer.Context, repos: list[Path] | None) -> list[Path]:
    from cqctrack.cli._options import State

    if not repos:
        return [state(ctx).root()]
    out = []
    for repo in repos:
        root = State(repo=repo, debug=False).root()
        if root in out:
            raise InvalidInput(f"--repo {repo}: given twice")
        out.append(root)
    return out


def build_pack(
    ctx: typer.Context,
    roots: list[Path],
    when: Period,
    day: date,
    audience: str,
    trackers: tuple[str, ...],
    fmt: str,
    commits: list[str | None] | None = None,
    progress: Callable[[str], None] = lambda _label: None,
) -> Pack:
    """Read each repository as committed by the end of `day` (or at `commits`, to verify a
    pack) from git objects, so uncommitted edits never reach a pack, and build it."""
    from cqctrack.format.layout import CONFIG_FILE, TRACKERS_DIR
    from cqctrack.format.pack import Source
    from cqctrack.git import repository, run
    from cqctrack.read import at as read_at
    from cqctrack.read import pack as core
    from cqctrack.read import review

    st = state(ctx)
    workspaces, sources = [], []
    for index, root in enumerate(roots):
        caches = st.caches(root)
        if repository.scope(root) is None:
            ws = review.load(root, day, caches, git=False)
            commit: str | None = None
        else:
            wanted = commits[index] if commits else None
            point = (
                read_at.At(wanted, day, wanted)
                if wanted is not None
                else read_at.resolve(root, day.isoformat())
            )
            ws = review.load(root, day, caches, at=point)
            commit = point.sha
            if commits is None and run.uncommitted(root, TRACKERS_DIR, CONFIG_FILE):
                typer.echo(
                    f"note: {root.name} has uncommitted changes to its trackers; the pack shows "
                    "what is committed",
                    err=True,
                )
        assert ws.snap.config is not None  # review.load refuses a repository without one
        sources.append(
            Source(
                name=root.name,
                provider=ws.snap.config.provider,
                commit=commit,
                clean=commit is not None,
            )
        )
        workspaces.append(ws)
    known = {slug for ws in workspaces for slug in ws.snap.trackers}
    known |= {f"{ws.root.name}/{slug}" for ws in workspaces for slug in ws.snap.trackers}
    for slug in trackers:
        if slug not in known:
            raise InvalidInput(
                f"--tracker {slug}: there is no such tracker",
                hint="trackers: " + ", ".join(sorted(known)),
            )
    command = _command(when, day, audience, trackers, fmt, roots)
    return core.build(
        workspaces,
        when,
        audience=audience,  # type: ignore[arg-type]
        trackers=trackers,
        fmt=fmt,  # type: ignore[arg-type]
        command=command,
        sources=sources,
        progress=progress,
    )


def _command(
    when: Period, day: date, audience: str, trackers: tuple[str, ...], fmt: str, roots: list[Path]
) -> str:
    words = ["cqctrack", "report", "--format", fmt]
    if when.slug == f"{when.start.year}-{when.start.month:02d}":
        words += ["--period", when.slug]
    else:
        words += ["--since", when.start.isoformat(), "--until", when.end.isoformat()]
    words += ["--as-of", day.isoformat(), "--audience", audience]
    for slug in trackers:
        words += ["--tracker", slug]
    if len(roots) > 1:
        for root in roots:
            words += ["--repo", root.name]
    return " ".join(words)


def render(built: Pack) -> bytes:
    fmt = built.build.format
    if fmt == "pdf":
        from cqctrack.reports.pack import pdf

        return pdf.render(built)
    if fmt == "html":
        from cqctrack.reports.pack import html

        return html.render(built).encode("utf-8")
    if fmt == "md":
        from cqctrack.reports.pack import markdown

        return markdown.render(built).encode("utf-8")
    return (built.model_dump_json(indent=2, by_alias=True) + "\n").encode("utf-8")


def _default_name(built: Pack, slug: str, fmt: str) -> str:
    provider = re.sub(r"[^a-z0-9]+", "-", built.provider.lower()).strip("-") or "provider"
    suffix = "" if built.audience == "provider" else "-commissioner"
    return f"{provider}-{slug}{suffix}.{fmt}"


def _write(target: Path, data: bytes) -> None:
    from cqctrack.write.document import atomic_write

    try:
        atomic_write(target.resolve(), data)
    except OSError as err:
        raise InvalidInput(f"--output {target}: cannot write it ({err.strerror})") from None


class _progress:
    """A progress bar on stderr while a pack builds or renders: only on a terminal.

    Each call of the step function starts the next of `steps` steps; the bar shows the
    step's name, how many are done and the time taken so far.
    """

    def __init__(self, steps: int, what: str) -> None:
        self._steps, self._what = steps, what

    def __enter__(self) -> Callable[[str], None]:
        if not sys.stderr.isatty():
            return lambda _label: None
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
        )

        self._bar = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=Console(stderr=True),
            transient=True,
        )
        self._bar.start()
        task = self._bar.add_task(self._what, total=self._steps)
        started = 0

        def step(label: str) -> None:
            nonlocal started
            self._bar.update(
                task, completed=min(started, self._steps), description=f"{self._what}: {label}"
            )
            self._bar.refresh()  # draw every step, however quickly the next follows
            started += 1

        return step

    def __exit__(self, *exc: object) -> None:
        bar = getattr(self, "_bar", None)
        if bar is not None:
            bar.stop()


@report_app.command("verify")
def verify(
    ctx: typer.Context,
    pack_file: Annotated[
        Path,
        typer.Argument(metavar="PACK", help="A pack cqctrack built (PDF, HTML, Markdown or JSON)."),
    ],
) -> None:
    """Rebuild a pack from the commit and options recorded in it, and say whether it matches.

    A printed or e-mailed pack can be traced back to the record: if the rebuild gives the
    same bytes, the pack is exactly what the tracker said at that commit.

    Example:

        cqctrack report verify riverside-care-ltd-2026-11.pdf
    """
    from cqctrack.read import pack as core
    from cqctrack.reports.pack import read_mark

    try:
        content = pack_file.read_bytes()
    except OSError as err:
        raise InvalidInput(f"{pack_file}: cannot read it ({err.strerror})") from None
    build = _recorded(content, read_mark)
    roots = _verify_roots(ctx, build)
    when = core.between(build.period_start, build.period_end)
    recorded = [s.commit for s in build.sources]
    with _progress(core.BUILD_STEPS + 1, "rebuilding the pack") as step:
        built = build_pack(
            ctx,
            roots,
            when,
            build.as_of,
            build.audience,
            tuple(build.trackers),
            build.format,
            recorded,
            progress=step,
        )
        step(f"rendering the {build.format.upper()}")
        rebuilt = render(built)
    commits = ", ".join(
        f"{s.name} at {s.commit[:8] if s.commit else 'no commit'}" for s in build.sources
    )
    if rebuilt == content:
        typer.echo(f"{pack_file}: matches a fresh build from {commits} ({build.command})")
        return
    typer.echo(
        f"{pack_file}: does NOT match a fresh build from {commits}; it was changed after it was built, or built from uncommitted files",
        err=True,
    )
    raise typer.Exit(EXIT_FOUND)


def _recorded(content: bytes, read_mark: Callable[[bytes], Build | None]) -> Build:
    found = read_mark(content)
    if found is None:
        raise InvalidInput("this file carries no cqctrack build record, so it cannot be verified",
                           hint="only packs made by `cqctrack report` can be verified")  # fmt: skip
    return found


def _verify_roots(ctx: typer.Context, build: Build) -> list[Path]:
    """The repositories a pack was built from: here, or beside it by name for a group's."""
    here = state(ctx).root()
    roots = [here] if len(build.sources) == 1 else [here.parent / s.name for s in build.sources]
    for root, source in zip(roots, build.sources, strict=True):
        if source.commit is None:
            raise InvalidInput(
                f"the pack was built from files in {source.name} outside git, so it cannot be "
                "traced to a commit and rebuilt",
            )
        if not root.is_dir():
            raise InvalidInput(
                f"the pack was built from a repository named {source.name}, which is not at {root}",
                hint="run `cqctrack report verify` beside the group's repositories",
            )
    return roots


def register(app: typer.Typer) -> None:
    app.add_typer(report_app, name="report")
