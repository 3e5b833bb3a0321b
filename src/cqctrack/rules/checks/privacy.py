"""Rules about people's data and hidden text: identifiable details, control characters."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from cqctrack.findings import Finding, Loc, Severity, dotted
from cqctrack.format.layout import CONFIG_FILE
from cqctrack.rules import personal
from cqctrack.rules.checks.base import finding, items
from cqctrack.rules.context import RuleContext
from cqctrack.wording import hidden_characters

# Fields that hold ids and vocabulary, never free text (person_ref has its own rule).
_NOT_TEXT = frozenset(
    {
        "id", "concern", "owner", "by", "added_by", "approved_by", "verified_by",
        "recorded_by", "raised_by", "registered_manager", "nominated_individual",
        "provider_representative", "kind", "kinds", "statements", "regulations",
        "satisfies", "period", "person_ref", "framework", "id_prefix", "location_id",
        "role", "emails",
    }
)  # fmt: skip
_SEVERITY = {
    "privacy-postcode": Severity.INFO,  # a service's own address is not personal data
    "privacy-phone-number": Severity.WARNING,  # nor is the office's number
    "privacy-email": Severity.WARNING,
}
_HINT = (
    "refer to people who use services only by their pseudonymous reference (e.g. SU-0412) "
    "and keep identifiable details in the care record; git keeps old versions, so also "
    "ask your data protection lead whether the history must be rewritten"
)


def _field(loc: Loc) -> str:
    """The name of the field a text is in: the last name in its path (not a list index)."""
    last = loc[-1] if loc else ""
    if type(last) is str:  # most texts: asked of each of every record's, so no generator
        return last
    return next((p for p in reversed(loc) if isinstance(p, str)), "")


def _records(ctx: RuleContext) -> Iterator[tuple[str, str | None, Any]]:
    """(file, subject, record) for every tracker, concern, measure and action."""
    snap = ctx.snap
    for slug, tracker in snap.trackers.items():
        yield snap.tracker_path(slug), None, tracker
    for kind in ("concern", "measure", "action"):
        for record, path, _ in items(ctx, kind):
            yield path, record.id, record


def personal_data(ctx: RuleContext) -> Iterator[Finding]:
    """No NHS numbers, NI numbers, dates of birth, phone numbers, personal e-mail addresses,
    postcodes or deny-listed names in free text, evidence file names or evidence files."""
    domains = {
        email.rpartition("@")[2].lower()
        for person in ctx.people.values()
        for email in person.emails
    }
    names = ctx.deny_names
    for path, subject, record in _records(ctx):
        for loc, text in personal.strings(record):
            if _field(loc) in _NOT_TEXT:
                continue
            for match in personal.scan(text, domains, names):
                yield finding(
                    path,
                    match.code,
                    f"{dotted(loc)} holds what looks like {match.what} ({match.shown})",
                    hint=_HINT,
                    severity=_SEVERITY.get(match.code, Severity.ERROR),
                    loc=loc,
                    subject=subject,
                )
    for path, text in sorted(ctx.evidence_texts.items()):
        for match in personal.scan(text, domains, names):
            line, column = personal.line_of(text, match.start)
            yield Finding(
                code=match.code,
                message=f"this evidence file holds what looks like {match.what} ({match.shown})",
                severity=_SEVERITY.get(match.code, Severity.ERROR),
                hint=_HINT,
                path=path,
                line=line,
                column=column,
            )


def hidden_text(ctx: RuleContext) -> Iterator[Finding]:
    """Text fields hold no control characters or bidi controls (terminal injection)."""
    sources: list[tuple[str, str | None, Any]] = list(_records(ctx))
    if ctx.snap.config is not None:
        sources.append((CONFIG_FILE, None, ctx.snap.config))
    for path, subject, record in sources:
        for loc, text in personal.strings(record):
            if text.isprintable():
                continue
            shown = [c for c in hidden_characters(text) if c not in ("\\n", "\\t")]
            if not shown:
                continue
            yield finding(
                path,
                "text-hidden-character",
                f"{dotted(loc)} contains hidden control characters ({', '.join(shown)})",
                hint="remove them: they can change what a terminal shows (clear it, retitle "
                "it, plant links) or the order text appears to read in; every report shows "
                "them as escapes",
                loc=loc,
                subject=subject,
            )
