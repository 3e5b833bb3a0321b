"""Evidence references: what `--ref` names, and getting its file into the commit.

Evidence that lives only on one laptop is no evidence: a closure citing a file that
was never committed passes `check` locally and fails in every fresh clone
(issue 11). So a `--ref` naming a file is resolved here, and the file goes into
the same commit as the entry that cites it:

- a file inside the repository is cited where it is, and committed with the entry
  when it is new or changed (a file git ignores is refused: it would never reach
  anyone else);
- a file outside the repository is refused, unless `--copy` asks for it to be
  copied into `evidence/<tracker>/` (the name kept; an existing different file of
  that name is never replaced);
- anything else that looks like a document id (`QMS-AUD-2026-10`) is an external
  document; `--document` makes that explicit.

Every cited file is checked for identifiable data before it is committed (see
gate.py and rules/personal.py).
"""

from __future__ import annotations

import re
from pathlib import Path

from cqctrack.errors import InvalidInput, Refused
from cqctrack.format.layout import EVIDENCE_DIR
from cqctrack.store import files
from cqctrack.write.session import Recorder

_DOCUMENT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_\-]*$")


def reference(
    rec: Recorder, ref: str, *, document: bool, copy: bool, tracker: str, option: str = "--ref"
) -> dict[str, str]:
    """`--ref` as `{"file": path}` (cited, and committed with the entry) or `{"document": id}`."""
    ref = ref.strip()
    if document:
        if copy:
            raise InvalidInput("--copy copies a file; it cannot go with --document")
        return {"document": ref}
    root = rec.root.resolve()
    for base in (Path.cwd(), rec.root):
        candidate = (base / ref).expanduser()
        if not candidate.is_file():
            continue
        real = candidate.resolve()
        if real.is_relative_to(root):
            rel = real.relative_to(root).as_posix()
            problem = files.checker(rec.root)(rel)
            if problem is not None:
                raise InvalidInput(f"{option} {ref}: the file {problem}")
            _refuse_ignored(rec, rel, option, ref)
            rec.cite(rel)
            return {"file": rel}
        if not copy:
            raise InvalidInput(
                f"{option} {ref}: the file is outside the repository, so it would not reach "
                "anyone else",
                hint=f"pass --copy to copy it into {EVIDENCE_DIR}/{tracker}/ and commit it with "
                "the entry, or cite a document held elsewhere with --document",
            )
        return {"file": _copy_in(rec, real, tracker, option)}
    if _DOCUMENT_ID.match(ref):
        return {"document": ref}
    problem = files.checker(rec.root)(ref) or "is not inside the repository"
    raise InvalidInput(
        f"{option} {ref}: the file {problem}",
        hint="give the path of the file (pass --copy for one outside the repository), "
        "or pass --document for an id held elsewhere",
    )


def _copy_in(rec: Recorder, source: Path, tracker: str, option: str) -> str:
    rel = f"{EVIDENCE_DIR}/{tracker}/{source.name}"
    target = rec.root / rel
    if target.exists():
        if target.is_file() and target.read_bytes() == source.read_bytes():
            _refuse_ignored(rec, rel, option, str(source))
            rec.cite(rel)  # the same file is there already: cite it
            return rel
        raise Refused(
            f"{option} {source}: {rel} already exists and holds something else",
            hint="rename the file you are adding, or cite the one in the repository",
        )
    _refuse_ignored(rec, rel, option, str(source))
    rec.cite(rel, source)
    return rel


def _refuse_ignored(rec: Recorder, rel: str, option: str, ref: str) -> None:
    from cqctrack.git import run

    if run.toplevel(rec.root) is None:
        return
    if run.succeeds(rec.root, "check-ignore", "-q", "--no-index", "--", rel):
        raise Refused(
            f"{option} {ref}: git ignores {rel} (.gitignore), so it would never be committed "
            "and a fresh clone would not have it",
            hint="move it somewhere git does not ignore, or change .gitignore",
        )
