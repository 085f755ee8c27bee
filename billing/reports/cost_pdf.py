"""The cost-structure PDF: a one-page answer first, then the detail, figures numbered."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

from billing.reports.break_even import COUNTER_SAVING_SOURCE, BreakEven, counter_saving
from billing.reports.cost_structure import (
    BANDS,
    CLASS_LABELS,
    MunicipalityCost,
    Scheme,
    effects_by,
)
from billing.reports.scenarios import Scenario
from billing.tariffs import DEFAULT_CONTRIBUTION

CSS = """
@page { @bottom-center { content: counter(page) " / " counter(pages) " ページ";
  font-size: 8pt; color: #444; } }
.page-break { break-before: page; }
thead { display: table-header-group; }
tr, figure, .keep { break-inside: avoid; }
h2, h3 { break-after: avoid; }
th { background: #eef2f7; }
figure { margin: 0.6em 0; }
figure img { width: 100%; }
.summary figure img { max-height: 150mm; width: auto; max-width: 100%; }
figcaption { font-size: 8.5pt; color: #222; margin-top: 0.2em; }
.flag { border: 1pt solid #b00; padding: 4pt; color: #900; }
.answer { font-size: 11pt; line-height: 1.6; }
.note { font-size: 8.5pt; color: #333; }
td.n { text-align: right; white-space: nowrap; }
td:first-child { white-space: nowrap; }
table.assumptions td { white-space: normal; text-align: left; }
table.assumptions td:first-child { width: 26%; } table.assumptions td:nth-child(2) { width: 26%; }
"""
CLASS_TABLE_JA = {
    "designated_city_1m": "政令市（人口100万以上）",
    "designated_city": "政令市（100万未満）",
    "city_150k": "市・特別区（15万以上）",
    "city": "市・特別区（15万未満）",
    "town_village": "町村",
}


@dataclass(frozen=True)
class ReportParts:
    fy: int
    costs: list[MunicipalityCost]
    schemes: list[Scheme]
    summary: list[str]
    period: str
    outsiders: list[BreakEven]
    scenarios: list[Scenario]
    saving: int | None = None
    commission: int = 117
    jpki_check: int = 2
    figures: list[str] = field(default_factory=list)


class Cell(str):
    """A cell's own markup (already escaped), right-aligned."""


def table(header: list[str], rows: list[list[object]]) -> str:
    """A table whose header repeats on every page it spans; numbers right-aligned."""

    def cell(value: object) -> str:
        if isinstance(value, int) and not isinstance(value, bool):
            return f'<td class="n">{value:,}</td>'
        if isinstance(value, Cell):
            return f'<td class="n">{value}</td>'
        text = str(value)
        if text[:1] in "¥+−" and text != "—":  # an amount: right-aligned, never broken
            return f'<td class="n">{escape(text)}</td>'
        return f"<td>{escape(text)}</td>"

    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(cell(v) for v in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def yen(value: float | None) -> str:
    return "—" if value is None else f"¥{value:,.0f}"


def per_issue(value: float | None) -> str:
    """Yen per certificate; below ¥10 with one decimal (so a small share never reads ¥0)."""
    if value is None:
        return "—（交付0通）"
    return f"¥{value:,.1f}/通" if value < 10 else f"¥{value:,.0f}/通"


def signed(value: int) -> str:
    return f"+¥{value:,}" if value > 0 else f"−¥{-value:,}" if value < 0 else "±¥0"


class Figures:
    """Numbers figures in order of appearance: 図1, 図2, …"""

    def __init__(self, charts: list[Path]) -> None:
        self.by_stem = {p.stem: p.name for p in charts if p.suffix == ".png"}
        self.count = 0

    def __call__(self, stem: str, caption: str) -> str:
        if stem not in self.by_stem:
            return ""
        self.count += 1
        return (
            f'<figure><img src="{self.by_stem[stem]}" alt="{escape(caption)}">'
            f"<figcaption>図{self.count} {escape(caption)}</figcaption></figure>"
        )


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def answer(parts: ReportParts) -> list[str]:
    """The answer in three sentences (Japanese)."""
    costs, fy = parts.costs, parts.fy
    small = _median(
        [
            v
            for c in costs
            if c.municipality_class in ("town", "village")
            if (v := c.contribution_per_issue) is not None
        ]
    )
    large = _median(
        [
            v
            for c in costs
            if c.municipality_class.startswith("designated_city")
            if (v := c.contribution_per_issue) is not None
        ]
    )
    if small and large:
        first = (
            f"{fy}年度の1通あたり運営負担金の中央値は町村 {yen(small)}、政令市 {yen(large)}"
            f"（{small / large:,.0f}倍）で、定額の負担金は小規模な団体ほど重くなっています。"
        )
    else:
        first = (
            f"{fy}年度の参加団体は {len(costs):,}、交付は {sum(c.issues for c in costs):,} 通です。"
        )
    alternative = next((s for s in parts.schemes[1:] if s.comparable), None)
    if alternative is None:
        second = (
            "この年度は交付がないため、負担方式の比較はできません（比較するものがありません）。"
        )
    else:
        change = [alternative.contributions[c.code] - c.contribution for c in costs]
        by_class = effects_by(costs, alternative, "municipality_class")
        worst = max(by_class, key=lambda g: g.total_change, default=None)
        second = (
            f"{alternative.label}（{alternative.note}）にすると負担減 "
            f"{sum(1 for d in change if d < 0):,} 団体・負担増 {sum(1 for d in change if d > 0):,}"
            " 団体となり"
            + (
                f"、最も負担が増えるのは{worst.group}（計 {signed(worst.total_change)}/年）です。"
                if worst and worst.total_change > 0
                else "ます。"
            )
        )
    saving = counter_saving() if parts.saving is None else parts.saving
    if parts.outsiders:
        pays = {s.name: sum(1 for b in parts.outsiders if b.pays(s.name)) for s in parts.schemes}
        others = "、".join(
            f"{s.label.split('（')[0]}で {pays[s.name]:,}"
            for s in parts.schemes[1:]
            if s.comparable
        )
        third = (
            f"未参加の {len(parts.outsiders):,} 団体のうち、同じ人口規模の参加団体並みの利用で"
            f"参加が採算に合うのは現行の定額で {pays['fixed']:,} 団体"
            + (f"、{others} 団体" if others else "")
            + f"です（窓口1通あたりの節減 ¥{saving:,} を仮定"
            + (
                f"、定額での採算点の中央値 {statistics.median(needed):,.0f} 通/年に対し"
                f"見込みの中央値 {statistics.median(b.expected for b in parts.outsiders):,.0f}"
                " 通/年）。"
                if (needed := [v for b in parts.outsiders if (v := b.by_scheme.get("fixed"))])
                else "）。"
            )
        )
    else:
        third = "未参加の団体はありません。"
    return [first, second, third]


def _assumptions(parts: ReportParts) -> str:
    saving = counter_saving() if parts.saving is None else parts.saving
    rows: list[list[object]] = [
        [
            "委託手数料",
            f"¥{parts.commission:,}/通",
            "料金表（tariff）。公表例 約115〜123円/通（未確認）",
        ],
        [
            "JPKI失効確認",
            f"¥{parts.jpki_check:,}/回（利用者証明用）、署名用は ¥20/回",
            "公的個人認証サービスの民間事業者向け手数料（J-LIS）。交付1回に1確認",
        ],
    ]
    rows += [
        [
            f"運営負担金 {label}",
            f"¥{DEFAULT_CONTRIBUTION[k]:,}/年",
            "J-LISの旧負担金表（税込、現行額は未確認）",
        ]
        for k, label in CLASS_TABLE_JA.items()
    ]
    rows += [
        [
            "全国の交付通数",
            "3,189万通（令和5年度）",
            "総務省WG中間とりまとめ（住民票の写しは1,713万通）",
        ],
        [
            "全国の利用率",
            "27.6%（令和5年度、住民票のみ）",
            "同上。利用率は住民票の交付総数に占める割合",
        ],
        ["窓口1通あたりの節減", f"¥{saving:,}/通（仮定）", COUNTER_SAVING_SOURCE],
        [
            "運営主体の経費",
            "年額＋1通あたり経費（料金表 hub_cost_*）",
            "公表値なし。登録がなければ収支は示さない",
        ],
        [
            "未参加団体の団体側経費",
            "同じ人口規模の参加団体の中央値（推計）",
            "料金表に登録があればその値",
        ],
        [
            "利用拡大のシナリオ",
            "各団体の交付を同じ倍率で拡大",
            "全国3,189万通＝利用率27.6%とし、40%・50%は比例",
        ],
    ]
    return "<h2>2. 前提と出典</h2>" + table(["項目", "値", "出典・注"], rows).replace(
        "<table>", '<table class="assumptions">', 1
    )


def _effects(parts: ReportParts, fig: Figures) -> str:
    html = ["<h2>3. 負担方式別の影響（現行の定額との差）</h2>"]
    comparable = [s for s in parts.schemes[1:] if s.comparable]
    if not comparable:
        return html[0] + "<p>この年度は交付がないため、比較するものがありません。</p>"
    for key, title, heading in (
        ("municipality_class", "団体区分別の影響", "区分"),
        ("band", "人口規模別の影響", "人口規模"),
    ):
        for s in comparable:
            rows: list[list[object]] = [
                [
                    g.group,
                    g.municipalities,
                    g.gainers,
                    g.losers,
                    signed(g.total_change),
                    yen(g.median_per_issue_before),
                    yen(g.median_per_issue_after),
                ]
                for g in effects_by(parts.costs, s, key)
            ]
            html.append(
                f'<div class="keep"><h3>{escape(s.label)}（{escape(s.note)}）: {title}</h3>'
            )
            html.append(
                table(
                    [
                        heading,
                        "団体数",
                        "負担減",
                        "負担増",
                        "増減額（円/年）",
                        "1通あたり費用 現行（中央値）",
                        "変更後（中央値）",
                    ],
                    rows,
                )
                + "</div>"
            )
    html.append(fig("gains_losses_by_band", f"{parts.fy}年度 人口規模別の負担増減（円/年）"))
    return "".join(html)


def _per_issue(parts: ReportParts, fig: Figures) -> str:
    rows: list[list[object]] = []
    for klass, label in CLASS_LABELS.items():
        members = [c for c in parts.costs if c.municipality_class == klass]
        if not members:
            continue
        rows.append(
            [
                label,
                len(members),
                sum(1 for c in members if not c.issues),
                sum(c.issues for c in members),
                sum(c.contribution for c in members),
                yen(_median([v for c in members if (v := c.contribution_per_issue) is not None])),
                sum(c.fees for c in members),
                sum(c.net_cost for c in members),
            ]
        )
    return (
        "<h2>4. 1通あたり運営負担金と手数料収入差引後の費用</h2>"
        + table(
            [
                "区分",
                "団体数",
                "交付0通",
                "交付通数",
                "運営負担金（円/年）",
                "1通あたり負担金（中央値）",
                "手数料収入（円/年）",
                "差引後の費用（円/年）",
            ],
            rows,
        )
        + '<p class="note">差引後の費用＝運営負担金＋委託手数料＋JPKI確認＋団体側経費−手数料収入。'
        "団体ごとの値は municipalities.csv。</p>"
        + fig(
            "contribution_per_issue_by_band",
            f"{parts.fy}年度 1通あたり運営負担金（人口規模別の中央値、円/通）",
        )
        + fig(
            "distribution_by_class_fixed",
            f"{parts.fy}年度 団体区分別の1通あたり費用の分布（現行、円/通）",
        )
        + fig(
            "cost_per_issue_vs_population",
            f"{parts.fy}年度 1通あたり費用と人口（負担方式別、円/通）",
        )
    )


def _scenarios(parts: ReportParts) -> str:
    html = ["<h2>5. 利用拡大のシナリオ</h2>"]
    if not parts.scenarios:
        return (
            html[0] + "<p>この年度は交付がないため、拡大の基準がなく比較するものがありません。</p>"
        )
    html.append(
        table(
            ["シナリオ", "交付通数（通/年）", "収入中立の従量制単価"],
            [
                [s.label, s.volume, "—" if s.rate is None else f"¥{s.rate:,.1f}/通"]
                for s in parts.scenarios
            ],
        )
    )
    labels = list(dict.fromkeys(b.scheme for b in parts.scenarios[0].burdens))
    for s in parts.scenarios:
        groups = list(dict.fromkeys(b.group for b in s.burdens))
        cells = {(b.group, b.scheme): b for b in s.burdens}
        rows: list[list[object]] = [
            [
                g,
                *[
                    Cell(
                        f"{escape(per_issue(cells[(g, lab)].per_issue))}<br>"
                        f'<span class="note">{escape(yen(cells[(g, lab)].contribution))}/年</span>'
                    )
                    for lab in labels
                ],
            ]
            for g in groups
        ]
        html.append(
            f'<div class="keep"><h3>{escape(s.label)}: 区分別の運営負担金 1通あたりと年額</h3>'
        )
        html.append(table(["区分", *labels], rows) + "</div>")
    return "".join(html)


def _outsiders(parts: ReportParts) -> str:
    html = ["<h2>6. 未参加団体: 参加が採算に合う年間交付通数</h2>"]
    if not parts.outsiders:
        return html[0] + "<p>未参加の団体はありません。</p>"
    saving = counter_saving() if parts.saving is None else parts.saving
    html.append(
        '<p class="note">1通あたりの利益＝窓口の節減 ¥'
        f"{saving:,} − 委託手数料 − JPKI確認 − 手数料割引（窓口との差）。採算が合う通数＝"
        "（運営負担金＋団体側経費）÷ 1通あたりの利益（従量制では単価を差し引く）。"
        "見込みは同じ人口規模の参加団体の人口あたり交付。団体ごとの値は break_even.csv。</p>"
    )
    comparable = [s for s in parts.schemes if s.comparable]
    rows: list[list[object]] = []
    for _, band in BANDS:
        members = [b for b in parts.outsiders if b.band == band]
        if not members:
            continue
        needed = [v for b in members if (v := b.by_scheme.get("fixed")) is not None]
        rows.append(
            [
                band,
                len(members),
                round(statistics.median([b.expected for b in members])),
                "—" if not needed else round(statistics.median(needed)),
            ]
            + [sum(1 for b in members if b.pays(s.name)) for s in comparable]
        )
    html.append(
        table(
            [
                "人口規模",
                "未参加団体",
                "見込み交付（中央値、通/年）",
                "採算が合う通数（定額、中央値）",
            ]
            + [f"採算が合う団体（{s.label.split('（')[0]}）" for s in comparable],
            rows,
        )
    )
    return "".join(html)


def pdf_body(parts: ReportParts, charts: list[Path], more: str = "") -> str:
    """The report's HTML: page 1 the answer and one chart, then numbered sections (1–7, then
    ``more``: sections 8 onwards, already numbered)."""
    fig = Figures(charts)
    fy = parts.fy
    first = (
        "gains_losses_by_class"
        if any(s.comparable for s in parts.schemes[1:])
        else "contribution_per_issue_by_band"
    )
    html = [
        f"<style>{CSS}</style>",
        '<section class="summary">',
        f"<h1>コンビニ交付の費用構造と負担方式の比較 {fy}年度</h1>",
        f'<p class="flag">{escape(parts.period)}</p>' if parts.period else "",
        "<h2>結論</h2>",
        '<p class="answer">' + "".join(escape(s) for s in answer(parts)) + "</p>",
        fig(first, f"{fy}年度 団体区分別の運営負担金の増減（円/年）と負担減・負担増の団体数"),
        "</section>",
        '<section class="page-break"><h2>1. 要約</h2><ul>',
        "".join(f"<li>{escape(line)}</li>" for line in parts.summary),
        "</ul>",
        _assumptions(parts),
        _effects(parts, fig),
        _per_issue(parts, fig),
        _scenarios(parts),
        _outsiders(parts),
        "<h2>7. 利用率と手数料割引</h2>",
        fig("usage_vs_fee_discount", f"{fy}年度 コンビニ交付の手数料割引と利用率（住民票、%）"),
        more,
        "</section>",
    ]
    return "".join(html)
