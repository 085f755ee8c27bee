"""Reference version: a counter that every write to reference tables bumps

Kiosks, operators, municipalities, offerings, maintenance windows and tariffs are read on
every kiosk call and cached per process (issuance/reference.py). Triggers keep the counter
honest whoever writes: the portal, the CLI, an import, or plain SQL. On SQLite a later
batch migration that rebuilds one of these tables drops its triggers: create them again there.

Revision ID: 0007_reference_version
Revises: 0006_koseki_compiled_on
Create Date: 2026-11-22
"""

from alembic import op
import sqlalchemy as sa

revision = "0007_reference_version"
down_revision = "0006_koseki_compiled_on"
branch_labels = None
depends_on = None

TABLES = (
    "issuance_kiosk",
    "issuance_kiosk_operator",
    "municipalities_municipality",
    "municipalities_certificate_offering",
    "municipalities_maintenance_window",
    "billing_tariff",
)
BUMP = "UPDATE issuance_reference_version SET version = version + 1 WHERE id = 1"


def upgrade() -> None:
    op.create_table(
        "issuance_reference_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("id = 1", name="one_row"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_issuance_reference_version")),
    )
    op.execute("INSERT INTO issuance_reference_version (id, version) VALUES (1, 1)")
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION kofu_bump_reference_version() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN {BUMP}; RETURN NULL; END $$"
        )
        for table in TABLES:
            op.execute(
                f"CREATE TRIGGER {table}_bumps_reference AFTER INSERT OR UPDATE OR DELETE "
                f"OR TRUNCATE ON {table} FOR EACH STATEMENT "
                "EXECUTE FUNCTION kofu_bump_reference_version()"
            )
        return
    for table in TABLES:  # SQLite: row triggers only
        for action in ("insert", "update", "delete"):
            op.execute(
                f"CREATE TRIGGER {table}_bumps_reference_{action} AFTER {action.upper()} "
                f"ON {table} BEGIN {BUMP}; END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in TABLES:
            op.execute(f"DROP TRIGGER {table}_bumps_reference ON {table}")
        op.execute("DROP FUNCTION kofu_bump_reference_version()")
    else:
        for table in TABLES:
            for action in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER {table}_bumps_reference_{action}")
    op.drop_table("issuance_reference_version")
