"""Indicator tables: separated rows, merged cells, flattened HTML text (extract.table)."""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jixiao.extract.headers import header_role
from jixiao.extract.issues import MESSAGES
from jixiao.extract.normalize import to_fullwidth
from jixiao.extract.records import Indicator, ParseResult
from jixiao.extract.table import fill_levels, parse_table


def parse(text: str) -> ParseResult:
    result = parse_table(text)
    assert result is not None
    assert all(i.code != "T099" for i in result.issues)
    return result


def codes(result: ParseResult) -> list[str]:
    return [i.code for i in result.issues]


def target_tuple(ind: Indicator, which: str = "annual") -> tuple | None:
    t = ind.annual_target if which == "annual" else ind.period_target
    return None if t is None else (t.comparator, t.number, t.unit)


# ------------------------------------------------------------------ separated layouts

TAB_TABLE = (
    "一级指标\t二级指标\t三级指标\t指标值\n"
    "产出指标\t数量指标\t会议保障次数\t≥20场\n"
    "\t\t培训人次\t≥100人次\n"
    "\t质量指标\t验收合格率\t100%\n"
    "效益指标\t社会效益指标\t群众办事便利度\t明显提升\n"
)


def test_tab_table_with_merged_first_row_labels() -> None:
    result = parse(TAB_TABLE)
    inds = result.indicators
    assert [i.name for i in inds] == ["会议保障次数", "培训人次", "验收合格率", "群众办事便利度"]
    assert [i.level1 for i in inds] == ["产出指标"] * 3 + ["效益指标"]
    assert [i.level2 for i in inds] == ["数量指标", "数量指标", "质量指标", "社会效益指标"]
    assert [i.position for i in inds] == [1, 2, 3, 4]
    assert all(i.level1_code is None and i.level2_code is None for i in inds)
    assert target_tuple(inds[0]) == ("≥", Decimal("20"), "场")
    assert target_tuple(inds[2]) == (None, Decimal("100"), "%")
    assert inds[3].annual_target is not None and inds[3].annual_target.qualitative
    assert all(i.period_target is None for i in inds)
    assert inds[1].raw == "培训人次\t≥100人次"
    assert result.issues == ()


def test_markdown_table_with_separate_comparator_value_unit_columns() -> None:
    text = (
        "| 一级指标 | 二级指标 | 三级指标 | 计算符号 | 指标值 | 度量单位 | 权重 | 指标方向 |\n"
        "|---|---|---|:---:|---|---|---|---|\n"
        "| 产出指标 | 数量指标 | 设备采购数量 | ≥ | 95 | 台 | 10 | 正向 |\n"
        "|  | 质量指标 | 系统可用率 | ＞ | 99.5 | % | 10 | 正向 |\n"
        "| 效益指标 | 社会效益指标 | 政务服务评估结果 | 定性 | 优秀 |  | 20 | 正向 |\n"
        "| 成本指标 | 经济成本指标 | 单位运维成本 | ≤ | 29.91 | 元/件 | 5% | 反向 |\n"
    )
    inds = parse(text).indicators
    assert [i.name for i in inds] == [
        "设备采购数量",
        "系统可用率",
        "政务服务评估结果",
        "单位运维成本",
    ]
    assert target_tuple(inds[0]) == ("≥", Decimal("95"), "台")
    assert inds[0].annual_target.raw == "≥95台"
    assert target_tuple(inds[1]) == (">", Decimal("99.5"), "%")
    assert inds[1].level1 == "产出指标"
    qual = inds[2].annual_target
    assert qual.qualitative and qual.comparator is None and qual.raw == "优秀"
    assert target_tuple(inds[3]) == ("≤", Decimal("29.91"), "元/件")
    assert [i.weight for i in inds] == [Decimal(10), Decimal(10), Decimal(20), Decimal(5)]


