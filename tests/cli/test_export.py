"""`cqctrack export`: the whole register as a workbook (checked cell by cell with openpyxl) or
CSV, formula injection neutralised, and an export that imports back as the same actions."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from cqctrack.cli import app
from cqctrack.format import dialect
from tests.conftest import commit_all, git
from tests.helpers import ACTION, BASE, CONFIG, TRACKER, dedent, minimal_repo

runner = CliRunner()
ON = "2026-11-02"

CANCELLED = dedent(
    """
    id: MED-003
    title: Replace the paper MAR charts
    concern: MED-C1
    statements: [S8]
    owner: tokafor
    risk: low
    created: 2026-09-01
    due: 2026-12-31
    status: cancelled
    evidence_required:
      - id: R1
        description: Electronic MAR in use
        kinds: [medicines-record]
    expected_outcome: No paper MAR charts.
    cancellation:
      date: 2026-10-01
      approved_by: mpatel
      reason: The electronic system arrives in March instead.
    """
)
# Text a spreadsheet could take for formulas, in every field a user writes.
HOSTILE = dedent(
    """
    id: HOM-001
    title: '=HYPERLINK("https://example.invalid/x","Click")'
    concern: HOM-C1
    detail: "+SUM(A1:A9)"
    statements: [S6]
    regulations: [18]
    owner: mpatel
    risk: medium
    created: 2026-10-01
    due: 2026-12-01
    status: open
    evidence_required:
      - id: R1
        description: "-2+3 staff on every shift"
        kinds: [rota]
    expected_outcome: "@SUM(1)"
    progress:
      - date: 2026-10-02
        by: mpatel
        note: "\\tcmd"
    """
)
HOME_TRACKER = TRACKER.replace("Riverside Homecare", "'Oak House: nights/weekends'").replace(
    "id_prefix: MED", "id_prefix: HOM"
)
HOME_CONCERN = dedent(
    """
    id: HOM-C1
    title: "\\rNight staffing below assessed need"
    source: internal-audit
    raised: 2026-09-20
    summary: Dependency tool shows two staff needed at night; rota has one.
    statements: [S6]
    regulations: [18]
    risk: medium
    """
)


@pytest.fixture
def repo(tmp_path: Path, isolated_git: dict[str, str]) -> Path:
    root = minimal_repo(
        tmp_path / "repo",
        **{
            # The first commit holds a record kept before cqctrack (entries dated after it).
            "cqctrack.yaml": CONFIG + "policy:\n  signoff:\n    imported_until: 2026-10-02\n",
            f"{BASE}/actions/MED-003.yaml": CANCELLED,
            "trackers/oak/tracker.yaml": HOME_TRACKER,
            "trackers/oak/concerns/HOM-C1.yaml": HOME_CONCERN,
            "trackers/oak/actions/HOM-001.yaml": HOSTILE,
        },
    )
    git(root, "init", "-q")
    commit_all(root, "Start trackers", "2026-10-02")
    return root


def run(repo: Path, *args: str):
    return runner.invoke(app, ["--repo", str(repo), *args, "--as-of", ON])


def sheet_values(ws) -> list[list[object]]:
    return [[c.value for c in row] for row in ws.iter_rows()]


def test_the_workbook_holds_every_action_with_the_reviews_judgements(
    repo: Path, tmp_path: Path
) -> None:
    out = tmp_path / "register.xlsx"
    result = run(repo, "export", "--output", str(out))
    assert result.exit_code == 0, result.output
    assert result.output == (
        f"Exported 4 actions as at 2 Nov 2026 to {out} "
        "(Register, Oak House nights weekends, Riverside Homecare, About).\n"
    )
    book = load_workbook(out)
    assert book.sheetnames == [
        "Register",
        "Oak House nights weekends",
        "Riverside Homecare",
        "About",
    ]
    ws = book["Register"]
    rows = sheet_values(ws)
    assert rows[0] == [
        "ID", "Tracker", "Concern ID", "Concern", "Title", "Detail", "Owner", "Owner name",
        "Risk", "Status", "BRAG", "Why", "Escalation", "Created", "Due", "Days overdue",
        "Extensions", "Unlogged extensions", "Statements", "Key questions", "Regulations",
        "Evidence required", "Evidence progress", "Evidence", "Expected outcome",
        "Latest progress", "Last oversight", "Last oversight decision", "Last oversight by", "Closed on",
        "Verified by", "Closure outcome", "Imported closure", "Imported from", "Last changed",
    ]  # fmt: skip
    assert [r[0] for r in rows[1:]] == ["HOM-001", "MED-001", "MED-002", "MED-003"]
    day = datetime(2026, 10, 2)
    assert rows[2] == [
        "MED-001", "Riverside Homecare", "MED-C1", "Gaps in medicines records",
        "Competency checks for staff with repeated MAR errors", None, "tokafor", "Tunde Okafor",
        "high", "in-progress", "Red",
        "overdue by 2 days; high-risk action not reviewed since it was created 62 days ago "
        "(policy: 7); no provider-level review since it was created 62 days ago (policy: every "
        "31 days)",
        "provider level: Jo Reed (nominated individual)",
        datetime(2026, 9, 1), datetime(2026, 10, 31), 2, 0, 0, "S8", "Safe", "12",
        "R1: Observed competency assessment for each staff member with repeat errors "
        "[competency-assessment, observation]",
        "0 of 1 requirement met", None, "No repeat omissions by the same staff member for three months.",
        None, None, None, None, None, None, None, None, None, day,
    ]  # fmt: skip
    assert rows[3][9:13] == ["closed", "Blue", None, None]
    assert rows[3][20:25] == [
        "12, 17",
        "R1: Re-audit showing at least 95% complete records [audit]\n"
        "R2: Supervision records for staff with repeat errors [supervision-record]",
        "2 of 2 requirements met",
        "E1 [R1] audit: evidence/audit.md (20 Oct 2026): October re-audit, 96% complete.\n"
        "E2 [R2] supervision-record: document HR-SUP-0042 (21 Oct 2026): Supervision completed "
        "for both staff.",
        "Complete records sustained.",
    ]
    assert rows[3][29:32] == [
        datetime(2026, 10, 25),
        "mpatel",
        "Re-audit at 96% complete and supervision done for both staff.",
    ]
    assert rows[4][9:13] == ["cancelled", None, "cancelled: not rated", None]
    # Every sheet: a frozen header and ID column, a filter, dates shown as people read them.
    for name in book.sheetnames[:-1]:
        sheet = book[name]
        assert sheet.freeze_panes == "B2"
        assert sheet.auto_filter.ref == f"A1:AI{sheet.max_row}"
    assert ws["N3"].number_format == "d mmm yyyy"
    assert ws["A1"].font.bold
    # BRAG cells are filled in their colour, and recolour when changed.
    assert ws["K3"].fill.fgColor.rgb == "FFFF0000"
    assert ws["K4"].fill.fgColor.rgb == "FF0070C0"
    assert ws["K5"].fill.fill_type is None
    rules = {
        rule.formula[0]: rule.dxf.fill.bgColor.rgb
        for ranges in ws.conditional_formatting
        for rule in ranges.rules
    }
    assert rules == {
        '"Red"': "FFFF0000",
        '"Amber"': "FFFFC000",
        '"Green"': "FF00B050",
        '"Blue"': "FF0070C0",
    }
    # Drop-downs on status and BRAG.
    lists = {str(v.sqref): v.formula1 for v in ws.data_validations.dataValidation}
    assert lists == {
        "J2:J5": '"open,in-progress,awaiting-verification,closed,cancelled"',
        "K2:K5": '"Red,Amber,Green,Blue"',
    }
    # A tracker's sheet holds its own actions, in the same columns.
    assert sheet_values(book["Riverside Homecare"])[1:] == rows[2:]
    about = sheet_values(book["About"])
    assert about[0][0] == "cqctrack export: CQC action register"
    assert about[2:6] == [["Provider", "Test Care Ltd"], ["As at", "2 Nov 2026"], ["Actions", "4"],
                          ["Filters", "none: the whole register, open, closed and cancelled"]]  # fmt: skip


def test_text_that_could_be_a_formula_is_neutralised_in_the_workbook_and_the_csv(
    repo: Path, tmp_path: Path
) -> None:
    out = tmp_path / "register.xlsx"
    assert run(repo, "export", "--output", str(out)).exit_code == 0
    with zipfile.ZipFile(out) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
        assert sheets
        for name in sheets:
            assert b"<f>" not in archive.read(name), f"{name} holds a formula"
    ws = load_workbook(out)["Register"]
    hostile = {ws.cell(1, c).value: ws.cell(2, c) for c in range(1, ws.max_column + 1)}
    for heading, text in [
        ("Title", '=HYPERLINK("https://example.invalid/x","Click")'),
        ("Detail", "+SUM(A1:A9)"),
        ("Evidence required", "R1: -2+3 staff on every shift [rota]"),
        ("Expected outcome", "@SUM(1)"),
        # openpyxl leaves OOXML's escape for a carriage return as it is; Excel decodes it.
        ("Concern", "_x000D_Night staffing below assessed need"),
    ]:
        cell = hostile[heading]
        assert (cell.value, cell.data_type) == (text, "s"), heading
        assert cell.quotePrefix is (heading != "Evidence required"), heading
    csv_out = tmp_path / "register.csv"
    assert run(repo, "export", "--output", str(csv_out)).exit_code == 0
    data = csv_out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfID,Tracker,")
    assert b"\r\n" in data
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    head = rows[0]
    row = dict(zip(head, rows[1], strict=True))
    assert row["Title"] == '\'=HYPERLINK("https://example.invalid/x","Click")'
    assert row["Detail"] == "'+SUM(A1:A9)"
    assert row["Expected outcome"] == "'@SUM(1)"
    assert row["Concern"] == "'\rNight staffing below assessed need"
    assert row["Due"] == "2026-12-01"
    for value in (v for r in rows for v in r):
        assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), value


def test_csv_keeps_pounds_and_accents_for_excel_and_filters_narrow_the_export(
    repo: Path, tmp_path: Path
) -> None:
    action = (repo / f"{BASE}/actions/MED-001.yaml").read_text()
    (repo / f"{BASE}/actions/MED-001.yaml").write_text(
        action.replace("Competency checks", "Competency checks (£40 per hour, Zoë)")
    )
    out = tmp_path / "red.csv"
    result = run(repo, "export", "--output", str(out), "--tracker", "riverside", "--brag", "red")
    assert result.exit_code == 0, result.output
    text = out.read_bytes().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert [r[0] for r in rows[1:]] == ["MED-001"]
    assert rows[1][4] == "Competency checks (£40 per hour, Zoë) for staff with repeated MAR errors"
    closed = run(repo, "export", "--format", "csv", "--output", "-", "--status", "closed")
    assert closed.exit_code == 0, closed.output
    assert [r[0] for r in csv.reader(io.StringIO(closed.stdout))][1:] == ["MED-002"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--output", "x.pdf"], "error: --format .pdf: export writes xlsx or csv"),
        (["--output", "-", "--format", "xlsx"], "error: --output -: a workbook cannot go to stdout"),
        (["--output", "r.xlsx", "--tracker", "nowhere"], "error: --tracker nowhere: there is no such tracker"),
        (["--output", "r.xlsx", "--brag", "purple"], "error: --brag purple: not a BRAG rating"),
        (["--output", "no/such/dir/r.xlsx"], "error: --output no/such/dir/r.xlsx: the folder no/such/dir does not exist"),
    ],
)  # fmt: skip
def test_an_export_that_cannot_be_written_says_why(
    repo: Path, args: list[str], message: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run(repo, "export", *args)
    assert result.exit_code in (2, 3), result.output
    assert message in result.output
    assert not list(tmp_path.glob("*.xlsx"))


# --- export, then import into an empty tracker: the same actions -----------------------------


def test_an_exported_register_imports_back_as_the_same_actions(
    repo: Path, tmp_path: Path, isolated_git: dict[str, str]
) -> None:
    out = tmp_path / "register.xlsx"
    assert run(repo, "export", "--output", str(out), "--tracker", "riverside").exit_code == 0
    fresh = minimal_repo(
        tmp_path / "fresh",
        **{
            "cqctrack.yaml": CONFIG,
            f"{BASE}/concerns/MED-C1.yaml": None,
            f"{BASE}/measures/MED-M1.yaml": None,
            f"{BASE}/actions/MED-001.yaml": None,
            f"{BASE}/actions/MED-002.yaml": None,
            "evidence/audit.md": None,
        },
    )
    git(fresh, "init", "-q")
    commit_all(fresh, "Start", "2026-09-01")
    result = runner.invoke(
        app, ["--repo", str(fresh), "import", str(out), "--tracker", "riverside", "--as-of", ON]
    )
    assert result.exit_code == 0, result.output
    assert result.output.startswith(
        "Import of register.xlsx into tracker riverside (Riverside Homecare) as at 2 Nov 2026\n\n"
        "Sheet Register: not read (other rows of the register, in a cqctrack export)\n"
        "Sheet Riverside Homecare: headings in row 1; actions in rows 2-4\n"
    )
    assert "Not imported:\n  Riverside Homecare row 4: marked 'cancelled' in the plan" in (
        result.output
    )
    original = {
        i: dialect.parse((repo / f"{BASE}/actions/{i}.yaml").read_bytes())
        for i in ("MED-001", "MED-002")
    }
    back = {
        i: dialect.parse((fresh / f"{BASE}/actions/{i}.yaml").read_bytes())
        for i in ("MED-001", "MED-002")
    }
    for action_id, before in original.items():
        after = back[action_id]
        imported = after.pop("imported")
        assert imported["ref"] == action_id
        assert imported["row"] == (2 if action_id == "MED-001" else 3)
        # The differences an import makes, and only these: evidence becomes document
        # references added by the importer, and the closure is marked as imported.
        for entry in before.get("evidence", []):
            reference = entry.pop("file", None)
            entry["document"] = reference or entry["document"]
            entry["added_by"] = "mpatel"
        if "closure" in before:
            before["closure"]["imported"] = True
        assert after == before, action_id
    concern = dialect.parse((fresh / f"{BASE}/concerns/MED-C1.yaml").read_bytes())
    assert (concern["title"], concern["statements"], concern["regulations"]) == (
        "Gaps in medicines records",
        ["S8", "WL5"],
        [12, 17],
    )
    review = runner.invoke(
        app, ["--repo", str(fresh), "review", "--weak", "--format", "json", "--as-of", ON]
    )
    assert [(r["id"], r["brag"]) for r in json.loads(review.stdout)] == [("MED-002", "amber")]
    assert ACTION  # the fixture's open action is the first row


def test_the_progress_bar_shows_only_when_stderr_is_a_terminal(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from cqctrack.cli.spreadsheet import progress_bar

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    piped = io.StringIO()
    monkeypatch.setattr("sys.stderr", piped)
    with progress_bar("Writing", 3) as tick:
        tick(3, 3)
    assert piped.getvalue() == ""
    terminal = Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    monkeypatch.setenv("TERM", "xterm")
    with progress_bar("Writing", 3) as tick:
        for done in (1, 2, 3):
            tick(done, 3)
    assert "Writing" in terminal.getvalue()
    assert "3/3" in terminal.getvalue()


def test_a_csv_export_imports_back_with_the_neutralising_apostrophes_taken_off(
    repo: Path, tmp_path: Path
) -> None:
    out = tmp_path / "oak.csv"
    assert run(repo, "export", "--output", str(out), "--tracker", "oak").exit_code == 0
    fresh = minimal_repo(
        tmp_path / "fresh",
        **{
            "trackers/oak/tracker.yaml": HOME_TRACKER,
            f"{BASE}/actions/MED-001.yaml": None,
            f"{BASE}/actions/MED-002.yaml": None,
        },
    )
    git(fresh, "init", "-q")
    commit_all(fresh, "Start", "2026-09-01")
    result = runner.invoke(
        app, ["--repo", str(fresh), "import", str(out), "--tracker", "oak", "--as-of", ON]
    )
    assert result.exit_code == 0, result.output
    back = dialect.parse((fresh / "trackers/oak/actions/HOM-001.yaml").read_bytes())
    before = dialect.parse((repo / "trackers/oak/actions/HOM-001.yaml").read_bytes())
    for key in ("title", "detail", "expected_outcome", "evidence_required", "due", "created"):
        assert back[key] == before[key], key
    # The latest progress note comes back as a note of the import, by the importer (cells
    # are read stripped, so the leading tab is gone).
    assert back["progress"] == [{"date": ON, "by": "mpatel", "note": "cmd"}]


def test_an_export_imported_into_its_own_tracker_adds_nothing(repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "register.xlsx"
    assert run(repo, "export", "--output", str(out)).exit_code == 0
    result = run(repo, "import", str(out), "--tracker", "riverside")
    assert result.exit_code == 0, result.output
    assert result.output.endswith(
        "Not imported:\n"
        "  Riverside Homecare row 2: MED-001 is already in the tracker: not imported again\n"
        "  Riverside Homecare row 3: MED-002 is already in the tracker: not imported again\n"
        "  Riverside Homecare row 4: marked 'cancelled' in the plan: not imported (no one is on "
        "record as approving the cancellation)\n"
        "\n"
        "Nothing was written: there is nothing to import.\n"
    )


def test_an_export_refuses_when_a_file_cannot_be_read_rather_than_leave_it_out(
    repo: Path, tmp_path: Path
) -> None:
    (repo / f"{BASE}/actions/MED-009.yaml").write_text("id: MED-009\ntitle: [unclosed\n")
    out = tmp_path / "register.xlsx"
    result = run(repo, "export", "--output", str(out))
    assert result.exit_code == 3, result.output
    assert (
        "error: 1 file cannot be read, so the register would be incomplete\n"
        f"  - {BASE}/actions/MED-009.yaml\n"
        "  hint: run `cqctrack check` to see why, fix them, then export again\n"
    ) in result.output
    assert not out.exists()
    plan = tmp_path / "plan.csv"
    plan.write_text("Action,Owner,Due\nSort the rota,Meera Patel,01/12/2026\n")
    refused = run(repo, "import", str(plan), "--tracker", "riverside", "--statement", "S8")
    assert refused.exit_code == 3, refused.output
    assert "error: tracker riverside has files that cannot be read, so new ids cannot be" in (
        refused.output
    )
