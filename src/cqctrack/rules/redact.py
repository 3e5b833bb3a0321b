"""Leaving people out of a pack for readers outside the provider.

People who use services appear in tracker files only by pseudonymous references
(policy `privacy.person_ref_pattern`, e.g. SU-0412), but a commissioner's pack
leaves out even those: a reference in a title or a note ("Rewrite SU-0221's
communication guidance") is replaced with "[person]", and a staff reference
(policy `privacy.staff_ref_pattern`, e.g. CW-014) with "[staff]". Action, concern and measure
ids share the shape of many reference patterns (MED-005), so a token that is an id
of the repository, or starts with one of its trackers' prefixes, is kept.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

from cqctrack.errors import InvalidInput

PLACEHOLDER = "[person]"
STAFF = "[staff]"  # staff references (policy privacy.staff_ref_pattern) are left out too


@dataclass(frozen=True, slots=True)
class Redactor:
    pattern: re.Pattern[str]
    prefixes: tuple[str, ...]
    placeholder: str = PLACEHOLDER

    def __call__(self, text: str) -> str:
        def keep_ids(found: re.Match[str]) -> str:
            token = found.group(0)
            return token if token.startswith(self.prefixes) else self.placeholder

        return self.pattern.sub(keep_ids, text)


def redactor(
    person_ref_pattern: str, id_prefixes: Collection[str], placeholder: str = PLACEHOLDER
) -> Redactor:
    """A redactor for references matching the policy's pattern anywhere in a text."""
    body = person_ref_pattern.removeprefix("^").removesuffix("$")
    try:
        pattern = re.compile(rf"(?<![\w-])(?:{body})(?![\w-])")
    except re.error as err:
        raise InvalidInput(
            f"policy privacy.person_ref_pattern cannot be used to find references in text ({err})",
            hint="a commissioner's pack needs it to leave person references out",
        ) from None
    return Redactor(pattern, tuple(f"{p}-" for p in sorted(id_prefixes)), placeholder)
