"""Charts of the cost structure (matplotlib, Agg): each written as PNG and SVG."""

from __future__ import annotations

import statistics
from pathlib import Path
from typing import Any

from billing.reports.cost_structure import (
    BANDS,
    CLASS_LABELS,
    GroupEffect,
    MunicipalityCost,
    Scheme,
)
from billing.reports.csv_files import write_csv

COLOURS = {
    "designated_city_1m": "#1f4e79",
    "designated_city": "#2e75b6",
    "core_city": "#70ad47",
    "city": "#a9d18e",
    "special_ward": "#7030a0",
    "town": "#ed7d31",
    "village": "#c00000",
}


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams["font.family"] = ["IPAexGothic", "DejaVu Sans"]
    plt.rcParams["svg.fonttype"] = "none"
    return plt


def _data(out_dir: Path, stem: str, header: list[str], rows: list[list[object]]) -> Path:
    """What a chart draws, as ``<stem>.csv`` beside it (a reader can check every bar)."""
    return write_csv(out_dir / f"{stem}.csv", header, rows)


def _save(fig: Any, out_dir: Path, stem: str) -> list[Path]:
    """PNG and SVG, cropped to what is drawn (the bounding box is measured once for both)."""
    paths = [out_dir / f"{stem}.png", out_dir / f"{stem}.svg"]
    fig.set_dpi(110)
    box = fig.get_tightbbox(fig.canvas.get_renderer()).padded(0.1)
    for path in paths:
        fig.savefig(path, dpi=110, bbox_inches=box)
    return paths


GAIN, LOSS = "#0072B2", "#D55E00"  # Okabe–Ito blue and vermillion, told apart without colour


def _yen_axis(axis: Any, ticks: int = 6) -> None:
    """A linear yen axis with thousands separators (¥1,000,000, not 1e6; −¥5,000)."""
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    axis.set_major_locator(MaxNLocator(nbins=ticks))
    axis.set_major_formatter(FuncFormatter(lambda v, _p: _signed(v) if v < 0 else f"¥{v:,.0f}"))


def _caption(fig: Any, text: str) -> None:
    fig.text(0.01, -0.02, text, ha="left", va="top", fontsize=7, wrap=True)


def _people_formatter() -> Any:
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(_people)


def _people(value: float, _position: object = None) -> str:
    """Population tick labels as a Japanese reader says them: 1,000 / 1万 / 10万 / 100万."""
    return f"{value / 10_000:,.0f}万" if value >= 10_000 else f"{value:,.0f}"


def _signed(value: float) -> str:
    return f"+¥{value:,.0f}" if value > 0 else f"−¥{-value:,.0f}" if value < 0 else "±¥0"


