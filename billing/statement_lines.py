"""The lines of a month's statements: what each amount is, count × unit price, and its tax.

Fees by certificate kind and unit fee (a fee change mid-month gives two lines), commissions by
operator (or, on an operator's statement, by municipality) and unit, this month's contribution,
the JPKI checks, and every adjusting entry of the month with what it corrects and why. Amounts
are signed from the recipient's side: + collected for it, − deducted. The lines of a statement
add up to its ``net`` (a test holds them to it).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import func, select

from billing.model import (
    BillingAdjustment,
    BillingEvent,
    EventType,
    LineSection,
    PartyKind,
    Statement,
    StatementLine,
    TaxCategory,
)
from billing.parties import Issuer
from billing.tariffs import month_start
from issuance.calendar import to_wareki
from issuance.model import KIND_LABELS, CertificateKind
from issuance.sessions.kiosks import KioskOperator
from issuance.unit_of_work import SqlUnitOfWork

KIND_ORDER = {kind.value: n for n, kind in enumerate(CertificateKind)}


@dataclass(frozen=True)
class _Group:
    """Issue events of one month with the same parties, kind and unit prices."""

    municipality_code: str
    operator_id: str
    certificate_kind: str
    unit_fee: int
    unit_commission: int
    copies: int
    fee_total: int
    commission_total: int


@dataclass(frozen=True)
class MonthFacts:
    """What the lines of one accounting month are made from."""

    groups: list[_Group]
    adjustments: list[BillingAdjustment]
    operators: dict[str, KioskOperator]
    municipality_names: dict[str, str]
    # The groups and adjustments of each party, by ("municipality_code"|"operator_id", id):
    # a national close has thousands of statements, each must not scan every group.
    by_party: dict[tuple[str, str], tuple[list[_Group], list[BillingAdjustment]]] = field(
        default_factory=dict
    )

    def __post_init__(self) -> None:
        for key in ("municipality_code", "operator_id"):
            for g in self.groups:
                self.by_party.setdefault((key, getattr(g, key)), ([], []))[0].append(g)
            for a in self.adjustments:
                self.by_party.setdefault((key, getattr(a, key)), ([], []))[1].append(a)

    def of(self, key: str, party_id: str) -> tuple[list[_Group], list[BillingAdjustment]]:
        """The groups and adjustments of one party (``key``: municipality_code, operator_id)."""
        return self.by_party.get((key, party_id), ([], []))


def month_facts(uow: SqlUnitOfWork, month: str, municipality_names: dict[str, str]) -> MonthFacts:
    """The month's issue events grouped by parties, kind and unit prices, and its adjustments."""
    e = BillingEvent
    unit_fee = (e.fee_total / e.copies).label("unit_fee")
    unit_commission = (e.commission_total / e.copies).label("unit_commission")
    rows = uow.session.execute(
        select(
            e.municipality_code,
            e.operator_id,
            e.certificate_kind,
            unit_fee,
            unit_commission,
            func.sum(e.copies),
            func.sum(e.fee_total),
            func.sum(e.commission_total),
        )
        .where(e.accounting_month == month, e.event_type == EventType.ISSUE, e.copies > 0)
        .group_by(e.municipality_code, e.operator_id, e.certificate_kind, unit_fee, unit_commission)
    ).all()
    adjustments = uow.session.scalars(
        select(BillingAdjustment)
        .where(BillingAdjustment.accounting_month == month)
        .order_by(BillingAdjustment.id)
    ).all()
    operators = {o.id: o for o in uow.session.scalars(select(KioskOperator))}
    return MonthFacts(
        [_Group(*(row[:3]), *(int(v) for v in row[3:])) for row in rows],
        list(adjustments),
        operators,
        municipality_names,
    )


def _kind(kind: str) -> str:
    try:
        return KIND_LABELS[CertificateKind(kind)][0]
    except (ValueError, KeyError):
        return kind


def _line(
    section: LineSection,
    label: str,
    quantity: int,
    unit: int | None,
    amount: int,
    tax: TaxCategory,
    **extra: object,
) -> StatementLine:
    return StatementLine(
        section=section,
        label=label[:120],
        quantity=quantity,
        unit_price=unit,
        amount=amount,
        tax=tax,
        **extra,
    )


def _fee_lines(
    groups: list[_Group], by_municipality: bool, names: dict[str, str]
) -> list[StatementLine]:
    sums: dict[tuple[str, str, int], list[int]] = defaultdict(lambda: [0, 0])
    for g in groups:
        key = (g.municipality_code if by_municipality else "", g.certificate_kind, g.unit_fee)
        sums[key][0] += g.copies
        sums[key][1] += g.fee_total
    return [
        _line(
            LineSection.FEES,
            f"{names.get(code, code)} {_kind(kind)}" if by_municipality else _kind(kind),
            copies,
            unit,
            total,
            TaxCategory.NON_TAXABLE,
            certificate_kind=kind,
            municipality_code=code or None,
        )
        for (code, kind, unit), (copies, total) in sorted(
            sums.items(), key=lambda item: (item[0][0], KIND_ORDER.get(item[0][1], 99), item[0][2])
        )
    ]


