"""Charts of the cost structure (matplotlib, Agg): each written as PNG and SVG."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from billing.reports.cost_structure import CLASS_LABELS, MunicipalityCost, Scheme

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


def _save(fig: Any, out_dir: Path, stem: str) -> list[Path]:
    paths = [out_dir / f"{stem}.png", out_dir / f"{stem}.svg"]
    for path in paths:
        fig.savefig(path, dpi=110, bbox_inches="tight")
    return paths


def cost_per_issue_vs_population(
    costs: list[MunicipalityCost], schemes: list[Scheme], out_dir: Path
) -> list[Path]:
    """One panel per scheme: cost per certificate against population, both on log axes."""
    plt = _pyplot()
    fig, axes = plt.subplots(
        1, len(schemes), figsize=(4.2 * len(schemes), 4), sharey=True, squeeze=False
    )
    issued = [c for c in costs if c.issues]
    for ax, scheme in zip(axes[0], schemes, strict=True):
        for klass, colour in COLOURS.items():
            group = [c for c in issued if c.municipality_class == klass]
            if group:
                ax.scatter(
                    [c.population for c in group],
                    [c.per_issue(scheme.contributions[c.code]) for c in group],
                    s=6,
                    alpha=0.6,
                    color=colour,
                    label=CLASS_LABELS[klass],
                )
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_title(scheme.label, fontsize=9)
        ax.set_xlabel("人口")
        ax.grid(True, which="major", alpha=0.3)
    axes[0][0].set_ylabel("1通あたり費用（円）")
    axes[0][-1].legend(fontsize=6, loc="upper right")
    paths = _save(fig, out_dir, "cost_per_issue_vs_population")
    plt.close(fig)
    return paths


def distribution_by_class(
    costs: list[MunicipalityCost], scheme: Scheme, out_dir: Path
) -> list[Path]:
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(7, 4))
    classes = [k for k in COLOURS if any(c.municipality_class == k and c.issues for c in costs)]
    data = [
        [
            c.per_issue(scheme.contributions[c.code])
            for c in costs
            if c.municipality_class == k and c.issues
        ]
        for k in classes
    ]
    if classes:
        ax.boxplot(data, tick_labels=[CLASS_LABELS[k] for k in classes], showfliers=False)
        ax.set_yscale("log")
    else:  # a year without issues: the chart says so rather than failing the report
        ax.text(0.5, 0.5, "この年度の交付なし", ha="center", transform=ax.transAxes)
    ax.set_ylabel("1通あたり費用（円）")
    ax.set_title(f"団体区分別の分布 — {scheme.label}", fontsize=10)
    ax.tick_params(axis="x", labelsize=7)
    paths = _save(fig, out_dir, f"distribution_by_class_{scheme.name}")
    plt.close(fig)
    return paths


def usage_vs_discount(points: list[tuple[int, float]], out_dir: Path) -> list[Path]:
    """Usage rate (kiosk share, %) against the kiosk fee discount (yen below the counter)."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(6, 4))
    if points:
        ax.scatter([p[0] for p in points], [p[1] for p in points], s=10, alpha=0.6)
    else:
        ax.text(0.5, 0.5, "窓口交付件数の登録なし", ha="center", transform=ax.transAxes)
    ax.axhline(27.6, color="#c00000", linestyle="--", linewidth=1, label="全国 27.6%")
    ax.set_xlabel("コンビニ交付の手数料割引（円）")
    ax.set_ylabel("利用率（%）")
    ax.legend(fontsize=8)
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