def test_space_separated_table_with_period_and_annual_columns() -> None:
    text = (
        "项目支出绩效目标表\n"
        "一级指标    二级指标    三级指标        实施周期指标值    年度指标值\n"
        "产出指标    数量指标    会议保障次数    ≥60场             ≥20场\n"
        "                        培训人数        ≥300人            ≥100人\n"
        "            时效指标    响应时间        ≤30分钟           ≤30分钟\n"
        "效益指标    社会效益    群众满意度      ≥90%              ≥90%\n"
    )
    inds = parse(text).indicators
    assert [i.name for i in inds] == ["会议保障次数", "培训人数", "响应时间", "群众满意度"]
    assert [i.level2 for i in inds] == ["数量指标", "数量指标", "时效指标", "社会效益"]
    assert [i.level1 for i in inds] == ["产出指标"] * 3 + ["效益指标"]
    assert target_tuple(inds[1], "period") == ("≥", Decimal("300"), "人")
    assert target_tuple(inds[1], "annual") == ("≥", Decimal("100"), "人")
    assert target_tuple(inds[2], "annual") == ("≤", Decimal("30"), "分钟")


def test_full_width_spaces_separate_cells() -> None:
    text = "一级指标　二级指标　三级指标　指标值\n产出指标　数量指标　会议次数　≥２０场\n"
    (ind,) = parse(text).indicators
    assert (ind.level1, ind.level2, ind.name) == ("产出指标", "数量指标", "会议次数")
    assert target_tuple(ind) == ("≥", Decimal("20"), "场")


def test_single_space_table_keeps_printed_codes() -> None:
    text = (
        "序号 一级指标 二级指标 三级指标 指标值\n"
        "1 1-产出指标 11-数量指标 会议次数 ≥20场\n"
        "2 1-产出指标 12 质量指标 合格率 100%\n"
    )
    inds = parse(text).indicators
    assert [(i.level1, i.level1_code, i.level2, i.level2_code) for i in inds] == [
        ("产出指标", "1", "数量指标", "11"),
        ("产出指标", "1", "质量指标", "12"),
    ]
    assert [i.name for i in inds] == ["会议次数", "合格率"]


def test_tab_rows_with_trimmed_trailing_cells_are_read_from_the_left() -> None:
    text = (
        "一级指标\t二级指标\t三级指标\t指标值\t权重\t得分\n"
        "履职效能\t重点工作\t任务完成率\t100%\n"
        "\t\t督办事项办结率\t≥95%\t10\t9.5\n"
    )
    inds = parse(text).indicators
    assert [(i.level1, i.level2, i.name) for i in inds] == [
        ("履职效能", "重点工作", "任务完成率"),
        ("履职效能", "重点工作", "督办事项办结率"),
    ]
    assert (inds[1].weight, inds[1].score) == (Decimal(10), "9.5")


def test_html_table_cells_become_rows() -> None:
    text = (
        "<table><tr><th>一级指标</th><th>二级指标</th><th>三级指标</th><th>指标值</th></tr>"
        "<tr><td>产出指标</td><td>数量指标</td><td>会议次数</td><td>&lt;3次</td></tr></table>"
    )
    (ind,) = parse(text).indicators
    assert ind.name == "会议次数"
    assert target_tuple(ind) == ("<", Decimal("3"), "次")


def test_repeated_header_after_page_break_is_skipped() -> None:
    header = "一级指标\t二级指标\t三级指标\t指标值\n"
    text = header + "产出指标\t数量指标\t甲项\t≥1个\n" + header + "\t\t乙项\t≥2个\n"
    inds = parse(text).indicators
    assert [i.name for i in inds] == ["甲项", "乙项"]
    assert inds[1].level1 == "产出指标"


def test_headerless_tab_table_guesses_columns() -> None:
    text = (
        "产出指标\t数量指标\t会议次数\t≥60场\t≥20场\n"
        "效益指标\t社会效益指标\t群众满意度\t≥90%\t≥92%\n"
    )
    result = parse(text)
    assert "T001" in codes(result)
    inds = result.indicators
    assert [i.name for i in inds] == ["会议次数", "群众满意度"]
    assert target_tuple(inds[0], "period") == ("≥", Decimal("60"), "场")
    assert target_tuple(inds[1], "annual") == ("≥", Decimal("92"), "%")


