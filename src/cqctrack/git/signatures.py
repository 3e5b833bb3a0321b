"""Commit signatures, checked with git's own verification against the people register.

For policy `signoff.proof: signed`, a sign-off is proven when the commit that added
it carries a good signature made with a key registered for the signer under
`signing_keys` in `cqctrack.yaml`. cqctrack does no cryptography itself: it writes
the register's SSH keys as an allowed-signers file (`gpg.ssh.allowedSignersFile`,
one line per key, the person's id as its principal) and asks git (`%G?`, `%GS`,
`%GF`, `%GP`), which runs `ssh-keygen -Y verify` or gpg. OpenPGP keys are matched
by fingerprint; gpg needs them in the keyring of whoever runs cqctrack.

Results are cached per commit and register: a signature's verdict only changes
when the keys in the register do.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from cqctrack import cache
from cqctrack.format.history import Signature
from cqctrack.format.keys import is_ssh_key
from cqctrack.format.records import Person
from cqctrack.git import run


def allowed_signers(people: Mapping[str, Person]) -> str:
    """The register's SSH keys as git's allowed-signers file: `id namespaces="git" key`."""
    lines = []
    for person_id, person in sorted(people.items()):
        for key in person.signing_keys:
            if is_ssh_key(key):
                kind, _, rest = key.partition(" ")
                blob = rest.split(" ", 1)[0]
                lines.append(f'{person_id} namespaces="git" {kind} {blob}')
    return "".join(f"{line}\n" for line in lines)


def verify(
    root: Path, shas: Iterable[str], people: Mapping[str, Person], caches: cache.Caches
) -> dict[str, Signature]:
    """What git says of each commit's signature, checked against the register's keys."""
    wanted = sorted(set(shas))
    if not wanted:
        return {}
    signers = allowed_signers(people)
    digest = hashlib.sha256(signers.encode()).hexdigest()
    cached = caches.read("signatures", lambda v: isinstance(v, tuple) and len(v) == 2)
    known: dict[str, Any] = cached[1] if cached is not None and cached[0] == digest else {}
    todo = [sha for sha in wanted if sha not in known]
    if todo:
        known.update(_ask_git(root, todo, signers))
        caches.write("signatures", (digest, known))
    return {sha: Signature(*known[sha]) for sha in wanted if sha in known}


def _ask_git(root: Path, shas: list[str], signers: str) -> dict[str, tuple[str, ...]]:
    fd, name = tempfile.mkstemp(prefix="cqctrack-allowed-signers-", text=True)
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(signers)
        text = run.run(
            root,
            "-c",
            f"gpg.ssh.allowedSignersFile={name}",
            "log",
            "--no-walk=unsorted",
            "--stdin",
            f"--format={run.RS}%H{run.FS}%G?{run.FS}%GS{run.FS}%GF{run.FS}%GP",
            stdin="".join(f"{sha}\n" for sha in shas).encode(),
        )
    finally:
        Path(name).unlink(missing_ok=True)
    out: dict[str, tuple[str, ...]] = {}
    for record in text.split(run.RS)[1:]:
        sha, status, principal, fingerprint, primary = record.strip("\n").split(run.FS)[:5]
        out[sha] = (status, principal, fingerprint, primary)
    return out


def signing_key(root: Path) -> tuple[str, str | None]:
    """The format git signs with here (`ssh` or `openpgp`) and the key it would use: for
    SSH the public key line, for OpenPGP the configured key id; None when none is set."""
    form = run.run(root, "config", "--get", "gpg.format", check=False).strip() or "openpgp"
    key = run.run(root, "config", "--get", "user.signingkey", check=False).strip() or None
    if form != "ssh" or key is None:
        return form, key
    if key.startswith("key::"):
        return form, key[5:].strip()
    path = Path(key).expanduser()
    public = path if path.suffix == ".pub" else path.with_name(path.name + ".pub")
    try:
        return form, public.read_text().strip()
    except OSError:
        return form, None
