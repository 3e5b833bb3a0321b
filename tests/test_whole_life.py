"""The whole life of the domain text's three examples, recorded with the CLI alone.

From `cqctrack init` to three closed concerns over four simulated months, in a
scratch repository: no hand edit, no manual `git add`. Each person acts under
their own git identity, on the day it happens. `check`, `review`, `show` and
`history` are read along the way, as a quality lead would.

This is the one long test in the suite (about 90 commands, each a real git commit;
around 15 seconds on a 2-core machine): it is the issue's definition of done, and
splitting it would lose what it proves, that the pieces work together over time.
Set CQCTRACK_TRANSCRIPT=FILE to keep the terminal run it replays.
"""

from __future__ import annotations

import json
import os
import shlex
from pathlib import Path

from typer.testing import CliRunner

from cqctrack.cli import app
from tests.conftest import git

runner = CliRunner()

PEOPLE = {
    # id: (name, role)
    "mpatel": ("Meera Patel", "registered-manager"),
    "dokafor": ("Daniel Okafor", "nominated-individual"),
    "hwhitfield": ("Helen Whitfield", "provider-representative"),
    "sbrennan": ("Sarah Brennan", "quality-lead"),
    "tadeyemi": ("Tunde Adeyemi", "training-lead"),
    "jcarter": ("Joanne Carter", "medicines-lead"),
    "lnowak": ("Lena Nowak", "care-coordinator"),
    "rhughes": ("Rachel Hughes", "registered-manager"),
    "akhan": ("Amir Khan", "deputy-manager"),
    "cevans": ("Chloe Evans", "key-worker"),
    "oreid": ("Olivia Reid", "team-leader"),
    "gfletcher": ("Graham Fletcher", "registered-manager"),
    "nsingh": ("Nadia Singh", "deputy-manager"),
    "dlewis": ("David Lewis", "line-manager"),
    "kmorris": ("Karen Morris", "administrator"),
}


class Life:
    """Runs cqctrack as a named person on a given day, and keeps the transcript."""

    def __init__(self, root: Path, downloads: Path) -> None:
        self.root = root
        self.downloads = downloads
        self.day = "2026-08-31"
        self.who = "mpatel"
        self.transcript: list[str] = []

    def on(self, day: str, who: str) -> Life:
        self.day, self.who = day, who
        return self

    def file(self, name: str, text: str) -> str:
        """An evidence file as it arrives: outside the repository, on someone's laptop."""
        path = self.downloads / name
        path.write_text(text)
        return str(path)

    def run(self, *args: str, code: int = 0, repo: bool = True) -> str:
        name = PEOPLE[self.who][0]
        email = f"{self.who}@example.org"
        stamp = f"{self.day}T10:00:00+00:00"
        env = {
            "GIT_AUTHOR_NAME": name,
            "GIT_AUTHOR_EMAIL": email,
            "GIT_COMMITTER_NAME": name,
            "GIT_COMMITTER_EMAIL": email,
            "GIT_AUTHOR_DATE": stamp,
            "GIT_COMMITTER_DATE": stamp,
        }
        dated = [*args]
        if args[0] not in ("init", "history", "frameworks"):
            dated += ["--as-of", self.day]
        argv = ["--repo", str(self.root), *dated] if repo else dated
        result = runner.invoke(app, argv, env=env)
        shown = " ".join(shlex.quote(a) for a in dated).replace(str(self.downloads), "~/Downloads")
        self.transcript.append(f"[{self.day}, {name}]\n$ cqctrack {shown}\n{result.output}")
        assert result.exit_code == code, f"cqctrack {shown}\n{result.output}"
        return result.output

    def review(self, *args: str) -> dict[str, dict]:
        out = self.run("review", *args, "--format", "json")
        return {row["id"]: row for row in json.loads(out)}

    def concerns(self) -> dict[str, dict]:
        out = self.run("review", "--concerns", "--format", "json")
        return {row["id"]: row for row in json.loads(out)}

    def meeting(self, name: str, plan: str) -> str:
        path = self.downloads / name
        path.write_text(plan)
        return self.run("meeting", "--from", str(path))


def test_the_three_examples_from_init_to_closed_concerns(tmp_path: Path, isolated_git) -> None:
    downloads = tmp_path / "Downloads"
    downloads.mkdir()
    root = tmp_path / "example-care"
    life = Life(root, downloads)
    try:
        _live(life)
    finally:
        target = os.environ.get("CQCTRACK_TRANSCRIPT")
        if target:
            Path(target).write_text("\n".join(life.transcript))


