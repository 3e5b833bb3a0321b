"""Finding identifiable data about people who use services in free text.

Tracker repositories are pushed to remotes and read by commissioners and
inspectors; people who use services must appear only by pseudonymous references
(SU-0412). `scan(text)` finds what should not be there, each match with its
position, so the check rule (rules/checks/privacy.py) can name the file and line:

- NHS numbers: ten digits (`943 476 5919`, `943-476-5919`, `9434765919`) that pass
  the modulus-11 check (python-stdnum's `stdnum.gb.nhs`, not our own arithmetic);
  random ten-digit numbers pass it about 1 time in 11, so only numbers standing on
  their own count (not part of a longer number, an id or a date);
- National Insurance numbers: two letters, six digits, a letter A-D, with the
  prefixes HMRC never issues left out (D, F, I, Q, U, V; O second; BG, GB, NK, KN,
  TN, NT, ZZ);
- dates of birth: a date within a few words after "DOB", "D.O.B.", "date of birth",
  "born" or "birthday";
- phone numbers: UK numbers (`07700 900123`, `020 7946 0018`, `+44 7700 900123`);
- e-mail addresses outside the organisation: any address whose domain is not one of
  the people register's;
- postcodes (low severity: a service's own address is not personal data);
- names on the local deny-list (never committed; see README), whole words, any case;
- a title and a name ("Mrs Jones", "Mr A. Smith"): people who use services are
  written of that way, staff by their names from the register;
- an NHS number written after its label ("NHS number 943 476 5910") even when the
  digits fail the check (a mistyped NHS number still points at a person).

`scan_name` judges evidence file names the same way (`mrs-jones-mar-chart.md`), so a
file is never committed, or cited, under a name that identifies someone.

Everything here is pure: text in, matches out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import NamedTuple

from stdnum.gb import nhs


class Match(NamedTuple):
    code: str
    start: int  # offset in the text scanned
    shown: str  # what was found, partly masked so the report does not repeat it whole
    what: str  # "an NHS number", for the message


_NHS = re.compile(r"(?<![\w./:-])(\d{3})([ -]?)(\d{3})\2(\d{4})(?![\w/:-]|\.\d)")
_NINO = re.compile(
    r"(?<![A-Za-z0-9])(?!BG|GB|NK|KN|TN|NT|ZZ)([A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z])"
    r" ?(\d{2}) ?(\d{2}) ?(\d{2}) ?([A-D])(?![A-Za-z0-9])",
    re.IGNORECASE,
)
_MONTHS = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_DATE = (
    r"(?:\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})|\d{4}-\d{2}-\d{2}"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTHS}\.?,?\s+\d{{4}}|{_MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}})"
)
_DOB = re.compile(
    r"\b(?:d\.?\s?o\.?\s?b\.?|date\s+of\s+birth|born(?:\s+on)?|birthday|birth\s+date)"
    rf"[\s:\-,(]*(?:on\s+|is\s+|was\s+)?(?:the\s+)?({_DATE})",
    re.IGNORECASE,
)
_PHONE = re.compile(
    r"(?<![\w+])(?:\+44\s?\(?0?\)?\s?|\(?0)(?:[1-37-9]\d{1,4})\)?[\s-]?\d{3,4}[\s-]?\d{3,4}(?![\w-])"
)
_EMAIL = re.compile(r"(?<![\w.+-])[A-Za-z0-9._%+-]+@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)")
_POSTCODE = re.compile(
    r"(?<![A-Za-z0-9])(?:[A-PR-UWYZ][0-9][0-9A-HJKPSTUW]?|[A-PR-UWYZ][A-HK-Y][0-9][0-9ABEHMNPRV-Y]?)"
    r" ?[0-9][ABD-HJLNP-UW-Z]{2}(?![A-Za-z0-9])"
)

WHAT = {
    "privacy-nhs-number": "an NHS number",
    "privacy-ni-number": "a National Insurance number",
    "privacy-date-of-birth": "a date of birth",
    "privacy-phone-number": "a phone number",
    "privacy-email": "an e-mail address outside the organisation",
    "privacy-postcode": "a postcode",
    "privacy-name": "a name on the local deny-list",
    "privacy-title-name": "a person's title and name",
}

_TITLED = re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Mx)\.?\s+(?:[A-Z]\.\s*)*[A-Z][a-z]{1,}")
_TITLED_IN_NAME = re.compile(r"(?:^|[\s_.-])(?:mr|mrs|ms|miss|mx)[\s_.-]+[a-z]{2,}", re.IGNORECASE)
_NHS_LABEL = re.compile(r"\bNHS\s*(?:number|no\.?|num)[:#\s.-]*(\d[\d /.-]{0,12}\d)", re.IGNORECASE)
_ID_LABEL = re.compile(
    r"\b(?:NHS\s*(?:number|no\.?|num)|date\s+of\s+birth|d\.?o\.?b\.?|born|"
    r"NI\s*(?:number|no\.?)|national\s+insurance\s*(?:number|no\.?)?)[:#\s.-]*\d[\d /.-]{0,12}\d",
    re.IGNORECASE,
)


def _mask(text: str) -> str:
    """'943 476 5919' -> '943 *** ****': enough to find it, not enough to repeat it."""
    keep = max(2, len(text) // 4)
    return text[:keep] + "".join("*" if c.isalnum() else c for c in text[keep:])


def scan(text: str, domains: Iterable[str] = (), names: Iterable[str] = ()) -> list[Match]:
    """Every identifiable detail in `text`, in order; `domains` are the organisation's."""
    if not text:
        return []
    if _NEEDS.search(text) is None:  # no digit, no '@': only a name could be here
        if not names:  # no deny-list (the usual case): a title and a name, in order
            return _titled(text)
        named = _names_only(text, names)
        spans = [(m.start, m.start + len(m.shown)) for m in named]
        titled = [
            m for m in _titled(text)
            if not any(s < m.start + len(m.shown) and m.start < e for s, e in spans)
        ]  # fmt: skip
        return sorted(named + titled, key=lambda match: match.start)
    found: list[Match] = []
    taken: list[tuple[int, int]] = []

    def add(code: str, start: int, end: int) -> None:
        if any(s < end and start < e for s, e in taken):
            return  # one stretch of text is one finding (a DOB is not also a phone number)
        taken.append((start, end))
        found.append(Match(code, start, _mask(text[start:end]), WHAT[code]))

    for m in _DOB.finditer(text):
        add("privacy-date-of-birth", m.start(1), m.end(1))
    for m in _NHS.finditer(text):
        if nhs.is_valid(m.group(1) + m.group(3) + m.group(4)):
            add("privacy-nhs-number", m.start(), m.end())
    for m in _NHS_LABEL.finditer(text):
        add("privacy-nhs-number", m.start(1), m.end(1))
    for m in _NINO.finditer(text):
        add("privacy-ni-number", m.start(), m.end())
    if True:  # a digit or '@' is in the text (see _NEEDS)
        for m in _PHONE.finditer(text):
            if _uk_phone(m.group()):
                add("privacy-phone-number", m.start(), m.end())
    if "@" in text:
        own = {d.lower() for d in domains}
        for m in _EMAIL.finditer(text):
            if m.group(1).lower() not in own:
                add("privacy-email", m.start(), m.end())
    for m in _POSTCODE.finditer(text):
        add("privacy-postcode", m.start(), m.end())
    lowered = text.lower()
    for name in names:
        key = name.strip().lower()
        if len(key) < 2:
            continue
        for m in re.finditer(rf"(?<!\w){re.escape(key)}(?!\w)", lowered):
            add("privacy-name", m.start(), m.end())
    for match in _titled(text):
        add(match.code, match.start, match.start + len(match.shown))
    found.sort(key=lambda match: match.start)
    return found


