"""Server-side SVG charts for the money pages: no script, labels on the data, not only colour.

Each chart is an ``<svg role="img">`` with its title and a one-line description; the page
puts a data table with the same figures under it. Lines differ by colour, dash and marker;
every line and bar carries its own label, so a grey print or a colour-blind reader loses
nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from markupsafe import Markup

WIDTH, HEIGHT = 860, 340
LEFT, TOP, BOTTOM = 70, 24, 62
# A white outline under a label keeps it readable where it crosses a line.
HALO = {"stroke": "#fff", "stroke_width": "3", "paint_order": "stroke"}
LINE_RIGHT, BAR_RIGHT = 250, 120  # room for the end labels (English kind names are long)
# (colour, dash, marker) per series: Okabe–Ito colours, readable by colour-blind readers.
STYLES = (
    ("#0072b2", "", "circle"),
    ("#d55e00", "8 4", "square"),
    ("#009e73", "2 3", "triangle"),
    ("#cc79a7", "10 3 2 3", "diamond"),
    ("#e69f00", "4 4", "circle"),
    ("#56b4e9", "1 2", "square"),
    ("#000000", "12 4", "triangle"),
    ("#999999", "6 2 1 2", "diamond"),
)


@dataclass(frozen=True)
class Series:
    label: str
    values: list[int | None]


def _ceiling(top: float) -> tuple[float, float]:
    """A round axis maximum ≥ ``top`` and its tick step (1, 2 or 5 × 10ⁿ, about 5 ticks)."""
    if top <= 0:
        return 5.0, 1.0
    step = 1.0
    while step * 5 < top:
        step *= 2 if str(int(step))[0] in ("1", "5") else 2.5
    return step * -(-top // step), step


def _text(x: float, y: float, words: str, anchor: str = "middle", **attrs: object) -> str:
    extra = "".join(f' {k.replace("_", "-")}="{v}"' for k, v in attrs.items())
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}"{extra}>{escape(words)}</text>'


def _marker(shape: str, x: float, y: float, colour: str) -> str:
    if shape == "circle":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}"/>'
    if shape == "square":
        return f'<rect x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" fill="{colour}"/>'
    if shape == "triangle":
        return f'<path d="M{x:.1f} {y - 5:.1f}l5 9h-10z" fill="{colour}"/>'
    return f'<path d="M{x:.1f} {y - 5:.1f}l5 5-5 5-5-5z" fill="{colour}"/>'


def _frame(
    title: str, desc: str, y_label: str, x_label: str, body: list[str], chart_id: str, right: int
) -> Markup:
    plot_h = HEIGHT - TOP - BOTTOM
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'class="chart" aria-labelledby="{chart_id}-t {chart_id}-d">'
        f'<title id="{chart_id}-t">{escape(title)}</title>'
        f'<desc id="{chart_id}-d">{escape(desc)}</desc>'
    )
    axes = [
        _text(16, TOP + plot_h / 2, y_label, transform=f"rotate(-90 16 {TOP + plot_h / 2:.0f})"),
        _text(LEFT + (WIDTH - LEFT - right) / 2, HEIGHT - 4, x_label),
    ]
    return Markup(head + "".join(body + axes) + "</svg>")


def _y_axis(top: float, step: float, unit: str, plot_w: float) -> list[str]:
    plot_h = HEIGHT - TOP - BOTTOM
    out = []
    tick = 0.0
    while tick <= top + 1e-9:
        y = TOP + plot_h * (1 - tick / top)
        out.append(
            f'<line x1="{LEFT}" x2="{LEFT + plot_w}" y1="{y:.1f}" y2="{y:.1f}" stroke="#d0d0d0"/>'
        )
        out.append(_text(LEFT - 6, y + 4, f"{tick:,.0f}{unit}", "end", font_size="12"))
        tick += step
    out.append(f'<line x1="{LEFT}" x2="{LEFT}" y1="{TOP}" y2="{TOP + plot_h}" stroke="#333"/>')
    return out


def _x_labels(months: list[str], xs: list[float]) -> list[str]:
    """Each month under its point; a second line (the year) under the first."""
    y = HEIGHT - BOTTOM + 18
    out = []
    for x, label in zip(xs, months, strict=True):
        first, _, second = label.partition("\n")
        out.append(_text(x, y, first, font_size="12"))
        if second:
            out.append(_text(x, y + 15, second, font_size="11", fill="#4a4a4a"))
    return out


def _spread(wanted: list[float], gap: float = 15.0) -> list[float]:
    """Label positions near ``wanted`` but at least ``gap`` apart (end labels never overlap)."""
    order = sorted(range(len(wanted)), key=lambda i: wanted[i])
    placed = list(wanted)
    last = -1e9
    for i in order:
        placed[i] = max(wanted[i], last + gap)
        last = placed[i]
    return placed


def line_chart(
    chart_id: str,
    title: str,
    desc: str,
    months: list[str],
    series: list[Series],
    y_label: str,
    x_label: str,
    unit: str = "",
) -> Markup:
    """One line per series over ``months`` (their display labels), each labelled at its end."""
    plot_w, plot_h = WIDTH - LEFT - LINE_RIGHT, HEIGHT - TOP - BOTTOM
    top, step = _ceiling(max((v or 0 for s in series for v in s.values), default=0))
    xs = [LEFT + plot_w * (i + 0.5) / max(1, len(months)) for i in range(len(months))]
    body = _y_axis(top, step, unit, plot_w) + _x_labels(months, xs)
    ends: list[float] = []
    for s, (colour, dash, shape) in zip(series, STYLES, strict=False):
        points = [
            (x, TOP + plot_h * (1 - (v or 0) / top)) for x, v in zip(xs, s.values, strict=True)
        ]
        path = " ".join(
            f"{'M' if i == 0 else 'L'}{x:.1f} {y:.1f}" for i, (x, y) in enumerate(points)
        )
        dashed = f' stroke-dasharray="{dash}"' if dash else ""
        body.append(f'<path d="{path}" fill="none" stroke="{colour}" stroke-width="2.5"{dashed}/>')
        body += [_marker(shape, x, y, colour) for x, y in points]
        ends.append(points[-1][1])
    for s, y, (colour, _, shape) in zip(series, _spread(ends), STYLES, strict=False):
        x = LEFT + plot_w + 12
        body.append(_marker(shape, x, y, colour))
        body.append(
            _text(x + 9, y + 4, f"{s.label} {s.values[-1] or 0:,}", "start", font_size="12")
        )
    return _frame(title, desc, y_label, x_label, body, chart_id, LINE_RIGHT)


def share_chart(
    chart_id: str,
    title: str,
    desc: str,
    months: list[str],
    rates: list[float | None],
    national: float,
    national_label: str,
    missing: str,
    y_label: str,
    x_label: str,
) -> Markup:
    """Bars of a share in % per month, each with its value (``missing`` where unknown), and
    the national figure as a dashed line labelled on the chart."""
    plot_w, plot_h = WIDTH - LEFT - BAR_RIGHT, HEIGHT - TOP - BOTTOM
    top, step = 100.0, 20.0
    slot = plot_w / max(1, len(months))
    xs = [LEFT + slot * (i + 0.5) for i in range(len(months))]
    body = _y_axis(top, step, "%", plot_w) + _x_labels(months, xs)
    for x, rate in zip(xs, rates, strict=True):
        if rate is None:
            body.append(_text(x, TOP + plot_h - 6, missing, font_size="11", fill="#555"))
            continue
        h = plot_h * rate / top
        y = TOP + plot_h - h
        body.append(
            f'<rect x="{x - slot * 0.32:.1f}" y="{y:.1f}" width="{slot * 0.64:.1f}" '
            f'height="{h:.1f}" fill="#0072b2"/>'
        )
        body.append(_text(x, y - 5, f"{rate:.1f}%", font_size="12", font_weight="bold", **HALO))
    y = TOP + plot_h * (1 - national / top)
    body.append(
        f'<line x1="{LEFT}" x2="{LEFT + plot_w}" y1="{y:.1f}" y2="{y:.1f}" stroke="#d55e00" '
        'stroke-width="2" stroke-dasharray="8 4"/>'
    )
    body.append(_text(LEFT + plot_w + 8, y + 4, national_label, "start", font_size="12"))
    return _frame(title, desc, y_label, x_label, body, chart_id, BAR_RIGHT)


def bar_rows_chart(
    chart_id: str,
    title: str,
    desc: str,
    rows: list[tuple[str, float | None]],
    x_label: str,
    missing: str,
    highlight: int = 0,
) -> Markup:
    """Horizontal bars, one row per (label, yen) with the label left and ¥ value at the bar's
    end; row ``highlight`` (today's scheme) darker. Every bar is named and valued in words,
    so colour is never the only cue."""
    label_w, value_w, row_h = 330, 110, 38
    plot_w = WIDTH - label_w - value_w
    height = TOP + row_h * len(rows) + 50
    top, step = _ceiling(max((v or 0 for _, v in rows), default=0))
    body = []
    tick = 0.0
    while tick <= top + 1e-9:
        x = label_w + plot_w * tick / top
        body.append(
            f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{TOP}" y2="{height - 44}" stroke="#d0d0d0"/>'
        )
        body.append(_text(x, height - 28, f"¥{tick:,.0f}", font_size="12"))
        tick += step
    for i, (label, value) in enumerate(rows):
        y = TOP + row_h * i
        body.append(_text(label_w - 10, y + row_h / 2 + 4, label, "end", font_size="13"))
        if value is None:
            body.append(_text(label_w + 6, y + row_h / 2 + 4, missing, "start", font_size="12"))
            continue
        w = plot_w * value / top
        fill = "#0072b2" if i == highlight else "#56b4e9"
        body.append(
            f'<rect x="{label_w}" y="{y + 7}" width="{w:.1f}" height="{row_h - 14}" '
            f'fill="{fill}" stroke="#0b3d66"/>'
        )
        body.append(
            _text(
                label_w + w + 6,
                y + row_h / 2 + 4,
                f"¥{value:,.0f}",
                "start",
                font_size="13",
                font_weight="bold",
            )
        )
    body.append(_text(label_w + plot_w / 2, height - 6, x_label))
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'class="chart" aria-labelledby="{chart_id}-t {chart_id}-d">'
        f'<title id="{chart_id}-t">{escape(title)}</title>'
        f'<desc id="{chart_id}-d">{escape(desc)}</desc>'
    )
    return Markup(head + "".join(body) + "</svg>")
