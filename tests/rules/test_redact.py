"""Leaving people out of a commissioner's pack: references replaced, ids kept."""

from __future__ import annotations

import pytest

from cqctrack.errors import InvalidInput
from cqctrack.format.policy import DEFAULT_PERSON_REF, DEFAULT_STAFF_REF
from cqctrack.rules.redact import STAFF, redactor

PEOPLE = redactor(DEFAULT_PERSON_REF, ["MED", "CP"])
STAFF_REFS = redactor(DEFAULT_STAFF_REF, ["MED", "CP"], STAFF)


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("Rewrite SU-0221's communication guidance", "Rewrite [person]'s communication guidance"),
        ("SU-0137 and SU0222 both", "[person] and [person] both"),
        ("MED-005 follows CP-002 and MED-C1", "MED-005 follows CP-002 and MED-C1"),
        ("see QMS-AUD-2026-09", "see QMS-AUD-2026-09"),  # part of a document id, not a reference
        ("no references here", "no references here"),
    ],
)
def test_person_references_are_replaced_and_ids_kept(text: str, shown: str) -> None:
    assert PEOPLE(text) == shown


def test_staff_references_are_replaced_by_their_own_placeholder() -> None:
    assert STAFF_REFS("CW-014 repeated the omission") == "[staff] repeated the omission"


def test_a_pattern_that_cannot_search_text_refuses_the_pack() -> None:
    with pytest.raises(InvalidInput, match="cannot be used to find references"):
        redactor("^(unclosed$", [])