def _titled(text: str) -> list[Match]:
    return [
        Match("privacy-title-name", m.start(), _mask(m.group()), WHAT["privacy-title-name"])
        for m in _TITLED.finditer(text)
    ]


def scan_name(path: str) -> list[str]:
    """What in a file's name (not its folders) looks like identifiable data, as written."""
    name = path.rsplit("/", 1)[-1]
    stem = name.rsplit(".", 1)[0] if "." in name else name
    words = re.sub(r"[_.-]+", " ", stem)
    found = []
    titled = _TITLED_IN_NAME.search(stem) or _TITLED.search(words)
    if titled:
        found.append(titled.group(0).strip(" _.-"))
    labelled = _ID_LABEL.search(words)
    if labelled:
        found.append(labelled.group(0).strip())
    return found


_NEEDS = re.compile(r"[\d@]")


def _names_only(text: str, names: Iterable[str]) -> list[Match]:
    lowered = text.lower()
    out = []
    for name in names:
        key = name.strip().lower()
        if len(key) < 2 or key not in lowered:
            continue
        for m in re.finditer(rf"(?<!\w){re.escape(key)}(?!\w)", lowered):
            out.append(
                Match(
                    "privacy-name",
                    m.start(),
                    _mask(text[m.start() : m.end()]),
                    WHAT["privacy-name"],
                )
            )
    return sorted(out, key=lambda match: match.start)


