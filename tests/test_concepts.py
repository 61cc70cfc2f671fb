"""The indicator library's grouping (extract.concepts): printed names → concept keys."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jixiao.extract.concepts import SATISFACTION_KEY, concept_key, concept_keys, group
from jixiao.extract.normalize import to_fullwidth
from jixiao.extract.records import Indicator
from jixiao.extract.semantics.direction import is_inverse

SATISFACTION = [
    "满意度",
    "满意率",
    "群众满意度",
    "服务对象满意度",
    "受益群众满意度",
    "受益群众满意率",
    "社会公众满意度",
    "办事群众满意度",
    "用户满意度",
    "服务满意度（%）",
    "群众对服务的满意度",
    "办事企业和群众满意度",
    "1.服务对象满意度",
    "（2）群众满意程度",
    "服務對象滿意度",
    "服务对象 满意度",
    "服务对象满意度：",
]
INVERSE = ["不满意率", "投诉率", "有效投诉率", "差错率", "故障率", "重大安全事故发生数"]
OTHERS = ["不满意回访率", "投诉办结率", "培训满意度", "系统可用率", "故障修复率"]


@pytest.mark.parametrize("name", SATISFACTION)
def test_satisfaction_spellings_are_one_concept(name: str) -> None:
    assert concept_key(name) == SATISFACTION_KEY


@pytest.mark.parametrize("name", INVERSE + OTHERS)
def test_other_names_are_not_the_satisfaction_concept(name: str) -> None:
    assert concept_key(name) != SATISFACTION_KEY


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("1.系统可用率（%）", "系统可用率"),
        ("指标3：系统可用率", "系统可用率"),
        ("①系统可用率。", "系统可用率"),
        ("项目预算控制率=项目实际费用金额/项目投资概算*100%", "项目预算控制率"),
        ("12345热线接通率", "12345热线接通率"),  # a number that is part of the name stays
        ("1.5小时到场率", "1.5小时到场率"),
        ("设备使用满意率", "设备满意度"),
        ("培训学员满意度", "培训学员满意度"),
        ("投诉（处理）", "投诉（处理）"),  # a note that turns the direction is kept
        ("（必填）", "（必填）"),  # nothing but a note: its own key
    ],
)
def test_keys_of_printed_names(name: str, key: str) -> None:
    assert concept_key(name) == key


def test_inverse_names_keep_their_direction() -> None:
    for name in INVERSE:
        assert is_inverse(concept_key(name)), name
    for name in OTHERS + SATISFACTION:
        assert not is_inverse(concept_key(name)), name


def test_group_counts_spellings_and_picks_the_most_frequent() -> None:
    names = ["群众满意度", "满意度", "满意度", "不满意率", "服务对象满意度", "投诉率", "满意度"]
    concepts = group(Indicator(n) for n in names)
    assert sorted(concepts) == sorted({SATISFACTION_KEY, "不满意率", "投诉率"})
    sat = concepts[SATISFACTION_KEY]
    assert sat.spellings == {"群众满意度": 1, "满意度": 3, "服务对象满意度": 1}
    assert sat.pref_label == "满意度"
    assert not sat.lower_is_better and concepts["投诉率"].lower_is_better
    assert concept_keys([Indicator(n) for n in names]) == [concept_key(n) for n in names]


def test_group_leaves_out_empty_names() -> None:
    assert group([Indicator(""), Indicator("  "), Indicator("\u3000")]) == {}


# ------------------------------------------------------------------ properties

WORDS = (
    SATISFACTION
    + INVERSE
    + OTHERS
    + ["系统", "运维", "服务", "对象", "群众", "受益", "满意", "不", "率", "度", "回访", "投诉"]
    + ["（必填）", "（%）", "1.", "（3）", "指标2：", "=", "/", "：", "。", "A", "b", "7", " "]
)
names = st.lists(st.sampled_from(WORDS), min_size=1, max_size=5).map("".join) | st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=20
)
TRADITIONAL = str.maketrans(
    "满数质务对总计达项应为关个条级额类设备时经济标产",
    "滿數質務對總計達項應為關個條級額類設備時經濟標產",
)


@given(names)
def test_key_is_idempotent(name: str) -> None:
    key = concept_key(name)
    assert concept_key(key) == key


@given(names)
def test_key_keeps_the_direction(name: str) -> None:
    assert is_inverse(concept_key(name)) == is_inverse(name)


@given(names, st.lists(st.integers(min_value=0, max_value=30), max_size=4))
def test_key_ignores_spaces(name: str, cuts: list[int]) -> None:
    spaced = name
    for at in sorted(cuts, reverse=True):
        spaced = spaced[:at] + " \u3000"[at % 2] + spaced[at:]
    assert concept_key(spaced) == concept_key(name)


@given(names)
def test_key_ignores_width(name: str) -> None:
    assert concept_key(to_fullwidth(name)) == concept_key(name)


@given(names)
def test_key_ignores_traditional_characters(name: str) -> None:
    assert concept_key(name.translate(TRADITIONAL)) == concept_key(name)


@given(st.lists(names, max_size=8))
def test_grouping_is_a_function_of_each_name(batch: list[str]) -> None:
    """The key of a record does not depend on the other records (documents stay
    replaceable): grouping a batch agrees with grouping each name alone."""
    records = [Indicator(n) for n in batch]
    together = group(records)
    for n in batch:
        if concept_key(n):
            alone = group([Indicator(n)])
            (key,) = alone
            assert n.strip() in together[key].spellings
    assert concept_keys(records) == concept_keys(list(reversed(records)))[::-1]
