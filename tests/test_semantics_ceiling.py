"""The classifier's ceiling (extract/semantics/ceiling.py): what other governments print
for the same indicator name, and which frame a level-1 disagreement belongs to."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from jixiao.extract.semantics.ceiling import (
    FRAME_COST,
    FRAME_SATISFACTION,
    SAME_FRAME,
    best_per_name,
    ceiling,
    ceiling_key,
    frame_of,
    frames,
    majority_of_others,
)
from jixiao.extract.semantics.labels import Example

ROOT = Path(__file__).resolve().parent.parent


def ex(name: str, level1: str, government: str, group: str = "d", level2: str | None = None):
    return Example(name, "≥90%", level1, level2, group, government)


def same(government: str) -> str:
    return government


_names = st.text(alphabet="满意度资金到位率培训人次项目完成", min_size=1, max_size=10)


@settings(max_examples=60, deadline=None)
@given(
    _names, st.sampled_from(["", "指标1:", "★★★", "（2）"]), st.sampled_from(["", "(%)", "（人）"])
)
def test_the_key_ignores_form_marks_and_a_trailing_hint(name: str, prefix: str, hint: str) -> None:
    key = ceiling_key(prefix + name + hint)
    assert key == ceiling_key(name)
    assert ceiling_key(key) == key  # a key is its own key


def test_the_key_folds_scripts_and_punctuation() -> None:
    assert ceiling_key("群众滿意度") == ceiling_key("群众满意度")
    assert ceiling_key("项目(工程)验收合格率") == ceiling_key("项目（工程） 验收合格率")
    assert ceiling_key("资金到位率") != ceiling_key("资金执行率")


def test_majority_of_others_never_counts_the_indicator_s_own_government() -> None:
    rows = [
        ex("群众满意度", "满意度指标", "甲"),
        ex("群众满意度", "满意度指标", "甲"),
        ex("群众满意度", "效益指标", "乙"),
        ex("培训人次", "产出指标", "甲"),
    ]
    pairs = majority_of_others(rows, "level1", same)
    # 甲's two rows see only 乙's label; 乙's row sees 甲's; 培训人次 has no other government
    assert [(e.government, answer) for e, answer in pairs] == [
        ("甲", "效益指标"),
        ("甲", "效益指标"),
        ("乙", "满意度指标"),
    ]


def test_extra_governments_answer_but_are_not_scored() -> None:
    rows = [ex("资金到位率", "产出指标", "甲")]
    extra = [ex("资金到位率", "效益指标", "广州市"), ex("资金到位率", "效益指标", "广州市")]
    assert majority_of_others(rows, "level1", same) == []
    assert majority_of_others(rows, "level1", same, extra) == [(rows[0], "效益指标")]


def test_best_per_name_is_the_most_common_label_of_each_repeated_name() -> None:
    rows = [
        ex("完成及时率", "产出指标", "甲"),
        ex("完成及时率", "产出指标", "乙"),
        ex("完成及时率", "效益指标", "丙"),
        ex("只出现一次", "效益指标", "丙"),
    ]
    assert best_per_name(rows, "level1") == (2, 3)


def test_frames_sort_disagreements_by_the_pair_of_labels() -> None:
    assert frame_of("产出指标", "成本指标") == FRAME_COST
    assert frame_of("满意度指标", "效益指标") == FRAME_SATISFACTION
    assert frame_of("产出指标", "效益指标") == SAME_FRAME
    pairs = [
        (ex("a", "产出指标", "甲", "old"), "成本指标"),
        (ex("b", "效益指标", "甲", "new"), "满意度指标"),
        (ex("c", "效益指标", "甲", "new"), "产出指标"),
        (ex("d", "产出指标", "甲", "new"), "产出指标"),  # agreement: not counted
    ]
    counted = frames(pairs, {"old": 2019, "new": 2023})
    assert counted == {
        FRAME_COST: {"printed 2018–2020": 1, "total": 1},
        FRAME_SATISFACTION: {"printed 2021 on": 1, "total": 1},
        SAME_FRAME: {"printed 2021 on": 1, "total": 1},
    }


def test_ceiling_reports_share_and_accuracy_per_level() -> None:
    rows = [
        ex("群众满意度", "满意度指标", "甲", level2="服务对象满意度指标"),
        ex("群众满意度", "满意度指标", "乙", level2="服务对象满意度指标"),
        ex("群众满意度", "效益指标", "丙", level2="社会效益指标"),
        ex("培训人次", "产出指标", "甲", level2="数量指标"),
    ]
    result = ceiling(rows, same, {"d": 2022})
    level1 = result["level1"]
    assert level1["labelled"] == 4
    assert level1["others_print_the_name"] == 3
    assert level1["applies_to"] == 0.75
    # 甲 and 乙 each see one 满意度 and one 效益: the tie goes to the label that sorts
    # first (效益); 丙 sees two 满意度: all three answers differ from the printed label
    assert level1["majority_of_others_right"] == 0.0
    assert result["level1_disagreements_by_frame"] == {
        FRAME_SATISFACTION: {"printed 2021 on": 3, "total": 3}
    }
    # level 2: the tie of 甲 and 乙 goes to 服务对象满意度指标 (their own), 丙 is outvoted
    assert result["level2"]["majority_of_others_right"] == round(2 / 3, 4)


def test_the_command_prints_the_ceiling_of_the_real_corpus() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "jixiao.extract.semantics.train", "--ceiling"],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    result = json.loads(run.stdout)
    for level in ("level1", "level2"):
        figures = result[level]
        assert figures["labelled"] > 500
        assert 0 < figures["others_print_the_name"] <= figures["labelled"]
        assert 0 <= figures["majority_of_others_right"] <= 1
        assert figures["best_per_name"] >= figures["majority_of_others_right"] - 0.2
    assert set(result["level1_disagreements_by_frame"]) <= {
        FRAME_COST,
        FRAME_SATISFACTION,
        SAME_FRAME,
    }
