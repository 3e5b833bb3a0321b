"""The YAML dialect tracker files are written in, and the two parsers that read it.

Reads use PyYAML's libyaml-backed `CSafeLoader` (about 18x faster than ruamel's
round-trip parser: 4 s against 76 s for 10,000 files on our CI machine), after the
quick reader (`quick`), which reads the plainest files' lines straight, twice as fast
again, and hands libyaml everything else. The one file a command writes is parsed with
ruamel.yaml in round-trip mode, so comments, key order and quoting survive. All of them
must agree on what every file means, so they share one table of implicit scalar types
(`scalars`, a YAML 1.2 core subset):

- booleans are only `true`/`false` (any case form YAML 1.2 allows): `yes`, `no`,
  `on` and `off` stay text, so a title of `no` is never read as False;
- integers are plain decimals without leading zeros: `0777`, `0o17`, `0x1F`,
  `1_000` and `1:30` stay text, so an id is never read as an octal number;
- dates are *not* resolved by the parser: `2026-10-01` stays text and the models
  parse it, so an impossible date such as `2024-02-30` becomes a clear field error
  instead of a parser crash.

Plain data needs no anchors, aliases or tags, and aliases make expansion bombs
possible, so they are refused; so are duplicate keys and files over `MAX_BYTES`.
"""

from __future__ import annotations

import functools
import io
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

import yaml

from cqctrack.format import quick
from cqctrack.format.scalars import (
    BOOL_TAG,
    FLOAT_TAG,
    INT_TAG,
    MAX_DIGITS,
    NULL_TAG,
    NUMBER_START,
    NUMBER_TAGS,
    OTHER_NUMBER,
    SCALAR_RULES,
    TABLE,
    VALUE_OF,
    reads_as_number_elsewhere,
)

if TYPE_CHECKING:
    from ruamel.yaml import YAML

MAX_BYTES = 256 * 1024  # the largest real action file we have seen is under 20 KB
# Real tracker files nest five levels deep at most. Python's recursion gives out
# between about 490 and 1,000 levels (below libyaml's own limit), in our builder and
# in ruamel's, so anything past this is refused with its line and column.
MAX_DEPTH = 64

_STR = "tag:yaml.org,2002:str"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"
_SCALAR, _SEQUENCE = yaml.ScalarNode, yaml.SequenceNode

_BaseLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # pure Python if no libyaml


@dataclass(eq=False)  # not frozen: Python sets __traceback__ on exceptions it propagates
class YamlProblem(Exception):
    """A file that cannot be parsed as cqctrack YAML; line and column are 1-based."""

    code: str
    message: str
    hint: str | None = None
    line: int | None = None
    column: int | None = None


def _at(mark: Any, code: str, message: str, hint: str | None = None) -> YamlProblem:
    """A problem at a place libyaml marks (0-based line and column)."""
    return YamlProblem(code, message, hint=hint, line=mark.line + 1, column=mark.column + 1)


class _FastLoader(_BaseLoader):  # type: ignore[misc]
    """libyaml's parser and composer with our scalar rules; `_build` makes the values."""

    yaml_implicit_resolvers: ClassVar = TABLE

    # The composer asks these of every node: a million times for 10,000 action files.
    # PyYAML's own versions also look for path resolvers, which this dialect never has;
    # without that, composing takes about a fifth less time.
    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        if kind is _SCALAR:
            if implicit[0]:  # plain: the first character says which rules could match
                for tag, pattern in TABLE.get(value[:1], ()):
                    if pattern.match(value):
                        return tag
            return _STR
        return _SEQ if kind is _SEQUENCE else _MAP

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        pass

    def ascend_resolver(self) -> None:
        pass


# Explicit tags that may appear, and on what: `!!str` on any scalar, and a
# standard tag only where it agrees with the value (`!!int 12`, never `!!int abc`),
# so both parsers build the same value and neither can fail converting it.
_SCALAR_TAGS = {
    _STR: None,
    **{tag: pattern for tag, pattern, _ in SCALAR_RULES},
}
_COLLECTION_TAGS = {
    _MAP: "MappingStartEvent",
    _SEQ: "SequenceStartEvent",
}
_TAG_WORDS = {
    BOOL_TAG: "true or false",
    INT_TAG: "a whole number",
    FLOAT_TAG: "a decimal number",
    NULL_TAG: "empty (null)",
}


