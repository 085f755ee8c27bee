"""`kofu demo history` (run by `make run`) gives a new user's portal something to show: three
closed months, the last a draft, statements whose lines add up, the BCL members' extracts
noted; running it again changes nothing."""

from __future__ import annotations

from click.testing import CliRunner
from sqlalchemy import func, select

from billing.model import BillingEvent, PeriodStatus, Statement
from billing.statement_document import lines_for
from centre.bootstrap import Platform
from cli.main import main
from municipalities.bcl_history import last_import_at


def test_three_months_of_history_once(platform: Platform, settings) -> None:  # type: ignore[no-untyped-def]
    env = {"KOFU_DATA_DIR": str(settings.data_dir)}
    first = CliRunner().invoke(main, ["demo", "history"], env=env)
    assert first.exit_code == 0, first.output
    with platform.uow() as uow:
        events = uow.session.scalar(select(func.count(BillingEvent.id)))
        statements = uow.session.scalars(select(Statement)).all()
        months = sorted({s.month for s in statements})
        assert len(months) == 3
        for s in statements:
            assert (s.status is PeriodStatus.FINAL) == (s.month != months[-1])
            assert sum(line.amount for line in lines_for(uow, s)) == s.net
        assert last_import_at(uow, "131016") is not None
    again = CliRunner().invoke(main, ["demo", "history"], env=env)
    assert "already there" in again.output
    with platform.uow() as uow:
        assert uow.session.scalar(select(func.count(BillingEvent.id))) == events
