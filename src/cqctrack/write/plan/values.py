"""Values in an action plan's cells: dates, RAG colours, regulations, risk, evidence kinds,
and several actions written in one cell.

Plans write dates every way people do: UK dates (03/11/2026), Excel date numbers
(46329), dates as text ("3rd Nov 2026", "end of Nov", "Nov-26", "w/c 16/11/26",
"Immediate"). Each reader says how it read a value that was not an exact date,
so the import report can list them for a person to check.
"""

from __future__ import annotations

import calendar
import colorsys
import itertools
import re
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import NamedTuple

from cqctrack.format.catalogue import Catalogue
from cqctrack.format.grid import Cell
from cqctrack.format.mapping import RAG_WORDS, RISK_WORDS, normalise
from cqctrack.format.vocab import Risk
from cqctrack.wording import date_text

# Excel counts days from 30 Dec 1899 (its 1900 system, leap-year bug included).
_EXCEL_EPOCH = date(1899, 12, 30)
_FIRST, _LAST = date(2000, 1, 1), date(2099, 12, 31)
_SERIALS = range((_FIRST - _EXCEL_EPOCH).days, (_LAST - _EXCEL_EPOCH).days + 1)

MONTHS = {
    name: number
    for number in range(1, 13)
    for name in (
        calendar.month_name[number].lower(),
        calendar.month_abbr[number].lower(),
        "sept" if number == 9 else calendar.month_abbr[number].lower(),
    )
}
_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>\d{4}|\d{2})"
_LEAD = re.compile(
    r"^(?:(?:by|before|no later than|due|deadline|target|on|w/?c|week commencing|"
    r"(?:mon|tues|wednes|thurs|fri|satur|sun)day)\s*:?\s+)+",
    re.I,
)
_NUMERIC = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4}|\d{2})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_DAY_MONTH = re.compile(rf"^{_DAY}[\s\-/]*(?:of\s+)?{_MONTH}(?:[\s\-/,]+{_YEAR})?$", re.I)
_MONTH_DAY = re.compile(rf"^{_MONTH}[\s\-/]+{_DAY}(?:[\s\-/,]+{_YEAR})?$", re.I)
_MONTH_YEAR = re.compile(rf"^{_MONTH}[\s\-/,']*{_YEAR}$", re.I)
_PART_OF = re.compile(
    rf"^(?P<part>end|the end|mid|middle|start|beginning|early|late)[\s\-]*(?:of\s+)?{_MONTH}"
    rf"(?:[\s\-/,]+{_YEAR})?$",
    re.I,
)
_BARE_MONTH = re.compile(rf"^{_MONTH}$", re.I)
_NOW = {"immediate", "immediately", "with immediate effect", "asap", "as soon as possible", "now"}
_NO_DATE = {"ongoing", "on going", "tbc", "tba", "tbd", "n a", "na", "none", "continuous", "any"}


class DateRead(NamedTuple):
    day: date | None
    how: str | None = None  # how a value that was not an exact date was read
    error: str | None = None
    hint: str | None = None


def read_date(
    cell: Cell, today: date, *, day_first: bool = True, year: int | None = None
) -> DateRead:
    """A date from a cell: a date value, an Excel date number, or a date written as text."""
    value = cell.value
    if isinstance(value, datetime):
        return _checked(value.date(), None)
    if isinstance(value, date):
        return _checked(value, None)
    if isinstance(value, bool):
        return DateRead(None, error=f"{value} is not a date")
    if isinstance(value, int | float):
        return _serial(value)
    text = cell.text
    if re.fullmatch(r"\d{5}(?:\.0+)?", text):
        return _serial(float(text))
    return _text_date(text, today, day_first=day_first, year=year)


def _serial(number: float) -> DateRead:
    if not float(number).is_integer() or int(number) not in _SERIALS:
        return DateRead(None, error=f"{number:g} is a number, not a date")
    day = _EXCEL_EPOCH + timedelta(days=int(number))
    return DateRead(day, f"Excel date number {int(number)} read as {date_text(day)}")


