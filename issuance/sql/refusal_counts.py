"""The refusal counters in SQL: one upsert per refusal, PostgreSQL or SQLite."""

from __future__ import annotations

from datetime import date

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from issuance.refusal_counts import RefusalCount

KEY = ["day", "municipality_code", "certificate_kind", "refusal_code"]


class SqlRefusalCounts:
    def __init__(self, session: Session) -> None:
        self.session = session

    def increment(self, day: date, municipality_code: str, kind: str, code: str) -> None:
        """``INSERT … ON CONFLICT DO UPDATE SET count = count + 1`` in a savepoint: concurrent
        refusals each add one, and a failure leaves the caller's transaction usable."""
        dialect = self.session.get_bind().dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        row = {
            "day": day,
            "municipality_code": municipality_code,
            "certificate_kind": kind,
            "refusal_code": code,
            "count": 1,
        }
        statement = insert(RefusalCount).values(row)
        statement = statement.on_conflict_do_update(
            index_elements=KEY, set_={"count": RefusalCount.count + 1}
        )
        with self.session.begin_nested():
            self.session.execute(statement)
