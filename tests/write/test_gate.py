"""A write never commits what `check` would reject, and evidence files go in with their entries."""

from __future__ import annotations

import subprocess
from pathlib import Path

from typer.testing import CliRunner

from cqctrack.cli import app
from tests.conftest import commit_all, git
from tests.helpers import ACTION, BASE, CONFIG

runner = CliRunner()
A1 = f"{BASE}/actions/MED-001.yaml"


def cli(repo: Path, *args: str, on: str = "2026-10-20"):
    env = {"GIT_AUTHOR_DATE": f"{on}T10:00:00+00:00", "GIT_COMMITTER_DATE": f"{on}T10:00:00+00:00"}
    return runner.invoke(app, ["--repo", str(repo), *args, "--as-of", on], env=env)


def head(repo: Path) -> str:
    return git(repo, "rev-parse", "HEAD").strip()


def files_in(repo: Path, rev: str = "HEAD") -> list[str]:
    return git(repo, "show", "--format=", "--name-only", rev).split()


NEW_ACTION = (
    "new",
    "action",
    "--concern",
    "MED-C1",
    "--title",
    "Spot checks of MAR charts",
    "--owner",
    "tokafor",
    "--due",
    "2026-11-30",
    "--risk",
    "medium",
    "--requires",
    "Spot check records=spot-check",
    "--outcome",
    "Gaps found and fixed within a day",
)


# --- bullet 1: identifiable data never reaches a commit -----------------------------


def test_a_name_given_as_person_ref_is_refused_with_checks_own_message_and_code(
    git_repo: Path,
) -> None:
    before = head(git_repo)
    result = cli(git_repo, *NEW_ACTION, "--person-ref", "John Smith")
    assert result.exit_code == 1, result.output
    assert result.output == (
        "error: nothing was written: `cqctrack check` would reject the result\n"
        f"  - {BASE}/actions/MED-003.yaml:9: person_ref 'John Smith' does not look like a "
        "pseudonymous reference [privacy-person-ref]\n"
        "    hint: refer to people who use services by their reference number only (e.g. "
        "SU-0412), never by name; the pattern is policy privacy.person_ref_pattern\n"
        "  hint: correct what the lines above name and run the command again\n"
    )
    assert not (git_repo / BASE / "actions" / "MED-003.yaml").exists()
    assert head(git_repo) == before
    # `check` says the same of the same text, had it been written by hand:
    (git_repo / BASE / "actions" / "MED-003.yaml").write_text(
        ACTION.replace("MED-001", "MED-003").replace(
            "risk: high\n", "risk: high\nperson_ref: John Smith\n"
        )
    )
    checked = runner.invoke(app, ["--repo", str(git_repo), "check", "--as-of", "2026-10-20"])
    assert (
        f"{BASE}/actions/MED-003.yaml:8:1: error: person_ref 'John Smith' does not look like a "
        "pseudonymous reference [privacy-person-ref]" in checked.output
    )


def test_a_pseudonymous_person_ref_is_written_and_committed(git_repo: Path) -> None:
    result = cli(git_repo, *NEW_ACTION, "--person-ref", "SU-0412")
    assert result.exit_code == 0, result.output
    assert "person_ref: SU-0412\n" in (git_repo / BASE / "actions" / "MED-003.yaml").read_text()
    assert files_in(git_repo) == [f"{BASE}/actions/MED-003.yaml"]


def test_a_file_that_already_fails_check_is_not_written_to(git_repo: Path) -> None:
    (git_repo / A1).write_text(
        ACTION.replace("risk: high\n", "risk: high\nperson_ref: Jo Bloggs\n")
    )
    commit_all(git_repo, "hand edit", "2026-10-01")
    before = (git_repo / A1).read_bytes()
    result = cli(git_repo, "oversight", "MED-001", "--decision", "on-track", "--note", "Fine")
    assert result.exit_code == 3, result.output
    assert result.output.startswith(
        f"error: {A1} has problems `cqctrack check` reports, so nothing was written\n"
        f"  - {A1}:8: person_ref 'Jo Bloggs' does not look like a pseudonymous reference "
        "[privacy-person-ref]\n"
    )
    assert (git_repo / A1).read_bytes() == before


