"""Editing a file the way its author wrote it: one parse for edits, and a diff of the entry.

A write changes a few keys of one file. ruamel.yaml's round-trip parser keeps
comments, key order and quoting, but re-emitting a whole file in ruamel's own
layout silently rewrites what it does not model: CRLF line endings, a byte-order
mark, a `...` end marker, sequences indented the yamllint/Prettier way, aligned
spacing, tabs before comments. So an edit is written as a *patch*:

1. the file is decoded and its conventions noted (`Layout`): BOM, each line's
   ending, the final newline;
2. ruamel loads a copy in which tabs that are not part of any value (before a
   comment, after a value) are spaces, because ruamel refuses tabs that libyaml,
   and so `check`, accepts; the data it reads must equal what the fast parser
   reads, or the file is refused with the line where they differ;
3. the indentation that makes ruamel re-emit the file most faithfully is chosen
   from the styles people use (`STYLES`);
4. ruamel emits the document before the edit (the baseline) and after it; the
   lines that differ between those two are applied to the *original* lines, at
   the places the baseline lines correspond to. Everything else is the file's own
   text, byte for byte;
5. the result is parsed again and must mean exactly the edited data; if the
   patch cannot be placed unambiguously, the whole document is emitted in the
   chosen style instead (still with the file's BOM and line endings).
"""

from __future__ import annotations

import difflib
import io
import itertools
import re
from dataclasses import dataclass
from typing import Any

import yaml

from cqctrack.format import dialect, places

# (mapping, sequence, offset) for ruamel's indent(): ours first (dash inside a
# two-space indent), then dash at the parent's column (Prettier, yamllint's
# `indent-sequences: false`), then four-space styles.
STYLES: tuple[tuple[int, int, int], ...] = ((2, 4, 2), (2, 2, 0), (4, 4, 2), (4, 6, 4), (4, 4, 0))

_SPLIT = re.compile(r"(\s+)")


@dataclass(frozen=True, slots=True)
class Line:
    text: str  # without its line ending
    end: str  # "\n", "\r\n", "\r" or "" (the last line, without a final newline)


@dataclass
class Editable:
    """One file loaded for editing: its own lines, the ruamel document, and the baseline."""

    bom: bool
    lines: list[Line]
    newline: str  # the ending most lines use, for lines the edit adds
    data: Any  # the ruamel CommentedMap that edits change
    style: tuple[int, int, int]
    baseline: list[str]  # ruamel's emission of the unedited document

    def render(self) -> bytes:
        """The file's bytes after the edit: the original with just the changed lines replaced."""
        edited = _emit(self.data, self.style)
        wanted = _plain(self.data)
        patched = _patch(self, _split(edited))
        for text in (patched, None):
            if text is None:
                text = self._whole(edited)
            try:
                if dialect.parse(text.encode("utf-8")) == wanted:
                    return (("\ufeff" if self.bom else "") + text).encode("utf-8")
            except dialect.YamlProblem:
                continue
        raise dialect.YamlProblem(
            "yaml-syntax", "the edit could not be written without changing other values"
        )

    def _whole(self, edited: str) -> str:
        out = self.newline.join(_split(edited))
        return out + (self.newline if not self.lines or self.lines[-1].end else "")


def open_text(data: bytes) -> Editable:
    """Load a file's bytes for editing, or raise `dialect.YamlProblem` with line and column."""
    dialect.check_size(len(data))
    plain = dialect.parse(data)  # every refusal `check` makes, first
    text = dialect.decode(data)
    bom = data.startswith(b"\xef\xbb\xbf")
    lines = _lines(text)
    endings = [line.end for line in lines if line.end]
    newline = max(set(endings), key=endings.count) if endings else "\n"
    source = "\n".join(line.text for line in lines) + ("\n" if lines and lines[-1].end else "")
    source = _untab(source)
    try:
        document = dialect.load_round_trip(source)
    except RecursionError:
        raise dialect.YamlProblem(
            "yaml-nesting", "values are nested too deeply for cqctrack to edit"
        ) from None
    except Exception as err:  # ruamel raises many kinds; each means it cannot load the file
        raise _ruamel_problem(err) from None
    if _plain(document) != plain:
        line = _first_difference(source, plain, _plain(document))
        raise dialect.YamlProblem(
            "yaml-ambiguous",
            "cqctrack's two YAML readers read this file differently, so it cannot be edited safely",
            hint="simplify the YAML near this line (quote the value, or write it on one line)",
            line=line,
        )
    original = [line.text for line in lines]
    best: tuple[int, tuple[int, int, int], list[str]] | None = None
    detected = _detect_style(original)
    for style in ([detected] if detected else []) + [s for s in STYLES if s != detected]:
        emitted = _split(_emit(document, style))
        same = _matching(emitted, original)
        if best is None or same > best[0]:
            best = (same, style, emitted)
        if same >= len(original):
            break
    assert best is not None
    return Editable(bom, lines, newline, document, best[1], best[2])


