"""Issuer identity from a date and time: the mayor's title and name, the masthead, the 公印

The identity in effect at a moment is the latest row in effect by then, else the
municipality's own mayor columns with the drawn seal. The table is reference data: its
writes bump the reference version (the triggers of 0007), so every process prints a newly
scheduled mayor or seal on its next call.

Revision ID: 0016_issuer_identity
Revises: 0015_service_calendar
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

import issuance.db

revision = "0016_issuer_identity"
down_revision = "0015_service_calendar"
branch_labels = None
depends_on = None

TABLE = "municipalities_issuer_identity"
INDEX = "ix_municipalities_issuer_identity_when"
BUMP = "UPDATE issuance_reference_version SET version = version + 1 WHERE id = 1"


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("municipality_code", sa.String(length=6), nullable=False),
        sa.Column("effective_from", issuance.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("mayor_title", sa.String(length=40), nullable=False),
        sa.Column("mayor_name", sa.String(length=40), nullable=False),
        sa.Column("header", sa.String(length=60), nullable=False),
        sa.Column("seal_png", sa.LargeBinary(), nullable=True),
        sa.Column("seal_sha256", sa.String(length=64), nullable=True),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("created_at", issuance.db.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["municipality_code"],
            ["municipalities_municipality.code"],
            name=op.f(
                "fk_municipalities_issuer_identity_municipality_code_municipalities_municipality"
            ),
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["portal_staff_account.id"],
            name=op.f("fk_municipalities_issuer_identity_account_id_portal_staff_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_municipalities_issuer_identity")),
    )
    op.create_index(INDEX, TABLE, ["municipality_code", "effective_from"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"CREATE TRIGGER {TABLE}_bumps_reference AFTER INSERT OR UPDATE OR DELETE "
            f"OR TRUNCATE ON {TABLE} FOR EACH STATEMENT "
            "EXECUTE FUNCTION kofu_bump_reference_version()"
        )
        return
    for action in ("insert", "update", "delete"):
        op.execute(
            f"CREATE TRIGGER {TABLE}_bumps_reference_{action} AFTER {action.upper()} "
            f"ON {TABLE} BEGIN {BUMP}; END"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP TRIGGER {TABLE}_bumps_reference ON {TABLE}")
    else:
        for action in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER {TABLE}_bumps_reference_{action}")
    op.drop_index(INDEX, table_name=TABLE)
    op.drop_table(TABLE)
