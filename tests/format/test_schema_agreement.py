"""`check` and the exported schemas agree on the shape of every file (issue 13).

Each case below changes one example file in one way and says who should reject it:

- BOTH: a shape rule; `check` reports an error and the schema rejects it, so an
  editor with the schema flags it as you type;
- NEITHER: both accept it (values that look odd but are fine);
- CHECK: only `check` can judge it, for the reason given (the README's list of rules
  only `check` can judge); the schema accepts it, and `check` reports an error.

The schema's verdict comes from the real client, check-jsonschema (a dev dependency),
run once per file type over every case; `check`'s from `check_repository` over a
copy of the example trackers with every case added. No case may be rejected by the
schema and accepted by `check`.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from cqctrack import cache
from cqctrack.findings import Severity
from cqctrack.read.check import check_repository

PROJECT = Path(__file__).resolve().parents[2]
AS_OF = date(2026, 11, 23)
BOTH, NEITHER = "both", "neither"

# Why `check` alone can judge a case: the README's list (section "What only check can
# judge") names each of these.
REFERENCE = "references to other files, the people register or cqctrack's catalogue"
DATES = "dates compared with each other or with the day judged"
ENTRIES = "ids and entries compared within a file"
PRIVACY = "the repository's own privacy patterns"
NAMES = "file names"
DIALECT = "the YAML dialect's refusals"
EVIDENCE = "evidence files on disk"
CLOSURE = "the closure rule"


def check_only(reason: str) -> str:
    return f"check: {reason}"


@dataclass(frozen=True)
class Case:
    name: str
    kind: str  # action, concern, measure, tracker, config
    change: tuple[tuple[str, str], ...]  # (regex on the base text, replacement), in order
    expect: str

    def text(self, base: str) -> str:
        for pattern, replacement in self.change:
            changed = re.sub(pattern, replacement, base, count=1, flags=re.M | re.S)
            assert changed != base, f"{self.name}: {pattern!r} changed nothing"
            base = changed
        return base


def case(name: str, kind: str, expect: str, *change: tuple[str, str]) -> Case:
    return Case(name, kind, change, expect)


def line(key: str, value: str) -> tuple[str, str]:
    """Replace the top-level `key:` line's value."""
    return (rf"^{re.escape(key)}: .*?$", f"{key}: {value}")


def drop(key: str) -> tuple[str, str]:
    """Remove the top-level `key:` and the block indented under it."""
    return (rf"^{re.escape(key)}:.*?\n(?=\S|\Z)", "")


def add(text: str) -> tuple[str, str]:
    return (r"\Z", text)


OPEN = (drop("closure"), line("status", "in-progress"))
CLOSURE_BLOCK = (
    "closure:\n  date: 2026-08-14\n  verified_by: mpatel\n"
    "  outcome: Every July finding was followed up and corrected, checked by sample.\n"
)

