"""Governance proven from git (issue 9), through the command line in real repositories.

Each case the issue lists is refused when recording, or flagged by `check`,
`review`, `summary` and `history`, with the exact message.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cqctrack.cli import app
from tests.cli.test_record import A1, cli
from tests.conftest import commit_all, git
from tests.helpers import minimal_repo

runner = CliRunner()

# --- the right people at each level ---------------------------------------------------


def test_an_owner_recording_provider_scrutiny_of_their_own_action_is_refused(
    git_repo: Path,
) -> None:
    before = (git_repo / A1).read_bytes()
    result = cli(
        git_repo,
        "oversight",
        "MED-001",
        "--decision",
        "on-track",
        "--level",
        "monthly",
        "--by",
        "tokafor",
        "--note",
        "All fine",
    )
    assert result.exit_code == 1, result.output
    assert result.output == (
        "error: the monthly oversight of MED-001 was not recorded\n"
        "  - tokafor owns the action and cannot record oversight of it\n"
        "  - tokafor is a medicines-lead, who may not record monthly provider scrutiny\n"
    )
    assert (git_repo / A1).read_bytes() == before


def test_a_registered_manager_may_not_record_monthly_provider_scrutiny(git_repo: Path) -> None:
    result = cli(
        git_repo, "oversight", "MED-001", "--decision", "on-track", "--level", "monthly",
        "--note", "Trend reviewed",
    )  # fmt: skip
    assert result.exit_code == 1, result.output
    assert result.output == (
        "error: the monthly oversight of MED-001 was not recorded\n"
        "  - mpatel is a registered-manager, who may not record monthly provider scrutiny\n"
    )


def test_without_a_level_the_nominated_individual_records_provider_scrutiny(
    git_repo: Path,
) -> None:
    result = cli(
        git_repo, "oversight", "MED-001", "--decision", "challenge", "--by", "jreed",
        "--note", "Why only one of three?",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "    by: jreed\n    level: monthly\n" in (git_repo / A1).read_text()


# --- honest dates -----------------------------------------------------------------------


def test_a_reading_for_a_month_that_has_not_ended_is_refused(git_repo: Path) -> None:
    for period, ends in (("2026-12", "31 Dec 2026"), ("2027-01", "31 Jan 2027")):
        result = cli(
            git_repo, "measure", "record", "MED-M1", "--period", period, "--value", "97",
            "--ref", "QMS-AUD-X", "--document", on="2026-12-01",
        )  # fmt: skip
        assert result.exit_code == 1, result.output
        label = "Dec 2026" if period == "2026-12" else "Jan 2027"
        assert result.output == (
            "error: the reading was not recorded\n"
            f"  - the reading for {label} was recorded on 1 Dec 2026, before the period "
            f"ended ({ends})\n"
        )
    ok = cli(
        git_repo, "measure", "record", "MED-M1", "--period", "2026-11", "--value", "97",
        "--ref", "QMS-AUD-2026-11", "--document", on="2026-12-01",
    )  # fmt: skip
    assert ok.exit_code == 0, ok.output


def test_check_reports_a_reading_recorded_before_its_period_ended(git_repo: Path) -> None:
    measure = git_repo / "trackers/riverside/measures/MED-M1.yaml"
    measure.write_text(
        measure.read_text() + "  - period: 2026-12\n    value: 99\n    document: QMS-AUD-2026-12\n"
        "    recorded: 2026-12-01\n"
    )
    result = runner.invoke(
        app, ["--repo", str(git_repo), "check", "--as-of", "2027-01-05", "--select", "consistency"]
    )
    assert result.exit_code == 1, result.output
    assert result.output.splitlines()[:2] == [
        "trackers/riverside/measures/MED-M1.yaml:13:5: error: the reading for Dec 2026 was "
        "recorded on 1 Dec 2026, before the period ended (31 Dec 2026) "
        "[consistency-period-not-ended]",
        "    hint: a period's reading is recorded after it ends; remove it and record it again then",
    ]


# --- two identities in one repository ----------------------------------------------------

GOVERNED = """\
version: 1
provider: Test Care Ltd
people:
  mpatel:
    name: Meera Patel
    role: registered-manager
    emails: [meera@example.org]
  tokafor:
    name: Tunde Okafor
    role: medicines-lead
    emails: [tunde@example.org]
  jreed:
    name: Jo Reed
    role: nominated-individual
    emails: [jo@example.org]
policy:
  signoff:
    imported_until: 2026-09-01
"""
MEERA = "Meera Patel <meera@example.org>"
TUNDE = "Tunde Okafor <tunde@example.org>"
JO = "Jo Reed <jo@example.org>"
OUTCOME = "Competency observed for both staff and no repeat MAR omissions since."


@pytest.fixture
def governed(tmp_path: Path, isolated_git: dict[str, str]) -> Path:
    """The minimal repository with everyone's e-mails, imported on 1 Sep 2026."""
    root = minimal_repo(tmp_path / "repo", **{"cqctrack.yaml": GOVERNED})
    (root / "evidence" / "competency.md").write_text("Competency check record\n")
    git(root, "init", "-q")
    commit_all(root, "Start trackers", "2026-09-01")
    return root


