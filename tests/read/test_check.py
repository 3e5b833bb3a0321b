"""`check` on malformed input: each class of mistake gives the exact message and line."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest

from cqctrack import cache
from cqctrack.read.check import check_repository
from tests.helpers import ACTION, BASE, CLOSED_ACTION, minimal_repo

TODAY = date(2026, 11, 23)
A1 = f"{BASE}/actions/MED-001.yaml"
A2 = f"{BASE}/actions/MED-002.yaml"


def problems_for(root: Path) -> list[str]:
    result = check_repository(root, TODAY, cache.Caches(root))
    return [
        f"{p.path}:{p.line}: {p.severity}: {p.message} [{p.code}]"
        + (f" | hint: {p.hint}" if p.hint else "")
        for p in result.findings
    ]


def test_the_minimal_repository_is_clean(repo: Path) -> None:
    assert problems_for(repo) == []


CASES = {
    "unknown field with a did-you-mean": (
        A1,
        ACTION.replace("owner: tokafor", "owenr: tokafor"),
        [
            f"{A1}:1: error: required field 'owner' is missing [schema-missing-field]"
            " | hint: add `owner:` (a person id from cqctrack.yaml `people`, such as mpatel)",
            f"{A1}:6: error: unknown field 'owenr' [schema-unknown-field] | hint: did you mean 'owner'?",
        ],
    ),
    "impossible date": (
        A1,
        ACTION.replace("due: 2026-10-31", "due: 2024-02-30"),
        [f"{A1}:9: error: due: 2024-02-30 is not a valid date [schema-invalid]"],
    ),
    "date in another format": (
        A1,
        ACTION.replace("due: 2026-10-31", "due: 31/10/2026"),
        [f"{A1}:9: error: due: '31/10/2026' is not a date in the form YYYY-MM-DD [schema-invalid]"],
    ),
    "wrong enum value lists the valid ones": (
        A1,
        ACTION.replace("status: in-progress", "status: inprogress"),
        [
            f"{A1}:10: error: status: 'inprogress' is not allowed [schema-invalid] | hint: use one of: "
            "open, in-progress, awaiting-verification, closed or cancelled"
        ],
    ),
    "person id in the wrong form": (
        A1,
        ACTION.replace("owner: tokafor", "owner: Tunde Okafor"),
        [
            f"{A1}:6: error: owner: 'Tunde Okafor' is not in the expected form [schema-invalid]"
            " | hint: expected a person id from cqctrack.yaml `people`, such as mpatel"
        ],
    ),
    "number where text is needed": (
        A1,
        ACTION.replace(
            "title: Competency checks for staff with repeated MAR errors", "title: 2026"
        ),
        [
            f"{A1}:2: error: title: 2026 should be text [schema-invalid] | hint: put the value in quotes"
        ],
    ),
    "missing nested field": (
        A1,
        ACTION.replace("    kinds: [competency-assessment, observation]\n", ""),
        [
            f"{A1}:12: error: evidence_required[1]: required field 'kinds' is missing "
            "[schema-missing-field] | hint: add `kinds:` (Evidence kinds, or whole CQC evidence "
            "categories, that satisfy it)"
        ],
    ),
    "empty list": (
        A1,
        ACTION.replace("statements: [S8]", "statements: []"),
        [
            f"{A1}:4: error: statements: needs at least one entry [schema-invalid] | hint: expected a "
            "statement id such as S8 or WL5, or one qualified by its set, e.g. kloe-adult-social-care:S4"
        ],
    ),
    "statement id from another framework": (
        A1,
        ACTION.replace("statements: [S8]", "statements: [S8, W3]"),
        [
            f"{A1}:4: error: W3 is not one of the quality statements (saf-quality-statements); it is "
            "an id in kloe-adult-social-care (W3 Engagement and involvement); kloe-healthcare "
            "(W3 Culture of the organisation) [reference-unknown-statement] | hint: write it with its "
            "set, e.g. 'kloe-adult-social-care:W3', or use a quality statements id"
        ],
    ),
    "unknown regulation": (
        A1,
        ACTION.replace("regulations: [12]", "regulations: [12, 21]"),
        [
            f"{A1}:5: error: Regulation 21 is not one of the fundamental standards "
            "[reference-unknown-regulation] | hint: cite one of Regulations 9, 9A, 10, 11, 12, 13, 14, "
            "15, 16, 17, 18, 19, 20, 20A"
        ],
    ),
    "unknown concern": (
        A1,
        ACTION.replace("concern: MED-C1", "concern: MED-C9"),
        [
            f"{A1}:3: error: concern MED-C9 does not exist [reference-unknown-concern] | hint: create "
            "it with `cqctrack new concern`, or correct the id (concerns live in "
            "trackers/riverside/concerns/)"
        ],
    ),
    "unknown person": (
        A1,
        ACTION.replace("owner: tokafor", "owner: zsmith"),
        [
            f"{A1}:6: error: owner 'zsmith' is not in the people register [reference-unknown-person]"
            " | hint: add 'zsmith' under `people` in cqctrack.yaml, or correct the id"
        ],
    ),
    "id that does not match its file name": (
        A1,
        ACTION.replace("id: MED-001", "id: MED-003"),
        [
            f"{A1}:1: error: id MED-003 does not match the file name MED-001.yaml [id-file-name]"
            " | hint: rename the file to MED-003.yaml or correct the id"
        ],
    ),
    "YAML syntax error": (
        A1,
        ACTION.replace("risk: high", "risk: high\n  oops: 1"),
        [
            f"{A1}:8: error: mapping values are not allowed in this context [yaml-syntax]"
            " | hint: put text containing ': ' in quotes, or check the indentation of this line"
        ],
    ),
    "pseudonymous reference that looks like a name": (
        A1,
        ACTION.replace("risk: high\n", "risk: high\nperson_ref: Mrs Smith\n"),
        [
            f"{A1}:8: error: person_ref 'Mrs Smith' does not look like a pseudonymous reference "
            "[privacy-person-ref] | hint: refer to people who use services by their reference "
            "number only (e.g. SU-0412), never by name; the pattern is policy "
            "privacy.person_ref_pattern"
        ],
    ),
    "evidence for a requirement the action does not have": (
        A1,
        ACTION + "evidence:\n  - id: E1\n    satisfies: [R7]\n    kind: competency-assessment\n"
        "    document: HR-COMP-1\n    date: 2026-10-01\n    added_by: tokafor\n    summary: Checked.\n",
        [
            f"{A1}:18: error: evidence E1 satisfies R7, which is not an evidence requirement of this "
            "action [reference-unknown-requirement] | hint: requirements here: R1"
        ],
    ),
    "closure dated before its evidence": (
        A2,
        CLOSED_ACTION.replace("  date: 2026-10-25", "  date: 2026-10-20"),
        [
            f"{A2}:35: error: closure date 2026-10-20 is before evidence E2 (2026-10-21) "
            "[closure-before-evidence] | hint: an action can only be verified once its evidence exists"
        ],
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_malformed_file_gives_exact_message_and_line(tmp_path: Path, case: str) -> None:
    path, text, expected = CASES[case]
    root = minimal_repo(tmp_path, **{path: text})
    assert problems_for(root) == expected


def test_duplicate_ids_across_files_are_reported(tmp_path: Path) -> None:
    root = minimal_repo(tmp_path, **{f"{BASE}/actions/MED-003.yaml": ACTION})
    assert (
        f"{BASE}/actions/MED-003.yaml:1: error: id MED-001 does not match the file name MED-003.yaml [id-file-name] | hint: rename the file to MED-001.yaml or correct the id"
        in problems_for(root)
    )
    assert any(
        "id MED-001 is already used by trackers/riverside/actions/MED-001.yaml [id-duplicate]" in p
        for p in problems_for(root)
    )


def test_closed_action_stripped_of_its_evidence_names_each_missing_requirement(
    tmp_path: Path,
) -> None:
    stripped = (
        CLOSED_ACTION.split("evidence:\n")[0] + "closure:" + CLOSED_ACTION.split("closure:")[1]
    )
    root = minimal_repo(tmp_path, **{A2: stripped})
    assert problems_for(root) == [
        f"{A2}:12: error: evidence requirement R1 (Re-audit showing at least 95% complete records) "
        "has no evidence [closure-missing-evidence] | hint: record it with `cqctrack evidence add "
        "MED-002 --satisfies R1 --kind audit --ref FILE_OR_DOCUMENT --summary TEXT`",
        f"{A2}:15: error: evidence requirement R2 (Supervision records for staff with repeat errors) "
        "has no evidence [closure-missing-evidence] | hint: record it with `cqctrack evidence add "
        "MED-002 --satisfies R2 --kind supervision-record --ref FILE_OR_DOCUMENT --summary TEXT`",
    ]


def test_verifier_who_owns_the_action_or_lacks_the_role_is_refused(tmp_path: Path) -> None:
    root = minimal_repo(
        tmp_path, **{A2: CLOSED_ACTION.replace("verified_by: mpatel", "verified_by: tokafor")}
    )
    assert problems_for(root) == [
        f"{A2}:36: error: the verifier (tokafor) is the action's owner; closure needs independent "
        "verification [closure-verifier-is-owner] | hint: ask a manager who did not own the action "
        "to verify it",
        f"{A2}:36: error: the verifier (tokafor) is a medicines-lead, which may not verify closures "
        "[closure-verifier-role] | hint: roles that may verify: registered-manager, deputy-manager, "
        "quality-lead, nominated-individual, provider-representative (policy closure.verifier_roles)",
    ]


def test_policy_can_allow_owners_to_verify(tmp_path: Path) -> None:
    from tests.helpers import CONFIG

    config = (
        CONFIG
        + "policy:\n  closure:\n    verifier_may_be_owner: true\n    verifier_roles: [medicines-lead]\n"
    )
    root = minimal_repo(
        tmp_path,
        **{
            "cqctrack.yaml": config,
            A2: CLOSED_ACTION.replace("verified_by: mpatel", "verified_by: tokafor"),
        },
    )
    assert problems_for(root) == []


def test_wrong_kind_of_evidence_does_not_satisfy_a_requirement(tmp_path: Path) -> None:
    root = minimal_repo(
        tmp_path,
        **{A2: CLOSED_ACTION.replace("    kind: supervision-record\n", "    kind: rota\n")},
    )
    assert problems_for(root) == [
        f"{A2}:15: error: evidence requirement R2 needs supervision-record, but E2 is rota "
        "[closure-wrong-evidence-kind] | hint: add evidence of an accepted kind, or change the "
        "requirement (with the registered manager's agreement) if the kind was wrong"
    ]


@pytest.mark.parametrize(
    ("ref", "why"),
    [
        ("evidence/missing.md", "does not exist"),
        ("../outside.md", "points outside the repository ('..' is not allowed)"),
        ("/etc/passwd", "is not a path relative to the repository root"),
        ("evidence", "is a folder, not a file"),
    ],
)
def test_evidence_files_must_exist_inside_the_repository(
    tmp_path: Path, ref: str, why: str
) -> None:
    root = minimal_repo(
        tmp_path / "r", **{A2: CLOSED_ACTION.replace("file: evidence/audit.md", f"file: {ref}")}
    )
    (tmp_path / "outside.md").write_text("x")
    assert problems_for(root) == [
        f"{A2}:12: error: evidence requirement R1 has evidence only in files that cannot be found "
        "[closure-missing-evidence]",
        f"{A2}:23: error: evidence E1 refers to {ref}, which {why} [closure-evidence-file] | hint: add "
        "the file to the repository, correct the path, or refer to the document with `document:` instead",
    ]


def test_symlinks_that_lead_outside_the_repository_are_refused(tmp_path: Path) -> None:
    root = minimal_repo(
        tmp_path / "r", **{A2: CLOSED_ACTION.replace("evidence/audit.md", "evidence/link.md")}
    )
    (tmp_path / "secret.md").write_text("x")
    (root / "evidence" / "link.md").symlink_to(tmp_path / "secret.md")
    assert "which is a link to somewhere outside the repository" in problems_for(root)[1]


def test_a_folder_that_links_outside_the_repository_is_refused_and_one_inside_is_not(
    tmp_path: Path,
) -> None:
    # Folders are resolved once for every reference in them: the link must still be seen.
    root = minimal_repo(
        tmp_path / "r", **{A2: CLOSED_ACTION.replace("evidence/audit.md", "evidence/away/audit.md")}
    )
    (tmp_path / "away").mkdir()
    (tmp_path / "away" / "audit.md").write_text("x")
    (root / "evidence" / "away").symlink_to(tmp_path / "away")
    assert "which is a link to somewhere outside the repository" in problems_for(root)[1]
    (root / "evidence" / "away").unlink()
    (root / "evidence" / "here").mkdir()
    (root / "evidence" / "here" / "audit.md").write_text("x")
    (root / "evidence" / "away").symlink_to(root / "evidence" / "here")
    assert problems_for(root) == []


def test_realpath_with_folders_resolved_once_agrees_with_os_realpath(tmp_path: Path) -> None:
    from cqctrack.store import files

    (tmp_path / "d" / "e").mkdir(parents=True)
    (tmp_path / "d" / "f.md").write_text("x")
    (tmp_path / "d" / "to-file").symlink_to(tmp_path / "d" / "f.md")
    (tmp_path / "d" / "to-dir").symlink_to(tmp_path / "d" / "e")
    (tmp_path / "d" / "relative").symlink_to("f.md")
    (tmp_path / "d" / "dangling").symlink_to(tmp_path / "nowhere")
    (tmp_path / "d" / "loop").symlink_to(tmp_path / "d" / "loop")
    (tmp_path / "link-d").symlink_to(tmp_path / "d")
    names = ["f.md", "to-file", "to-dir", "relative", "dangling", "loop", "missing", "e", ".",
             "..", "", "e/", "to-dir/x.md", "loop/x", "./f.md", "e/../f.md", "e//g"]  # fmt: skip
    folders: dict[str, str] = {}
    for top in ("d", "link-d"):
        for name in names:
            path = f"{tmp_path}/{top}/{name}"
            assert files.realpath(path, folders) == os.path.realpath(path), path


def test_missing_evidence_file_on_an_open_action_is_an_error_too(tmp_path: Path) -> None:
    action = ACTION + (
        "evidence:\n  - id: E1\n    satisfies: [R1]\n    kind: competency-assessment\n"
        "    file: evidence/none.md\n    date: 2026-10-01\n    added_by: tokafor\n    summary: Checked.\n"
    )
    root = minimal_repo(tmp_path, **{A1: action})
    assert problems_for(root) == [
        f"{A1}:20: error: evidence E1 refers to evidence/none.md, which does not exist "
        "[evidence-missing-file] | hint: add the file to the repository, correct the path, or refer "
        "to the document with `document:` instead"
    ]


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        (
            "MED-009.yml",
            ACTION,
            "error: tracker files must end in .yaml, not .yml [layout-wrong-extension]",
        ),
        ("MED-009.yaml", "", "error: the file is empty [file-empty]"),
        (
            "MED-009.yaml",
            "- a\n- b\n",
            "error: the file should hold 'key: value' lines at the top level [schema-invalid]",
        ),
    ],
)
def test_files_that_are_not_actions_at_all(
    tmp_path: Path, name: str, text: str, expected: str
) -> None:
    root = minimal_repo(tmp_path, **{f"{BASE}/actions/{name}": text})
    assert any(expected in p for p in problems_for(root)), problems_for(root)


def test_every_problem_in_every_file_is_reported_in_one_run(tmp_path: Path) -> None:
    root = minimal_repo(
        tmp_path,
        **{
            A1: ACTION.replace("owner: tokafor", "owner: zsmith").replace(
                "regulations: [12]", "regulations: [99]"
            ),
            f"{BASE}/concerns/MED-C1.yaml": "id: MED-C1\ntitle: [unclosed\n",
        },
    )
    found = problems_for(root)
    # Two in the action and the syntax error. The action and measure citing the broken
    # concern are not each told that it "does not exist": one cause, one error.
    assert [f.split(" | ")[0].rsplit("[", 1)[1] for f in found] == [
        "reference-unknown-regulation]",
        "reference-unknown-person]",
        "yaml-syntax]",
    ], found


def test_a_cancellation_dated_before_the_action_was_created_is_an_error(tmp_path: Path) -> None:
    cancelled = ACTION.replace("status: in-progress", "status: cancelled") + (
        "cancellation:\n  date: 2026-08-01\n  approved_by: mpatel\n  reason: Superseded.\n"
    )
    root = minimal_repo(tmp_path, **{A1: cancelled})
    assert problems_for(root) == [
        f"{A1}:17: error: cancellation is dated 2026-08-01, before the action was created (2026-09-01) "
        "[consistency-dates] | hint: check the date; if the work began earlier, correct `created`"
    ]


def review_entry(by: str, level: str, decision: str = "on-track") -> str:
    return (
        f"  - date: 2026-10-01\n    by: {by}\n    level: {level}\n"
        f"    decision: {decision}\n    note: Looked at it.\n"
    )


def test_oversight_by_the_owner_or_the_wrong_role_is_an_error(tmp_path: Path) -> None:
    reviews = (
        "reviews:\n"
        + review_entry("tokafor", "weekly")
        + review_entry("mpatel", "monthly")
        + review_entry("tokafor", "ad-hoc", "approve-closure")
    )
    root = minimal_repo(tmp_path, **{A1: ACTION + reviews})
    assert problems_for(root) == [
        f"{A1}:18: error: tokafor owns the action and cannot record oversight of it "
        "[oversight-by-owner] | hint: oversight is recorded by a manager who does not own the action",
        f"{A1}:19: error: tokafor is a medicines-lead, who may not record weekly management "
        "review [oversight-wrong-role] | hint: roles that may: registered-manager, deputy-manager, "
        "nominated-individual, provider-representative, quality-lead (policy "
        "roles.weekly_review); record it as --level ad-hoc, or ask one of them to record it",
        f"{A1}:24: error: mpatel is a registered-manager, who may not record monthly provider "
        "scrutiny [oversight-wrong-role] | hint: roles that may: nominated-individual, "
        "provider-representative, quality-lead (policy roles.monthly_review); record it as "
        "--level ad-hoc, or ask one of them to record it",
        f"{A1}:28: error: tokafor owns the action and cannot record oversight of it "
        "[oversight-by-owner] | hint: oversight is recorded by a manager who does not own the action",
        f"{A1}:30: error: tokafor is a medicines-lead, who may not record approve-closure "
        "[oversight-decision-role] | hint: roles that may: registered-manager, deputy-manager, "
        "quality-lead, nominated-individual, provider-representative (policy closure.verifier_roles)",
    ]


def test_an_extension_the_owner_approved_is_an_error(tmp_path: Path) -> None:
    extended = ACTION.replace("due: 2026-10-31", "due: 2026-11-15") + (
        "extensions:\n  - from: 2026-10-31\n    to: 2026-11-15\n    reason: Leave\n"
        "    approved_by: tokafor\n    date: 2026-10-20\n"
    )
    root = minimal_repo(tmp_path, **{A1: extended})
    assert problems_for(root) == [
        f"{A1}:20: error: tokafor owns the action and cannot approve its own extension "
        "[approval-by-owner] | hint: extensions are approved by a manager who does not own the action",
        f"{A1}:20: error: tokafor is a medicines-lead, who may not approve extensions "
        "[approval-wrong-role] | hint: roles that may: registered-manager, deputy-manager, "
        "nominated-individual, provider-representative, quality-lead (policy roles.approve_extension)",
    ]