def _checked(day: date, how: str | None) -> DateRead:
    if not _FIRST <= day <= _LAST:
        return DateRead(None, error=f"{day.isoformat()} is not a plausible date for a plan")
    return DateRead(day, how)


def _text_date(text: str, today: date, *, day_first: bool, year: int | None) -> DateRead:
    original = text
    text = " ".join(text.split()).strip(" .,;")
    if not text:
        return DateRead(None)
    word = normalise(text)
    if word in _NOW:
        return DateRead(today, f"'{original}' read as {date_text(today)}, the day of the import")
    if word in _NO_DATE or not any(ch.isalnum() for ch in text):
        return DateRead(
            None,
            error=f"'{original}' is not a date",
            hint="give the action a due date: cqctrack needs one to see drift",
        )
    stripped = _LEAD.sub("", text).strip()
    match = _ISO.match(stripped)
    if match:
        return _made(int(match[1]), int(match[2]), int(match[3]), original, exact=True)
    match = _NUMERIC.match(stripped)
    if match:
        first, second, y = int(match[1]), int(match[2]), _full_year(match[3])
        day, month = (first, second) if day_first else (second, first)
        exact = stripped == text and len(match[3]) == 4
        return _made(y, month, day, original, exact=exact)
    # "Nov-26" is how Excel shows November 2026 (mmm-yy), so a month and two digits is a
    # month and year; "Nov 26th" and "26 Nov" name a day.
    match = _MONTH_YEAR.match(stripped)
    if match:
        month, y = MONTHS[match["month"].lower()], _full_year(match["year"])
        last = calendar.monthrange(y, month)[1]
        return _made(y, month, last, original, note="the end of the month")
    for pattern in (_DAY_MONTH, _MONTH_DAY):
        match = pattern.match(stripped)
        if match:
            month, day = MONTHS[match["month"].lower()], int(match["day"])
            given = _full_year(match["year"]) if match["year"] else None
            exact = given is not None and len(match["year"]) == 4
            chosen = given or year or _nearest_year(month, day, today)
            return _made(chosen, month, day, original, exact=exact)
    match = _PART_OF.match(stripped) or _BARE_MONTH.match(stripped)
    if match:
        month = MONTHS[match["month"].lower()]
        part = match.groupdict().get("part") or "end"
        named = _full_year(match["year"]) if match.groupdict().get("year") else None
        return _part_of_month(part.lower(), month, named, original, today, year)
    return DateRead(
        None,
        error=f"'{original}' is not a date cqctrack can read",
        hint="write it as a date, e.g. 30/11/2026 or 30 Nov 2026",
    )


def _full_year(text: str) -> int:
    value = int(text)
    return value + 2000 if value < 100 else value


def _part_of_month(
    part: str, month: int, y: int | None, original: str, today: date, year: int | None
) -> DateRead:
    chosen = y or year or _nearest_year(month, 15, today)
    last = calendar.monthrange(chosen, month)[1]
    day = {"mid": 15, "middle": 15, "start": 1, "beginning": 1, "early": 7, "late": last - 7}
    return _made(chosen, month, day.get(part, last), original)


def _nearest_year(month: int, day: int, today: date) -> int:
    """The year that puts the day nearest the import: 'end of Jan' in November is next year's."""
    options = []
    for y in (today.year - 1, today.year, today.year + 1):
        d = min(day, calendar.monthrange(y, month)[1])
        options.append((abs((date(y, month, d) - today).days), y))
    return min(options)[1]


def _made(
    y: int, month: int, day: int, original: str, *, exact: bool = False, note: str | None = None
) -> DateRead:
    try:
        found = date(y, month, day)
    except ValueError:
        return DateRead(None, error=f"'{original}' is not a valid date")
    if exact:
        return _checked(found, None)
    how = f"'{original}' read as {date_text(found)}" + (f" ({note})" if note else "")
    return _checked(found, how)


