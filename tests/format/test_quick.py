"""The quick reader never means anything libyaml would not: for every text it reads, the
dialect's libyaml path gives the same values (types and key order too) and no notes, and
every text libyaml refuses, it leaves alone. Checked on the example trackers, the YAML
corpus, cases written out below, and thousands of damaged variants of them."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cqctrack.format import dialect, quick

ROOT = Path(__file__).resolve().parents[2]


def typed(value: Any) -> Any:
    """A value with its types and key order spelt out (True == 1 == 1.0 in Python)."""
    if isinstance(value, dict):
        return ("map", [(typed(k), typed(v)) for k, v in value.items()])
    if isinstance(value, list):
        return ("seq", [typed(v) for v in value])
    return (type(value).__name__, value)


def agrees(text: str) -> bool:
    """Whether the quick reader agrees with libyaml on `text`; True when it read it."""
    mine = quick.read(text)
    try:
        theirs, notes = dialect.parse_noting(text.encode("utf-8"), quick_read=False)
    except dialect.YamlProblem:
        assert mine is None, f"libyaml refuses this text, the quick reader read it: {text!r}"
        return False
    if mine is None:
        return False
    assert not notes, f"libyaml notes {notes[0].message!r}; the quick reader said nothing"
    assert typed(mine) == typed(theirs), f"the two readers differ on {text!r}"
    return True


def seed_texts() -> list[str]:
    paths = [*(ROOT / "trackers").rglob("*.yaml"), *(ROOT / "tests" / "corpus").rglob("*.yaml")]
    out = []
    for path in sorted(paths):
        try:
            out.append(path.read_bytes().decode("utf-8-sig"))
        except UnicodeDecodeError:
            continue
    return out


SEEDS = seed_texts()


def test_the_example_trackers_are_read_quickly_and_the_same() -> None:
    actions = sorted((ROOT / "trackers").glob("*/actions/*.yaml"))
    read = [p for p in actions if agrees(p.read_text(encoding="utf-8"))]
    # Every bundled action file is in the plain layout cqctrack writes.
    assert len(actions) > 20 and read == actions


def test_every_corpus_file_gets_the_same_values_either_way() -> None:
    read = sum(agrees(text) for text in SEEDS)
    assert read > 40  # the corpus is mostly odd files on purpose: about 60 of 160 are plain


# (text, what the file means): each read by the quick reader.
READ = [
    ("id: A-1\ntitle: Falls audit\n", {"id": "A-1", "title": "Falls audit"}),
    ("n: 12\nx: -3\nf: 1.5\ng: .5e3\nt: true\nF: FALSE\nz: ~\nq: null\n",
     {"n": 12, "x": -3, "f": 1.5, "g": 500.0, "t": True, "F": False, "z": None, "q": None}),
    ("a: no\nb: yes\nc: 2026-02-30\nd: 12:30\ne: -a\n",
     {"a": "no", "b": "yes", "c": "2026-02-30", "d": "12:30", "e": "-a"}),
    ("s: [S6, WL5]\nr: [18, 12]\ne: []\n", {"s": ["S6", "WL5"], "r": [18, 12], "e": []}),
    ("q: 'it''s: fine'\nd: \"a: b\"\ne: ''\n", {"q": "it's: fine", "d": "a: b", "e": ""}),
    ("a:\n  - id: R1\n    kinds: [rota]\n  - plain\nb:\n", {"a": [{"id": "R1", "kinds": ["rota"]}, "plain"], "b": None}),
    ("a:\n- x\n- y\nb: 1\n", {"a": ["x", "y"], "b": 1}),
    ("d: |\n  one\n\n  two\n\nnext: x\n", {"d": "one\n\ntwo\n", "next": "x"}),
    ("d: |-\n  one\n    two\n", {"d": "one\n  two"}),
    ("# a comment\nm:\n  # another\n  k: v\n", {"m": {"k": "v"}}),
    ("url: https://www.cqc.org.uk/x?y=1\nand: Health & safety, [draft]\n",
     {"url": "https://www.cqc.org.uk/x?y=1", "and": "Health & safety, [draft]"}),
]  # fmt: skip


@pytest.mark.parametrize(("text", "meaning"), READ)
def test_plain_layouts_are_read_as_libyaml_reads_them(text: str, meaning: Any) -> None:
    assert agrees(text)
    assert typed(quick.read(text)) == typed(meaning)


# Texts the quick reader leaves to libyaml: refused there, noted there, or simply rarer.
LEFT = [
    "a: 1\na: 2\n",  # a duplicate key
    "a: 0777\n",  # a number to other tools: libyaml's path notes it
    "a: b # note\n",  # a comment after a value
    "a: b: c\n",  # libyaml refuses it
    "a: b\n  c\n",  # a value over two lines
    "a: 'b\n  c'\n",  # a quoted value over two lines
    'a: "b\\n"\n',  # an escape
    "a: >\n  folded\n",
    "a: |\n  last line without a break",
    "a: |2\n   indented\n",
    "a: {b: c}\n",
    "a: [b, [c]]\n",
    "a: [b,]\n",
    "- a\n- b\n",  # not a mapping at the top
    "a:\n  - \n",  # an empty entry
    "a:\n  b: 1\n c: 2\n",  # between two indents
    "a: b \n",  # trailing spaces
    "a:\tb\n",
    "a: b\r\nc: d\r\n",
    "a: b\u2028c: d\n",
    "---\na: b\n",
    "true: x\n",  # a key that is not text
    "'a': b\n",
    "",
]


@pytest.mark.parametrize("text", LEFT)
def test_other_layouts_are_left_to_libyaml(text: str) -> None:
    assert quick.read(text) is None
    agrees(text)


# Pieces that make a text plain, or not quite: values, lines, and characters.
VALUES = ["1", "-1", "01", "1.", "1e3", "+.5", "0x1F", "1_000", "True", "tRue", "no", "Null",
          "~", "'a'", "''", "'it''s'", "'a'b'", '"a"', '"a\\nb"', "[]", "[a, b]", "[1, 2.5, true]",
          "[a,]", "{}", "|", "|-", "|+", ">", "a b", "a:b", "a: b", "a:", "-a", "- a", "-",
          "é ü", "a [b] {c}", "a, b", "`x`", "@x", "%x", "?x", "*x", "&x", "x'y"]  # fmt: skip
LINES = ["", "  ", "# c", "  # c", "extra: v", "  nested: v", "- item", "  - item",
         "    - item", "key:", "  key:", "text: |", "  line one", "    line two", "---"]  # fmt: skip
CHARS = [*" -:#'\"|>[]{},\n&*!?%@`01.e~é\t\\", ": ", "- ", "\n  ", "\n- ", "\u2028"]


def damaged(rng: random.Random, text: str) -> str:
    lines = text.split("\n")
    for _ in range(rng.randint(1, 3)):
        at = rng.randrange(len(lines))
        choice = rng.randrange(6)
        if choice <= 1 and ": " in lines[at]:
            lines[at] = lines[at].partition(": ")[0] + ": " + rng.choice(VALUES)
        elif choice <= 1 and lines[at].lstrip().startswith("- "):
            lines[at] = lines[at][: lines[at].index("-")] + "- " + rng.choice(VALUES)
        elif choice == 2:
            lines.insert(at, rng.choice(LINES))
        elif choice == 3:
            lines[at] = " " * rng.choice([1, 2]) + lines[at]
        elif choice == 4 and lines[at]:
            i = rng.randrange(len(lines[at]))
            lines[at] = lines[at][:i] + rng.choice(CHARS) + lines[at][i + 1 :]
        else:
            del lines[at]
        lines = lines or ["a: b"]
    out = "\n".join(lines)
    return out if rng.random() < 0.9 else out.rstrip("\n")


def test_damaged_files_get_the_same_values_either_way() -> None:
    rng = random.Random(20261202)
    read = sum(agrees(damaged(rng, rng.choice(SEEDS))) for _ in range(4000))
    assert read > 400  # many damaged files are still plain, and both read them alike


@settings(max_examples=300, deadline=None)
@given(
    st.integers(min_value=0, max_value=2**32), st.integers(min_value=0, max_value=len(SEEDS) - 1)
)
def test_any_damage_gets_the_same_values_either_way(seed: int, which: int) -> None:
    agrees(damaged(random.Random(seed), SEEDS[which]))
