"""Normalisation: idempotent, width-blind, and careful with '<2个'."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from jixiao.extract.normalize import canonical, strip_tags, to_fullwidth, to_simplified

PIECES = st.sampled_from(
    [
        "1、",
        "1-产出指标",
        "；",
        ";",
        "：",
        ":",
        "<p>",
        "</p>",
        "<2个",
        "≥",
        ">=",
        "＞",
        "&lt;",
        "&amp;",
        "实施周期指标值",
        "年度指标值",
        "。",
        ".",
        "（%）",
        "(",
        ")",
        "99.5%",
        " ",
        "\u3000",
        "產出指標",
        "服务对象满意度",
        "<br/>",
        "&nbsp;",
        "x",
        "A",
    ]
)


@given(st.text())
def test_canonical_is_idempotent_on_any_text(text: str) -> None:
    once = canonical(text)
    assert canonical(once) == once


@given(st.lists(PIECES, max_size=30).map("".join))
def test_canonical_is_idempotent_on_cell_like_text(text: str) -> None:
    once = canonical(text)
    assert canonical(once) == once


@given(st.text(alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E)))
def test_fullwidth_and_halfwidth_canonicalise_alike(text: str) -> None:
    assert canonical(to_fullwidth(text)) == canonical(text)


def test_comparator_lt_is_not_a_tag() -> None:
    assert strip_tags("<p><2个</p>") == " <2个 "
    assert canonical("<p>≤3秒;<3秒</p>").strip() == "≤3秒；<3秒"


def test_width_folding_keeps_chinese_punctuation_full() -> None:
    assert canonical("a:b;c(d)") == "a：b；c（d）"
    assert canonical("＞９５％") == ">95%"


def test_simplified_keeps_length_for_offsets() -> None:
    text = "產出指標滿意度"
    assert to_simplified(text) == "产出指标满意度"
    assert len(to_simplified(text)) == len(text)
