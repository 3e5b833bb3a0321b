"""How dates, counts and periods read to people: the one place they are worded.

Files hold ISO dates (2026-11-23); people read "23 Nov 2026". Month names are
spelled here rather than taken from `strftime("%b")`, which follows the
machine's locale: a pack printed on a Welsh- or Polish-language laptop must say
what the one printed in the office says. Rules word their findings with these
too, so a reason reads the same in the review, the summary and JSON.
"""

from __future__ import annotations

import re
from datetime import date, datetime

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def date_text(day: date) -> str:
    """23 Nov 2026."""
    if isinstance(day, datetime):
        day = day.date()
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def date_column(day: date) -> str:
    """' 3 Nov 2026': the day padded to two places, for dates in a column."""
    if isinstance(day, datetime):
        day = day.date()
    return f"{day.day:>2} {MONTHS[day.month - 1]} {day.year}"


def month_text(year: int, month: int) -> str:
    """Nov 2026."""
    return f"{MONTHS[month - 1]} {year}"


def month_name_text(year: int, month: int) -> str:
    """November 2026: a month as a title."""
    return f"{MONTH_NAMES[month - 1]} {year}"


def value_date(value: object) -> str:
    """A date read from a file, worded; anything that is not an ISO date as it is."""
    if isinstance(value, date):
        return date_text(value)
    try:
        return date_text(date.fromisoformat(str(value)))
    except ValueError:
        return str(value)


def days_text(n: int) -> str:
    return f"{n} day{'' if n == 1 else 's'}"


def times_text(n: int) -> str:
    return {1: "once", 2: "twice"}.get(n, f"{n} times")


def count(n: int, word: str, plural: str | None = None) -> str:
    """'1 file', '3 files', '2 entries' (with plural='entries')."""
    return f"{n} {word if n == 1 else plural or word + 's'}"


# --- text from files and git, made harmless to show ----------------------------------

# Characters that must never reach a terminal, spreadsheet or page raw (issue 12):
# C0 controls (escape sequences start with ESC: clear the screen, set the window
# title, hyperlinks), DEL, C1 controls (U+009B is a one-character CSI), the Unicode
# line and paragraph separators, and the bidirectional controls that make text
# read in a different order from the one it is stored in ("Trojan Source").
BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
HIDDEN = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029" + BIDI + "]")
_KEEP_NEWLINES = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029" + BIDI + "]")
_NAMES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def escape(char: str) -> str:
    """One hidden character as visible text: `\\x1b`, `\\u202e`, `\\n`."""
    if char in _NAMES:
        return _NAMES[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str) -> str:
    """`text` with every control character and bidi control shown as an escape.

    Titles, notes, names and file names come from files and commits anyone with
    push access can write; shown raw, `\\x1b]0;...` retitles a manager's terminal and
    `\\u202e` reverses what a line appears to say. Shown like this they are visible
    and harmless. Ordinary text (any language, any emoji) is untouched.
    """
    if text.isprintable():  # the common case, decided in C
        return text
    return HIDDEN.sub(lambda m: escape(m.group()), text)


def visible_lines(text: str) -> str:
    """The same for a whole block of output: every hidden character except the newlines."""
    if text.isprintable():
        return text
    return _KEEP_NEWLINES.sub(lambda m: escape(m.group()), text)


def hidden_characters(text: str) -> list[str]:
    """The hidden characters in `text`, as escapes, in order of first appearance."""
    seen: list[str] = []
    for match in HIDDEN.finditer(text):
        shown = escape(match.group())
        if shown not in seen:
            seen.append(shown)
    return seen


def ranges(numbers: list[int]) -> str:
    """Row numbers as people write them: [4, 5, 6, 9] -> '4-6 and 9'."""
    spans: list[list[int]] = []
    for n in sorted(set(numbers)):
        if spans and n == spans[-1][-1] + 1:
            spans[-1].append(n)
        else:
            spans.append([n])
    words = [f"{s[0]}-{s[-1]}" if len(s) > 1 else str(s[0]) for s in spans]
    return ", ".join(words[:-1]) + " and " + words[-1] if len(words) > 1 else words[0]


def met_text(met: int, total: int) -> str:
    """'1 of 3 requirements met': an action's evidence progress."""
    return f"{met} of {total} requirement{'' if total == 1 else 's'} met"
