"""`cqctrack import`: messy action plans, built here cell by cell, each with its exact report."""

from __future__ import annotations

import textwrap
from datetime import datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cqctrack.cli import app
from cqctrack.format import dialect
from tests.conftest import commit_all, git
from tests.helpers import BASE, CONFIG, minimal_repo, write_tree
from tests.sheets import Book

runner = CliRunner()
ON = "2026-11-02"
PEOPLE = CONFIG.replace(
    "role: nominated-individual\n", "role: nominated-individual\n    emails: [jo@example.org]\n"
) + (
    "  lnowak:\n    name: Lena Nowak\n    role: deputy-manager\n"
    "  sbrown:\n    name: Sam Brown\n    role: quality-lead\n"
)
# The first commit holds a record kept before cqctrack (entries dated after it).
IMPORTED = "policy:\n  signoff:\n    imported_until: 2026-09-01\n"


@pytest.fixture
def repo(tmp_path: Path, isolated_git: dict[str, str]) -> Path:
    """The minimal repository with two more people, committed."""
    root = minimal_repo(tmp_path / "repo", **{"cqctrack.yaml": PEOPLE + IMPORTED})
    git(root, "init", "-q")
    commit_all(root, "Start trackers", "2026-09-01")
    return root


def run(repo: Path, *args: str, on: str = ON, as_: tuple[str, str] | None = None):
    env = {"GIT_AUTHOR_DATE": f"{on}T10:00:00+00:00", "GIT_COMMITTER_DATE": f"{on}T10:00:00+00:00"}
    if as_ is not None:  # committed by someone else (a sign-off is proven by its author)
        env |= {"GIT_AUTHOR_NAME": as_[0], "GIT_AUTHOR_EMAIL": as_[1]}
    return runner.invoke(app, ["--repo", str(repo), *args, "--as-of", on], env=env)


def load(repo: Path, rel: str) -> dict:
    return dialect.parse((repo / rel).read_bytes())


