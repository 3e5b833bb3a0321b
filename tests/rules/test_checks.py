"""Each check rule on its own: it reports its problem, only with its own codes, and nothing
on a clean repository. Inputs go through the store and the decoder, as in production."""

from __future__ import annotations

import ast
from datetime import date
from pathlib import Path

import pytest

from cqctrack.cache import Caches
from cqctrack.format import dialect
from cqctrack.format.catalogue import load_catalogue
from cqctrack.format.history import ActionHistory, entries_of_data
from cqctrack.git.repository import NoHistory
from cqctrack.rules import codes
from cqctrack.rules.checks import CHECKS
from cqctrack.rules.checks.base import CheckRule
from cqctrack.rules.context import RuleContext
from cqctrack.rules.governance import Governance
from cqctrack.store import files
from cqctrack.store.load import load
from tests.helpers import (
    ACTION,
    BASE,
    CLOSED_ACTION,
    CONCERN,
    CONFIG,
    MEASURE,
    TRACKER,
    minimal_repo,
)

TODAY = date(2026, 11, 23)
A1 = f"{BASE}/actions/MED-001.yaml"
A2 = f"{BASE}/actions/MED-002.yaml"
M1 = f"{BASE}/measures/MED-M1.yaml"
READING = "  - period: 2026-09\n    value: 96\n    document: QMS-AUD-2026-09\n"
EVIDENCE = (
    "  - id: {id}\n    satisfies: [R1]\n    kind: observation\n    document: QMS-OBS-1\n"
    "    date: 2026-10-01\n    added_by: tokafor\n    summary: Observed.\n"
)

CASES: dict[str, dict[str, str | None]] = {
    "unknown-framework": {"cqctrack.yaml": CONFIG + "framework: kloe-nope\n"},
    "no-verifier": {
        "cqctrack.yaml": CONFIG.replace("registered-manager", "care-worker").replace(
            "nominated-individual", "care-worker"
        )
    },
    "duplicate-email": {
        "cqctrack.yaml": CONFIG.replace(
            "role: medicines-lead\n", "role: medicines-lead\n    emails: [meera@example.org]\n"
        )
    },
    "duplicate-prefix": {"trackers/second/tracker.yaml": TRACKER.replace("Riverside", "Second")},
    "id-prefix": {f"{BASE}/concerns/ABC-C1.yaml": CONCERN.replace("MED-C1", "ABC-C1")},
    "people": {A1: ACTION.replace("owner: tokafor", "owner: zreed")},
    "statements": {A1: ACTION.replace("statements: [S8]", "statements: [S8, W3]")},
    "duplicate-statements": {A1: ACTION.replace("statements: [S8]", "statements: [S8, S8]")},
    "regulations": {A1: ACTION.replace("regulations: [12]", "regulations: [12, 21]")},
    "parent-concern": {A1: ACTION.replace("concern: MED-C1", "concern: MED-C9")},
    "evidence-kinds": {A1: ACTION.replace("[competency-assessment, observation]", "[hearsay]")},
    "requirements": {A2: CLOSED_ACTION.replace("satisfies: [R2]", "satisfies: [R9]")},
    "future-dates": {A1: ACTION.replace("created: 2026-09-01", "created: 2026-12-01")},
    "concern-measure": {M1: None},
    "concern-action": {f"{BASE}/concerns/MED-C2.yaml": CONCERN.replace("MED-C1", "MED-C2")},
    "percentages": {M1: MEASURE.replace("target: 95", "target: 150")},
    "reading-periods": {M1: MEASURE.replace("period: 2026-09", "period: 2026-W41")},
    "readings-too-early": {M1: MEASURE + READING.replace("2026-09", "2026-11")},
    "duplicate-readings": {M1: MEASURE + READING},
    "reading-order": {M1: MEASURE + READING.replace("2026-09", "2026-08")},
    "due-before-created": {A1: ACTION.replace("due: 2026-10-31", "due: 2026-08-01")},
    "dated-before-created": {
        A1: ACTION + "progress:\n  - date: 2026-08-01\n    by: tokafor\n    note: Early start.\n"
    },
    "status-records": {A1: ACTION.replace("status: in-progress", "status: cancelled")},
    "duplicate-log-ids": {
        A1: ACTION.replace(
            "expected_outcome:",
            "  - id: R1\n    description: Again\n    kinds: [audit]\nexpected_outcome:",
        )
    },
    "extension-dates": {
        A1: ACTION + "extensions:\n  - from: 2026-10-31\n    to: 2026-10-01\n    reason: Typo\n"
        "    approved_by: mpatel\n    date: 2026-09-20\n"
    },
    "unlogged-extensions": {
        A1: ACTION + "extensions:\n  - from: 2026-10-01\n    to: 2026-10-15\n    reason: Leave\n"
        "    approved_by: mpatel\n    date: 2026-09-20\n"
    },
    "oversight-roles": {
        A1: ACTION + "reviews:\n  - date: 2026-10-01\n    by: tokafor\n    level: weekly\n"
        "    decision: on-track\n    note: Mine.\n"
    },
    "approval-roles": {
        A1: ACTION.replace("due: 2026-10-31", "due: 2026-11-15")
        + "extensions:\n  - from: 2026-10-31\n    to: 2026-11-15\n    reason: Leave\n"
        "    approved_by: tokafor\n    date: 2026-10-20\n"
    },
    "evidence-files": {
        A1: ACTION + "evidence:\n  - id: E1\n    satisfies: [R1]\n    kind: observation\n"
        "    file: evidence/missing.md\n    date: 2026-10-01\n    added_by: tokafor\n"
        "    summary: Observed.\n"
    },
    "person-refs": {A1: ACTION.replace("risk: high\n", "risk: high\nperson_ref: John Smith\n")},
    "personal-data": {
        A1: ACTION.replace(
            "expected_outcome:",
            "detail: Checked against NHS 999 000 0018 on the MAR.\nexpected_outcome:",
        )
    },
    "hidden-text": {
        A1: ACTION.replace(
            "title: Competency checks for staff with repeated MAR errors",
            'title: "Competency checks\\e]0;hacked\\a for staff"',
        )
    },
    "closure": {"evidence/audit.md": None},
    "duplicate-evidence": {A1: ACTION + "evidence:\n" + 2 * EVIDENCE.format(id="E1")},
    "corrections": {
        A1: ACTION + "corrections:\n  - date: 2026-10-02\n    by: mpatel\n    entry: E9\n"
        "    change: withdrawn\n    reason: Recorded against the wrong action.\n"
    },
    "leavers": {
        "cqctrack.yaml": CONFIG.replace(
            "role: medicines-lead\n", "role: medicines-lead\n    left: 2026-10-01\n"
        )
    },
    "leaders-left": {
        "cqctrack.yaml": CONFIG.replace(
            "role: registered-manager\n", "role: registered-manager\n    left: 2026-11-01\n"
        )
    },
    "meetings": {
        f"{BASE}/tracker.yaml": TRACKER
        + "meetings:\n  - date: 2026-10-05\n    level: weekly\n    chair: mpatel\n"
        "    attendees: [mpatel, tokafor]\n    reviewed: [MED-001]\n"
    },
    "staff-refs": {A1: ACTION.replace("risk: high\n", "risk: high\nstaff_refs: [Jane Doe]\n")},
    "evidence-names": {
        A1: ACTION
        + "evidence:\n"
        + EVIDENCE.format(id="E1")
        .replace("QMS-OBS-1", "x")
        .replace("document: x", "file: evidence/mrs-jones-mar.md")
    },
    "history": {},  # its facts come from git: see HISTORY below
}

