"""The meeting pack's renderers: PDF (typst), HTML (Jinja2), Markdown and JSON, from one model.

Every renderer shows the same sections in the same order, with the same words for
each thing (`SECTIONS`, `CHANGE_WORDS`, the helpers below), and records how the pack
was built (`format.pack.Build`) inside it, so `cqctrack report verify` can rebuild it
and compare. What the renderers print comes from `read/pack.py`; they format and never
judge.
"""

from __future__ import annotations

import base64
import json
import re

from cqctrack.format.pack import Build, Pack

SECTIONS = (
    ("summary", "Summary"),
    ("attention", "Needs attention"),
    ("closed", "Closed in the period"),
    ("extensions", "Extensions granted"),
    ("measures", "Measurable targets"),
    ("trend", "Open, overdue and Red actions, week by week"),
    ("governance", "Governance record"),
    ("coverage", "Quality statement coverage"),
    ("register", "Appendix: the register"),
)

CHANGE_WORDS = {
    "closed": "Closed",
    "newly-overdue": "Newly overdue",
    "extended": "Extended",
    "reopened": "Reopened",
    "escalated": "Escalated",
    "newly-flagged": "Newly flagged",
}

COVERAGE_WORDS = {
    "open": "open actions",
    "evidenced": "evidenced and closed",
    "none": "no actions",
}

_MARK = "cqctrack-build:"
_FOUND = re.compile(rb"cqctrack-build:([A-Za-z0-9+/=]+)")


def build_mark(build: Build) -> str:
    """The build record as one token that survives any format's escaping: base64 JSON."""
    data = build.model_dump_json(by_alias=True).encode()
    return _MARK + base64.b64encode(data).decode("ascii")


def read_mark(content: bytes) -> Build | None:
    """The build record a pack carries, or None when it carries none."""
    found = _FOUND.search(content)
    if found is None:
        return None
    try:
        return Build.model_validate(json.loads(base64.b64decode(found.group(1))))
    except ValueError:
        return None


def footer(pack: Pack) -> str:
    """What every page carries: provider, period, as-of date and the commit(s) read."""
    from cqctrack.wording import date_text

    commits = ", ".join(
        f"{s.name} {s.commit[:8] if s.commit else 'not in git'}{'' if s.clean else ' (with uncommitted changes)'}"
        for s in pack.build.sources
    )
    return f"{pack.provider} · {pack.period} · as of {date_text(pack.as_of)} · built from {commits}"