_CONFLICT_MARKER = re.compile(r"^(?:<{7}(?: |$)|={7}$|>{7}(?: |$))", re.M)


def conflict_marker(text: str) -> int | None:
    """The 1-based line of git's first conflict marker (<<<<<<<, =======, >>>>>>>), or None."""
    found = _CONFLICT_MARKER.search(text)
    return text.count("\n", 0, found.start()) + 1 if found else None


def decode(data: bytes) -> str:
    """Bytes to text, refusing anything but UTF-8 (a BOM is allowed)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise YamlProblem(
            "file-encoding",
            "the file is not UTF-8 text",
            hint="save it as UTF-8 (most editors offer this under 'Save with encoding')",
            line=line,
        ) from None
    return text


def check_size(size: int) -> None:
    """Refuse a file over MAX_BYTES before reading or parsing it."""
    if size > MAX_BYTES:
        raise YamlProblem(
            "file-too-large",
            f"the file is {size:,} bytes; the limit is {MAX_BYTES:,}",
            hint="split long logs or move long text into an evidence document",
        )


def _tag_problem(tag: str, mark: Any) -> YamlProblem:
    return _at(
        mark,
        "yaml-tag",
        f"YAML tags are not allowed (found '{tag}')",
        hint="remove the tag; quote the value if it should be text",
    )


def parse(data: bytes) -> Any:
    """Parse one file's bytes with the fast loader, or raise `YamlProblem`."""
    return parse_noting(data)[0]


def parse_noting(data: bytes, quick_read: bool = True) -> tuple[Any, list[YamlProblem]]:
    """Parse as `parse` does; also the problems that do not stop the file being read
    (values other YAML tools read differently, see OTHER_NUMBER), in file order.
    `quick_read=False`: libyaml alone (the tests hold the quick reader to it)."""
    check_size(len(data))
    text = decode(data)
    if "&" in text or "*" in text or "!" in text:
        _refuse_anchors_and_tags(text)  # rare: only files that could hold them pay
    if "\t" in text:
        _refuse_tabs_in_plain_values(text)
    plain = quick.read(text) if quick_read else None  # most files: read at twice the speed
    if plain is not None:
        return plain, []
    try:
        node = yaml.compose(text, Loader=_FastLoader)
    except yaml.MarkedYAMLError as err:
        raise _from_marked(err, text) from None
    except yaml.YAMLError as err:
        raise _from_other(err, text) from None
    except RecursionError:  # libyaml composes in C, but never count on it
        raise _too_deep(text) from None
    notes: list[YamlProblem] = []
    return (None if node is None else _build(node, 0, notes)), notes


def _too_deep(text: str) -> YamlProblem:
    """Where the nesting first passes MAX_DEPTH, found from the event stream (no recursion)."""
    depth = 0
    line = column = None
    try:
        for event in yaml.parse(text, Loader=_FastLoader):
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                mark: Any = event.start_mark
                if depth > MAX_DEPTH:
                    line, column = mark.line + 1, mark.column + 1
                    break
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError:
        pass
    return _nesting(line, column)


def _nesting(line: int | None, column: int | None) -> YamlProblem:
    return YamlProblem(
        "yaml-nesting",
        f"values are nested more than {MAX_DEPTH} levels deep",
        hint="tracker files are shallow lists and mappings; check the indentation and brackets",
        line=line,
        column=column,
    )


def _build(node: Any, depth: int, notes: list[YamlProblem]) -> Any:
    """Plain Python values from a composed node tree.

    libyaml composes the nodes in C; walking them here, rather than through
    PyYAML's general constructor, reads our plain data about 40% faster. Only the
    scalar types in SCALAR_RULES exist, so nothing else needs constructing.
    Explicit tags were checked against their values before composing
    (`_refuse_anchors_and_tags`), so every conversion here succeeds.
    """
    kind = node.__class__
    if kind is _SCALAR:
        tag = node.tag
        if tag == _STR:
            value = node.value
            if (
                not node.style  # plain: libyaml says '', the pure parser None
                and value
                and value[0] in NUMBER_START
                and OTHER_NUMBER.match(value)
            ):
                notes.append(_number_as_text(value, node.start_mark))
            return value
        convert = VALUE_OF.get(tag)
        if convert is None:
            raise _tag_problem(tag, node.start_mark)
        if tag in NUMBER_TAGS and len(node.value) > MAX_DIGITS:
            raise _long_number(node.value, node.start_mark)
        return convert(node.value)
    if depth >= MAX_DEPTH:
        mark = node.start_mark
        raise _nesting(mark.line + 1, mark.column + 1)
    depth += 1
    if kind is _SEQUENCE:
        return [_build(item, depth, notes) for item in node.value]
    mapping: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = _build(key_node, depth, notes)
        try:
            duplicate = key in mapping
        except TypeError:
            raise _at(
                key_node.start_mark, "yaml-syntax", "a mapping key must be plain text"
            ) from None
        if duplicate:
            raise _duplicate_key(node, key, key_node, depth)
        mapping[key] = _build(value_node, depth, notes)
    return mapping


