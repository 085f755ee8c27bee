"""戸籍 as the form lays it out: one person in several 戸籍 of one 本籍地; 氏の振り仮名

A person removed by marriage (除籍) stays in the parents' 戸籍 while current in the couple's,
both at one 本籍地: the membership key becomes (municipality, 住民票コード, 戸籍) with a
``removed`` flag, and a partial unique index keeps one current 戸籍 per person and 本籍地.
The 戸籍 gains 氏の振り仮名. Stored 身分事項 move to typed items where that is lossless
(``{kind, on, detail}`` → ``{kind, items}``); a 続柄 of 夫/妻 becomes the 配偶者区分. What cannot
be converted stays as it was and is refused at print (KOSEKI_ENTRY_UNSUPPORTED) until the
municipality's next import.

Revision ID: 0010_koseki_layout
Revises: 0007_reference_version
Create Date: 2026-11-23
"""

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0010_koseki_layout"
down_revision = "0009_resident_categories"
branch_labels = None
depends_on = None

MEMBER = "municipalities_bcl_koseki_member"
CURRENT = "uq_municipalities_bcl_koseki_member_current"
# The labels each kind held when this migration was written (issuance/koseki_layout.py).
LABELS = {
    "出生": {"出生日", "出生地", "届出日", "届出人", "送付を受けた日", "受理者"},
    "婚姻": {"婚姻日", "配偶者氏名", "送付を受けた日", "受理者", "従前戸籍", "新本籍", "称する氏"},
    "死亡": {"死亡日", "死亡時分", "死亡地", "届出日", "届出人", "送付を受けた日", "受理者"},
}


def _event(event: dict[str, Any]) -> dict[str, Any]:
    kind, on, detail = event.get("kind", ""), event.get("on"), event.get("detail", "")
    if "items" in event or kind not in LABELS or not on:
        return event
    words = detail.split("\u3000") if detail else []
    pairs = dict(zip(words[::2], words[1::2], strict=False))
    if len(words) % 2 or any(label not in LABELS[kind] or "日" in label for label in pairs):
        return event  # not lossless: left for the renderer to refuse
    return {"kind": kind, "items": {f"{kind}日": on, **pairs}}


def _member(member: dict[str, Any]) -> dict[str, Any]:
    converted = {**member, "events": [_event(e) for e in member.get("events", [])]}
    if member.get("relationship") in ("夫", "妻"):
        converted["spouse_role"], converted["relationship"] = member["relationship"], ""
    return converted


def _convert_members() -> None:
    koseki = sa.table("municipalities_bcl_koseki", sa.column("id"), sa.column("members", sa.JSON))
    connection = op.get_bind()
    for koseki_id, members in connection.execute(sa.select(koseki.c.id, koseki.c.members)).all():
        converted = [_member(m) for m in members or []]
        if converted != members:
            connection.execute(
                koseki.update().where(koseki.c.id == koseki_id).values(members=converted)
            )


def upgrade() -> None:
    with op.batch_alter_table("municipalities_bcl_koseki", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("surname_kana", sa.String(length=60), nullable=False, server_default="")
        )
    with op.batch_alter_table(MEMBER, schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("removed", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.drop_constraint(f"pk_{MEMBER}", type_="primary")
        batch_op.create_primary_key(
            f"pk_{MEMBER}", ["municipality_code", "juminhyo_code", "koseki_id"]
        )
    op.create_index(
        CURRENT,
        MEMBER,
        ["municipality_code", "juminhyo_code"],
        unique=True,
        sqlite_where=sa.text("NOT removed"),
        postgresql_where=sa.text("NOT removed"),
    )
    _convert_members()


def downgrade() -> None:
    op.drop_index(CURRENT, table_name=MEMBER)
    op.execute(sa.text(f"DELETE FROM {MEMBER} WHERE removed"))
    with op.batch_alter_table(MEMBER, schema=None) as batch_op:
        batch_op.drop_constraint(f"pk_{MEMBER}", type_="primary")
        batch_op.create_primary_key(f"pk_{MEMBER}", ["municipality_code", "juminhyo_code"])
        batch_op.drop_column("removed")
    with op.batch_alter_table("municipalities_bcl_koseki", schema=None) as batch_op:
        batch_op.drop_column("surname_kana")
