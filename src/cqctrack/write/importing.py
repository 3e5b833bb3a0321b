"""`cqctrack import`: bring an action plan kept in a spreadsheet into a tracker, in one commit.

The plan is read (`write/plan/`), every row validated, and the files it would
create built and checked: against the models, and by every `check` rule run on
the repository as it would be. Nothing is written unless every row is sound, or
`--skip-invalid` leaves out the rows that are not (and the report lists them).
Then every new file is written and committed together (`Recorder.create_many`).

What an import decides, so that nothing a plan says is silently trusted:

- each action records the row it came from (`imported:` file, sheet, row, the
  plan's own status text and RAG colour, when and by whom it was imported);
- a row the plan marks complete is imported closed only when the closure rule
  holds for it (evidence for every requirement, kept as document references, and
  a verifier the plan names, or `--verified-by`, who may verify and is not the
  owner); its closure is marked `imported: true`, which the review rates Amber
  until someone confirms it. Otherwise it is imported awaiting verification (or in
  progress, with no evidence) and the report says why;
- rows the plan marks cancelled are not imported (there is no one on record who
  approved the cancellation); the report lists them;
- each distinct issue ("Item to be rectified") becomes a concern; rows with no
  issue share one concern per sheet and section, unless `--concern` names one.
"""

from __future__ import annotations

import marshal
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from cqctrack.errors import InvalidInput, InvalidRepository, UnknownId
from cqctrack.findings import Finding, Severity
from cqctrack.format import models, records
from cqctrack.format.catalogue import load_catalogue
from cqctrack.format.grid import Workbook
from cqctrack.format.layout import item_file
from cqctrack.format.mapping import Mapping, normalise
from cqctrack.format.snapshot import Actions, Lazy, Snapshot, Source
from cqctrack.format.vocab import ConcernSource, Status
from cqctrack.rules import closure as closure_rule
from cqctrack.rules.context import RuleContext
from cqctrack.store import files
from cqctrack.store.load import index_of
from cqctrack.wording import count, ranges
from cqctrack.write import edits
from cqctrack.write.plan import values
from cqctrack.write.plan.layout import KEY_SHEETS, Layout, find_layout, read_key
from cqctrack.write.plan.people import Register
from cqctrack.write.plan.result import ImportResult, NewAction, NewConcern, SheetResult
from cqctrack.write.plan.rows import Context, Proposal, finding, highest, read_rows
from cqctrack.write.session import Outcome, Recorder


@dataclass(frozen=True)
class Options:
    tracker: str
    concern: str | None = None  # --concern: every action goes under this concern
    statements: tuple[str, ...] = ()  # --statement: for rows that name none
    source: ConcernSource | None = None  # --source: where the concerns came from
    verified_by: str | None = None  # --verified-by: who signed off completed rows
    by: str | None = None  # --by: who is importing
    skip_invalid: bool = False


# --- planning -------------------------------------------------------------------------


