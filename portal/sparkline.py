"""A sparkline as inline SVG, drawn on the server: no script, readable without colour."""

from __future__ import annotations

from markupsafe import Markup

WIDTH, HEIGHT, PAD, LEFT, BOTTOM = 560, 110, 8, 56, 24


def sparkline(
    values: list[int], title: str, description: str, labels: tuple[str, str, str, str]
) -> Markup:
    """An SVG polyline of ``values`` (oldest first) scaled to the largest, with a title and a
    description for screen readers (role="img"). ``labels``: the top and zero of the scale
    (e.g. "3件", "0件"), the first and last moment (e.g. "06:27", "07:26"), written beside the
    axes so it reads without help. An empty or all-zero series is a flat line."""
    top = max(values, default=0) or 1
    base = HEIGHT - BOTTOM
    step = (WIDTH - LEFT - PAD) / max(len(values) - 1, 1)
    points = " ".join(
        f"{LEFT + i * step:.1f},{base - (v / top) * (base - PAD):.1f}" for i, v in enumerate(values)
    )
    high, zero, first, last = labels
    return Markup(
        '<svg class="spark" role="img" aria-labelledby="spark-t spark-d" viewBox="0 0 {w} {hh}"'
        ' width="{w}" height="{hh}" xmlns="http://www.w3.org/2000/svg">'
        '<title id="spark-t">{title}</title><desc id="spark-d">{desc}</desc>'
        '<g font-size="13" fill="#1a1a1a" aria-hidden="true">'
        '<text x="{tx}" y="{top_y}" text-anchor="end">{high}</text>'
        '<text x="{tx}" y="{base}" text-anchor="end">{zero}</text>'
        '<text x="{left}" y="{h}" text-anchor="start">{first}</text>'
        '<text x="{end}" y="{h}" text-anchor="end">{last}</text></g>'
        '<line x1="{left}" y1="{p}" x2="{left}" y2="{base}" stroke="#767676" stroke-width="1"/>'
        '<line x1="{left}" y1="{base}" x2="{end}" y2="{base}" stroke="#767676" stroke-width="1"/>'
        '<polyline fill="none" stroke="#0b4f9c" stroke-width="2" points="{points}"/></svg>'
    ).format(
        w=WIDTH,
        hh=HEIGHT,
        h=HEIGHT - 4,
        p=PAD,
        left=LEFT,
        tx=LEFT - 6,
        top_y=PAD + 10,
        end=WIDTH - PAD,
        base=base,
        title=title,
        desc=description,
        points=points,
        high=high,
        zero=zero,
        first=first,
        last=last,
    )
