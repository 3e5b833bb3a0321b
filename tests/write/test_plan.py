"""Reading a plan's cells: dates, colours, regulations, several actions in one cell, people."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from cqctrack.format import records
from cqctrack.format.grid import Cell
from cqctrack.format.mapping import Mapping
from cqctrack.store.sheets import _tinted
from cqctrack.write.plan import values
from cqctrack.write.plan.people import Register

TODAY = date(2026, 11, 2)


@pytest.mark.parametrize(
    ("value", "day", "how"),
    [
        ("03/11/2026", date(2026, 11, 3), None),
        ("3/11/26", date(2026, 11, 3), "'3/11/26' read as 3 Nov 2026"),
        ("by 30.11.2026", date(2026, 11, 30), "'by 30.11.2026' read as 30 Nov 2026"),
        ("2026-11-30", date(2026, 11, 30), None),
        ("3rd November 2026", date(2026, 11, 3), None),
        ("Tuesday 3 November 2026", date(2026, 11, 3), None),
        ("30 Nov", date(2026, 11, 30), "'30 Nov' read as 30 Nov 2026"),
        ("end of Nov", date(2026, 11, 30), "'end of Nov' read as 30 Nov 2026"),
        ("End of January", date(2027, 1, 31), "'End of January' read as 31 Jan 2027"),
        ("mid Dec", date(2026, 12, 15), "'mid Dec' read as 15 Dec 2026"),
        ("Nov-26", date(2026, 11, 30), "'Nov-26' read as 30 Nov 2026 (the end of the month)"),
        ("Sept 2026", date(2026, 9, 30), "'Sept 2026' read as 30 Sep 2026 (the end of the month)"),
        ("w/c 16/11/2026", date(2026, 11, 16), "'w/c 16/11/2026' read as 16 Nov 2026"),
        ("Immediate", TODAY, "'Immediate' read as 2 Nov 2026, the day of the import"),
        (46329, date(2026, 11, 3), "Excel date number 46329 read as 3 Nov 2026"),
        ("46329", date(2026, 11, 3), "Excel date number 46329 read as 3 Nov 2026"),
        (datetime(2026, 11, 3, 0, 0), date(2026, 11, 3), None),
    ],
)
def test_dates_are_read_the_ways_plans_write_them(
    value: object, day: date, how: str | None
) -> None:
    read = values.read_date(Cell(value), TODAY)
    assert (read.day, read.how, read.error) == (day, how, None)


@pytest.mark.parametrize(
    ("value", "error"),
    [
        ("Ongoing", "'Ongoing' is not a date"),
        ("TBC", "'TBC' is not a date"),
        ("Q3", "'Q3' is not a date cqctrack can read"),
        ("31/02/2026", "'31/02/2026' is not a valid date"),
        (12, "12 is a number, not a date"),
        ("01/01/1990", "1990-01-01 is not a plausible date for a plan"),
    ],
)
def test_what_is_not_a_date_says_so(value: object, error: str) -> None:
    read = values.read_date(Cell(value), TODAY)
    assert (read.day, read.error) == (None, error)


def test_month_first_dates_when_the_mapping_says_so() -> None:
    assert values.read_date(Cell("11/03/2026"), TODAY, day_first=False).day == date(2026, 11, 3)


@pytest.mark.parametrize(
    ("rgb", "rag"),
    [
        ("FF0000", "red"), ("FFC7CE", "red"), ("C00000", "red"),
        ("FFC000", "amber"), ("FFFF00", "amber"), ("FFEB9C", "amber"), ("ED7D31", "amber"),
        ("00B050", "green"), ("92D050", "green"), ("C6EFCE", "green"), ("008000", "green"),
        ("0070C0", "blue"), ("00B0F0", "blue"), ("4472C4", "blue"),
        ("FFFFFF", None), ("D9D9D9", None), ("000000", None), ("7030A0", None), (None, None),
    ],
)  # fmt: skip
def test_fill_colours_are_read_as_rag_ratings_by_hue(rgb: str | None, rag: str | None) -> None:
    assert values.rag_of_fill(rgb) == rag


def test_a_theme_colour_tint_lightens_and_darkens_as_excel_does() -> None:
    assert _tinted("4472C4", 0.0) == "4472C4"
    # Excel shows "Green, Accent 6, Lighter 40%" as A9D08E: its HLS steps are 1/240, ours exact.
    assert _tinted("70AD47", 0.4) == "A9D18E"
    assert _tinted("70AD47", -0.25) == "548235"  # "Darker 25%"


@pytest.mark.parametrize(
    ("text", "column", "found"),
    [
        ("Breach of Reg 12 and Regulation 17(2)(a)", False, ["12", "17"]),
        ("Regs 9A & 18", False, ["9A", "18"]),
        ("Health and Social Care Act 2008 (Regulated Activities) Regulations 2014", False, []),
        ("HSCA Regulations 2014: Regulation 12", False, ["12"]),
        ("12, 17", True, ["12", "17"]),
        ("12, 17", False, []),
        ("17(2)(b)", True, ["17"]),
    ],
)
def test_regulations_are_found_in_free_text_and_columns(
    text: str, column: bool, found: list[str]
) -> None:
    assert values.regulations_in(text, column=column) == found


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("1. Audit MAR charts\n2. Retrain staff", ["Audit MAR charts", "Retrain staff"]),
        ("• Audit\n• Retrain\n  on refusals", ["Audit", "Retrain on refusals"]),
        ("The provider will:\na) Audit\nb) Retrain", ["The provider will: Audit", "Retrain"]),
        ("1. Audit MAR 2. Train staff 3. Re-audit", ["Audit MAR", "Train staff", "Re-audit"]),
        ("Review the rota. Then recruit.", ["Review the rota. Then recruit."]),
        ("Review the rota\nand recruit", ["Review the rota and recruit"]),
        ("Reduce agency use by 2. Recruit", ["Reduce agency use by 2. Recruit"]),
    ],
)
def test_several_actions_in_one_cell_are_split_only_when_numbered_or_bulleted(
    text: str, parts: list[str]
) -> None:
    assert values.split_actions(text) == parts


PEOPLE = {
    "mpatel": records.Person("Meera Patel", "registered-manager", ("meera@example.org",)),
    "tokafor": records.Person("Tunde Okafor", "medicines-lead", ()),
    "jreed": records.Person("Jo Reed", "nominated-individual", ()),
    "lnowak": records.Person("Dr Lena Nowak", "deputy-manager", ()),
    "lpatel": records.Person("Lena Patel", "care-coordinator", ()),
}
TRACKER = records.Tracker(
    "Riverside",
    "homecare",
    "MED",
    "mpatel",
    "jreed",
    None,
    None,
    None,
    None,  # type: ignore[arg-type]
)


@pytest.mark.parametrize(
    ("written", "person", "how"),
    [
        ("mpatel", "mpatel", "id"),
        ("meera@example.org", "mpatel", "email"),
        ("Meera Patel", "mpatel", "name"),
        ("MEERA PATEL", "mpatel", "name"),
        ("Mrs Meera Patel", "mpatel", "name"),
        ("Lena Nowak", "lnowak", "name"),
        ("MP", "mpatel", "initials"),
        ("TO", "tokafor", "initials"),
        ("M Patel", "mpatel", "initial and surname"),
        ("M. Patel", "mpatel", "initial and surname"),
        ("Patel M", "mpatel", "initial and surname"),
        ("Tunde", "tokafor", "first name"),
        ("Okafor", "tokafor", "surname"),
        ("Registered Manager", "mpatel", "role"),
        ("RM", "mpatel", "role"),
        ("NI", "jreed", "role"),
        ("Deputy manager", "lnowak", "role"),
        ("Care coordinator", "lpatel", "role"),
        ("Sarah J", None, "unknown"),
        ("Patel", None, "ambiguous"),
        ("Lena", None, "ambiguous"),
    ],
)
def test_owners_are_matched_by_id_name_initials_or_role(
    written: str, person: str | None, how: str
) -> None:
    found = Register(PEOPLE, TRACKER, {}).match(written)
    assert (found.person, found.how) == (person, how)


def test_a_cell_naming_two_people_gives_both_and_a_surname_first_name_one() -> None:
    register = Register(PEOPLE, TRACKER, {})
    assert [m.person for m in register.match_all("MP / TO")] == ["mpatel", "tokafor"]
    assert [m.person for m in register.match_all("Okafor, Tunde")] == ["tokafor"]
    assert [m.person for m in register.match_all("Meera Patel and Sarah J")] == ["mpatel", None]
    mapped = Register(PEOPLE, TRACKER, Mapping().people | {"sarah j": "jreed"})
    assert mapped.match("Sarah  J").person == "jreed"