_KEY = re.compile(r"^( *)[^\s#-][^:]*:\s*(?:#.*)?$")
_DASH = re.compile(r"^( *)-( +)\S")


def _detect_style(lines: list[str]) -> tuple[int, int, int] | None:
    """The (mapping, sequence, offset) indentation the file itself uses, where it shows."""
    mapping = sequence = offset = None
    for above, line in itertools.pairwise(lines):
        key = _KEY.match(above)
        if key is None:
            continue
        parent = len(key.group(1))
        dash = _DASH.match(line)
        if dash and sequence is None:
            offset = len(dash.group(1)) - parent
            sequence = offset + 1 + len(dash.group(2))
        elif not dash and mapping is None:
            child = len(line) - len(line.lstrip(" "))
            if child > parent and line.strip() and not line.lstrip().startswith("#"):
                mapping = child - parent
    if sequence is None or offset is None or offset < 0:
        return None
    return (mapping or (2 if sequence - offset <= 2 else sequence - offset), sequence, offset)


_LINE = re.compile(r"([^\r\n]*)(\r\n|\r|\n|)")


def _lines(text: str) -> list[Line]:
    # Lines end only at CR, LF or CRLF: str.splitlines also breaks at U+2028, U+0085 and
    # form feeds, which would make a line of the file two lines of the patch (the loader's
    # fuzz target found a title holding U+2028 rewritten with a new line after it).
    out = []
    pos = 0
    while pos < len(text):
        found = _LINE.match(text, pos)
        assert found is not None  # the pattern matches at every position
        out.append(Line(found.group(1), found.group(2)))
        pos = found.end()
    return out


def _untab(text: str) -> str:
    """Tabs outside every value (before comments, after values) as spaces, for ruamel."""
    if "\t" not in text:
        return text
    inside = bytearray(len(text) + 1)
    try:
        for token in yaml.scan(text, Loader=dialect._FastLoader):
            if isinstance(token, yaml.ScalarToken):
                start, end = token.start_mark.index, token.end_mark.index
                inside[start:end] = b"\1" * (end - start)
    except yaml.YAMLError:
        return text
    return "".join(" " if c == "\t" and not inside[i] else c for i, c in enumerate(text))


def _emit(document: Any, style: tuple[int, int, int]) -> str:
    rt = dialect.round_trip()
    rt.indent(mapping=style[0], sequence=style[1], offset=style[2])
    out = io.StringIO()
    rt.dump(document, out)
    return out.getvalue()


def _split(text: str) -> list[str]:
    """ruamel's output as lines (it always ends with a newline)."""
    return text.removesuffix("\n").split("\n") if text else []


def _matching(a: list[str], b: list[str]) -> int:
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    return sum(block.size for block in matcher.get_matching_blocks())


def _patch(ed: Editable, edited: list[str]) -> str | None:
    """The original lines with the baseline-to-edited changes applied, or None if ambiguous."""
    base, original = ed.baseline, [line.text for line in ed.lines]
    where = _boundaries(base, original)
    out: list[Line] = []
    cursor = 0
    changes = difflib.SequenceMatcher(None, base, edited, autojunk=False).get_opcodes()
    for tag, i1, i2, j1, j2 in changes:
        if tag == "equal":
            continue
        start, stop = where[i1], where[i2]
        if start is None or stop is None or start < cursor or stop < start:
            return None
        out.extend(ed.lines[cursor:start])
        new = edited[j1:j2]
        if tag == "replace" and i2 - i1 == j2 - j1 == stop - start:
            new = [_keep_spacing(original[start + k], base[i1 + k], n) for k, n in enumerate(new)]
        for k, text in enumerate(new):
            out.append(Line(text, ed.lines[start + k].end if start + k < stop else ed.newline))
        cursor = stop
    out.extend(ed.lines[cursor:])
    final = ed.lines[-1].end if ed.lines else ed.newline
    fixed = [Line(line.text, line.end or ed.newline) for line in out[:-1]]
    if out:
        fixed.append(Line(out[-1].text, final if final else ""))
    return "".join(line.text + line.end for line in fixed)


