"""The inline 绩效指标 parser: every irregularity of domain.md §3, one case each."""

from __future__ import annotations

from decimal import Decimal

import pytest

from jixiao.extract.indicators import parse_indicators
from jixiao.extract.records import Indicator


def _one(text: str) -> Indicator:
    result = parse_indicators(text)
    assert len(result.indicators) == 1, result
    return result.indicators[0]


def _codes(text: str) -> list[str]:
    return [i.code for i in parse_indicators(text).issues]


BASIC = "1、1-产出指标；11-数量指标；会议活动保障次数；实施周期指标值：每年≥20场；年度指标值：每年≥20场。"


def test_basic_item_has_codes_labels_name_and_both_targets() -> None:
    ind = _one(BASIC)
    assert (ind.level1_code, ind.level1, ind.level2_code, ind.level2) == (
        "1",
        "产出指标",
        "11",
        "数量指标",
    )
    assert ind.name == "会议活动保障次数"
    for t in (ind.period_target, ind.annual_target):
        assert t is not None
        assert (t.raw, t.comparator, t.number, t.unit, t.qualifier) == (
            "每年≥20场",
            "≥",
            Decimal(20),
            "场",
            "每年",
        )
    assert parse_indicators(BASIC).issues == ()


@pytest.mark.parametrize(
    "text",
    [
        BASIC.replace("：", ":"),  # half-width colon
        BASIC.replace("；", ";"),  # half-width semicolon
        BASIC.replace("；", ";").replace("：", ":"),
        "<p>" + BASIC + "</p>",  # HTML wrapper
        BASIC.replace("。", ""),  # no final full stop
        " \n" + BASIC + "\n ",
    ],
)
def test_separator_variants_give_the_same_indicator(text: str) -> None:
    ref = _one(BASIC)
    got = _one(text)
    assert (got.level1_code, got.level2_code, got.name) == (
        ref.level1_code,
        ref.level2_code,
        ref.name,
    )
    assert got.annual_target == ref.annual_target


def test_stray_dot_before_separator_and_leading_dot_in_name() -> None:
    text = (
        "1、1-产出指标；13-时效指标；响应时间.;实施周期指标值:<5秒；年度指标值:<5秒。"
        "2、1-产出指标；12-质量指标；.知识点抽检率；实施周期指标值:≥5%；年度指标值:≥5%。"
    )
    result = parse_indicators(text)
    assert [i.name for i in result.indicators] == ["响应时间", "知识点抽检率"]
    assert result.indicators[0].period_target.comparator == "<"
    assert [i.code for i in result.issues] == ["X009", "X009"]


def test_lost_prefix_keeps_the_indicator_and_infers_its_category() -> None:
    # seed 002: item 6 lost "6、3-满意度指标；" and its annual value repeats inside item 5
    text = (
        "5、2-效益指标；22-社会效益；运行水平；实施周期指标值:位于优秀档次；年度指标值:位于优秀档次；"
        "年度指标值:位于优秀档次；31-服务对象满意度；问题答复率；实施周期指标值:100%；年度指标值:100%。"
        "7、4-成本指标；41-经济成本指标；服务成本；实施周期指标值:≤15万元；年度指标值:≤15万元。"
    )
    result = parse_indicators(text)
    names = [i.name for i in result.indicators]
    assert names == ["运行水平", "问题答复率", "服务成本"]
    lost = result.indicators[1]
    assert (lost.level1_code, lost.level1, lost.level2_code, lost.level2) == (
        "3",
        "满意度指标",
        "31",
        "服务对象满意度",
    )
    assert lost.annual_target.number == Decimal(100)
    assert result.indicators[0].annual_target.raw == "位于优秀档次"
    assert result.indicators[0].annual_target.qualitative
    codes = [i.code for i in result.issues]
    assert "X004" in codes and "X007" in codes
    assert [i.position for i in result.indicators] == [1, 2, 3]


@pytest.mark.parametrize(
    ("value", "comparator", "number", "unit"),
    [
        ("<2个", "<", Decimal(2), "个"),
        ("<3秒", "<", Decimal(3), "秒"),
    ],
)
def test_lt_is_a_comparator_not_an_html_tag(
    value: str, comparator: str, number: Decimal, unit: str
) -> None:
    text = f"<p>1、1-产出指标；11-数量指标；死链错链数量；实施周期指标值:{value}；年度指标值:{value}。</p>"
    ind = _one(text)
    assert ind.period_target.raw == value
    assert (ind.annual_target.comparator, ind.annual_target.number, ind.annual_target.unit) == (
        comparator,
        number,
        unit,
    )


