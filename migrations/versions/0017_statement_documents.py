"""Statements as documents: number, issue and due dates, lines with their tax treatment, and
the kiosk operators' invoice registration numbers

Revision ID: 0017_statement_documents
Revises: 0016_issuer_identity
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0017_statement_documents"
down_revision = "0016_issuer_identity"
branch_labels = None
depends_on = None

SECTIONS = ("fees", "commission", "contribution", "jpki", "adjustment")
TAXES = ("non_taxable", "taxable_10")


def upgrade() -> None:
    with op.batch_alter_table("billing_statement") as table:
        table.add_column(sa.Column("number", sa.String(length=40), nullable=True))
        table.add_column(sa.Column("issued_on", sa.Date(), nullable=True))
        table.add_column(sa.Column("due_on", sa.Date(), nullable=True))
        table.create_unique_constraint(op.f("uq_billing_statement_number"), ["number"])
    with op.batch_alter_table("issuance_kiosk_operator") as table:
        table.add_column(
            sa.Column("invoice_registration_number", sa.String(length=14), nullable=True)
        )
    op.create_table(
        "billing_statement_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("statement_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column(
            "section", sa.Enum(*SECTIONS, name="linesection", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("label", sa.String(length=120), nullable=False),
        sa.Column("certificate_kind", sa.String(length=20), nullable=True),
        sa.Column("municipality_code", sa.String(length=6), nullable=True),
        sa.Column("operator_id", sa.String(length=32), nullable=True),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("unit_price", sa.Integer(), nullable=True),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column(
            "tax", sa.Enum(*TAXES, name="taxcategory", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("registration_number", sa.String(length=14), nullable=True),
        sa.Column("reference", sa.String(length=300), nullable=True),
        sa.ForeignKeyConstraint(
            ["statement_id"], ["billing_statement.id"],
            name=op.f("fk_billing_statement_line_statement_id_billing_statement"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_billing_statement_line")),
    )
    op.create_index(
        op.f("ix_billing_statement_line_statement_id"), "billing_statement_line", ["statement_id"]
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_billing_statement_line_statement_id"), "billing_statement_line")
    op.drop_table("billing_statement_line")
    with op.batch_alter_table("issuance_kiosk_operator") as table:
        table.drop_column("invoice_registration_number")
    with op.batch_alter_table("billing_statement") as table:
        table.drop_constraint(op.f("uq_billing_statement_number"), type_="unique")
        table.drop_column("due_on")
        table.drop_column("issued_on")
        table.drop_column("number")