def _commission_lines(
    groups: list[_Group], by_municipality: bool, facts: MonthFacts
) -> list[StatementLine]:
    sums: dict[tuple[str, int], list[int]] = defaultdict(lambda: [0, 0])
    for g in groups:
        key = (g.municipality_code if by_municipality else g.operator_id, g.unit_commission)
        sums[key][0] += g.copies
        sums[key][1] += g.commission_total
    sellers = {g.operator_id for g in groups}  # on an operator's statement: that operator
    lines = []
    for (who, unit), (copies, total) in sorted(sums.items()):
        if not total:  # a kiosk without commission (a municipality's own hall): nothing owed
            continue
        seller = next(iter(sellers)) if by_municipality else who
        operator = facts.operators.get(seller)
        name = (
            facts.municipality_names.get(who, who)
            if by_municipality
            else (operator.name if operator else who)
        )
        lines.append(
            _line(
                LineSection.COMMISSION,
                f"委託手数料（{name}）",
                copies,
                unit,
                -total,
                TaxCategory.TAXABLE_10,
                municipality_code=who if by_municipality else None,
                operator_id=None if by_municipality else who,
                registration_number=operator.invoice_registration_number if operator else None,
            )
        )
    return lines


def _adjustment_lines(
    adjustments: list[BillingAdjustment], facts: MonthFacts
) -> list[StatementLine]:
    lines = []
    for a in adjustments:
        what = f"申請 {a.corrects_request_id} の訂正" if a.corrects_request_id else "訂正"
        reference = f"{what}：{a.reason}"
        if a.fee_total or a.copies:
            lines.append(
                _line(
                    LineSection.ADJUSTMENT,
                    f"訂正 {_kind(a.certificate_kind)} 手数料",
                    a.copies,
                    None,
                    a.fee_total,
                    TaxCategory.NON_TAXABLE,
                    certificate_kind=a.certificate_kind,
                    municipality_code=a.municipality_code,
                    operator_id=a.operator_id,
                    reference=reference[:300],
                )
            )
        if a.commission_total:
            operator = facts.operators.get(a.operator_id)
            lines.append(
                _line(
                    LineSection.ADJUSTMENT,
                    "訂正 委託手数料",
                    a.copies,
                    None,
                    -a.commission_total,
                    TaxCategory.TAXABLE_10,
                    certificate_kind=a.certificate_kind,
                    municipality_code=a.municipality_code,
                    operator_id=a.operator_id,
                    reference=reference[:300],
                    registration_number=operator.invoice_registration_number if operator else None,
                )
            )
    return lines


def lines_of(
    statement: Statement, facts: MonthFacts, issuer: Issuer, jpki_unit: int
) -> list[StatementLine]:
    """The lines of ``statement`` (not yet added to the session), numbered from 1."""
    municipal = statement.party_kind is PartyKind.MUNICIPALITY
    key = "municipality_code" if municipal else "operator_id"
    groups, adjustments = facts.of(key, statement.party_id)
    lines = _fee_lines(groups, not municipal, facts.municipality_names)
    lines += _commission_lines(groups, not municipal, facts)
    wareki_month = to_wareki(month_start(statement.month)).removesuffix("1日")
    if municipal and statement.contribution_share:
        lines.append(
            _line(
                LineSection.CONTRIBUTION,
                f"運営負担金（{wareki_month}分）",
                1,
                statement.contribution_share,
                -statement.contribution_share,
                TaxCategory.TAXABLE_10,
                registration_number=issuer.registration_number,
                reference="年額の12分の1（月割）",
            )
        )
    if municipal and statement.jpki_cost:
        lines.append(
            _line(
                LineSection.JPKI,
                "JPKI 失効確認（交付1件につき1回）",
                statement.issues,
                jpki_unit,
                -statement.jpki_cost,
                TaxCategory.TAXABLE_10,
                registration_number=issuer.registration_number,
            )
        )
    lines += _adjustment_lines(adjustments, facts)
    for n, line in enumerate(lines, start=1):
        line.position = n
    return lines


def statement_number(month: str, party_kind: PartyKind, party_id: str) -> str:
    """明細書番号: ``KOFU-202610-M-131016`` (M municipality, O operator); one per party and
    month, the same for a draft and its final."""
    letter = "M" if party_kind is PartyKind.MUNICIPALITY else "O"
    return f"KOFU-{month.replace('-', '')}-{letter}-{party_id}"


def month_end(month: str) -> date:
    """The last day of ``month`` (``YYYY-MM``)."""
    index = int(month[:4]) * 12 + int(month[5:])  # the next month, counted from 0
    return date(index // 12, index % 12 + 1, 1) - timedelta(days=1)


def due_date(issued_on: date) -> date:
    """支払期日: the last day of the month after the statement is issued (翌月末払い); a
    statement closed on time, early in the next month, is due at that month's end."""
    index = issued_on.year * 12 + issued_on.month - 1 + 2  # the month after next, from 0
    return date(index // 12, index % 12 + 1, 1) - timedelta(days=1)