# The git facts of the `history` rule's case: MED-002's closure (verified by mpatel)
# was first committed by someone else. Facts are plain data, as git/facts.py keeps them.
CLOSURE_KEY = next(
    e.key for e in entries_of_data(dialect.parse(CLOSED_ACTION.encode())) if e.log == "closure"
)
HISTORY = {
    "MED-002": ActionHistory(
        added={CLOSURE_KEY: ("a" * 40, "2026-10-25T10:00:00+00:00", "Sam Jones", "sam@x.org", 1)}
    )
}


def context(root: Path, history: dict[str, ActionHistory] | None = None) -> RuleContext:
    snap = load(root, Caches(root, enabled=False))
    assert not [f for f in snap.findings if f.severity == "error"], snap.findings
    facts = history if history is not None else NoHistory()
    return RuleContext(
        snap, load_catalogue(), files.checker(root), TODAY, facts, governance=Governance()
    )


def test_every_rule_has_a_case_below() -> None:
    assert sorted(CASES) == sorted(rule.name for rule in CHECKS)


@pytest.mark.parametrize("rule", CHECKS, ids=[rule.name for rule in CHECKS])
def test_a_rule_reports_its_own_problem_and_only_with_its_codes(
    tmp_path: Path, rule: CheckRule
) -> None:
    history = HISTORY if rule.name == "history" else None
    found = list(rule.run(context(minimal_repo(tmp_path, **CASES[rule.name]), history)))
    assert found, f"{rule.name} found nothing in its case"
    assert {f.code for f in found} <= set(rule.codes)
    assert all(f.path for f in found), "every finding names its file"


@pytest.mark.parametrize("rule", CHECKS, ids=[rule.name for rule in CHECKS])
def test_a_rule_finds_nothing_in_a_clean_repository(repo: Path, rule: CheckRule) -> None:
    assert list(rule.run(context(repo))) == []


# --- every code any rule can give is in the one table --------------------------------

_MAKERS = {"Finding": None, "finding": 1, "_drift": 0, "_flag": 0, "_gap": 0, "YamlProblem": 0}


def _codes_in_source() -> set[str]:
    """Codes passed literally to the functions that make findings, anywhere in src/."""
    found: set[str] = set()
    source = Path(__file__).resolve().parents[2] / "src" / "cqctrack"
    for path in source.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", getattr(node.func, "attr", None))
            if name not in _MAKERS:
                continue
            args = [k.value for k in node.keywords if k.arg == "code"]
            position = _MAKERS[name]
            if position is not None and len(node.args) > position:
                args.append(node.args[position])
            found |= {a.value for a in args if isinstance(a, ast.Constant)}
    return found


def test_every_code_in_the_source_is_in_the_table_of_codes() -> None:
    in_source = _codes_in_source()
    assert len(in_source) > 60
    assert in_source - set(codes.CODES) == set()


def test_every_code_a_check_rule_declares_is_in_the_table() -> None:
    declared = {code for rule in CHECKS for code in rule.codes}
    assert declared - set(codes.CODES) == set()
    assert all(codes.CHECK in codes.CODES[c].shown_in for c in declared)


def test_the_readme_lists_every_code_with_its_meaning() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    rows = [line for line in readme.splitlines() if line.startswith("| `")]
    listed = {}
    for row in rows:
        cells = [c.strip() for c in row.strip("|").split("|")]
        listed[cells[0].strip("`")] = cells
    for code in codes.CODES.values():
        assert code.code in listed, f"README's table of codes lacks {code.code}"
        assert listed[code.code][-1] == code.meaning
