"""Seed 002's 70 indicator cells: counts, category coverage, and a hand-checked golden parse.

Regenerate the golden file with ``pytest tests/test_seed002.py --update-golden`` and
read the diff before committing it.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import pytest

from jixiao.extract.indicators import parse_indicators
from jixiao.extract.serialize import result_dict
from tests.conftest import seed_002_cells

GOLDEN = Path(__file__).parent / "golden" / "seed002_indicators.json"
CELLS = seed_002_cells()
RESULTS = {line: parse_indicators(cell) for line, _, cell in CELLS}


def test_seed_has_70_cells_and_404_indicators() -> None:
    assert len(CELLS) == 70
    assert sum(len(r.indicators) for r in RESULTS.values()) == 404


def test_every_indicator_is_complete() -> None:
    for line, result in RESULTS.items():
        for ind in result.indicators:
            assert ind.name, (line, ind)
            assert ind.level1_code in {"1", "2", "3", "4"}, (line, ind)
            assert ind.level2_code and ind.level2_code[0] == ind.level1_code, (line, ind)
            assert ind.period_target is not None and ind.annual_target is not None, (line, ind)


def test_projects_lacking_satisfaction_and_cost() -> None:
    no_sat = [ln for ln, r in RESULTS.items() if all(i.level1_code != "3" for i in r.indicators)]
    no_cost = [ln for ln, r in RESULTS.items() if all(i.level1_code != "4" for i in r.indicators)]
    assert len(no_sat) == 24
    assert len(no_cost) == 3
    # the three without a cost indicator are the classified projects
    for ln in no_cost:
        targets = [i.annual_target for i in RESULTS[ln].indicators]
        assert all(t is not None and t.classified for t in targets), ln


def _find(name: str):  # the indicator of that name (first occurrence in the seed)
    for result in RESULTS.values():
        for ind in result.indicators:
            if ind.name == name:
                return ind
    raise AssertionError(name)


@pytest.mark.parametrize(
    ("name", "which", "comparator", "number", "unit"),
    [
        ("项目主体采购成本", "annual", "≤", "2400", "万"),
        ("专家评审成本控制数", "period", "≤", "9000", "元"),
        ("办件综合成本", "annual", "≤", "29.91", "元/件"),
        ("汇聚数据量", "period", "≥", "10", "亿条"),
        ("采购成本", "annual", "<", "3191170", "元"),
        ("市政府门户网站首页死链错链数量", "period", "<", "2", "个"),
        ("云主机（裸金属服务器）安全服务数量", "annual", "≥", "0.6", "万台"),
        ("云主机（裸金属服务器）安全服务数量", "period", "≥", "1", "万台"),
        ("服务满意度（%）", "annual", "≥", "98", "%"),
        ("线下培训效果评价", "annual", "≥", "4.5", "分"),
    ],
)
def test_spot_values(name: str, which: str, comparator: str, number: str, unit: str) -> None:
    target = getattr(_find(name), f"{which}_target")
    assert (target.comparator, target.number, target.unit) == (comparator, Decimal(number), unit)


def test_spot_values_with_words_and_qualifiers() -> None:
    # 小于1919万元, 季度质量考核表评分>85分 and 入库专家数不少于600个 occur in seed 002
    seen = {}
    for result in RESULTS.values():
        for ind in result.indicators:
            for t in (ind.period_target, ind.annual_target):
                seen[t.raw] = t
    t = seen["小于1919万元"]
    assert (t.comparator, t.number, t.unit, t.value, t.base_unit) == (
        "<",
        Decimal(1919),
        "万元",
        Decimal(19190000),
        "元",
    )
    t = seen["季度质量考核表评分>85分"]
    assert (t.comparator, t.number, t.unit, t.qualifier) == (
        ">",
        Decimal(85),
        "分",
        "季度质量考核表评分",
    )
    t = seen["入库专家数不少于600个"]
    assert (t.comparator, t.number, t.unit) == ("≥", Decimal(600), "个")
    t = seen["9000元及以内"]
    assert (t.comparator, t.number, t.unit) == ("≤", Decimal(9000), "元")


def test_golden_parse(update_golden: bool) -> None:
    current = {
        "cells": [
            {"line": line, "project": project, **result_dict(RESULTS[line])}
            for line, project, _ in CELLS
        ]
    }
    text = json.dumps(current, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    if update_golden:
        GOLDEN.write_text(text, encoding="utf-8")
        pytest.skip("golden file rewritten; check its diff by hand")
    expected = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert len(expected["cells"]) == 70
    for got, want in zip(current["cells"], expected["cells"], strict=True):
        assert got == want, got["project"]


def test_level2_code_sequences_match_the_text() -> None:
    # the printed "NN-" codes of each cell, in order, are exactly the parsed level-2 codes
    for line, _, cell in CELLS:
        printed = re.findall(r"[；;](\d\d)-(?:数量|质量|时效|经济|社会|生态|服务对象)", cell)
        assert [i.level2_code for i in RESULTS[line].indicators] == printed, line