CASES = [
    # --- actions (base: MED-001, closed with evidence) ----------------------------------
    case("title 0777 (text here, a number to YAML tools)", "action", BOTH, line("title", "0777")),
    case("title 1e3", "action", BOTH, line("title", "1e3")),
    case("title 0x1F", "action", BOTH, line("title", "0x1F")),
    case("title 1_000", "action", BOTH, line("title", "1_000")),
    case("title '0777' quoted", "action", NEITHER, line("title", "'0777'")),
    case("title yes (text to every tool)", "action", NEITHER, line("title", "yes")),
    case("title 1:30", "action", NEITHER, line("title", "1:30")),
    case("title empty", "action", BOTH, line("title", "''")),
    case("title blank", "action", BOTH, line("title", "'   '")),
    case("title a number", "action", BOTH, line("title", "12")),
    case("title true", "action", BOTH, line("title", "true")),
    case("detail .inf", "action", BOTH, line("detail", ".inf")),
    case("closed without a closure", "action", BOTH, drop("closure")),
    case("closure on an open action", "action", BOTH, line("status", "in-progress")),
    case(
        "cancellation on an open action",
        "action",
        BOTH,
        *OPEN,
        add("cancellation:\n  date: 2026-08-14\n  approved_by: mpatel\n  reason: Not needed\n"),
    ),
    case(
        "cancelled without a cancellation",
        "action",
        BOTH,
        drop("closure"),
        line("status", "cancelled"),
    ),
    case("open with closure: null", "action", NEITHER, *OPEN, add("closure: null\n")),
    case("status unknown", "action", BOTH, line("status", "done")),
    case("risk unknown", "action", BOTH, line("risk", "critical")),
    case("regulations 12.0", "action", NEITHER, line("regulations", "[12.0, 17]")),
    case("regulations 12.5", "action", BOTH, line("regulations", "[12.5]")),
    case("regulations 'reg-12'", "action", NEITHER, line("regulations", "[reg-12]")),
    case(
        "regulations 'Regulation 9A'", "action", NEITHER, line("regulations", "['Regulation 9A']")
    ),
    case("regulations true", "action", BOTH, line("regulations", "[true]")),
    case("regulations 25", "action", check_only(REFERENCE), line("regulations", "[25]")),
    case("due 2026-02-30", "action", BOTH, line("due", "2026-02-30")),
    case("due 14/08/2026", "action", BOTH, line("due", "14/08/2026")),
    case("due '2026-08-14' quoted", "action", NEITHER, line("due", "'2026-08-14'")),
    case("due with a time", "action", BOTH, line("due", "2026-08-14T10:00:00")),
    case("due a number", "action", BOTH, line("due", "20260814")),
    case("due before created", "action", check_only(DATES), line("due", "2026-07-01")),
    case("owner not a person id", "action", BOTH, line("owner", "Lena Nowak")),
    case("owner not in the register", "action", check_only(REFERENCE), line("owner", "nobody")),
    case("concern unknown", "action", check_only(REFERENCE), line("concern", "MED-C99")),
    case("concern not an id", "action", BOTH, line("concern", "medicines")),
    case("statements empty", "action", BOTH, line("statements", "[]")),
    case("statements lower case", "action", BOTH, line("statements", "[s8]")),
    case(
        "statements not in the framework",
        "action",
        check_only(REFERENCE),
        line("statements", "[S99]"),
    ),
    case("unknown field", "action", BOTH, add("owenr: lnowak\n")),
    case("missing owner", "action", BOTH, drop("owner")),
    case("id lower case", "action", BOTH, line("id", "med-001")),
    case("id not the file name", "action", check_only(NAMES), line("id", "MED-999")),
    case(
        "evidence with file and document",
        "action",
        BOTH,
        (
            r"^    file: evidence/riverside-homecare/med-001-follow-up-log-summary.md$",
            "    file: evidence/riverside-homecare/med-001-follow-up-log-summary.md\n    document: DOC-1",
        ),
    ),
    case(
        "evidence with neither file nor document",
        "action",
        BOTH,
        (r"^    file: evidence/riverside-homecare/med-001-follow-up-log-summary.md\n", ""),
    ),
    case(
        "evidence file missing",
        "action",
        check_only(EVIDENCE),
        (r"med-001-follow-up-log-summary.md", "no-such-file.md"),
    ),
    case(
        "evidence kind not a kind",
        "action",
        BOTH,
        (r"^    kind: supervision-record$", "    kind: Supervision"),
    ),
    case(
        "evidence kind unknown",
        "action",
        check_only(REFERENCE),
        (r"^    kind: supervision-record$", "    kind: made-up-kind"),
    ),
    case(
        "evidence for an unknown requirement",
        "action",
        check_only(ENTRIES),
        (r"^    satisfies: \[R1\]$", "    satisfies: [R9]"),
    ),
    case(
        "evidence satisfies nothing",
        "action",
        BOTH,
        (r"^    satisfies: \[R1\]$", "    satisfies: []"),
    ),
    case(
        "evidence_required empty",
        "action",
        BOTH,
        drop("evidence_required"),
        add("evidence_required: []\n"),
    ),
    case("closure imported: yes", "action", BOTH, add("  imported: yes\n")),
    case("closure imported: 1", "action", BOTH, add("  imported: 1\n")),
    case(
        "closure verified by the owner",
        "action",
        check_only(CLOSURE),
        (r"^  verified_by: \w+$", "  verified_by: lnowak"),
    ),
    case(
        "closure before its evidence",
        "action",
        check_only(CLOSURE),
        (r"^closure:\n  date: [0-9-]+$", "closure:\n  date: 2026-07-22"),
    ),
    case("person_ref a name", "action", check_only(PRIVACY), add("person_ref: John Smith\n")),
    case("person_ref a reference", "action", NEITHER, add("person_ref: SU-0412\n")),
    case("staff_refs a name", "action", check_only(PRIVACY), add("staff_refs: [Jo Bloggs]\n")),
    case(
        "review decision unknown",
        "action",
        BOTH,
        (r"^    decision: on-track$", "    decision: maybe"),
    ),
    case("review level unknown", "action", BOTH, (r"^    level: weekly$", "    level: daily")),
    case("progress note blank", "action", BOTH, (r"^    note: 24 of 40 .*?$", "    note: ''")),
    case(
        "correction replaced without its replacement",
        "action",
        BOTH,
        add(
            "corrections:\n  - date: 2026-08-14\n    by: mpatel\n    entry: E1\n"
            "    change: replaced\n    reason: Wrong date\n"
        ),
    ),
    case(
        "correction amends an evidence entry",
        "action",
        BOTH,
        add(
            "corrections:\n  - date: 2026-08-14\n    by: mpatel\n    entry: E1\n"
            "    change: amended\n    reason: Wrong date\n"
        ),
    ),
    case(
        "correction withdraws an entry that is not there",
        "action",
        check_only(ENTRIES),
        add(
            "corrections:\n  - date: 2026-08-14\n    by: mpatel\n    entry: E9\n"
            "    change: withdrawn\n    reason: Recorded twice\n"
        ),
    ),
    case(
        "requirement changed without what it was",
        "action",
        BOTH,
        add(
            "requirement_changes:\n  - date: 2026-08-01\n    by: mpatel\n    approved_by: dokafor\n"
            "    requirement: R1\n    change: changed\n    reason: Observations count too\n"
        ),
    ),
    case(
        "an anchor and an alias",
        "action",
        check_only(DIALECT),
        line("owner", "&who lnowak"),
        (r"^  verified_by: \w+$", "  verified_by: *who"),
    ),
    case("a duplicate key", "action", BOTH, add("risk: high\n")),
    # --- measures (base: MED-M1, monthly percent) -----------------------------------------
    case("target quoted", "measure", BOTH, line("target", '"95"')),
    case("target true", "measure", BOTH, line("target", "true")),
    case("target over 100 percent", "measure", BOTH, line("target", "120")),
    case("target 120 of a count", "measure", NEITHER, line("target", "120"), line("unit", "count")),
    case("target 1e2", "measure", check_only(DIALECT), line("target", "1e2")),
    case("reading value quoted", "measure", BOTH, (r"^    value: 82$", '    value: "82"')),
    case("reading value true", "measure", BOTH, (r"^    value: 82$", "    value: true")),
    case("reading value 150 percent", "measure", BOTH, (r"^    value: 82$", "    value: 150")),
    case(
        "reading period 2026-13", "measure", BOTH, (r"^  - period: 2026-07$", "  - period: 2026-13")
    ),
    case(
        "a weekly period in a monthly measure",
        "measure",
        BOTH,
        (r"^  - period: 2026-07$", "  - period: 2026-W30"),
    ),
    case(
        "a weekly period with no period key (monthly)",
        "measure",
        BOTH,
        drop("period"),
        (r"^  - period: 2026-07$", "  - period: 2026-W30"),
    ),
    case("monthly readings in a weekly measure", "measure", BOTH, line("period", "weekly")),
    case(
        "a reading with file and document",
        "measure",
        BOTH,
        (
            r"^    document: QMS-AUD-2026-07$",
            "    document: QMS-AUD-2026-07\n    file: evidence/x.md",
        ),
    ),
    case(
        "a reading with neither file nor document",
        "measure",
        BOTH,
        (r"^    document: QMS-AUD-2026-07\n", ""),
    ),
    case(
        "two readings for one period",
        "measure",
        check_only(ENTRIES),
        (r"^  - period: 2026-08$", "  - period: 2026-07"),
    ),
    case("sustain quoted", "measure", BOTH, line("sustain", '"3"')),
    case("sustain 3.0", "measure", NEITHER, line("sustain", "3.0")),
    case("sustain 3.5", "measure", BOTH, line("sustain", "3.5")),
    case("sustain 0", "measure", BOTH, line("sustain", "0")),
    case("unit unknown", "measure", BOTH, line("unit", "kg")),
    case("direction unknown", "measure", BOTH, line("direction", "up")),
    case(
        "measure of an unknown concern",
        "measure",
        check_only(REFERENCE),
        line("concern", "MED-C99"),
    ),
    case(
        "reading recorded before its period ended",
        "measure",
        check_only(DATES),
        (r"^    recorded: 2026-08-03$", "    recorded: 2026-07-20"),
    ),
    # --- concerns (base: MED-C1) ---------------------------------------------------------
    case("source unknown", "concern", BOTH, line("source", "gossip")),
    case("raised 2026-13-01", "concern", BOTH, line("raised", "2026-13-01")),
    case("statements missing", "concern", BOTH, drop("statements")),
    case("summary blank", "concern", BOTH, line("summary", '" "')),
    case("risk upper case", "concern", BOTH, line("risk", "HIGH")),
    case("regulations '9A'", "concern", NEITHER, line("regulations", '["9A", 12]')),
    case(
        "a review deciding a closure",
        "concern",
        BOTH,
        add(
            "reviews:\n  - date: 2026-09-30\n    by: dokafor\n    level: monthly\n"
            "    decision: approve-closure\n    note: Trend improving\n"
        ),
    ),
    # --- trackers (base: riverside-homecare) -----------------------------------------------
    case("service type unknown", "tracker", BOTH, line("service_type", "castle")),
    case("id prefix lower case", "tracker", BOTH, line("id_prefix", "med")),
    case("location id not a CQC id", "tracker", BOTH, line("location_id", "123")),
    case("name blank", "tracker", BOTH, line("name", "''")),
    case(
        "registered manager unknown",
        "tracker",
        check_only(REFERENCE),
        line("registered_manager", "nobody"),
    ),
    case(
        "framework unknown", "tracker", check_only(REFERENCE), add("framework: made-up-framework\n")
    ),
    case(
        "a meeting nobody attended",
        "tracker",
        BOTH,
        add(
            "meetings:\n  - date: 2026-11-16\n    level: monthly\n    chair: hwhitfield\n"
            "    attendees: []\n    reviewed: [MED-004]\n"
        ),
    ),
    # --- cqctrack.yaml ------------------------------------------------------------------
    case(
        "require_approval yes", "config", BOTH, (r"require_approval: \w+", "require_approval: yes")
    ),
    case(
        "verifier_may_be_owner no",
        "config",
        BOTH,
        (r"verifier_may_be_owner: \w+", "verifier_may_be_owner: no"),
    ),
    case("require_approval 1", "config", BOTH, (r"require_approval: \w+", "require_approval: 1")),
    case(
        "require_approval true",
        "config",
        NEITHER,
        (r"require_approval: \w+", "require_approval: true"),
    ),
    case("weekly_days quoted", "config", BOTH, (r"weekly_days: \d+", 'weekly_days: "7"')),
    case("weekly_days 7.0", "config", NEITHER, (r"weekly_days: \d+", "weekly_days: 7.0")),
    case("weekly_days 0", "config", BOTH, (r"weekly_days: \d+", "weekly_days: 0")),
    case("version 2", "config", BOTH, line("version", "2")),
    case("version true", "config", BOTH, line("version", "true")),
    case("provider blank", "config", BOTH, line("provider", "''")),
    case("proof unknown", "config", BOTH, (r"proof: \w+", "proof: trust-me")),
    case("person id with a space", "config", BOTH, (r"^  mpatel:$", "  M Patel:")),
    case("an e-mail that is not one", "config", BOTH, (r"\[mpatel@[^\]]*\]", "[not-an-email]")),
    case(
        "person_ref_pattern not a pattern",
        "config",
        BOTH,
        (r"person_ref_pattern: .*?$", "person_ref_pattern: '['"),
    ),
    case(
        "imported_until 2026-02-30",
        "config",
        BOTH,
        (r"imported_until: .*?$", "imported_until: 2026-02-30"),
    ),
    case(
        "imported_until not a commit",
        "config",
        BOTH,
        (r"imported_until: .*?$", "imported_until: yesterday"),
    ),
    case(
        "imported_until a date",
        "config",
        NEITHER,
        (r"imported_until: .*?$", "imported_until: 2026-11-01"),
    ),
    case(
        "one e-mail for two people",
        "config",
        check_only(ENTRIES),
        (r"\[mpatel@[^\]]*\]", "[shared@example.org]"),
        (r"\[dokafor@[^\]]*\]", "[shared@example.org]"),
    ),
]