def as_(repo: Path, who: str, *args: str, on: str = "2026-10-20"):
    """Run cqctrack as `who` ("Name <email>") on day `on`."""
    name, email = who.removesuffix(">").split(" <")
    env = {
        "GIT_AUTHOR_DATE": f"{on}T10:00:00+00:00",
        "GIT_COMMITTER_DATE": f"{on}T10:00:00+00:00",
        "GIT_AUTHOR_NAME": name,
        "GIT_AUTHOR_EMAIL": email,
        "GIT_COMMITTER_NAME": name,
        "GIT_COMMITTER_EMAIL": email,
    }
    return runner.invoke(app, ["--repo", str(repo), *args, "--as-of", on], env=env)


def add_evidence(repo: Path, on: str = "2026-10-15") -> None:
    result = as_(
        repo, TUNDE, "evidence", "add", "MED-001", "--kind", "competency-assessment",
        "--ref", "evidence/competency.md", "--summary", "Observed; competent", on=on,
    )  # fmt: skip
    assert result.exit_code == 0, result.output


def test_the_owner_closing_in_the_verifiers_name_is_refused(governed: Path) -> None:
    add_evidence(governed)
    before = (governed / A1).read_bytes()
    result = as_(
        governed, TUNDE, "close", "MED-001", "--verified-by", "mpatel", "--outcome", OUTCOME
    )
    assert result.exit_code == 1, result.output
    assert result.output == (
        "error: MED-001 cannot be closed:\n"
        "  - the closure would be committed by Tunde Okafor <tunde@example.org>, not by the "
        "verifier, mpatel (policy signoff.proof: author)\n"
        "  hint: nothing was written; close it once every condition above is met\n"
    )
    assert (governed / A1).read_bytes() == before
    done = as_(governed, MEERA, "close", "MED-001", "--verified-by", "mpatel", "--outcome", OUTCOME)
    assert done.exit_code == 0, done.output


def test_approvals_in_someone_elses_name_are_refused(governed: Path) -> None:
    extend = as_(
        governed, TUNDE, "extend", "MED-001", "--to", "2026-11-30", "--reason", "Leave",
        "--approved-by", "mpatel",
    )  # fmt: skip
    assert extend.exit_code == 1, extend.output
    assert extend.output == (
        "error: MED-001 was not extended\n"
        "  - the extension approved on 20 Oct 2026 would be committed by Tunde Okafor "
        "<tunde@example.org>, not by its approver, mpatel (policy signoff.proof: author)\n"
    )
    cancel = as_(
        governed, TUNDE, "cancel", "MED-001", "--reason", "Superseded", "--approved-by", "jreed"
    )
    assert cancel.exit_code == 1, cancel.output
    assert cancel.output == (
        "error: MED-001 was not cancelled\n"
        "  - the cancellation would be committed by Tunde Okafor <tunde@example.org>, not by "
        "its approver, jreed (policy signoff.proof: author)\n"
    )
    decision = as_(
        governed, TUNDE, "oversight", "MED-001", "--decision", "reject-closure", "--by",
        "mpatel", "--note", "Not enough",
    )  # fmt: skip
    assert decision.exit_code == 1, decision.output
    assert decision.output == (
        "error: the weekly oversight of MED-001 was not recorded\n"
        "  - the reject-closure decision of 20 Oct 2026 would be committed by Tunde Okafor "
        "<tunde@example.org>, not by its reviewer, mpatel (policy signoff.proof: author)\n"
    )


def test_recording_policy_trusts_the_file(governed: Path) -> None:
    config = governed / "cqctrack.yaml"
    config.write_text(config.read_text() + "    proof: recorded\n")
    commit_all(governed, "Trust the files", "2026-10-01", author=MEERA)
    add_evidence(governed)
    result = as_(
        governed, TUNDE, "close", "MED-001", "--verified-by", "mpatel", "--outcome", OUTCOME
    )
    assert result.exit_code == 0, result.output


def close_by_hand(repo: Path, who: str, on: str, verifier: str = "mpatel") -> None:
    path = repo / A1
    path.write_text(
        path.read_text().replace("status: in-progress", "status: closed")
        + f"closure:\n  date: {on}\n  verified_by: {verifier}\n  outcome: {OUTCOME}\n"
    )
    commit_all(repo, "Close MED-001", on, author=who)


def check(repo: Path, *args: str, on: str = "2026-11-23"):
    return runner.invoke(app, ["--repo", str(repo), "check", "--as-of", on, *args])


