"""Signing keys as the people register writes them: SSH public key lines or OpenPGP
fingerprints. Plain text comparisons only (git does the cryptography)."""

from __future__ import annotations

from cqctrack.format.records import Person


def fingerprint(key: str) -> str | None:
    """An OpenPGP fingerprint in canonical form (upper case, no spaces), or None."""
    compact = key.replace(" ", "").upper()
    if len(compact) == 40 and all(c in "0123456789ABCDEF" for c in compact):
        return compact
    return None


def is_ssh_key(key: str) -> bool:
    return fingerprint(key) is None


def fingerprints(person: Person) -> frozenset[str]:
    return frozenset(f for key in person.signing_keys if (f := fingerprint(key)))


def same_key(a: str, b: str) -> bool:
    """Whether two SSH public key lines, or an OpenPGP key id and fingerprint, are one key."""
    if is_ssh_key(a) and is_ssh_key(b) and " " in a.strip() and " " in b.strip():
        return a.split()[:2] == b.split()[:2]
    ids = (a.replace(" ", "").upper(), b.replace(" ", "").upper())
    short, long = sorted(ids, key=len)
    return len(short) >= 8 and long.endswith(short)