def gains_and_losses(
    fy: int, effects: list[tuple[Scheme, list[GroupEffect]]], by: str, out_dir: Path, stem: str
) -> list[Path]:
    """Diverging bars: each group's change in yearly contribution under each scheme (yen per
    year; left and blue = pays less, right and vermillion hatched = pays more), with the signed
    amount and the count of municipalities paying less / more written beside each bar."""
    plt = _pyplot()
    from matplotlib.patches import Patch

    panels = max(1, len(effects))
    groups = len(effects[0][1]) if effects else 1
    fig, axes = plt.subplots(
        panels, 1, figsize=(7.2, 0.9 + panels * (0.24 * groups + 0.6)), squeeze=False
    )
    for ax, (scheme, rows) in zip(axes[:, 0], effects, strict=False):
        names = [r.group for r in rows][::-1]
        values = [r.total_change for r in rows][::-1]
        colours = [LOSS if v > 0 else GAIN for v in values]
        bars = ax.barh(names, values, color=colours, height=0.6)
        for bar, v in zip(bars, values, strict=True):
            if v > 0:
                bar.set_hatch("///")
        reach = max([abs(v) for v in values] + [1])
        ax.set_xlim(-reach * 1.15, reach * 1.15)
        for y, r in enumerate(rows[::-1]):
            # The label sits on the free side of the zero line, so it never meets the bar's
            # end or the group names, whatever the bar's length.
            text = f"{_signed(r.total_change)}（負担減{r.gainers}・負担増{r.losers}団体）"
            gain = r.total_change < 0
            ax.text(
                reach * 0.02 if gain else -reach * 0.02,
                y,
                text,
                va="center",
                ha="left" if gain else "right",
                fontsize=6.5,
            )
        ax.axvline(0, color="#333", linewidth=0.8)
        _yen_axis(ax.xaxis, 4)
        ax.tick_params(axis="both", labelsize=7)
        title = f"{scheme.label}" + (f"（{scheme.note}）" if scheme.note else "")
        ax.set_title(title, fontsize=8.5, loc="left")
        ax.grid(True, axis="x", alpha=0.3)
        if not scheme.comparable:
            ax.text(0.5, 0.5, "交付0通のため比較不能", ha="center", transform=ax.transAxes)
    if not effects:
        axes[0][0].text(
            0.5, 0.5, "比較できる負担方式なし", ha="center", transform=axes[0][0].transAxes
        )
    axes[-1][0].set_xlabel("運営負担金の増減（円/年、現行の定額との差）", fontsize=8)
    fig.suptitle(f"{fy}年度 {by}別 負担が減る団体・増える団体", fontsize=10)
    fig.legend(
        handles=[
            Patch(color=GAIN, label="負担減（−、左）"),
            Patch(facecolor=LOSS, hatch="///", label="負担増（＋、右）"),
        ],
        loc="upper right",
        fontsize=7,
    )
    _caption(
        fig,
        f"各棒は{by}ごとの運営負担金の年額の増減の合計（円/年）。括弧内は負担減・負担増の"
        "団体数。交付0通の団体も含む。",
    )
    fig.subplots_adjust(
        left=0.17,
        right=0.98,
        top=1 - 0.75 / fig.get_figheight(),
        bottom=0.55 / fig.get_figheight(),
        hspace=0.45,
    )
    paths = _save(fig, out_dir, stem)
    plt.close(fig)
    data: list[list[object]] = [
        [s.name, r.group, r.municipalities, r.gainers, r.losers, r.total_change]
        for s, groups in effects
        for r in groups
    ]
    header = ["scheme", "group", "municipalities", "gainers", "losers", "total_change"]
    return [*paths, _data(out_dir, stem, header, data)]


