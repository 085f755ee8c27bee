"""A sparkline as inline SVG, drawn on the server: no script, readable without colour."""

from __future__ import annotations

from markupsafe import Markup

WIDTH, HEIGHT, PAD = 480, 80, 4


def sparkline(values: list[int], title: str, description: str) -> Markup:
    """An SVG polyline of ``values`` (oldest first) scaled to the largest, with a title and a
    description for screen readers (role="img"). An empty or all-zero series is a flat line."""
    top = max(values, default=0) or 1
    step = (WIDTH - 2 * PAD) / max(len(values) - 1, 1)
    points = " ".join(
        f"{PAD + i * step:.1f},{HEIGHT - PAD - (v / top) * (HEIGHT - 2 * PAD):.1f}"
        for i, v in enumerate(values)
    )
    return Markup(
        '<svg class="spark" role="img" aria-labelledby="spark-t spark-d" viewBox="0 0 {w} {h}"'
        ' width="{w}" height="{h}" xmlns="http://www.w3.org/2000/svg">'
        '<title id="spark-t">{title}</title><desc id="spark-d">{desc}</desc>'
        '<line x1="{p}" y1="{base}" x2="{end}" y2="{base}" stroke="#767676" stroke-width="1"/>'
        '<polyline fill="none" stroke="#0b4f9c" stroke-width="2" points="{points}"/></svg>'
    ).format(
        w=WIDTH,
        h=HEIGHT,
        p=PAD,
        end=WIDTH - PAD,
        base=HEIGHT - PAD,
        title=title,
        desc=description,
        points=points,
    )