# ------------------------------------------------------------------ merged cells


def test_label_printed_in_the_middle_row_of_its_block() -> None:
    text = (
        "一级指标\t二级指标\t三级指标\t指标值\n"
        "\t数量指标\t会议保障次数\t≥20场\n"
        "产出指标\t\t培训人次\t≥100人次\n"
        "\t质量指标\t验收合格率\t100%\n"
        "\t社会效益指标\t政务服务水平\t明显提升\n"
        "效益指标\t\t办件满意率\t≥95%\n"
        "\t可持续影响指标\t系统稳定运行年限\t≥5年\n"
        "\t服务对象满意度指标\t群众满意度\t≥90%\n"
        "满意度指标\t\t企业满意度\t≥90%\n"
    )
    result = parse(text)
    got = [(i.level1, i.level2, i.name) for i in result.indicators]
    assert got == [
        ("产出指标", "数量指标", "会议保障次数"),
        ("产出指标", "数量指标", "培训人次"),
        ("产出指标", "质量指标", "验收合格率"),
        ("效益指标", "社会效益指标", "政务服务水平"),
        ("效益指标", "社会效益指标", "办件满意率"),
        ("效益指标", "可持续影响指标", "系统稳定运行年限"),
        ("满意度指标", "服务对象满意度指标", "群众满意度"),
        ("满意度指标", "服务对象满意度指标", "企业满意度"),
    ]
    assert "T003" not in codes(result)


def test_fill_levels_rule() -> None:
    # rows 0-1 before the first printed label take it; row 3 has an effect-type level 2
    # just above 效益指标 (row 4) and so belongs to it; row 2 carries 产出 forward.
    printed1 = [None, "产出指标", None, None, "效益指标", None]
    printed2 = ["数量指标", None, None, "社会效益指标", None, None]
    owner1, owner2 = fill_levels(printed1, printed2)
    assert owner1 == [1, 1, 1, 4, 4, 4]
    assert owner2 == [0, 0, 0, 3, 3, 3]
    # Without lexicon evidence the rows carry the previous label forward.
    owner1, _ = fill_levels(["产出指标", None, "效益指标"], [None, "业务指标", None])
    assert owner1 == [0, 0, 2]
    # A level-2 block never crosses a level-1 boundary; a block without one stays None.
    _, owner2 = fill_levels(["产出指标", None, "效益指标", None], ["数量指标", None, None, None])
    assert owner2 == [0, 0, None, None]
    assert fill_levels([], []) == ([], [])


def test_missing_level1_is_reported() -> None:
    text = "一级指标\t二级指标\t三级指标\t指标值\n\t数量指标\t会议次数\t≥20场\n"
    result = parse(text)
    assert result.indicators[0].level1 is None
    assert result.indicators[0].level2 == "数量指标"
    assert ("T003", "row 2") in [(i.code, i.at) for i in result.issues]


# ------------------------------------------------------------------ spellings, weights, self-evaluation


def test_traditional_headers_target_spelling_weights_and_self_evaluation() -> None:
    text = (
        "一級指標\t二級 指標\t三級指標\t年度目標值\t權重\t實際完成值\t得分\t偏差原因分析\n"
        "產出指標(50分)\t數量指標\t會議保障次數\t>=20場\t10\t22場\t10\t\n"
        "\t\t設備採購數量\t250万\t\t250万\t10\t\n"
        "滿意度指標（10分）\t服務對象滿意度\t群眾滿意度\t不低于90%\t\t92%\t9\t略低\n"
    )
    inds = parse(text).indicators
    assert [i.level1 for i in inds] == ["產出指標", "產出指標", "滿意度指標"]
    assert inds[2].level2 == "服務對象滿意度"
    assert [i.name for i in inds] == ["會議保障次數", "設備採購數量", "群眾滿意度"]
    assert [i.weight for i in inds] == [Decimal(10), Decimal(50), Decimal(10)]
    assert [i.actual for i in inds] == ["22場", "250万", "92%"]
    assert [i.score for i in inds] == ["10", "10", "9"]
    assert target_tuple(inds[0]) == ("≥", Decimal("20"), "場")
    bare = inds[1].annual_target
    assert (bare.comparator, bare.number, bare.unit, bare.scale) == (
        None,
        Decimal(250),
        "万",
        10**4,
    )
    assert target_tuple(inds[2]) == ("≥", Decimal("90"), "%")