def test_a_closure_committed_by_the_owner_is_flagged_everywhere(governed: Path) -> None:
    add_evidence(governed)
    close_by_hand(governed, TUNDE, "2026-10-22")
    result = check(governed)
    assert result.exit_code == 1, result.output
    assert result.output.splitlines()[:2] == [
        f"{A1}:24:1: error: the closure was committed by Tunde Okafor <tunde@example.org>, "
        "not by the verifier, mpatel (policy signoff.proof: author) [signoff-not-by-signer]",
        "    hint: a sign-off is committed by the person who signs off: ask mpatel to record "
        "it from their own git identity, or correct the entry",
    ]
    review = runner.invoke(
        app, ["--repo", str(governed), "review", "--flagged", "--as-of", "2026-11-23"]
    )
    assert review.exit_code == 0, review.output
    lines = review.output.splitlines()
    assert lines[0] == "Actions as at 23 Nov 2026: flagged in history"
    assert lines[3].startswith("MED-001  Red ")
    assert lines[4].strip() == (
        "why: the closure was committed by Tunde Okafor <tunde@example.org>, not by the "
        "verifier, mpatel (policy signoff.proof: author)"
    )
    assert lines[5].strip() == "escalate to the registered manager, Meera Patel"
    default = runner.invoke(app, ["--repo", str(governed), "review", "--as-of", "2026-11-23"])
    assert "MED-001  Red" in default.output  # a closed action, in the weekly review
    summary = runner.invoke(
        app, ["--repo", str(governed), "summary", "--as-of", "2026-11-23", "--format", "json"]
    )
    assert json.loads(summary.output)["history_flags"] == {
        "actions": 1,
        "by_code": {"signoff-not-by-signer": 1},
    }
    history = runner.invoke(app, ["--repo", str(governed), "history", "MED-001"])
    assert (
        "! the closure was committed by Tunde Okafor <tunde@example.org>, not by the "
        "verifier, mpatel (policy signoff.proof: author)" in history.output
    )


def set_policy(repo: Path, old: str, new: str, who: str, on: str) -> None:
    config = repo / "cqctrack.yaml"
    text = config.read_text()
    assert old in text
    config.write_text(text.replace(old, new))
    commit_all(repo, f"Policy: {new.strip()}", on, author=who)


def test_a_registered_managers_closure_under_a_relaxed_policy_is_flagged(governed: Path) -> None:
    # Meera owns MED-001, relaxes the rule, closes her own action, and puts it back.
    path = governed / A1
    path.write_text(path.read_text().replace("owner: tokafor", "owner: mpatel"))
    commit_all(governed, "Take over MED-001", "2026-10-01", author=MEERA)
    add_evidence(governed)
    set_policy(
        governed, "policy:\n", "policy:\n  closure:\n    verifier_may_be_owner: true\n", MEERA,
        "2026-11-02",
    )  # fmt: skip
    closed = as_(
        governed, MEERA, "close", "MED-001", "--verified-by", "mpatel", "--outcome", OUTCOME,
        on="2026-11-03",
    )  # fmt: skip
    assert closed.exit_code == 0, closed.output
    set_policy(
        governed, "verifier_may_be_owner: true", "verifier_may_be_owner: false", MEERA,
        "2026-11-04",
    )  # fmt: skip
    result = check(governed, "--select", "policy,signoff,closure")
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    assert lines[0] == (
        "cqctrack.yaml:18:5: warning: closure.verifier_may_be_owner relaxed (false → true) by "
        "Meera Patel on 2 Nov 2026, put back by Meera Patel on 4 Nov 2026 [policy-relaxed]"
    )
    assert (
        f"{A1}:24:1: warning: the closure was recorded on 3 Nov 2026 while "
        "closure.verifier_may_be_owner relaxed (false → true) by Meera Patel on 2 Nov 2026, "
        "put back by Meera Patel on 4 Nov 2026; the rules before it would have refused it: "
        "the verifier (mpatel) is the action's owner [signoff-under-relaxation]"
    ) in lines
    assert (
        f"{A1}:26:3: error: the verifier (mpatel) is the action's owner; closure needs "
        "independent verification [closure-verifier-is-owner]"
    ) in lines
    review = runner.invoke(app, ["--repo", str(governed), "review", "--as-of", "2026-11-23"])
    assert (
        "warning: policy closure.verifier_may_be_owner relaxed (false → true) by Meera Patel on "
        "2 Nov 2026, put back by Meera Patel on 4 Nov 2026; sign-offs recorded while it stood "
        "are flagged on their actions (`cqctrack history cqctrack.yaml`)"
    ) in review.stderr
    summary = runner.invoke(app, ["--repo", str(governed), "summary", "--as-of", "2026-11-23"])
    assert (
        "Policy relaxed  closure.verifier_may_be_owner relaxed (false → true) by Meera Patel on "
        "2 Nov 2026, put back by Meera Patel on 4 Nov 2026"
    ) in summary.output


def test_an_entry_dated_after_its_commit_is_an_error(governed: Path) -> None:
    path = governed / A1
    path.write_text(
        path.read_text() + "reviews:\n  - date: 2026-10-25\n    by: mpatel\n    level: weekly\n"
        "    decision: on-track\n    note: Fine.\n"
    )
    commit_all(governed, "Review", "2026-10-20", author=MEERA)
    result = check(governed, "--select", "audit")
    assert result.exit_code == 1, result.output
    sha = git(governed, "rev-parse", "--short=8", "HEAD").strip()
    assert result.output.splitlines()[:2] == [
        f"{A1}:17:5: error: a review is dated 25 Oct 2026, after the commit that added it "
        f"({sha} by Meera Patel on 20 Oct 2026) [audit-dated-after-commit]",
        "    hint: entries record what has happened: date them on or before the day they are "
        "committed",
    ]


