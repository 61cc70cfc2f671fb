"""Commitments a project's goal text (绩效目标) states: quantity + unit + object, deadline.

Two shapes of a commitment are read, each with its source span (character offsets into
the goal text):

- *number first*: an optional comparator word, a number, a measure word and what is
  counted — ``完成政务数据服务门户等5个系统重构升级改造`` → 5 个 ``系统重构升级改造``;
  ``培训300人次``; ``增设1台LED显示屏``; ``建设一套…系统`` (a Chinese numeral only
  right after a verb of delivery, so that ``一网统管`` or ``十五运会`` are no numbers);
- *object first*: what is measured, a comparator and a number (unit optional) —
  ``覆盖率达到95%``, ``汇聚更新数据量不低于10亿条``, ``“成本控制率”不超过100%``.

Numbers that are dates (``2024年``, ``2023.07``, a deadline span), document or standard
numbers (``〔2021〕7号``, ``GB/T 39786-2021``), enumerations (``1、``) and ``7×24`` are not
quantities. A commitment's deadline is the date the ``jx_deadlines`` component finds in
the same sentence (the last one before it, else the first after it).

Plain records, no RDF: :mod:`extract.semantics.commitment_match` matches them to the
project's indicators.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import NamedTuple

from jixiao.extract.numerals import to_int
from jixiao.extract.semantics.deadlines import Deadline, deadlines
from jixiao.extract.semantics.direction import BAD_RE
from jixiao.extract.target import parse_target


class Commitment(NamedTuple):
    """One commitment of a goal text; ``start``/``end`` are offsets of ``text`` in it."""

    text: str
    start: int
    end: int
    object: str
    quantity: Decimal
    unit: str | None
    comparator: str | None = None
    value: Decimal | None = None  # in the base unit (10亿条 → 10⁹ 条) where one is known
    base_unit: str | None = None
    approximate: bool = False  # 约, 近, 余, 多
    deadline: Deadline | None = None


_UNIT_WORDS = """
    个 项 台 套 份 次 人次 场 场次 条 家 家次 名 人 篇 篇次 张 路 户 所 座 批 批次 期 本 部 册 件
    类 种 款 组 支 辆 间 处 元 万元 亿元 小时 天 分钟 秒 % ‰ 平方米 米 公里 千米 吨 GB TB 课时
    学时 人天 人月 节 个月 周 分 倍 页 栏 宗 起 单 份次 户次 人日 盏 块 根 棵 株 亩 公顷"""
_UNITS = sorted(_UNIT_WORDS.split(), key=len, reverse=True)
_CMP = {
    "不少于": "≥", "不低于": "≥", "不小于": "≥", "至少": "≥", "大于等于": "≥",
    "大于或等于": "≥", "达到": "≥", "达": "≥", "突破": ">", "超过": ">", "大于": ">",
    "高于": ">", "多于": ">", "不超过": "≤", "不高于": "≤", "不大于": "≤", "小于等于": "≤",
    "少于等于": "≤", "控制在": "≤", "小于": "<", "少于": "<", "低于": "<", "为": "=",
    "提升": "≥", "提高": "≥", "增长": "≥", "≥": "≥", "≤": "≤", ">": ">", "<": "<", "=": "=",
    ">=": "≥", "<=": "≤",
}  # fmt: skip
_APPROX = ("约", "近", "逾", "超")
_DELIVER = "完成|建设|建成|新增|提供|搭建|培训|举办|开展|打造|增设|形成|编制|制定|发布|组织|召开"
_CN = "一二两三四五六七八九十百千"
_QTY_RE = re.compile(
    "(?P<cmp>" + "|".join(sorted(map(re.escape, _CMP), key=len, reverse=True)) + ")?"
    "(?P<approx>" + "|".join(_APPROX) + ")?"
    r"(?P<num>(?<![\d.×xX〔\[(（/\-—A-Za-z])\d+(?:\.\d+)?(?![\d×xX]|\.\d|[年月日号时]|:\d))"
    "(?P<mag>万|亿|千)?(?P<more>余|多)?"
    "(?P<unit>" + "|".join(map(re.escape, _UNITS)) + ")?"
    "(?P<suffix>及以上|以上|以下|以内)?"
)
_CN_RE = re.compile(
    f"(?<=(?:{_DELIVER}))(?P<num>[{_CN}]+)(?P<unit>" + "|".join(map(re.escape, _UNITS)) + ")"
)
_STOP_AFTER = set("，,。；;：:！？!?（()）\n 　<>")
_STOP_BEFORE = _STOP_AFTER | set("、")
_NEXT_QTY = re.compile(r"(?:近|约|不少于|至少)?\d")
_AFTER_WORDS = ("按", "并", "以", "用于", "进行", "等", "。")
_LEAD_WORDS = re.compile(
    r"(?:力争|确保|保证|做到|实现|推动|推进|保持|其中|同时|全年|当年|本年|年内|每年)+"
)
_TAIL_WORDS = re.compile(r"(?:各|均|总体|分别|全部|要)+$")
_QUOTES = str.maketrans("", "", "“”\"'‘’《》「」")
_SENTENCE = re.compile(r"[^。；;\n]+")
_DATE_HINT = re.compile(r"年|月|季度|\d[./]\d")


def _object_after(text: str, pos: int) -> tuple[str, int]:
    """What a number-first commitment counts: from ``pos`` to a stop (punctuation, the
    next quantity of a list, 等, or 、 once four characters are read)."""
    out: list[str] = []
    i = pos
    while i < len(text) and len(out) < 32:
        char = text[i]
        if char in _STOP_AFTER:
            break
        if char == "、" and not out:
            break
        if char in "、及和与" and (
            _NEXT_QTY.match(text, i + 1) or (char == "、" and len(out) >= 4)
        ):
            break
        if len(out) >= 2 and text.startswith(_AFTER_WORDS, i):
            break
        if char == "等":
            break
        out.append(char)
        i += 1
    return "".join(out).translate(_QUOTES).strip(), i


def _object_before(text: str, pos: int) -> tuple[str, int]:
    """What an object-first commitment measures: back from ``pos`` to a stop, after the
    last verb of intent (力争, 确保, 做到 …)."""
    i = pos
    while i > 0 and text[i - 1] not in _STOP_BEFORE and pos - i < 30:
        i -= 1
    cut = 0
    for lead in _LEAD_WORDS.finditer(text, i, pos):
        cut = lead.end() - i
    name = _TAIL_WORDS.sub("", text[i + cut : pos].translate(_QUOTES)).strip()
    return name, i + cut


def _parsed(number: str, mag: str, unit: str | None) -> tuple[Decimal | None, str | None]:
    target = parse_target(f"{number}{mag}{unit or ''}")
    return target.value, target.base_unit


def _enumeration(text: str, m: re.Match) -> bool:
    """``1、`` or ``2.`` opening a list item, not a quantity."""
    s, e = m.span("num")
    opens = s == 0 or text[s - 1] in _STOP_BEFORE or text[s - 1] in "。；;"
    return not m.group("cmp") and not m.group("unit") and opens and text[e : e + 1] in "、.．"


def _in(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(s < end and start < e for s, e in spans)


def _deadline_for(found: list[Deadline], start: int, sentences: list[tuple[int, int]]):
    here = next(((s, e) for s, e in sentences if s <= start < e), (0, 0))
    inside = [d for d in found if here[0] <= d.start < here[1]]
    before = [d for d in inside if d.end <= start]
    after = [d for d in inside if d.start >= start]
    return before[-1] if before else (after[0] if after else None)


def _number_first(
    text: str, m: re.Match, quantity: Decimal, comparator: str | None
) -> Commitment | None:
    obj, end = _object_after(text, m.end())
    if not re.search(r"[\u4e00-\u9fffA-Za-z]", obj):
        return None
    value, base = _parsed(m.group("num"), m.group("mag") or "", m.group("unit"))
    start = m.start()
    return Commitment(
        text[start:end], start, end, obj, quantity, (m.group("mag") or "") + m.group("unit"),
        comparator, value, base, bool(m.group("approx") or m.group("more")),
    )  # fmt: skip


def find_commitments(goal: str, year: int | None = None) -> list[Commitment]:
    """The commitments ``goal`` states, in text order, each with its span and deadline;
    ``year`` (the project's fiscal year) dates ``年底前`` and the like."""
    sentences = [(m.start(), m.end()) for m in _SENTENCE.finditer(goal)]
    out: list[Commitment] = []
    for m in _QTY_RE.finditer(goal):
        s, e = m.span("num")
        if _enumeration(goal, m):
            continue
        if goal[max(0, s - 5) : s].rstrip().upper().endswith(("GB/T", "GB")):
            continue
        cmp_word = m.group("cmp")
        comparator = _CMP.get(cmp_word) if cmp_word else None
        if m.group("suffix"):
            comparator = "≤" if m.group("suffix") in ("以下", "以内") else "≥"
        quantity = Decimal(m.group("num"))
        unit = m.group("unit")
        c = None
        if unit and unit not in "%‰":
            c = _number_first(goal, m, quantity, comparator)
        elif not unit and quantity == 0 and BAD_RE.match(goal, e):
            bad = BAD_RE.match(goal, e)
            c = Commitment(goal[s : bad.end()], s, bad.end(), bad.group(), quantity, None, "=")
        if c is None:
            tail = goal[m.end() : m.end() + 1]
            ends_clause = not tail or tail in _STOP_BEFORE
            if not (cmp_word or (unit and ends_clause and s > 0 and goal[s - 1] >= "\u4e00")):
                continue
            head = m.start() if cmp_word or m.group("approx") else s
            obj, begin = _object_before(goal, head)
            if not re.search(r"[\u4e00-\u9fffA-Za-z]", obj):
                continue
            value, base = _parsed(m.group("num"), m.group("mag") or "", unit)
            full = (m.group("mag") or "") + unit if unit else None
            approx = bool(m.group("approx") or m.group("more"))
            c = Commitment(
                goal[begin : m.end()], begin, m.end(), obj, quantity, full,
                comparator, value, base, approx,
            )  # fmt: skip
        out.append(c)
    for m in _CN_RE.finditer(goal):
        number = to_int(m.group("num"))
        if m.group() == "一个":  # an article (提供一个洁净、舒适的环境), not a count
            continue
        if number is None or _in([(c.start, c.end) for c in out], m.start(), m.end()):
            continue
        obj, end = _object_after(goal, m.end())
        if obj:
            value, base = _parsed(str(number), "", m.group("unit"))
            c = Commitment(
                goal[m.start() : end], m.start(), end, obj, Decimal(number), m.group("unit"),
                None, value, base,
            )  # fmt: skip
            out.append(c)
    out.sort(key=lambda c: c.start)
    found = _dates_near(goal, out, sentences, year)
    spans = [(d.start, d.end) for d in found]
    kept = [c for c in out if not _number_in(spans, goal, c)]
    return [c._replace(deadline=_deadline_for(found, c.start, sentences)) for c in kept]


def _number_in(spans: list[tuple[int, int]], goal: str, c: Commitment) -> bool:
    """The commitment's number is part of a date (2023.07-2024.01 read as 2023.07)."""
    m = re.search(re.escape(format(c.quantity, "f")), goal[c.start : c.end])
    return m is not None and _in(spans, c.start + m.start(), c.start + m.end())


def _dates_near(
    goal: str, found: list[Commitment], sentences: list[tuple[int, int]], year: int | None
) -> list[Deadline]:
    """The deadlines of the sentences that state commitments (the spaCy pipeline runs on
    those sentences only, and only where a date word is printed: most goals have none)."""
    from jixiao.extract.semantics.rules import load

    out: list[Deadline] = []
    for s, e in sentences:
        if not any(s <= c.start < e for c in found) or not _DATE_HINT.search(goal, s, e):
            continue
        for d in deadlines(load()(goal[s:e]), year):
            out.append(d._replace(start=d.start + s, end=d.end + s))
    return out