def plan(
    rec: Recorder,
    workbook: Workbook,
    mapping: Mapping,
    options: Options,
    progress: Callable[[int, int], None] | None = None,
) -> ImportResult:
    """Everything the import would do, checked; nothing is written."""
    snap = rec.snap
    tracker = snap.trackers.get(options.tracker)
    if tracker is None:
        raise UnknownId(
            f"--tracker {options.tracker}: there is no such tracker",
            hint="trackers here: "
            + (", ".join(sorted(snap.trackers)) or "none yet")
            + "; create one with `cqctrack new tracker`",
        )
    broken = sorted(
        {
            f.path
            for f in snap.findings
            if f.severity is Severity.ERROR
            and f.path
            and f.path.startswith(f"trackers/{options.tracker}/")
        }
    )
    if broken:
        # New ids are the next free ones; a file that cannot be read may hold one of them.
        raise InvalidRepository(
            f"tracker {options.tracker} has files that cannot be read, so new ids cannot be "
            "chosen safely",
            details=broken[:10],
            hint="run `cqctrack check` to see why and fix them first",
        )
    importer = rec.person(options.by, "--by")
    catalogue = load_catalogue()
    framework = snap.framework_for(options.tracker)
    for ref in options.statements:
        lookup = catalogue.statement(ref, framework)
        if lookup.error:
            raise InvalidInput(f"--statement {ref}: {lookup.error}", hint=lookup.hint)
    verifier = rec.person(options.verified_by, "--verified-by") if options.verified_by else None
    if options.concern is not None:
        _existing_concern(rec, options.concern.upper(), options.tracker)
    for written, person in mapping.file.people.items():
        if person not in snap.people:
            raise InvalidInput(
                f"{mapping.name or 'the mapping file'}: people: {written!r} maps to {person}, "
                "who is not in the people register",
                hint="people: " + ", ".join(snap.people),
            )
    register = Register(snap.people, tracker, mapping.people)
    result = ImportResult(
        workbook, options.tracker, tracker.name, importer, rec.today, mapping.name
    )
    key: dict[str, str] = {}
    for sheet in workbook.sheets:
        if sheet.name is not None and normalise(sheet.name) in KEY_SHEETS:
            key.update(read_key(sheet))
    ctx = Context(
        workbook.file,
        mapping,
        register,
        catalogue,
        framework,
        rec.today,
        options.statements,
        verifier,
        key,
    )
    proposals = _read_sheets(workbook, mapping, ctx, result)
    result.cancelled = [p for p in proposals if p.cancelled]
    for proposal in result.cancelled:
        proposal.findings.append(
            finding(
                ctx,
                "import-cancelled",
                f"marked '{proposal.status_text}' in the plan: not imported "
                "(no one is on record as approving the cancellation)",
                proposal.origin,
                severity=Severity.WARNING,
            )
        )
    proposals = [p for p in proposals if not p.cancelled]
    result.already = _already_imported(rec, proposals, options.tracker, ctx)
    proposals = [p for p in proposals if p not in result.already]
    _build(rec, result, proposals, options, ctx, progress)
    if options.skip_invalid:
        invalid = [p for p in proposals if p.errors]
        if invalid:
            result.skipped = invalid
            _build(rec, result, [p for p in proposals if not p.errors], options, ctx, progress)
    seen: set[Finding] = set()
    findings = list(result.findings)
    for proposal in [*proposals, *result.cancelled, *result.already]:
        for f in proposal.findings:
            if f not in seen:
                seen.add(f)
                findings.append(f)
    result.findings = sorted(findings, key=_order(workbook))
    return result


def _already_imported(
    rec: Recorder, proposals: list[Proposal], slug: str, ctx: Context
) -> list[Proposal]:
    """Rows this tracker holds already: imported from the same file, sheet and row before,
    or (from a cqctrack export) an action of the same id and title. Importing a plan twice
    must not make every action twice."""
    snap = rec.snap
    rows: dict[tuple[str, str | None, int, int | None], str] = {}
    mine = [a for a in snap.actions if snap.tracker_of(a) == slug]
    for action_id in mine:
        action = snap.actions[action_id]
        if action.imported is not None:
            key = (
                action.imported.file,
                action.imported.sheet,
                action.imported.row,
                action.imported.part,
            )
            rows[key] = action_id
    out = []
    for proposal in proposals:
        origin = proposal.origin
        found = rows.get((ctx.file, origin.sheet, origin.row, origin.part))
        how = f"imported before, as {found}" if found else ""
        ref = (proposal.ref or "").strip().upper()
        same = ref in snap.actions and snap.tracker_of(ref) == slug
        if not found and same and snap.actions[ref].title == proposal.title:
            found, how = ref, f"{ref} is already in the tracker"
        if found:
            proposal.findings.append(
                finding(
                    ctx,
                    "import-already-imported",
                    f"{how}: not imported again",
                    origin,
                    severity=Severity.WARNING,
                )
            )
            out.append(proposal)
    return out


