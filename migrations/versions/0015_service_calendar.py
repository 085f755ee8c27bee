"""Service hours by day class (平日 / 土曜 / 日曜・祝日) and effective-dated municipal settings

An offering (and a scheduled offering change) now carries a time range, or none (closed), for
weekdays, Saturdays, and Sundays with national holidays, instead of one range and a
"weekdays only" flag. The data keeps its meaning: weekdays_only = true becomes Saturday and
Sunday/holiday closed; otherwise the one range applies to all three classes (as before).

The 戸籍 利用登録 delay and the 課税証明書 wide-area opt-in get scheduled changes from a date
and time (``municipalities_setting_change``), reference data with the 0007 triggers. On SQLite
the batch rebuild of the two offering tables drops their triggers: they are created again.

Revision ID: 0015_service_calendar
Revises: 0014_offering_changes
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

import issuance.db

revision = "0015_service_calendar"
down_revision = "0014_offering_changes"
branch_labels = None
depends_on = None

OFFERING = "municipalities_certificate_offering"
CHANGE = "municipalities_offering_change"
SETTING = "municipalities_setting_change"
CLASSES = ("weekday", "saturday", "holiday")
BUMP = "UPDATE issuance_reference_version SET version = version + 1 WHERE id = 1"


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def _triggers(table: str, create: bool) -> None:
    if not _sqlite():
        if create:
            op.execute(
                f"CREATE TRIGGER {table}_bumps_reference AFTER INSERT OR UPDATE OR DELETE "
                f"OR TRUNCATE ON {table} FOR EACH STATEMENT "
                "EXECUTE FUNCTION kofu_bump_reference_version()"
            )
        else:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_bumps_reference ON {table}")
        return
    for action in ("insert", "update", "delete"):
        if create:
            op.execute(
                f"CREATE TRIGGER {table}_bumps_reference_{action} AFTER {action.upper()} "
                f"ON {table} BEGIN {BUMP}; END"
            )
        else:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_bumps_reference_{action}")


def _checks(batch: object, table: str) -> None:
    for cls in CLASSES:
        opens, closes = f"{cls}_opens", f"{cls}_closes"
        batch.create_check_constraint(  # type: ignore[attr-defined]
            f"{cls}_hours",
            f"({opens} IS NULL AND {closes} IS NULL) OR "
            f"({opens} IS NOT NULL AND {closes} IS NOT NULL AND {closes} > {opens})",
        )


def upgrade() -> None:
    for table in (OFFERING, CHANGE):
        _triggers(table, create=False)
        with op.batch_alter_table(table) as batch:
            for cls in CLASSES:
                batch.add_column(sa.Column(f"{cls}_opens", sa.Time(), nullable=True))
                batch.add_column(sa.Column(f"{cls}_closes", sa.Time(), nullable=True))
        op.execute(f"UPDATE {table} SET weekday_opens = opens, weekday_closes = closes")
        op.execute(
            f"UPDATE {table} SET saturday_opens = opens, saturday_closes = closes, "
            "holiday_opens = opens, holiday_closes = closes WHERE NOT weekdays_only"
        )
        with op.batch_alter_table(table) as batch:
            batch.drop_column("opens")
            batch.drop_column("closes")
            batch.drop_column("weekdays_only")
            _checks(batch, table)
        _triggers(table, create=True)

    op.create_table(
        SETTING,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("municipality_code", sa.String(length=6), nullable=False),
        sa.Column("effective_from", issuance.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("koseki_registration_days", sa.Integer(), nullable=False),
        sa.Column("wide_area_tax", sa.Boolean(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("created_at", issuance.db.UtcDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "koseki_registration_days BETWEEN 0 AND 30", name="registration_days_bounded"
        ),
        sa.ForeignKeyConstraint(
            ["municipality_code"],
            ["municipalities_municipality.code"],
            name=op.f(
                "fk_municipalities_setting_change_municipality_code_municipalities_municipality"
            ),
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["portal_staff_account.id"],
            name=op.f("fk_municipalities_setting_change_account_id_portal_staff_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_municipalities_setting_change")),
    )
    op.create_index(
        "ix_municipalities_setting_change_when",
        SETTING,
        ["municipality_code", "effective_from"],
        unique=True,  # one change from one moment, even for two posts racing
    )
    _triggers(SETTING, create=True)


def downgrade() -> None:
    _triggers(SETTING, create=False)
    op.drop_index("ix_municipalities_setting_change_when", table_name=SETTING)
    op.drop_table(SETTING)
    for table in (OFFERING, CHANGE):
        _triggers(table, create=False)
        with op.batch_alter_table(table) as batch:
            for cls in CLASSES:
                batch.drop_constraint(f"{cls}_hours", type_="check")
            batch.add_column(sa.Column("opens", sa.Time(), nullable=True))
            batch.add_column(sa.Column("closes", sa.Time(), nullable=True))
            batch.add_column(
                sa.Column("weekdays_only", sa.Boolean(), nullable=False, server_default=sa.false())
            )
        # A weekday closed had no meaning before: the kind was simply not offered then.
        op.execute(
            f"UPDATE {table} SET opens = COALESCE(weekday_opens, '06:30:00'), "
            "closes = COALESCE(weekday_closes, '23:00:00'), "
            "weekdays_only = (saturday_opens IS NULL AND holiday_opens IS NULL)"
        )
        with op.batch_alter_table(table) as batch:
            batch.alter_column("opens", nullable=False)
            batch.alter_column("closes", nullable=False)
            for cls in CLASSES:
                batch.drop_column(f"{cls}_opens")
                batch.drop_column(f"{cls}_closes")
        _triggers(table, create=True)
