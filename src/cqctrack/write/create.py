"""Creating things: a new tracker repository, and new trackers, concerns, measures, actions.

New files get the next free id in their tracker (prefix plus number), start with
an editor schema modeline, are validated before they are written, and never
replace a file that exists.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from cqctrack.errors import CqcError, InvalidInput, UnknownId
from cqctrack.format import models, records, schema
from cqctrack.format.catalogue import load_catalogue
from cqctrack.format.layout import CONFIG_FILE, SCHEMA_DIR, TRACKERS_DIR, item_file, tracker_file
from cqctrack.format.policy import policy_yaml
from cqctrack.format.vocab import Status
from cqctrack.write import edits
from cqctrack.write.session import Outcome, Recorder


@dataclass(frozen=True, slots=True)
class RequirementSpec:
    description: str
    kinds: list[str]


def parse_requirement(text: str) -> RequirementSpec:
    """`"Observed competency check=competency-assessment,observation"` -> a requirement."""
    description, sep, kinds = text.rpartition("=")
    if not sep or not description.strip() or not kinds.strip():
        raise InvalidInput(
            f"--requires {text!r}: expected 'DESCRIPTION=KIND[,KIND...]'",
            hint="e.g. --requires 'Re-audit of MAR charts=audit'",
        )
    listed = [k.strip() for k in kinds.split(",") if k.strip()]
    catalogue = load_catalogue()
    unknown = [k for k in listed if k not in catalogue.kinds and k not in catalogue.categories]
    if unknown:
        raise InvalidInput(
            f"--requires: {', '.join(unknown)} is not an evidence kind or category",
            hint="see `cqctrack frameworks --kinds`",
        )
    return RequirementSpec(description.strip(), listed)


def next_id(rec: Recorder, prefix: str, marker: str) -> str:
    """The next free id: MED-007 for actions, MED-C3 for concerns, MED-M2 for measures."""
    pattern = re.compile(rf"^{re.escape(prefix)}-{marker}(\d+)$")
    taken = [int(m.group(1)) for i in rec.snap.sources if (m := pattern.match(i))]
    number = max(taken, default=0) + 1
    return f"{prefix}-{marker}{number:03d}" if not marker else f"{prefix}-{marker}{number}"


def _tracker_of_concern(
    rec: Recorder, concern_id: str
) -> tuple[records.Concern, str, records.Tracker]:
    concern_id = concern_id.strip().upper()
    concern = rec.snap.concerns.get(concern_id)
    if concern is None:
        raise UnknownId(
            f"there is no concern {concern_id}",
            hint="concerns: " + (", ".join(rec.snap.concerns) or "none yet"),
        )
    slug = rec.snap.tracker_of(concern_id)
    return concern, slug, rec.snap.trackers[slug]


def _check_people(rec: Recorder, **given: str | None) -> None:
    """People given new responsibilities: in the register, and not leavers."""
    for option, person in given.items():
        if person is not None:
            rec.current_person(person, "--" + option.replace("_", "-"))


def _check_statements(rec: Recorder, slug: str, refs: list[str]) -> None:
    framework = rec.snap.framework_for(slug)
    for ref in refs:
        found = load_catalogue().statement(ref, framework)
        if found.error:
            raise InvalidInput(f"--statement {ref}: {found.error}", hint=found.hint)


def new_tracker(
    rec: Recorder,
    slug: str,
    fields: dict[str, Any],
    *,
    by: str | None = None,
    when: date | None = None,
) -> Outcome:
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,62}", slug):
        raise InvalidInput(
            f"tracker name '{slug}' is not a slug",
            hint="use lower-case letters, digits and hyphens, e.g. riverside-homecare",
        )
    rec.reserve_ids(slug)
    if slug in rec.snap.trackers or (rec.root / TRACKERS_DIR / slug).exists():
        raise InvalidInput(f"tracker {slug} already exists")
    taken = {t.id_prefix: s for s, t in rec.snap.trackers.items()}
    if fields["id_prefix"] in taken:
        raise InvalidInput(
            f"id prefix {fields['id_prefix']} is used by tracker {taken[fields['id_prefix']]}"
        )
    _check_people(
        rec,
        registered_manager=fields["registered_manager"],
        nominated_individual=fields["nominated_individual"],
        provider_representative=fields.get("provider_representative"),
    )
    created = rec.date(when)
    fields = {**fields, "created": created, "created_by": rec.recorded_by(by, created)}
    rel = tracker_file(slug)
    text = edits.new_file_text("tracker", 2, fields)
    return rec.create(
        rel,
        models.Tracker,
        text,
        summary=f"Add tracker {slug}",
        trailers={"Tracker": slug, "Event": "created"},
    )


def new_concern(
    rec: Recorder, tracker: str, fields: dict[str, Any], *, by: str | None = None
) -> Outcome:
    if tracker not in rec.snap.trackers:
        raise UnknownId(
            f"there is no tracker {tracker}",
            hint="trackers: " + (", ".join(rec.snap.trackers) or "none"),
        )
    _check_statements(rec, tracker, fields["statements"])
    raised = rec.date(fields["raised"])
    # Who raised it is who records it, unless --by names someone else.
    order = ["title", "source", "source_ref", "raised", "raised_by"]
    fields = {**fields, "raised": raised, "raised_by": rec.recorded_by(by, raised)}
    fields = {key: fields[key] for key in order} | {
        k: v for k, v in fields.items() if k not in order
    }
    rec.reserve_ids(tracker)
    concern_id = next_id(rec, rec.snap.trackers[tracker].id_prefix, "C")
    rel = item_file(tracker, "concern", concern_id)
    text = edits.new_file_text("concern", 3, {"id": concern_id, **fields})
    return rec.create(
        rel,
        models.Concern,
        text,
        summary=f"{concern_id}: add concern",
        trailers={"Concern": concern_id, "Event": "created"},
    )


def new_measure(
    rec: Recorder,
    concern_id: str,
    fields: dict[str, Any],
    *,
    by: str | None = None,
    when: date | None = None,
) -> Outcome:
    concern, slug, tracker = _tracker_of_concern(rec, concern_id)
    created = rec.date(when)
    fields = {**fields, "created": created, "created_by": rec.recorded_by(by, created)}
    rec.reserve_ids(slug)
    measure_id = next_id(rec, tracker.id_prefix, "M")
    rel = item_file(slug, "measure", measure_id)
    text = edits.new_file_text("measure", 3, {"id": measure_id, "concern": concern.id, **fields})
    return rec.create(
        rel,
        models.Measure,
        text,
        summary=f"{measure_id}: add measure for {concern.id}",
        trailers={"Measure": measure_id, "Event": "created"},
    )


def new_action(
    rec: Recorder,
    concern_id: str,
    requirements: list[RequirementSpec],
    fields: dict[str, Any],
    *,
    by: str | None = None,
) -> Outcome:
    concern, slug, tracker = _tracker_of_concern(rec, concern_id)
    if not requirements:
        raise InvalidInput(
            "an action needs at least one evidence requirement",
            hint="add --requires 'DESCRIPTION=KIND' (what evidence will show practice has changed)",
        )
    statements = fields.pop("statements") or list(concern.statements)
    regulations = fields.pop("regulations") or list(concern.regulations)
    _check_statements(rec, slug, statements)
    _check_people(rec, owner=fields["owner"])
    created: date = rec.date(fields.pop("created"))
    recorder = rec.recorded_by(by, created)
    if fields["due"] < created:
        raise InvalidInput(f"--due {fields['due']} is before today ({created})")
    rec.reserve_ids(slug)
    action_id = next_id(rec, tracker.id_prefix, "")
    data = {
        "id": action_id,
        "title": fields["title"],
        "concern": concern.id,
        "detail": fields.get("detail"),
        "statements": statements,
        "regulations": [int(r) if r.isdigit() else r for r in regulations],
        "owner": fields["owner"],
        "risk": fields["risk"],
        "person_ref": fields.get("person_ref"),
        "staff_refs": fields.get("staff_refs"),
        "created": created,
        "created_by": recorder,
        "due": fields["due"],
        "status": Status.OPEN,
        "evidence_required": [
            {"id": f"R{n}", "description": r.description, "kinds": r.kinds}
            for n, r in enumerate(requirements, start=1)
        ],
        "expected_outcome": fields["expected_outcome"],
    }
    rel = item_file(slug, "action", action_id)
    text = edits.new_file_text("action", 3, data)
    return rec.create(
        rel,
        models.Action,
        text,
        summary=f"{action_id}: add action for {concern.id}",
        trailers={"Action": action_id, "Event": "created", "Owner": fields["owner"]},
    )


# --- cqctrack init ------------------------------------------------------------------

CONFIG_TEMPLATE = """\
# yaml-language-server: $schema=schemas/config.schema.json
# cqctrack repository settings. Run `cqctrack check` after editing.
version: 1
provider: {provider}
# Which CQC framework bare statement ids (S8, WL5 ...) belong to. Others:
# kloe-adult-social-care, kloe-healthcare (see `cqctrack frameworks`).
framework: saf-quality-statements