def _order(workbook: Workbook) -> Callable[[Finding], tuple[int, int, int, str]]:
    sheets = {s.name: i for i, s in enumerate(workbook.sheets)}

    def key(f: Finding) -> tuple[int, int, int, str]:
        return (sheets.get(f.subject, -1), f.line or 0, f.column or 0, f.code)

    return key


def _existing_concern(rec: Recorder, concern_id: str, slug: str) -> records.Concern:
    concern = rec.snap.concerns.get(concern_id)
    if concern is None or rec.snap.tracker_of(concern_id) != slug:
        mine = [c for c in rec.snap.concerns if rec.snap.tracker_of(c) == slug]
        raise UnknownId(
            f"--concern {concern_id}: there is no such concern in tracker {slug}",
            hint="concerns in it: " + (", ".join(mine) or "none yet"),
        )
    found: records.Concern = concern
    return found


def _read_sheets(
    workbook: Workbook, mapping: Mapping, ctx: Context, result: ImportResult
) -> list[Proposal]:
    wanted = mapping.sheets
    names = {normalise(s.name) for s in workbook.sheets if s.name is not None}
    for name in mapping.file.sheets or []:
        if normalise(name) not in names:
            raise InvalidInput(
                f"{mapping.name or 'the mapping file'}: sheets: there is no sheet {name!r} "
                f"in {workbook.file}",
                hint="sheets: " + ", ".join(repr(s.name) for s in workbook.sheets),
            )
    exported = wanted is None and _is_export(workbook)
    # From a cqctrack export, the sheet of the tracker being imported into (when the export
    # has one by its name), else the Register: each tracker's sheet repeats Register rows.
    own = normalise(result.tracker_name[:31])
    chosen = own if own in names else "register"
    proposals: list[Proposal] = []
    for sheet in workbook.sheets:
        label = normalise(sheet.name) if sheet.name is not None else None
        if exported and label != chosen:
            why = "cqctrack's notes" if label == "about" else "other rows of the register"
            result.sheets.append(SheetResult(sheet.name, None, f"{why}, in a cqctrack export"))
            continue
        if wanted is not None and label not in wanted:
            result.sheets.append(SheetResult(sheet.name, None, "not listed in the mapping file"))
            continue
        if label in KEY_SHEETS:
            result.sheets.append(SheetResult(sheet.name, None, "a colour key"))
            continue
        if sheet.hidden:
            result.sheets.append(SheetResult(sheet.name, None, "hidden"))
            continue
        layout = find_layout(sheet, mapping)
        if layout is None:
            why = "empty" if not sheet.rows else "no action plan headings found"
            result.sheets.append(SheetResult(sheet.name, None, why))
            if sheet.rows:
                result.findings.append(
                    finding(
                        ctx,
                        "import-no-headings",
                        f"{sheet.label}: no row of headings names an action and one other "
                        "field, so it was not read",
                        None,
                        severity=Severity.WARNING,
                        hint="give its headings in a mapping file (columns:, header_row:)",
                        sheet=sheet.name,
                    )
                )
            continue
        result.sheets.append(SheetResult(sheet.name, layout))
        result.findings += _layout_findings(layout, ctx)
        found = read_rows(layout, ctx)
        result.findings += _green_note(found, layout, ctx)
        proposals += found
    if not proposals and not result.errors:
        result.findings.append(
            finding(
                ctx,
                "import-missing",
                f"{workbook.file} holds no actions cqctrack can find",
                None,
                hint="check the headings (an action column is needed), or give them in a "
                "mapping file",
            )
        )
    return proposals


