"""The centre's operations: staff invitations, and a municipality's suspension

An invited account holds the SHA-256 digest of its single-use invitation link and when the
link expires, until the invitee sets a password and enrols TOTP. A suspended municipality
keeps taking part but its residents are refused at kiosks (MUNICIPALITY_SUSPENDED) from its
``suspended_at``. The municipality table already bumps the reference version (0007), so every
process sees a suspension on its next call; adding a column keeps its triggers on both
PostgreSQL and SQLite (no table rebuild).

Revision ID: 0018_centre_operations
Revises: 0017_statement_documents
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

import issuance.db

revision = "0018_centre_operations"
down_revision = "0017_statement_documents"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "portal_staff_account", sa.Column("invitation_digest", sa.String(length=64), nullable=True)
    )
    op.add_column(
        "portal_staff_account",
        sa.Column("invitation_expires_at", issuance.db.UtcDateTime(timezone=True), nullable=True),
    )
    op.create_index(
        "ix_portal_staff_account_invitation_digest",
        "portal_staff_account",
        ["invitation_digest"],
        unique=True,
    )
    op.add_column(
        "municipalities_municipality",
        sa.Column("suspended_at", issuance.db.UtcDateTime(timezone=True), nullable=True),
    )


def downgrade() -> None:
    op.drop_column("municipalities_municipality", "suspended_at")
    op.drop_index("ix_portal_staff_account_invitation_digest", table_name="portal_staff_account")
    op.drop_column("portal_staff_account", "invitation_expires_at")
    op.drop_column("portal_staff_account", "invitation_digest")
