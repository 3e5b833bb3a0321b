"""How dates, counts and periods read to people: the one place they are worded.

Files hold ISO dates (2026-11-23); people read "23 Nov 2026". Month names are
spelled here rather than taken from `strftime("%b")`, which follows the
machine's locale: a pack printed on a Welsh- or Polish-language laptop must say
what the one printed in the office says. Rules word their findings with these
too, so a reason reads the same in the review, the summary and JSON.
"""

from __future__ import annotations

from datetime import date, datetime

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


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