def test_recording_as_of_a_day_after_the_commit_is_refused(governed: Path) -> None:
    env = {"GIT_AUTHOR_DATE": "2026-10-20T10:00:00+00:00"}
    result = runner.invoke(
        app,
        ["--repo", str(governed), "oversight", "MED-001", "--decision", "on-track", "--note",
         "x", "--as-of", "2026-10-25"],
        env=env,
    )  # fmt: skip
    assert result.exit_code == 2, result.output
    assert result.output == (
        "error: --as-of 2026-10-25 is after the day the commit would carry (2026-10-20)\n"
        "  hint: record events on or after the day they happen; --as-of on a recording command "
        "may only go back\n"
    )


def test_a_review_written_up_weeks_later_does_not_reset_the_cadence(governed: Path) -> None:
    monthly = as_(
        governed, JO, "oversight", "MED-001", "--decision", "on-track", "--note", "Trend fine",
        on="2026-11-02",
    )  # fmt: skip
    assert monthly.exit_code == 0, monthly.output
    late = as_(
        governed, MEERA, "oversight", "MED-001", "--decision", "on-track", "--note", "Fine",
        "--date", "2026-11-06", on="2026-11-20",
    )  # fmt: skip
    assert late.exit_code == 0, late.output
    assert late.stderr == (
        "note: dated 14 days before it is recorded; beyond policy audit.backdating_days (7) "
        "history flags it as back-dated, and a review dated so far back does not reset the "
        "review cadence\n"
    )
    review = runner.invoke(
        app, ["--repo", str(governed), "review", "--as-of", "2026-11-23", "--format", "json"]
    )
    row = next(r for r in json.loads(review.stdout) if r["id"] == "MED-001")
    assert row["brag"] == "red"
    assert row["reasons"] == [
        "overdue by 23 days, beyond the 14-day grace period",
        "high-risk action not reviewed for 21 days; the review of 6 Nov 2026 by Meera Patel "
        "does not count (it was recorded 14 days after the date it carries (policy "
        "audit.backdating_days: 7)) (policy: 7)",
        "a review dated 6 Nov 2026 was committed 14 days later (20 Nov 2026)",
    ]


def test_the_registered_managers_own_overdue_action_escalates_to_provider_level(
    governed: Path,
) -> None:
    path = governed / A1
    path.write_text(path.read_text().replace("owner: tokafor", "owner: mpatel"))
    commit_all(governed, "Take over MED-001", "2026-10-01", author=MEERA)
    for level, on in (("monthly", "2026-11-01"), ("weekly", "2026-11-04")):
        reviewed = as_(
            governed, JO, "oversight", "MED-001", "--decision", "on-track", "--level", level,
            "--note", "Seen", on=on,
        )  # fmt: skip
        assert reviewed.exit_code == 0, reviewed.output
    review = runner.invoke(app, ["--repo", str(governed), "review", "--as-of", "2026-11-05"])
    assert review.exit_code == 0, review.output
    assert (
        "escalate to provider level: Jo Reed (nominated individual), because the registered "
        "manager, Meera Patel, owns the action"
    ) in review.output
    assert "escalate to the registered manager" not in review.output


# --- a cqctrack commit holds only what cqctrack wrote -------------------------------------


def test_a_file_with_uncommitted_changes_is_refused_unless_included(governed: Path) -> None:
    path = governed / A1
    path.write_text(path.read_text().replace("risk: high", "risk: medium"))
    refused = as_(governed, MEERA, "oversight", "MED-001", "--decision", "on-track", "--note", "x")
    assert refused.exit_code == 3, refused.output
    assert refused.output == (
        f"{A1}: error: the file has changes that are not committed, so nothing was changed\n"
        "  hint: commit them first (`git commit` the file) so the event is not recorded under "
        "them, discard them (`git restore` the file), pass --include-changes to commit them "
        "with the event, or pass --no-commit\n"
    )
    included = as_(
        governed, MEERA, "oversight", "MED-001", "--decision", "on-track", "--note", "x",
        "--include-changes",
    )  # fmt: skip
    assert included.exit_code == 0, included.output
    message = git(governed, "log", "-1", "--format=%B")
    assert message == (
        "MED-001: weekly oversight, on-track (mpatel)\n\n"
        f"This commit also holds changes to {A1} that were made by hand before this command "
        "and not committed (--include-changes).\n\n"
        "Action: MED-001\nEvent: reviewed\nDecision: on-track\nRecorded-By: mpatel\n"
        "Includes-Uncommitted-Changes: yes\nCqctrack-Version: 0.1.0\n\n"
    )
    assert "risk: medium" in git(governed, "show", "HEAD:" + A1)


# --- policy and register changes are audited -----------------------------------------------


