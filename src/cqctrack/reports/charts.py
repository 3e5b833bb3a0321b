"""Small SVG charts for the meeting pack, shared by the PDF and the HTML.

Two charts: a measure's readings against its target line, with the sustain window
marked, and the weekly trend of open, overdue and Red actions. They must read
printed in black and white, so series differ by line style and marker shape as
well as colour, and every point that matters is labelled in words. The output is
deterministic (no random ids, fixed number formatting), so a rebuilt pack is byte
for byte the same. Text is escaped; nothing from a tracker file reaches the SVG
unescaped.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

WIDTH, HEIGHT = 520, 190
LEFT, RIGHT, TOP, BOTTOM = 44, 16, 20, 50
FONT = "DejaVu Sans, Arial, sans-serif"
INK = "#222222"
GRID = "#cccccc"


def _n(value: float) -> str:
    """Coordinates with one decimal place, the same on every machine."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _text(
    x: float, y: float, text: str, size: int = 9, anchor: str = "middle", **extra: str
) -> str:
    attrs = "".join(f' {k.replace("_", "-")}="{v}"' for k, v in extra.items())
    return (
        f'<text x="{_n(x)}" y="{_n(y)}" font-size="{size}" text-anchor="{anchor}" '
        f'fill="{INK}"{attrs}>{escape(text)}</text>'
    )


def _svg(body: list[str], title: str, height: int = HEIGHT) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" font-family="{FONT}" role="img">'
        f"<title>{escape(title)}</title>" + "".join(body) + "</svg>"
    )


