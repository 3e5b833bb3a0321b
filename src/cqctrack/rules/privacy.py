"""Identifiable data about people who use services, in evidence files and their names.

Tracker repositories are pushed to remotes, so an evidence file that names a
person, or carries their NHS number or date of birth, must never be committed.
This module is the one place that says what looks identifiable; recording
commands ask it about every evidence file they are about to commit (its name and,
for text files, its text), and `check` asks it about the names of the files the
trackers cite.

What it finds is deliberately narrow, so that it never cries wolf on a care
provider's ordinary evidence (it finds nothing in the example trackers):

- a label that introduces a personal identifier followed by a value: "NHS number
  943 476 5919", "DOB: 12/03/1941", "date of birth 1941-03-12", "born 1941",
  "NI number QQ123456C";
- a title followed by a capitalised name: "Mrs Jones", "Mr. A. Smith" (in file
  names, any case: `mrs-jones-mar-chart.md`).

It does not know names on their own ("John Smith"): that needs a deny-list or a
fuller scanner (issue 12 adds NHS numbers by their check digit, National Insurance
numbers, phone numbers, e-mail addresses, postcodes and a local deny-list). Those
plug in here: `scan_text` and `scan_name` are the hook.
"""

from __future__ import annotations

import re
from typing import NamedTuple

_VALUE = r"[:#\s.-]*\d[\d /.-]{0,12}\d"
_LABELS = re.compile(
    r"\b(?:NHS\s*(?:number|no\.?|num)|date\s+of\s+birth|d\.?o\.?b\.?|born|"
    r"NI\s*(?:number|no\.?)|national\s+insurance\s*(?:number|no\.?)?)" + _VALUE,
    re.IGNORECASE,
)
_NI_LABEL = re.compile(
    r"\b(?:NI|national\s+insurance)\s*(?:number|no\.?)?[:#\s]*[A-Z]{2}\s?\d{2}(?:\s?\d{2}){2}\s?[A-D]?",
    re.IGNORECASE,
)
_TITLE = re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Mx)\.?\s+(?:[A-Z]\.\s*)*[A-Z][a-z]{1,}")
_TITLE_IN_NAME = re.compile(r"(?:^|[\s_.-])(?:mr|mrs|ms|miss|mx)[\s_.-]+[a-z]{2,}", re.IGNORECASE)


class Hit(NamedTuple):
    line: int | None  # 1-based; None for a file name
    text: str  # what was found, as written
    why: str


def scan_text(text: str) -> list[Hit]:
    """What in `text` looks like identifiable data about a person, line by line."""
    hits = []
    for number, line in enumerate(text.splitlines(), start=1):
        for pattern, why in (
            (_LABELS, "a personal identifier (NHS number, date of birth or NI number)"),
            (_NI_LABEL, "a National Insurance number"),
            (_TITLE, "a person's title and name"),
        ):
            found = pattern.search(line)
            if found:
                hits.append(Hit(number, found.group(0).strip(), why))
                break
    return hits


def scan_name(path: str) -> list[Hit]:
    """What in a file's name (not its folders) looks like identifiable data."""
    name = path.rsplit("/", 1)[-1]
    stem = name.rsplit(".", 1)[0] if "." in name else name
    words = re.sub(r"[_.-]+", " ", stem)
    hits = []
    found = _TITLE_IN_NAME.search(stem) or _TITLE.search(words)
    if found:
        hits.append(Hit(None, found.group(0).strip(" _.-"), "a person's title and name"))
    found = _LABELS.search(words)
    if found:
        hits.append(Hit(None, found.group(0).strip(), "a personal identifier"))
    return hits


def message(path: str, hit: Hit) -> str:
    """What was found; a finding's location (the file and line) is said beside it."""
    where = "the text" if hit.line is not None else f"the file name {path}"
    return f"{where} contains '{hit.text}', which looks like {hit.why}"


HINT = (
    "evidence is pushed with the trackers: refer to people who use services only by "
    "pseudonymous references (e.g. SU-0412) and keep identifiable records in the care "
    "system, cited with --document"
)
