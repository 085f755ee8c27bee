"""Kiosk sessions and record-access audit rows name the card's generation

``issuance_kiosk_session.card_generation``: ``rsa2048`` (today's card) or ``p384`` (the
next-generation card, ECDSA P-384 / SHA-384, planned FY2028), set from the card's certificate
at sign-in; every session so far was a today's card. ``issuance_record_access.card_generation``:
the generation of the card whose session read the record (NULL for rows written before, and
for reads made without a card).

Revision ID: 0024_card_generation
Revises: 0023_session_credentials
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0024_card_generation"
down_revision = "0023_session_credentials"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "issuance_kiosk_session",
        sa.Column("card_generation", sa.String(10), nullable=False, server_default="rsa2048"),
    )
    op.add_column(
        "issuance_record_access", sa.Column("card_generation", sa.String(10), nullable=True)
    )


def downgrade() -> None:
    with op.batch_alter_table("issuance_record_access") as batch:
        batch.drop_column("card_generation")
    with op.batch_alter_table("issuance_kiosk_session") as batch:
        batch.drop_column("card_generation")