KIND_BASE = {
    "action": "trackers/riverside-homecare/actions/MED-001.yaml",
    "measure": "trackers/riverside-homecare/measures/MED-M1.yaml",
    "concern": "trackers/riverside-homecare/concerns/MED-C1.yaml",
    "tracker": "trackers/riverside-homecare/tracker.yaml",
    "config": "cqctrack.yaml",
}


def _placed(case_: Case, number: int, base: str) -> tuple[str, str]:
    """Where a case's file goes in the trial repository, and its text (its own id)."""
    text = case_.text(base)
    if case_.kind == "action":
        new_id = f"MED-{900 + number}"
        if not any(pattern.startswith("^id:") for pattern, _ in case_.change):
            text = text.replace("id: MED-001", f"id: {new_id}", 1)
        return f"trackers/riverside-homecare/actions/{new_id}.yaml", text
    if case_.kind == "measure":
        new_id = f"MED-M{900 + number}"
        return f"trackers/riverside-homecare/measures/{new_id}.yaml", text.replace(
            "id: MED-M1", f"id: {new_id}", 1
        )
    if case_.kind == "concern":
        new_id = f"MED-C{900 + number}"
        return f"trackers/riverside-homecare/concerns/{new_id}.yaml", text.replace(
            "id: MED-C1", f"id: {new_id}", 1
        )
    if case_.kind == "tracker":
        prefix = f"T{900 + number}"
        text = text.replace("id_prefix: MED", f"id_prefix: {prefix}", 1)
        return f"trackers/case-{number}/tracker.yaml", text
    return f"config-{number}/cqctrack.yaml", text


