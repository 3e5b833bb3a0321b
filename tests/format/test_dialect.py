"""The YAML dialect: fast reads and round-trip writes agree on what every file means."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from cqctrack.format import dialect, places

PROJECT = Path(__file__).resolve().parents[2]
TRACKER_FILES = sorted(
    [*PROJECT.glob("trackers/**/*.yaml"), PROJECT / "cqctrack.yaml"], key=lambda p: str(p)
)


def plain(value: Any) -> Any:
    """ruamel's round-trip types (CommentedMap, ScalarFloat, ...) as plain Python values."""
    if isinstance(value, dict):
        return {plain(k): plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, str):
        return str(value)
    raise AssertionError(f"unexpected type {type(value).__name__}: {value!r}")


TRICKY = {
    "yes": "yes",
    "no": "no",
    "on": "on",
    "off": "off",
    "Yes": "Yes",
    "y": "y",
    "true": True,
    "False": False,
    "01:30": "01:30",
    "1:30:00": "1:30:00",
    "0777": "0777",
    "012": "012",
    "09": "09",
    "0o17": "0o17",
    "0x1F": "0x1F",
    "0b101": "0b101",
    "1_000": "1_000",
    "1e3": "1e3",
    "1.5e3": 1500.0,
    ".5": 0.5,
    "95": 95,
    "-3": -3,
    "96.2": 96.2,
    "2026-10-01": "2026-10-01",
    "2026-10": "2026-10",
    "2026-W41": "2026-W41",
    "2024-02-30": "2024-02-30",
    "2026-10-01 10:00:00": "2026-10-01 10:00:00",
    ".inf": ".inf",
    ".nan": ".nan",
    "null": None,
    "~": None,
    "": None,
    "MED-001": "MED-001",
    "'0777'": "0777",
    '"yes"': "yes",
}


@pytest.mark.parametrize("scalar", list(TRICKY), ids=lambda s: s or "<empty>")
def test_both_parsers_read_tricky_scalars_the_same_way(scalar: str) -> None:
    text = f"value: {scalar}\n"
    fast = dialect.parse(text.encode())["value"]
    slow = plain(dialect.load_round_trip(text))["value"]
    assert fast == slow == TRICKY[scalar]
    assert type(fast) is type(slow)