# --- RAG ---------------------------------------------------------------------------


def rag_of_text(text: str) -> str | None:
    """'Red', 'R', 'Amber - some issues', 'BLUE' -> a colour; None when it names none."""
    word = normalise(text)
    if word in RAG_WORDS:
        return RAG_WORDS[word]
    first = word.split(" ", 1)[0] if word else ""
    return RAG_WORDS.get(first) if len(first) > 1 else None


def rag_of_fill(rgb: str | None) -> str | None:
    """A fill colour's RAG meaning by its hue; None for white, grey, black or purple."""
    if not rgb or len(rgb) != 6:
        return None
    red, green, blue = (int(rgb[i : i + 2], 16) / 255 for i in (0, 2, 4))
    hue, light, sat = colorsys.rgb_to_hls(red, green, blue)
    if sat < 0.25 or light > 0.95 or light < 0.08:
        return None
    degrees = hue * 360
    if degrees < 15 or degrees >= 330:
        return "red"
    if degrees < 70:
        return "amber"
    if degrees < 170:
        return "green"
    if degrees < 260:
        return "blue"
    return None


# --- regulations, risk ---------------------------------------------------------------

_REGULATIONS = re.compile(
    r"\breg(?:ulation)?s?\b\.?\s*"
    r"((?:\d{1,2}[a-z]?(?![\d])(?:\s*\(\s*\w{1,4}\s*\))*(?:\s*(?:,|/|&|\band\b|\bor\b)\s*)?)+)",
    re.I,
)
_BARE_NUMBER = re.compile(r"(?<![\d(\w])(\d{1,2}[a-z]?)(?![\w)\d])", re.I)


def regulations_in(text: str, *, column: bool = False) -> list[str]:
    """Regulation numbers named in text: 'Reg 12', 'Regulation 17(2)(a)', 'Regs 12 and 17'.

    In a regulations column bare numbers count too ('12, 17').
    """
    found: list[str] = []
    for match in _REGULATIONS.finditer(text):
        body = re.sub(r"\([^)]*\)", " ", match.group(1))
        for token in re.split(r",|/|&|\band\b|\bor\b", body, flags=re.I):
            token = token.strip().upper()
            if re.fullmatch(r"\d{1,2}[A-Z]?", token) and token not in found:
                found.append(token)
    if column and not found:
        cleaned = re.sub(r"\([^)]*\)", " ", text)
        for token in _BARE_NUMBER.findall(cleaned):
            token = token.upper()
            if token not in found:
                found.append(token)
    return found


def risk_of(text: str) -> Risk | None:
    word = normalise(text)
    if word in RISK_WORDS:
        return RISK_WORDS[word]
    first = word.split(" ", 1)[0] if word else ""
    return RISK_WORDS.get(first) if len(first) > 1 else None


def priority_of(text: str) -> str | None:
    """'Must do', 'MUST', 'Should do action' -> 'Must do' or 'Should do'."""
    word = normalise(text)
    if re.match(r"^must\b", word):
        return "Must do"
    if re.match(r"^should\b", word):
        return "Should do"
    return None


# --- evidence kinds ------------------------------------------------------------------

