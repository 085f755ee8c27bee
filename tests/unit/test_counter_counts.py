"""Counter-count files as Excel writes them: read whole, every problem named by row, column
and code, never by value."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from billing.counter_counts import CounterCountError, decode_file, parse_counter_counts

NOW = datetime(2026, 12, 6, 3, 0, tzinfo=UTC)


def problems(text: str, code: str | None = "131016") -> list[tuple[int, str, str]]:
    with pytest.raises(CounterCountError) as refused:
        parse_counter_counts(text, NOW, code)
    return [(p.row, p.field, p.code) for p in refused.value.problems]


def test_excel_files_in_cp932_or_with_a_bom_read_the_same() -> None:
    text = '年月,証明書の種類,件数\n2026/4/1,住民票の写し,"1,200"\n2026年5月,kazei,０７\n'
    for data in (text.encode("cp932"), ("\ufeff" + text).encode(), text.encode()):
        assert parse_counter_counts(decode_file(data), NOW, "131016") == {
            ("131016", "2026-04", "juminhyo"): 1200,
            ("131016", "2026-05", "kazei"): 7,
        }


def test_every_bad_row_is_reported_and_values_are_not() -> None:
    text = (
        "month,kind,count\n"
        "2026-13,juminhyo,1\n"  # no 13th month
        "2026-04,passport,1\n"
        "2026-04,juminhyo,1,200\n"  # an unquoted thousands comma: one field too many
        "2026-04,juminhyo,-1\n"
        "2026-05,inkan,\n"
        "2027-01,inkan,3\n"  # after this month
        "2026-06,inkan,1000001\n"
        "2026-07,inkan,4\n"
        "2026-07,印鑑登録証明書,5\n"  # the same month and kind again, by its Japanese name
    )
    assert problems(text) == [
        (2, "month", "MONTH_INVALID"),
        (3, "kind", "KIND_UNKNOWN"),
        (4, "", "FIELD_COUNT"),
        (5, "count", "COUNT_INVALID"),
        (6, "count", "REQUIRED"),
        (7, "month", "MONTH_OUT_OF_RANGE"),
        (8, "count", "COUNT_TOO_LARGE"),
        (10, "month", "DUPLICATE"),
    ]
    with pytest.raises(CounterCountError) as refused:
        parse_counter_counts(text, NOW, "131016")
    assert "passport" not in str(refused.value) and "1000001" not in str(refused.value)


def test_a_municipality_uploads_only_its_own_counts_and_the_cli_names_each() -> None:
    own = "municipality_code,month,kind,count\n112216,2026-04,juminhyo,3\n"
    assert problems(own) == [(2, "municipality_code", "MUNICIPALITY_NOT_YOURS")]
    assert problems("month,kind,count\n2026-04,juminhyo,3\n", None) == [
        (1, "municipality_code", "COLUMN_MISSING")
    ]
    assert parse_counter_counts(own, NOW) == {("112216", "2026-04", "juminhyo"): 3}


def test_a_file_in_neither_encoding_is_refused() -> None:
    for data in ("month,kind".encode("utf-16"), b"month,\x81\x20", b"PK\x03\x04\x00"):
        with pytest.raises(CounterCountError) as refused:
            decode_file(data)
        assert refused.value.problems[0].code == "ENCODING", data


def test_a_column_given_twice_is_named_by_what_it_holds() -> None:
    assert problems("month,年月,kind,count\n2026-04,2026-04,inkan,1\n") == [
        (1, "month", "COLUMN_REPEATED")
    ]