def test_a_new_tracker_naming_people_only_in_an_uncommitted_register_is_refused(
    git_repo: Path,
) -> None:
    config = git_repo / "cqctrack.yaml"
    config.write_text(
        CONFIG + "  hwhitfield:\n    name: Helen Whitfield\n    role: provider-representative\n"
    )
    result = cli(
        git_repo,
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
        "mpatel",
        "--nominated-individual",
        "jreed",
        "--provider-representative",
        "hwhitfield",
    )
    assert result.exit_code == 1, result.output
    assert (
        "  - trackers/oakfield-house/tracker.yaml:7: provider representative 'hwhitfield' is not "
        "in the people register [reference-unknown-person]\n" in result.output
    )
    assert (
        "  - cqctrack.yaml has changes that are not committed; these checks read the committed "
        "version, which is what a fresh clone will hold\n" in result.output
    )
    assert "hint: commit cqctrack.yaml first" in result.output
    assert not (git_repo / "trackers" / "oakfield-house").exists()
    # With the register committed, the same command goes through.
    commit_all(git_repo, "Add Helen", "2026-10-19")
    again = cli(
        git_repo,
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
        "mpatel",
        "--nominated-individual",
        "jreed",
        "--provider-representative",
        "hwhitfield",
    )
    assert again.exit_code == 0, again.output


# --- bullet 2: evidence files are committed with the entries that cite them ---------


def evidence_add(repo: Path, ref: str, *extra: str):
    return cli(
        repo,
        "evidence",
        "add",
        "MED-001",
        "--kind",
        "competency-assessment",
        "--ref",
        ref,
        "--summary",
        "Observed practice; competent",
        *extra,
    )


def test_an_untracked_evidence_file_is_committed_with_the_entry(git_repo: Path) -> None:
    (git_repo / "evidence" / "competency.md").write_text("Observed morning round: competent\n")
    result = evidence_add(git_repo, "evidence/competency.md")
    assert result.exit_code == 0, result.output
    assert result.output.endswith(
        f"  {A1}: commit {head(git_repo)[:8]}\n  evidence/competency.md: same commit\n"
    )
    assert sorted(files_in(git_repo)) == sorted([A1, "evidence/competency.md"])
    assert git(git_repo, "status", "--porcelain") == ""


def test_a_file_outside_the_repository_needs_copy_and_is_then_copied_and_committed(
    git_repo: Path, tmp_path: Path
) -> None:
    outside = tmp_path / "downloads" / "2026-10-competency-checks.md"
    outside.parent.mkdir()
    outside.write_text("Three observed rounds; all competent\n")
    refused = evidence_add(git_repo, str(outside))
    assert refused.exit_code == 2, refused.output
    assert refused.output == (
        f"error: --ref {outside}: the file is outside the repository, so it would not reach "
        "anyone else\n"
        "  hint: pass --copy to copy it into evidence/riverside/ and commit it with the entry, "
        "or cite a document held elsewhere with --document\n"
    )
    copied = evidence_add(git_repo, str(outside), "--copy")
    assert copied.exit_code == 0, copied.output
    rel = "evidence/riverside/2026-10-competency-checks.md"
    assert (git_repo / rel).read_text() == outside.read_text()
    assert (
        "    file: evidence/riverside/2026-10-competency-checks.md\n" in (git_repo / A1).read_text()
    )
    assert sorted(files_in(git_repo)) == sorted([A1, rel])


def test_a_fresh_clone_of_a_closure_has_its_evidence_and_passes_check(
    git_repo: Path, tmp_path: Path
) -> None:
    (git_repo / "evidence" / "competency.md").write_text("Observed morning round: competent\n")
    assert evidence_add(git_repo, "evidence/competency.md", "--by", "tokafor").exit_code == 0
    closed = cli(
        git_repo,
        "close",
        "MED-001",
        "--verified-by",
        "mpatel",
        "--outcome",
        "All three care workers observed as competent on a live round",
        on="2026-10-25",
    )
    assert closed.exit_code == 0, closed.output
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(git_repo), str(clone)], check=True)
    checked = runner.invoke(app, ["--repo", str(clone), "check", "--as-of", "2026-10-25"])
    assert checked.exit_code == 0, checked.output