# Words in an evidence requirement or entry -> the evidence kind they name, most specific first.
_KIND_WORDS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.I), kind)
    for pattern, kind in (
        (r"competen", "competency-assessment"),
        (r"spot[\s-]?checks?", "spot-check"),
        (r"observ", "practice-observation"),
        (r"supervision", "supervision-record"),
        (r"training|e-?learning|\bcourses?\b|workshop", "training-record"),
        (
            r"\bmars?\b|medicines? (?:administration )?records?|medication records?",
            "medicines-record",
        ),
        (r"care ?plans?|care records?|daily notes|support plans?", "care-record"),
        (r"risk assessments?", "risk-assessment"),
        (r"\bpolic(?:y|ies)\b|procedures?|protocols?", "policy"),
        (r"\brotas?\b|deployment|staffing levels?|dependency", "rota"),
        (r"team meetings?", "team-meeting-minutes"),
        (r"governance|\bboard\b|minutes", "governance-minutes"),
        (r"handover|briefing|communication log", "briefing-log"),
        (r"surveys?|questionnaires?", "survey"),
        (r"complaints?|compliments?", "complaint-record"),
        (r"incidents?|safeguarding", "incident-analysis"),
        (r"commissioner", "commissioner-report"),
        (r"staff feedback|feedback from staff", "staff-feedback"),
        (r"feedback|relatives|people'?s views", "people-feedback"),
        (r"audit (?:results|trends?)|\btrends?\b", "audit-results"),
        (r"audit", "audit"),
        (r"outcome data|\bkpis?\b|indicators?", "outcome-data"),
    )
)


def kinds_in(text: str, catalogue: Catalogue) -> list[str]:
    """The evidence kinds a text names ('Re-audit of MAR charts' -> medicines-record, audit)."""
    found = []
    for pattern, kind in _KIND_WORDS:
        if kind in catalogue.kinds and pattern.search(text) and kind not in found:
            found.append(kind)
    return found


def first_kind(accepted: Iterable[str], catalogue: Catalogue) -> str:
    """An evidence kind a requirement accepting `accepted` takes (a category's first kind)."""
    for item in accepted:
        if item in catalogue.kinds:
            return item
        for kind in catalogue.kinds.values():
            if kind.category == item:
                return kind.id
    return "audit"


# --- several actions in one cell ---------------------------------------------------------

_MARKER = re.compile(r"^\s*(?:\(?\d{1,2}[.)]|\(?[a-h][.)]|[•●▪◦‣·*\-–—])\s+", re.I)
_INLINE = re.compile(r"(?:^|\s)(\d{1,2})[.)]\s+")


def split_actions(text: str) -> list[str]:
    """Numbered or bulleted actions in one cell, each on its own; the text alone otherwise.

    A line without a marker continues the item above it; lines before the first
    marker (an introduction such as "The provider will:") stay with the first.
    """
    lines = [line.rstrip() for line in text.replace("\r", "\n").split("\n") if line.strip()]
    marked = [i for i, line in enumerate(lines) if _MARKER.match(line)]
    if len(marked) >= 2:
        items: list[str] = []
        intro = lines[: marked[0]]
        for i, line in enumerate(lines[marked[0] :], start=marked[0]):
            if i in marked:
                items.append(_MARKER.sub("", line, count=1).strip())
            else:
                items[-1] += " " + line.strip()
        if intro:
            items[0] = " ".join([*(x.strip() for x in intro), items[0]])
        return items
    if len(lines) == 1:
        numbers = [(m.start(1), int(m.group(1))) for m in _INLINE.finditer(lines[0])]
        if len(numbers) >= 2 and [n for _, n in numbers] == list(range(1, len(numbers) + 1)):
            parts = []
            bounds = [pos for pos, _ in numbers] + [len(lines[0])]
            for start, end in itertools.pairwise(bounds):
                parts.append(_INLINE.sub("", lines[0][max(start - 1, 0) : end], count=1).strip())
            return [p for p in parts if p]
    return [" ".join(line.strip() for line in lines)] if lines else []


def short_title(text: str, limit: int = 120) -> tuple[str, bool]:
    """A title from an action's text: its first line, cut at a word near `limit` characters.

    Returns the title and whether it was shortened (the whole text then goes to detail).
    """
    first = text.strip().split("\n", 1)[0].strip()
    if len(first) <= limit and first == text.strip():
        return first, False
    if len(first) <= limit:
        return first, True
    cut = first[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:-")
    return cut + "…", True
