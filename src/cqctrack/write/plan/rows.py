"""The actions a plan's rows hold: each row read field by field into proposals, with every
problem, guess and default said as a finding that names the sheet, row and column.

A row whose action cell holds several numbered or bulleted actions gives one
proposal per action (`part` 1, 2 ...). Nothing here writes: `write/importing.py`
turns proposals into files once every one of them is sound.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

from cqctrack.findings import Finding, Severity
from cqctrack.format.catalogue import Catalogue
from cqctrack.format.grid import Cell, Sheet
from cqctrack.format.mapping import Mapping, normalise
from cqctrack.format.vocab import Risk, Status
from cqctrack.write.plan import values
from cqctrack.write.plan.layout import Column, Layout
from cqctrack.write.plan.people import Match, Register

# What an action gets when the plan does not say: written so that anyone reading the
# file knows the plan did not say, and agrees the real one.
NO_REQUIREMENT = (
    "Evidence that the action is done and practice has changed (the imported plan names none)"
)
NO_OUTCOME = "Not stated in the imported plan: agree and record the expected outcome"
DEFAULT_KINDS = ("processes",)  # a CQC evidence category: audits, records, policies, training
_REQUIREMENT = re.compile(r"^R(\d{1,3})\s*[:.]\s*(.+?)\s*\[([a-z0-9, -]+)\]\s*$")
_EVIDENCE = re.compile(
    r"^E(\d{1,4})\s*\[(R\d{1,3}(?:\s*,\s*R\d{1,3})*)\]\s*([a-z][a-z0-9-]*)\s*:\s*(.+?)"
    r"\s*\(([^()]*)\)\s*(?::\s*(.*))?$"
)
_PRIORITY_RISK = {"Must do": Risk.HIGH, "Should do": Risk.MEDIUM}
_RANK = {Risk.LOW: 0, Risk.MEDIUM: 1, Risk.HIGH: 2}


class Origin(NamedTuple):
    sheet: str | None
    row: int
    part: int | None = None

    def where(self) -> str:
        """'Must do row 6' or 'row 6' (CSV), with the part of a cell that held several."""
        text = f"{self.sheet} row {self.row}" if self.sheet is not None else f"row {self.row}"
        return text + (f" ({_ordinal(self.part)} action in the cell)" if self.part else "")


def _ordinal(n: int) -> str:
    return {1: "1st", 2: "2nd", 3: "3rd"}.get(n, f"{n}th")


class EvidenceSpec(NamedTuple):
    kind: str
    document: str
    summary: str
    day: date | None = None
    satisfies: tuple[str, ...] = ()  # requirement ids; all of them when empty


@dataclass
class Proposal:
    """One action as a plan's row gives it, before it has an id."""

    origin: Origin
    title: str
    section: str | None = None
    concern_text: str | None = None
    concern_id: str | None = None
    detail: str | None = None
    due: date | None = None
    owner: str | None = None
    status: Status = Status.OPEN
    status_text: str | None = None
    rag: str | None = None
    risk: Risk = Risk.MEDIUM
    statements: list[str] = field(default_factory=list)
    regulations: list[str] = field(default_factory=list)
    requirements: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)
    expected_outcome: str = NO_OUTCOME
    evidence: list[EvidenceSpec] = field(default_factory=list)
    progress: str | None = None
    created: date | None = None
    completed: date | None = None
    verified_by: str | None = None
    closure_outcome: str | None = None
    ref: str | None = None
    findings: list[Finding] = field(default_factory=list)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.ERROR]

    @property
    def cancelled(self) -> bool:
        return self.status is Status.CANCELLED


@dataclass(frozen=True)
class Context:
    """What reading rows needs besides the sheet: the register, the CQC catalogue, the day."""

    file: str
    mapping: Mapping
    register: Register
    catalogue: Catalogue
    framework: str
    today: date
    statements: tuple[str, ...] = ()  # --statement, for rows that name none
    verified_by: str | None = None  # --verified-by, for completed rows that name no one
    key: dict[str, str] = field(default_factory=dict)  # colour -> meaning, from a Key sheet