def test_close_refuses_evidence_files_never_committed(git_repo: Path) -> None:
    (git_repo / "evidence" / "competency.md").write_text("Observed\n")
    (git_repo / A1).write_text(
        ACTION + "evidence:\n  - id: E1\n    satisfies: [R1]\n    kind: observation\n"
        "    file: evidence/competency.md\n    date: 2026-10-02\n    added_by: tokafor\n"
        "    summary: Observed.\n"
    )
    git(git_repo, "add", A1)
    git(git_repo, "commit", "-qm", "hand-added evidence entry")
    result = cli(
        git_repo,
        "close",
        "MED-001",
        "--verified-by",
        "mpatel",
        "--outcome",
        "All three care workers observed as competent on a live round",
    )
    assert result.exit_code == 1, result.output
    assert result.output == (
        "error: MED-001 cannot be closed: its evidence files are not committed, so a fresh "
        "clone would not have them\n"
        "  - evidence E1: evidence/competency.md\n"
        "  hint: commit them (`git add` and `git commit`), or record evidence with `cqctrack "
        "evidence add`, which commits the file with the entry\n"
    )


def test_an_evidence_file_whose_text_identifies_a_person_is_refused(git_repo: Path) -> None:
    (git_repo / "evidence" / "mar-check.md").write_text(
        "MAR check, 2 October\nMrs Jones refused her 8am dose; recorded correctly.\n"
    )
    before = head(git_repo)
    result = evidence_add(git_repo, "evidence/mar-check.md")
    assert result.exit_code == 1, result.output
    assert (
        "  - evidence/mar-check.md:2: this evidence file holds what looks like a person's title "
        "and name (Mr* *****) [privacy-title-name]\n" in result.output
    )
    assert head(git_repo) == before
    assert "evidence:" not in (git_repo / A1).read_text()


def test_an_evidence_file_whose_name_identifies_a_person_is_refused_and_not_copied(
    git_repo: Path, tmp_path: Path
) -> None:
    outside = tmp_path / "mrs-jones-mar-check.md"
    outside.write_text("MAR check\n")
    result = evidence_add(git_repo, str(outside), "--copy")
    assert result.exit_code == 1, result.output
    assert (
        "the file name evidence/riverside/mrs-jones-mar-check.md contains 'mrs-jones', which "
        "looks like it identifies a person [privacy-evidence-file]" in result.output
    )
    assert not (git_repo / "evidence" / "riverside").exists()


def test_a_file_git_ignores_is_refused(git_repo: Path) -> None:
    (git_repo / ".gitignore").write_text("*.pdf\n")
    commit_all(git_repo, "ignore pdfs", "2026-10-01")
    (git_repo / "evidence" / "scan.pdf").write_bytes(b"%PDF-1.4")
    result = evidence_add(git_repo, "evidence/scan.pdf")
    assert result.exit_code == 1, result.output
    assert (
        "git ignores evidence/scan.pdf (.gitignore), so it would never be committed"
        in result.output
    )


def test_a_reading_commits_its_evidence_file_too(git_repo: Path) -> None:
    (git_repo / "evidence" / "2026-10-audit.md").write_text("October audit: 212 of 220 complete\n")
    result = cli(
        git_repo,
        "measure",
        "record",
        "MED-M1",
        "--period",
        "2026-10",
        "--value",
        "96.4",
        "--ref",
        "evidence/2026-10-audit.md",
        "--date",
        "2026-11-02",
        on="2026-11-03",
    )
    assert result.exit_code == 0, result.output
    assert sorted(files_in(git_repo)) == sorted(
        [f"{BASE}/measures/MED-M1.yaml", "evidence/2026-10-audit.md"]
    )
    assert (
        "    recorded: 2026-11-02\n" in (git_repo / BASE / "measures" / "MED-M1.yaml").read_text()
    )
