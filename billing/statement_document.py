"""A month's statement as the document an accounting department files: PDF, CSV and JSON.

The PDF carries what a Japanese accounting department checks on a 精算書/請求書: number, issuer
with its 適格請求書 registration number, recipient, issue date, the period, lines (count × unit
price = amount) with their 消費税 treatment, the tax summary per rate (消費税法 第57条の4: the
tax-included total and the tax in it, rounded once per rate), the net, due date and payee; a
draft is marked 下書き on every page until the month is final; pages are numbered.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from html import escape

from sqlalchemy import select

from billing.model import PartyKind, PeriodStatus, Statement, StatementLine, TaxCategory
from billing.parties import Issuer
from billing.pdf import render_pdf
from billing.statement_lines import month_end
from billing.tariffs import month_start
from issuance.calendar import to_wareki
from issuance.unit_of_work import SqlUnitOfWork

TAX_LABELS = {TaxCategory.NON_TAXABLE: "非課税", TaxCategory.TAXABLE_10: "課税10%（税込）"}
SECTION_LABELS = {
    "fees": "交付手数料",
    "commission": "委託手数料",
    "contribution": "運営負担金",
    "jpki": "JPKI",
    "adjustment": "訂正",
}


@dataclass(frozen=True)
class TaxSummary:
    """Per tax category: the tax-included total (yen) and the 消費税 in it (10/110, floored)."""

    category: TaxCategory
    total: int
    tax: int


def lines_for(uow: SqlUnitOfWork, statement: Statement) -> list[StatementLine]:
    """``statement``'s lines in order."""
    return list(
        uow.session.scalars(
            select(StatementLine)
            .where(StatementLine.statement_id == statement.id)
            .order_by(StatementLine.position)
        )
    )