# Everyone who owns, approves, reviews or verifies actions. Refer to people who
# use services ONLY by pseudonymous references (e.g. SU-0412) in action files,
# never here and never by name: this repository is pushed to remotes.
people:
  {person_id}:
    name: {name}
    role: registered-manager
    emails: [{email}]  # the git e-mail addresses this person commits with

{policy}"""

GITATTRIBUTES = """\
# Tracker files are text with LF line endings on every platform.
*.yaml text eol=lf
*.md text eol=lf
# Append-only tracker logs merge without conflict (cqctrack merge-driver). Each clone
# registers the driver once with `cqctrack merge-driver --install`.
trackers/**/*.yaml merge=cqctrack
"""

GITIGNORE = """\
.cqctrack.lock
"""

README_TEMPLATE = """\
# {provider}: CQC improvement action trackers

This repository is managed with cqctrack. Each action is a YAML file under
`trackers/<service>/actions/`; evidence files live under `evidence/`.

- `cqctrack check` validates everything (run it before pushing; CI runs it too).
- `cqctrack review --overdue` is the weekly review.
- `cqctrack history ACTION-ID` reads an action's audit trail back from git.

Never write the names of people who use services here: use pseudonymous
references such as SU-0412.
"""


def init_repository(path: Path, provider: str, person_id: str, name: str, email: str) -> list[Path]:
    """Scaffold a tracker repository at `path`; returns the files written."""
    if (path / CONFIG_FILE).exists():
        raise CqcError(f"{path / CONFIG_FILE} already exists; this is a tracker repository")
    files = {
        CONFIG_FILE: CONFIG_TEMPLATE.format(
            provider=provider, person_id=person_id, name=name, email=email, policy=policy_yaml()
        ),
        ".gitattributes": GITATTRIBUTES,
        ".gitignore": GITIGNORE,
        "README.md": README_TEMPLATE.format(provider=provider),
        f"{TRACKERS_DIR}/.gitkeep": "",
        "evidence/.gitkeep": "",
        **_host_files(path, person_id, email),
    }
    written = []
    for rel, text in files.items():
        target = path / rel
        if target.exists():
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        written.append(target)
    written += schema.write(path / SCHEMA_DIR)
    return written


def _host_files(path: Path, person_id: str, email: str) -> dict[str, str]:
    """The CI, pre-commit and CODEOWNERS files, for trackers at `path` within git's work tree
    (a subfolder of a larger repository gets `--repo` in its commands and paths)."""
    from datetime import date as _date

    from cqctrack.format import codeowners
    from cqctrack.git import run
    from cqctrack.write import ci

    top = run.toplevel(path)
    prefix = path.resolve().relative_to(top.resolve()).as_posix() if top is not None else "."
    manager = records.Person(name=person_id, role=codeowners.MANAGER, emails=(email,))
    owners = codeowners.block({person_id: manager}, {}, prefix, _date.today())
    return {**ci.files(prefix), codeowners.FILE: owners}


def commit_scaffold(path: Path, written: list[Path]) -> str:
    """`git init` if needed and commit the new files; says what happened."""
    from git import InvalidGitRepositoryError, Repo

    from cqctrack.errors import GitError
    from cqctrack.git import commit

    try:
        repo = Repo(path, search_parent_directories=True)
        created = False
    except InvalidGitRepositoryError:
        repo = Repo.init(path)
        created = True
    prefix = "Initialised a git repository. " if created else ""
    from cqctrack.write.resolve import install

    # If git refuses, the scaffold is still usable: `cqctrack merge-driver --install` later.
    with contextlib.suppress(GitError):
        install(path)
    try:
        commit.ready_to_commit(repo)
        commit.commit(repo, path, written, "Start a cqctrack tracker repository", {"Event": "init"})
    except GitError as err:
        return f"{prefix}Not committed: {err.message}" + (f" ({err.hint})" if err.hint else "")
    return f"{prefix}Committed the new files."