def _duplicate_key(node: Any, key: Any, again: Any, depth: int) -> YamlProblem:
    """The problem of a key given twice in `node`: where it is again, and where it came
    first (looked for only now: the usual file never pays for keeping every key's line)."""
    first = next(k for k, _ in node.value if _build(k, depth, []) == key)
    return _at(
        again.start_mark,
        "yaml-duplicate-key",
        f"duplicate key '{key}' (first at line {first.start_mark.line + 1})",
        hint="keep one of them; YAML would silently use the last one",
    )


def _number_as_text(value: str, mark: Any) -> YamlProblem:
    shown = value if len(value) <= 40 else value[:37] + "..."
    return _at(
        mark,
        "yaml-ambiguous-number",
        f"{shown} is text to cqctrack but a number to editors and other YAML tools",
        hint=f"put it in quotes ('{shown}') if it is text; write a number as a plain decimal "
        "(such as 777 or 0.5)",
    )


def _long_number(value: str, mark: Any) -> YamlProblem:
    return _at(
        mark,
        "yaml-number",
        f"a number of {len(value):,} characters is too long (at most {MAX_DIGITS})",
        hint="put the value in quotes if it is text",
    )


def _from_marked(err: yaml.MarkedYAMLError, text: str) -> YamlProblem:
    mark = err.problem_mark or err.context_mark
    message = err.problem or "invalid YAML"
    if err.context:
        message = f"{message} ({err.context})"
    hint = None
    if mark is not None and _char_at(text, mark.line, mark.column) == "\t":
        message = "a tab character where YAML expects spaces"
        hint = "indent with spaces, not tabs"
    elif "mapping values are not allowed" in message:
        hint = "put text containing ': ' in quotes, or check the indentation of this line"
    elif "could not find expected ':'" in message:
        hint = "each line of a mapping needs 'key: value'; check the line above too"
    elif "end of stream" in message and "quoted" in message:
        hint = "a quoted value is missing its closing quote"
    return YamlProblem(
        "yaml-syntax",
        message,
        hint=hint,
        line=mark.line + 1 if mark else None,
        column=mark.column + 1 if mark else None,
    )


def _char_at(text: str, line: int, column: int) -> str:
    lines = text.split("\n")
    if 0 <= line < len(lines) and 0 <= column < len(lines[line]):
        return lines[line][column]
    return ""


def _refuse_anchors_and_tags(text: str) -> None:
    try:
        for event in yaml.parse(text, Loader=_FastLoader):
            anchor = getattr(event, "anchor", None)
            if isinstance(event, yaml.AliasEvent) or anchor:
                mark = event.start_mark
                raise YamlProblem(
                    "yaml-alias",
                    f"YAML anchors and aliases are not allowed (found '{anchor}')",
                    hint="write the value out in full; tracker files are plain data",
                    line=mark.line + 1 if mark else None,
                    column=mark.column + 1 if mark else None,
                )
            tag = getattr(event, "tag", None)
            if tag:
                _check_tag(event, tag)
    except yaml.MarkedYAMLError as err:
        raise _from_marked(err, text) from None
    except yaml.YAMLError as err:
        raise _from_other(err, text) from None
    except RecursionError:
        raise _too_deep(text) from None


def _refuse_tabs_in_plain_values(text: str) -> None:
    """A tab inside an unquoted value: libyaml keeps it, ruamel (the editor) cannot read it.

    Pasting from Word or Excel leaves these; quoted, the same text is fine everywhere.
    """
    try:
        for token in yaml.scan(text, Loader=_FastLoader):
            if isinstance(token, yaml.ScalarToken) and token.plain and "\t" in token.value:
                mark: Any = token.start_mark
                offset = text.index("\t", mark.index)
                line = text.count("\n", 0, offset) + 1
                column = offset - (text.rfind("\n", 0, offset) + 1) + 1
                raise YamlProblem(
                    "yaml-syntax",
                    "a tab inside an unquoted value (often left by pasting from Word or Excel)",
                    hint="replace the tab with a space, or put the whole value in quotes",
                    line=line,
                    column=column,
                )
    except yaml.MarkedYAMLError as err:
        raise _from_marked(err, text) from None
    except yaml.YAMLError as err:
        raise _from_other(err, text) from None