def _scale(low: float, high: float) -> tuple[float, float, list[float]]:
    """A y range with round ticks covering [low, high]."""
    if high <= low:
        high = low + 1
    span = high - low
    step = next(
        s for s in (1, 2, 5, 10, 20, 25, 50, 100, 200, 500, 1000, 2000, 5000) if span / s <= 5
    )
    bottom = (low // step) * step
    top = -(-high // step) * step
    ticks = []
    tick = bottom
    while tick <= top + 1e-9:
        ticks.append(tick)
        tick += step
    return bottom, top, ticks


def _axes(
    bottom: float, top: float, ticks: list[float], suffix: str
) -> tuple[list[str], Callable[[float], float]]:
    plot_h = HEIGHT - TOP - BOTTOM

    def y_of(value: float) -> float:
        return TOP + plot_h * (1 - (value - bottom) / (top - bottom))

    body = []
    for tick in ticks:
        y = y_of(tick)
        body.append(
            f'<line x1="{LEFT}" y1="{_n(y)}" x2="{WIDTH - RIGHT}" y2="{_n(y)}" '
            f'stroke="{GRID}" stroke-width="0.5"/>'
        )
        body.append(_text(LEFT - 4, y + 3, f"{tick:g}{suffix}", 8, "end"))
    return body, y_of


@dataclass(frozen=True, slots=True)
class Point:
    label: str
    value: float
    met: bool


def measure_chart(
    title: str,
    points: Sequence[Point],
    target: float,
    direction: str,
    unit: str,
    sustain: int,
    sustained: bool,
) -> str:
    """Readings as a line against the target; met readings filled, missed ones hollow."""
    suffix = "%" if unit == "percent" else ""
    values = [p.value for p in points] + [target]
    low, high = min(values), max(values)
    if unit == "percent":
        low, high = max(0.0, min(low, target - 10)), min(100.0, max(high, target + 2))
    bottom, top, ticks = _scale(low, high)
    body, y_of = _axes(bottom, top, ticks, suffix)
    plot_w = WIDTH - LEFT - RIGHT
    n = max(len(points), 1)
    step = plot_w / n

    def x_of(i: int) -> float:
        return LEFT + step * (i + 0.5)

    if points and sustain > 1:  # the window the target must hold for, ending at the latest
        first = max(0, len(points) - sustain)
        x0, x1 = LEFT + step * first, LEFT + step * len(points)
        body.append(
            f'<rect x="{_n(x0)}" y="{TOP}" width="{_n(x1 - x0)}" height="{HEIGHT - TOP - BOTTOM}" '
            'fill="#eeeeee" stroke="#999999" stroke-width="0.5" stroke-dasharray="2 2"/>'
        )
    ty = y_of(target)
    body.append(
        f'<line x1="{LEFT}" y1="{_n(ty)}" x2="{WIDTH - RIGHT}" y2="{_n(ty)}" stroke="{INK}" '
        'stroke-width="1.2" stroke-dasharray="6 3"/>'
    )
    word = "at least" if direction == "at-least" else "at most"
    if len(points) > 1:
        path = " ".join(
            f"{'M' if i == 0 else 'L'}{_n(x_of(i))} {_n(y_of(p.value))}"
            for i, p in enumerate(points)
        )
        body.append(f'<path d="{path}" fill="none" stroke="#1f4e79" stroke-width="1.5"/>')
    for i, p in enumerate(points):
        x, y = x_of(i), y_of(p.value)
        fill = "#1f4e79" if p.met else "#ffffff"
        body.append(
            f'<circle cx="{_n(x)}" cy="{_n(y)}" r="3.5" fill="{fill}" stroke="#1f4e79" '
            'stroke-width="1.5"/>'
        )
        body.append(_text(x, y - 7, f"{p.value:g}{suffix}", 8))
        body.append(_text(x, HEIGHT - BOTTOM + 12, p.label, 8))
    # The key, on two lines below the axis, so it never covers a reading.
    y1, y2 = HEIGHT - 22, HEIGHT - 8
    body.append(
        f'<line x1="{LEFT}" y1="{y1 - 3}" x2="{LEFT + 20}" y2="{y1 - 3}" stroke="{INK}" '
        'stroke-width="1.2" stroke-dasharray="6 3"/>'
    )
    body.append(_text(LEFT + 24, y1, f"target: {word} {target:g}{suffix}", 8, "start"))
    if sustain > 1:
        body.append(
            f'<rect x="{LEFT + 190}" y="{y1 - 8}" width="14" height="9" fill="#eeeeee" '
            'stroke="#999999" stroke-width="0.5" stroke-dasharray="2 2"/>'
        )
        body.append(
            _text(LEFT + 208, y1, f"sustain window: the last {sustain} readings", 8, "start")
        )
    body.append(f'<circle cx="{LEFT + 4}" cy="{y2 - 3}" r="3" fill="#1f4e79"/>')
    body.append(_text(LEFT + 12, y2, "target met", 8, "start"))
    body.append(
        f'<circle cx="{LEFT + 78}" cy="{y2 - 3}" r="3" fill="#ffffff" stroke="#1f4e79" '
        'stroke-width="1.5"/>'
    )
    body.append(_text(LEFT + 86, y2, "not met", 8, "start"))
    state = "sustained" if sustained else "not yet sustained"
    body.append(_text(WIDTH - RIGHT, y2, state, 8, "end", font_weight="bold"))
    return _svg(body, title)


@dataclass(frozen=True, slots=True)
class Week:
    label: str
    open: int
    overdue: int
    red: int


_SERIES = (
    ("open", "Open", "#1f4e79", "", "circle"),
    ("overdue", "Overdue", "#7f3f00", "5 3", "square"),
    ("red", "Red", "#b00020", "1.5 2.5", "triangle"),
)


def _marker(shape: str, x: float, y: float, colour: str) -> str:
    if shape == "circle":
        return f'<circle cx="{_n(x)}" cy="{_n(y)}" r="3" fill="{colour}"/>'
    if shape == "square":
        return f'<rect x="{_n(x - 3)}" y="{_n(y - 3)}" width="6" height="6" fill="{colour}"/>'
    return (
        f'<path d="M{_n(x)} {_n(y - 3.5)} L{_n(x + 3.5)} {_n(y + 3)} L{_n(x - 3.5)} {_n(y + 3)} Z" '
        f'fill="{colour}"/>'
    )


def trend_chart(title: str, weeks: Sequence[Week]) -> str:
    """Open, overdue and Red actions at each week's end, as three lines."""
    values = [getattr(w, key) for w in weeks for key, *_ in _SERIES] or [0]
    bottom, top, ticks = _scale(0, max(values))
    body, y_of = _axes(bottom, top, ticks, "")
    plot_w = WIDTH - LEFT - RIGHT
    n = max(len(weeks), 1)
    step = plot_w / n

    def x_of(i: int) -> float:
        return LEFT + step * (i + 0.5)

    for key, _name, colour, dash, shape in _SERIES:
        ys = [y_of(getattr(w, key)) for w in weeks]
        if len(weeks) > 1:
            path = " ".join(
                f"{'M' if i == 0 else 'L'}{_n(x_of(i))} {_n(y)}" for i, y in enumerate(ys)
            )
            dashes = f' stroke-dasharray="{dash}"' if dash else ""
            body.append(
                f'<path d="{path}" fill="none" stroke="{colour}" stroke-width="1.5"{dashes}/>'
            )
        body += [_marker(shape, x_of(i), y, colour) for i, y in enumerate(ys)]
    every = max(1, -(-len(weeks) // 7))  # at most seven labels along the bottom
    for i, week in enumerate(weeks):
        if i % every == 0 or i == len(weeks) - 1:
            body.append(_text(x_of(i), HEIGHT - BOTTOM + 12, week.label, 8))
    x = float(LEFT)
    for _key, name, colour, dash, shape in _SERIES:
        dashes = f' stroke-dasharray="{dash}"' if dash else ""
        body.append(
            f'<line x1="{_n(x)}" y1="{HEIGHT - 11}" x2="{_n(x + 18)}" y2="{HEIGHT - 11}" '
            f'stroke="{colour}" stroke-width="1.5"{dashes}/>'
        )
        body.append(_marker(shape, x + 9, HEIGHT - 11, colour))
        body.append(_text(x + 22, HEIGHT - 8, name, 8, "start"))
        x += 90
    return _svg(body, title)