def report(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


# --- a legal firm's layout: merged title and issue, blank and total rows, every kind of date


def legal_plan(path: Path) -> Path:
    return (
        Book()
        .sheet(
            "Action plan",
            [
                ["Riverside Homecare – CQC action plan (inspection 14/09/2026)"],
                [],
                ["No.", "Item to be rectified", "Actions required", "Deadline",
                 "Person responsible", "RAG", "Comments"],
                [1, "Medicines: MAR charts not completed (Reg 12)",
                 "1. Audit every MAR chart weekly\n2. Retrain staff on recording refusals",
                 "03/11/2026", "Meera Patel", None, "Audit tool agreed"],
                [2, None, "Observed competency check for each care worker with repeat errors",
                 "end of Nov", "TO", None, None],
                [3, None, "Update the medicines policy", 46357, "Sarah J", None, None],
                [],
                [4, "Staff supervision not up to date, Regulation 18(2)(a)",
                 "Book supervision for every care worker", datetime(2026, 12, 14), "L Nowak",
                 "Amber", None],
                ["Total", None, None, None, None, None, "4 items"],
            ],
            merge=("A1:G1", "B4:B6"),
            fill={"F4": "FF0000", "F5": "FFC000", "F6": "00B050"},
        )
        .save(path)
    )  # fmt: skip


LEGAL_SHEET = """\
    Import of plan.xlsx into tracker riverside (Riverside Homecare) as at 2 Nov 2026{mapping}

    Sheet Action plan: headings in row 3; actions in rows 4-6 and 8
      A  No.                   ref
      B  Item to be rectified  concern
      C  Actions required      action
      D  Deadline              due
      E  Person responsible    owner
      F  RAG                   rag
      G  Comments              progress
      Rows not read as actions: 7 (blank); 9 (a total)
"""
LEGAL_CHECKS = """\
    Worth checking:
      sheet Action plan: green was read as on track, so 1 action rated green is imported in progress
        hint: if green means complete in this plan, say so in a mapping file: status: {{green: closed}}
      Action plan row 4, column C (Actions required): 2 actions in one cell, imported as 2 actions
      Action plan row 4, column F (RAG): red read from the cell's colour (#FF0000)
      Action plan row 5, column D (Deadline): 'end of Nov' read as 30 Nov 2026
      Action plan row 5, column E (Person responsible): 'TO' matched to tokafor (Tunde Okafor) by initials
      Action plan row 5, column F (RAG): amber read from the cell's colour (#FFC000)
      Action plan row 6, column D (Deadline): Excel date number 46357 read as 1 Dec 2026
      Action plan row 6, column F (RAG): green read from the cell's colour (#00B050)
      Action plan row 8, column E (Person responsible): 'L Nowak' matched to lnowak (Lena Nowak) by initial and surname
"""
LEGAL_ACTIONS = """\
      MED-C2  Medicines: MAR charts not completed (Reg 12)
        MED-003  in-progress  due 3 Nov 2026   mpatel   Audit every MAR chart weekly  [Action plan row 4 (1st action in the cell)]
        MED-004  in-progress  due 3 Nov 2026   mpatel   Retrain staff on recording refusals  [Action plan row 4 (2nd action in the cell)]
        MED-005  in-progress  due 30 Nov 2026  tokafor  Observed competency check for each care worker with repeat errors  [Action plan row 5]
        MED-006  in-progress  due 1 Dec 2026   {sarah:<7}  Update the medicines policy  [Action plan row 6]
      MED-C3  Staff supervision not up to date, Regulation 18(2)(a)
        MED-007  in-progress  due 14 Dec 2026  lnowak   Book supervision for every care worker  [Action plan row 8]

    After the import, `cqctrack check` will warn:
      MED-C2: concern MED-C2 has no measurable improvement target
      MED-C3: concern MED-C3 has no measurable improvement target
        hint: add a target to each with `cqctrack new measure --concern ID`
"""


def test_a_messy_plan_with_an_unknown_owner_is_refused_with_its_exact_report(
    repo: Path, tmp_path: Path
) -> None:
    plan = legal_plan(tmp_path / "plan.xlsx")
    before = git(repo, "rev-parse", "HEAD")
    result = run(repo, "import", str(plan), "--tracker", "riverside", "--statement", "S8")
    assert result.exit_code == 1, result.output
    assert result.output == report(
        LEGAL_SHEET.format(mapping="")
        + """
    Owners who could not be matched to the people register:
      'Sarah J' is not in the people register: Action plan row 6
      hint: add them to `people` in cqctrack.yaml, or map each name to a person id in a mapping file (people: {NAME: PERSON_ID})

"""
        + LEGAL_CHECKS.format()
        + """
    Would create, once the problems are fixed, 2 concerns and 5 actions:
"""
        + LEGAL_ACTIONS.format(sarah="-")
        + """
    Nothing was written: 1 problem in 1 row. Fix them and run again, or pass --skip-invalid to import the rest.
"""
    )
    assert git(repo, "rev-parse", "HEAD") == before
    assert git(repo, "status", "--porcelain") == ""


def test_the_same_plan_with_a_mapping_imports_in_one_commit_and_records_each_row(
    repo: Path, tmp_path: Path
) -> None:
    plan = legal_plan(tmp_path / "plan.xlsx")
    mapping = tmp_path / "plan-map.yaml"
    mapping.write_text("people:\n  Sarah J: sbrown\n")
    result = run(
        repo, "import", str(plan), "--tracker", "riverside", "--statement", "S8",
        "--mapping", str(mapping),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    sha = git(repo, "rev-parse", "HEAD").strip()
    assert result.output == report(
        LEGAL_SHEET.format(mapping=", with the mapping in plan-map.yaml")
        + "\n"
        + LEGAL_CHECKS.format()
        + """
    Created 2 concerns and 5 actions:
"""
        + LEGAL_ACTIONS.format(sarah="sbrown")
        + f"""
    Imported 5 actions in commit {sha[:8]}.
"""
    )
    assert git(repo, "log", "-1", "--format=%an <%ae>%n%s%n%b").strip() == (
        "Meera Patel <meera@example.org>\n"
        "Import 5 actions and 2 concerns into riverside from plan.xlsx\n"
        "Tracker: riverside\nEvent: imported\nImported-From: plan.xlsx\nActions: 5\n"
        "Cqctrack-Version: 0.1.0"
    )
    changed = git(repo, "show", "--name-status", "--format=", "HEAD").split("\n")
    assert sorted(line for line in changed if line) == [
        f"A\t{BASE}/actions/MED-00{n}.yaml" for n in range(3, 8)
    ] + [f"A\t{BASE}/concerns/MED-C2.yaml", f"A\t{BASE}/concerns/MED-C3.yaml"]
    assert (repo / f"{BASE}/actions/MED-004.yaml").read_text() == textwrap.dedent(
        """\
        # yaml-language-server: $schema=../../../schemas/action.schema.json
        id: MED-004
        title: Retrain staff on recording refusals
        concern: MED-C2
        statements: [S8]
        regulations: [12]
        owner: mpatel
        risk: medium
        created: 2026-11-02
        due: 2026-11-03
        status: in-progress
        evidence_required:
          - id: R1
            description: Evidence that the action is done and practice has changed (the imported plan names none)
            kinds: [processes]
        expected_outcome: 'Not stated in the imported plan: agree and record the expected outcome'
        progress:
          - date: 2026-11-02
            by: mpatel
            note: Audit tool agreed
        imported:
          file: plan.xlsx
          sheet: Action plan
          row: 4
          part: 2
          ref: '1'
          rag: red
          date: 2026-11-02
          by: mpatel
        """
    )
    concern = load(repo, f"{BASE}/concerns/MED-C3.yaml")
    assert concern == {
        "id": "MED-C3",
        "title": "Staff supervision not up to date, Regulation 18(2)(a)",
        "source": "inspection-feedback",
        "source_ref": "Imported from plan.xlsx, sheet Action plan, row 8",
        "raised": "2026-11-02",
        "raised_by": "mpatel",
        "summary": "Staff supervision not up to date, Regulation 18(2)(a)",
        "statements": ["S8"],
        "regulations": [18],
        "risk": "medium",
    }
    check = run(repo, "check")
    assert check.exit_code == 0, check.output
    history = runner.invoke(app, ["--repo", str(repo), "history", "MED-006"])
    assert history.exit_code == 0, history.output
    assert (
        "created by import from plan.xlsx, sheet Action plan, row 6: owner sbrown, "
        "due 1 Dec 2026, status in-progress, 1 evidence requirement"
    ) in history.output


def test_a_dry_run_writes_nothing_and_skip_invalid_leaves_out_the_bad_rows(
    repo: Path, tmp_path: Path
) -> None:
    plan = legal_plan(tmp_path / "plan.xlsx")
    dry = run(repo, "import", str(plan), "--tracker", "riverside", "--statement", "S8",
              "--dry-run", "--skip-invalid")  # fmt: skip
    assert dry.exit_code == 0, dry.output
    assert "Left out with --skip-invalid: 1 action (Action plan row 6)" in dry.output
    assert "Would create 2 concerns and 4 actions:" in dry.output
    assert dry.output.endswith("Dry run: nothing was written.\n")
    assert git(repo, "status", "--porcelain") == ""
    real = run(repo, "import", str(plan), "--tracker", "riverside", "--statement", "S8",
               "--skip-invalid")  # fmt: skip
    assert real.exit_code == 0, real.output
    assert "Created 2 concerns and 4 actions:" in real.output
    assert not (repo / f"{BASE}/actions/MED-007.yaml").exists()
    assert load(repo, f"{BASE}/actions/MED-006.yaml")["title"] == (
        "Book supervision for every care worker"
    )
    assert git(repo, "status", "--porcelain") == ""


# --- an NHS trust's layout: Must do / Should do, two rows of headings, BRAG with a key


def trust_plan(path: Path) -> Path:
    return (
        Book()
        .sheet(
            "Actions",
            [
                ["Ref", "Action", "Regulation breached", "Lead", "Timescale", "Progress", None,
                 "Evidence of completion", "Verified by"],
                [None, None, None, None, None, "BRAG", "Update", None, None],
                ["MUST DO actions"],
                ["M1", "Ensure medicines are stored at safe temperatures",
                 "Regulation 12(2)(g)", "Registered Manager", "31/10/2026", None,
                 "Fridge logs checked daily", "Temperature audit October (QA-114)",
                 "Jo Reed"],
                ["M2", "Ensure governance systems identify risks", "Reg 17", "J Reed",
                 "30.11.26", "Red", "Audit schedule drafted", None, None],
                ["SHOULD DO actions"],
                ["S1", "Involve people in reviewing their care plans", None, "Lena",
                 "Dec 2026", None, None, "Care plan audit; relatives' feedback survey",
                 None],
                [],
                ["Key"],
                ["Blue", "Delivered and checked"],
                ["Green", "On track"],
                ["Amber", "Some issues"],
                ["Red", "Not on track"],
            ],
            merge=("A1:A2", "B1:B2", "C1:C2", "D1:D2", "E1:E2", "F1:G1", "H1:H2", "I1:I2",
                   "A3:I3", "A6:I6"),
            fill={"F4": ("theme", 4, 0.0), "F7": ("indexed", 17, 0.0)},
        )
        .save(path)
    )  # fmt: skip


def test_a_trust_plan_with_must_and_should_do_sections_and_a_brag_key(
    repo: Path, tmp_path: Path
) -> None:
    plan = trust_plan(tmp_path / "trust.xlsx")
    result = run(repo, "import", str(plan), "--tracker", "riverside", "--statement", "S8",
                 "--source", "requirement-notice")  # fmt: skip
    assert result.exit_code == 0, result.output
    sha = git(repo, "rev-parse", "HEAD").strip()
    assert result.output == report(
        f"""
        Import of trust.xlsx into tracker riverside (Riverside Homecare) as at 2 Nov 2026

        Sheet Actions: headings in rows 1-2; actions in rows 4-5 and 7
          A  Ref                     ref
          B  Action                  action
          C  Regulation breached     regulations
          D  Lead                    owner
          E  Timescale               due
          F  Progress / BRAG         rag
          G  Progress / Update       progress
          H  Evidence of completion  evidence
          I  Verified by             verified by
          Rows not read as actions: 8 (blank); 9-13 (the colour key)
          Sections: MUST DO actions (row 3), SHOULD DO actions (row 6)
          Colour key: blue = Delivered and checked, green = On track, amber = Some issues, red = Not on track

        Worth checking:
          Actions row 4, column D (Lead): 'Registered Manager' matched to mpatel (Meera Patel) by role
          Actions row 4, column F (Progress / BRAG): blue read from the cell's colour (#4F81BD)
          Actions row 5, column D (Lead): 'J Reed' matched to jreed (Jo Reed) by initial and surname
          Actions row 5, column E (Timescale): '30.11.26' read as 30 Nov 2026
          Actions row 7, column D (Lead): 'Lena' matched to lnowak (Lena Nowak) by first name
          Actions row 7, column E (Timescale): 'Dec 2026' read as 31 Dec 2026 (the end of the month)
          Actions row 7, column F (Progress / BRAG): green read from the cell's colour (#008000)

        Created 2 concerns and 3 actions:
          MED-C2  Actions imported from trust.xlsx (Actions, MUST DO actions)
            MED-003  closed       due 31 Oct 2026  mpatel  Ensure medicines are stored at safe temperatures  [Actions row 4]
            MED-004  in-progress  due 30 Nov 2026  jreed   Ensure governance systems identify risks  [Actions row 5]
          MED-C3  Actions imported from trust.xlsx (Actions, SHOULD DO actions)
            MED-005  in-progress  due 31 Dec 2026  lnowak  Involve people in reviewing their care plans  [Actions row 7]

        After the import, `cqctrack check` will warn:
          MED-C2: concern MED-C2 has no measurable improvement target
          MED-C3: concern MED-C3 has no measurable improvement target
            hint: add a target to each with `cqctrack new measure --concern ID`

        Imported 3 actions in commit {sha[:8]}.
        """
    )
    closed = load(repo, f"{BASE}/actions/MED-003.yaml")
    assert closed["status"] == "closed"
    assert closed["evidence"] == [
        {
            "id": "E1",
            "satisfies": ["R1"],
            "kind": "audit",
            "document": "Temperature audit October (QA-114)",
            "date": "2026-11-02",
            "added_by": "mpatel",
            "summary": "Temperature audit October (QA-114)",
        }
    ]
    assert closed["closure"] == {
        "date": "2026-11-02",
        "verified_by": "jreed",
        "outcome": "Marked Blue in the imported plan",
        "imported": True,
    }
    assert closed["imported"]["section"] == "MUST DO actions"
    assert closed["imported"]["rag"] == "blue"
    assert closed["risk"] == "high"
    assert load(repo, f"{BASE}/actions/MED-005.yaml")["risk"] == "medium"


def test_an_imported_closure_is_amber_until_an_approve_closure_confirms_it(
    repo: Path, tmp_path: Path
) -> None:
    plan = trust_plan(tmp_path / "trust.xlsx")
    assert (
        run(repo, "import", str(plan), "--tracker", "riverside", "--statement", "S8").exit_code == 0
    )
    weak = run(repo, "review", "--weak", "--format", "json", on="2026-11-03")
    assert weak.exit_code == 0, weak.output
    import json

    rows = {r["id"]: r for r in json.loads(weak.stdout)}
    assert rows["MED-003"]["brag"] == "amber"
    assert rows["MED-003"]["reasons"] == [
        "closed in the imported plan (trust.xlsx, sheet Actions, row 4); the closure is not "
        "yet confirmed in cqctrack"
    ]
    assert rows["MED-003"]["findings"][0]["code"] == "imported-closure"
    # mpatel, the registered manager, owns MED-003: escalation goes past them
    assert rows["MED-003"]["escalation"]["level"] == "provider"
    history = runner.invoke(app, ["--repo", str(repo), "history", "MED-003"])
    assert history.exit_code == 0, history.output
    assert (
        "! closure imported from trust.xlsx, dated 2 Nov 2026 and verified by jreed as the plan "
        "recorded it; not verified in cqctrack"
    ) in history.output
    owner = run(repo, "oversight", "MED-003", "--decision", "approve-closure", "--by", "mpatel",
                "--note", "Checked", on="2026-11-03")  # fmt: skip
    assert owner.exit_code == 1, owner.output
    assert "mpatel owns MED-003, so cannot confirm its imported closure" in owner.output
    confirm = run(repo, "oversight", "MED-003", "--decision", "approve-closure", "--by", "jreed",
                  "--note", "Saw the October temperature audit", on="2026-11-03",
                  as_=("Jo Reed", "jo@example.org"))  # fmt: skip
    assert confirm.exit_code == 0, confirm.output
    after = run(repo, "review", "--weak", "--format", "json", on="2026-11-03")
    assert "MED-003" not in {r["id"] for r in json.loads(after.stdout)}
    summary = run(repo, "summary", "--format", "json", on="2026-11-03")
    assert summary.exit_code == 0, summary.output


# --- a warning-notice plan kept as CSV in Excel's Windows encoding, with exit criteria ------

WARNING_NOTICE = (
    "Warning notice action plan – Riverside;;;;;;;\r\n"
    "Breach identified;Action;Exit criteria;Owner;Target date;Status;Quality statement;"
    "Signed off by\r\n"
    "Staffing does not meet assessed needs (Regulation 18);Review the dependency tool monthly;"
    "Rota audit shows planned staffing met for four weeks;SB;15/12/2026;On track;S6;\r\n"
    ';Recruit two night care workers (£2,000 agency budget);"1. Two staff in post\n'
    '2. Supervision record for each";Sam Brown;31/01/2027;Some issues;S6;\r\n'
    "Safeguarding referrals not made (Reg 13);Train all staff in safeguarding;"
    "Training record at 100%;MP;Immediate;Not on track;S3;\r\n"
    ";Audit every referral made since June;;Mark;ASAP;Parked;Safe;\r\n"
    ";Review the safeguarding policy;Policy approved at the governance meeting;Sam Brown;"
    "30/10/2026;Delivered;S3;Jo Reed\r\n"
    ";Weekly safeguarding huddle;;Sam Brown;13/11/2026;Withdrawn;S3;\r\n"
)


def test_a_csv_warning_notice_plan_in_windows_encoding_with_four_state_statuses(
    repo: Path, tmp_path: Path
) -> None:
    plan = tmp_path / "notice.csv"
    plan.write_bytes(WARNING_NOTICE.encode("cp1252"))
    result = run(repo, "import", str(plan), "--tracker", "riverside", "--source", "warning-notice")
    assert result.exit_code == 1, result.output
    assert result.output == report(
        """
        Import of notice.csv (read as Windows-1252) into tracker riverside (Riverside Homecare) as at 2 Nov 2026

        The file: headings in row 2; actions in rows 3-8
          A  Breach identified  concern
          B  Action             action
          C  Exit criteria      requirement
          D  Owner              owner
          E  Target date        due
          F  Status             status
          G  Quality statement  statements
          H  Signed off by      verified by

        Problems (each stops the import):
          row 6, column F (Status): 'Parked' is not a status cqctrack knows
            hint: map it in a mapping file, e.g. status: {'Parked': in-progress} (open, in-progress, awaiting-verification, closed or cancelled)
          row 6, column G (Quality statement): 'Safe' is a key question; name the quality statement within it
            hint: name quality statements by id (S8, WL5) or by name; see `cqctrack frameworks`

        Owners who could not be matched to the people register:
          'Mark' is not in the people register: row 6
          hint: add them to `people` in cqctrack.yaml, or map each name to a person id in a mapping file (people: {NAME: PERSON_ID})

        Worth checking:
          row 3, column D (Owner): 'SB' matched to sbrown (Sam Brown) by initials
          row 5, column D (Owner): 'MP' matched to mpatel (Meera Patel) by initials
          row 5, column E (Target date): 'Immediate' read as 2 Nov 2026, the day of the import
          row 6, column E (Target date): 'ASAP' read as 2 Nov 2026, the day of the import

        Not imported as closed:
          row 7: marked 'Delivered' in the plan, but it cannot be closed: evidence requirement R1 (Policy approved at the governance meeting) has no evidence; imported as in-progress

        Not imported:
          row 8: marked 'Withdrawn' in the plan: not imported (no one is on record as approving the cancellation)

        Would create, once the problems are fixed, 2 concerns and 5 actions:
          MED-C2  Staffing does not meet assessed needs (Regulation 18)
            MED-003  in-progress  due 15 Dec 2026  sbrown  Review the dependency tool monthly  [row 3]
            MED-004  in-progress  due 31 Jan 2027  sbrown  Recruit two night care workers (£2,000 agency budget)  [row 4]
          MED-C3  Safeguarding referrals not made (Reg 13)
            MED-005  in-progress  due 2 Nov 2026   mpatel  Train all staff in safeguarding  [row 5]
            MED-006  open         due 2 Nov 2026   -       Audit every referral made since June  [row 6]
            MED-007  in-progress  due 30 Oct 2026  sbrown  Review the safeguarding policy  [row 7]

        After the import, `cqctrack check` will warn:
          MED-C2: concern MED-C2 has no measurable improvement target
          MED-C3: concern MED-C3 has no measurable improvement target
            hint: add a target to each with `cqctrack new measure --concern ID`

        Nothing was written: 3 problems in 1 row. Fix them and run again, or pass --skip-invalid to import the rest.
        """
    )
    mapping = tmp_path / "notice-map.yaml"
    mapping.write_text(
        "people:\n  Mark: sbrown\nstatus:\n  Parked: open\ndefaults:\n  statements: [S3]\n"
        "columns:\n  Quality statement: ignore\n"
    )
    fixed = run(repo, "import", str(plan), "--tracker", "riverside", "--mapping", str(mapping),
                "--source", "warning-notice")  # fmt: skip
    assert fixed.exit_code == 0, fixed.output
    recruit = load(repo, f"{BASE}/actions/MED-004.yaml")
    assert recruit["title"] == "Recruit two night care workers (£2,000 agency budget)"
    assert recruit["statements"] == ["S3"]
    assert recruit["evidence_required"] == [
        {"id": "R1", "description": "Two staff in post", "kinds": ["processes"]},
        {"id": "R2", "description": "Supervision record for each", "kinds": ["supervision-record"]},
    ]
    assert recruit["regulations"] == [18]
    assert recruit["imported"]["status"] == "Some issues"
    audit = load(repo, f"{BASE}/actions/MED-006.yaml")
    assert (audit["owner"], audit["status"], audit["due"]) == ("sbrown", "open", "2026-11-02")
    concern = load(repo, f"{BASE}/concerns/MED-C3.yaml")
    assert (concern["source"], concern["regulations"]) == ("warning-notice", [13])
    assert not (repo / f"{BASE}/actions/MED-008.yaml").exists()


# --- what stops an import before it reads a row ---------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "plan.xls",
            b"\xd0\xcf\x11\xe0",
            "cqctrack reads .xlsx workbooks and .csv files, not .xls",
        ),
        ("plan.xlsx", b"not a zip", "not an Excel workbook (the file is not an .xlsx archive)"),
        ("plan.pdf", b"%PDF", "not a spreadsheet cqctrack reads (.xlsx or .csv)"),
        ("plan.csv", b"a,b\x00c\n", "this is not a text CSV file"),
    ],
    ids=["xls", "broken-xlsx", "pdf", "binary-csv"],
)
def test_a_file_that_is_not_a_plan_is_refused_with_a_clear_message(
    repo: Path, tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    plan = tmp_path / name
    plan.write_bytes(content)
    result = run(repo, "import", str(plan), "--tracker", "riverside")
    assert result.exit_code in (2, 3), result.output
    assert f"error: {plan}: {message}" in result.output
    assert "Traceback" not in result.output


def test_an_unknown_tracker_and_a_bad_mapping_file_are_refused(repo: Path, tmp_path: Path) -> None:
    plan = legal_plan(tmp_path / "plan.xlsx")
    result = run(repo, "import", str(plan), "--tracker", "nowhere")
    assert result.exit_code == 3, result.output
    assert result.output == (
        "error: --tracker nowhere: there is no such tracker\n"
        "  hint: trackers here: riverside; create one with `cqctrack new tracker`\n"
    )
    mapping = tmp_path / "map.yaml"
    mapping.write_text("columns:\n  Lead: owenr\ndates: american\nsheets: [Plan]\n")
    bad = run(repo, "import", str(plan), "--tracker", "riverside", "--mapping", str(mapping))
    assert bad.exit_code == 2, bad.output
    assert bad.output.startswith("map.yaml: error: the mapping file is not valid\n")
    assert "  - line 2: columns.Lead:" in bad.output
    assert "  - line 3: dates:" in bad.output
    mapping.write_text("sheets: [Plan]\n")
    missing = run(repo, "import", str(plan), "--tracker", "riverside", "--mapping", str(mapping))
    assert missing.exit_code == 2, missing.output
    assert missing.output == (
        "error: map.yaml: sheets: there is no sheet 'Plan' in plan.xlsx\n"
        "  hint: sheets: 'Action plan'\n"
    )
    mapping.write_text("people:\n  Sarah J: nobody\n")
    unknown = run(repo, "import", str(plan), "--tracker", "riverside", "--mapping", str(mapping))
    assert unknown.exit_code == 2, unknown.output
    assert (
        "error: map.yaml: people: 'Sarah J' maps to nobody, who is not in the people register"
        in (unknown.output)
    )


def test_a_sheet_without_headings_a_missing_statement_and_an_ambiguous_name(
    repo: Path, tmp_path: Path
) -> None:
    write_tree(
        repo,
        {
            "cqctrack.yaml": PEOPLE
            + "  mpearson:\n    name: Mark Pearson\n    role: quality-lead\n"
            + IMPORTED
        },
    )
    commit_all(repo, "Add Mark", "2026-09-02")
    plan = (
        Book()
        .sheet("Notes", [["Minutes of the inspection feedback meeting"], ["Attendees: all"]])
        .sheet("Plan", [["Action", "Owner", "Due"], ["Sort the rota", "MP", "01/12/2026"]])
        .sheet("Old", [["Action", "Owner"], ["Old thing", "Meera Patel"]], hidden=True)
        .save(tmp_path / "plan.xlsx")
    )
    result = run(repo, "import", str(plan), "--tracker", "riverside")
    assert result.exit_code == 1, result.output
    assert result.output == report(
        """
        Import of plan.xlsx into tracker riverside (Riverside Homecare) as at 2 Nov 2026

        Sheet Notes: not read (no action plan headings found)
        Sheet Plan: headings in row 1; actions in row 2
          A  Action        action
          B  Owner         owner
          C  Due           due
        Sheet Old: not read (hidden)

        Problems (each stops the import):
          Plan row 2: no quality statement
            hint: add a 'Quality statement' column, or give --statement ID for rows that name none (or defaults: statements: [...] in a mapping file)

        Owners who could not be matched to the people register:
          'MP' could be mpatel (Meera Patel), mpearson (Mark Pearson): Plan row 2
          hint: say who in a mapping file: people: {'MP': PERSON_ID}

        Would create, once the problems are fixed, 1 concern and 1 action:
          MED-C2  Actions imported from plan.xlsx (Plan)
            MED-003  open  due 1 Dec 2026  -  Sort the rota  [Plan row 2]

        Nothing was written: 2 problems in 1 row. Fix them and run again, or pass --skip-invalid to import the rest.
        """
    )


def test_the_readme_mapping_example_is_a_valid_mapping_file(tmp_path: Path) -> None:
    import re

    from cqctrack.store.sheets import read_mapping

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    found = re.search(r"#### The mapping file\n.*?```yaml\n(.*?)```", readme, re.S)
    assert found
    path = tmp_path / "map.yaml"
    path.write_text(found.group(1))
    mapping = read_mapping(path)
    assert mapping.columns["notes for cqc"] == "detail"
    assert mapping.status["green"] == "closed"


def test_json_gives_every_finding_with_its_code_and_no_commit_leaves_the_files_staged_out(
    repo: Path, tmp_path: Path
) -> None:
    import json

    plan = legal_plan(tmp_path / "plan.xlsx")
    result = run(repo, "import", str(plan), "--tracker", "riverside", "--statement", "S8",
                 "--format", "json", "--dry-run")  # fmt: skip
    assert result.exit_code == 1, result.output
    payload = json.loads(result.stdout)
    assert (payload["errors"], payload["dry_run"], payload["commit"]) == (1, True, None)
    assert {
        "code": "import-unknown-person",
        "severity": "error",
        "sheet": "Action plan",
        "row": 6,
        "column": "E",
        "heading": "Person responsible",
        "message": "'Sarah J' is not in the people register",
        "hint": "add them to `people` in cqctrack.yaml, or map the name to a person id in a "
        "mapping file: people: {'Sarah J': PERSON_ID}",
    } in payload["findings"]
    assert [a["id"] for a in payload["actions"]] == [f"MED-00{n}" for n in range(3, 8)]
    kept = run(repo, "import", str(plan), "--tracker", "riverside", "--statement", "S8",
               "--skip-invalid", "--no-commit")  # fmt: skip
    assert kept.exit_code == 0, kept.output
    assert kept.output.endswith("Imported 4 actions, not committed (--no-commit).\n")
    assert sorted(git(repo, "status", "--porcelain").split("\n")) == [
        "",
        f"?? {BASE}/actions/MED-003.yaml",
        f"?? {BASE}/actions/MED-004.yaml",
        f"?? {BASE}/actions/MED-005.yaml",
        f"?? {BASE}/actions/MED-006.yaml",
        f"?? {BASE}/concerns/MED-C2.yaml",
        f"?? {BASE}/concerns/MED-C3.yaml",
    ]


def test_a_formula_whose_result_was_never_saved_is_a_problem_not_a_missing_date(
    repo: Path, tmp_path: Path
) -> None:
    plan = (
        Book()
        .sheet("Plan", [["Action", "Owner", "Deadline", "Quality statement"],
                        ["Sort the rota", "Meera Patel", "=DATE(2026,12,1)", "S6"]])
        .save(tmp_path / "plan.xlsx")
    )  # fmt: skip
    result = run(repo, "import", str(plan), "--tracker", "riverside")
    assert result.exit_code == 1, result.output
    assert (
        "Problems (each stops the import):\n"
        "  Plan row 2, column C (Deadline): the cell holds a formula (=DATE(2026,12,1)) whose "
        "result the workbook did not save\n"
        "    hint: open the workbook in Excel or LibreOffice and save it, so the results are "
        "stored, then import it again\n\n"
    ) in result.output


def test_importing_the_same_plan_again_imports_nothing_twice(repo: Path, tmp_path: Path) -> None:
    plan = trust_plan(tmp_path / "trust.xlsx")
    assert (
        run(repo, "import", str(plan), "--tracker", "riverside", "--statement", "S8").exit_code == 0
    )
    head = git(repo, "rev-parse", "HEAD")
    again = run(repo, "import", str(plan), "--tracker", "riverside", "--statement", "S8")
    assert again.exit_code == 0, again.output
    assert again.output.endswith(
        "Not imported:\n"
        "  Actions row 4: imported before, as MED-003: not imported again\n"
        "  Actions row 5: imported before, as MED-004: not imported again\n"
        "  Actions row 7: imported before, as MED-005: not imported again\n"
        "\n"
        "Nothing was written: there is nothing to import.\n"
    )
    assert git(repo, "rev-parse", "HEAD") == head
