"""Scheduled changes of what a municipality offers (offered, fee, hours), from a date and time

The offering in effect at a moment is the latest change in effect by then, else the
offering row. The new table is reference data: its writes bump the reference version
(the triggers of 0007), so every process reads a newly scheduled change on its next call.

Revision ID: 0014_offering_changes
Revises: 0013_portal_staff
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

import issuance.db

revision = "0014_offering_changes"
down_revision = "0013_portal_staff"
branch_labels = None
depends_on = None

TABLE = "municipalities_offering_change"
BUMP = "UPDATE issuance_reference_version SET version = version + 1 WHERE id = 1"


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("municipality_code", sa.String(length=6), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("effective_from", issuance.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("offered", sa.Boolean(), nullable=False),
        sa.Column("fee", sa.Integer(), nullable=False),
        sa.Column("opens", sa.Time(), nullable=False),
        sa.Column("closes", sa.Time(), nullable=False),
        sa.Column("weekdays_only", sa.Boolean(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("created_at", issuance.db.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["municipality_code"],
            ["municipalities_municipality.code"],
            name=op.f(
                "fk_municipalities_offering_change_municipality_code_municipalities_municipality"
            ),
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["portal_staff_account.id"],
            name=op.f("fk_municipalities_offering_change_account_id_portal_staff_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_municipalities_offering_change")),
    )
    op.create_index(
        "ix_municipalities_offering_change_when", TABLE, ["municipality_code", "effective_from"]
    )
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
    op.drop_index("ix_municipalities_offering_change_when", table_name=TABLE)
    op.drop_table(TABLE)