@pytest.fixture(scope="module")
def verdicts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[bool, bool, str]]:
    """Case name -> (rejected by check, rejected by the schema, what each said)."""
    root = tmp_path_factory.mktemp("agreement") / "repo"
    root.mkdir()
    for name in ("cqctrack.yaml", "trackers", "evidence"):
        source = PROJECT / name
        if source.is_dir():
            shutil.copytree(source, root / name)
        else:
            shutil.copy(source, root / name)
    configs = tmp_path_factory.mktemp("agreement-configs")
    placed: dict[str, tuple[str, Path]] = {}
    for number, case_ in enumerate(CASES):
        base = (PROJECT / KIND_BASE[case_.kind]).read_text(encoding="utf-8")
        rel, text = _placed(case_, number, base)
        if case_.kind == "config":  # one repository each: a repository has one register
            target = configs / rel
            target.parent.mkdir(parents=True)
            (target.parent / "trackers").mkdir()
        else:
            target = root / rel
            target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        placed[case_.name] = (rel, target)

    by_check: dict[str, list[str]] = {}
    result = check_repository(root, AS_OF, cache.Caches(root, enabled=False))
    for finding in result.findings:
        if finding.severity is Severity.ERROR and finding.path is not None:
            by_check.setdefault(finding.path, []).append(f"{finding.code}: {finding.message}")
    base_errors = {
        path: found
        for path, found in by_check.items()
        if path not in {r for r, _ in placed.values()}
    }
    assert base_errors == {}, "the example trackers should check clean"
    for case_ in CASES:
        if case_.kind == "config":
            rel, target = placed[case_.name]
            found = check_repository(
                target.parent, AS_OF, cache.Caches(target.parent, enabled=False)
            )
            by_check[rel] = [
                f"{f.code}: {f.message}" for f in found.findings if f.severity is Severity.ERROR
            ]

    by_schema: dict[str, list[str]] = {}
    tool = shutil.which("check-jsonschema", path=str(Path(sys.executable).parent))
    assert tool is not None, "check-jsonschema is a dev dependency (make dev)"
    for kind in KIND_BASE:
        targets = [str(target) for name, (_, target) in placed.items() if _kind(name) == kind]
        run = subprocess.run(
            [
                tool,
                "--schemafile",
                str(PROJECT / "schemas" / f"{kind}.schema.json"),
                "-o",
                "json",
                *targets,
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        report = json.loads(run.stdout)
        for item in report.get("errors", []):
            by_schema.setdefault(item["filename"], []).append(f"{item['path']}: {item['message']}")
        for item in report.get("parse_errors", []):
            by_schema.setdefault(item["filename"], []).append(item["message"])

    out = {}
    for name, (rel, target) in placed.items():
        said_check = by_check.get(rel, [])
        said_schema = by_schema.get(str(target), [])
        out[name] = (
            bool(said_check),
            bool(said_schema),
            f"check: {said_check}\nschema: {said_schema}",
        )
    return out


def _kind(name: str) -> str:
    return next(c.kind for c in CASES if c.name == name)


def test_every_case_has_its_own_name() -> None:
    assert len({c.name for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case_", CASES, ids=[c.name for c in CASES])
def test_check_and_the_schema_agree(
    case_: Case, verdicts: dict[str, tuple[bool, bool, str]]
) -> None:
    by_check, by_schema, said = verdicts[case_.name]
    if case_.expect == BOTH:
        assert (by_check, by_schema) == (True, True), said
    elif case_.expect == NEITHER:
        assert (by_check, by_schema) == (False, False), said
    else:
        assert (by_check, by_schema) == (True, False), said


def test_the_readme_names_every_rule_only_check_can_judge() -> None:
    readme = (PROJECT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### What only `check` can judge", 1)[1].split("\n#", 1)[0]
    reasons = {c.expect.removeprefix("check: ") for c in CASES if c.expect.startswith("check: ")}
    for reason in sorted(reasons):
        assert reason in section, reason