@pytest.mark.parametrize(
    ("cell", "role"),
    [
        ("一级指标", "l1"),
        ("一級指標", "l1"),
        ("二级 目标", "l2"),
        ("三级指标", "name"),
        ("指标名称", "name"),
        ("计算符号", "comparator"),
        ("指标值", "value"),
        ("目标值", "value"),
        ("年度指标值", "annual"),
        ("实施周期指标值", "period"),
        ("中期目标值", "period"),
        ("计量单位", "unit"),
        ("度量單位", "unit"),
        ("权重（%）", "weight"),
        ("分值", "weight"),
        ("得分", "score"),
        ("实际完成值", "actual"),
        ("实际值", "actual"),
        ("偏差原因", "reason"),
        ("指标方向", "direction"),
        ("会议次数", None),
    ],
)
def test_header_roles(cell: str, role: str | None) -> None:
    assert header_role(cell) == role


def test_ascii_comparators_and_words() -> None:
    text = (
        "三级指标\t指标值\n"
        "系统可用率\t>=99%\n"
        "培训人数\t100人以上\n"
        "验收合格率\t不低于95%\n"
        "项目支出\t不超过250万元\n"
    )
    inds = parse(text).indicators
    assert [target_tuple(i) for i in inds] == [
        ("≥", Decimal(99), "%"),
        ("≥", Decimal(100), "人"),
        ("≥", Decimal(95), "%"),
        ("≤", Decimal(250), "万元"),
    ]
    assert all(i.level1 is None for i in inds)


# ------------------------------------------------------------------ flagged values


def test_excel_date_serial_in_timeliness_row() -> None:
    text = (
        "一级指标\t二级指标\t三级指标\t指标值\t计量单位\n"
        "产出指标\t时效指标\t项目完成时间\t45291\t\n"
        "\t数量指标\t采购数量\t45291\t台\n"
    )
    result = parse(text)
    assert result.indicators[0].annual_target.raw == "45291"
    (serial,) = [i for i in result.issues if i.code == "T005"]
    assert serial.at == "row 2"
    assert "2023-12-31" in serial.message


def test_rate_above_100_percent_is_flagged_not_rewritten() -> None:
    text = (
        "一级指标\t二级指标\t三级指标\t指标值\n"
        "满意度指标\t服务对象满意度指标\t群众满意度\t≥95%\n"
        "\t\t企业满意度\t295%\n"
    )
    result = parse(text)
    assert result.indicators[1].annual_target.number == Decimal(295)
    assert [(i.code, i.at) for i in result.issues] == [("T006", "row 3")]


def test_row_problems_are_coded() -> None:
    text = (
        "一级指标\t二级指标\t三级指标\t指标值\t权重\n"
        "产出指标\t数量指标\t\t≥1个\t5\n"
        "\t\t会议次数\t≥2次\t五分\n"
        "\t\t培训次数\t≥3次\t5\t多余\t再多\n"
    )
    result = parse(text)
    assert [i.name for i in result.indicators] == ["会议次数", "培训次数"]
    assert codes(result) == ["T008", "T009", "T007"]
    assert result.indicators[0].weight is None
    assert all(i.message == MESSAGES[i.code] for i in result.issues)


# ------------------------------------------------------------------ flattened tables


