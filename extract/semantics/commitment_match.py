"""Goal-text commitments against the indicators of the same project.

An indicator *measures* a commitment when their units agree (the same unit or base unit;
an indicator or commitment printed without a unit agrees with any) and the commitment's
object shares content words (jieba tokens of two or more characters, minus words every
goal uses: 项目, 完成, 提升 …) with the indicator's name or target text; of several, only
those sharing the most are kept. Then the numbers are compared: the commitment's value
against the target's (in the base unit where both have one), or any number with the same
unit printed in the target text (``提供10项数据安全目录+10项密码服务目录``).

:data:`MEASURED`: some matching indicator's target agrees (or cannot be compared);
:data:`DISAGREEING`: every matching indicator's target names another number;
:data:`UNMEASURED`: no indicator of the project measures it.
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache
from typing import NamedTuple

from jixiao.extract.records import Indicator, Target
from jixiao.extract.semantics.commitments import Commitment, find_commitments
from jixiao.extract.target import parse_target

MEASURED = "measured"
UNMEASURED = "unmeasured"
DISAGREEING = "disagreeing"

_STOP_TEXT = """
    项目 完成 提供 开展 实现 推进 推动 提升 提高 保障 建设 相关 全市 广州市 广州 以上 以下 不少
    不低于 低于 不超过 少于 达到 每年 全年 年度 新增 数量 个数 情况 工作 服务 进行 不同 我市 市级
    能力 水平 有效 部分 其中 及时 系统 平台 管理 信息 数据 应用"""
_STOP_WORDS = frozenset(_STOP_TEXT.split())
_NUMBER_UNIT = re.compile(r"(\d+(?:\.\d+)?)(万|亿|千)?([个项台套份次场条家名人篇张路户件类种元%]+)")


class Measure(NamedTuple):
    """An indicator that measures a commitment; ``agrees`` is None where the target
    prints no number to compare."""

    position: int
    name: str
    target: str
    agrees: bool | None


class CommitmentCheck(NamedTuple):
    commitment: Commitment
    status: str  # MEASURED, UNMEASURED or DISAGREEING
    measures: tuple[Measure, ...] = ()


@lru_cache(maxsize=65536)
def content_words(text: str) -> frozenset[str]:
    """The jieba words of ``text`` that can tie a commitment to an indicator."""
    from jixiao.extract.semantics.rules import load

    words = (t.text for t in load().tokenizer(re.sub(r"\d+(?:\.\d+)?", " ", text)))
    return frozenset(w for w in words if len(w) >= 2 and w not in _STOP_WORDS and w.strip())


def _target(ind: Indicator) -> Target | None:
    return ind.annual_target or ind.period_target


def _units_agree(c: Commitment, t: Target | None) -> bool:
    if c.unit is None or t is None or t.unit is None:
        return True
    if c.unit == t.unit:
        return True
    return c.base_unit is not None and c.base_unit == t.base_unit


def _same(a: Decimal | None, b: Decimal | None) -> bool:
    return a is not None and b is not None and a == b


def _agrees(c: Commitment, t: Target | None) -> bool | None:
    if t is None or t.number is None:
        return None if t is None or not _printed_numbers(t.raw) else _in_text(c, t.raw)
    if _same(c.value, t.value) or (t.value is None and _same(c.quantity, t.number)):
        return True
    if c.value is None and _same(c.quantity, t.number):
        return True
    return _in_text(c, t.raw) or False


def _printed_numbers(raw: str) -> list[tuple[Decimal, str]]:
    return [
        (Decimal(m.group(1)), (m.group(2) or "") + m.group(3)) for m in _NUMBER_UNIT.finditer(raw)
    ]


def _in_text(c: Commitment, raw: str) -> bool:
    """The target text prints the commitment's number with its unit somewhere."""
    for number, unit in _printed_numbers(raw):
        if number == c.quantity and (c.unit is None or unit == c.unit):
            return True
        parsed = parse_target(f"{number}{unit}")
        if _same(parsed.value, c.value) and parsed.base_unit == c.base_unit:
            return True
    return False


def check(c: Commitment, indicators: tuple[Indicator, ...] | list[Indicator]) -> CommitmentCheck:
    """Which of ``indicators`` measure ``c``, and whether their numbers agree."""
    wanted = content_words(c.object)
    scored = []
    for ind in indicators:
        t = _target(ind)
        if not _units_agree(c, t):
            continue
        shared = wanted & (content_words(ind.name) | content_words(t.raw if t else ""))
        if len(c.object) >= 2 and c.object in ind.name:  # 事故 in 重大安全事故发生数
            shared = shared | {c.object}
        if shared:
            scored.append((sum(len(w) for w in shared), ind))
    if not scored:
        return CommitmentCheck(c, UNMEASURED)
    best = max(score for score, _ in scored)
    measures = tuple(
        Measure(ind.position, ind.name, _target(ind).raw if _target(ind) else "",
                _agrees(c, _target(ind)))
        for score, ind in scored
        if score == best
    )  # fmt: skip
    if any(m.agrees is not False for m in measures):
        return CommitmentCheck(c, MEASURED, measures)
    return CommitmentCheck(c, DISAGREEING, measures)


def check_goal(
    goal: str, indicators: tuple[Indicator, ...] | list[Indicator], year: int | None = None
) -> list[CommitmentCheck]:
    """Every commitment of ``goal``, each checked against the project's ``indicators``
    (cached: ingest asks it for the report and again for the graph)."""
    return list(_checked(goal, tuple(indicators), year))


@lru_cache(maxsize=4096)
def _checked(
    goal: str, indicators: tuple[Indicator, ...], year: int | None
) -> tuple[CommitmentCheck, ...]:
    return tuple(check(c, indicators) for c in find_commitments(goal, year))


def as_dict(k: CommitmentCheck) -> dict:
    """A checked commitment as JSON-ready plain data (the ingest report, the goldens)."""
    c = k.commitment
    return {
        "text": c.text,
        "start": c.start,
        "end": c.end,
        "object": c.object,
        "comparator": c.comparator,
        "quantity": format(c.quantity, "f"),
        "unit": c.unit,
        "deadline": c.deadline.value if c.deadline else None,
        "status": k.status,
        "measured_by": [m.name for m in k.measures if m.agrees is not False],
        "disagreeing": [
            {"indicator": m.name, "target": m.target} for m in k.measures if m.agrees is False
        ],
    }
