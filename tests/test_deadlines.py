"""Dates and deadlines in goal texts (extract/semantics/deadlines.py): the spaCy rule
component ``jx_deadlines`` over jieba tokens, and the normalised ISO 8601 value."""

from __future__ import annotations

import calendar

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jixiao.extract.semantics.deadlines import deadlines, normalise
from jixiao.extract.semantics.rules import load


def found(text: str, year: int | None = 2026) -> list[tuple[str, str, bool]]:
    return [(d.text, d.value, d.before) for d in deadlines(load()(text), year)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024年12月底前完成验收", [("2024年12月底前", "2024-12-31", True)]),
        ("年底前上线", [("年底前", "2026-12-31", True)]),
        ("6月30日前完成", [("6月30日前", "2026-06-30", True)]),
        ("2023.07-2024.01实施", [("2023.07-2024.01", "2023-07/2024-01", False)]),
        ("第三季度完成招标", [("第三季度", "2026-07/2026-09", False)]),
        ("全年开展培训", [("全年", "2026", False)]),
        ("当年完成", [("当年", "2026", False)]),
        ("2024年6月前", [("2024年6月前", "2024-06", True)]),
        ("2025年底前建成", [("2025年底前", "2025-12-31", True)]),
        ("12月31日前", [("12月31日前", "2026-12-31", True)]),
        ("上半年完成", [("上半年", "2026-01/2026-06", False)]),
        ("下半年", [("下半年", "2026-07/2026-12", False)]),
        ("9月底前", [("9月底前", "2026-09-30", True)]),
        ("2月底前", [("2月底前", "2026-02-28", True)]),
        ("2024年2月底前", [("2024年2月底前", "2024-02-29", True)]),
        ("2024年第二季度", [("2024年第二季度", "2024-04/2024-06", False)]),
        ("第4季度", [("第4季度", "2026-10/2026-12", False)]),
        ("2024年12月31日前", [("2024年12月31日前", "2024-12-31", True)]),
        ("完成2026年度约400个项目", [("2026年度", "2026", False)]),
        ("租赁期2年（2024~2026年）", [("2024~2026年", "2024/2026", False)]),
        ("2024.12.31", [("2024.12.31", "2024-12-31", False)]),
        ("2024年3月至6月", [("2024年3月至6月", "2024-03/2024-06", False)]),
        ("2024年3月-2025年6月", [("2024年3月-2025年6月", "2024-03/2025-06", False)]),
        # not dates: a standard's number, a document number, a count of years, a hotline
        ("GB/T 39786-2021", []),
        ("穗府〔2021〕7号", []),
        ("租赁期2年", []),
        ("12345热线", []),
        ("（2022-2025）", []),
    ],
)
def test_deadline_cases(text: str, expected: list[tuple[str, str, bool]]) -> None:
    assert found(text) == expected


def test_without_a_reference_year_only_what_is_printed() -> None:
    assert found("6月30日前", None) == [("6月30日前", "--06-30", True)]
    assert found("年底前", None) == [("年底前", "--12-31", True)]
    assert found("全年", None) == []  # no year to name


def test_spans_are_offsets_into_the_text() -> None:
    text = "项目将于2025年6月30日前完成5个系统改造，第三季度验收。"
    for d in deadlines(load()(text), 2025):
        assert text[d.start : d.end] == d.text
    assert [d.value for d in deadlines(load()(text), 2025)] == ["2025-06-30", "2025-07/2025-09"]


@given(
    st.integers(min_value=1990, max_value=2099),
    st.integers(min_value=1, max_value=12),
    st.data(),
)
def test_any_printed_day_reads_back(year: int, month: int, data: st.DataObject) -> None:
    day = data.draw(st.integers(min_value=1, max_value=calendar.monthrange(year, month)[1]))
    text = f"{year}年{month}月{day}日前"
    assert found("于" + text + "完成") == [(text, f"{year}-{month:02d}-{day:02d}", True)]


@given(
    st.integers(min_value=1990, max_value=2096),  # years 19xx and 20xx
    st.integers(min_value=1, max_value=12),
    st.integers(min_value=0, max_value=3),
    st.integers(min_value=1, max_value=12),
)
def test_any_dotted_period_reads_back(year: int, m1: int, span: int, m2: int) -> None:
    text = f"{year}.{m1:02d}-{year + span}.{m2:02d}"
    assert normalise(text) == f"{year}-{m1:02d}/{year + span}-{m2:02d}"
    assert found(text) == [(text, f"{year}-{m1:02d}/{year + span}-{m2:02d}", False)]


@given(st.integers(min_value=1990, max_value=2099), st.integers(min_value=1, max_value=12))
def test_month_end_is_the_last_day(year: int, month: int) -> None:
    last = calendar.monthrange(year, month)[1]
    assert normalise(f"{year}年{month}月底前") == f"{year}-{month:02d}-{last:02d}"
