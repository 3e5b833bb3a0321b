"""Builders shared by the tests: small tracker repositories written inline."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

from cqctrack.format import records

CONFIG = """\
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
  jreed:
    name: Jo Reed
    role: nominated-individual
"""

TRACKER = """\
name: Riverside Homecare
service_type: homecare
id_prefix: MED
registered_manager: mpatel
nominated_individual: jreed
"""

CONCERN = """\
id: MED-C1
title: Gaps in medicines records
source: internal-audit
raised: 2026-08-29
summary: Missing signatures and unclear refusal recording on MAR charts.
statements: [S8]
regulations: [12]
risk: high
"""

MEASURE = """\
id: MED-M1
concern: MED-C1
title: Complete medicines records
unit: percent
direction: at-least
target: 95
sustain: 3
period: monthly
readings:
  - period: 2026-09
    value: 96
    document: QMS-AUD-2026-09
"""

ACTION = """\
id: MED-001
title: Competency checks for staff with repeated MAR errors
concern: MED-C1
statements: [S8]
regulations: [12]
owner: tokafor
risk: high
created: 2026-09-01
due: 2026-10-31
status: in-progress
evidence_required:
  - id: R1
    description: Observed competency assessment for each staff member with repeat errors
    kinds: [competency-assessment, observation]
expected_outcome: No repeat omissions by the same staff member for three months.
"""

CLOSED_ACTION = """\
id: MED-002
title: Re-audit MAR charts after supervision
concern: MED-C1
statements: [S8, WL5]
regulations: [12, 17]
owner: tokafor
risk: medium
created: 2026-09-01
due: 2026-10-31
status: closed
evidence_required:
  - id: R1
    description: Re-audit showing at least 95% complete records
    kinds: [audit]
  - id: R2
    description: Supervision records for staff with repeat errors
    kinds: [supervision-record]
expected_outcome: Complete records sustained.
evidence:
  - id: E1
    satisfies: [R1]
    kind: audit
    file: evidence/audit.md
    date: 2026-10-20
    added_by: tokafor
    summary: October re-audit, 96% complete.
  - id: E2
    satisfies: [R2]
    kind: supervision-record
    document: HR-SUP-0042
    date: 2026-10-21
    added_by: tokafor
    summary: Supervision completed for both staff.
closure:
  date: 2026-10-25
  verified_by: mpatel
  outcome: Re-audit at 96% complete and supervision done for both staff.
"""

BASE = "trackers/riverside"


def dedent(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def write_tree(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(dedent(text) if text.startswith("\n") else text, encoding="utf-8")
    return root


def minimal_repo(root: Path, **overrides: str | None) -> Path:
    """A small valid repository; pass `path=text` overrides (None removes a file)."""
    files: dict[str, str | None] = {
        "cqctrack.yaml": CONFIG,
        f"{BASE}/tracker.yaml": TRACKER,
        f"{BASE}/concerns/MED-C1.yaml": CONCERN,
        f"{BASE}/measures/MED-M1.yaml": MEASURE,
        f"{BASE}/actions/MED-001.yaml": ACTION,
        f"{BASE}/actions/MED-002.yaml": CLOSED_ACTION,
        "evidence/audit.md": "October re-audit summary\n",
    }
    files.update(overrides)
    return write_tree(root, {k: v for k, v in files.items() if v is not None})


# --- records, built through the decoder production uses ------------------------------


def action_record(data: dict[str, Any]) -> records.Action:
    record: records.Action = records.decode("action", data)
    return record


def measure_record(data: dict[str, Any]) -> records.Measure:
    record: records.Measure = records.decode("measure", data)
    return record


def policy_record(data: dict[str, Any]) -> records.Policy:
    config = records.decode("config", {"provider": "Test Care Ltd", "people": {}, "policy": data})
    return config.policy  # type: ignore[no-any-return]


def index_reachable() -> bool:
    """Can pip reach a package index for cqctrack's dependencies? (the heavy tests)"""
    import urllib.request

    try:
        with urllib.request.urlopen("https://pypi.org/simple/pip/", timeout=10):
            return True
    except OSError:
        return False


def a_providers_first_commands(cqc: Any, init_target: str) -> Any:
    """What a new provider runs first, through `cqc(*args)`: init, two more people, a tracker
    and a concern (the heavy tests drive an installed cqctrack with it). Returns what init
    printed."""
    started = cqc("init", init_target, "--provider", "Riverside Care Ltd", "--manager", "mpatel",
        "--name", "Meera Patel", "--email", "meera@example.org")  # fmt: skip
    cqc("people", "add", "jreed", "--name", "Jo Reed", "--role", "nominated-individual",
        "--email", "jo@example.org")  # fmt: skip
    cqc("people", "add", "tokafor", "--name", "Tunde Okafor", "--role", "training-lead",
        "--email", "tunde@example.org")  # fmt: skip
    cqc("new", "tracker", "riverside-homecare", "--name", "Riverside Homecare",
        "--service-type", "homecare", "--prefix", "MED", "--registered-manager", "mpatel",
        "--nominated-individual", "jreed")  # fmt: skip
    cqc("new", "concern", "--tracker", "riverside-homecare", "--title", "Gaps in MAR records",
        "--source", "internal-audit", "--statement", "S8", "--regulation", "12", "--risk",
        "high", "--summary", "Missing signatures on MARs")  # fmt: skip
    return started