def _boundaries(base: list[str], original: list[str]) -> list[int | None]:
    """For each position between baseline lines, the position between original lines.

    Equal runs map exactly; inside a replaced run of the same length lines map one
    to one; elsewhere the position is unknown (None) and a patch there gives up.
    A position at the end of an equal run maps to the end of that run, so lines
    added after it go before any lines only the original has (such as `...`).
    """
    where: list[int | None] = [None] * (len(base) + 1)
    matcher = difflib.SequenceMatcher(None, base, original, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal" or (tag == "replace" and i2 - i1 == j2 - j1):
            for k in range(i2 - i1 + 1):
                if where[i1 + k] is None or k > 0:
                    where[i1 + k] = j1 + k
        else:
            if where[i1] is None:
                where[i1] = j1
            if where[i2] is None:
                where[i2] = j2
    return where


def _keep_spacing(original: str, base: str, new: str) -> str:
    """`new`, with the spacing of `original` where the baseline only re-spaced it.

    An aligned `status:    open   # note` stays aligned when it becomes `closed`.
    """
    o_parts, b_parts, n_parts = _SPLIT.split(original), _SPLIT.split(base), _SPLIT.split(new)
    if o_parts[0::2] != b_parts[0::2] or len(n_parts) != len(b_parts):
        return new
    out = []
    shift = 0
    for k, part in enumerate(n_parts):
        if k % 2 == 0:
            out.append(part)
            shift += len(part) - len(o_parts[k])
            continue
        space = o_parts[k]
        if shift and "\t" not in space and len(space) - shift >= 1 and len(space) > 1:
            space = " " * (len(space) - shift)
            shift = 0
        out.append(space)
    return "".join(out)


def _plain(value: Any) -> Any:
    """ruamel's round-trip values as the plain values the fast parser builds."""
    if isinstance(value, dict):
        return {_plain(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, str):
        return str(value)
    return value


def _ruamel_problem(err: Exception) -> dialect.YamlProblem:
    mark = getattr(err, "problem_mark", None) or getattr(err, "context_mark", None)
    problem = getattr(err, "problem", None) or str(err).split("\n")[0] or type(err).__name__
    return dialect.YamlProblem(
        "yaml-ambiguous",
        f"cqctrack cannot edit this file: {problem}",
        hint="simplify the YAML near this line; `cqctrack check` reads it, but the editor cannot",
        line=mark.line + 1 if mark is not None else None,
        column=mark.column + 1 if mark is not None else None,
    )


def _first_difference(source: str, fast: Any, slow: Any) -> int | None:
    path = _diff_path(fast, slow, ())
    found = places.locate(source, path) if path is not None else None
    return found[0] if found else None


def _diff_path(a: Any, b: Any, loc: tuple[str | int, ...]) -> tuple[str | int, ...] | None:
    if type(a) is not type(b):
        return loc
    if isinstance(a, dict):
        for key in a:
            if key not in b:
                return loc
            found = _diff_path(a[key], b[key], (*loc, key))
            if found is not None:
                return found
        return loc if len(a) != len(b) else None
    if isinstance(a, list):
        for i, (x, y) in enumerate(zip(a, b, strict=False)):
            found = _diff_path(x, y, (*loc, i))
            if found is not None:
                return found
        return loc if len(a) != len(b) else None
    return None if a == b else loc


def editable_problem(data: bytes) -> dialect.YamlProblem | None:
    """Why a file `check` accepts could not be edited, or None (the differential's one answer)."""
    try:
        open_text(data)
    except dialect.YamlProblem as problem:
        return problem
    return None