def _green_note(proposals: list[Proposal], layout: Layout, ctx: Context) -> list[Finding]:
    """Plans disagree on whether green means done; say how it was read when it mattered."""
    said = {normalise(k) for k in ctx.mapping.file.status} | set(ctx.key) | set(layout.key)
    greens = [p for p in proposals if p.rag == "green" and p.status_text is None]
    if not greens or "green" in said:
        return []
    return [
        finding(
            ctx,
            "import-colour-read",
            f"green was read as on track, so {count(len(greens), 'action')} rated green "
            f"{'is' if len(greens) == 1 else 'are'} imported in progress",
            None,
            severity=Severity.INFO,
            hint="if green means complete in this plan, say so in a mapping file: "
            "status: {green: closed}",
            sheet=layout.sheet.name,
        )
    ]


def _is_export(workbook: Workbook) -> bool:
    """A workbook `cqctrack export` wrote: its tracker sheets repeat the Register's rows."""
    names = {s.name: s for s in workbook.sheets}
    about = names.get("About")
    return (
        "Register" in names
        and about is not None
        and about.cell(1, 1).text.startswith("cqctrack export")
    )


def _layout_findings(layout: Layout, ctx: Context) -> list[Finding]:
    out = []
    sheet = layout.sheet
    for column in layout.columns:
        if column.field is None and any(
            sheet.cell(r.row, column.number).text for r in layout.rows if r.kind == "action"
        ):
            heading = f" ({column.heading})" if column.heading else ""
            out.append(
                Finding(
                    code="import-column-ignored",
                    message=f"column {column.letter}{heading} is not imported: {column.why}",
                    severity=Severity.INFO,
                    path=ctx.file,
                    column=column.number,
                    loc=(sheet.name or "", column.heading),
                    subject=sheet.name,
                )
            )
    return out


# --- building the files ----------------------------------------------------------------


def _build(
    rec: Recorder,
    result: ImportResult,
    proposals: list[Proposal],
    options: Options,
    ctx: Context,
    progress: Callable[[int, int], None] | None = None,
) -> None:
    """Give the proposals ids, make their files, and check them as `check` would."""
    snap = rec.snap
    slug = options.tracker
    prefix = snap.trackers[slug].id_prefix
    for proposal in proposals:
        proposal.findings = [f for f in proposal.findings if f.code != "import-invalid"]
        proposal.findings = [f for f in proposal.findings if f.code != "import-not-closed"]
    result.concerns, result.actions, result.files, result.notes = [], [], [], []
    concerns = _group(rec, proposals, options, ctx)
    next_concern = _next_number(snap, rf"^{re.escape(prefix)}-C(\d+)$")
    next_action = _next_number(snap, rf"^{re.escape(prefix)}-(\d+)$")
    for group in concerns:
        if not group.existing:
            group.id = f"{prefix}-C{next_concern}"
            next_concern += 1
        result.concerns.append(group)
        for proposal in group.proposals:
            action_id = f"{prefix}-{next_action:03d}"
            next_action += 1
            result.actions.append(NewAction(action_id, proposal, group.id, proposal.status))
    checking = RuleContext(snap, ctx.catalogue, files.checker(rec.root), rec.today)
    models_by_id: dict[str, tuple[str, Any]] = {}
    sound: set[str] = set()  # concerns with at least one action that reads without errors
    for done, new in enumerate(result.actions, start=1):
        if progress is not None:
            progress(done, len(result.actions))
        # A row with problems already is shown but not made into a file: what is
        # wrong with it is said once, in the words of the sheet, not again by the model.
        broken = bool(new.proposal.errors)
        data = _action_data(new, result, ctx, checking)
        rel = item_file(slug, "action", new.id)
        new.rel = rel
        if broken:
            continue
        text = edits.new_file_text("action", 3, data)
        model = _validated(rel, models.Action, text, new.proposal, ctx)
        if model is not None:
            models_by_id[new.id] = ("action", model)
            sound.add(new.concern)
        result.files.append((rel, models.Action, text))
    for group in result.new_concerns:
        if group.id not in sound:
            continue
        data = _concern_data(group, result, options, ctx)
        rel = item_file(slug, "concern", group.id)
        text = edits.new_file_text("concern", 3, data)
        model = _validated(rel, models.Concern, text, None, ctx)
        if model is None:  # only from a bug: a concern is made from already-valid actions
            raise InvalidInput(f"{rel}: the concern built from the plan is invalid")
        models_by_id[group.id] = ("concern", model)
        result.files.append((rel, models.Concern, text))
    _check(rec, result, models_by_id, ctx)


