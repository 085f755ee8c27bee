"""Incidents declared on the public status page (no resident: public text only); an index
for the page's failing backends (recent requests by failure code)

Not reference data (no trigger): the status page reads it on every answer.

Revision ID: 0022_status_incidents
Revises: 0021_partial_offering_changes
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0022_status_incidents"
down_revision = "0021_partial_offering_changes"
branch_labels = None
depends_on = None

TABLE = "municipalities_status_incident"
REQUESTS = "issuance_certificate_request"
FAILURES = "ix_issuance_certificate_request_failure_code_updated_at"


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("municipality_code", sa.String(length=6), nullable=True),
        sa.Column("message_ja", sa.String(length=200), nullable=False),
        sa.Column("message_en", sa.String(length=200), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_municipalities_status_incident")),
    )
    op.create_index(
        op.f("ix_municipalities_status_incident_municipality_code"), TABLE, ["municipality_code"]
    )
    op.create_index(FAILURES, REQUESTS, ["failure_code", "updated_at"])


def downgrade() -> None:
    op.drop_index(FAILURES, table_name=REQUESTS)
    op.drop_index(op.f("ix_municipalities_status_incident_municipality_code"), table_name=TABLE)
    op.drop_table(TABLE)
