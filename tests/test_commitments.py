"""Goal-text commitments (extract/semantics/commitments.py, commitment_match.py)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jixiao.extract.records import Indicator
from jixiao.extract.semantics.commitment_match import (
    DISAGREEING,
    MEASURED,
    UNMEASURED,
    check_goal,
)
from jixiao.extract.semantics.commitments import find_commitments
from jixiao.extract.target import parse_target


def found(goal: str) -> list[tuple[str, str | None, str, str]]:
    return [(str(c.quantity), c.unit, c.object, c.comparator or "") for c in find_commitments(goal)]


@pytest.mark.parametrize(
    ("goal", "expected"),
    [
        (
            "完成政务数据服务门户等5个系统重构升级改造、融合统一",
            [("5", "个", "系统重构升级改造", "")],
        ),
        ("全年培训300人次。", [("300", "人次", "培训", "")]),
        ("确保覆盖率达到95%。", [("95", "%", "覆盖率", "≥")]),
        ("汇聚更新数据量不低于10亿条，优化", [("10", "亿条", "汇聚更新数据量", "≥")]),
        ("协助搭建不少于10个人工智能业务场景。", [("10", "个", "人工智能业务场景", "≥")]),
        ("提炼3项以上可直接落地的先进经验", [("3", "项", "可直接落地的先进经验", "≥")]),
        (
            "增设1台LED显示屏、2台显示屏等设备",
            [("1", "台", "LED显示屏", ""), ("2", "台", "显示屏", "")],
        ),
        ("“成本控制率”不超过100%、", [("100", "%", "成本控制率", "≤")]),
        ("做到“重大安全事故发生数”为0、", [("0", None, "重大安全事故发生数", "=")]),
        ("保证安全生产0事故；", [("0", None, "事故", "=")]),
        ("建设一套市区共用的管理系统，", [("1", "套", "市区共用的管理系统", "")]),
        ("力争公共信用信息数据量突破90亿条；", [("90", "亿条", "公共信用信息数据量", ">")]),
        # not commitments: years, document and standard numbers, enumerations, 7×24, articles
        ("1、贯彻落实2024年工作要点（穗府〔2021〕7号）", []),
        ("满足GB/T 39786-2021《信息安全技术》的要求", []),
        ("提供7×24小时值守服务", []),
        ("提供一个洁净、舒适的环境", []),
        ("落实“十四五”规划，实现“一网统管”", []),
        ("通过实施2026年度广州12345热线平台运营项目", []),
    ],
)
def test_commitment_cases(goal: str, expected: list[tuple]) -> None:
    assert found(goal) == expected


def test_a_deadline_in_the_same_sentence() -> None:
    goal = "2025年6月底前完成5个系统改造；年底前培训300人次。另建1套平台"
    got = [
        (str(c.quantity), c.deadline.value if c.deadline else None)
        for c in find_commitments(goal, 2025)
    ]
    assert got == [("5", "2025-06-30"), ("300", "2025-12-31"), ("1", None)]


_UNITS = ["个", "项", "台", "套", "份", "场", "名", "篇"]
_OBJECTS = ["系统重构升级改造", "业务场景", "培训课程", "宣传材料", "政策宣讲活动", "服务网点"]


@given(
    st.integers(min_value=1, max_value=99999),
    st.sampled_from(_UNITS),
    st.sampled_from(_OBJECTS),
    st.sampled_from(["完成", "新增", "建设", "提供不少于", "开展"]),
    st.sampled_from(["。", "，", "；", ""]),
)
def test_number_first_reads_back(n: int, unit: str, obj: str, verb: str, end: str) -> None:
    goal = f"本项目将{verb}{n}{unit}{obj}{end}"
    (c,) = find_commitments(goal)
    assert (c.quantity, c.unit, c.object) == (Decimal(n), unit, obj)
    assert goal[c.start : c.end] == c.text
    assert c.comparator == ("≥" if "不少于" in verb else None)


@given(
    st.text(
        alphabet=st.sampled_from(list("完成个项5%，。、“”0年月2024.-达到不低于系统数据率为")),
        max_size=40,
    )
)
def test_any_text_gives_spans_inside_it(goal: str) -> None:
    for c in find_commitments(goal):
        assert goal[c.start : c.end] == c.text
        assert c.object and c.object.strip() == c.object


def _ind(position: int, name: str, target: str) -> Indicator:
    t = parse_target(target)
    return Indicator(name=name, position=position, annual_target=t, period_target=t)


def test_matched_unmeasured_and_disagreeing() -> None:
    goal = "完成5个系统重构升级改造，新增400个系统效能评估，协助搭建不少于10个人工智能业务场景。"
    indicators = [
        _ind(1, "新增系统效能评估数", "≥400个"),
        _ind(2, "业务场景构建支撑服务", "≥5"),
        _ind(3, "数据治理规模", "≥100个"),
        _ind(4, "用户满意度", "≥90%"),
    ]
    got = [
        (str(k.commitment.quantity), k.status, [m.position for m in k.measures])
        for k in check_goal(goal, indicators)
    ]
    assert got == [("5", UNMEASURED, []), ("400", MEASURED, [1]), ("10", DISAGREEING, [2])]


def test_units_must_agree_and_scaled_values_compare() -> None:
    goal = "汇聚更新数据量不低于10亿条；服务企业3万家。"
    indicators = [_ind(1, "汇聚数据量", "≥1000000000条"), _ind(2, "服务企业次数", "≥30000家次")]
    got = [(k.status, [m.agrees for m in k.measures]) for k in check_goal(goal, indicators)]
    assert got == [(MEASURED, [True]), (UNMEASURED, [])]


def test_a_number_printed_inside_a_worded_target_agrees() -> None:
    goal = "向市直单位提供数据库加密等10项数据安全的服务能力。"
    indicators = [_ind(1, "按服务目录提供密码服务能力", "提供10项数据安全目录+10项密码服务目录")]
    (k,) = check_goal(goal, indicators)
    assert (k.status, k.measures[0].agrees) == (MEASURED, True)