@pytest.mark.parametrize("path", TRACKER_FILES, ids=lambda p: str(p.relative_to(PROJECT)))
def test_both_parsers_agree_on_every_example_file(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert dialect.parse(path.read_bytes()) == plain(dialect.load_round_trip(text))


@pytest.mark.parametrize("path", TRACKER_FILES, ids=lambda p: str(p.relative_to(PROJECT)))
def test_round_trip_rewrites_every_example_file_byte_for_byte(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert dialect.dump_round_trip(dialect.load_round_trip(text)) == text


def test_the_example_set_is_not_empty() -> None:
    assert len(TRACKER_FILES) > 20


def test_a_value_written_by_the_round_trip_parser_reads_back_the_same() -> None:
    doc = dialect.load_round_trip("title: x\n")
    doc["title"] = "no"
    doc["count"] = "12"
    doc["due"] = "2026-10-31"
    doc["flag"] = "true"
    text = dialect.dump_round_trip(doc)
    assert dialect.parse(text.encode()) == {
        "title": "no",
        "count": "12",
        "due": "2026-10-31",
        "flag": "true",
    }


@pytest.mark.parametrize(
    ("text", "code", "line", "message"),
    [
        ("a: 1\na: 2\n", "yaml-duplicate-key", 2, "duplicate key 'a' (first at line 1)"),
        (
            "a: &x 1\nb: *x\n",
            "yaml-alias",
            1,
            "YAML anchors and aliases are not allowed (found 'x')",
        ),
        ("a: !!binary AAAA\n", "yaml-tag", 1, "YAML tags are not allowed"),
        ("a: 1\n  b: 2\n", "yaml-syntax", 2, "mapping values are not allowed in this context"),
        ("a:\n\t- b\n", "yaml-syntax", 2, "a tab character where YAML expects spaces"),
        ("a: [1, 2\n", "yaml-syntax", 2, "expected ',' or ']'"),
        ("a: 'open\n", "yaml-syntax", 2, "found unexpected end of stream"),
    ],
    ids=["duplicate", "alias", "tag", "indent", "tab", "flow", "quote"],
)
def test_bad_yaml_is_reported_with_line_and_message(
    text: str, code: str, line: int, message: str
) -> None:
    with pytest.raises(dialect.YamlProblem) as caught:
        dialect.parse(text.encode())
    assert caught.value.code == code
    assert caught.value.line == line
    assert message in caught.value.message


def test_oversized_files_are_refused_before_parsing() -> None:
    with pytest.raises(dialect.YamlProblem) as caught:
        dialect.parse(b"a: " + b"x" * (dialect.MAX_BYTES + 1))
    assert caught.value.code == "file-too-large"


def test_a_billion_laughs_document_is_refused() -> None:
    bomb = "a: &a [x, x]\nb: &b [*a, *a]\nc: &c [*b, *b]\n"
    with pytest.raises(dialect.YamlProblem) as caught:
        dialect.parse(bomb.encode())
    assert caught.value.code == "yaml-alias"


def test_text_that_is_not_utf8_names_the_line() -> None:
    with pytest.raises(dialect.YamlProblem) as caught:
        dialect.parse(b"a: 1\nb: caf\xe9\n")
    assert (caught.value.code, caught.value.line) == ("file-encoding", 2)


def test_ampersands_and_asterisks_in_text_are_fine() -> None:
    assert dialect.parse(b"title: Q&A session *urgent*\n") == {"title": "Q&A session *urgent*"}


def test_locate_finds_nested_fields_and_falls_back_to_the_parent() -> None:
    text = "a: 1\nb:\n  - x: 1\n  - x: 2\n    y: 3\n"
    assert places.locate(text, ("b", 1, "y")) == (5, 5)
    assert places.locate(text, ("b", 1, "missing")) == (4, 5)
    assert places.locate(text, ()) == (1, 1)


# --- values other YAML tools read as numbers (issue 13) ------------------------------

ELSEWHERE_NUMBERS = [
    "0777",
    "0x1F",
    "0o17",
    "0b101",
    "1_000",
    "1e3",
    "-2E5",
    ".inf",
    "-.inf",
    ".nan",
    "012.5",
]


@pytest.mark.parametrize("text", ELSEWHERE_NUMBERS)
def test_a_plain_value_other_tools_read_as_a_number_is_text_and_noted(text: str) -> None:
    data, notes = dialect.parse_noting(f"title: {text}\nnote: '{text}'\n".encode())
    assert data == {"title": text, "note": text}
    assert [(n.code, n.line, n.column) for n in notes] == [("yaml-ambiguous-number", 1, 8)]
    assert (
        notes[0].message
        == f"{text} is text to cqctrack but a number to editors and other YAML tools"
    )


@pytest.mark.parametrize("text", ["12", "12.5", "2026-10-01", "1:30", "yes", "S8", "1.2.3", "10%"])
def test_values_every_tool_reads_alike_are_not_noted(text: str) -> None:
    assert dialect.parse_noting(f"title: {text}\n".encode())[1] == []


@pytest.mark.parametrize("text", ELSEWHERE_NUMBERS)
def test_writes_quote_text_other_tools_would_read_as_a_number(text: str) -> None:
    written = dialect.dump_round_trip({"title": text, "plain": "hello", "n": 12})
    assert written == f"title: '{text}'\nplain: hello\nn: 12\n"
    assert dialect.parse_noting(written.encode()) == (
        {"title": text, "plain": "hello", "n": 12},
        [],
    )
