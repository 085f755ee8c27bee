"""Tariff amounts as 64-bit integers: a hub's yearly cost or a city's set-up cost passes ¥2.1bn

Revision ID: 0026_tariff_amount_bigint
Revises: 0025_pin_reset_reservations
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0026_tariff_amount_bigint"
down_revision = "0025_pin_reset_reservations"
branch_labels = None
depends_on = None


def _sqlite() -> bool:
    # SQLite's INTEGER already holds 64 bits, and a batch rebuild of the table would drop its
    # reference-bump triggers (migrations of the reference tables): nothing to do there.
    return op.get_bind().dialect.name == "sqlite"


def upgrade() -> None:
    if _sqlite():
        return
    with op.batch_alter_table("billing_tariff") as batch_op:
        batch_op.alter_column(
            "amount", existing_type=sa.Integer(), type_=sa.BigInteger(), existing_nullable=False
        )


def downgrade() -> None:
    if _sqlite():
        return
    with op.batch_alter_table("billing_tariff") as batch_op:
        batch_op.alter_column(
            "amount", existing_type=sa.BigInteger(), type_=sa.Integer(), existing_nullable=False
        )
