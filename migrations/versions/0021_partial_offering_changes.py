"""A scheduled offering change records only what the clerk changed

``offered`` and ``fee`` may be NULL (left as it is), and each day class gets
``<class>_changed``: false keeps that class's hours as they are (its pair NULL). The offering
in effect at a moment is the base offering with every change in effect by then applied in
``effective_from`` order, field by field. Rows already stored were full snapshots: they keep
every field set (``<class>_changed`` true), which keeps their meaning. On SQLite the batch
rebuild drops the table's reference-version triggers: they are created again.

Revision ID: 0021_partial_offering_changes
Revises: 0020_refusal_counts
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0021_partial_offering_changes"
down_revision = "0020_refusal_counts"
branch_labels = None
depends_on = None

CHANGE = "municipalities_offering_change"
CLASSES = ("weekday", "saturday", "holiday")
BUMP = "UPDATE issuance_reference_version SET version = version + 1 WHERE id = 1"


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def _triggers(create: bool) -> None:
    if not _sqlite():
        if create:
            op.execute(
                f"CREATE TRIGGER {CHANGE}_bumps_reference AFTER INSERT OR UPDATE OR DELETE "
                f"OR TRUNCATE ON {CHANGE} FOR EACH STATEMENT "
                "EXECUTE FUNCTION kofu_bump_reference_version()"
            )
        else:
            op.execute(f"DROP TRIGGER IF EXISTS {CHANGE}_bumps_reference ON {CHANGE}")
        return
    for action in ("insert", "update", "delete"):
        if create:
            op.execute(
                f"CREATE TRIGGER {CHANGE}_bumps_reference_{action} AFTER {action.upper()} "
                f"ON {CHANGE} BEGIN {BUMP}; END"
            )
        else:
            op.execute(f"DROP TRIGGER IF EXISTS {CHANGE}_bumps_reference_{action}")


def upgrade() -> None:
    _triggers(create=False)
    with op.batch_alter_table(CHANGE) as batch:
        for cls in CLASSES:
            batch.add_column(
                sa.Column(f"{cls}_changed", sa.Boolean(), nullable=False, server_default=sa.true())
            )
        batch.alter_column("offered", existing_type=sa.Boolean(), nullable=True)
        batch.alter_column("fee", existing_type=sa.Integer(), nullable=True)
        for cls in CLASSES:
            batch.create_check_constraint(
                f"{cls}_change", f"{cls}_changed OR ({cls}_opens IS NULL AND {cls}_closes IS NULL)"
            )
    _triggers(create=True)


def downgrade() -> None:
    # A partial change cannot be told apart as a snapshot: downgrading loses what it left.
    _triggers(create=False)
    op.execute(f"DELETE FROM {CHANGE} WHERE offered IS NULL OR fee IS NULL")
    op.execute(
        f"DELETE FROM {CHANGE} WHERE " + " OR ".join(f"NOT {cls}_changed" for cls in CLASSES)
    )
    with op.batch_alter_table(CHANGE) as batch:
        for cls in CLASSES:
            batch.drop_constraint(f"{cls}_change", type_="check")
        batch.alter_column("offered", existing_type=sa.Boolean(), nullable=False)
        batch.alter_column("fee", existing_type=sa.Integer(), nullable=False)
        for cls in CLASSES:
            batch.drop_column(f"{cls}_changed")
    _triggers(create=True)
