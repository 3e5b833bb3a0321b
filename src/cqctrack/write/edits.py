"""Small, careful edits to round-trip YAML documents.

Values are set in place (so a comment after the value stays), new keys go where
the file format puts them (after the nearest key that comes before them), and
new log entries are appended as fresh mappings with short lists in flow style,
matching how the example trackers are written.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import CommentMark
from ruamel.yaml.tokens import CommentToken

from cqctrack.format import dialect, schema

# Lists of ids and kinds are written inline: `satisfies: [R1]`, `kinds: [audit]`.
FLOW_LISTS = frozenset(
    {
        "satisfies",
        "kinds",
        "statements",
        "regulations",
        "emails",
        "attendees",
        "reviewed",
        "staff_refs",
    }
)


def key_order(model: type[BaseModel]) -> list[str]:
    return [field.alias or name for name, field in model.model_fields.items()]


def plain_value(value: Any) -> Any:
    """Python values as YAML-ready values: dates as ISO text, enums as their text."""
    if isinstance(value, date):
        return value.isoformat()
    if hasattr(value, "value") and isinstance(value.value, str):  # StrEnum
        return value.value
    return value


def to_node(value: Any, key: str | None = None) -> Any:
    """Build fresh round-trip nodes (never shared, so ruamel never writes anchors)."""
    if isinstance(value, dict):
        node = CommentedMap()
        for k, v in value.items():
            if v is not None:
                node[k] = to_node(v, k)
        return node
    if isinstance(value, list | tuple):
        seq = CommentedSeq([to_node(v) for v in value])
        if key in FLOW_LISTS:
            seq.fa.set_flow_style()
        return seq
    return plain_value(value)


def set_value(data: CommentedMap, key: str, value: Any, order: list[str]) -> None:
    node = to_node(value, key)
    if key in data:
        data[key] = node
        return
    data.insert(_position(data, key, order), key, node)


def remove_key(data: CommentedMap, key: str) -> None:
    if key in data:
        del data[key]


def append_entry(data: CommentedMap, key: str, entry: dict[str, Any], order: list[str]) -> None:
    """Append `entry` to the log `key`, creating the log where the format puts it."""
    node = to_node(entry)
    current = data.get(key)
    if isinstance(current, CommentedSeq):
        if current.fa.flow_style():
            current.fa.set_block_style()
        before = _last_slot(current)
        current.append(node)
        _move_trailing(before, _last_slot(current))
        return
    seq = CommentedSeq([node])
    if key in data:
        data[key] = seq
    else:
        data.insert(_position(data, key, order), key, seq)


def add_item(mapping: CommentedMap, key: str, value: Any) -> None:
    """Add `key: value` at the end of a mapping (a person to `people`), keeping any blank
    lines and comments that followed the last item after the new one, where they were."""
    before = _last_slot(mapping)
    mapping[key] = to_node(value, key)
    _move_trailing(before, _last_slot(mapping))


_Slot = tuple[Any, Any, int]  # (container, key or index, position of its comment token)


def _last_slot(node: Any) -> _Slot | None:
    """Where the comment after the last scalar of a block node is kept."""
    if isinstance(node, CommentedMap) and node:
        key = list(node)[-1]
        child, position = node[key], 2
    elif isinstance(node, CommentedSeq) and node:
        key = len(node) - 1
        child, position = node[key], 0
    else:
        return None
    if isinstance(child, CommentedMap | CommentedSeq) and child and not child.fa.flow_style():
        return _last_slot(child)
    return node, key, position


def _move_trailing(before: _Slot | None, after: _Slot | None) -> None:
    """Move what follows the end of the line of `before` (blank lines, comments about the
    next section) to after `after`: ruamel keeps them with the item they follow."""
    if before is None or after is None or (before[0] is after[0] and before[1] == after[1]):
        return
    container, key, position = before
    slot = container.ca.items.get(key)
    token = slot[position] if slot and len(slot) > position else None
    if not isinstance(token, CommentToken) or "\n" not in token.value:
        return
    line, newline, rest = token.value.partition("\n")
    if not rest:
        return
    token.value = line + newline
    target, target_key, target_position = after
    new_slot: list[Any] = [None, None, None, None]
    new_slot[target_position] = CommentToken("\n" + rest, CommentMark(0), None)
    target.ca.items[target_key] = new_slot


def _position(data: CommentedMap, key: str, order: list[str]) -> int:
    if key not in order:
        return len(data)
    rank = order.index(key)
    position = 0
    for index, existing in enumerate(data):
        if existing in order and order.index(existing) < rank:
            position = index + 1
    return position


def new_file_text(kind: str, depth: int, fields: dict[str, Any]) -> str:
    """The text of a new file: the editor schema modeline, then the fields in order."""
    body = dialect.dump_round_trip(to_node(fields))
    return schema.modeline(kind, depth) + "\n" + body