def finding(
    ctx: Context,
    code: str,
    message: str,
    origin: Origin | None,
    column: Column | None = None,
    *,
    severity: Severity = Severity.ERROR,
    hint: str | None = None,
    sheet: str | None = None,
) -> Finding:
    """A finding about a spreadsheet: the file, the row (line), the column and its heading."""
    where_sheet = origin.sheet if origin is not None else sheet
    return Finding(
        code=code,
        message=message,
        severity=severity,
        hint=hint,
        path=ctx.file,
        line=origin.row if origin is not None else None,
        column=column.number if column is not None else None,
        loc=(where_sheet or "", column.heading if column is not None else ""),
        subject=where_sheet,
    )


# --- one sheet -----------------------------------------------------------------------


def read_rows(layout: Layout, ctx: Context) -> list[Proposal]:
    """Every action the sheet's rows hold, in order."""
    sheet = layout.sheet
    key = {**ctx.key, **layout.key}
    out: list[Proposal] = []
    section: str | None = None
    concern: str | None = None  # an issue written once (or merged down) covers the rows below
    for row in layout.rows:
        if row.kind == "section":
            section, concern = row.text, None
        elif row.kind == "concern":
            concern = row.text
        elif row.kind == "action":
            reader = _RowReader(ctx, layout, sheet, row.row, key)
            concern = reader.text("concern") or concern
            out += reader.proposals(section, concern)
    return out


