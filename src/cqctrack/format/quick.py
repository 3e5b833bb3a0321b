"""A quick reader for the plainest tracker files, beside libyaml (`dialect.parse_noting`).

Nearly every file cqctrack reads is laid out as cqctrack writes it: block mappings and
sequences, one value a line (plain, simply quoted, a one-line flow list, or a literal
`|` block). `read` builds such a file's values straight from its lines, about twice as
fast as libyaml composes them, and gives up (None) at the first thing outside that
layout: the file is then parsed by libyaml as before, which also words every problem.
So this never decides what a file means on its own; it only reads, faster, the files
whose meaning is plain. The scalar rules and their values are the dialect's own (`scalars`),
and a differential test holds the two readers to the same values over every file of
the example trackers and thousands of damaged variants.

Given up on, among others: comments after a value, tabs, anchors and tags, document
markers, any character YAML treats specially (control characters, NEL, the Unicode line
and paragraph separators, a BOM), escapes, multi-line plain or quoted values, folded
(`>`) or indented (`|2`) blocks, flow mappings, nested or empty sequence entries,
duplicate keys, keys that are not plain words, and any value other YAML tools would read
as a number (the dialect notes those with their place).
"""

from __future__ import annotations

import re
from typing import Any

from cqctrack.format.scalars import (
    MAX_DIGITS,
    NUMBER_START,
    NUMBER_TAGS,
    OTHER_NUMBER,
    TABLE,
    VALUE_OF,
)

# Every line, cut in one pass (one match a line, blank ones too): its indent, a sequence
# entry's dash, a mapping key, and the rest.
_LINE = re.compile(r"^( *)(-(?: +|$))?(?:([A-Za-z_][A-Za-z0-9_-]*):(?: +|$))?(.*)$", re.M)
# Characters that make a text worth handing to libyaml: tabs and other controls, DEL,
# C1 and NEL, the line and paragraph separators, a BOM or non-character, lone surrogates.
_SPECIAL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff\ud800-\udfff]")
# A value's first character that YAML reads as an indicator (some handled below).
_INDICATOR = frozenset("-?:,[]{}#&*!|>'\"%@`")
# An item of a one-line flow list: plain text without indicators or ': '.
_FLOW_ITEM = re.compile(r"[^\s,\[\]{}#'\"&*!|>%@`?:-][^,\[\]{}#:]*\Z")
_MAX_DEPTH = 16

# Values that are text whatever follows their first character: none of the scalar rules
# starts with it, and YAML reads no indicator there.
_NOT_TEXT_FIRST = frozenset(_INDICATOR | {ch for ch in TABLE if ch})
# A key that a scalar rule could read as other than text starts with one of these.
_KEY_RULED = frozenset(ch for ch in TABLE if ch and (ch.isalpha() or ch == "_"))
# A line that ends in spaces after something else (libyaml's rules for those apply);
# sought only when some line ends in a space (the search costs a third of a read).
_TRAILING = re.compile(r"[^ \n] +$", re.M)


class _GiveUp(Exception):
    """The file is not in the plain layout: libyaml reads it."""


def read(text: str) -> Any:
    """The values of `text` if it is in the plain layout (a mapping at the top), else None.

    Called by `dialect.parse_noting` once its refusals have run: anchors, aliases and
    tags are not in `text`, so `&`, `*` and `!` are only ever characters of a value.
    """
    if _SPECIAL.search(text) or ((" \n" in text or text.endswith(" ")) and _TRAILING.search(text)):
        return None
    if "#" in text and _comment_after_value(text):
        return None
    reader = _Reader(text)
    if not reader.tokens:
        return None
    try:
        value = reader.mapping_at(reader.indent(), 0)
    except _GiveUp:
        return None
    if reader.index < len(reader.tokens):
        return None  # something left over at a lesser indent: libyaml says what
    return value


def _comment_after_value(text: str) -> bool:
    """Whether a `#` stands anywhere but at the start of a line (after its indent)."""
    return any("#" in line and not line.lstrip(" ").startswith("#") for line in text.split("\n"))


# A line that holds something: its number in the file, indent, dash, key and the rest.
_Token = tuple[int, str, str, str, str]


