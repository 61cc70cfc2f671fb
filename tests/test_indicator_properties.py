"""Hypothesis properties of parse_indicators (2,000 examples each under the CI profile)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from jixiao.extract.indicators import parse_indicators
from jixiao.extract.normalize import to_fullwidth
from jixiao.extract.records import Indicator

L1 = [("1", "产出指标"), ("2", "效益指标"), ("3", "满意度指标"), ("4", "成本指标")]
L2 = {"1": ["11-数量指标", "12-质量指标", "13-时效指标"], "2": ["22-社会效益", "21-经济效益"],
      "3": ["31-服务对象满意度"], "4": ["41-经济成本指标", "42-社会成本指标"]}  # fmt: skip
VALUES = ["≥95%", "100%", "≤3万元", "<2个", "≥0.6万台", "每年≥20场", "不少于600个", "9000元及以内",
          "涉密", "位于优秀档次", "≤29.91元/件", ">85分", "0", "≥1套"]  # fmt: skip
NAMES = st.text(
    alphabet="话务接通率满意度服务对象系统可用运维数量采购成本控制（）%AB", min_size=1, max_size=12
)
PIECES = st.sampled_from(
    ["1、", "2、", "3-满意度指标", "；", ";", "：", ":", "。", ".", "<p>", "</p>", "<2个", "实施周期指标值",
     "年度指标值", "31-服务对象满意度", "≥", "%", "万元", "产出", "目标", " ", "\n", "、", "-"]
)  # fmt: skip


@st.composite
def cells(draw: st.DrawFn) -> tuple[str, list[tuple[str, str, str, str]]]:
    items = []
    for _ in range(draw(st.integers(1, 6))):
        code, label = draw(st.sampled_from(L1))
        l2 = draw(st.sampled_from(L2[code]))
        name = draw(NAMES).strip("%") or "指标"
        value = draw(st.sampled_from(VALUES))
        items.append((code, label, l2, name, value))
    text = "".join(
        f"{i}、{c}-{lab}；{l2}；{name}；实施周期指标值：{v}；年度指标值：{v}。"
        for i, (c, lab, l2, name, v) in enumerate(items, start=1)
    )
    return text, [(c, l2[:2], name, v) for c, _, l2, name, v in items]


def _without_raw(ind: Indicator) -> Indicator:
    return ind._replace(
        raw="",
        period_target=ind.period_target and ind.period_target._replace(raw=""),
        annual_target=ind.annual_target and ind.annual_target._replace(raw=""),
    )


@given(st.text())
def test_never_raises_on_any_text(text: str) -> None:
    result = parse_indicators(text)
    assert result.indicators or result.issues


@given(st.lists(PIECES, max_size=40).map("".join))
def test_never_raises_on_cell_like_text(text: str) -> None:
    result = parse_indicators(text)
    assert result.indicators or result.issues


@given(cells())
def test_generated_cells_give_back_their_items(case: tuple[str, list]) -> None:
    text, items = case
    result = parse_indicators(text)
    got = [(i.level1_code, i.level2_code, i.name, i.annual_target.raw) for i in result.indicators]
    assert got == [(c, c2, name, v) for c, c2, name, v in items]


@given(cells())
def test_fullwidth_and_halfwidth_give_the_same_records(case: tuple[str, list]) -> None:
    text, _ = case
    half = parse_indicators(text)
    full = parse_indicators(to_fullwidth(text))
    assert [_without_raw(i) for i in half.indicators] == [_without_raw(i) for i in full.indicators]
    assert [i.code for i in half.issues] == [i.code for i in full.issues]


@given(cells(), st.sampled_from(["<p>{}</p>", "{}", " {} ", "{}\n"]))
def test_wrappers_do_not_change_the_records(case: tuple[str, list], wrapper: str) -> None:
    text, _ = case
    plain = parse_indicators(text)
    wrapped = parse_indicators(wrapper.format(text))
    assert [_without_raw(i) for i in plain.indicators] == [
        _without_raw(i) for i in wrapped.indicators
    ]
