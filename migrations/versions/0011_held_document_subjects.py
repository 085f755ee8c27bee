"""The people a held document names, stored with it for the download's index check

A document waits minutes between render and download; a DV等支援措置, a death or a move of any
person it names recorded meanwhile must stop it (DOMAIN §3). The render stores their 住民票コード
(and which 戸籍 members it prints as 除籍) with the PDF. Documents held before this migration
have none and are refused at download (fail closed); they expire within their TTL anyway.

Revision ID: 0011_held_document_subjects
Revises: 0010_koseki_layout
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_held_document_subjects"
down_revision = "0010_koseki_layout"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("issuance_document", schema=None) as batch_op:
        batch_op.add_column(sa.Column("subject_codes", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("removed_codes", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("issuance_document", schema=None) as batch_op:
        batch_op.drop_column("removed_codes")
        batch_op.drop_column("subject_codes")
