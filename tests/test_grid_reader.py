"""The column-aware grid reader (extract/grid_reader.py) and the text layouts feeding it."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from jixiao.extract.blocks import grid
from jixiao.extract.columns import cell_role, find_header
from jixiao.extract.grid_reader import align, read_rows
from jixiao.extract.indicators import parse_indicators

HEADER = ["一级指标", "二级指标", "三级指标", "指标值"]


def _fields(ind):
    t = ind.annual_target
    return (ind.level1, ind.level2, ind.name, t.comparator if t else None,
            t.number if t else None, t.unit if t else None)  # fmt: skip


def test_merged_labels_are_carried_down_and_reset_under_a_new_level1() -> None:
    rows = [
        HEADER,
        ["产出指标", "数量指标", "培训人次", "≥200人次"],
        [None, None, "培训场次", "≥4场"],
        [None, "质量指标", "合格率", "≥95%"],
        ["满意度指标", None, "群众满意度", "≥90%"],
    ]
    got = [_fields(i) for i in read_rows(rows).indicators]
    assert got == [
        ("产出指标", "数量指标", "培训人次", "≥", Decimal(200), "人次"),
        ("产出指标", "数量指标", "培训场次", "≥", Decimal(4), "场"),
        ("产出指标", "质量指标", "合格率", "≥", Decimal(95), "%"),
        ("满意度指标", None, "群众满意度", "≥", Decimal(90), "%"),
    ]


def test_separate_comparator_value_unit_and_self_evaluation_columns() -> None:
    rows = [
        [
            "一級指標",
            "二級指標",
            "三級指標",
            "指標性質",
            "指標值",
            "度量單位",
            "完成值",
            "權重",
            "得分",
        ],
        ["產出指標(50分)", "數量指標", "培訓人數", ">=", "200", "人次", "210", "10", "10"],
        ["", "", "知曉率", "＝", "100", "百分比", "98%", "10", "9"],
    ]
    inds = read_rows(rows).indicators
    assert [_fields(i) for i in inds] == [
        ("產出指標", "數量指標", "培訓人數", "≥", Decimal(200), "人次"),
        ("產出指標", "數量指標", "知曉率", "=", Decimal(100), "%"),
    ]
    assert (inds[1].actual, inds[1].score, inds[1].weight) == ("98%", "9", Decimal(10))


def test_two_row_header_groups_period_and_annual_targets() -> None:
    rows = [
        ["一级指标", "二级指标", "三级指标", "实施周期指标值", None, "年度指标值", None],
        [None, None, None, "指标值", "度量单位", "指标值", "度量单位"],
        ["产出指标", "数量指标", "新建道路", "≥10", "公里", "≥4", "公里"],
    ]
    ind = read_rows(rows).indicators[0]
    assert (ind.period_target.number, ind.annual_target.number) == (Decimal(10), Decimal(4))
    assert ind.annual_target.unit == "公里"


def test_several_projects_in_one_table_keep_their_project_cells() -> None:
    rows = [
        [
            "单位名称",
            "项目名称",
            "预算数",
            "年度目标",
            "一级指标",
            "二级指标",
            "三级指标",
            "指标值",
        ],
        [
            "某镇政府",
            "村干部报酬",
            "3,309,840.00",
            "按时发放",
            "产出指标",
            "数量指标",
            "人数",
            "230人",
        ],
        [None, None, None, None, "效益指标", "社会效益指标", "社会稳定", "≥95%"],
        [None, "活动经费", "660,000.00", "保障运转", "产出指标", "质量指标", "运转率", "≥95%"],
    ]
    reading = read_rows(rows)
    assert [p["project"] for p in reading.projects] == ["村干部报酬", "村干部报酬", "活动经费"]
    assert reading.projects[2]["budget"] == "660,000.00"


def test_no_indicator_from_headers_totals_or_budget_tables() -> None:
    budget = [
        ["项目", "预算数", "项目", "合计"],
        ["一、本年收入", "78.50", "一般公共服务支出", "59.22"],
    ]
    assert read_rows(budget).indicators == []
    rows = [HEADER, ["产出指标", "数量指标", "人数", "5人"], HEADER, ["合计", "", "", "100"],
            ["总分", "100", "", ""], ["", "", "指标2", ""], ["", "", "……", ""]]  # fmt: skip
    assert [i.name for i in read_rows(rows).indicators] == ["人数"]


def test_columns_it_does_not_model_stay_out_of_names_and_targets() -> None:
    rows = [["一级指标", "二级指标", "三级指标", "指标解释", "西坪镇", "桃舟乡"],
            ["产出指标", "数量指标", "工程建设(个)", "反映开展情况", "1", "2"]]  # fmt: skip
    ind = read_rows(rows).indicators[0]
    assert ind.name == "工程建设(个)" and ind.annual_target.number == Decimal(1)


def test_short_rows_are_aligned_by_content() -> None:
    roles = ["section", "l1", "l2", "name", "target", "actual", "weight", "score", "reason"]
    assert align(["质量指标", "合格率", "≥95%", "100%", "5", "5"], roles) == [
        "", "", "质量指标", "合格率", "≥95%", "100%", "5", "5", ""]  # fmt: skip
    assert align(["绩效指标", "产出指标", "数量指标", "人数", "5人"], ["l1", "l2", "name", "target"]) == [
        "产出指标", "数量指标", "人数", "5人"]  # fmt: skip


def test_header_lexicon_variants() -> None:
    assert [cell_role(c) for c in ("年初目标值(A)", "全年实际值", "指 标 解 释", "績效指標", "单位名称",
                                   "度量单位", "指标方向性", "预期达到目标")] == [
        "annual", "actual", "explanation", "section", "unit_name", "unit", "direction", "target"]  # fmt: skip
    assert find_header([["项目", "金额"], ["合计", "1"]]) is None


LAYOUTS = ("pipe", "space", "line", "tab", "glued-row", "glued-table")


def _render(rows: list[list[str | None]], layout: str) -> str:
    lines = []
    for row in rows:
        cells = [c for c in row if c is not None]
        if layout == "pipe":
            lines.append("| " + " | ".join(cells) + " |")
        elif layout == "space":
            lines.append(" ".join(cells))
        elif layout == "tab":
            lines.append("\t".join(c or "" for c in row))
        elif layout.startswith("glued"):
            lines.append("".join(cells))
        else:
            lines.extend(cells)
    if layout == "glued-table":
        lines = ["".join(lines)]
    return "项目支出绩效目标表\n" + "\n".join(lines) + "\n"


_NAMES = st.sampled_from(["培训人次", "道路硬化里程", "验收合格率", "群众满意度", "资金到位及时率",
                          "受益人口数", "设备完好率", "宣传覆盖面"])  # fmt: skip
_TARGETS = st.sampled_from(["≥200人次", "100%", "≥95%", "≤30万元", "10公里", "≥3场", "<5天"])
_LEVELS = st.sampled_from([("产出指标", "数量指标"), ("产出指标", "质量指标"),
                           ("效益指标", "社会效益指标"), ("满意度指标", "服务对象满意度指标")])  # fmt: skip


@st.composite
def tables(draw):
    blocks = draw(st.lists(st.tuples(_LEVELS, st.lists(st.tuples(_NAMES, _TARGETS), min_size=1,
                                                         max_size=3)), min_size=1, max_size=4))  # fmt: skip
    rows: list[list[str | None]] = [list(HEADER)]
    expected = []
    last1 = None
    for (l1, l2), items in blocks:
        for k, (name, target) in enumerate(items):
            rows.append([l1 if l1 != last1 else None, l2 if k == 0 else None, name, target])
            last1 = l1
            expected.append((l1, l2, name, target))
    return rows, expected


@settings(max_examples=300, deadline=None)
@given(tables(), st.sampled_from(LAYOUTS))
def test_a_rendered_table_reads_back_the_same(case, layout) -> None:
    rows, expected = case
    got = parse_indicators(_render(rows, layout)).indicators
    assert [(i.level1, i.level2, i.name, i.annual_target.raw) for i in got] == expected
    assert [(i.level1, i.level2, i.name) for i in read_rows(rows).indicators] == [
        e[:3] for e in expected]  # fmt: skip


_CELL = st.one_of(st.none(), st.text(max_size=12), st.sampled_from(
    ["一级指标", "二级指标", "三级指标", "指标值", "产出指标", "≥", "%", "100", "合计", "", "|"]))  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(_CELL, min_size=1, max_size=9), max_size=8))
def test_the_grid_reader_never_crashes(rows) -> None:
    reading = read_rows(rows)
    assert len(reading.indicators) == len(reading.projects)
    table = grid([["" if c is None else c for c in r] for r in rows])
    assert len(read_rows(table.texts()).indicators) <= len(rows)


# ------------------------------------------------------------------ rules of issue #14


def _read(text: str) -> list[tuple]:
    return [_fields(i) for i in parse_indicators(text).indicators]


def test_labels_printed_alone_take_their_level_from_the_table() -> None:
    # a framework level-1 label under a label of the table's own is level 2
    text = ("| 绩效指标 | 一级指标 | 二级指标 | 三级指标 | 指标值 |\n"
            "| 实施效果指标 | 产出指标 | 建设项目个数 | 1 |\n| 竣工验收合格率 | 100% |\n"
            "| 效益指标 | 综合利用率 | ≥90% |\n")  # fmt: skip
    assert [(i[0], i[1], i[2]) for i in _read(text)] == [
        ("实施效果指标", "产出指标", "建设项目个数"),
        ("实施效果指标", "产出指标", "竣工验收合格率"),
        ("实施效果指标", "效益指标", "综合利用率"),
    ]
    # a label alone on its row heads the labels of the rows after it; 成本指标 alone under
    # 产出指标 is the older frame's level 2
    text = ("一级指标\t二级指标\t三级指标\t指标值\n实施效果指标\t产出指标\t报酬占比\t≥30%\n"
            "过程管理指标\t\n计划管理指标\t分解用时\t≤20工作日\n资金管理指标\t支付率\t≥95%\n"
            "产出指标\t数量指标\t人数\t5人\n成本指标\t成本控制率\t100%\n")  # fmt: skip
    assert [(i[0], i[1]) for i in _read(text)] == [
        ("实施效果指标", "产出指标"), ("过程管理指标", "计划管理指标"),
        ("过程管理指标", "资金管理指标"), ("产出指标", "数量指标"), ("产出指标", "成本指标")]  # fmt: skip


def test_a_row_with_a_target_and_no_name_names_it_in_its_last_label() -> None:
    text = ("| 一级指标 | 二级指标 | 三级指标 | 指标值类型 | 指标值 | 计量单位 |\n"
            "| 产出指标 | 数量指标 | 支出安排金额 | 定量 | 28.8万元 | % |\n"
            "| 成本指标 | 社会成本指标 | 定量 | 100 | % |\n| 时效指标 | 安排时间 | 定性 | 按月安排 |  |\n")  # fmt: skip
    assert _read(text) == [
        ("产出指标", "数量指标", "支出安排金额", None, Decimal("28.8"), "万元"),  # its own unit
        ("产出指标", "成本指标", "社会成本指标", None, Decimal(100), "%"),
        ("产出指标", "时效指标", "安排时间", None, None, None),
    ]


def test_comparator_and_direction_columns_swapped_and_qualitative_rows_without_value() -> None:
    text = ("一级指标 二级指标 三级指标 指标性质 指标方向 目标值 计量单位 分值\n"
            "产出指标 数量指标 出差人次 正向 = 24 人/次 4\n产出指标 成本指标 总成本 反向 ≤ 1 万元 4\n")  # fmt: skip
    assert _read(text) == [("产出指标", "数量指标", "出差人次", "=", Decimal(24), "人/次"),
                           ("产出指标", "成本指标", "总成本", "≤", Decimal(1), "万元")]  # fmt: skip
    text = "指标\n指标权重\n计量单位\n指标性质\n指标值\n发放人数\n20\n人数\n≥\n80\n促进社会和谐\n20\n定性\n保障收入\n20\n定性\n"
    assert _read(text) == [(None, None, "发放人数", "≥", Decimal(80), "人数"),
                           (None, None, "促进社会和谐", None, None, None),
                           (None, None, "保障收入", None, None, None)]  # fmt: skip


def test_a_header_of_level_and_name_columns_then_one_column_per_place() -> None:
    text = ("| 绩效指标 | 一级指标 | 二级指标 | 三级指标 | 指 标 解 释 | 西坪镇尧山村 | 桃舟乡吾培村 |\n"
            "| 产出指标 | 数量指标 | 开展小型水利工程建设(个) | 反映开展情况 | 1 | 1 |\n")  # fmt: skip
    assert _read(text) == [
        ("产出指标", "数量指标", "开展小型水利工程建设(个)", None, Decimal(1), None)
    ]


def test_a_pipe_row_whose_cell_runs_over_lines_and_an_unnamed_index_column() -> None:
    text = ("| 策略績效目標 | 衡量指標 |\n| 衡量指標 | 評估方式 | 衡量標準 | 103年年度目標值 |\n"
            "| 一 | 營造發展利基(25%) | 一 | 市場遷建計畫(7%) | 完成工作項目 | 1.完成招標50%\n"
            "2.工程完工75% | 100% |\n| 二 | 花卉拍賣中心(5%) | 完成工作項目 | 1.規劃(25%) | 70% |\n")  # fmt: skip
    assert _read(text) == [
        ("營造發展利基", None, "市場遷建計畫(7%)", None, Decimal(100), "%"),
        ("營造發展利基", None, "花卉拍賣中心(5%)", None, Decimal(70), "%"),
    ]


def test_one_cell_per_line_without_header_template_rows_and_two_header_rows() -> None:
    skipped = ("项目支出绩效自评表\n(2021年度)\n项目名称\n质量检测经费\n可持续影响指标\n可持续\n可持续\n"
               "可持续\n10\n9\n满意度指标\n服务对象满意度指标\n服务对象满意度\n≥90%\n100%\n10\n10\n总分\n100\n")  # fmt: skip
    assert _read(skipped) == [(None, "可持续影响指标", "可持续", None, None, None),
                              ("满意度指标", "服务对象满意度指标", "服务对象满意度", "≥", Decimal(90), "%")]  # fmt: skip
    template = ("一级指标\n二级指标\n三级指标\n年度指标值\n实际完成值\n分值\n得分\n产出指标\n数量指标\n"
                "指标1工程金额\n43.2\n37.24\n10\n9\n指标2\n……\n质量指标\n指标1完工率\n100\n100\n10\n10\n")  # fmt: skip
    assert [i[2] for i in _read(template)] == ["指标1工程金额", "指标1完工率"]
    two = ("绩效指标\n年度指标值\n实际完成值\n分值\n得分\n一级指标\n二级指标\n三级指标\n指标性质\n指标值\n"
           "度量单位\n产出指标\n数量指标\n受资助人数\n≧\n735\n人次\n735\n10\n10\n")  # fmt: skip
    assert _read(two) == [("产出指标", "数量指标", "受资助人数", "≥", Decimal(735), "人次")]


def test_a_table_ends_at_the_next_forms_title_or_fields() -> None:
    text = ("绩效指标\n指标\n指标权重\n计量单位\n指标性质\n指标值\n按月发放\n20\n次\n=\n1\n"
            "表十二\n2023年一般性项目绩效目标表(一级项目)\n编制单位:\n813-潼南区五桂镇\n单位:万元\n")  # fmt: skip
    assert _read(text) == [(None, None, "按月发放", "=", Decimal(1), "次")]