def _group(
    rec: Recorder, proposals: list[Proposal], options: Options, ctx: Context
) -> list[NewConcern]:
    snap = rec.snap
    slug = options.tracker
    mine = {
        normalise(snap.concerns[c].title): c for c in snap.concerns if snap.tracker_of(c) == slug
    }
    groups: dict[tuple[str, ...], NewConcern] = {}
    for proposal in proposals:
        if options.concern is not None:
            concern_id = options.concern.upper()
            key: tuple[str, ...] = ("id", concern_id)
            title, existing = snap.concerns[concern_id].title, True
        elif (
            proposal.concern_id
            and proposal.concern_id in snap.concerns
            and (snap.tracker_of(proposal.concern_id) == slug)
        ):
            concern_id = proposal.concern_id
            key, title, existing = ("id", concern_id), snap.concerns[concern_id].title, True
        elif proposal.concern_text:
            norm = normalise(proposal.concern_text)
            if norm in mine:
                concern_id = mine[norm]
                key, title, existing = ("id", concern_id), snap.concerns[concern_id].title, True
            else:
                concern_id = ""
                key, existing = ("text", norm), False
                title = values.short_title(proposal.concern_text, 100)[0]
        else:
            sheet = proposal.origin.sheet
            key = ("none", sheet or "", proposal.section or "")
            where = ", ".join(x for x in (sheet, proposal.section) if x)
            title = f"Actions imported from {ctx.file}" + (f" ({where})" if where else "")
            concern_id, existing = "", False
        group = groups.get(key)
        if group is None:
            group = groups[key] = NewConcern(concern_id, title, existing)
        group.proposals.append(proposal)
    return list(groups.values())


def _next_number(snap: Snapshot, pattern: str) -> int:
    found = re.compile(pattern)
    taken = [int(m.group(1)) for i in snap.sources if (m := found.match(i))]
    return max(taken, default=0) + 1


def _created(proposal: Proposal, today: date) -> date:
    """When the action began: the plan's date raised, else the import; never after a date
    the row holds (an action due, or done, before the import began before it)."""
    dates = [proposal.created or today]
    dates += [d for d in (proposal.due, proposal.completed) if d is not None]
    dates += [e.day for e in proposal.evidence if e.day is not None]
    return min(dates)