def test_history_of_cqctrack_yaml_shows_policy_and_register_changes_and_flags_relaxations(
    governed: Path,
) -> None:
    set_policy(
        governed, "policy:\n", "policy:\n  closure:\n    verifier_may_be_owner: true\n", MEERA,
        "2026-11-02",
    )  # fmt: skip
    set_policy(governed, "role: medicines-lead", "role: deputy-manager", JO, "2026-11-03")
    result = runner.invoke(app, ["--repo", str(governed), "history", "cqctrack.yaml"])
    assert result.exit_code == 0, result.output
    lines = [re.sub(r"  [0-9a-f]{8}  ", "  ", line) for line in result.output.splitlines()]
    assert lines == [
        "cqctrack.yaml  Test Care Ltd",
        "cqctrack.yaml",
        "",
        " 1 Sep 2026  Meera Patel  created: Test Care Ltd, 3 people  [hand edit]",
        " 2 Nov 2026  Meera Patel  policy.closure added: {verifier_may_be_owner: true}  [hand edit]",
        "                                    ! closure.verifier_may_be_owner relaxed (false → true) "
        "by Meera Patel on 2 Nov 2026",
        " 3 Nov 2026  Jo Reed      people.tokafor.role changed medicines-lead → deputy-manager  "
        "[hand edit]",
        "                                    ! people.tokafor.role relaxed (medicines-lead → "
        "deputy-manager) by Jo Reed on 3 Nov 2026",
        "",
        "2 things for a reviewer to look at (marked !).",
    ]


def test_history_of_a_measure_flags_a_reading_committed_before_its_month_ended(
    governed: Path,
) -> None:
    measure = governed / "trackers/riverside/measures/MED-M1.yaml"
    measure.write_text(
        measure.read_text() + "  - period: 2026-10\n    value: 97\n    document: QMS-10\n"
    )
    commit_all(governed, "October reading", "2026-10-28", author=TUNDE)
    result = runner.invoke(app, ["--repo", str(governed), "history", "MED-M1", "-f", "json"])
    assert result.exit_code == 0, result.output
    event = json.loads(result.stdout)["events"][-1]
    assert (event["event"], event["text"], event["flags"]) == (
        "reading-added",
        "reading for 2026-10 added: 97",
        [
            "the reading for Oct 2026 was recorded on 28 Oct 2026, before the period ended "
            "(31 Oct 2026)"
        ],
    )
    check_result = check(governed, "--select", "consistency-period-not-ended")
    assert check_result.exit_code == 1, check_result.output
    assert check_result.output.startswith(
        "trackers/riverside/measures/MED-M1.yaml:13:5: error: the reading for Oct 2026 was "
        "recorded on 28 Oct 2026, before the period ended (31 Oct 2026) "
        "[consistency-period-not-ended]\n"
    )


# --- history that admits its limits --------------------------------------------------------


def shallow_clone(repo: Path, target: Path) -> Path:
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", f"file://{repo}", str(target)],
        check=True,
        capture_output=True,
    )
    return target


SHALLOW_ERROR = (
    "error: this clone's git history is shallow (it stops at commit {sha}), so cqctrack "
    "cannot tell who recorded what, or when: due-date moves, proof of sign-off, "
    "back-dating and when actions last changed would be judged on part of the record\n"
    "  hint: fetch the whole history (`git fetch --unshallow`; in GitHub Actions give "
    "actions/checkout `fetch-depth: 0`), or pass --allow-shallow to judge what is there\n"
)


def test_a_shallow_clone_is_refused_unless_allowed_and_then_says_so(
    governed: Path, tmp_path: Path
) -> None:
    add_evidence(governed)
    close_by_hand(governed, TUNDE, "2026-10-22")  # a flag the full history shows
    clone = shallow_clone(governed, tmp_path / "clone")
    sha = git(clone, "rev-parse", "--short=8", "HEAD").strip()
    for command in (["check"], ["review", "--overdue"], ["summary"], ["history", "MED-001"]):
        result = runner.invoke(app, ["--repo", str(clone), *command])
        assert result.exit_code == 3, (command, result.output)
        assert result.output == SHALLOW_ERROR.format(sha=sha), command
    allowed = check(clone, "--allow-shallow")
    assert allowed.exit_code == 0, allowed.output
    assert allowed.stderr == (
        f"warning: this clone's git history is shallow (it stops at commit {sha}); judging "
        "what is there (--allow-shallow): entries first seen at its edge count as recorded, "
        "not proven, and earlier due-date moves are not seen\n"
    )
    assert check(governed).exit_code == 1  # the whole history shows the unproven closure


def test_grafted_history_is_refused_too(governed: Path) -> None:
    head = git(governed, "rev-parse", "HEAD").strip()
    grafts = governed / ".git" / "info" / "grafts"
    grafts.parent.mkdir(exist_ok=True)
    grafts.write_text(f"{head}\n")
    result = check(governed)
    assert result.exit_code == 3, result.output
    assert result.output.startswith(
        f"error: this repository's git history is altered by grafts in {grafts}, so cqctrack "
        "cannot tell who recorded what"
    )


