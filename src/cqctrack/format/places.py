"""Where a field of a tracker file is written: the line and column of a field path.

Used only to report problems (a finding's place in its file), so the node tree is
composed once per file with problems, never for a file that reads cleanly.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import yaml

from cqctrack.format import dialect

if TYPE_CHECKING:
    from cqctrack.findings import Loc


def locate(text: str, loc: Loc) -> tuple[int, int] | None:
    """The 1-based (line, column) of the node at field path `loc`, or of its nearest parent.

    For a missing key this is the mapping that should hold it. Used only when
    reporting problems, so the cost of composing the node tree is paid per file
    with problems, not per file read.
    """
    return Locator(text).find(loc)


class Locator:
    """Every field path of one file located from a single parse (not one parse per problem).

    A file with 4,000 unknown keys once took 77 s to report, composing the whole
    file again for each; here it is composed once and each mapping's keys are
    indexed the first time a path passes through it.
    """

    def __init__(self, text: str) -> None:
        try:
            self.root = dialect.compose(text)
        except (yaml.YAMLError, RecursionError):
            self.root = None
        self._keys: dict[int, dict[Any, tuple[Any, Any]]] = {}

    def find(self, loc: Loc) -> tuple[int, int] | None:
        node = self.root
        if node is None:
            return None
        best = node.start_mark
        for part in loc:
            child = None
            if isinstance(node, yaml.MappingNode) and isinstance(part, str):
                found = self._index(node).get(part)
                if found is not None:
                    best = found[0].start_mark
                    child = found[1]
            elif (
                isinstance(node, yaml.SequenceNode)
                and isinstance(part, int)
                and 0 <= part < len(node.value)
            ):
                child = node.value[part]
                best = child.start_mark
            if child is None:
                break
            node = child
        return best.line + 1, best.column + 1

    def _index(self, node: Any) -> dict[Any, tuple[Any, Any]]:
        index = self._keys.get(id(node))
        if index is None:
            index = {}
            for key_node, value_node in node.value:
                if isinstance(key_node, yaml.ScalarNode):
                    index.setdefault(key_node.value, (key_node, value_node))
            self._keys[id(node)] = index
        return index