def _from_other(err: yaml.YAMLError, text: str) -> YamlProblem:
    """A YAML error without a mark (libyaml's reader): its position as line and column."""
    position = getattr(err, "position", None)
    if not isinstance(position, int):
        return YamlProblem("yaml-syntax", str(err).split("\n")[0], line=1)
    line = text.count("\n", 0, position) + 1
    column = position - (text.rfind("\n", 0, position) + 1) + 1
    reason = getattr(err, "reason", None) or "a character YAML does not allow"
    character = getattr(err, "character", None)
    shown = f" (U+{ord(character):04X})" if isinstance(character, str) and character else ""
    return YamlProblem(
        "yaml-syntax",
        f"{reason}{shown}",
        hint="remove the character; write it as an escape inside double quotes if it is needed",
        line=line,
        column=column,
    )


def _check_tag(event: Any, tag: str) -> None:
    if isinstance(event, yaml.ScalarEvent):
        if tag not in _SCALAR_TAGS:
            raise _tag_problem(tag, event.start_mark)
        pattern = _SCALAR_TAGS[tag]
        if pattern is None and any(rule.match(event.value) for _, rule, _ in SCALAR_RULES):
            raise _at(
                event.start_mark,
                "yaml-tag",
                f"'{event.value[:40]}' is tagged !!str; write it in quotes instead",
                hint="quotes make a value text in every YAML reader; the tag does not",
            )
        if pattern is not None and not pattern.match(event.value):
            shown = event.value if len(event.value) <= 40 else event.value[:37] + "..."
            raise _at(
                event.start_mark,
                "yaml-tag",
                f"'{shown}' is tagged {tag.replace('tag:yaml.org,2002:', '!!')} "
                f"but is not {_TAG_WORDS[tag]}",
                hint="remove the tag; quote the value if it should be text",
            )
    elif _COLLECTION_TAGS.get(tag) != event.__class__.__name__:
        raise _tag_problem(tag, event.start_mark)


def compose(text: str) -> Any:
    """The node tree libyaml composes of `text` with the dialect's scalar rules (None for
    an empty file); yaml's own errors propagate. For finding where things are
    (`format.places`), not for reading values: that is `parse`."""
    return yaml.compose(text, Loader=_FastLoader)


# --- round trip (writes) ------------------------------------------------------------


def round_trip() -> YAML:
    """A ruamel.yaml round-trip parser/emitter using the same scalar rules as reads.

    The layout settings make our own files re-emit byte for byte: two-space
    mappings, block sequences indented by two with the dash inside, quotes kept as
    written and no line folding.
    """
    from ruamel.yaml import YAML
    from ruamel.yaml.resolver import VersionedResolver

    class _Resolver(VersionedResolver):
        @property
        def versioned_resolver(self) -> Any:  # the same table whatever %YAML says
            return TABLE

    rt = YAML(typ="rt")
    rt.Resolver = _Resolver
    rt.Representer = _representer()
    rt.indent(mapping=2, sequence=4, offset=2)
    rt.preserve_quotes = True
    rt.width = 4096
    rt.allow_duplicate_keys = False
    return rt


@functools.cache
def _representer() -> Any:
    """ruamel's round-trip representer, quoting text that other YAML tools would read as a
    number (`0777`, `1e3`): what cqctrack writes, every tool reads alike."""
    from ruamel.yaml.representer import RoundTripRepresenter

    class _Representer(RoundTripRepresenter):
        def represent_str(self, data: str) -> Any:
            if reads_as_number_elsewhere(data):
                return self.represent_scalar("tag:yaml.org,2002:str", data, style="'")
            return super().represent_str(data)

    _Representer.add_representer(str, _Representer.represent_str)
    return _Representer


def load_round_trip(text: str) -> Any:
    return round_trip().load(text)


def dump_round_trip(document: Any) -> str:
    out = io.StringIO()
    round_trip().dump(document, out)
    return out.getvalue()
