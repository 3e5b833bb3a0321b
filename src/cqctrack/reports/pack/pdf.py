"""The meeting pack as an A4 PDF, typeset with typst (bundled in the `typst` wheel).

The pack's content goes to the typst template as JSON data (`sys.inputs`), never
as markup, so nothing in a tracker file can change the layout. The font ships with
cqctrack (DejaVu Sans, under its own free licence) and system fonts are ignored, so
every machine sets the same pages; the document's date is fixed to the as-of day,
so the same commit and options give the same bytes.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from importlib import resources

from cqctrack.format.pack import Pack
from cqctrack.reports.pack import CHANGE_WORDS, COVERAGE_WORDS, SECTIONS, build_mark, footer
from cqctrack.reports.pack.charts import measure_charts, trend_chart
from cqctrack.wording import date_text


def _data(pack: Pack) -> str:
    """The model plus the words and charts every renderer shares, as one JSON text."""
    dates: dict[str, str] = {}

    def words(value: object) -> object:
        if isinstance(value, dict):
            return {k: words(v) for k, v in value.items()}
        if isinstance(value, list):
            return [words(v) for v in value]
        if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
            try:
                found = datetime.strptime(value, "%Y-%m-%d").date()
            except ValueError:
                return value
            dates[value] = date_text(found)
            return dates[value]
        return value

    payload = words(pack.model_dump(mode="json", by_alias=True))
    assert isinstance(payload, dict)
    payload["mark"] = build_mark(pack.build)
    payload["footer"] = footer(pack)
    payload["titles"] = dict(SECTIONS)
    payload["change_words"] = list(CHANGE_WORDS.items())  # pairs: the dump sorts keys
    payload["coverage_words"] = COVERAGE_WORDS
    payload["charts"] = measure_charts(pack)
    payload["trend_chart"] = trend_chart(pack)
    return json.dumps(payload, ensure_ascii=False, sort_keys=True)


def render(pack: Pack) -> bytes:
    import typst

    base = resources.files("cqctrack")
    template = base.joinpath("reports", "pack", "templates", "pack.typ")
    fonts = base.joinpath("data", "fonts")
    with resources.as_file(template) as source, resources.as_file(fonts) as font_dir:
        stamp = datetime(pack.as_of.year, pack.as_of.month, pack.as_of.day, tzinfo=UTC)
        return typst.compile(
            str(source),
            font_paths=[str(font_dir)],
            ignore_system_fonts=True,
            sys_inputs={"data": _data(pack)},
            timestamp=int(stamp.timestamp()),
        )
