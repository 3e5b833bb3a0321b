"""CODEOWNERS from the people register: who must approve a change, by path (issue 13).

In one repository any committer can edit any service's tracker and the policy. Git
hosts enforce review by path: with a `CODEOWNERS` file and branch protection that
requires code owners' review, a change under `trackers/<slug>/` (and its evidence)
needs its registered manager's approval and a change to `cqctrack.yaml` (the policy
and the register) the nominated individual's.

cqctrack keeps one block of the file, between two marker lines; whatever else the
file holds is the user's and is kept as it is. The syntax (a path pattern, then
owners) is the part GitHub and GitLab share; owners are named by e-mail address,
which both accept when it is one the host's account holds. The register's first
e-mail of each person is used. Later lines win on both hosts, so lines written below
the block override it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Protocol

from cqctrack.format.layout import CONFIG_FILE, TRACKERS_DIR

FILE = "CODEOWNERS"
BEGIN = "# BEGIN cqctrack: kept from the people register; edit outside this block"
END = "# END cqctrack"
NOMINATED = "nominated-individual"
MANAGER = "registered-manager"


class PersonLike(Protocol):
    @property
    def role(self) -> str: ...
    @property
    def emails(self) -> Iterable[str]: ...
    @property
    def left(self) -> date | None: ...


class TrackerLike(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def registered_manager(self) -> str: ...
    @property
    def nominated_individual(self) -> str: ...


def block(
    people: Mapping[str, PersonLike],
    trackers: Mapping[str, TrackerLike],
    prefix: str,
    today: date,
) -> str:
    """The lines cqctrack keeps, markers included, each ending in a newline.

    `prefix`: the tracker repository's folder within the git work tree ("." at the top),
    since a host reads paths from the top of the repository.
    """
    base = "/" if prefix in ("", ".") else f"/{prefix.strip('/')}/"

    def address(person_id: str | None) -> str | None:
        person = people.get(person_id) if person_id else None
        if person is None or (person.left is not None and person.left <= today):
            return None
        return next(iter(person.emails), None)

    lines = [
        BEGIN,
        "# Written by cqctrack init, new tracker and the people commands (or `cqctrack people",
        "# codeowners`); `cqctrack check` says when it is out of date. The host enforces it only",
        "# with branch protection that requires a code owner's review (see cqctrack's README).",
        "",
    ]
    register = [tracker.nominated_individual for tracker in trackers.values()]
    register += [pid for pid, person in people.items() if person.role == NOMINATED]
    owners = _unique(address(pid) for pid in register)
    if owners:
        lines.append("# The policy and the people register: the nominated individual.")
    else:
        # Before a nominated individual is registered (just after `init`), the registered
        # managers hold it, rather than no one.
        managers = [pid for pid, person in people.items() if person.role == MANAGER]
        owners = _unique(address(pid) for pid in managers)
        lines.append("# The policy and the people register: the nominated individual (none with")
        lines.append("# an e-mail in the register yet, so the registered managers).")
    for path in (CONFIG_FILE, FILE):
        lines.append(_rule(f"{base}{path}", owners))
    for slug in sorted(trackers):
        tracker = trackers[slug]
        manager = address(tracker.registered_manager)
        lines.append("")
        if manager is not None:
            lines.append(f"# {_one_line(tracker.name)}: its registered manager.")
            owner = [manager]
        else:
            lines.append(
                f"# {_one_line(tracker.name)}: its registered manager "
                f"({tracker.registered_manager}) has left or has no e-mail,"
            )
            lines.append("# so its nominated individual.")
            owner = _unique([address(tracker.nominated_individual)])
        lines.append(_rule(f"{base}{TRACKERS_DIR}/{slug}/", owner))
        lines.append(_rule(f"{base}evidence/{slug}/", owner))
    lines.append(END)
    return "\n".join(lines) + "\n"


def _rule(pattern: str, owners: list[str]) -> str:
    if not owners:
        return f"# {pattern} has no one to own it: give them an e-mail in the register"
    return f"{pattern} {' '.join(owners)}"


def _unique(addresses: Iterable[str | None]) -> list[str]:
    return list(dict.fromkeys(a for a in addresses if a))


def _one_line(text: str) -> str:
    return " ".join(text.split())


def kept(text: str | None) -> str | None:
    """The block cqctrack keeps in a CODEOWNERS file's text, or None when it holds none."""
    if text is None:
        return None
    lines = text.splitlines(keepends=True)
    starts = [i for i, line in enumerate(lines) if line.rstrip("\r\n") == BEGIN]
    if not starts:
        return None
    for j in range(starts[0], len(lines)):
        if lines[j].rstrip("\r\n") == END:
            return "".join(lines[starts[0] : j + 1]).replace("\r\n", "\n")
    return None


def updated(text: str | None, fresh: str) -> str:
    """The file's text with cqctrack's block replaced by `fresh` (appended when it has none).

    Lines outside the block are kept exactly."""
    if not text:
        return fresh
    lines = text.splitlines(keepends=True)
    starts = [i for i, line in enumerate(lines) if line.rstrip("\r\n") == BEGIN]
    if starts:
        start = starts[0]
        for end in range(start, len(lines)):
            if lines[end].rstrip("\r\n") == END:
                return "".join(lines[:start]) + fresh + "".join(lines[end + 1 :])
    return text + ("" if text.endswith("\n") else "\n") + "\n" + fresh