def tax_summary(lines: list[StatementLine]) -> list[TaxSummary]:
    """One row per tax category present; the tax is rounded (down) once per rate, on the
    total, as the 適格請求書 rules require (not per line)."""
    out = []
    for category in TaxCategory:
        total = sum(line.amount for line in lines if line.tax is category)
        if any(line.tax is category for line in lines):
            tax = (abs(total) * 10 // 110) * (1 if total >= 0 else -1)
            out.append(
                TaxSummary(category, total, tax if category is TaxCategory.TAXABLE_10 else 0)
            )
    return out


def _yen(amount: int) -> str:
    return f"△{-amount:,}" if amount < 0 else f"{amount:,}"  # △: the accountant's minus


def _period(month: str) -> str:
    return f"{to_wareki(month_start(month))}〜{to_wareki(month_end(month))}"


def _date(day: date | None) -> str:
    return f"{to_wareki(day)}（{day.isoformat()}）" if day else "—"


CSS = """
@page { @bottom-center { content: counter(page) " / " counter(pages) " ページ"; font-size: 8pt; } }
.draft-mark { position: fixed; top: 110mm; left: 0; width: 100%; text-align: center;
  transform: rotate(-30deg); font-size: 36pt; color: rgba(200, 0, 0, 0.14); font-weight: bold; }
.statement { page-break-after: always; }
.statement:last-child { page-break-after: auto; }
.head { display: flex; justify-content: space-between; gap: 8mm; }
.head dl { margin: 0; } .head dt { font-size: 8pt; color: #444; } .head dd { margin: 0 0 2mm 0; }
.to { font-size: 13pt; border-bottom: 0.6pt solid #000; padding-bottom: 1mm; }
table.lines thead { display: table-header-group; } table.lines tr { break-inside: avoid; }
table.lines th { background: #eee; font-weight: normal; font-size: 8.5pt; white-space: nowrap; }
table.lines td:nth-child(2), table.lines td:nth-child(7) { white-space: nowrap; font-size: 8.5pt; }
.total td { font-weight: bold; border-top: 1.2pt double #000; }
.ref { font-size: 7.5pt; color: #333; }
.pay { border: 0.8pt solid #000; padding: 2mm 4mm; margin-top: 4mm; }
.demo { color: #a00; font-size: 8pt; }
"""


def _line_rows(lines: list[StatementLine]) -> str:
    rows = []
    for line in lines:
        ref = f'<div class="ref">{escape(line.reference)}</div>' if line.reference else ""
        reg = (
            f'<div class="ref">登録番号 {escape(line.registration_number)}</div>'
            if (line.registration_number)
            else ""
        )
        unit = _yen(line.unit_price) if line.unit_price is not None else ""
        quantity = f"{line.quantity:,}" if line.quantity or line.unit_price is not None else ""
        rows.append(
            f"<tr><td>{line.position}</td><td>{SECTION_LABELS[line.section.value]}</td>"
            f"<td>{escape(line.label)}{ref}{reg}</td><td class=n>{quantity}</td>"
            f"<td class=n>{unit}</td><td class=n>{_yen(line.amount)}</td>"
            f"<td>{TAX_LABELS[line.tax]}</td></tr>"
        )
    return "".join(rows)


def _payment(statement: Statement, issuer: Issuer) -> str:
    net = statement.net
    if statement.party_kind is PartyKind.OPERATOR:
        who = "貴社から当センターへのお支払額（収納手数料から委託手数料を差し引いた額）"
        payee = f"振込先：{escape(issuer.payee_account)}"
    elif net >= 0:
        who = "当センターから貴団体へのお支払額"
        payee = "振込先：貴団体の指定口座"
    else:
        who = "貴団体から当センターへのお支払額"
        payee = f"振込先：{escape(issuer.payee_account)}"
    return (
        f'<div class="pay"><p><b>{who}：{abs(net):,}円</b></p>'
        f"<p>支払期日：{_date(statement.due_on)}　{payee}</p></div>"
    )


def statement_html(statement: Statement, lines: list[StatementLine], issuer: Issuer) -> str:
    """One statement as a section of the PDF (its own pages)."""
    municipal = statement.party_kind is PartyKind.MUNICIPALITY
    title = "コンビニ交付 月次精算書" if municipal else "コンビニ交付 収納・委託手数料 月次精算書"
    draft = statement.status is not PeriodStatus.FINAL
    mark = '<div class="draft-mark">下書き（未確定）</div>' if draft else ""
    taxes = "".join(
        f"<tr><td>{TAX_LABELS[t.category]} 対象 合計</td><td class=n>{_yen(t.total)}</td>"
        f"<td class=n>{_yen(t.tax) if t.category is TaxCategory.TAXABLE_10 else '—'}</td></tr>"
        for t in tax_summary(lines)
    )
    demo = (
        '<p class="demo">※ デモ環境の発行者情報です'
        "（登録番号・振込先は実在のものではありません）。</p>"
        if "デモ" in issuer.name
        else ""
    )
    return f"""<section class="statement">{mark}
<h1>{title}{"（下書き）" if draft else ""}</h1>
<div class="head">
 <div><p class="to">{escape(statement.party_name)} 御中</p>
  <p>{"団体コード" if municipal else "事業者ID"}：{escape(statement.party_id)}</p></div>
 <dl><dt>明細書番号</dt><dd>{escape(statement.number or "—")}</dd>
  <dt>発行日</dt><dd>{_date(statement.issued_on)}</dd>
  <dt>対象期間</dt><dd>{_period(statement.month)}</dd>
  <dt>発行者</dt><dd>{escape(issuer.name)}<br>
  登録番号 {escape(issuer.registration_number)}</dd></dl>
</div>{demo}
<table class="lines"><thead><tr><th>行</th><th>区分</th><th>内容</th><th>数量</th>
<th>単価（円）</th><th>金額（円）</th><th>税区分</th></tr></thead><tbody>
{_line_rows(lines)}
<tr class="total"><td></td><td colspan=4>差引合計</td>
<td class=n>{_yen(statement.net)}</td><td></td></tr>
</tbody></table>
<h2>税区分別の内訳</h2>
<table><thead><tr><th>税区分</th><th>金額（円、税込）</th><th>うち消費税（円）</th></tr></thead>
<tbody>{taxes}</tbody></table>
<p class="ref">交付手数料は地方公共団体の行政手数料のため非課税（消費税法 別表第二 第五号）。
課税取引の消費税額は税率ごとに合計額から1回だけ端数を切り捨てて計算しています。
委託手数料の登録番号は各交付事業者のものです。△は控除（マイナス）を表します。</p>
{_payment(statement, issuer)}
</section>"""


def statement_pdf(uow: SqlUnitOfWork, statements: list[Statement], issuer: Issuer) -> bytes:
    """The statements as one PDF, each starting on a new page."""
    body = "".join(statement_html(s, lines_for(uow, s), issuer) for s in statements)
    return render_pdf("月次精算書", body, css=CSS)