def contribution_per_issue_by_band(
    fy: int, costs: list[MunicipalityCost], out_dir: Path
) -> list[Path]:
    """Median 運営負担金 per certificate (yen) by population band; municipalities without issues
    (no per-issue figure) are counted beside their band, not dropped."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(7.2, 3.6))
    bands = [b for _, b in BANDS if any(c.band == b for c in costs)]
    medians, zeros = [], []
    for band in bands:
        members = [c for c in costs if c.band == band]
        values = [c.contribution_per_issue for c in members if c.contribution_per_issue]
        medians.append(statistics.median(values) if values else 0.0)
        zeros.append(sum(1 for c in members if not c.issues))
    bars = ax.bar(bands, medians, color="#2e75b6", label="1通あたり運営負担金（中央値）")
    for bar, value, zero in zip(bars, medians, zeros, strict=True):
        label = f"¥{value:,.0f}" + (f"\n交付0通 {zero}団体" if zero else "")
        ax.annotate(
            label,
            (bar.get_x() + bar.get_width() / 2, bar.get_height()),
            ha="center",
            va="bottom",
            fontsize=7,
        )
    if not bands:
        ax.text(0.5, 0.5, "参加団体なし", ha="center", transform=ax.transAxes)
    _yen_axis(ax.yaxis)
    ax.set_ylim(0, max(medians + [1]) * 1.3)
    ax.set_xlabel("人口規模")
    ax.set_ylabel("円/通")
    ax.set_title(f"{fy}年度 1通あたり運営負担金（人口規模別の中央値）", fontsize=10)
    ax.legend(fontsize=7, loc="upper right")
    _caption(
        fig,
        "運営負担金の年額 ÷ コンビニ交付通数。交付0通の団体は1通あたりの値がないため、"
        "棒の上に団体数を示す。",
    )
    paths = _save(fig, out_dir, "contribution_per_issue_by_band")
    plt.close(fig)
    data: list[list[object]] = [
        [band, sum(1 for c in costs if c.band == band), zero, round(value, 1)]
        for band, zero, value in zip(bands, zeros, medians, strict=True)
    ]
    header = [
        "population_band",
        "municipalities",
        "without_issues",
        "median_contribution_per_issue",
    ]
    return [*paths, _data(out_dir, "contribution_per_issue_by_band", header, data)]


def cost_per_issue_vs_population(
    costs: list[MunicipalityCost], schemes: list[Scheme], out_dir: Path, fy: int | None = None
) -> list[Path]:
    """One panel per scheme: cost per certificate (linear yen, clipped at the 95th percentile
    with the rest drawn as ▲ on the top edge) against population (log); municipalities without
    issues are drawn as × on the bottom edge."""
    plt = _pyplot()
    columns = 2 if len(schemes) > 2 else len(schemes)
    lines = -(-len(schemes) // columns)
    fig, grid = plt.subplots(lines, columns, figsize=(7.2, 3.2 * lines), sharey=True, squeeze=False)
    for extra in grid.flat[len(schemes) :]:
        extra.set_visible(False)
    axes = [list(grid.flat[: len(schemes)])]
    issued = [c for c in costs if c.issues]
    idle = [c for c in costs if not c.issues]
    every = sorted(
        v for s in schemes for c in issued if (v := c.per_issue(s.contributions[c.code]))
    )
    top = every[int(0.95 * (len(every) - 1))] * 1.05 if every else 1.0
    for ax, scheme in zip(axes[0], schemes, strict=True):
        for klass, colour in COLOURS.items():
            group = [c for c in issued if c.municipality_class == klass]
            if not group:
                continue
            values = [c.per_issue(scheme.contributions[c.code]) or 0.0 for c in group]
            ax.scatter(
                [c.population for c, v in zip(group, values, strict=True) if v <= top],
                [v for v in values if v <= top],
                s=6,
                alpha=0.6,
                color=colour,
                label=CLASS_LABELS[klass],
            )
            over = [c.population for c, v in zip(group, values, strict=True) if v > top]
            ax.scatter(over, [top] * len(over), s=14, marker="^", color=colour)
        ax.scatter([], [], s=14, marker="^", color="#666", label="表示範囲外（上位5%）")
        if idle:
            ax.scatter(
                [c.population for c in idle],
                [0] * len(idle),
                marker="x",
                s=14,
                color="#000",
                label="交付0通",
            )
        ax.set_xscale("log")
        ax.xaxis.set_major_formatter(_people_formatter())
        ax.set_ylim(0, top * 1.02)
        _yen_axis(ax.yaxis)
        ax.set_title(scheme.label, fontsize=8)
        ax.set_xlabel("人口（対数目盛）", fontsize=8)
        ax.tick_params(labelsize=7)
        ax.grid(True, which="major", alpha=0.3)
    for row in grid:
        row[0].set_ylabel("1通あたり費用（円/通）")
    axes[0][0].legend(fontsize=6, loc="upper right")
    fig.suptitle((f"{fy}年度 " if fy else "") + "1通あたり費用と人口（負担方式別）", fontsize=10)
    _caption(
        fig,
        "費用＝運営負担金＋委託手数料＋JPKI確認＋団体側経費。▲は上位5%の表示範囲外、"
        "×は交付0通の団体。",
    )
    fig.subplots_adjust(left=0.1, right=0.98, top=0.9, bottom=0.12, hspace=0.4, wspace=0.08)
    paths = _save(fig, out_dir, "cost_per_issue_vs_population")
    plt.close(fig)
    return paths


def distribution_by_class(
    costs: list[MunicipalityCost], scheme: Scheme, out_dir: Path, fy: int | None = None
) -> list[Path]:
    """Box plot of cost per certificate (linear yen) by class; the tick label counts the
    municipalities without issues, which have no per-certificate figure."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(7.2, 3.8))
    classes = [k for k in COLOURS if any(c.municipality_class == k for c in costs)]
    data = [
        [
            c.per_issue(scheme.contributions[c.code]) or 0.0
            for c in costs
            if c.municipality_class == k and c.issues
        ]
        for k in classes
    ]
    labels = [
        CLASS_LABELS[k]
        + (
            f"\n交付0通 {n}"
            if (n := sum(1 for c in costs if c.municipality_class == k and not c.issues))
            else ""
        )
        for k in classes
    ]
    if any(data):
        ax.boxplot([d or [0.0] for d in data], tick_labels=labels, showfliers=False)
        _yen_axis(ax.yaxis)
        for x, values in enumerate(data, start=1):  # the median written, small classes too
            if values:
                middle = statistics.median(values)
                ax.annotate(
                    f"¥{middle:,.0f}",
                    (x, middle),
                    xytext=(30, 0),
                    textcoords="offset points",
                    va="center",
                    fontsize=6.5,
                )
    else:  # a year without issues: the chart says so rather than failing the report
        ax.text(0.5, 0.5, "この年度の交付なし", ha="center", transform=ax.transAxes)
    ax.set_ylabel("1通あたり費用（円/通）")
    ax.set_title(
        (f"{fy}年度 " if fy else "") + f"団体区分別の1通あたり費用 — {scheme.label}", fontsize=10
    )
    ax.tick_params(axis="x", labelsize=7)
    from matplotlib.patches import Patch

    ax.legend(
        handles=[
            Patch(
                facecolor="white",
                edgecolor="black",
                label="箱＝中央50%、線＝中央値（外れ値は非表示）",
            )
        ],
        fontsize=7,
        loc="upper right",
    )
    _caption(fig, "費用＝運営負担金＋委託手数料＋JPKI確認＋団体側経費 ÷ 交付通数。")
    paths = _save(fig, out_dir, f"distribution_by_class_{scheme.name}")
    plt.close(fig)
    return paths