def _action_data(
    new: NewAction, result: ImportResult, ctx: Context, checking: RuleContext
) -> dict[str, Any]:
    proposal, today, importer = new.proposal, result.today, result.importer
    created = _created(proposal, today)
    requirements = [
        {"id": f"R{n}", "description": description, "kinds": list(kinds)}
        for n, (description, kinds) in enumerate(proposal.requirements, start=1)
    ]
    ids = [r["id"] for r in requirements]
    closing = proposal.status is Status.CLOSED
    closed_on = proposal.completed or today
    evidence = []
    for n, spec in enumerate(proposal.evidence, start=1):
        satisfies = [s for s in spec.satisfies if s in ids] or ids
        evidence.append(
            {
                "id": f"E{n}",
                "satisfies": satisfies,
                "kind": spec.kind,
                "document": spec.document,
                "date": spec.day or (closed_on if closing else today),
                "added_by": importer,
                "summary": spec.summary,
            }
        )
    data: dict[str, Any] = {
        "id": new.id,
        "title": proposal.title,
        "concern": new.concern,
        "detail": proposal.detail,
        "statements": list(proposal.statements),
        "regulations": [int(r) if r.isdigit() else r for r in proposal.regulations],
        "owner": proposal.owner,
        "risk": proposal.risk,
        "created": created,
        "due": proposal.due,
        "status": proposal.status,
        "evidence_required": requirements,
        "expected_outcome": proposal.expected_outcome,
        "progress": [{"date": today, "by": importer, "note": proposal.progress}]
        if proposal.progress
        else None,
        "evidence": evidence or None,
    }
    if closing:
        outcome = proposal.closure_outcome or _said(proposal)
        closure = {
            "date": closed_on,
            "verified_by": proposal.verified_by,
            "outcome": outcome,
            "imported": True,
        }
        gaps = _closure_gaps(data, closure, checking)
        if gaps:
            data["status"] = Status.AWAITING_VERIFICATION if evidence else Status.IN_PROGRESS
            proposal.findings.append(
                finding(
                    ctx,
                    "import-not-closed",
                    f"marked {_said(proposal, short=True)} in the plan, but it cannot be closed: "
                    + "; ".join(gaps)
                    + f"; imported as {data['status']}",
                    proposal.origin,
                    severity=Severity.WARNING,
                    hint="verify it in cqctrack (`cqctrack close`) once the conditions are met",
                )
            )
        else:
            data["closure"] = closure
    new.status = Status(data["status"])
    data["imported"] = {
        "file": result.workbook.file,
        "sheet": proposal.origin.sheet,
        "row": proposal.origin.row,
        "part": proposal.origin.part,
        "ref": proposal.ref,
        "section": proposal.section,
        "status": proposal.status_text,
        "rag": proposal.rag,
        "date": today,
        "by": importer,
    }
    return data


def _said(proposal: Proposal, *, short: bool = False) -> str:
    """What the plan said of a completed row: 'Complete', 'Blue'."""
    words = [w for w in (proposal.status_text, proposal.rag and proposal.rag.capitalize()) if w]
    said = " / ".join(dict.fromkeys(words)) or "complete"
    return f"'{said}'" if short else f"Marked {said} in the imported plan"


def _closure_gaps(data: dict[str, Any], closure: dict[str, Any], ctx: RuleContext) -> list[str]:
    """Why the closure rule refuses a completed row's closure, in its own words."""
    if closure["verified_by"] is None:
        return [
            "the plan names no one who verified it (add a 'Verified by' column, or give --verified-by)"
        ]
    trial = {**data, "closure": closure}
    try:
        record = records.decode("action", _plain(trial))
    except Exception:
        return []  # the file is invalid anyway; validation says why
    return [gap.message for gap in closure_rule.closure_gaps(record, record.closure, ctx)]


def _plain(value: Any) -> Any:
    """Data as YAML would give it back: dates as text, enums as their values, no Nones."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items() if v is not None}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    if hasattr(value, "value") and isinstance(value.value, str):
        return value.value
    return value


def _concern_data(
    group: NewConcern, result: ImportResult, options: Options, ctx: Context
) -> dict[str, Any]:
    proposals = group.proposals
    first = proposals[0]
    statements = list(dict.fromkeys(s for p in proposals for s in p.statements))
    regulations = list(dict.fromkeys(r for p in proposals for r in p.regulations))
    rows = sorted({(p.origin.sheet or "", p.origin.row) for p in proposals})
    where = _rows_text(rows)
    source = options.source or ctx.mapping.defaults.source or ConcernSource.INSPECTION_FEEDBACK
    return {
        "id": group.id,
        "title": group.title,
        "source": source,
        "source_ref": f"Imported from {ctx.file}, {where}",
        "raised": min(_created(p, result.today) for p in proposals),
        "raised_by": result.importer,
        "summary": first.concern_text or group.title,
        "statements": statements,
        "regulations": [int(r) if r.isdigit() else r for r in regulations],
        "risk": highest([p.risk for p in proposals]),
    }


def _rows_text(rows: list[tuple[str, int]]) -> str:
    """'sheet Must do, rows 4-6 and 9' for a concern's source."""
    parts = []
    for sheet in dict.fromkeys(s for s, _ in rows):
        numbers = [n for s, n in rows if s == sheet]
        text = ranges(numbers)
        label = "row" if len(numbers) == 1 else "rows"
        parts.append((f"sheet {sheet}, " if sheet else "") + f"{label} {text}")
    return "; ".join(parts)


