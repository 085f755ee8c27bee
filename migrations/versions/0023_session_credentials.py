"""Which credential signed in (card, Android or iPhone certificate) and how it was checked

``issuance_kiosk_session`` gets ``credential`` (card, android, iphone; sessions before this
revision were all cards) and ``auth_method`` (pin_on_kiosk, biometric_on_device; NULL until
the challenge is answered). The audit's sign-in rows (``issuance_record_access``, purpose
``sign_in``) carry the same two; other purposes leave them NULL.

Revision ID: 0023_session_credentials
Revises: 0022_status_incidents
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0023_session_credentials"
down_revision = "0022_status_incidents"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "issuance_kiosk_session",
        sa.Column("credential", sa.String(10), nullable=False, server_default="card"),
    )
    op.add_column("issuance_kiosk_session", sa.Column("auth_method", sa.String(24)))
    op.add_column("issuance_record_access", sa.Column("credential", sa.String(10)))
    op.add_column("issuance_record_access", sa.Column("auth_method", sa.String(24)))


def downgrade() -> None:
    with op.batch_alter_table("issuance_record_access") as batch:
        batch.drop_column("auth_method")
        batch.drop_column("credential")
    with op.batch_alter_table("issuance_kiosk_session") as batch:
        batch.drop_column("auth_method")
        batch.drop_column("credential")