def usage_vs_discount(
    points: list[tuple[int, float]], out_dir: Path, fy: int | None = None
) -> list[Path]:
    """Usage rate (kiosk share of 住民票, %) against the kiosk fee discount (yen)."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(6, 4))
    if points:
        ax.scatter([p[0] for p in points], [p[1] for p in points], s=10, alpha=0.6, label="団体")
    else:
        ax.text(0.5, 0.5, "窓口交付件数の登録なし", ha="center", transform=ax.transAxes)
        ax.set_xlim(0, 300)
        ax.set_ylim(0, 100)
    ax.axhline(27.6, color="#c00000", linestyle="--", linewidth=1, label="全国 27.6%")
    _yen_axis(ax.xaxis)
    ax.set_xlabel("コンビニ交付の手数料割引（窓口との差、円/通）")
    ax.set_ylabel("利用率（住民票、%）")
    ax.set_title((f"{fy}年度 " if fy else "") + "手数料割引と利用率", fontsize=10)
    ax.legend(fontsize=8, loc="upper right")
    _caption(fig, "利用率は窓口件数のある月の住民票で比較。点は1団体。")
    paths = _save(fig, out_dir, "usage_vs_fee_discount")
    plt.close(fig)
    return paths


def usage_profile(by_month: dict[str, int], by_hour: dict[int, int], out_dir: Path) -> list[Path]:
    """Certificates issued at kiosks per month of the fiscal year and per hour of day (JST)."""
    plt = _pyplot()
    fig, (months, hours) = plt.subplots(1, 2, figsize=(10, 3.8))
    months.bar([m[2:] for m in by_month], list(by_month.values()), color="#2e75b6")
    months.set_title("月別", fontsize=10)
    months.tick_params(axis="x", labelsize=7, rotation=45)
    months.set_ylabel("交付通数")
    hours.bar(list(by_hour), list(by_hour.values()), color="#ed7d31")
    hours.set_title("時間帯別（日本時間）", fontsize=10)
    hours.set_xlabel("時")
    hours.set_xticks(range(0, 24, 3))
    paths = _save(fig, out_dir, "usage_by_month_and_hour")
    plt.close(fig)
    return paths
