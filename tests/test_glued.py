"""Glued tables (extract/glued.py, extract/glued_cells.py): cells run together, no separator."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jixiao.extract.columns import cell_role
from jixiao.extract.glued import fold_map, read_glued, split_header
from jixiao.extract.glued_cells import clean_value
from jixiao.extract.glued_marks import boundaries
from jixiao.extract.indicators import parse_indicators
from tests.corpus.render import documents


def fields(text: str) -> list[tuple]:
    out = []
    for i in parse_indicators(text).indicators:
        t = i.annual_target
        out.append((i.level1, i.level2, i.name, t.raw if t else None))
    return out


def _headers() -> list[list[str]]:
    """Every one-row indicator header of the real corpus, as printed cells."""
    found = []
    for _, doc in documents():
        for block in doc["blocks"]:
            for row in block.get("rows", []):
                cells = [c for c in row if c]
                roles = [cell_role(c) for c in cells]
                named = [r for r in roles if r]
                levels = {"name", "l2"} & set(named) and {"target", "annual"} & set(named)
                if levels and len(named) == len(cells):
                    found.append(cells)
    return found


@pytest.mark.parametrize("cells", _headers(), ids=lambda c: "".join(c)[:30])
def test_a_glued_header_of_the_corpus_splits_into_its_printed_columns(cells) -> None:
    scan, _index = fold_map("".join(cells))
    found = split_header(scan)
    assert found is not None
    assert [r for _, _, r in found[1] if r] == [cell_role(c) for c in cells]


def test_header_after_a_form_on_the_same_line_and_with_a_vertical_label_before_it() -> None:
    line = "项目名称某项目资金情况(万元)100绩效指标一级指标二级指标三级指标指标值产出指标"
    end, cells = split_header(fold_map(line)[0])
    assert [r for _, _, r in cells] == ["section", "l1", "l2", "name", "target"]
    assert line[end:] == "产出指标"
    end, cells = split_header("部门整体支出年度绩效指标一级指标二级指标三级指标指标值及单位")
    assert [r for _, _, r in cells] == [None, "section", "l1", "l2", "name", "target"]


def test_a_target_printed_twice_is_target_then_actual_value() -> None:
    text = (
        "绩效指标一级指标二级指标三级指标年度指标值全年完成值未完成原因和改进措施"
        "产出指标数量指标5000吨稻谷、500吨成品粮储备到位率100%100%库存数量真实率100%100%"
        "质量指标储备粮库存粮食明显变质比例00可持续影响指标设备维护及安全性高高"
    )
    assert fields(text) == [
        ("产出指标", "数量指标", "5000吨稻谷、500吨成品粮储备到位率", "100%"),
        ("产出指标", "数量指标", "库存数量真实率", "100%"),
        ("产出指标", "质量指标", "储备粮库存粮食明显变质比例", "0"),
        ("产出指标", "可持续影响指标", "设备维护及安全性", "高"),
    ]


def test_weights_and_scores_glued_around_the_values() -> None:
    text = (
        "绩效指标一级指标二级指标三级指标分值年度指标值全年实际值得分\n"
        "产出指标(70分)数量指标安装坡面水标尺10≥266米≥266米10质量指标项目(工程)验收合格率"
        "20100%100%20成本指标项目计划总投资1020万元20万元10"
    )
    got = parse_indicators(text).indicators
    assert [(i.name, i.annual_target.raw, i.weight, i.score) for i in got] == [
        ("安装坡面水标尺", "≥266米", Decimal(10), "10"),
        ("项目(工程)验收合格率", "100%", Decimal(20), "20"),  # ASCII brackets as printed
        ("项目计划总投资", "20万元", Decimal(10), "10"),
    ]
    assert got[0].level1 == "产出指标"


def test_numbers_glued_together_split_where_values_repeat() -> None:
    text = (
        "年度绩效目标(80分)一级指标二级指标三级指标年初目标值(A)实际完成值(B)得分\n"
        "产出指标(40分)数量指标公猪舍(≥**平方米)22.822.81\n"
        "母猪、保育猪舍(≥**平方米)1801803\n"
        "粉碎拌合机(11kw)(≥台)111\n"
    )
    got = parse_indicators(text).indicators
    assert [(i.name, i.annual_target.raw, i.actual, i.score) for i in got] == [
        ("公猪舍(≥**平方米)", "22.8", "22.8", "1"),
        ("母猪、保育猪舍(≥**平方米)", "180", "180", "3"),
        ("粉碎拌合机(11kw)(≥台)", "1", "1", "1"),
    ]


def test_one_row_per_line_with_explanations_and_labels_of_the_tables_own() -> None:
    text = (
        "绩效目标一级指标二级指标三级指标指标解释指标说明及公式预期达到目标\n"
        "产出指标数量指标培育中药材品种数量培育中药材品种数量4种\n"
        "党建任务完成率上级党组织要求完成党建工作任务完成率100%\n"
    )
    assert fields(text) == [
        ("产出指标", "数量指标", "培育中药材品种数量", "4种"),
        ("产出指标", "数量指标", "党建任务完成率", "100%"),
    ]
    own = (
        "一级指标二级指标三级指标指标值\n实施效果指标产出指标劳务报酬占中央投资比例≥32.68%\n"
        "过程管理指标计划管理指标投资计划分解(转发)用时≤20工作日\n资金管理指标中央预算内投资支付率≥95%\n"
    )
    assert [(a, b, c) for a, b, c, _ in fields(own)] == [
        ("实施效果指标", "产出指标", "劳务报酬占中央投资比例"),
        ("过程管理指标", "计划管理指标", "投资计划分解(转发)用时"),
        ("过程管理指标", "资金管理指标", "中央预算内投资支付率"),
    ]


def test_names_keep_numbering_hints_and_pinyin_glosses_as_printed() -> None:
    text = (
        "绩效指标一级指标二级指标三级指标指标值产出指标数量指标指标1:安置小区物业费8个"
        "效益指标经济效益指标指标1:小区物业费清算率(≥**%)。≥95%"
    )
    assert fields(text) == [
        ("产出指标", "数量指标", "指标1:安置小区物业费", "8个"),
        ("效益指标", "经济效益指标", "指标1:小区物业费清算率(≥**%)。", "≥95%"),
    ]
    glossed = "績效指標(biāo)一級目標(biāo)二級指標(biāo)三級指標(biāo)指標(biāo)值產(chǎn)出指標(biāo)數(shù)量指標(biāo)受助學(xué)生數(shù)100%"
    assert fields(glossed) == [
        ("產(chǎn)出指標(biāo)", "數(shù)量指標(biāo)", "受助學(xué)生數(shù)", "100%")
    ]


def test_a_stem_label_counts_only_where_a_row_starts() -> None:
    text = (
        "一级指标二级指标三级指标年初目标值(A)实际完成值(B)得分产出指标数量指标成本控制不超过预算"
        "不超过预算10成本每年财政补助1000万元1000万元1000万元10时效1年1年1年10"
    )
    assert fields(text) == [
        ("产出指标", "数量指标", "成本控制", "不超过预算"),
        ("产出指标", "成本", "每年财政补助1000万元", "1000万元"),
        ("产出指标", "时效", "1年", "1年"),
    ]
    _cuts, labels, _ = boundaries("满意度指标服务对象满意度指标市民满意度调查290%")
    assert 5 in labels and 16 not in labels  # no label 满意度 inside 市民满意度调查


def test_headerless_glued_rows_and_text_without_any_table() -> None:
    assert fields("产出指标数量指标会议次数≥20场质量指标验收合格率100%") == [
        ("产出指标", "数量指标", "会议次数", "≥20场"),
        ("产出指标", "质量指标", "验收合格率", "100%"),
    ]
    assert read_glued("本项目绩效目标为提升政务服务水平。\n资金50万元。").indicators == []


@pytest.mark.parametrize(
    ("text", "clean"),
    [("≥266米", True), ("100%", True), ("每年≥20场", True), ("9月前", True), ("5亿元", True),
     ("合格率≥100", False), ("稻谷、500吨", False), ("指标5000吨", False)],
)  # fmt: skip
def test_a_clean_value_is_one_printed_value(text: str, clean: bool) -> None:
    assert clean_value(text) is clean


# ------------------------------------------------------------------ round trips

_NAMES = ["培训人次", "道路硬化里程", "验收合格率", "群众满意度", "资金到位及时率", "受益人口数",
          "设备完好率", "宣传覆盖面", "服务对象投诉次数", "项目(工程)完成及时率"]  # fmt: skip
_VALUES = [
    "≥200人次",
    "100%",
    "≥95%",
    "≤30万元",
    "10公里",
    "≥3场",
    "<5天",
    "明显提升",
    "≥90%",
    "有效改善",
    "98%",
]
_LEVELS = [("产出指标", "数量指标"), ("产出指标", "质量指标"), ("效益指标", "社会效益指标"),
           ("满意度指标", "服务对象满意度指标")]  # fmt: skip
HEADER = ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"]


@st.composite
def self_evaluations(draw: st.DrawFn) -> tuple[list[list[str | None]], list[tuple]]:
    """A 自评表 grid: labels printed once per block, the actual value the target again
    (a worded target is met in its words) or another number, whole points."""
    blocks = draw(st.lists(st.sampled_from(range(len(_LEVELS))), min_size=1, max_size=3,
                           unique=True))  # fmt: skip
    rows: list[list[str | None]] = [list(HEADER)]
    expected = []
    for b in sorted(blocks):
        l1, l2 = _LEVELS[b]
        names = draw(st.lists(st.sampled_from(_NAMES), min_size=1, max_size=3, unique=True))
        for k, name in enumerate(names):
            value = draw(st.sampled_from(_VALUES))
            numbers = [v for v in _VALUES if any(c.isdigit() for c in v)]
            numeric = any(c.isdigit() for c in value)
            actual = value if not numeric or draw(st.booleans()) else draw(st.sampled_from(numbers))
            weight = draw(st.sampled_from(["10", "5", "20"]))
            rows.append([l1 if k == 0 else None, l2 if k == 0 else None, name, value, actual,
                         weight, weight])  # fmt: skip
            expected.append((l1, l2, name, value))
    return rows, expected


def _glued(rows: list[list[str | None]], table: bool) -> str:
    lines = ["".join(c for c in row if c is not None) for row in rows]
    return "项目支出绩效自评表\n" + ("".join(lines) if table else "\n".join(lines)) + "\n"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(self_evaluations(), st.booleans())
def test_a_glued_self_evaluation_reads_back(case, table: bool) -> None:
    rows, expected = case
    assert fields(_glued(rows, table)) == expected


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["一级指标", "产出指标", "≥", "95", "%", "率", "10", "指标值",
                                 "(A)", "三级指标", "二级指标", "\n", "、", "合格"]) | st.text(max_size=4),
                max_size=40).map("".join))  # fmt: skip
def test_glued_text_never_breaks_the_reader(text: str) -> None:
    reading = read_glued(text)
    assert len(reading.indicators) == len(reading.projects)
    for ind in reading.indicators:
        assert ind.name and ind.name in text


def test_worded_bounds_and_measure_words_of_a_real_glued_self_evaluation() -> None:
    # 原州区农技中心 2022 (tests/corpus/labelled/classifier-heldout): 粒 counts seeds, and
    # 不高于 is one comparator — cutting before 高于 would turn "at most" into "more than".
    text = (
        "项目支出绩效目标表\n一级指标二级指标三级指标指标值\n"
        "产出指标(40分)数量指标免费发放原原种550万粒\n企业自行采购200万粒\n"
        "成本指标种薯采购价格不高于市场价\n"
    )
    got = fields(text)
    assert got == [
        ("产出指标", "数量指标", "免费发放原原种", "550万粒"),
        ("产出指标", "数量指标", "企业自行采购", "200万粒"),
        ("产出指标", "成本指标", "种薯采购价格", "不高于市场价"),
    ]
    bound = parse_indicators(text).indicators[-1].annual_target
    assert bound is not None and bound.comparator == "≤"
