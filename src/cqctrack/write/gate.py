"""The gate every write passes: `check`'s own rules, run on the files as they will be.

A write must never commit a file that `check` would reject (issue 11: a name typed
into `--person-ref` was committed, and only a later `check` objected, by which
time it was in history that gets pushed). So before anything is written, the
recorder hands the gate the records of every file it is about to write; the gate
builds the repository as it will be after the write (the snapshot, with those
files' records in place), runs `rules.checks.CHECKS` over it, judging just those
files, and refuses with the very message and code `check` would give, each at its
line in the new text. There is no second copy of any rule here.

- Errors in a written file refuse the write. One the file had already is named as
  such ("fix it first"); one the change brings is the change's fault.
- When `cqctrack.yaml` itself changes (the people commands), every file is judged,
  and only problems the change brings refuse it: a role changed so that a closed
  action's verifier may no longer verify is refused, an unrelated broken action is not.
- When the command commits and `cqctrack.yaml` has changes that are not committed,
  the files are judged against the committed register and policy, which is what a
  fresh clone will hold: a new tracker naming people added to the working copy only
  is refused, not committed.
- Evidence files the change cites are scanned for identifiable data
  (the personal-data rule, `rules/personal.py`), their names and, for text files, their text.
"""

from __future__ import annotations

import marshal
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel

from cqctrack.errors import InvalidRepository, Refused
from cqctrack.findings import Finding, Severity
from cqctrack.format import dialect, places, records
from cqctrack.format.catalogue import load_catalogue
from cqctrack.format.layout import CONFIG_FILE, KIND_FOLDERS, TRACKER_FILE, FileCheck
from cqctrack.format.snapshot import Actions, Lazy, Snapshot, Source
from cqctrack.rules.checks import run_checks
from cqctrack.rules.context import RuleContext
from cqctrack.store.load import index_of

L = TypeVar("L", bound=Lazy)

# Codes the recorder itself adds, for evidence files' text.


@dataclass(frozen=True, slots=True)
class Written:
    """One YAML file as the change will leave it."""

    rel: str
    kind: str  # config, tracker, concern, measure or action
    model: BaseModel  # the validated new content
    text: str  # the new text, for locating lines
    data: bytes = b""  # the bytes that will be written


def kind_of(rel: str) -> tuple[str, str]:
    """(kind, tracker slug) of a repository file cqctrack reads."""
    if rel == CONFIG_FILE:
        return "config", ""
    parts = rel.split("/")
    if len(parts) == 3 and parts[2] == TRACKER_FILE:
        return "tracker", parts[1]
    if len(parts) == 4 and parts[2] in KIND_FOLDERS:
        return KIND_FOLDERS[parts[2]], parts[1]
    raise ValueError(f"not a tracker file: {rel}")  # a bug: callers write only tracker files


def after(snap: Snapshot, written: Iterable[Written], config: records.Config | None) -> Snapshot:
    """The snapshot as it will be once `written` are in place (and `config`, if given)."""
    out = replace(
        snap,
        config=config if config is not None else snap.config,
        trackers=dict(snap.trackers),
        concerns=_copy(snap.concerns, Lazy(records.Concern)),
        measures=_copy(snap.measures, Lazy(records.Measure)),
        actions=_copy(snap.actions, Actions()),
        sources=dict(snap.sources),
        findings=[],
    )
    out.actions.index.update(snap.actions.index)
    for item in written:
        kind, slug = kind_of(item.rel)
        plain = records.plain(kind, item.model)
        if kind == "config":
            out.config = records.from_plain(records.Config, plain)
        elif kind == "tracker":
            out.trackers[slug] = records.from_plain(records.Tracker, plain)
        else:
            group: Lazy = {"concern": out.concerns, "measure": out.measures}.get(kind, out.actions)
            item_id = plain[0]
            group.blobs[item_id] = marshal.dumps(plain)
            group._made.pop(item_id, None)
            out.sources[item_id] = Source(item.rel, slug)
            if kind == "action":
                out.actions.index[item_id] = index_of(plain)
    return out


def _copy(source: Lazy, target: L) -> L:
    target.blobs.update(source.blobs)
    return target