class _RowReader:
    def __init__(
        self, ctx: Context, layout: Layout, sheet: Sheet, row: int, key: dict[str, str]
    ) -> None:
        self.ctx, self.layout, self.sheet, self.row, self.key = ctx, layout, sheet, row, key
        self.findings: list[Finding] = []
        self.formulas: set[tuple[int, str]] = set()
        self.origin = Origin(sheet.name, row)

    # -- cells

    def cells(self, name: str) -> list[tuple[Column, Cell]]:
        return [(c, self.sheet.cell(self.row, c.number)) for c in self.layout.columns_for(name)]

    def first(self, name: str) -> tuple[Column, Cell] | None:
        for column, cell in self.cells(name):
            if cell.formula and (column.number, name) not in self.formulas:
                self.formulas.add((column.number, name))
                self.add(
                    "import-missing",
                    f"the cell holds a formula ({cell.formula}) whose result the workbook "
                    "did not save",
                    column,
                    hint="open the workbook in Excel or LibreOffice and save it, so the "
                    "results are stored, then import it again",
                )
            if cell.text or cell.fill:
                return column, cell
        return None

    def text(self, name: str) -> str:
        found = [cell.text for _, cell in self.cells(name) if cell.text]
        return "\n".join(found)

    def labelled(self, name: str) -> str:
        """Several columns' texts, each under its heading when there is more than one."""
        found = [(c, cell.text) for c, cell in self.cells(name) if cell.text]
        if len(found) <= 1:
            return found[0][1] if found else ""
        return "\n".join(f"{c.heading}: {text}" for c, text in found)

    def add(
        self,
        code: str,
        message: str,
        column: Column | None = None,
        *,
        severity: Severity = Severity.ERROR,
        hint: str | None = None,
    ) -> None:
        self.findings.append(
            finding(self.ctx, code, message, self.origin, column, severity=severity, hint=hint)
        )

    # -- the row

    def proposals(self, section: str | None, concern: str | None) -> list[Proposal]:
        ctx = self.ctx
        found = self.first("action")
        assert found is not None  # the layout only calls action rows
        column, cell = found
        parts = values.split_actions(cell.text) if ctx.mapping.file.split_cells else [cell.text]
        parts = parts or [cell.text]
        if len(parts) > 1:
            self.add(
                "import-split-cell",
                f"{len(parts)} actions in one cell, imported as {len(parts)} actions",
                column,
                severity=Severity.INFO,
            )
        priority = self._priority(section)
        shared = self._shared(section, priority, concern)
        out = []
        for number, part in enumerate(parts, start=1):
            origin = self.origin._replace(part=number if len(parts) > 1 else None)
            title, cut = values.short_title(part)
            detail = [part] if cut else []
            if shared["detail"]:
                detail.append(str(shared["detail"]))
            proposal = Proposal(origin=origin, title=title, **shared)  # type: ignore[arg-type]
            proposal.detail = "\n".join(detail) or None
            # Each action carries its row's findings (a bad date spoils them all); the
            # report shows a finding once however many actions share it.
            proposal.findings = list(self.findings)
            out.append(proposal)
        return out

    def _priority(self, section: str | None) -> str | None:
        found = self.first("priority")
        if found is not None:
            return values.priority_of(found[1].text) or found[1].text or None
        return values.priority_of(section) if section else None

    def _shared(
        self, section: str | None, priority: str | None, concern: str | None
    ) -> dict[str, object]:
        """Everything a row's actions share (all but the title)."""
        ctx = self.ctx
        status, status_text, rag = self._status()
        owner, also = self._person("owner", required=True)
        verifier, _ = self._person("verified_by", required=False)
        detail = self.labelled("detail")
        if also:
            detail = "\n".join(x for x in (detail, f"Also named as responsible: {also}") if x)
        requirement_text = self.text("requirement")
        requirements = self._requirements(requirement_text)
        evidence = self._evidence(requirements)
        texts = [concern or "", self.text("action"), detail, requirement_text, self.text("outcome")]
        return {
            "section": section or priority,
            "concern_text": concern,
            "concern_id": self.text("concern_id").upper() or None,
            "detail": detail or None,
            "due": self._date("due", required=True),
            "owner": owner,
            "status": status,
            "status_text": status_text,
            "rag": rag,
            "risk": self._risk(priority),
            "statements": self._statements(),
            "regulations": self._regulations(texts),
            "requirements": requirements,
            "expected_outcome": self.text("outcome")
            or (ctx.mapping.defaults.expected_outcome or NO_OUTCOME),
            "evidence": evidence,
            "progress": self.labelled("progress") or None,
            "created": self._date("created", required=False),
            "completed": self._date("completed", required=False),
            "verified_by": verifier or (ctx.verified_by if status is Status.CLOSED else None),
            "closure_outcome": self.text("closure_outcome") or None,
            "ref": self.text("ref") or None,
        }

    # -- fields

    def _date(self, name: str, *, required: bool) -> date | None:
        ctx = self.ctx
        found = self.first(name)
        if found is None or not found[1].text:
            if any(field == name for _, field in self.formulas):
                return None  # said already: a formula whose result was not saved
            if required:
                if ctx.mapping.defaults.due is not None:
                    return ctx.mapping.defaults.due
                self.add(
                    "import-missing",
                    "no due date",
                    self.layout.columns_for(name)[0] if self.layout.has(name) else None,
                    hint="give every action a due date: cqctrack needs one to see drift"
                    + ("" if self.layout.has(name) else "; no column has a deadline heading"),
                )
            return None
        column, cell = found
        read = values.read_date(
            cell, ctx.today, day_first=ctx.mapping.day_first, year=ctx.mapping.file.year
        )
        if read.error:
            self.add("import-bad-date", read.error, column, hint=read.hint)
            return None
        if read.how:
            self.add("import-date-read", read.how, column, severity=Severity.INFO)
        return read.day

    def _status(self) -> tuple[Status, str | None, str | None]:
        rag = None
        found = self.first("rag")
        if found is not None:
            column, cell = found
            if cell.text:
                rag = values.rag_of_text(cell.text)
                if rag is None:
                    self.add(
                        "import-unknown-status",
                        f"'{cell.text}' is not a RAG or BRAG rating",
                        column,
                        hint="use Red, Amber, Green or Blue (or R, A, G, B)",
                    )
            else:
                rag = values.rag_of_fill(cell.fill)
                if rag is not None:
                    self.add(
                        "import-colour-read",
                        f"{rag} read from the cell's colour (#{cell.fill})",
                        column,
                        severity=Severity.INFO,
                    )
        found = self.first("status")
        if found is not None and found[1].text:
            column, cell = found
            status = self._status_word(cell.text)
            if status is None:
                self.add(
                    "import-unknown-status",
                    f"'{cell.text}' is not a status cqctrack knows",
                    column,
                    hint=f"map it in a mapping file, e.g. status: {{{cell.text!r}: in-progress}}"
                    " (open, in-progress, awaiting-verification, closed or cancelled)",
                )
                return Status.OPEN, cell.text, rag
            if rag is None:
                rag = values.rag_of_text(cell.text) or values.rag_of_fill(cell.fill)
            return status, cell.text, rag
        if found is not None and found[1].fill and rag is None:
            rag = values.rag_of_fill(found[1].fill)
            if rag is not None:
                self.add(
                    "import-colour-read",
                    f"{rag} read from the cell's colour (#{found[1].fill})",
                    found[0],
                    severity=Severity.INFO,
                )
        if rag is None:
            return Status.OPEN, None, None
        return self._colour_status(rag), None, rag

    def _status_word(self, text: str) -> Status | None:
        words = self.ctx.mapping.status
        key = normalise(text)
        if key in words:
            return words[key]
        colour = values.rag_of_text(text)
        rest = re.sub(r"^\s*(?:red|amber|green|blue|[rgab])\b[\s:/\-–]*", "", key)
        if rest and rest in words:
            return words[rest]
        for size in range(len(key.split()), 0, -1):
            start = " ".join(key.split()[:size])
            if start in words and start not in ("red", "amber", "green", "blue"):
                return words[start]
        return self._colour_status(colour) if colour else None

    def _colour_status(self, colour: str) -> Status:
        """What a RAG colour means: the mapping file, else the plan's key, else the default."""
        words = self.ctx.mapping.status
        given = self.ctx.mapping.file.status
        if any(normalise(k) == colour for k in given):
            return words[colour] or Status.OPEN
        meaning = self.key.get(colour)
        if meaning is not None:
            status = self._status_word_plain(meaning)
            if status is not None:
                return status
        return Status.CLOSED if colour == "blue" else Status.IN_PROGRESS

    def _status_word_plain(self, text: str) -> Status | None:
        words = self.ctx.mapping.status
        key = normalise(text)
        if key in words:
            return words[key]
        for size in range(len(key.split()), 0, -1):
            start = " ".join(key.split()[:size])
            if start in words:
                return words[start]
        return None

    def _person(self, name: str, *, required: bool) -> tuple[str | None, str]:
        ctx = self.ctx
        found = self.first(name)
        if found is None or not found[1].text:
            if required:
                if ctx.mapping.defaults.owner is not None:
                    return ctx.mapping.defaults.owner, ""
                self.add(
                    "import-missing",
                    "no one is named as responsible",
                    self.layout.columns_for(name)[0] if self.layout.has(name) else None,
                    hint="name an owner for every action"
                    + ("" if self.layout.has(name) else "; no column has an owner heading"),
                )
            return None, ""
        column, cell = found
        matches = ctx.register.match_all(cell.text)
        chosen = next((m for m in matches if m.person is not None), None)
        severity = Severity.ERROR if required and chosen is None else Severity.WARNING
        for match in matches:
            if match.person is None:
                self._unmatched(match, column, severity)
            elif not match.exact:
                self._matched(match, column)
        if chosen is None:
            return None, ""
        others = [m for m in matches if m is not chosen]
        names = [self._name(m) for m in others]
        return chosen.person, ", ".join(names)

    def _name(self, match: Match) -> str:
        if match.person is None:
            return match.written
        return self.ctx.register.people[match.person].name

    def _matched(self, match: Match, column: Column) -> None:
        assert match.person is not None
        name = self.ctx.register.people[match.person].name
        self.add(
            "import-person-matched",
            f"'{match.written}' matched to {match.person} ({name}) by {match.how}",
            column,
            severity=Severity.INFO,
        )

    def _unmatched(self, match: Match, column: Column, severity: Severity) -> None:
        if match.how == "ambiguous":
            who = ", ".join(
                f"{pid} ({self.ctx.register.people[pid].name})" for pid in match.candidates
            )
            self.add(
                "import-ambiguous-person",
                f"'{match.written}' could be {who}",
                column,
                severity=severity,
                hint=f"say who in a mapping file: people: {{{match.written!r}: PERSON_ID}}",
            )
            return
        self.add(
            "import-unknown-person",
            f"'{match.written}' is not in the people register",
            column,
            severity=severity,
            hint="add them to `people` in cqctrack.yaml, or map the name to a person id "
            f"in a mapping file: people: {{{match.written!r}: PERSON_ID}}",
        )

    def _risk(self, priority: str | None) -> Risk:
        found = self.first("risk")
        if found is not None and found[1].text:
            column, cell = found
            risk = values.risk_of(cell.text)
            if risk is not None:
                return risk
            self.add(
                "import-unknown-risk",
                f"'{cell.text}' is not a risk level",
                column,
                hint="use High, Medium or Low (or H, M, L; or priority 1, 2, 3)",
            )
        if priority in _PRIORITY_RISK:
            return _PRIORITY_RISK[priority]
        return self.ctx.mapping.defaults.risk or Risk.MEDIUM

    def _statements(self) -> list[str]:
        ctx = self.ctx
        found = self.first("statements")
        if found is not None and found[1].text:
            column, cell = found
            refs, problems = statements_in(cell.text, ctx.catalogue, ctx.framework)
            for problem in problems:
                self.add(
                    "import-unknown-statement",
                    problem,
                    column,
                    hint="name quality statements by id (S8, WL5) or by name; "
                    "see `cqctrack frameworks`",
                )
            if refs:
                return refs
            if problems:
                return []
        defaults = list(ctx.statements) or list(ctx.mapping.defaults.statements)
        if not defaults:
            self.add(
                "import-missing",
                "no quality statement",
                found[0] if found is not None else None,
                hint="add a 'Quality statement' column, or give --statement ID for rows that "
                "name none (or defaults: statements: [...] in a mapping file)",
            )
        return defaults

    def _regulations(self, texts: list[str]) -> list[str]:
        ctx = self.ctx
        known = ctx.catalogue.regulations
        out: list[str] = []
        found = self.first("regulations")
        if found is not None and found[1].text:
            column, cell = found
            numbers = values.regulations_in(cell.text, column=True)
            if not numbers:
                self.add(
                    "import-unknown-regulation",
                    f"'{cell.text}' names no regulation",
                    column,
                    hint="write the regulation number, e.g. 12 or Regulation 17(2)(a)",
                )
            for number in numbers:
                if number in known:
                    out.append(number)
                else:
                    self.add(
                        "import-unknown-regulation",
                        f"Regulation {number} is not one of the fundamental standards "
                        "(Regulations 9 to 20A)",
                        column,
                    )
        for text in texts:
            for number in values.regulations_in(text):
                if number in known and number not in out:
                    out.append(number)
                elif number not in known:
                    self.add(
                        "import-unknown-regulation",
                        f"Regulation {number} is named in the text but is not one of the "
                        "fundamental standards (Regulations 9 to 20A), so it is not recorded",
                        severity=Severity.WARNING,
                    )
        if not out:
            out = list(ctx.mapping.defaults.regulations)
        return sorted(dict.fromkeys(out), key=_regulation_order)

    def _requirements(self, text: str) -> list[tuple[str, tuple[str, ...]]]:
        ctx = self.ctx
        catalogue = ctx.catalogue
        default = tuple(ctx.mapping.defaults.kinds) or DEFAULT_KINDS
        if not text:
            description = ctx.mapping.defaults.requirement or NO_REQUIREMENT
            return [(description, tuple(values.kinds_in(description, catalogue)) or default)]
        out = []
        lines = [line for line in text.split("\n") if line.strip()]
        structured = [_REQUIREMENT.match(line.strip()) for line in lines]
        if all(structured):
            for match in structured:
                assert match is not None
                kinds = tuple(k.strip() for k in match[3].split(",") if k.strip())
                out.append((match[2], kinds))
            return out
        for part in values.split_actions(text):
            kinds = tuple(values.kinds_in(part, catalogue)) or default
            out.append((part, kinds))
        return out

    def _evidence(self, requirements: list[tuple[str, tuple[str, ...]]]) -> list[EvidenceSpec]:
        ctx = self.ctx
        text = self.text("evidence")
        if not text:
            return []
        accepted = [k for _, kinds in requirements for k in kinds]
        out = []
        for line in (x.strip() for x in text.split("\n") if x.strip()):
            match = _EVIDENCE.match(line)
            if match:
                read = values.read_date(Cell(match[5]), ctx.today)
                summary = match[6] or match[4]
                satisfies = tuple(s.strip() for s in match[2].split(","))
                ref = match[4].removeprefix("document ").strip()
                out.append(EvidenceSpec(match[3], ref[:120], summary, read.day, satisfies))
                continue
            named = [
                k
                for k in values.kinds_in(line, ctx.catalogue)
                if any(ctx.catalogue.kind_accepts(a, k) for a in accepted)
            ]
            kind = named[0] if named else values.first_kind(accepted, ctx.catalogue)
            document = line if len(line) <= 120 else line[:119].rsplit(" ", 1)[0] + "…"
            out.append(EvidenceSpec(kind, document, line))
        return out


