"""Every resident the law knows: 旧氏, the 第30条の45 categories, the seal's name, the 附票's 性別

BCL residents get 旧氏 and its 振り仮名; their `foreign` JSON takes the shape of its
category (issuance/foreign_residents.py): a stored 中長期在留者 of the old shape is rewritten,
with 外国人住民となった年月日 taken from the 住民となった年月日 the old 住民票 printed in its
place. Any other old shape is left as it was: reading it refuses the request with
RECORD_UNPRINTABLE until the municipality uploads its next extract. Seals record which name
they were registered in; the 附票 gets 氏名の振り仮名 and 男女の別, filled from the 戸籍.

Revision ID: 0009_resident_categories
Revises: 0007_reference_version
Create Date: 2026-11-29
"""

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0009_resident_categories"
down_revision = "0008_resident_index"
branch_labels = None
depends_on = None

PERSON = sa.table(
    "municipalities_bcl_person",
    sa.column("juminhyo_code", sa.String),
    sa.column("became_resident_on", sa.Date),
    sa.column("foreign", sa.JSON),
)
FUHYO = sa.table(
    "municipalities_bcl_fuhyo",
    sa.column("municipality_code", sa.String),
    sa.column("juminhyo_code", sa.String),
    sa.column("koseki_id", sa.String),
    sa.column("sex", sa.String),
)
KOSEKI = sa.table("municipalities_bcl_koseki", sa.column("id", sa.String), sa.column("members", sa.JSON))


def _category_shape(old: dict[str, Any], became: Any) -> dict[str, Any] | None:
    """The old single shape as a 中長期在留者, or None when it was something else."""
    if "category" in old or old.get("article_30_45", "中長期在留者") != "中長期在留者":
        return None
    new = {
        "category": "中長期在留者",
        "nationality": old.get("nationality"),
        "became_foreign_resident_on": became.isoformat(),
        "status_of_residence": old.get("status_of_residence"),
        "residence_card_number": old.get("residence_card_number"),
    }
    for key in ("period_of_stay", "period_expires_on", "alias"):
        if old.get(key):
            new[key] = old[key]
    return new


def _rewrite_foreign(bind: Any) -> None:
    rows = bind.execute(sa.select(PERSON).where(PERSON.c.foreign.is_not(None))).all()
    for code, became, old in rows:
        new = _category_shape(old, became) if old else None
        if new is not None:
            bind.execute(PERSON.update().where(PERSON.c.juminhyo_code == code).values(foreign=new))


def _fill_fuhyo_sex(bind: Any) -> None:
    sexes = {
        member["juminhyo_code"]: member["sex"]
        for _, members in bind.execute(sa.select(KOSEKI)).all()
        for member in members or ()
        if member.get("juminhyo_code")
    }
    for municipality, code, _, _ in bind.execute(sa.select(FUHYO)).all():
        if code in sexes:
            bind.execute(
                FUHYO.update()
                .where(FUHYO.c.municipality_code == municipality, FUHYO.c.juminhyo_code == code)
                .values(sex=sexes[code])
            )


def upgrade() -> None:
    with op.batch_alter_table("municipalities_bcl_person", schema=None) as batch_op:
        batch_op.add_column(sa.Column("former_surname", sa.String(30), nullable=True))
        batch_op.add_column(sa.Column("former_surname_kana", sa.String(60), nullable=True))
    with op.batch_alter_table("municipalities_bcl_seal", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("registered_in", sa.String(10), nullable=False, server_default="氏名")
        )
    with op.batch_alter_table("municipalities_bcl_fuhyo", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("name_kana", sa.String(120), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("sex", sa.String(2), nullable=True))
    bind = op.get_bind()
    _rewrite_foreign(bind)
    _fill_fuhyo_sex(bind)


def downgrade() -> None:
    with op.batch_alter_table("municipalities_bcl_fuhyo", schema=None) as batch_op:
        batch_op.drop_column("sex")
        batch_op.drop_column("name_kana")
    with op.batch_alter_table("municipalities_bcl_seal", schema=None) as batch_op:
        batch_op.drop_column("registered_in")
    with op.batch_alter_table("municipalities_bcl_person", schema=None) as batch_op:
        batch_op.drop_column("former_surname_kana")
        batch_op.drop_column("former_surname")
