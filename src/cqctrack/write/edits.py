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

from cqctrack.format import dialect, schema

# Lists of ids and kinds are written inline: `satisfies: [R1]`, `kinds: [audit]`.
FLOW_LISTS = frozenset({"satisfies", "kinds", "statements", "regulations", "emails"})


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
        current.append(node)
        return
    seq = CommentedSeq([node])
    if key in data:
        data[key] = seq
    else:
        data.insert(_position(data, key, order), key, seq)


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