def _live(life: Life) -> None:  # one story, told in order
    root = life.root
    # --- setting up: the repository, the register, the three services --------------------
    life.on("2026-08-31", "mpatel")
    life.run(
        "init",
        str(root),
        "--provider",
        "Example Care Group Ltd",
        "--manager",
        "mpatel",
        "--name",
        "Meera Patel",
        "--email",
        "mpatel@example.org",
        repo=False,
    )
    for pid, (name, role) in PEOPLE.items():
        if pid != "mpatel":
            life.run(
                "people",
                "add",
                pid,
                "--name",
                name,
                "--role",
                role,
                "--email",
                f"{pid}@example.org",
            )
    assert "15 " not in life.run("people", "list")  # listed, one line each
    life.run(
        "new",
        "tracker",
        "riverside-homecare",
        "--name",
        "Riverside Homecare",
        "--service-type",
        "homecare",
        "--prefix",
        "MED",
        "--registered-manager",
        "mpatel",
        "--nominated-individual",
        "dokafor",
        "--provider-representative",
        "hwhitfield",
    )
    life.run(
        "new",
        "tracker",
        "maple-court",
        "--name",
        "Maple Court",
        "--service-type",
        "supported-living",
        "--prefix",
        "CP",
        "--registered-manager",
        "rhughes",
        "--nominated-individual",
        "dokafor",
    )
    life.run(
        "new",
        "tracker",
        "oakfield-house",
        "--name",
        "Oakfield House",
        "--service-type",
        "residential",
        "--prefix",
        "STF",
        "--registered-manager",
        "gfletcher",
        "--nominated-individual",
        "dokafor",
        "--provider-representative",
        "hwhitfield",
    )
    assert git(root, "status", "--porcelain") == ""

    # --- the first week: each service enters its concern, measure and actions ----------
    # Example 1, medicines audit findings (Riverside Homecare); example 2, care planning
    # (Maple Court); example 3, staffing governance (Oakfield House).
    life.on("2026-09-01", "jcarter")
    life.run(
        "new",
        "concern",
        "--tracker",
        "riverside-homecare",
        "--title",
        "Repeated gaps in medicines records",
        "--source",
        "internal-audit",
        "--statement",
        "s8",
        "--regulation",
        "12",
        "--risk",
        "high",
        "--source-ref",
        "QMS-AUD-2026-08",
        "--summary",
        "Missing signatures and unclear refusal recording on MAR charts",
    )
    life.run(
        "new",
        "measure",
        "--concern",
        "MED-C1",
        "--title",
        "Complete medicines records",
        "--target",
        "95",
        "--sustain",
        "3",
    )
    # The medicines lead enters each audit finding, with the person affected and the staff
    # member involved, by reference. A name typed by mistake never reaches a commit.
    refused = life.run(
        "new",
        "action",
        "--concern",
        "MED-C1",
        "--title",
        "Follow up missing signatures",
        "--owner",
        "lnowak",
        "--due",
        "2026-09-30",
        "--risk",
        "high",
        "--person-ref",
        "Mrs Jones",
        "--requires",
        "Follow-up record of the correction=supervision-record,care-record",
        "--outcome",
        "The care worker signs every administration",
        code=1,
    )
    assert "[privacy-person-ref]" in refused
    finding = [
        "--owner",
        "lnowak",
        "--due",
        "2026-09-30",
        "--risk",
        "high",
        "--requires",
        "Follow-up record of the correction=supervision-record,care-record",
        "--outcome",
        "Every administration signed by the care worker concerned",
    ]
    life.run(
        "new",
        "action",
        "--concern",
        "MED-C1",
        "--title",
        "Follow up missing signatures, 3 Aug round",
        "--person-ref",
        "SU-0412",
        "--staff-ref",
        "CW-014",
        *finding,
    )
    life.run(
        "new",
        "action",
        "--concern",
        "MED-C1",
        "--title",
        "Refusal not recorded, 9 Aug",
        "--person-ref",
        "SU-0398",
        "--staff-ref",
        "CW-014",
        *finding,
    )
    life.run(
        "new",
        "action",
        "--concern",
        "MED-C1",
        "--title",
        "Missing signature, 21 Aug",
        "--person-ref",
        "SU-0455",
        "--staff-ref",
        "CW-022",
        *finding,
    )
    life.run(
        "new",
        "action",
        "--concern",
        "MED-C1",
        "--title",
        "Competency checks for staff with repeated errors",
        "--owner",
        "tadeyemi",
        "--due",
        "2026-10-31",
        "--risk",
        "high",
        "--staff-ref",
        "CW-014",
        "--requires",
        "Observed competency check of each care worker with repeat errors=competency-assessment",
        "--outcome",
        "No repeat omissions by the same care worker for three monthly audits",
    )
    life.run(
        "new",
        "action",
        "--concern",
        "MED-C1",
        "--title",
        "Weekly return and office check of MAR charts",
        "--owner",
        "jcarter",
        "--due",
        "2026-11-30",
        "--risk",
        "medium",
        "--requires",
        "Weekly MAR check log=audit,medicines-record",
        "--outcome",
        "Every MAR chart back and checked within a week of the cycle ending",
    )
    assert life.run("check").endswith("no problems found.\n")
    concerns = life.concerns()
    assert concerns["MED-C1"]["staff_repeats"] == [
        {"ref": "CW-014", "actions": ["MED-001", "MED-002", "MED-004"], "competency_checks": []}
    ]

    life.on("2026-09-02", "akhan")
    life.run(
        "new",
        "concern",
        "--tracker",
        "maple-court",
        "--title",
        "Care plans not updated after changes",
        "--source",
        "internal-audit",
        "--statement",
        "R1",
        "--regulation",
        "9",
        "--risk",
        "high",
        "--summary",
        "Care plans not updated after changes in behaviour, health or family feedback",
    )
    life.run(
        "new",
        "measure",
        "--concern",
        "CP-C1",
        "--title",
        "High-risk changes updated within five working days",
        "--target",
        "100",
        "--sustain",
        "2",
    )
    life.run(
        "new",
        "action",
        "--concern",
        "CP-C1",
        "--title",
        "Review care plan after change in behaviour",
        "--owner",
        "cevans",
        "--due",
        "2026-09-16",
        "--risk",
        "high",
        "--person-ref",
        "SU-0231",
        "--requires",
        "Updated care plan with the person's involvement recorded=care-record",
        "--outcome",
        "Support guidance matches the person's current needs and daily notes",
    )
    life.run(
        "new",
        "action",
        "--concern",
        "CP-C1",
        "--title",
        "Brief staff on the updated guidance at handover",
        "--owner",
        "oreid",
        "--due",
        "2026-09-30",
        "--risk",
        "medium",
        "--requires",
        "Briefing log showing every shift briefed=briefing-log",
        "--outcome",
        "Every staff member on shift follows the updated routine",
    )
    life.on("2026-09-04", "kmorris")
    life.run(
        "new",
        "concern",
        "--tracker",
        "oakfield-house",
        "--title",
        "Staffing actions not followed through",
        "--source",
        "provider-review",
        "--statement",
        "WL1",
        "--regulation",
        "18",
        "--risk",
        "medium",
        "--summary",
        "Actions from supervision and dependency reviews not consistently followed through",
    )
    life.run(
        "new",
        "measure",
        "--concern",
        "STF-C1",
        "--title",
        "Staffing actions completed or escalated in time",
        "--target",
        "100",
        "--sustain",
        "2",
    )
    life.run(
        "new",
        "action",
        "--concern",
        "STF-C1",
        "--title",
        "Change the first-floor morning rota",
        "--owner",
        "nsingh",
        "--due",
        "2026-09-25",
        "--risk",
        "medium",
        "--by",
        "gfletcher",
        "--requires",
        "Updated rota with the extra carer=rota",
        "--outcome",
        "The first floor has two carers every morning for four weeks",
    )
    life.run(
        "new",
        "action",
        "--concern",
        "STF-C1",
        "--title",
        "Follow up supervision actions with each carer",
        "--owner",
        "dlewis",
        "--due",
        "2026-10-09",
        "--risk",
        "medium",
        "--by",
        "gfletcher",
        "--requires",
        "Supervision records showing the agreed actions followed up=supervision-record",
        "--outcome",
        "Every agreed supervision action is followed up at the next supervision",
    )
    # --- September: weekly reviews, evidence, first closures --------------------------
    life.on("2026-09-07", "mpatel")
    life.meeting(
        "2026-09-07-weekly.yaml",
        "level: weekly\nattendees: [mpatel, jcarter, lnowak]\n"
        "note: Weekly medicines management review\ndecisions:\n"
        "  - id: MED-001\n    decision: on-track\n    note: Care coordinator speaking to CW-014 this week\n"
        "  - id: MED-002\n    decision: on-track\n    note: Same care worker as MED-001; one conversation\n"
        "  - id: MED-003\n    decision: on-track\n    note: Care coordinator to follow up with CW-022\n"
        "  - id: MED-004\n    decision: challenge\n    note: CW-014 twice in one audit; book the competency check first\n"
        "  - id: MED-005\n    decision: on-track\n    note: Weekly return starts Monday\n",
    )

    life.on("2026-09-10", "lnowak")
    note = life.file(
        "follow-up-cw014.md", "Follow-up, 9 Sep: Mrs Jones's MAR gaps discussed with CW-014.\n"
    )
    refused = life.run(
        "evidence",
        "add",
        "MED-001",
        "--kind",
        "supervision-record",
        "--ref",
        note,
        "--copy",
        "--summary",
        "Gaps discussed and corrected",
        code=1,
    )
    assert (
        "holds what looks like a person's title and name (Mr* *****) [privacy-title-name]"
        in refused
    )
    note = life.file(
        "follow-up-cw014.md",
        "Follow-up, 9 Sep: SU-0412 MAR gaps discussed with CW-014.\n"
        "Signatures corrected; CW-014 to be observed (MED-004).\n",
    )
    for action in ("MED-001", "MED-002"):
        out = life.run(
            "evidence",
            "add",
            action,
            "--kind",
            "supervision-record",
            "--ref",
            note,
            "--copy",
            "--satisfies",
            "R1",
            "--staff-ref",
            "CW-014",
            "--summary",
            "Gaps discussed with the care worker and corrected",
        )
    assert "evidence/riverside-homecare/follow-up-cw014.md: same commit" in out or "MED-002" in out
    assert "evidence/riverside-homecare/follow-up-cw014.md" in git(root, "ls-files")
    again = life.run(
        "evidence",
        "add",
        "MED-001",
        "--kind",
        "supervision-record",
        "--ref",
        "evidence/riverside-homecare/follow-up-cw014.md",
        "--satisfies",
        "R1",
        "--summary",
        "Recorded again by mistake",
        "--date",
        "2026-09-10",
        code=1,
    )
    assert "[consistency-duplicate-evidence]" in again
    life.run("update", "MED-001", "--status", "awaiting-verification", "--note", "Follow-up done")
    life.run("update", "MED-002", "--status", "awaiting-verification", "--note", "Follow-up done")
    note = life.file(
        "follow-up-cw022.md", "Follow-up, 10 Sep: SU-0455 MAR gap discussed with CW-022.\n"
    )
    life.run(
        "evidence",
        "add",
        "MED-003",
        "--kind",
        "supervision-record",
        "--ref",
        note,
        "--copy",
        "--staff-ref",
        "CW-022",
        "--summary",
        "Gap discussed and corrected",
    )
    life.run("update", "MED-003", "--status", "awaiting-verification", "--note", "Follow-up done")

    life.on("2026-09-14", "mpatel")
    for action in ("MED-001", "MED-002", "MED-003"):
        life.run(
            "close",
            action,
            "--verified-by",
            "mpatel",
            "--outcome",
            "Sampled the next ten MARs for this care worker: every administration signed",
        )
    assert life.run("check").endswith("no problems found.\n")

    life.on("2026-09-15", "rhughes")
    life.run(
        "extend",
        "CP-001",
        "--to",
        "2026-09-30",
        "--reason",
        "Family meeting moved to 24 September",
        "--approved-by",
        "rhughes",
    )
    life.on("2026-09-21", "nsingh")
    rota = life.file(
        "rota-first-floor.md", "Rota w/c 21 Sep: first floor mornings, 2 carers each day.\n"
    )
    life.run(
        "evidence",
        "add",
        "STF-001",
        "--kind",
        "rota",
        "--ref",
        rota,
        "--copy",
        "--summary",
        "Extra morning carer on the first floor from 21 September",
    )
    # The weekly review three weeks in: the competency check has slipped out of review.
    life.on("2026-09-21", "mpatel")
    rows = life.review()
    assert rows["MED-004"]["brag"] == "red"
    assert "high-risk-unreviewed" in [f["code"] for f in rows["MED-004"]["findings"]]
    assert rows["CP-001"]["extensions"] == {"logged": 1, "unlogged": 0, "total": 1}
    life.on("2026-09-25", "cevans")
    plan = life.file(
        "su0231-care-plan-review.md", "Care plan review, 24 Sep, with SU-0231 and representative.\n"
    )
    life.run(
        "evidence",
        "add",
        "CP-001",
        "--kind",
        "care-record",
        "--ref",
        plan,
        "--copy",
        "--summary",
        "Plan updated with the person and their representative",
    )
    life.on("2026-09-28", "oreid")
    brief = life.file(
        "handover-briefing-log.md", "Handover briefing log, 26-28 Sep: all 6 shifts briefed.\n"
    )
    life.run(
        "evidence",
        "add",
        "CP-002",
        "--kind",
        "briefing-log",
        "--ref",
        brief,
        "--copy",
        "--summary",
        "All six shifts briefed on the new routine",
    )
    # Provider scrutiny of the whole concern, not action by action.
    life.on("2026-09-30", "dokafor")
    life.run(
        "oversight",
        "MED-C1",
        "--decision",
        "challenge",
        "--level",
        "monthly",
        "--note",
        "CW-014 recurs: corrections alone will not change practice; competency check by October",
    )
    # Provider challenge: briefing alone does not show staff follow the guidance.
    life.on("2026-09-30", "rhughes")
    life.run(
        "requirement",
        "add",
        "CP-002",
        "--description",
        "Observed handover using the new guidance",
        "--kinds",
        "practice-observation",
        "--approved-by",
        "rhughes",
        "--reason",
        "Quality lead: a briefing log does not show practice has changed",
    )
    # --- October: provider challenge, corrections, closures, a reopening -----------------
    life.on("2026-10-01", "jcarter")
    audit = life.file(
        "2026-09-medicines-audit.md", "September audit: 56 of 61 MARs complete (91.8%).\n"
    )
    life.run(
        "measure",
        "record",
        "MED-M1",
        "--period",
        "2026-09",
        "--value",
        "91.8",
        "--ref",
        audit,
        "--copy",
    )

    life.on("2026-10-01", "sbrennan")
    life.run(
        "oversight",
        "maple-court",
        "--decision",
        "challenge",
        "--level",
        "monthly",
        "--note",
        "Overdue care plan actions must fall; observe practice, not just briefings",
    )
    life.on("2026-10-05", "oreid")
    seen = life.file(
        "handover-observation.md", "Observed two handovers, 3-4 Oct: new guidance followed.\n"
    )
    life.run(
        "evidence",
        "add",
        "CP-002",
        "--kind",
        "practice-observation",
        "--ref",
        seen,
        "--copy",
        "--satisfies",
        "R2",
        "--summary",
        "Two handovers observed; guidance followed",
    )
    life.on("2026-10-06", "rhughes")
    for action in ("CP-001", "CP-002"):
        life.run(
            "close",
            action,
            "--verified-by",
            "rhughes",
            "--outcome",
            "Sampled the updated plan against a week of daily notes: practice matches the guidance",
        )
    history = life.run("history", "CP-002")
    assert (
        "evidence requirement R2 added: Observed handover using the new guidance, approved by rhughes"
        in history
    )
    life.on("2026-10-07", "dlewis")
    sup = life.file(
        "supervision-follow-up.md",
        "Supervision follow-ups, Sep-Oct: 14 of 14 actions followed up.\n",
    )
    life.run(
        "evidence",
        "add",
        "STF-002",
        "--kind",
        "supervision-record",
        "--ref",
        sup,
        "--copy",
        "--staff-ref",
        "CW-101",
        "--summary",
        "All fourteen agreed actions followed up",
    )
    # A wrongly dated entry blocks a closure, and is corrected, not rewritten.
    life.on("2026-10-09", "tadeyemi")
    check = life.file(
        "cw014-competency.md",
        "Observed medicines round, 6 Oct: CW-014 competent on all 9 visits.\n",
    )
    life.run(
        "evidence",
        "add",
        "MED-004",
        "--kind",
        "competency-assessment",
        "--ref",
        check,
        "--copy",
        "--staff-ref",
        "CW-014",
        "--summary",
        "Observed round; competent on all nine visits",
    )
    life.run("update", "MED-004", "--status", "awaiting-verification", "--note", "Observation done")
    life.on("2026-10-09", "gfletcher")
    life.run(
        "close",
        "STF-001",
        "--verified-by",
        "gfletcher",
        "--outcome",
        "Four weeks of rotas checked: two carers on the first floor every morning",
    )
    life.run(
        "close",
        "STF-002",
        "--verified-by",
        "gfletcher",
        "--outcome",
        "Fourteen supervision records checked: every agreed action followed up next time",
    )
    life.on("2026-10-12", "mpatel")
    blocked = life.run(
        "close",
        "MED-004",
        "--verified-by",
        "mpatel",
        "--date",
        "2026-10-08",
        "--outcome",
        "CW-014 observed as competent and no repeat in the October spot check",
        code=1,
    )
    assert "closure date 2026-10-08 is before evidence E1 (2026-10-09)" in blocked
    life.run(
        "correct",
        "MED-004",
        "evidence",
        "E1",
        "--date",
        "2026-10-06",
        "--reason",
        "Recorded on the day it was written up; the observation was on 6 October",
    )
    life.run(
        "close",
        "MED-004",
        "--verified-by",
        "mpatel",
        "--date",
        "2026-10-08",
        "--outcome",
        "CW-014 observed as competent and no repeat in the October spot check",
    )
    shown = life.run("show", "MED-004")
    assert "REPLACED: replaced by E2 on 12 Oct 2026 by mpatel" in shown
    assert (
        "R1  Observed competency check of each care worker with repeat errors (competency-assessment): met by E2"
        in shown
    )
    history = life.run("history", "MED-004")
    assert "evidence E1 corrected as E2 by mpatel (date 2026-10-09 → 2026-10-06)" in history
    assert life.concerns()["MED-C1"]["staff_repeats"][0]["competency_checks"] == ["MED-004 E2"]

    # The provider's monthly meeting finds the supervision closure premature: reopened.
    life.on("2026-10-30", "hwhitfield")
    life.run(
        "oversight",
        "oakfield-house",
        "--decision",
        "challenge",
        "--level",
        "monthly",
        "--note",
        "Staff still report unclear responsibilities on nights",
    )
    life.on("2026-10-30", "gfletcher")
    out = life.run(
        "reopen",
        "STF-002",
        "--reason",
        "Night staff were not included in the sample",
        "--due",
        "2026-11-20",
    )
    rows = life.review()
    assert rows["STF-002"]["extensions"]["total"] == 0
    assert "reopened" in [f["code"] for f in rows["STF-002"]["findings"]]
    # --- November and December: readings, a leaver, the last closures ------------------
    life.on("2026-11-02", "jcarter")
    audit = life.file(
        "2026-10-medicines-audit.md", "October audit: 59 of 61 MARs complete (96.7%).\n"
    )
    life.run(
        "measure",
        "record",
        "MED-M1",
        "--period",
        "2026-10",
        "--value",
        "96.7",
        "--ref",
        audit,
        "--copy",
    )
    log = life.file(
        "mar-weekly-check-log.md",
        "Weekly MAR returns, Sep-Oct: 8 of 8 weeks checked within 7 days.\n",
    )
    life.run(
        "evidence",
        "add",
        "MED-005",
        "--kind",
        "audit",
        "--ref",
        log,
        "--copy",
        "--summary",
        "Eight weekly returns checked on time",
    )

    life.on("2026-11-02", "akhan")
    for period, value in (("2026-09", "100"), ("2026-10", "100")):
        life.run(
            "measure",
            "record",
            "CP-M1",
            "--period",
            period,
            "--value",
            value,
            "--ref",
            f"QMS-CP-{period}",
            "--document",
        )

    concerns = life.concerns()
    assert concerns["CP-C1"]["resolved"] is True and concerns["MED-C1"]["resolved"] is False
    life.on("2026-11-13", "dlewis")
    nights = life.file(
        "supervision-nights.md", "Night staff supervisions, Nov: 6 of 6 actions followed up.\n"
    )
    life.run(
        "evidence",
        "add",
        "STF-002",
        "--kind",
        "supervision-record",
        "--ref",
        nights,
        "--copy",
        "--summary",
        "Night staff supervision actions followed up",
    )
    life.on("2026-11-16", "hwhitfield")
    life.meeting(
        "2026-11-16-provider.yaml",
        "level: monthly\nattendees: [hwhitfield, gfletcher, dokafor]\n"
        "note: Provider oversight of workforce actions\ndecisions:\n"
        "  - id: STF-002\n    decision: approve-closure\n    note: Night staff now included; evidence covers both\n"
        "  - id: STF-C1\n    decision: on-track\n    note: Staffing actions now closed or escalated on time\n",
    )
    life.on("2026-11-16", "gfletcher")
    life.run(
        "close",
        "STF-002",
        "--verified-by",
        "gfletcher",
        "--outcome",
        "Day and night supervision records checked: every agreed action followed up",
    )
    # The medicines lead leaves; her open action is reassigned in the same commit.
    life.on("2026-11-20", "mpatel")
    out = life.run("people", "leave", "jcarter", "--reassign-to", "lnowak")
    assert "1 open action reassigned to lnowak" in out
    refused = life.run("update", "MED-005", "--owner", "jcarter", code=1)
    assert "Joanne Carter left on 20 Nov 2026" in refused
    life.on("2026-12-01", "lnowak")
    audit = life.file(
        "2026-11-medicines-audit.md", "November audit: 60 of 61 MARs complete (98.4%).\n"
    )
    life.run(
        "measure",
        "record",
        "MED-M1",
        "--period",
        "2026-11",
        "--value",
        "89.4",
        "--ref",
        audit,
        "--copy",
    )
    life.run(
        "correct",
        "MED-M1",
        "reading",
        "2026-11",
        "--value",
        "98.4",
        "--reason",
        "Digits swapped when typing the audit result",
    )
    life.run(
        "update", "MED-005", "--status", "awaiting-verification", "--note", "Eleven weeks checked"
    )
    life.on("2026-12-01", "kmorris")
    for period in ("2026-10", "2026-11"):
        life.run(
            "measure",
            "record",
            "STF-M1",
            "--period",
            period,
            "--value",
            "100",
            "--ref",
            f"WF-TRACKER-{period}",
            "--document",
        )

    life.on("2026-12-02", "mpatel")
    life.run(
        "close",
        "MED-005",
        "--verified-by",
        "mpatel",
        "--outcome",
        "Eleven weekly returns all checked within seven days of the cycle ending",
    )

    # --- the state at the end ------------------------------------------------------------
    life.on("2027-01-04", "lnowak")
    audit = life.file(
        "2026-12-medicines-audit.md", "December audit: 60 of 61 MARs complete (98.4%).\n"
    )
    life.run(
        "measure",
        "record",
        "MED-M1",
        "--period",
        "2026-12",
        "--value",
        "98.4",
        "--ref",
        audit,
        "--copy",
    )
    life.on("2027-01-04", "mpatel")
    assert life.run("check", "--strict").endswith("no problems found.\n")
    concerns = life.concerns()
    assert {cid: c["resolved"] for cid, c in concerns.items()} == {
        "MED-C1": True,
        "CP-C1": True,
        "STF-C1": True,
    }, concerns
    assert life.run("review") == "No actions need attention as at 4 Jan 2027.\n"
    closed = life.review("--status", "closed")
    assert sorted(closed) == [
        "CP-001",
        "CP-002",
        "MED-001",
        "MED-002",
        "MED-003",
        "MED-004",
        "MED-005",
        "STF-001",
        "STF-002",
    ]
    assert {row["brag"] for row in closed.values()} == {"blue"}
    shown = life.run("show", "MED-C1")
    assert "\nResolved\n" in shown
    assert (
        "CW-014 on 3 actions (MED-001, MED-002, MED-004), competency checked (MED-004 E2)" in shown
    )
    reading = life.run("show", "MED-M1")
    assert "REPLACED: replaced by readings[4] on 1 Dec 2026 by lnowak" in reading
    stf = life.run("history", "STF-002")
    assert "due moved 9 Oct 2026 → 20 Nov 2026 on reopening, by gfletcher (not an extension)" in stf
    assert "monthly oversight by hwhitfield: approve-closure" in stf
    summary = life.run("summary")
    assert "Concerns       3, 3 resolved" in summary
    # Nothing was ever written outside cqctrack's own commits.
    assert git(root, "status", "--porcelain") == ""
    subjects = git(root, "log", "--format=%b").count("Cqctrack-Version:")
    assert subjects == int(git(root, "rev-list", "--count", "HEAD").strip())
