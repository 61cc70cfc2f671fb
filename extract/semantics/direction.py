"""Which way an indicator is good, from its name: inverse (lower-is-better) indicators.

An indicator that counts something bad — 不满意率, 投诉率, 差错率, 故障率, 事故发生数 — is
better the lower it is, and it is not a satisfaction indicator whatever category it was
filed under. But a rate of *acting on* a bad thing is better the higher it is:
不满意回访率 (calls back to the dissatisfied), 投诉办结率, 故障修复率. So a bad word makes
a name inverse only when no remedy word follows it.

Plain Python (no spaCy) so that ingest can ask it of every indicator; the spaCy
component ``jx_direction`` (:mod:`extract.semantics.pipeline`) uses the same word lists
over jieba tokens, and the tests hold the two to the same answers.
"""

from __future__ import annotations

import re

from jixiao.extract.normalize import canonical, to_simplified

BAD_WORDS = (
    "不满意",
    "投诉",
    "差错",
    "错误",
    "故障",
    "事故",
    "失误",
    "违规",
    "违法",
    "违纪",
    "超支",
    "延误",
    "返工",
    "漏报",
    "误报",
    "瞒报",
    "退件",
    "返修",
    "逾期",
    "积压",
    "死亡",
    "伤亡",
    "发病",
    "损失",
    "污染",
    "空置",
    "闲置",
    "流失",
    "辍学",
    "不合格",
    "不达标",
    "不良",
    "复发",
    "拖欠",
    "信访",
    "负面",
    "隐患",
    "超标",
    "滞留",
    "缺陷",
    "扣分",
    "罚款",
    "失败",
    "中断",
    "宕机",
    "丢失",
    "泄露",
    "火灾",
    "案件发生",
)
REMEDY_WORDS = (
    "回访",
    "办结",
    "处理",
    "处置",
    "解决",
    "修复",
    "整改",
    "查处",
    "结案",
    "回复",
    "响应",
    "答复",
    "化解",
    "排除",
    "消除",
    "治理",
    "销号",
    "办理",
    "受理",
    "清偿",
    "清欠",
    "追回",
    "挽回",
    "调处",
    "调解",
    "核查",
    "排查",
    "处罚",
    "打击",
    "救治",
    "救助",
    "补救",
    "下降",
    "降低",
    "减少",
    "控制",
    "防控",
    "防治",
    "预防",
    "防范",
    "监测",
    "检测",
    "报告",
    "维修",
    "恢复",
    "关闭",
    "抢修",
    "维护",
    "合格",
    "修缮",
    "改造",
    "清理",
    "清运",
    "回收",
)
BAD_RE = re.compile("|".join(BAD_WORDS))
REMEDY_RE = re.compile("|".join(REMEDY_WORDS))
_LOWER_CMP_RE = re.compile(r"^(?:≤|<|=<|<=|不高于|不超过|低于|小于|控制在)|(?:以内|以下|之内)$")
_HIGHER_CMP_RE = re.compile(r"^(?:≥|>|>=|=>|不低于|不少于|高于|大于|达到)|(?:以上|及以上)$")


def _fold(text: str) -> str:
    return to_simplified(canonical(text)).replace(" ", "")


def bad_word_at(name: str) -> int | None:
    """Where the name's last bad word starts, when no remedy word follows it."""
    text = _fold(name)
    last = None
    for match in BAD_RE.finditer(text):
        last = match
    if last is None or REMEDY_RE.search(text, last.end()):
        return None
    return last.start()


def is_inverse(name: str) -> bool:
    """Lower is better: the name counts something bad (不满意率, 投诉率, 故障率)."""
    return bad_word_at(name) is not None


def target_direction(target: str | None) -> str | None:
    """``lower`` or ``higher`` as the printed target says (≤ …, …以内; ≥ …, …以上)."""
    if not target:
        return None
    text = _fold(target)
    if _LOWER_CMP_RE.search(text):
        return "lower"
    if _HIGHER_CMP_RE.search(text):
        return "higher"
    return None


def direction(name: str, target: str | None = None) -> str | None:
    """``lower`` for an inverse indicator, else what the target's comparator says."""
    if is_inverse(name):
        return "lower"
    return target_direction(target)


def is_satisfaction_name(name: str) -> bool:
    """The name speaks of satisfaction (满意), not of dissatisfaction or complaints:
    不满意回访率 and 投诉率 are not satisfaction indicators."""
    text = _fold(name)
    return "满意" in text and "不满意" not in text and not is_inverse(text)
