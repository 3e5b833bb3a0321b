"""Who a plan names: owners and verifiers written as ids, full names, initials or roles,
matched to the people register.

In order, a name matches: the mapping file's `people`; a person id; an e-mail
address; a full name; initials ("MP"); an initial and surname ("M Patel",
"Patel, M"); a first name or a surname alone, when only one person has it; a role
("Registered Manager", "RM", "Deputy manager"), which means the tracker's
registered manager, nominated individual or provider representative, or the one
person in the register with that role. A name that matches two people is
ambiguous and never guessed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import NamedTuple

from cqctrack.format.mapping import normalise
from cqctrack.format.records import Person, Tracker

_TITLES = {"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sister", "nurse"}
_SPLIT = re.compile(r"\s*(?:/|&|\+|;|\n|,|\band\b|\bwith\b)\s*", re.I)
# Role words -> the tracker's accountable role they name.
_TRACKER_ROLES = {
    "registered manager": "registered_manager",
    "rm": "registered_manager",
    "manager": "registered_manager",
    "home manager": "registered_manager",
    "service manager": "registered_manager",
    "nominated individual": "nominated_individual",
    "ni": "nominated_individual",
    "provider representative": "provider_representative",
    "provider rep": "provider_representative",
}


_Test = Callable[[tuple[str, ...]], bool]


class Match(NamedTuple):
    written: str  # the name as the plan wrote it
    person: str | None  # the person id, None when none or several match
    how: str  # "id", "name", "initials", "role" ... or "unknown" / "ambiguous"
    candidates: tuple[str, ...] = ()  # for an ambiguous name: who it could be

    @property
    def exact(self) -> bool:
        return self.how in ("id", "name", "email", "mapping")


class Register:
    """The people register, indexed for matching names written in a plan."""

    def __init__(
        self, people: Mapping[str, Person], tracker: Tracker, mapped: Mapping[str, str]
    ) -> None:
        self.people = people
        self.tracker = tracker
        self.mapped = mapped  # normalised written name -> person id (mapping file)
        self._names = {pid: _words(p.name) for pid, p in people.items()}

    def match_all(self, text: str) -> list[Match]:
        """Every person a cell names (an owner cell may name two: 'MP / TO')."""
        written = text.strip()
        if not written:
            return []
        whole = self.match(written)
        if whole.person is not None or whole.how == "ambiguous":
            return [whole]
        parts = [p for p in _SPLIT.split(written) if p.strip()]
        if len(parts) < 2:
            return [whole]
        found: list[Match] = []
        for part in parts:
            one = self.match(part)
            if one.person is not None and any(m.person == one.person for m in found):
                continue  # "Patel, Meera": both halves name the same person
            found.append(one)
        # A surname and first name split by a comma that name no one alone stay one name.
        if all(m.person is None for m in found):
            return [whole]
        return found

    def match(self, text: str) -> Match:
        written = " ".join(text.split())
        key = normalise(written)
        if not key:
            return Match(written, None, "unknown")
        if key in self.mapped:
            return Match(written, self.mapped[key], "mapping")
        if written in self.people:
            return Match(written, written, "id")
        lowered = written.lower()
        by_email = [
            pid for pid, p in self.people.items() if lowered in {e.lower() for e in p.emails}
        ]
        if len(by_email) == 1:
            return Match(written, by_email[0], "email")
        words = [w for w in key.split() if w not in _TITLES]
        if not words:
            return Match(written, None, "unknown")
        for how, test in self._tests(words, written):
            hits = [pid for pid, name in self._names.items() if name and test(name)]
            if len(hits) == 1:
                return Match(written, hits[0], how)
            if len(hits) > 1:
                return Match(written, None, "ambiguous", tuple(hits))
        return self._role(written, " ".join(words))

    def _tests(self, words: list[str], written: str) -> list[tuple[str, _Test]]:
        joined = " ".join(words)
        tests: list[tuple[str, _Test]] = [("name", lambda name: " ".join(name) == joined)]
        if len(words) == 2 and len(words[1]) == 1:  # "Patel M"
            words = [words[1], words[0]]
        compact = re.sub(r"[^A-Za-z]", "", written)
        if 2 <= len(compact) <= 4 and compact.isupper() and len(words) == 1:
            initials = compact.lower()
            tests.append(("initials", lambda name: "".join(w[0] for w in name) == initials))
        if len(words) == 2 and len(words[0]) == 1:
            first, last = words
            tests.append(
                ("initial and surname", lambda name: name[0][0] == first and name[-1] == last)
            )
        if len(words) == 1 and len(words[0]) > 2:
            only = words[0]
            tests.append(("first name", lambda name: name[0] == only))
            tests.append(("surname", lambda name: name[-1] == only))
        return tests

    def _role(self, written: str, key: str) -> Match:
        field = _TRACKER_ROLES.get(key)
        if field is not None:
            person = getattr(self.tracker, field)
            if person:
                return Match(written, person, "role")
        slug = key.replace(" ", "-")
        holders = [pid for pid, p in self.people.items() if p.role == slug]
        if len(holders) == 1:
            return Match(written, holders[0], "role")
        if len(holders) > 1:
            return Match(written, None, "ambiguous", tuple(holders))
        return Match(written, None, "unknown")


def _words(name: str) -> tuple[str, ...]:
    return tuple(w for w in normalise(name).split() if w not in _TITLES)
