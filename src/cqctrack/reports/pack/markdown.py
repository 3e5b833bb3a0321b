"""The meeting pack as Markdown: the same sections as the PDF, for pasting into minutes."""

from __future__ import annotations

from cqctrack.format.pack import Counts, Pack
from cqctrack.reports.formats import markdown_cell, markdown_table
from cqctrack.reports.pack import (
    CHANGE_WORDS,
    COVERAGE_WORDS,
    SECTIONS,
    build_mark,
    footer,
)
from cqctrack.wording import date_text

_COUNT_HEADERS = ("Open", "Closed", "Red", "Amber", "Green", "Blue", "Overdue", "Escalated")


def _counts(c: Counts) -> list[str]:
    escalated = c.escalated_provider + c.escalated_manager
    values = (c.open, c.closed, c.red, c.amber, c.green, c.blue, c.overdue, escalated)
    return [str(v) for v in values]


def render(pack: Pack) -> str:
    title = dict(SECTIONS)
    out = [
        f"<!-- {build_mark(pack.build)} -->",
        f"# {markdown_cell(pack.title)}",
        "",
        f"**{markdown_cell(pack.period)}**, as of {date_text(pack.as_of)}. {markdown_cell(footer(pack))}.",
    ]
    if pack.omitted:
        out += ["", "This pack is for commissioners. Left out: " + "; ".join(pack.omitted) + "."]
    s = pack.summary
    out += ["", f"## 1. {title['summary']}", ""]
    rows = [["All trackers", *_counts(s.totals)]]
    rows += [[g.name, *_counts(g.counts)] for g in s.by_tracker]
    out += markdown_table(("Tracker", *_COUNT_HEADERS), rows)
    out += ["", *markdown_table(
        ("Key question", *_COUNT_HEADERS), [[g.name, *_counts(g.counts)] for g in s.by_key_question]
    )]  # fmt: skip
    out += ["", "What changed in the period:", ""]
    if not s.changes:
        out.append("Nothing closed, extended, reopened, escalated or newly overdue or flagged.")
    for kind, word in CHANGE_WORDS.items():
        changes = [c for c in s.changes if c.kind == kind]
        if changes:
            listed = "; ".join(
                f"{c.action} {markdown_cell(c.title)} ({markdown_cell(c.detail)})" for c in changes
            )
            out.append(f"- **{word}** ({len(changes)}): {listed}")
    out += ["", f"## 2. {title['attention']}", ""]
    if pack.attention:
        out += markdown_table(
            (
                "ID",
                "BRAG",
                "Action",
                "Tracker",
                "Owner",
                "Due",
                "Overdue",
                "Extended",
                "Last oversight",
                "Why",
            ),
            [
                [
                    r.action,
                    r.brag,
                    r.title,
                    r.tracker,
                    r.owner,
                    date_text(r.due),
                    f"{r.days_overdue} days" if r.days_overdue else "-",
                    f"{r.extensions_logged + r.extensions_unlogged}"
                    + (f" ({r.extensions_unlogged} not logged)" if r.extensions_unlogged else ""),
                    (
                        f"{date_text(r.last_oversight.date)}, {r.last_oversight.by}: "
                        f"{r.last_oversight.decision}"
                        if r.last_oversight
                        else "none"
                    ),
                    "; ".join(r.reasons),
                ]
                for r in pack.attention
            ],
        )
    else:
        out.append("No open action is overdue, escalated or flagged.")
    out += ["", f"## 3. {title['closed']}", ""]
    if not pack.closed:
        out.append("No action was closed in the period.")
    for c in pack.closed:
        out.append(
            f"- **{c.action}** {markdown_cell(c.title)} ({c.tracker}): closed {date_text(c.closed)}, "
            f"verified by {c.verified_by}; {markdown_cell(c.proof)}. Outcome: {markdown_cell(c.outcome)}"
        )
        for e in c.evidence:
            out.append(
                f"  - {e.id} {e.kind}, {markdown_cell(e.reference)}, {date_text(e.date)} "
                f"(for {', '.join(e.satisfies)})"
            )
    out += ["", f"## 4. {title['extensions']}", ""]
    if pack.extensions:
        out += markdown_table(
            ("ID", "Action", "Granted", "From", "To", "Reason", "Approved by", "Times moved"),
            [
                [
                    e.action,
                    e.title,
                    date_text(e.date),
                    date_text(e.from_),
                    date_text(e.to),
                    e.reason,
                    e.approved_by,
                    str(e.times_moved),
                ]
                for e in pack.extensions
            ],
        )
    else:
        out.append("No extension was granted in the period.")
    out += ["", f"## 5. {title['measures']}", ""]
    if not pack.measures:
        out.append("No measurable targets.")
    for m in pack.measures:
        readings = ", ".join(
            f"{r.label} {r.value:g}{'%' if m.unit == 'percent' else ''}" for r in m.readings
        )
        out.append(
            f"- **{m.measure}** {markdown_cell(m.title)} ({m.tracker}, for {m.concern}): "
            f"{markdown_cell(m.status)}" + (f". Readings: {readings}" if readings else "")
        )
    out += ["", f"### {title['trend']}", ""]
    out += markdown_table(
        ("Week ending", "Open", "Overdue", "Red"),
        [
            [date_text(p.week_end), str(p.open), str(p.overdue), str(p.red)]
            for p in pack.trend.points
        ],
    )
    out += ["", f"Source: {pack.trend.source}."]
    g = pack.governance
    out += ["", f"## 6. {title['governance']}", "", "Oversight decisions in the period:", ""]
    if g.decisions:
        out += markdown_table(
            ("Date", "Action", "By", "Level", "Decision", "Note"),
            [
                [date_text(d.date), d.action, d.by, d.level, d.decision, d.note or "-"]
                for d in g.decisions
            ],
        )
    else:
        out.append("None recorded.")
    out += ["", "Challenges raised, and what came of them:", ""]
    out += [
        f"- {date_text(c.date)} {c.action}, by {c.by}: {markdown_cell(c.note or '(note left out)')} → {c.outcome}"
        for c in g.challenges
    ] or ["None raised."]
    out += ["", "Reviews missed against the policy cadence (as at the end of the period):", ""]
    out += [
        f"- {m.action} ({m.tracker}, {m.owner}): no {m.level} for {m.days} days (policy: {m.policy_days})"
        for m in g.missed
    ] or ["None."]
    out += ["", "Flags from history:", ""]
    out += [
        f"- {f.action} ({f.tracker}): {markdown_cell(f.message)} [{f.code}]" for f in g.flags
    ] or ["None."]
    out += ["", f"## 7. {title['coverage']}", ""]
    out += markdown_table(
        ("Statement", "Key question", "Open", "Evidenced and closed", "Coverage"),
        [
            [
                f"{c.statement} {c.name}",
                c.key_question,
                str(c.open),
                str(c.closed_evidenced),
                COVERAGE_WORDS[c.status],
            ]
            for c in pack.coverage
        ],
    )
    out += ["", f"## 8. {title['register']}", ""]
    out += markdown_table(
        ("ID", "Action", "Tracker", "Owner", "Status", "BRAG", "Due", "Closed", "Evidence"),
        [
            [
                r.action,
                r.title,
                r.tracker,
                r.owner,
                r.status,
                r.brag or "-",
                date_text(r.due),
                date_text(r.closed) if r.closed else "-",
                r.evidence,
            ]
            for r in pack.appendix
        ],
    )
    return "\n".join(out) + "\n"
