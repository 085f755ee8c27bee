"""A month's statements for spreadsheets and machines: CSV (one row per line, Japanese
headers, UTF-8 with a BOM so Excel opens it right) and JSON."""

from __future__ import annotations

import csv
import io
import json

from billing.model import PartyKind, PeriodStatus, Statement
from billing.parties import Issuer
from billing.statement_document import SECTION_LABELS, TAX_LABELS, lines_for, tax_summary
from issuance.unit_of_work import SqlUnitOfWork

CSV_HEADER = (
    "明細書番号",
    "対象月",
    "状態",
    "宛先区分",
    "宛先コード",
    "宛先名",
    "行",
    "区分",
    "内容",
    "証明書の種類",
    "市区町村コード",
    "事業者ID",
    "数量",
    "単価（円）",
    "金額（円）",
    "税区分",
    "登録番号",
    "参照",
)


def statement_csv(uow: SqlUnitOfWork, statements: list[Statement]) -> bytes:
    """One row per statement line, Japanese headers, UTF-8 with a BOM (Excel opens it right);
    amounts as plain signed integers (yen)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for s in statements:
        status = "確定" if s.status is PeriodStatus.FINAL else "下書き"
        party = "市区町村" if s.party_kind is PartyKind.MUNICIPALITY else "交付事業者"
        for line in lines_for(uow, s):
            writer.writerow(
                [
                    s.number,
                    s.month,
                    status,
                    party,
                    s.party_id,
                    s.party_name,
                    line.position,
                    SECTION_LABELS[line.section.value],
                    line.label,
                    line.certificate_kind or "",
                    line.municipality_code or "",
                    line.operator_id or "",
                    line.quantity,
                    "" if line.unit_price is None else line.unit_price,
                    line.amount,
                    TAX_LABELS[line.tax],
                    line.registration_number or "",
                    line.reference or "",
                ]
            )
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def statement_json(uow: SqlUnitOfWork, statements: list[Statement], issuer: Issuer) -> bytes:
    """The statements for machines: header fields, lines and the tax summary (yen, ISO dates)."""
    documents = []
    for s in statements:
        lines = lines_for(uow, s)
        documents.append(
            {
                "number": s.number,
                "month": s.month,
                "status": s.status.value,
                "issuer": {"name": issuer.name, "registration_number": issuer.registration_number},
                "recipient": {"kind": s.party_kind.value, "id": s.party_id, "name": s.party_name},
                "issued_on": s.issued_on.isoformat() if s.issued_on else None,
                "due_on": s.due_on.isoformat() if s.due_on else None,
                "net": s.net,
                "lines": [
                    {
                        "position": line.position,
                        "section": line.section.value,
                        "label": line.label,
                        "certificate_kind": line.certificate_kind,
                        "municipality_code": line.municipality_code,
                        "operator_id": line.operator_id,
                        "quantity": line.quantity,
                        "unit_price": line.unit_price,
                        "amount": line.amount,
                        "tax": line.tax.value,
                        "registration_number": line.registration_number,
                        "reference": line.reference,
                    }
                    for line in lines
                ],
                "tax_summary": [
                    {"tax": t.category.value, "total": t.total, "consumption_tax": t.tax}
                    for t in tax_summary(lines)
                ],
            }
        )
    return json.dumps(documents, ensure_ascii=False, indent=2).encode("utf-8")
