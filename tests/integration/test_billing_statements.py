"""The ledger through the kiosk flow, the monthly close, final statements and corrections."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from billing.ledger import Correction, month_of, record_correction
from billing.model import BillingEvent, EventType, PartyKind, Statement, StatementFinalError
from billing.months import JST
from billing.statements import close_month, statements_csv, statements_of, statements_pdf
from billing.tariffs import TariffBook
from centre.bootstrap import Platform
from issuance.codes import with_check_digit
from municipalities.profiles import SqlMunicipalityProfiles
from tests.support.kiosk import TestKiosk
from tests.support.pdf import pdf_text

SOKA = with_check_digit("11221", "municipality")
KUMIYAMA = with_check_digit("26322", "municipality")
OCTOBER = datetime(2026, 10, 15, 3, 0, tzinfo=UTC)


def add_event(
    platform: Platform,
    n: int,
    code: str,
    operator: str,
    at: datetime = OCTOBER,
    copies: int = 1,
    fee: int = 200,
    commission: int = 117,
) -> None:
    with platform.uow() as uow:
        uow.session.add(
            BillingEvent(
                request_id=f"t{n:08d}",
                event_type=EventType.ISSUE,
                municipality_code=code,
                kiosk_id="K0001",
                operator_id=operator,
                channel="store",
                certificate_kind="juminhyo",
                copies=copies,
                fee_total=fee * copies,
                commission_total=commission * copies,
                occurred_at=at,
                accounting_month=month_of(at),
            )
        )
        uow.commit()


def close(platform: Platform, month: str, final: bool = False) -> dict[str, Statement]:
    with platform.uow() as uow:
        statements = close_month(
            uow, month, SqlMunicipalityProfiles(), TariffBook(), platform.now(), final
        )
        return {s.party_id: s for s in statements}


def test_a_printed_certificate_is_in_the_ledger_exactly_once(
    kiosk: TestKiosk, cards: Path, platform: Platform
) -> None:
    ready, _ = kiosk.issue(cards / "yamada-taro.json")
    for _ in range(3):  # the kiosk retries its confirmation
        kiosk.call("POST", kiosk.path(ready["request_id"], "/confirmation"), {"result": "printed"})
    with platform.uow() as uow:
        events = uow.session.scalars(
            select(BillingEvent).where(BillingEvent.request_id == ready["request_id"])
        ).all()
    assert [e.event_type for e in events] == [EventType.ISSUE]
    assert events[0].accounting_month == month_of(platform.now())
    month = month_of(platform.now())
    statements = close(platform, month)
    assert statements["seven"].issues == 1 and statements["seven"].commission == 117


def test_the_monthly_close_sums_per_municipality_and_per_operator(platform: Platform) -> None:
    for n in range(3):
        add_event(platform, n, SOKA, "seven")
    add_event(platform, 3, SOKA, "lawson", copies=2, fee=150)
    add_event(platform, 4, KUMIYAMA, "lawson", fee=100)
    add_event(platform, 5, KUMIYAMA, "seven", at=datetime(2026, 11, 1, 1, tzinfo=UTC))  # Nov JST
    by_party = close(platform, "2026-10")
    soka, kumiyama = by_party[SOKA], by_party[KUMIYAMA]
    assert (soka.issues, soka.copies, soka.fees_collected, soka.commission) == (4, 5, 900, 585)
    assert soka.contribution_share == 416_666  # ¥5M a year, October's twelfth
    assert soka.jpki_cost == 8
    assert soka.net == 900 - 585 - 416_666 - 8
    assert (kumiyama.issues, kumiyama.fees_collected) == (1, 100)
    assert kumiyama.contribution_share == 83_333
    seven, lawson = by_party["seven"], by_party["lawson"]
    assert (seven.issues, seven.fees_collected, seven.commission) == (3, 600, 351)
    assert (lawson.issues, lawson.fees_collected, lawson.net) == (2, 400, 400 - 351)


def test_a_final_statement_never_changes_and_a_correction_goes_to_the_next_open_month(
    platform: Platform,
) -> None:
    add_event(platform, 1, SOKA, "seven")
    close(platform, "2026-10", final=True)
    with pytest.raises(StatementFinalError):
        close(platform, "2026-10")
    with platform.uow() as uow:
        soka = statements_of(uow, "2026-10", PartyKind.MUNICIPALITY, SOKA)[0]
        soka.fees_collected = 0
        with pytest.raises(StatementFinalError):
            uow.commit()
    # A refund of that certificate, and a print confirmed late for October.
    with platform.uow() as uow:
        month = record_correction(
            uow,
            Correction(
                SOKA,
                "seven",
                "store",
                "juminhyo",
                "misprint refunded",
                issues=-1,
                copies=-1,
                fee_total=-200,
                commission_total=-117,
                corrects_request_id="t00000001",
                concerns_month="2026-10",
            ),
            OCTOBER + timedelta(days=20),
        )
    assert month == "2026-11"
    with platform.uow() as uow:
        platform.ledger.record_issue(uow, _fact("late-1", OCTOBER))
        uow.commit()
    november = close(platform, "2026-11")
    with platform.uow() as uow:
        october = statements_of(uow, "2026-10", PartyKind.MUNICIPALITY, SOKA)[0]
    assert (october.issues, october.fees_collected) == (1, 200)
    assert (november[SOKA].issues, november[SOKA].fees_collected) == (0, 0)  # refund + late print


def _fact(request_id: str, at: datetime):  # type: ignore[no-untyped-def]
    from issuance.ports import IssueFact

    return IssueFact(request_id, SOKA, "K0001", "juminhyo", 1, 200, at)


def test_statements_come_as_csv_and_as_a_pdf(platform: Platform) -> None:
    add_event(platform, 1, SOKA, "seven")
    close(platform, "2026-10", final=True)
    with platform.uow() as uow:
        found = statements_of(uow, "2026-10")
        csv_text, pdf = statements_csv(found), statements_pdf(found[:2])
    assert csv_text.splitlines()[0].startswith("month,party_kind,party_id")
    assert f"2026-10,municipality,{SOKA},草加市,final,1,1,200,117,416666,2," in csv_text
    text = pdf_text(pdf)
    assert "月次明細書" in text and "確定" in text


def billing_cli(settings, *args: str):  # type: ignore[no-untyped-def]
    from click.testing import CliRunner

    from cli.main import main

    env = {"KOFU_DATA_DIR": str(settings.data_dir)}
    return CliRunner().invoke(main, ["billing", *args], env=env)


def test_a_correction_from_the_command_line_is_an_adjusting_entry_in_the_next_open_month(
    platform: Platform,
    settings,  # type: ignore[no-untyped-def]
) -> None:
    add_event(platform, 1, SOKA, "seven", copies=2)
    close(platform, "2026-10", final=True)
    partial = billing_cli(
        settings, "correct", "--request", "t00000001", "--reason", "fee", "--amount", "-100"
    )
    assert "in 2026-11: issues +0, fees ¥-100" in partial.output, partial.output
    for amount in ("-99999", "150", "0"):  # beyond what was charged, more than was refunded
        wrong = billing_cli(
            settings, "correct", "--request", "t00000001", "--reason", "x", "--amount", amount
        )
        assert wrong.exit_code == 1, wrong.output
        assert "BILLING_CORRECTION_AMOUNT_OUT_OF_RANGE" in wrong.output and "範囲外" in wrong.output
    reversed_ = billing_cli(settings, "correct", "--request", "t00000001", "--reason", "misprint")
    assert reversed_.exit_code == 0, reversed_.output
    assert "in 2026-11: issues -1, fees ¥-300, commission ¥-234" in reversed_.output
    for again in (
        billing_cli(settings, "correct", "--request", "t00000001", "--reason", "twice"),
        billing_cli(
            settings, "correct", "--request", "t00000001", "--reason", "x", "--amount", "-1"
        ),
    ):
        assert again.exit_code == 1 and "BILLING_CORRECTION_ALREADY_REVERSED" in again.output
    unknown = billing_cli(settings, "correct", "--request", "nope", "--reason", "x")
    assert "BILLING_CORRECTION_NO_CERTIFICATE" in unknown.output
    with platform.uow() as uow:
        event = uow.session.scalars(select(BillingEvent)).one()
        october = statements_of(uow, "2026-10", PartyKind.MUNICIPALITY, SOKA)[0]
    assert (event.copies, event.fee_total) == (2, 400)  # the event itself is never edited
    assert (october.issues, october.fees_collected) == (1, 400)
    november = close(platform, "2026-11")
    assert (november[SOKA].issues, november[SOKA].copies) == (-1, -2)
    assert november[SOKA].fees_collected == -400  # what was charged, given back: no more
    assert november["seven"].commission == -234


def test_a_month_is_closed_only_as_typed_and_only_once_it_has_ended(
    platform: Platform,
    settings,  # type: ignore[no-untyped-def]
) -> None:
    from billing.model import BillingPeriod

    current = platform.now().astimezone(JST).strftime("%Y-%m")
    for typed in ("2025-13", "abc", "2025/05", "2025-05-01", "2025-5", "1925-05", ""):
        answer = billing_cli(settings, "close", "--month", typed)
        assert answer.exit_code == 1 and "BILLING_MONTH_INVALID" in answer.output, typed
    future = billing_cli(settings, "close", "--month", "2099-12", "--final")
    assert "BILLING_MONTH_NOT_BEGUN" in future.output
    unfinished = billing_cli(settings, "close", "--month", current, "--final")
    assert "BILLING_MONTH_NOT_OVER" in unfinished.output and "下書き" in unfinished.output
    with platform.uow() as uow:
        assert uow.session.scalars(select(BillingPeriod)).all() == []  # nothing was written
    draft = billing_cli(settings, "close", "--month", current)
    assert draft.exit_code == 0 and "(draft)" in draft.output


TARIFF_HEADER = (
    "tariff,subject,certificate_kind,amount,valid_from,valid_until,amortise_years,note\n"
)


def test_a_tariff_file_with_bad_rows_changes_nothing_and_names_every_bad_row(
    platform: Platform,
    settings,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    from billing.model import Tariff

    bad = tmp_path / "bad.csv"
    bad.write_text(
        TARIFF_HEADER + f"kiosk_fee,{SOKA},juminhyo,10,2026-04-01,2027-04-01,,campaign\n"
        f"kiosk_fe,{SOKA},juminhyo,10,2026-04-01,,,typo\n"
        "commission,seven,*,-5,2026-04-01,,,\n"
        f"own_cost_initial,{SOKA},*,1000,2026-13-01,,0,\n"
    )
    result = billing_cli(settings, "tariffs", "load", str(bad))
    assert result.exit_code != 0 and "nothing was loaded" in result.output
    for line in ("line 3: tariff: not one of", "line 4: amount: too small", "line 5: valid_from"):
        assert line in result.output
    with platform.uow() as uow:
        assert uow.session.scalars(select(Tariff).where(Tariff.note == "campaign")).all() == []
    good = tmp_path / "good.csv"
    good.write_text(TARIFF_HEADER + f"kiosk_fee,{SOKA},juminhyo,10,2026-04-01,2027-04-01,,\n")
    loaded = billing_cli(settings, "tariffs", "load", str(good))
    assert "1 tariffs loaded" in loaded.output, loaded.output
    from billing.tariffs import load_tariffs

    with platform.uow() as uow:
        book = load_tariffs(uow)
    assert book.fee(SOKA, "juminhyo", OCTOBER.date()) == 10


def test_a_tariff_file_is_checked_against_who_and_what_exists(
    platform: Platform,
    settings,  # type: ignore[no-untyped-def]
    tmp_path: Path,
) -> None:
    """Every case a new user loaded without complaint before: each row names its problem."""
    from billing.model import Tariff

    bad = tmp_path / "bad.csv"
    bad.write_text(
        TARIFF_HEADER + "commission,famima,*,117,2026-04-01,,,\n"  # 2: no such operator
        "contribution,town_vilage,*,900000,2026-04-01,,,\n"  # 3: a class typo
        "kiosk_fee,999999,juminhyo,200,2026-04-01,,,\n"  # 4: no such municipality
        "commission,seven,*,99999999,2026-04-01,,,\n"  # 5: a ¥99,999,999 commission
        f"kiosk_fee,{SOKA},juminhyo,100,2026-05-01,,,\n"  # 6 and 7: one price, one day, twice
        f"kiosk_fee,{SOKA},juminhyo,150,2026-05-01,,,\n"
        "jpki_check,seven,*,2,2026-04-01,,,\n"  # 8: checks are priced for everyone
        "participation,*,*,1,2026-04-01,,,\n"  # 9: whose participation?
        "hub_cost_yearly,*,*,3600000000,2026-04-01,,,\n",  # 10: the hub's cost is the hub's
        encoding="utf-8",
    )
    result = billing_cli(settings, "tariffs", "load", str(bad))
    assert result.exit_code == 1 and "nothing was loaded" in result.output
    for expected in (
        "line 2: subject: not a registered kiosk operator",
        "line 3: subject: not a contribution class",
        "line 4: subject: not a known municipality code",
        "line 5: amount: above its plausible limit",
        "line 6: valid_from: another row prices the same thing",
        "line 7: valid_from: another row prices the same thing",
        "line 8: subject: this tariff applies to everyone",
        "line 9: subject: needs a municipality code",
        "line 10: subject: the hub's own cost: the subject must be hub",
        "10行目 subject: 運営主体の経費です。対象は hub にしてください",  # a clerk reads Japanese
    ):
        assert expected in result.output, expected
    assert "famima" not in result.output and "99999999" not in result.output  # no values
    with platform.uow() as uow:
        assert uow.session.scalars(select(Tariff)).all() == []

    meant = tmp_path / "meant.csv"  # a price above its limit, said to be meant, loads
    meant.write_text(
        TARIFF_HEADER.rstrip("\n") + ",above_limit\n"
        "commission,seven,*,1500,2026-04-01,,,special contract,yes\n"
    )
    assert "1 tariffs loaded" in billing_cli(settings, "tariffs", "load", str(meant)).output
    again = billing_cli(settings, "tariffs", "load", str(meant))
    assert "line 2: valid_from: a tariff for the same thing from the same day" in again.output


def test_tariffs_are_listed_and_one_is_ended_from_a_day_still_to_come(
    platform: Platform,
    settings,  # type: ignore[no-untyped-def]
    tmp_path: Path,
) -> None:
    from billing.tariffs import load_tariffs

    campaign = tmp_path / "campaign.csv"
    campaign.write_text(TARIFF_HEADER + f"kiosk_fee,{SOKA},juminhyo,10,2026-04-01,,,campaign\n")
    assert billing_cli(settings, "tariffs", "load", str(campaign)).exit_code == 0
    listed = billing_cli(settings, "tariffs", "list")
    assert "kiosk_fee" in listed.output and "campaign" in listed.output
    number = listed.output.split()[0]
    today = platform.now().astimezone(JST).date()
    past = billing_cli(settings, "tariffs", "retire", number, "--from", today.isoformat())
    assert past.exit_code == 1 and "TARIFF_RETIRE_IN_PAST" in past.output
    unknown = billing_cli(settings, "tariffs", "retire", "99999", "--from", "2099-01-01")
    assert "TARIFF_UNKNOWN" in unknown.output
    ends = today + timedelta(days=10)
    ended = billing_cli(settings, "tariffs", "retire", number, "--from", ends.isoformat())
    assert ended.exit_code == 0, ended.output
    with platform.uow() as uow:
        book = load_tariffs(uow)
    assert book.fee(SOKA, "juminhyo", ends - timedelta(days=1)) == 10  # the campaign, still
    assert book.fee(SOKA, "juminhyo", ends) == 200  # then the standard fee again
    assert (
        "TARIFF_ALREADY_ENDS"
        in billing_cli(
            settings, "tariffs", "retire", number, "--from", (ends + timedelta(days=5)).isoformat()
        ).output
    )