def _regulation_order(number: str) -> tuple[int, str]:
    digits = re.match(r"\d+", number)
    return (int(digits.group()) if digits else 0, number)


def statements_in(text: str, catalogue: Catalogue, framework: str) -> tuple[list[str], list[str]]:
    """Statement ids a cell names, by id ('S8, WL5') or by name ('Medicines optimisation')."""
    refs: list[str] = []
    problems: list[str] = []
    chosen = catalogue.frameworks.get(framework)
    for token in re.findall(r"(?<![\w:-])((?:[a-z0-9-]+:)?[A-Za-z]{1,2}\d{1,2})\b", text):
        set_id, sep, item = token.rpartition(":")
        ref = f"{set_id}{sep}{item.upper()}"
        lookup = catalogue.statement(ref, framework)
        if lookup.statement is not None:
            if ref not in refs:
                refs.append(ref)
        elif lookup.error:
            problems.append(lookup.error)
    if chosen is not None:
        wanted = normalise(text)
        for statement in chosen.statements.values():
            if statement.name and normalise(statement.name) in wanted and statement.id not in refs:
                refs.append(statement.id)
    if not refs and not problems:
        key_questions = {normalise(kq.name) for kq in catalogue.key_questions.values()}
        if normalise(text) in key_questions:
            problems.append(f"'{text}' is a key question; name the quality statement within it")
        else:
            short = chosen.short_name if chosen else framework
            problems.append(f"'{text}' names none of the {short}")
    return refs, problems


# --- concerns ---------------------------------------------------------------------------


def highest(risks: list[Risk]) -> Risk:
    return max(risks, key=_RANK.__getitem__) if risks else Risk.MEDIUM