def test_flattened_table_is_split_by_the_lexicon() -> None:
    text = (
        "一级指标二级指标三级指标指标值产出指标数量指标会议保障次数≥20场培训人数≥100人次"
        "质量指标验收合格率100%效益指标社会效益指标政府网站评估结果位于优秀档次"
        "满意度指标服务对象满意度指标群众满意度≥90%"
    )
    result = parse(text)
    got = [(i.level1, i.level2, i.name, target_tuple(i)) for i in result.indicators]
    assert got == [
        ("产出指标", "数量指标", "会议保障次数", ("≥", Decimal(20), "场")),
        ("产出指标", "数量指标", "培训人数", ("≥", Decimal(100), "人次")),
        ("产出指标", "质量指标", "验收合格率", (None, Decimal(100), "%")),
        ("效益指标", "社会效益指标", "政府网站评估结果", (None, None, None)),
        ("满意度指标", "服务对象满意度指标", "群众满意度", ("≥", Decimal(90), "%")),
    ]
    assert result.indicators[3].annual_target.raw == "位于优秀档次"
    assert result.indicators[3].annual_target.qualitative
    assert result.issues == ()


def test_flattened_traditional_target_spelling_two_value_columns() -> None:
    text = (
        "一级目标二级目标三级目标实施周期目标值年度目标值"
        "產出目標(60分)數量目標会议保障次数每年≥20场每年≥20场12345热线接通率≥95%≥90%"
        "效益目标社会效益服务质量明显提升明显提升"
    )
    inds = parse(text).indicators
    assert [(i.level1, i.level2, i.name) for i in inds] == [
        ("產出目標", "數量目標", "会议保障次数"),
        ("產出目標", "數量目標", "12345热线接通率"),
        ("效益目标", "社会效益", "服务质量"),
    ]
    assert target_tuple(inds[1], "period") == ("≥", Decimal(95), "%")
    assert target_tuple(inds[1], "annual") == ("≥", Decimal(90), "%")
    assert inds[0].annual_target.raw == "每年≥20场"
    assert inds[2].period_target.raw == inds[2].annual_target.raw == "明显提升"
    assert [i.weight for i in inds] == [Decimal(60), Decimal(60), None]


def test_flattened_numbers_inside_names_and_uncertain_splits() -> None:
    text = "产出指标数量指标2026年度会议次数≥20场完成3项目标任务群众满意"
    result = parse(text)
    assert result.indicators[0].name == "2026年度会议次数"
    assert target_tuple(result.indicators[0]) == ("≥", Decimal(20), "场")
    assert "T004" in codes(result)


def test_flattened_old_frame_cost_under_output() -> None:
    text = "产出指标数量指标会议次数≥20场成本指标预算控制率≤100%效益指标社会效益指标满意度≥90%"
    inds = parse(text).indicators
    assert [(i.level1, i.level2) for i in inds] == [
        ("产出指标", "数量指标"),
        ("产出指标", "成本指标"),
        ("效益指标", "社会效益指标"),
    ]


# ------------------------------------------------------------------ not a table


@pytest.mark.parametrize(
    "text",
    ["", "   \n\t", "hello world", "本项目绩效目标为提升政务服务水平。", "无", "a\tb\nc\td"],
)
def test_text_that_is_no_table_gives_none(text: str) -> None:
    assert parse_table(text) is None


def test_jieba_is_imported_only_for_flattened_text() -> None:
    code = (
        "import sys\n"
        "from jixiao.extract.table import parse_table\n"
        f"parse_table({TAB_TABLE!r})\n"
        "assert 'jieba' not in sys.modules\n"
        "parse_table('产出指标数量指标会议次数≥20场')\n"
        "assert 'jieba' in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).parent.parent)


# ------------------------------------------------------------------ properties

FRAGMENTS = [
    "一级指标", "二级指标", "三级指标", "指标值", "计算符号", "度量单位", "权重", "得分",
    "产出指标", "數量指標", "质量指标", "效益指标", "满意度指标", "成本指标", "社会效益",
    "\t", "|", "  ", "　", "\n", "|---|", "≥", "≤", ">=", "<", "=", "95", "45291", "%", "场",
    "定性", "(50分)", "1-", "11 ", "<td>", "</td>", "</tr>", "位于优秀档次", "以上", "不低于",
]  # fmt: skip
CHAOS = st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=6), max_size=40).map("".join)


@settings(max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(), CHAOS))
def test_never_raises(text: str) -> None:
    result = parse_table(text)
    assert result is None or isinstance(result, ParseResult)
    if result is not None:
        assert all(i.code != "T099" for i in result.issues)


