"""The meeting pack as one self-contained HTML file: charts inline as SVG, a print
stylesheet, no external requests, and everything from tracker files escaped
(Jinja2 with autoescape; only the SVG cqctrack draws itself is inserted as markup)."""

from __future__ import annotations

from datetime import date

from cqctrack.format.pack import Pack
from cqctrack.reports.pack import CHANGE_WORDS, COVERAGE_WORDS, SECTIONS, build_mark, footer
from cqctrack.reports.pack.charts import measure_charts, trend_chart
from cqctrack.wording import date_text


def render(pack: Pack) -> str:
    from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
    from markupsafe import Markup

    env = Environment(
        loader=PackageLoader("cqctrack.reports.pack", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["capitalize_first"] = lambda text: text[:1].upper() + text[1:]
    template = env.get_template("pack.html.j2")

    def day(value: date) -> str:
        return date_text(value)

    return template.render(
        pack=pack,
        mark=build_mark(pack.build),
        footer=footer(pack),
        titles=dict(SECTIONS),
        change_words=CHANGE_WORDS,
        coverage_words=COVERAGE_WORDS,
        charts={k: Markup(v) for k, v in measure_charts(pack).items()},
        trend_chart=Markup(trend_chart(pack)),
        day=day,
    )
