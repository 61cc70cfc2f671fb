"""Indicators written as running text (extract/prose.py)."""

from __future__ import annotations

from decimal import Decimal

from jixiao.extract.indicators import parse_indicators
from jixiao.extract.prose import read_prose


def _read(text: str) -> list[tuple]:
    out = []
    for i in read_prose(text).indicators:
        t = i.annual_target
        out.append(
            (i.level1, i.level2, i.name) + ((t.comparator, t.number, t.unit) if t else (None,) * 3)
        )
    return out


def test_a_self_evaluation_report_with_bare_values_and_completion_rates() -> None:
    text = ("(一)自评得分\n100分。\n1.产出指标完成情况\n"
            "数量指标:年度免费开放服务天360天,指标完成率100%;年度免费开放服务25万人次,指标完成率100%。\n"
            "2.效益指标完成情况\n服务市民阅读需求有效提高,指标完成率100%。\n"
            "3.满意度指标完成情况\n读者满意度调查好评率90%,指标完成率99.14%。\n")  # fmt: skip
    assert _read(text) == [
        ("产出指标", "数量指标", "年度免费开放服务天", None, Decimal(360), "天"),
        ("产出指标", "数量指标", "年度免费开放服务", None, Decimal(25), "万人次"),
        ("效益指标", None, "服务市民阅读需求有效提高", None, None, None),
        ("满意度指标", None, "读者满意度调查好评率", None, Decimal(90), "%"),
    ]
    assert parse_indicators(text).indicators  # the command reads it too


def test_labels_open_clauses_and_headings_numbered_alike_are_level_1() -> None:
    text = ("一、 产出指标\n数量指标:★补助各类瓜果蔬菜种植数量,种植数量(≥**株)>=17600株;"
            "成活率(≥**%)>=85;\n二、 效益指标\n社会效益目标:受益户数(≥**户)≥10户。\n"
            "三、 满意度指标\n服务对象满意度指标,受益户满意度(≥**%)≥95%。\n同心县人民政府\n2023年3月27日\n")  # fmt: skip
    assert _read(text) == [
        (
            "产出指标",
            "数量指标",
            "★补助各类瓜果蔬菜种植数量,种植数量(≥**株)",
            "≥",
            Decimal(17600),
            "株",
        ),
        ("产出指标", "数量指标", "成活率(≥**%)", "≥", Decimal(85), None),
        ("效益指标", "社会效益目标", "受益户数(≥**户)", "≥", Decimal(10), "户"),
        ("满意度指标", "服务对象满意度指标", "受益户满意度(≥**%)", "≥", Decimal(95), "%"),
    ]


def test_text_without_labels_gives_nothing() -> None:
    assert read_prose("本项目资金50万元,完成率100%。\n2023年3月27日\n").indicators == []