FRAME = {
    "产出指标": ["数量指标", "质量指标", "时效指标"],
    "效益指标": ["经济效益指标", "社会效益指标", "可持续影响指标"],
    "满意度指标": ["服务对象满意度指标"],
    "成本指标": ["经济成本指标", "社会成本指标"],
}
NAMES = st.text(
    alphabet="会议保障培训验收系统可用平台运行维护采购设备服务群众企业覆盖人数率",
    min_size=2,
    max_size=8,
)
UNITS = ["%", "个", "场", "人次", "天", "万元", "件", "小时"]


@st.composite
def tables(draw: st.DrawFn) -> tuple[str, list[tuple[str, str, str, tuple]]]:
    """A tab table with merged cells (labels on the first row of each block)."""
    l1s = draw(st.lists(st.sampled_from(list(FRAME)), min_size=1, max_size=4, unique=True))
    merged = draw(st.booleans())
    lines = ["一级指标\t二级指标\t三级指标\t指标值"]
    expected = []
    for l1 in l1s:
        first1 = True
        for l2 in draw(st.lists(st.sampled_from(FRAME[l1]), min_size=1, max_size=2, unique=True)):
            first2 = True
            for _ in range(draw(st.integers(1, 3))):
                name = draw(NAMES)
                cmp = draw(st.sampled_from(["", "≥", "≤", ">", "<", "="]))
                number = draw(st.decimals(0, 10**6, places=draw(st.integers(0, 2))))
                unit = draw(st.sampled_from(UNITS))
                c1 = l1 if first1 or not merged else ""
                c2 = l2 if first2 or not merged else ""
                lines.append(f"{c1}\t{c2}\t{name}\t{cmp}{number}{unit}")
                expected.append((l1, l2, name, (cmp or None, number, unit)))
                first1 = first2 = False
    return "\n".join(lines), expected


@settings(max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables())
def test_generated_tables_round_trip(case: tuple[str, list]) -> None:
    text, expected = case
    result = parse(text)
    got = [(i.level1, i.level2, i.name, target_tuple(i)) for i in result.indicators]
    assert got == expected
    assert [i.position for i in result.indicators] == list(range(1, len(expected) + 1))


def _without_raw(result: ParseResult) -> list[Indicator]:
    return [i._replace(raw="") for i in result.indicators]


@settings(max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables())
def test_full_width_table_gives_the_same_indicators(case: tuple[str, list]) -> None:
    text, _ = case
    assert _without_raw(parse(text)) == _without_raw(parse(to_fullwidth(text)))


def test_full_width_space_table_gives_the_same_indicators() -> None:
    text = (
        "一级指标  二级指标  三级指标  计算符号  指标值  计量单位  权重\n"
        "产出指标(40)  数量指标  A级设备采购数量  >=  95  台  10\n"
        "              质量指标  系统可用率  <  0.5  %  5\n"
    )
    assert _without_raw(parse(text)) == _without_raw(parse(to_fullwidth(text)))
    assert len(parse(text).indicators) == 2


def test_a_lost_level1_header_still_reads_the_level1_labels_in_one_cell_per_line() -> None:
    # 襄阳市中心医院 2021 自评表 (tests/corpus/docs/s-hubei-xiangyang-2021-self-eval): the
    # 一级指标 header is printed rotated and comes out garbled, but 产出指标 / 效益指标 print
    from jixiao.extract.indicators import parse_indicators

    lines = ["项目支出绩效自评表", "度效标80> 年绩目1分级标 一指", "二级指标", "三级指标",
             "年初目标值(A)", "实际完成值(B)", "得分", "产出指标", "数量指标", "培训人数",
             "≥50人", "52人", "10", "效益指标", "社会效益", "群众知晓率", "≥90%", "95%", "10"]  # fmt: skip
    got = [(i.level1, i.level2, i.name) for i in parse_indicators("\n".join(lines)).indicators]
    assert got == [("产出指标", "数量指标", "培训人数"), ("效益指标", "社会效益", "群众知晓率")]