def _validated(
    rel: str, model: type[Any], text: str, proposal: Proposal | None, ctx: Context
) -> Any:
    from pydantic import ValidationError

    from cqctrack.format import dialect, explain

    try:
        return model.model_validate(dialect.parse(text.encode("utf-8")))
    except ValidationError as err:
        if proposal is None:
            return None
        for problem in explain.findings_from(err, rel, model):
            proposal.findings.append(
                finding(ctx, "import-invalid", problem.message, proposal.origin, hint=problem.hint)
            )
        return None


def _check(
    rec: Recorder, result: ImportResult, made: dict[str, tuple[str, Any]], ctx: Context
) -> None:
    """Run every `check` rule on the repository as the import would leave it."""
    from cqctrack.rules.checks import run_checks

    snap = rec.snap
    trial = Snapshot(
        root=snap.root,
        config=snap.config,
        trackers=snap.trackers,
        sources=dict(snap.sources),
        file_count=snap.file_count,
    )
    trial.concerns = _copy(snap.concerns, Lazy(records.Concern))
    trial.measures = snap.measures
    actions = Actions()
    actions.blobs.update(snap.actions.blobs)
    actions.index.update(snap.actions.index)
    trial.actions = actions
    for item_id, (kind, model) in made.items():
        plain = records.plain(kind, model)
        blob = marshal.dumps(plain)
        folder = "actions" if kind == "action" else "concerns"
        trial.sources[item_id] = Source(
            f"trackers/{result.tracker}/{folder}/{item_id}.yaml", result.tracker
        )
        if kind == "action":
            actions.blobs[item_id] = blob
            actions.index[item_id] = index_of(plain)
        else:
            trial.concerns.blobs[item_id] = blob
    checking = RuleContext(trial, ctx.catalogue, files.checker(rec.root), rec.today)
    by_action = {a.id: a for a in result.actions}
    by_concern = {c.id: c for c in result.new_concerns}
    for found in run_checks(checking):
        if found.subject in by_action:
            proposals = [by_action[found.subject].proposal]
        elif found.subject in by_concern:
            proposals = by_concern[found.subject].proposals
        else:
            continue
        if found.severity is not Severity.ERROR:
            result.notes.append(found)
            continue
        for proposal in proposals:
            proposal.findings.append(
                finding(ctx, "import-invalid", found.message, proposal.origin, hint=found.hint)
            )


def _copy(source: Lazy, target: Lazy) -> Lazy:
    target.blobs.update(source.blobs)
    return target


# --- writing ---------------------------------------------------------------------------


def write(
    rec: Recorder, result: ImportResult, progress: Callable[[int], None] | None = None
) -> Outcome:
    """Write and commit every file of a planned import that has no errors."""
    assert not [p for a in result.actions for p in a.proposal.errors]
    actions = len(result.actions)
    concerns = len(result.new_concerns)
    made = f"{actions} action{'s' if actions != 1 else ''}"
    if concerns:
        made += f" and {concerns} concern{'s' if concerns != 1 else ''}"
    summary = f"Import {made} into {result.tracker} from {result.workbook.file}"
    trailers = {
        "Tracker": result.tracker,
        "Event": "imported",
        "Imported-From": result.workbook.file,
        "Actions": str(actions),
    }
    outcome = rec.create_many(result.files, summary=summary, trailers=trailers, progress=progress)
    result.committed, result.commit = True, outcome.commit
    return outcome
