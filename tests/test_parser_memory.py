"""The indicator parser's memory is linear in its input (issue #18, item 3).

A numbered item used to keep, for each indicator it held, the text from that indicator to
the end of the item: when numbering restarts or passes 999 one item holds thousands of
indicators, and a 300k-character cell needed 1.5 GB. The bound here is on bytes allocated
(tracemalloc's peak), never on time; ``benchmarks/parse_large.py`` prints the timings.
"""

from __future__ import annotations

import gc
import tracemalloc
from collections.abc import Callable
from typing import Any

import pytest

from benchmarks.synth import huge_cell
from jixiao.extract.document import read_text
from jixiao.extract.indicators import parse_indicators
from jixiao.extract.records import ParseResult
from jixiao.extract.table import parse_table
from tests.conftest import SEED_002

MB = 1 << 20
# acceptance: a 1 MB cell within 200 MB; smaller cells pro rata (at least 20 MB)
BYTES_PER_CHAR = 200


def output_chars(result: ParseResult) -> int:
    """Characters the result holds (indicator text, targets, issue notes): what grows when
    one indicator copies its neighbours' text."""
    total = 0
    for ind in result.indicators:
        total += len(ind.raw) + len(ind.name)
        for target in (ind.period_target, ind.annual_target):
            total += len(target.raw) if target is not None else 0
    return total + sum(len(i.at) + len(i.message) for i in result.issues)


def peak_bytes(text: str, reader: Callable[[str], Any] = parse_indicators) -> tuple[int, Any]:
    gc.collect()
    tracemalloc.start()
    try:
        result = reader(text)
        return tracemalloc.get_traced_memory()[1], result
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize(
    ("chars", "restart"),
    [(250_000, 50), (1_000_000, 50), (1_000_000, None)],
    ids=["250k-restarting", "1M-restarting", "1M-past-999"],
)
def test_huge_cell_parses_in_linear_memory(chars: int, restart: int | None) -> None:
    text = huge_cell(chars, restart)
    peak, result = peak_bytes(text)
    items = text.count("、1-") + text.count("、2-") + text.count("、3-") + text.count("、4-")
    assert len(result.indicators) >= items * 0.99  # every item is still read
    assert output_chars(result) <= 2 * len(text)
    limit = max(20 * MB, BYTES_PER_CHAR * len(text))
    assert peak <= limit, f"{peak / MB:.0f} MB for {len(text)} characters"


def test_an_indicator_keeps_its_own_text_only() -> None:
    # numbering restarts: items 2 and 3 of the second run are read inside item 3 of the first
    one = "{n}、1-产出指标；11-数量指标；指标{k}；实施周期指标值：≥{k}个；年度指标值：≥{k}个。"
    text = "".join(one.format(n=n, k=k) for k, n in enumerate([1, 2, 3, 1, 2, 3], start=1))
    result = parse_indicators(text)
    assert [i.name for i in result.indicators] == [f"指标{k}" for k in range(1, 7)]
    for k, ind in enumerate(result.indicators, start=1):
        assert f"指标{k}" in ind.raw
        assert not any(f"指标{j}" in ind.raw for j in range(1, 7) if j != k), ind.raw


def test_a_document_with_a_huge_cell_reads_in_linear_memory() -> None:
    lines = SEED_002.read_text(encoding="utf-8").split("\n")
    row = next(k for k, line in enumerate(lines) if line.count("\t") == 6 and "、" in line)
    fields = lines[row].split("\t")
    fields[6] = huge_cell(1_000_000, 50)
    text = "\n".join([*lines[:row], "\t".join(fields), *lines[row + 1 :]])
    peak, doc = peak_bytes(text, lambda t: read_text(t, "huge.txt"))
    assert sum(len(p.indicators) for p in doc.projects) > 18_000
    assert peak <= BYTES_PER_CHAR * len(text), f"{peak / MB:.0f} MB"


def test_a_huge_indicator_table_parses_in_linear_memory() -> None:
    row = "产出指标\t数量指标\t培训人次{k}\t≥100人次\n"
    text = "一级指标\t二级指标\t三级指标\t指标值\n" + "".join(
        row.format(k=k) for k in range(40_000)
    )
    peak, result = peak_bytes(text, parse_table)
    assert len(result.indicators) == 40_000
    assert output_chars(result) <= 2 * len(text)
    assert peak <= BYTES_PER_CHAR * len(text), f"{peak / MB:.0f} MB"
