"""The cost-structure PDF's section on the hub's revenue against its costs."""

from __future__ import annotations

from html import escape

from billing.reports.cost_pdf import signed, table, yen
from billing.reports.hub_balance import HubLine


def hub_section(number: int, lines: list[HubLine], period: str = "") -> str:
    """``<h2>{number}. …`` with one table per scenario: 運営負担金 collected, the hub's costs
    and the balance under each way of charging (yen a year). ``period``: the report's
    year-in-progress sentence, repeated here because every figure below rests on the year's
    issues so far."""
    html = [f"<h2>{number}. 運営主体（J-LIS）の収支</h2>"]
    if not lines:
        return html[0] + "<p>この年度は参加団体がないため、収支を示せません。</p>"
    if period:
        html.append(
            f'<p class="flag">{escape(period)} 「単価のまま」の単価も、この時点の交付通数で'
            "割った値のため高く、収入が過大に出ます。</p>"
        )
    if lines[0].cost is None:
        html.append(
            '<p class="flag">運営主体の経費（料金表の hub_cost_yearly・hub_cost_per_issue）が'
            "登録されていないため、収入のみを示します。</p>"
        )
    html.append(
        '<p class="note">収入は運営負担金のみ。委託手数料とJPKI確認は団体から預かり事業者・'
        "公的個人認証サービスへ支払う（差引0）ため、収入にも経費にも含めません。経費＝"
        "年額＋1通あたり経費×交付通数（料金表）。拡大シナリオは同じ参加団体の交付通数だけを"
        "拡大するため、運営負担金の総額は定額でも収入中立の方式でも変わりません。「単価のまま」は"
        "この年度の収入中立単価（運営負担金÷交付通数）を据え置いた場合で、交付の少ない年ほど"
        "単価が高くなります。</p>"
    )
    for scenario in dict.fromkeys(line.scenario for line in lines):
        rows = [line for line in lines if line.scenario == scenario]
        html.append(f'<div class="keep"><h3>{escape(scenario)}（{rows[0].issues:,}通/年）</h3>')
        html.append(
            table(
                ["負担方式", "運営負担金（収入）", "預り・支払", "運営経費", "収支"],
                [
                    [
                        r.charging,
                        yen(r.revenue),
                        yen(r.passed_through),
                        yen(r.cost),
                        "—" if r.balance is None else signed(r.balance),
                    ]
                    for r in rows
                ],
            )
            + "</div>"
        )
    return "".join(html)
