"""Proof of sign-off: checked against the commit a recording command is about to make.

A sign-off (a closure, an approval of an extension or cancellation, an approve- or
reject-closure decision) is refused when the commit cqctrack is about to make would
not prove it under policy `signoff.proof`: the same judgement (rules/signoff.py)
`check` applies to every sign-off already in history.
"""

from __future__ import annotations

from typing import Any

from cqctrack.findings import Finding
from cqctrack.format.history import entry_of
from cqctrack.format.policy import Proof
from cqctrack.rules import signoff
from cqctrack.write.session import Recorder


def proof(rec: Recorder, log: str, item: dict[str, Any]) -> list[Finding]:
    """Why the commit this command would make does not prove the sign-off `item` (an entry
    of `log`) under the repository's policy; empty when it does, or when it is no sign-off."""
    level = rec.policy.signoff.proof
    entry = entry_of(log, item)
    if level is Proof.RECORDED or not signoff.is_sign_off(entry):
        return []
    identity = rec.identity
    if identity is None:
        return [
            Finding(
                code="signoff-not-by-signer",
                message=f"{signoff.describe(entry)} cannot be proven: no git identity is "
                f"configured to commit it (policy signoff.proof: {level})",
            )
        ]
    key = rec.signing_key() if level is Proof.SIGNED else None
    commit = signoff.Commit(identity.name, identity.email, key=key)
    assert rec.snap.config is not None
    return signoff.problems(entry, rec.snap.config.people, level, commit, pending=True)