def _uk_phone(found: str) -> bool:
    """A UK number once written nationally: 0, then 1, 2, 3, 7 or 8, 10 or 11 digits in all."""
    digits = re.sub(r"\D", "", found)
    if found.startswith("+44"):
        digits = "0" + digits[2:].removeprefix("0")
    return 10 <= len(digits) <= 11 and digits[0] == "0" and digits[1] in "12378"


def line_of(text: str, offset: int) -> tuple[int, int]:
    """1-based (line, column) of `offset` in `text`."""
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def deny_list(text: str) -> tuple[str, ...]:
    """Names from a deny-list file: one a line, `#` starts a comment, blank lines ignored."""
    out = []
    for raw in text.splitlines():
        name = raw.split("#", 1)[0].strip()
        if name:
            out.append(name)
    return tuple(out)


def strings(
    value: object, loc: tuple[str | int, ...] = ()
) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """Every text value inside a record (named tuples, tuples, dicts), with its field path.

    Iterative, types tested by identity, each record type's field names looked up once,
    and values that hold no text (None, numbers, dates, the vocabulary's enums: they hold
    no one's details) never put on the stack: `check` walks every field of every record.
    """
    stack: list[tuple[tuple[str | int, ...], object]] = [(loc, value)]
    pop, push = stack.pop, stack.append
    while stack:
        where, item = pop()
        kind = type(item)
        if kind is str:
            yield where, item  # type: ignore[misc]
            continue
        names = _FIELDS.get(kind)
        if names is None:
            names = _FIELDS[kind] = _field_names(kind)
        if names:
            for index in range(len(names) - 1, -1, -1):
                child = item[index]  # type: ignore[index]
                if type(child) not in _NO_TEXT:
                    push(((*where, names[index]), child))
        elif kind is tuple or kind is list:
            for index in range(len(item) - 1, -1, -1):  # type: ignore[arg-type]
                child = item[index]  # type: ignore[index]
                if type(child) not in _NO_TEXT:
                    push(((*where, index), child))
        elif kind is dict:
            for key, child in reversed(list(item.items())):  # type: ignore[attr-defined]
                if type(child) not in _NO_TEXT:
                    push(((*where, key), child))


def _field_names(kind: type) -> tuple[str, ...]:
    """A named tuple type's field names as findings show them (`from_` is `from`); () for
    any other type."""
    if not (issubclass(kind, tuple) and hasattr(kind, "_fields")):
        return ()
    return tuple("from" if name == "from_" else name for name in kind._fields)


_FIELDS: dict[type, tuple[str, ...]] = {}
_NO_TEXT = frozenset({type(None), int, float, bool})