def test_value_containing_semicolons_stays_whole() -> None:
    value = "一级事件≤1小时；二级事件≤2小时；三级事件≤4小时"
    ind = _one(
        f"7、1-产出指标；12-质量指标；平均故障恢复时间；实施周期指标值:{value}；年度指标值:{value}。"
    )
    assert ind.period_target.raw == value
    assert ind.annual_target.raw == value


def test_name_embedding_a_formula_is_kept_whole() -> None:
    name = "项目预算控制率=项目实际费用金额/项目投资概算*100%"
    ind = _one(f"1、4-成本指标；41-经济成本指标；{name}；实施周期指标值:≤100%；年度指标值:≤100%。")
    assert ind.name == name
    assert ind.annual_target.comparator == "≤"


def test_contradicting_satisfaction_value_is_kept() -> None:
    ind = _one(
        "6、3-满意度指标；31-服务对象满意度；.服务对象满意度；实施周期指标值:≤1份；年度指标值:≤1份。"
    )
    assert (ind.level1_code, ind.name) == ("3", "服务对象满意度")
    assert (ind.annual_target.comparator, ind.annual_target.number, ind.annual_target.unit) == (
        "≤",
        Decimal(1),
        "份",
    )


@pytest.mark.parametrize(
    ("value", "flag"),
    [("涉密", "classified"), ("SM项目", "classified"), ("涉密项目", "classified")],
)
def test_classified_targets_are_flagged(value: str, flag: str) -> None:
    text = (
        f"1、1-产出指标；11-数量指标；待单位补充...；实施周期指标值:{value}；年度指标值:{value}。"
    )
    result = parse_indicators(text)
    ind = result.indicators[0]
    assert getattr(ind.annual_target, flag)
    assert ind.name == "待单位补充"
    assert "X010" in [i.code for i in result.issues]


def test_annual_only_and_period_only() -> None:
    only_annual = _one("1、1-产出指标；11-数量指标；巡检次数；年度指标值：2次。")
    assert only_annual.period_target is None and only_annual.annual_target.number == 2
    only_period = _one("1、1-产出指标；11-数量指标；巡检次数；实施周期指标值：2次。")
    assert only_period.annual_target is None and only_period.period_target.number == 2


def test_traditional_characters_and_mubiao() -> None:
    ind = _one("1、1-產出指標；11-數量目标；會議次數；實施周期指標值：≥20場；年度指標值：≥20場。")
    assert (ind.level1, ind.level1_code, ind.level2, ind.level2_code) == (
        "產出指標",
        "1",
        "數量目标",
        "11",
    )
    assert ind.name == "會議次數"
    assert ind.annual_target.number == 20


def test_fullwidth_text_gives_the_same_records() -> None:
    from jixiao.extract.normalize import to_fullwidth

    text = "1、1-产出指标；12-质量指标；可用率；实施周期指标值:>=99.5%；年度指标值:>=99.5%。"
    assert parse_indicators(to_fullwidth(text)).indicators[0].annual_target.number == Decimal(
        "99.5"
    )
    a, b = parse_indicators(text).indicators[0], parse_indicators(to_fullwidth(text)).indicators[0]
    assert (a.name, a.level2_code, a.annual_target.comparator) == (
        b.name,
        b.level2_code,
        b.annual_target.comparator,
    )


def test_out_of_sequence_numbering_is_reported() -> None:
    text = BASIC + BASIC.replace("1、1-", "3、1-", 1)
    result = parse_indicators(text)
    assert len(result.indicators) == 2
    assert "X003" in [i.code for i in result.issues]


def test_level2_code_outside_its_level1_is_reported() -> None:
    result = parse_indicators("1、2-效益指标；31-服务对象满意度；满意度；年度指标值：≥90%。")
    assert "X012" in [i.code for i in result.issues]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "hello world",
        "<p></p>",
        "1、",
        "实施周期指标值：",
        "1、1-产出指标；",
        "。。。；；；",
    ],
)
def test_malformed_text_gives_issues_not_exceptions(text: str) -> None:
    result = parse_indicators(text)
    assert result.issues, result
    assert all(i.code.startswith(("X", "T")) for i in result.issues)


def test_missing_name_and_target_are_reported() -> None:
    result = parse_indicators("1、1-产出指标；11-数量指标；实施周期指标值：；年度指标值：。")
    codes = [i.code for i in result.issues]
    assert "X005" in codes and "X006" in codes