def test_a_repository_with_sha256_object_ids_is_refused_plainly(tmp_path: Path) -> None:
    repo = minimal_repo(tmp_path / "repo")
    made = subprocess.run(
        ["git", "init", "-q", "--object-format=sha256", str(repo)], capture_output=True
    )
    if made.returncode != 0:
        pytest.skip("this git cannot make SHA-256 repositories")
    commit_all(repo, "Start trackers", "2026-10-01")
    for command in (["check", "--as-of", "2026-11-23"], ["review", "--overdue"]):
        result = runner.invoke(app, ["--repo", str(repo), *command])
        assert result.exit_code == 3, result.output
        assert result.output == (
            f"error: the git repository at {repo} names its objects with ids of 64 hex digits "
            "(SHA-256), and cqctrack reads only repositories with git's usual SHA-1 ids\n"
            "  hint: keep the trackers in a repository made with a plain `git init` "
            "(git's default object format)\n"
        )


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to give the repository to another user")
def test_a_repository_git_refuses_to_read_is_said_plainly(governed: Path) -> None:
    for path in [governed, *governed.rglob("*")]:
        os.lchown(path, 4321, 4321)
    result = check(governed)
    assert result.exit_code == 3, result.output
    assert result.output == (
        f"error: git refuses to read the repository at {governed}: it belongs to another user "
        "(git's safe.directory protection), so its history cannot be read\n"
        "  hint: if you trust it, run `git config --global --add safe.directory "
        f"{governed}` (or run cqctrack as the repository's owner)\n"
    )


# --- pull-request mode -----------------------------------------------------------------------


def test_check_since_blocks_a_branch_that_closes_an_action_without_evidence(
    governed: Path,
) -> None:
    git(governed, "checkout", "-q", "-b", "close-med-001")
    close_by_hand(governed, MEERA, "2026-10-22")  # the verifier herself, but no evidence
    result = check(governed, "--since", "main", "--format", "github")
    assert result.exit_code == 1, result.output
    assert result.output.splitlines() == [
        f"::error file={A1},line=12,col=5,title=cqctrack closure-missing-evidence::evidence "
        "requirement R1 (Observed competency assessment for each staff member with repeat "
        "errors) has no evidence%0Arecord it with `cqctrack evidence add MED-001 --satisfies R1 "
        "--kind competency-assessment --ref FILE_OR_DOCUMENT --summary TEXT`; a closure "
        "recorded since main",
        "Checked 6 files: 1 error and 0 warnings in 1 file.",
    ]
    assert check(governed, "--since", "main").exit_code == 1
    git(governed, "checkout", "-q", "main")
    assert check(governed, "--since", "main").exit_code == 0


def test_check_since_makes_a_due_date_moved_by_hand_on_the_branch_an_error(
    governed: Path,
) -> None:
    git(governed, "checkout", "-q", "-b", "more-time")
    path = governed / A1
    path.write_text(path.read_text().replace("due: 2026-10-31", "due: 2026-11-30"))
    commit_all(governed, "More time", "2026-10-25", author=TUNDE)
    plain = check(governed, "--select", "drift", on="2026-10-26")
    assert plain.exit_code == 0, plain.output  # a warning on its own
    since = check(governed, "--select", "drift", "--since", "main", on="2026-10-26")
    assert since.exit_code == 1, since.output
    sha = git(governed, "rev-parse", "--short=8", "HEAD").strip()
    assert since.output.splitlines()[:2] == [
        f"{A1}:9:1: error: due date moved 31 Oct 2026 → 30 Nov 2026 without a logged "
        "extension [drift-unlogged-extension]",
        f"    hint: moved in commit {sha} by Tunde Okafor on 25 Oct 2026; add the extension to "
        "the `extensions` log (from, to, reason, approved_by, date) or move the due date back; "
        f"changed since main, in commit {sha}",
    ]


def test_check_since_an_unknown_ref_says_how_to_fetch_it(governed: Path) -> None:
    result = check(governed, "--since", "origin/main")
    assert result.exit_code == 3, result.output
    assert result.output == (
        "error: --since origin/main: there is no such commit here\n"
        "  hint: fetch it first (e.g. `git fetch origin main`, and give actions/checkout "
        "`fetch-depth: 0`), or give a commit id\n"
    )


# --- signed sign-offs (policy signoff.proof: signed), with real SSH keys --------------------

needs_ssh_keygen = pytest.mark.skipif(
    shutil.which("ssh-keygen") is None, reason="ssh-keygen signs and verifies SSH signatures"
)


def keypair(folder: Path, name: str) -> tuple[Path, str]:
    key = folder / name
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", str(key)], check=True
    )
    return key, key.with_suffix(".pub").read_text().strip()


@pytest.fixture
def signed(governed: Path, tmp_path: Path) -> tuple[Path, Path, Path]:
    """The governed repository under policy `signed`, Meera's SSH key in the register; git
    signs with it. Returns the repository, Meera's key and a key nobody registered."""
    meera, meera_public = keypair(tmp_path, "meera")
    other, _ = keypair(tmp_path, "other")
    config = governed / "cqctrack.yaml"
    config.write_text(
        config.read_text()
        .replace(
            "    emails: [meera@example.org]\n",
            f"    emails: [meera@example.org]\n    signing_keys: ['{meera_public}']\n",
        )
        .replace("policy:\n", "policy:\n  closure:\n    verifier_may_be_owner: false\n", 1)
        + "    proof: signed\n"
    )
    commit_all(governed, "Signed sign-offs", "2026-10-01", author=MEERA)
    git(governed, "config", "gpg.format", "ssh")
    git(governed, "config", "user.signingkey", str(meera))
    return governed, meera, other