class _Reader:
    __slots__ = ("index", "lines", "text", "tokens")

    def __init__(self, text: str) -> None:
        self.text = text
        # Blank and comment lines hold nothing (a literal block reads its own lines).
        self.tokens: list[_Token] = [
            (number, *cut)
            for number, cut in enumerate(_LINE.findall(text))
            if cut[1] or cut[2] or (cut[3] and cut[3][0] != "#")
        ]
        self.lines: list[str] | None = None  # split only for a literal block
        self.index = 0

    def indent(self) -> int | None:
        """The indent of the next line that holds something, or None at the end."""
        return len(self.tokens[self.index][1]) if self.index < len(self.tokens) else None

    def mapping_at(
        self, indent: int | None, depth: int, first: tuple[str, str] | None = None
    ) -> dict[str, Any]:
        """A block mapping whose keys stand at `indent`; `first` is its first key and
        value when they followed a sequence entry's dash (`- key: value`)."""
        if indent is None or depth > _MAX_DEPTH:
            raise _GiveUp
        out: dict[str, Any] = {}
        tokens = self.tokens
        while True:
            if first is not None:
                key, rest = first
                first = None
            else:
                _, _, dash, key, rest = tokens[self.index]
                if dash or not key:
                    raise _GiveUp
            if key in out or (key[0] in _KEY_RULED and _resolve(key) is not key):
                raise _GiveUp
            self.index += 1
            if not rest:
                out[key] = self._nested(indent, depth)
            elif rest[0] not in _NOT_TEXT_FIRST and ": " not in rest and rest[-1] != ":":
                out[key] = rest  # plain text: the usual value
            else:
                out[key] = self._value(rest, indent)
            if not self._goes_on(indent):
                return out

    def sequence_at(self, indent: int, depth: int) -> list[Any]:
        if depth > _MAX_DEPTH:
            raise _GiveUp
        out: list[Any] = []
        tokens = self.tokens
        while True:
            _, spaces, dash, key, rest = tokens[self.index]
            if not dash or (not key and not rest):
                raise _GiveUp  # not an entry, or an empty one
            if key:  # `- key: value`: a mapping starts after the dash
                column = len(spaces) + len(dash)
                out.append(self.mapping_at(column, depth + 1, first=(key, rest)))
            else:
                self.index += 1
                out.append(self._value(rest, indent))
            if not self._goes_on(indent):
                return out
            if not tokens[self.index][2]:
                return out  # the mapping holding this sequence goes on (`key:` then `- a`)

    def _goes_on(self, indent: int) -> bool:
        """Whether the block at `indent` goes on at the next line: not at the end or at a
        lesser indent; a greater one (a value over two lines) is outside the layout."""
        if self.index == len(self.tokens):
            return False
        following = len(self.tokens[self.index][1])
        if following > indent:
            raise _GiveUp
        return following == indent

    def _nested(self, indent: int, depth: int) -> Any:
        """The value below `key:`: a mapping or sequence, or null when nothing is below.
        A sequence may stand at the key's own indent (`key:` then `- a`)."""
        following = self.indent()
        if following is None or following < indent:
            return None
        if self.tokens[self.index][2]:
            return self.sequence_at(following, depth + 1)
        if following == indent:
            return None  # the next key of the same mapping
        return self.mapping_at(following, depth + 1)

    def _value(self, rest: str, indent: int) -> Any:
        """A value written on its key's (or entry's) own line."""
        first = rest[0]
        if first not in _INDICATOR:
            return _plain(rest)
        if first == "'":
            inner = rest[1:-1]
            if len(rest) < 2 or rest[-1] != "'" or "'" in inner.replace("''", ""):
                raise _GiveUp
            return inner.replace("''", "'")
        if first == '"':
            inner = rest[1:-1]
            if len(rest) < 2 or rest[-1] != '"' or '"' in inner or "\\" in inner:
                raise _GiveUp
            return inner
        if first == "[":
            return _flow(rest)
        if first == "|":
            return self._literal(rest, indent)
        if first == "-" and len(rest) > 1 and rest[1] != " ":
            return _plain(rest)
        raise _GiveUp

    def _literal(self, rest: str, indent: int) -> str:
        """A literal block (`|` or `|-`): its lines below, more indented than `indent`."""
        if rest not in ("|", "|-"):
            raise _GiveUp
        if self.lines is None:
            self.lines = self.text.split("\n")
        lines = self.lines
        number = self.tokens[self.index - 1][0] + 1  # the line after the header
        body: list[str] = []
        at: int | None = None  # the block's indent: its first line's
        while number < len(lines):
            line = lines[number]
            stripped = line.lstrip(" ")
            spaces = len(line) - len(stripped)
            if not stripped:
                if spaces > (indent if at is None else at):
                    raise _GiveUp  # spaces past the block's indent: libyaml's rules apply
                body.append("")
            elif spaces < (indent + 1 if at is None else at):
                break  # less indented than the block: its end
            else:
                at = spaces if at is None else at
                body.append(line[at:])
            number += 1
        if at is None or (number == len(lines) and lines[-1]):
            raise _GiveUp  # an empty block, or one ending the file without a line break
        while body[-1] == "":
            body.pop()  # blank lines after the block belong to no value
        tokens = self.tokens
        while self.index < len(tokens) and tokens[self.index][0] < number:
            self.index += 1  # the block's lines, read above
        text = "\n".join(body)
        return text + "\n" if rest == "|" else text


def _flow(rest: str) -> list[Any]:
    """A one-line flow list of plain values (`[S6, WL5]`)."""
    if rest[-1] != "]":
        raise _GiveUp
    inner = rest[1:-1].strip(" ")
    if not inner:
        return []
    out = []
    for item in inner.split(","):
        item = item.strip(" ")
        if not _FLOW_ITEM.match(item):
            raise _GiveUp
        out.append(_plain(item))
    return out


def _plain(text: str) -> Any:
    """A one-line plain value, resolved by the dialect's rules."""
    if ": " in text or text[-1] == ":":
        raise _GiveUp
    rules = TABLE.get(text[0])
    if rules is None:
        return text
    value = _resolve(text, rules)
    if value is text and text[0] in NUMBER_START and OTHER_NUMBER.match(text):
        raise _GiveUp  # the dialect notes it, with its line and column
    return value


def _resolve(text: str, rules: list[tuple[str, re.Pattern[str]]] | None = None) -> Any:
    """The value the dialect's rules (`scalars.TABLE`) give a plain text."""
    for tag, pattern in rules if rules is not None else TABLE.get(text[0], ()):
        if pattern.match(text):
            if tag in NUMBER_TAGS and len(text) > MAX_DIGITS:
                raise _GiveUp  # libyaml's path refuses it, with its line and column
            return VALUE_OF[tag](text)
    return text
