"""Proof of sign-off: does git show that the person a sign-off names is who recorded it?

Sign-offs are a closure (its verifier), an extension (its approver), a cancellation
(its approver) and an approve-closure or reject-closure decision (its reviewer).
Policy `signoff.proof` says what proves one:

- `recorded`: nothing; the file is trusted as written;
- `author` (the default): the commit that adds the entry is authored from one of the
  signer's e-mails in the people register;
- `signed`: that commit also carries a good signature made with one of the signer's
  `signing_keys`, as git itself verifies it (see git/signatures.py).

The same judgement refuses a recording command before it writes (`pending`: the
commit it would make, with the identity and signing key git would use) and reports
each entry in history that fails it (`check`, `review`, `history`). Entries in
history before `signoff.imported_until` count as recorded, not proven.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import NamedTuple

from cqctrack.findings import Finding
from cqctrack.format.history import Added, Entry, Signature
from cqctrack.format.keys import fingerprints, same_key
from cqctrack.format.policy import Proof
from cqctrack.format.records import Person
from cqctrack.wording import date_text

SIGNERS = {
    "closure": "the verifier",
    "extensions": "its approver",
    "cancellation": "its approver",
    "reviews": "its reviewer",
}
_GOOD_OPENPGP = frozenset("GU")  # a good signature; U: the key's owner trust is not set
_STATUS = {
    "B": "has a bad signature",
    "E": "has a signature git cannot check",
    "X": "has an expired signature",
    "Y": "was signed with an expired key",
    "R": "was signed with a revoked key",
}


def is_sign_off(entry: Entry) -> bool:
    if entry.log == "reviews":
        return entry.decision in ("approve-closure", "reject-closure")
    return entry.log in ("closure", "extensions", "cancellation")


def describe(entry: Entry) -> str:
    """How a sign-off is named in messages: 'the closure', 'the extension of 14 Oct 2026'."""
    day = date_text(entry.day) if entry.day else "?"
    if entry.log == "closure":
        return "the closure"
    if entry.log == "cancellation":
        return "the cancellation"
    if entry.log == "extensions":
        return f"the extension approved on {day}"
    return f"the {entry.decision} decision of {day}"


class Commit(NamedTuple):
    """Who authored a commit (done or about to be made), and its signature."""

    name: str
    email: str
    signature: Signature | None = None  # what git said of it (None: not asked, or pending)
    key: str | None = None  # pending commits: the key git would sign with, if any


def _finding(code: str, message: str, hint: str | None, entry: Entry) -> Finding:
    return Finding(code=code, message=message, hint=hint, loc=entry.loc)


def problems(
    entry: Entry,
    people: Mapping[str, Person],
    proof: Proof,
    commit: Commit,
    *,
    pending: bool = False,
) -> list[Finding]:
    """Why git does not prove `entry`'s signer recorded it under `proof`; empty when it does.

    `pending`: the commit is the one a recording command is about to make.
    """
    signer = entry.person
    if proof is Proof.RECORDED or signer is None or not is_sign_off(entry):
        return []
    person = people.get(signer)
    if person is None:
        return []  # the reference rule reports people missing from the register
    what, role = describe(entry), SIGNERS[entry.log]
    setting = f"(policy signoff.proof: {proof})"
    if not person.emails:
        return [
            _finding(
                "signoff-no-email",
                f"{what} cannot be proven: {signer} has no e-mail in the people register {setting}",
                f"add the e-mail {signer} commits with under `people` in cqctrack.yaml",
                entry,
            )
        ]
    emails = {e.lower() for e in person.emails}
    if commit.email.lower() not in emails:
        verb = "would be" if pending else "was"
        hint = (
            f"run it as {signer}, with their git identity ({', '.join(person.emails)})"
            if pending
            else f"a sign-off is committed by the person who signs off: ask {signer} to "
            "record it from their own git identity, or correct the entry"
        )
        message = f"{what} {verb} committed by {commit.name} <{commit.email}>, not by {role}, {signer} {setting}"
        return [_finding("signoff-not-by-signer", message, hint, entry)]
    if proof is not Proof.SIGNED:
        return []
    return _signature_problems(entry, signer, person, commit, pending, setting)


def _signature_problems(
    entry: Entry, signer: str, person: Person, commit: Commit, pending: bool, setting: str
) -> list[Finding]:
    what = describe(entry)
    register = f"under `people.{signer}.signing_keys` in cqctrack.yaml"
    if pending:
        if commit.key is None:
            return [
                _finding(
                    "signoff-unsigned",
                    f"{what} would be committed without a signature {setting}",
                    "configure git to sign: `git config user.signingkey KEY` (and "
                    "`git config gpg.format ssh` for an SSH key)",
                    entry,
                )
            ]
        if not any(same_key(commit.key, key) for key in person.signing_keys):
            return [
                _finding(
                    "signoff-bad-signature",
                    f"{what} would be signed with a key not registered for {signer} {setting}",
                    f"register the public key {register}",
                    entry,
                )
            ]
        return []
    sig = commit.signature
    if sig is None or sig.status == "N":
        return [
            _finding(
                "signoff-unsigned",
                f"{what} was committed without a signature {setting}",
                f"{signer} signs the commits that record their sign-offs",
                entry,
            )
        ]
    if sig.status in _STATUS:
        return [
            _finding(
                "signoff-bad-signature",
                f"{what} {_STATUS[sig.status]} {setting}",
                "check the commit with `git verify-commit`",
                entry,
            )
        ]
    good = (sig.status == "G" and sig.principal == signer) or (
        sig.status in _GOOD_OPENPGP
        and bool({sig.fingerprint.upper(), sig.primary.upper()} & fingerprints(person))
    )
    if good:
        return []
    return [
        _finding(
            "signoff-bad-signature",
            f"{what} was signed with a key not registered for {signer} {setting}",
            f"a sign-off is signed with one of the signer's keys {register}",
            entry,
        )
    ]


def proof_words(
    entry: Entry,
    added: Added | None,
    flags: Iterable[Finding],
    proof: Proof,
    imported: bool,
    signer: str,
) -> str:
    """How a sign-off stands, in words, from the judgement history's flags have made.

    `flags` are the action's history flags (rules/governance.py); one about this entry
    that is not for information means git does not prove it. `imported`: the commit
    that added it is in history before the governance record starts.
    """
    against = [
        f
        for f in flags
        if f.code.startswith("signoff-") and f.code != "signoff-recorded" and f.loc == entry.loc
    ]
    if against:
        return "not proven: " + against[0].message
    if added is None:
        return "recorded in the file, not yet committed, so not proven"
    day = date_text(added.day)
    if imported:
        return (
            f"recorded, not proven: committed on {day} in history from before the governance "
            "record starts (policy signoff.imported_until)"
        )
    if proof is Proof.RECORDED:
        return f"recorded in the file (policy signoff.proof: recorded); committed on {day}"
    how = "committed and signed with a registered key" if proof is Proof.SIGNED else "committed"
    return f"proven by git: {how} by {signer}, {added.email}, on {day} (commit {added.sha[:8]})"
