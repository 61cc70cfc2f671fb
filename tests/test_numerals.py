"""Chinese numerals, dates and word units in targets (extract/numerals.py, extract/target.py)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jixiao.extract.numerals import to_int
from jixiao.extract.target import parse_target

_D = "零一二三四五六七八九"


def _spell(n: int) -> str:
    """A textbook spelling of 1 ≤ n < 10000 (一千零五, 十五 …)."""
    parts, zero = [], False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = n // value % 10
        if digit:
            if zero and parts:
                parts.append("零")
            parts.append(("" if (unit == "十" and n < 20) else _D[digit]) + unit)
            zero = False
        elif parts:
            zero = True
    return "".join(parts)


@given(st.integers(min_value=1, max_value=9999))
def test_spelled_numbers_read_back(n: int) -> None:
    assert to_int(_spell(n)) == n


@pytest.mark.parametrize(
    ("text", "comparator", "number", "unit"),
    [
        ("≥三次", "≥", "3", "次"),
        ("两千万元", None, "2000", "万元"),
        ("三个月内", "≤", "3", "个月"),
        ("≥100百分比", "≥", "100", "%"),
        ("9月前", None, "9", "月"),
        ("2023.07-2024.01", None, None, None),
        ("2021年1月-12月", None, None, None),
        ("12月底到位", None, None, None),
        ("一次性完成", None, None, None),
        ("2025年完成10个", None, "10", "个"),
        ("44,561", None, "44561", None),
    ],
)
def test_targets(text: str, comparator: str | None, number: str | None, unit: str | None) -> None:
    t = parse_target(text)
    assert (t.comparator, t.number, t.unit) == (
        comparator, Decimal(number) if number else None, unit)  # fmt: skip
    assert t.raw == text
    if text == "两千万元":
        assert t.value == Decimal(2 * 10**7)