def judge(
    snap: Snapshot,
    file_check: FileCheck,
    today: date,
    only: frozenset[str] | None,
    evidence_texts: Mapping[str, str] | None = None,
    deny_names: tuple[str, ...] = (),
) -> list[Finding]:
    """The check rules' errors on `snap`, for the files in `only` (every file when None),
    and for the evidence files whose texts are given (the personal-data rule reads them)."""
    texts = dict(evidence_texts or {})
    ctx = RuleContext(
        snap, load_catalogue(), file_check, today, only=only, evidence_texts=texts,
        deny_names=deny_names,
    )  # fmt: skip
    found = run_checks(ctx)
    shown = None if only is None else only | frozenset(texts)
    return [f for f in found if f.severity is Severity.ERROR and (shown is None or f.path in shown)]


def refuse_problems(
    before: Snapshot,
    written: list[Written],
    file_check: FileCheck,
    today: date,
    root: Path,
    committed_config: records.Config | None = None,
    cited: Mapping[str, Path] | None = None,
) -> None:
    """Refuse, before anything is written, a change `check` would reject."""
    paths = frozenset(item.rel for item in written)
    config_changes = CONFIG_FILE in paths
    base = before
    if committed_config is not None and not config_changes:
        base = replace(before, config=committed_config)
    new = after(base, written, None)
    only = None if config_changes else paths
    texts, names = _evidence(cited or {}, root)
    now = judge(new, file_check, today, only, texts, names)
    was = judge(base, file_check, today, only if not config_changes else None, {}, names)
    known = {(f.path, f.code, f.message) for f in was}
    texts = {item.rel: item.text for item in written}
    brought = [f for f in now if (f.path, f.code, f.message) not in known]
    already = [f for f in now if (f.path, f.code, f.message) in known and f.path in paths]
    if brought:
        note = []
        if committed_config is not None and not config_changes:
            note = [
                f"{CONFIG_FILE} has changes that are not committed; these checks read the "
                "committed version, which is what a fresh clone will hold"
            ]
        raise Refused(
            "nothing was written: `cqctrack check` would reject the result",
            details=[*_lines(brought, texts, root), *note],
            hint=_hint(brought, committed_config is not None and not config_changes),
        )
    if already:
        raise InvalidRepository(
            f"{already[0].path} has problems `cqctrack check` reports, so nothing was written",
            details=_lines(already, texts, root),
            hint="fix them first: `cqctrack correct` and `cqctrack withdraw` mend log entries, "
            "`cqctrack people add` adds people; see `cqctrack check`",
        )


def _evidence(cited: Mapping[str, Path], root: Path) -> tuple[dict[str, str], tuple[str, ...]]:
    """The text of each evidence file the change cites, and the local deny-list of names,
    read as `check` reads them, so the personal-data rule judges them before the commit."""
    from cqctrack.rules.personal import deny_list
    from cqctrack.store import files

    texts = {}
    for rel, path in cited.items():
        if not rel.lower().endswith(files.TEXT_SUFFIXES):
            continue  # not text (a PDF, a scan): only its name can be judged here
        try:
            texts[rel] = path.read_bytes()[: files.TEXT_LIMIT].decode("utf-8", "replace")
        except OSError:
            continue
    return texts, deny_list(files.deny_list_text(files.deny_list_path(root)))


def _lines(found: list[Finding], texts: Mapping[str, str], root: Path) -> list[str]:
    out = []
    for f in found:
        line = f.line
        if line is None and f.path is not None:
            text = texts.get(f.path)
            if text is None:
                try:
                    text = dialect.decode((root / f.path).read_bytes())
                except (OSError, dialect.YamlProblem):
                    text = None
            spot = places.locate(text, f.loc) if text is not None else None
            line = spot[0] if spot else None
        where = f"{f.path}:{line}" if line else (f.path or "")
        out.append(f"{where}: {f.message} [{f.code}]" + (f"\n    hint: {f.hint}" if f.hint else ""))
    return out


def _hint(found: list[Finding], stale_config: bool) -> str:
    if stale_config and any(f.code == "reference-unknown-person" for f in found):
        return (
            f"commit {CONFIG_FILE} first (`git commit {CONFIG_FILE}`), or add people with "
            "`cqctrack people add`, which commits them"
        )
    return "correct what the lines above name and run the command again"


def parse_config(data: bytes) -> records.Config | None:
    """A `cqctrack.yaml` held in git, as its record; None when it is not valid."""
    from pydantic import ValidationError

    from cqctrack.format.models import Config

    try:
        model = Config.model_validate(dialect.parse(data))
    except (dialect.YamlProblem, ValidationError):
        return None
    plain: Any = marshal.loads(marshal.dumps(records.plain("config", model)))
    result: records.Config = records.from_plain(records.Config, plain)
    return result
