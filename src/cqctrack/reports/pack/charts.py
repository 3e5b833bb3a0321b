"""The pack's charts, drawn once from the model for both the PDF and the HTML."""

from __future__ import annotations

from cqctrack.format.pack import Pack
from cqctrack.reports import charts
from cqctrack.wording import MONTHS


def measure_charts(pack: Pack) -> dict[str, str]:
    return {
        m.measure: charts.measure_chart(
            f"{m.measure} {m.title}",
            [charts.Point(r.label, r.value, r.met) for r in m.readings],
            m.target,
            m.direction,
            m.unit,
            m.sustain,
            m.sustained,
        )
        for m in pack.measures
    }


def trend_chart(pack: Pack) -> str:
    weeks = [
        charts.Week(f"{p.week_end.day} {MONTHS[p.week_end.month - 1]}", p.open, p.overdue, p.red)
        for p in pack.trend.points
    ]
    return charts.trend_chart("Open, overdue and Red actions at each week's end", weeks)
