"""Every delivered request settles: the download's time, the `unconfirmed` state and status

A request records when it was downloaded (``delivered_at``: the start of the confirmation
wait and grace, and the month a late-confirmed print is billed in). Requests already
delivered take their last update as that time. The issued-document register's status grows
to 20 characters for ``unconfirmed`` (a paper downloaded whose print is not confirmed yet);
SQLite does not enforce VARCHAR lengths, so only PostgreSQL's column changes. The request's
new ``unconfirmed`` state fits its VARCHAR(20) as it is.

Revision ID: 0012_print_settlement
Revises: 0011_held_document_subjects
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

import issuance.db

revision = "0012_print_settlement"
down_revision = "0011_held_document_subjects"
branch_labels = None
depends_on = None

REQUEST = "issuance_certificate_request"
REGISTER = "issuance_issued_document"


def upgrade() -> None:
    op.add_column(REQUEST, sa.Column("delivered_at", issuance.db.UtcDateTime(timezone=True)))
    op.execute(
        f"UPDATE {REQUEST} SET delivered_at = updated_at "
        "WHERE state = 'delivered'"
    )
    if op.get_bind().dialect.name == "postgresql":
        op.alter_column(REGISTER, "status", type_=sa.String(20), existing_nullable=False)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"UPDATE {REGISTER} SET status = 'pending' WHERE status = 'unconfirmed'")
        op.alter_column(REGISTER, "status", type_=sa.String(10), existing_nullable=False)
    op.execute(f"UPDATE {REQUEST} SET state = 'delivered' WHERE state = 'unconfirmed'")
    with op.batch_alter_table(REQUEST) as batch:
        batch.drop_column("delivered_at")
