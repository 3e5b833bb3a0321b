"""The scalar rules of the tracker dialect: which plain values are booleans, numbers or null.

One table, read by both parsers (`dialect`: libyaml for reads, ruamel.yaml for writes)
and by the quick reader (`quick`), so that every reader means the same by a value.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

# Python refuses to convert integers of more than 4,300 digits; no tracker number
# needs more than a few.
MAX_DIGITS = 100

BOOL_TAG = "tag:yaml.org,2002:bool"
INT_TAG = "tag:yaml.org,2002:int"
FLOAT_TAG = "tag:yaml.org,2002:float"
NULL_TAG = "tag:yaml.org,2002:null"

# (tag, pattern, first characters): shared by both parsers.
SCALAR_RULES: tuple[tuple[str, re.Pattern[str], str], ...] = (
    (BOOL_TAG, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), "tTfF"),
    (INT_TAG, re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$"), "-+0123456789"),
    (
        FLOAT_TAG,
        re.compile(r"^[-+]?(?:(?:0|[1-9][0-9]*)\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$"),
        "-+0123456789.",
    ),
    (NULL_TAG, re.compile(r"^(?:~|null|Null|NULL|)$"), "~nN\0"),
)


def _implicit_table() -> dict[str | None, list[tuple[str, re.Pattern[str]]]]:
    table: dict[str | None, list[tuple[str, re.Pattern[str]]]] = {}
    for tag, pattern, firsts in SCALAR_RULES:
        for ch in firsts:
            key = "" if ch == "\0" else ch  # the empty scalar is looked up under ""
            table.setdefault(key, []).append((tag, pattern))
    return table


# First character -> the rules a plain value starting with it could match.
TABLE = _implicit_table()

# What a plain value a rule matched means, by the rule's tag (every other one is text).
VALUE_OF: dict[str, Callable[[str], Any]] = {
    BOOL_TAG: lambda text: text[0] in "tT",
    INT_TAG: int,
    FLOAT_TAG: float,
    NULL_TAG: lambda text: None,
}
# The tags of numbers: refused past MAX_DIGITS characters, by every reader.
NUMBER_TAGS = frozenset({INT_TAG, FLOAT_TAG})

# Plain values that YAML 1.2 tools read as numbers and this dialect keeps as text:
# `0777`, `0x1F`, `0o17`, `0b101`, `1_000`, `1e3`, `.5`, `.inf`. Editors (the npm `yaml`
# package behind yaml-language-server) and schema checkers (ruamel.yaml behind
# check-jsonschema) would judge a number where cqctrack reads text, so such a value is
# reported (issue 13) and still read as text. The pattern is the union of ruamel.yaml's
# YAML 1.2 int and float resolvers, which take in the core schema's.
OTHER_NUMBER = re.compile(
    r"""^(?:[-+]?0b[0-1_]+ | [-+]?0o?[0-7_]+ | [-+]?[0-9_]*[0-9][0-9_]* | [-+]?0x[0-9a-fA-F_]+
    | [-+]?[0-9][0-9_]*\.[0-9_]*(?:[eE][-+]?[0-9]+)? | [-+]?[0-9][0-9_]*[eE][-+]?[0-9]+
    | [-+]?\.[0-9_]+(?:[eE][-+]?[0-9]+)? | [-+]?\.(?:inf|Inf|INF) | \.(?:nan|NaN|NAN))$""",
    re.X,
)
NUMBER_START = frozenset("-+.0123456789")


def reads_as_number_elsewhere(text: str) -> bool:
    """Would other YAML tools read this text, written without quotes, as a number?"""
    if not text or text[0] not in NUMBER_START or not OTHER_NUMBER.match(text):
        return False
    return not any(pattern.match(text) for tag, pattern, _ in SCALAR_RULES if tag != NULL_TAG)