@needs_ssh_keygen
def test_a_signed_closure_by_the_verifier_is_proven(signed: tuple[Path, Path, Path]) -> None:
    repo, _, _ = signed
    add_evidence(repo)  # no sign-off: Tunde records it, unsigned is fine
    done = as_(repo, MEERA, "close", "MED-001", "--verified-by", "mpatel", "--outcome", OUTCOME)
    assert done.exit_code == 0, done.output
    assert "-----BEGIN SSH SIGNATURE-----" in git(repo, "cat-file", "commit", "HEAD")
    result = check(repo)
    assert result.exit_code == 0, result.output


@needs_ssh_keygen
def test_a_closure_committed_without_a_signature_is_an_error(
    signed: tuple[Path, Path, Path],
) -> None:
    repo, _, _ = signed
    add_evidence(repo)
    close_by_hand(repo, MEERA, "2026-10-22")  # Meera's e-mail, but unsigned
    result = check(repo, "--select", "signoff")
    assert result.exit_code == 1, result.output
    assert result.output.splitlines()[:2] == [
        f"{A1}:24:1: error: the closure was committed without a signature (policy "
        "signoff.proof: signed) [signoff-unsigned]",
        "    hint: mpatel signs the commits that record their sign-offs",
    ]


@needs_ssh_keygen
def test_a_closure_signed_with_a_key_not_registered_for_the_verifier_is_an_error(
    signed: tuple[Path, Path, Path],
) -> None:
    repo, _, other = signed
    add_evidence(repo)
    path = repo / A1
    path.write_text(
        path.read_text().replace("status: in-progress", "status: closed")
        + f"closure:\n  date: 2026-10-22\n  verified_by: mpatel\n  outcome: {OUTCOME}\n"
    )
    env = dict(
        os.environ,
        GIT_AUTHOR_NAME="Meera Patel",
        GIT_AUTHOR_EMAIL="meera@example.org",
        GIT_AUTHOR_DATE="2026-10-22T09:00:00+00:00",
        GIT_COMMITTER_DATE="2026-10-22T09:00:00+00:00",
    )
    subprocess.run(
        ["git", "-C", str(repo), "-c", f"user.signingkey={other}", "commit", "-qaS", "-m", "Close"],
        check=True,
        env=env,
    )
    result = check(repo, "--select", "signoff")
    assert result.exit_code == 1, result.output
    assert result.output.splitlines()[0] == (
        f"{A1}:24:1: error: the closure was signed with a key not registered for mpatel "
        "(policy signoff.proof: signed) [signoff-bad-signature]"
    )


@needs_ssh_keygen
def test_recording_a_sign_off_refuses_a_missing_or_unregistered_signing_key(
    signed: tuple[Path, Path, Path],
) -> None:
    repo, _, other = signed
    add_evidence(repo)
    git(repo, "config", "user.signingkey", str(other))
    wrong = as_(repo, MEERA, "close", "MED-001", "--verified-by", "mpatel", "--outcome", OUTCOME)
    assert wrong.exit_code == 1, wrong.output
    assert wrong.output == (
        "error: MED-001 cannot be closed:\n"
        "  - the closure would be signed with a key not registered for mpatel (policy "
        "signoff.proof: signed)\n"
        "  hint: nothing was written; close it once every condition above is met\n"
    )
    git(repo, "config", "--unset", "user.signingkey")
    none = as_(repo, MEERA, "close", "MED-001", "--verified-by", "mpatel", "--outcome", OUTCOME)
    assert none.exit_code == 1, none.output
    assert (
        "  - the closure would be committed without a signature (policy signoff.proof: signed)\n"
        in none.output
    )


# --- the same judgements on every path that records oversight or a sign-off ---------------


def test_a_meeting_is_judged_as_oversight_is_and_records_nothing_when_refused(
    governed: Path, tmp_path: Path
) -> None:
    plan = tmp_path / "meeting.yaml"
    plan.write_text(
        "date: 2026-10-19\nlevel: monthly\nchair: tokafor\nattendees: [tokafor, mpatel]\n"
        "decisions:\n  - id: MED-001\n    decision: on-track\n    note: Checks booked\n"
    )
    head = git(governed, "rev-parse", "HEAD")
    result = as_(governed, TUNDE, "meeting", "--from", str(plan))
    assert result.exit_code == 1, result.output
    assert result.output == (
        "error: the meeting was not recorded; nothing was written\n"
        "  - the chair tokafor is a medicines-lead, who may not record monthly provider "
        "scrutiny\n"
        "  - MED-001: tokafor owns the action and cannot record oversight of it\n"
    )
    assert git(governed, "rev-parse", "HEAD") == head
    add_evidence(governed)
    plan.write_text(
        "date: 2026-10-20\nlevel: weekly\nchair: mpatel\nattendees: [mpatel]\n"
        "decisions:\n  - id: MED-001\n    decision: approve-closure\n    note: Competency seen\n"
    )
    by_jo = as_(governed, JO, "meeting", "--from", str(plan))
    assert by_jo.exit_code == 1, by_jo.output
    assert (
        "  - MED-001: the approve-closure decision of 20 Oct 2026 would be committed by Jo Reed "
        "<jo@example.org>, not by its reviewer, mpatel (policy signoff.proof: author)\n"
    ) in by_jo.output
    assert as_(governed, MEERA, "meeting", "--from", str(plan)).exit_code == 0


