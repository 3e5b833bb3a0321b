"""History's flags, judged once: what git shows about how each entry came to be.

git/facts.py records, for every dated entry, the commit that first held it, and
the changes a reviewer must see; this module turns those facts into findings, for
`check` (errors or warnings, on the entry's line), `review` (reasons on the row),
`summary` (counts) and `history` (flags on the event) alike:

- a sign-off git does not prove (rules/signoff.py), judged by the proof level and
  register in force when it was committed (`signoff-*`);
- an entry dated after the commit that added it (`audit-dated-after-commit`), or
  committed more than `audit.backdating_days` after the date it carries
  (`audit-backdated`), and a reading added before its period ended
  (`consistency-period-not-ended`);
- a review the action's owner committed in someone else's name (`oversight-by-owner`);
- evidence edited or removed after closure, a requirement removed or changed, a
  closure edited, the file deleted (`audit-*`);
- a policy or register change that relaxed the rules (`policy-relaxed`), and a
  sign-off recorded while it stood that the rules before it would have refused
  (`signoff-under-relaxation`).

History up to `signoff.imported_until` (and at the edge of a shallow clone) is
not judged: its entries count as recorded, not proven. Entries not yet committed
are not judged either; they will be once they are.

Errors: an unproven sign-off, an entry dated after its commit, oversight by the
owner. The other flags are warnings, or errors with `audit.history_flags: error`.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from types import MappingProxyType
from typing import Any, NamedTuple

from cqctrack.findings import Finding, Loc, Severity
from cqctrack.format.history import (
    CLOSURE_EDITED,
    DELETED,
    EVIDENCE_EDITED,
    EVIDENCE_REMOVED,
    REQUIREMENT_CHANGED,
    REQUIREMENT_REMOVED,
    ActionHistory,
    Added,
    DueMove,
    Entry,
    Imported,
    Signature,
    as_added,
    entries_of_record,
)
from cqctrack.format.policy import PROOF_ORDER, ExtensionLogging, FlagSeverity, Policy, Proof
from cqctrack.format.records import Action, Config, Measure, Person
from cqctrack.rules import closure as closure_rule
from cqctrack.rules import signoff
from cqctrack.wording import date_text


class ConfigVersion(NamedTuple):
    added: Added  # the commit that wrote this version of cqctrack.yaml
    config: Config | None  # None: missing or invalid in that commit


class Governance(NamedTuple):
    """What the judgements read besides the files: every version of cqctrack.yaml, where
    judged history starts, and what git says of the signatures asked about."""

    versions: tuple[ConfigVersion, ...] = ()
    imported: Imported = Imported()
    signatures: Mapping[str, Signature] = MappingProxyType({})

    def config_at(self, when: datetime) -> Config | None:
        """The last valid cqctrack.yaml committed at or before `when`."""
        found = None
        for version in self.versions:
            if version.added.when > when:
                break
            if version.config is not None:
                found = version.config
        return found

    def covers(self, added: Added | None) -> bool:
        return added is not None and self.imported.covers(added.sha, added.when)


def flag_severity(policy: Policy) -> Severity:
    error = policy.audit.history_flags is FlagSeverity.ERROR
    return Severity.ERROR if error else Severity.WARNING


def _flag(
    code: str,
    message: str,
    severity: Severity,
    added: Added | None,
    subject: str | None,
    loc: Loc = (),
    hint: str | None = None,
) -> Finding:
    return Finding(
        code=code,
        message=message,
        severity=severity,
        hint=hint,
        loc=loc,
        subject=subject,
        commit=added.sha if added else None,
    )


_WHAT = {
    "evidence": "evidence {ref}",
    "reviews": "a review",
    "progress": "a progress note",
    "extensions": "an extension",
    "closure": "the closure",
    "reopenings": "a reopening",
    "cancellation": "the cancellation",
    "readings": "the reading for {ref}",
    "corrections": "a correction",
    "requirement_changes": "a requirement change",
    "created": "the action's `created` date",
}


def what(entry: Entry) -> str:
    return _WHAT.get(entry.log, entry.log).format(ref=entry.ref)


def _emails(person: Person | None) -> set[str]:
    return {e.lower() for e in person.emails} if person is not None else set()


# --- one entry ------------------------------------------------------------------------


def entry_findings(
    subject: str,
    owner: str | None,
    entry: Entry,
    added: Added | None,
    now: Config,
    gov: Governance,
    *,
    imported: bool = False,
    replacement: bool = False,
) -> list[Finding]:
    """Every flag about how `entry` came to be, added in commit `added`.

    `imported`: the entry is a spreadsheet's word, brought by `cqctrack import` or an
    imported closure; rules/drift.py keeps such a closure Amber until it is confirmed,
    and nothing is judged here. `replacement`: the entry replaces another (a
    correction); it carries the date of the event it corrects, so its date is not
    judged (the correction's own date is)."""
    if added is None or gov.covers(added) or imported:
        return []
    then = gov.config_at(added.when) or now
    policy = now.policy
    found: list[Finding] = []
    if entry.day is not None and not replacement:
        lag = (added.day - entry.day).days
        if lag < 0:
            found.append(
                _flag(
                    "audit-dated-after-commit",
                    f"{what(entry)} is dated {date_text(entry.day)}, after the commit that "
                    f"added it ({added.sha[:8]} by {added.name} on {date_text(added.day)})",
                    Severity.ERROR,
                    added,
                    subject,
                    entry.loc,
                    "entries record what has happened: date them on or before the day "
                    "they are committed",
                )
            )
        elif lag > policy.audit.backdating_days and entry.log != "created":
            found.append(
                _flag(
                    "audit-backdated",
                    f"{what(entry)} dated {date_text(entry.day)} was committed {lag} days "
                    f"later ({date_text(added.day)})",
                    flag_severity(policy),
                    added,
                    subject,
                    entry.loc,
                )
            )
    commit = signoff.Commit(added.name, added.email, gov.signatures.get(added.sha))
    proof = then.policy.signoff.proof
    for problem in signoff.problems(entry, then.people, proof, commit):
        found.append(problem._replace(subject=subject, commit=added.sha, severity=Severity.ERROR))
    if (
        entry.log == "reviews"
        and owner is not None
        and entry.person != owner
        and proof is not Proof.RECORDED
        and added.email.lower() in _emails(then.people.get(owner))
    ):
        day = date_text(entry.day) if entry.day else "?"
        found.append(
            _flag(
                "oversight-by-owner",
                f"the review of {day} by {entry.person} was committed by the action's "
                f"owner, {added.name} <{added.email}>",
                Severity.ERROR,
                added,
                subject,
                entry.loc,
                "oversight is recorded by the manager who did it, never by the owner",
            )
        )
    return found


def recorded_note(entry: Entry, added: Added | None, gov: Governance) -> list[Finding]:
    """A sign-off in imported history: recorded, not proven (for `history`)."""
    if added is None or not gov.covers(added) or not signoff.is_sign_off(entry):
        return []
    until = gov.imported.until
    where = (
        f"signoff.imported_until: {until.isoformat()}"
        if until is not None and added.day <= until
        else "the edge of a shallow clone"
        if added.sha in gov.imported.shallow
        else "signoff.imported_until"
    )
    return [
        _flag(
            "signoff-recorded",
            f"{signoff.describe(entry)} is recorded, not proven: it was committed in history "
            f"that predates the governance record ({where})",
            Severity.INFO,
            added,
            None,
            entry.loc,
        )
    ]


def reading_findings(
    subject: str, entry: Entry, premature: str | None, added: Added | None, gov: Governance
) -> list[Finding]:
    """A reading committed before its period ended (`premature`: rules/measures.py's words
    for the commit's day), when the reading itself gives no `recorded` date."""
    if premature is None or added is None or gov.covers(added):
        return []
    return [
        _flag(
            "consistency-period-not-ended",
            premature,
            Severity.ERROR,
            added,
            subject,
            (*entry.loc, "period"),
            "a period's reading is recorded after it ends",
        )
    ]


# --- changes a reviewer must see --------------------------------------------------------

_EVENTS = {
    EVIDENCE_EDITED: (
        "audit-evidence-edited-after-closure",
        "evidence {id} was edited after closure",
    ),
    EVIDENCE_REMOVED: (
        "audit-evidence-removed-after-closure",
        "evidence {id} was removed after closure",
    ),
    REQUIREMENT_REMOVED: (
        "audit-requirement-removed",
        "evidence requirement {id} was removed after the action was agreed",
    ),
    REQUIREMENT_CHANGED: (
        "audit-requirement-changed",
        "evidence requirement {id} was changed after the action was agreed",
    ),
    CLOSURE_EDITED: ("audit-closure-edited", "the closure was edited after it was recorded"),
    DELETED: ("audit-file-deleted", "the action file was deleted"),
}
_EVENT_LOC: dict[str, Loc] = {
    EVIDENCE_EDITED: ("evidence",),
    EVIDENCE_REMOVED: ("evidence",),
    REQUIREMENT_REMOVED: ("evidence_required",),
    REQUIREMENT_CHANGED: ("evidence_required",),
    CLOSURE_EDITED: ("closure",),
}


def event_findings(
    subject: str | None,
    events: Iterable[tuple[str, str, tuple[Any, ...]]],
    policy: Policy,
    gov: Governance,
) -> list[Finding]:
    out = []
    for event, ident, plain in events:
        added = as_added(plain)
        if added is None or gov.covers(added) or event not in _EVENTS:
            continue
        code, message = _EVENTS[event]
        out.append(
            _flag(
                code,
                message.format(id=ident),
                flag_severity(policy),
                added,
                subject,
                _EVENT_LOC.get(event, ()),
                f"changed in commit {added.sha[:8]} by {added.name} on {date_text(added.day)}",
            )
        )
    return out


def judged_moves(moves: Iterable[DueMove], gov: Governance) -> tuple[DueMove, ...]:
    """Due-date moves in the history that is judged (not imported)."""
    return tuple(m for m in moves if m.commit is None or not gov.imported.covers(m.commit, m.when))


# --- relaxations of the rules -----------------------------------------------------------


class Relaxation(NamedTuple):
    setting: str  # e.g. "closure.verifier_may_be_owner", "people.lnowak.role"
    old: str
    new: str
    at: Added
    until: Added | None  # the commit that put it back, if any
    before: Config  # cqctrack.yaml as it was before the relaxation

    def stood_at(self, when: datetime) -> bool:
        return self.at.when <= when and (self.until is None or when < self.until.when)

    def describe(self) -> str:
        text = (
            f"{self.setting} relaxed ({self.old} → {self.new}) by {self.at.name} on "
            f"{date_text(self.at.day)}"
        )
        if self.until is not None:
            text += f", put back by {self.until.name} on {date_text(self.until.day)}"
        return text


def _words(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple):
        return "[" + ", ".join(str(v) for v in value) + "]"
    if value is None:
        return "null"
    return str(getattr(value, "value", value))


def _laxer(setting: str, old: Any, new: Any) -> bool:
    """Whether `new` is more lenient than `old` for this setting. For someone's role the
    values are (role, policy): laxer when the new role may do something the old could not."""
    if setting.startswith("people."):
        return _role_laxer(old, new)
    if old == new:
        return False
    name = setting.rsplit(".", 1)[-1]
    if name == "verifier_may_be_owner":
        return bool(new) and not old
    if name == "require_approval":
        return bool(old) and not new
    if name == "proof":
        return bool(PROOF_ORDER[new] < PROOF_ORDER[old])
    if name == "imported_until":
        return new is not None
    if name == "backdating_days":
        return bool(new > old)
    if name == "extension_logging":
        return new is ExtensionLogging.ANYTIME
    if name == "history_flags":
        return new is FlagSeverity.WARNING
    if isinstance(old, tuple) and isinstance(new, tuple):  # role lists
        return bool(set(new) - set(old))
    return False


def _settings(config: Config) -> dict[str, Any]:
    policy = config.policy
    out: dict[str, Any] = {
        "closure.verifier_may_be_owner": policy.closure.verifier_may_be_owner,
        "closure.verifier_roles": policy.closure.verifier_roles,
        "closure.require_approval": policy.closure.require_approval,
        "signoff.proof": policy.signoff.proof,
        "signoff.imported_until": policy.signoff.imported_until,
        "roles.weekly_review": policy.roles.weekly_review,
        "roles.monthly_review": policy.roles.monthly_review,
        "roles.approve_extension": policy.roles.approve_extension,
        "audit.backdating_days": policy.audit.backdating_days,
        "audit.extension_logging": policy.audit.extension_logging,
        "audit.history_flags": policy.audit.history_flags,
    }
    return out


def _powers(policy: Policy, role: str) -> set[str]:
    """What a role may do under `policy`: verify, approve extensions, record reviews."""
    lists = {
        "verify closures": policy.closure.verifier_roles,
        "approve extensions": policy.roles.approve_extension,
        "record management review": policy.roles.weekly_review,
        "record provider scrutiny": policy.roles.monthly_review,
    }
    return {power for power, roles in lists.items() if role in roles}


def relaxations(gov: Governance) -> list[Relaxation]:
    """Every change of cqctrack.yaml, after judged history starts, that relaxed the rules: a
    policy setting made more lenient, or someone given a role with powers they lacked."""
    versions = [v for v in gov.versions if v.config is not None]
    found: list[Relaxation] = []
    open_: list[tuple[Relaxation, Any]] = []  # relaxations not yet put back, with old value
    for previous, current in itertools.pairwise(versions):
        assert previous.config is not None and current.config is not None
        old, new = _settings(previous.config), _settings(current.config)
        added = current.added
        # Put back: a relaxation ends when its setting is no laxer than it was before.
        still = []
        for relaxation, before in open_:
            key = relaxation.setting
            value = new.get(key) if key in new else _role_of(current.config, key)
            if not _laxer(key, before, value):
                found.append(relaxation._replace(until=added))
            else:
                still.append((relaxation, before))
        open_ = still
        if gov.covers(added):
            continue
        for key, value in new.items():
            if _laxer(key, old[key], value):
                relaxation = Relaxation(
                    key, _words(old[key]), _words(value), added, None, previous.config
                )
                open_.append((relaxation, old[key]))
        for person_id, person in current.config.people.items():
            was = previous.config.people.get(person_id)
            if was is None or was.role == person.role:
                continue
            gained = _powers(current.config.policy, person.role) - _powers(
                previous.config.policy, was.role
            )
            if gained:
                key = f"people.{person_id}.role"
                relaxation = Relaxation(key, was.role, person.role, added, None, previous.config)
                open_.append((relaxation, (was.role, previous.config.policy)))
    found += [relaxation for relaxation, _ in open_]
    found.sort(key=lambda r: r.at.when)
    return found


def _role_of(config: Config, key: str) -> Any:
    """For a role relaxation: the person's role now, as the value `_laxer` compares."""
    person_id = key.split(".")[1]
    person = config.people.get(person_id)
    return (person.role if person else None, config.policy)


def _role_laxer(before: tuple[Any, ...], now: tuple[Any, ...]) -> bool:
    old_role, old_policy = before
    new_role, new_policy = now
    if new_role is None:
        return False
    return bool(_powers(new_policy, new_role) - _powers(old_policy, old_role))


def recent(found: Iterable[Relaxation], today: date, days: int) -> list[Relaxation]:
    """Relaxations made in the `days` up to `today` (standing or put back since): the next
    provider scrutiny must see them."""
    start = today - timedelta(days=days)
    return [r for r in found if start < r.at.day <= today]


def relaxation_flag(relaxation: Relaxation) -> Finding:
    """`policy-relaxed`, on the setting in cqctrack.yaml."""
    standing = "still stands" if relaxation.until is None else "was put back"
    return _flag(
        "policy-relaxed",
        relaxation.describe(),
        Severity.WARNING,
        relaxation.at,
        None,
        setting_loc(relaxation.setting),
        f"it {standing}; sign-offs recorded while it stood are flagged on their actions; "
        "provider scrutiny should confirm the change was agreed",
    )


def relaxation_findings(found: Iterable[Relaxation], today: date, policy: Policy) -> list[Finding]:
    """`policy-relaxed` for each relaxation made within the provider scrutiny cadence
    before the day judged (standing, or put back since: the next scrutiny must see it)."""
    return [relaxation_flag(r) for r in recent(found, today, policy.cadence.monthly_days)]


def setting_loc(setting: str) -> Loc:
    """Where a setting sits in cqctrack.yaml: policy.closure..., or people.ID.role."""
    parts = tuple(setting.split("."))
    return parts if parts[0] == "people" else ("policy", *parts)


def under_relaxation(
    subject: str,
    owner: str | None,
    entry: Entry,
    added: Added | None,
    gov: Governance,
    found: Iterable[Relaxation],
    approved: bool | None = None,
) -> list[Finding]:
    """A sign-off recorded while a relaxation stood that the rules before it would have
    refused. `approved`: for closures, whether an approve-closure stood before it."""
    if added is None or gov.covers(added) or not signoff.is_sign_off(entry):
        return []
    out = []
    for relaxation in found:
        if not relaxation.stood_at(added.when):
            continue
        why = _refused_before(owner, entry, added, relaxation, gov, approved)
        if why is None:
            continue
        out.append(
            _flag(
                "signoff-under-relaxation",
                f"{signoff.describe(entry)} was recorded on {date_text(added.day)} while "
                f"{relaxation.describe()}; the rules before it would have refused it: {why}",
                Severity.WARNING,
                added,
                subject,
                entry.loc,
                "provider scrutiny should confirm the sign-off, or have it made again under "
                "the usual rules",
            )
        )
    return out


def _refused_before(
    owner: str | None,
    entry: Entry,
    added: Added,
    relaxation: Relaxation,
    gov: Governance,
    approved: bool | None,
) -> str | None:
    before = relaxation.before
    policy, people = before.policy, before.people
    signer = entry.person or ""
    person = people.get(signer)
    role = person.role if person is not None else None
    setting = relaxation.setting
    owner_verified = signer == owner and not policy.closure.verifier_may_be_owner
    if setting == "closure.verifier_may_be_owner" and entry.log == "closure" and owner_verified:
        return f"the verifier ({signer}) is the action's owner"
    role_change = setting == f"people.{signer}.role"
    signs = entry.log in ("closure", "cancellation", "reviews")
    may_not = role not in policy.closure.verifier_roles
    if (setting == "closure.verifier_roles" or role_change) and signs and may_not:
        return f"{signer} was a {role}, who could not sign it off"
    approves = entry.log == "extensions" and role not in policy.roles.approve_extension
    if (setting == "roles.approve_extension" or role_change) and approves:
        return f"{signer} was a {role}, who could not approve extensions"
    if setting == "closure.require_approval" and entry.log == "closure" and approved is False:
        return "no approve-closure review stood before it"
    if setting == "signoff.proof":
        commit = signoff.Commit(added.name, added.email, gov.signatures.get(added.sha))
        problems = signoff.problems(entry, people, policy.signoff.proof, commit)
        if problems:
            return problems[0].message
    return None


# --- a whole action or measure ------------------------------------------------------------


def action_flags(
    action: Action,
    history: ActionHistory | None,
    now: Config,
    gov: Governance,
    relaxed: Iterable[Relaxation] = (),
    entries: list[Entry] | None = None,
) -> list[Finding]:
    """Every history flag about `action` (not yet located in its file), oldest first.
    `entries`: the action's entries, when the caller has them already."""
    if history is None:
        return []
    relaxed = list(relaxed)
    found: list[Finding] = []
    owner_emails = _emails_ever(gov, now, action.owner)
    limit = now.policy.audit.backdating_days
    entries = entries if entries is not None else entries_of_record(action)
    # An action made by `cqctrack import`: what its first commit holds is the plan's word.
    created = next((e for e in entries if e.log == "created"), None)
    first = history.added.get(created.key) if created is not None else None
    plan = first[0] if action.imported is not None and first is not None else None
    replacements = {c.replacement for c in action.corrections if c.replacement}
    for entry in entries:
        plain = history.added.get(entry.key)
        if plain is None or _quiet(entry, plain, owner_emails, limit):
            continue  # most entries: committed on their day by someone not the owner
        added = as_added(plain)
        imported = plain[0] == plan or (
            entry.log == "closure" and action.closure is not None and bool(action.closure.imported)
        )
        name = entry.ref if entry.log == "evidence" else f"{entry.log}[{(entry.position or 0) + 1}]"
        found += entry_findings(
            action.id,
            action.owner,
            entry,
            added,
            now,
            gov,
            imported=imported,
            replacement=name in replacements,
        )
        if relaxed:
            approved = None
            if entry.log == "closure" and action.closure is not None:
                approved = closure_rule.approval_stood(action, action.closure)
            found += under_relaxation(action.id, action.owner, entry, added, gov, relaxed, approved)
    found += event_findings(action.id, history.events, now.policy, gov)
    return found


def _quiet(entry: Entry, plain: tuple[Any, ...], owner_emails: set[str], limit: int) -> bool:
    """Nothing about this entry can be flagged: no sign-off, committed on the day it carries
    (or within the back-dating window), and not by the action's owner. A cheap test on the
    plain facts, so that only the few entries that might be flagged are judged in full."""
    if signoff.is_sign_off(entry) or entry.day is None:
        return False
    lag = (date.fromisoformat(plain[1][:10]) - entry.day).days
    if lag < 0 or (lag > limit and entry.log != "created"):
        return False
    return entry.log != "reviews" or plain[3].lower() not in owner_emails


def _emails_ever(gov: Governance, now: Config, person: str | None) -> set[str]:
    """Every e-mail the register gave `person` in any version of cqctrack.yaml."""
    found: set[str] = set()
    if person is None:
        return found
    for config in [now, *(v.config for v in gov.versions)]:
        if config is not None and person in config.people:
            found |= _emails(config.people[person])
    return found


def measure_flags(
    measure: Measure, history: ActionHistory | None, now: Config, gov: Governance
) -> list[Finding]:
    """Every history flag about a measure's readings."""
    if history is None:
        return []
    found: list[Finding] = []
    for entry in entries_of_record(measure):
        added = history.added_by(entry.key)
        found += entry_findings(measure.id, None, entry, added, now, gov)
        if entry.log != "readings" or entry.position is None or added is None:
            continue
        reading = measure.readings[entry.position]
        if reading.recorded is None:
            from cqctrack.rules import measures as measures_rule  # only measures need it

            early = measures_rule.premature(measure, reading, added.day)
            found += reading_findings(measure.id, entry, early, added, gov)
    return found


def review_lags(
    action: Action, history: ActionHistory, gov: Governance, entries: list[Entry] | None = None
) -> dict[int, int]:
    """Review index -> days between the date it carries and the commit that added it, for
    reviews in judged history (imported ones, and uncommitted ones, are taken as dated)."""
    lags = {}
    for entry in entries if entries is not None else entries_of_record(action):
        if entry.log != "reviews" or entry.day is None or entry.position is None:
            continue
        added = history.added_by(entry.key)
        if added is not None and not gov.covers(added):
            lags[entry.position] = (added.day - entry.day).days
    return lags


def signed_commits(action: Action, history: ActionHistory | None, gov: Governance) -> list[str]:
    """The commits whose signatures the judgement of `action` needs (policy `signed`)."""
    if history is None:
        return []
    out = []
    for entry in entries_of_record(action):
        if not signoff.is_sign_off(entry):
            continue
        added = history.added_by(entry.key)
        if added is None or gov.covers(added):
            continue
        then = gov.config_at(added.when)
        if then is not None and then.policy.signoff.proof is Proof.SIGNED:
            out.append(added.sha)
    return out


def email_owners(people: Mapping[str, Person]) -> dict[str, str]:
    """Registered e-mail (lower case) -> person id."""
    return {e.lower(): pid for pid, p in people.items() for e in p.emails}


def causers(
    flags: Iterable[Finding],
    moves: Iterable[DueMove],
    history: ActionHistory | None,
    by_email: Mapping[str, str],
) -> frozenset[str]:
    """The people whose commits caused a lapse: the authors of flagged commits and of
    unlogged due-date moves, known by their registered e-mails (`email_owners`)."""
    emails = {m.author_email.lower() for m in moves}
    flagged = {f.commit for f in flags if f.commit is not None}
    if history is not None and flagged:
        plains = [*history.added.values(), *(e[2] for e in history.events)]
        emails |= {p[3].lower() for p in plains if p[0] in flagged}
    return frozenset(by_email[e] for e in emails if e in by_email)