def test_oversight_of_a_concern_is_refused_to_a_role_that_may_not_record_its_level(
    governed: Path,
) -> None:
    result = as_(
        governed, MEERA, "oversight", "MED-C1", "--decision", "challenge", "--level", "monthly",
        "--note", "Trend not improving",
    )  # fmt: skip
    assert result.exit_code == 1, result.output
    assert result.output == (
        "error: mpatel is a registered-manager, who may not record monthly provider scrutiny\n"
        "  hint: roles that may: nominated-individual, provider-representative, quality-lead "
        "(policy roles.monthly_review); record it as --level ad-hoc, or ask one of them to "
        "record it\n"
    )
    ok = as_(governed, JO, "oversight", "MED-C1", "--decision", "challenge", "--note", "Trend flat")
    assert ok.exit_code == 0, ok.output
    assert (
        "by: jreed\n    level: monthly\n"
        in (governed / "trackers/riverside/concerns/MED-C1.yaml").read_text()
    )


def test_a_move_logged_after_the_fact_needs_its_approvers_proof(governed: Path) -> None:
    path = governed / A1
    path.write_text(path.read_text().replace("due: 2026-10-31", "due: 2026-11-30"))
    commit_all(governed, "move the date", "2026-10-10")
    refused = as_(
        governed, TUNDE, "extend", "MED-001", "--after-the-fact", "--reason", "Trainer off sick",
        "--approved-by", "mpatel",
    )  # fmt: skip
    assert refused.exit_code == 1, refused.output
    assert refused.output == (
        "error: the move of MED-001 was not logged\n"
        "  - the extension approved on 20 Oct 2026 would be committed by Tunde Okafor "
        "<tunde@example.org>, not by its approver, mpatel (policy signoff.proof: author)\n"
    )
    own = as_(
        governed, TUNDE, "extend", "MED-001", "--after-the-fact", "--reason", "Trainer off sick",
        "--approved-by", "tokafor",
    )  # fmt: skip
    assert own.exit_code == 1, own.output
    assert "  - tokafor owns the action and cannot approve its own extension\n" in own.output
    ok = as_(
        governed, MEERA, "extend", "MED-001", "--after-the-fact", "--reason", "Trainer off sick",
        "--approved-by", "mpatel",
    )  # fmt: skip
    assert ok.exit_code == 0, ok.output


def test_correcting_a_review_into_a_closure_decision_needs_the_reviewers_proof(
    governed: Path,
) -> None:
    add_evidence(governed)
    review = as_(
        governed, MEERA, "oversight", "MED-001", "--decision", "on-track", "--note", "Seen"
    )
    assert review.exit_code == 0, review.output
    forged = as_(
        governed, JO, "correct", "MED-001", "review", "1", "--decision", "approve-closure",
        "--reason", "Meant to approve",
    )  # fmt: skip
    assert forged.exit_code == 1, forged.output
    assert forged.output == (
        "error: review 1 of MED-001 was not corrected\n"
        "  - the approve-closure decision of 20 Oct 2026 would be committed by Jo Reed "
        "<jo@example.org>, not by its reviewer, mpatel (policy signoff.proof: author)\n"
    )
    own = as_(
        governed, MEERA, "correct", "MED-001", "review", "1", "--decision", "approve-closure",
        "--reason", "Meant to approve",
    )  # fmt: skip
    assert own.exit_code == 0, own.output


def test_without_as_of_a_recording_is_dated_the_day_git_dates_its_commit(governed: Path) -> None:
    env = {
        "GIT_AUTHOR_DATE": "2026-10-20T10:00:00+00:00",
        "GIT_COMMITTER_DATE": "2026-10-20T10:00:00+00:00",
    }
    result = runner.invoke(
        app,
        ["--repo", str(governed), "update", "MED-001", "--note", "Booked", "--by", "mpatel"],
        env=env,
    )
    assert result.exit_code == 0, result.output
    assert "  - date: 2026-10-20\n    by: mpatel\n    note: Booked\n" in (governed / A1).read_text()


def test_recover_signs_what_it_commits_when_policy_asks_for_signed_sign_offs(
    governed: Path,
) -> None:
    from cqctrack.write import pending

    assert pending._signs(governed) is False
    set_policy(governed, "  signoff:\n", "  signoff:\n    proof: signed\n", MEERA, "2026-10-01")
    assert pending._signs(governed) is True
