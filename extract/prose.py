"""Indicators written as running text instead of a table.

Seen on real pages: targets listed under headings (``一、产出指标`` … ``(一)数量指标`` …),
labels inside a paragraph (``数量指标:种植数量(≥**株)>=17600株;成活率>=85;时效指标:…``)
and sentences with keywords (``1.群体免疫密度,年初目标值≥90%,实际完成值≥90%,自评得分20分;``).

A framework label followed by ``:`` / ``,`` (or alone on a heading line) sets the level-1 or
level-2 category; after it, every target (a comparator and a number, or a value after
目标值 / 指标值) closes an indicator whose name is the text before it, as printed. A
comparator followed by ``*`` is the template's hint inside a name (``(≥**%)``), not a
target. Text with no target is no indicator, and text before the first label is never read.
"""

from __future__ import annotations

import re

from jixiao.extract import lexicon
from jixiao.extract.columns import label_text, unglossed
from jixiao.extract.grid_reader import Reading
from jixiao.extract.records import Indicator
from jixiao.extract.target import parse_target

_LABEL_ALT = "|".join(
    re.escape(w) for w in sorted(
        {*lexicon.all_spellings(), *(s.replace("指标", "目标") for s in lexicon.all_spellings())},
        key=lambda w: (-len(w), w),
    )
)  # fmt: skip
_ENUM = r"(?:[一二三四五六七八九十]+[、.．]|[(（][一二三四五六七八九十\d]+[)）]|\d+[、.．])?\s*"
_HEADING_RE = re.compile(
    rf"^\s*(?P<enum>{_ENUM})(?P<label>{_LABEL_ALT})\s*(?:完成情况|情况)?\s*[:：]?\s*$"
)
# A label opens a clause: at the start of the line or after punctuation, never inside a
# name (种植数量, is no 数量指标).
_INLINE_LABEL_RE = re.compile(rf"(?<![^\s;；。,，:：★])(?P<label>{_LABEL_ALT})\s*[:：,，]")
_CMP = (
    r">=|<=|=<|=>|≥|≤|≧|≦|＞＝|＜＝|[<>=＞＜＝]|不低于|不少于|不超过|不高于|大于等于|小于等于|"
    r"大于|小于|高于|低于|至少"
)
_NUM = r"[0-9０-９]+(?:[.．][0-9０-９]+)?"
_VALUE_END = r"[^\s,，;；。、:：()（）]{0,6}"
_UNIT = r"[^\s\d,，;；。、:：()（）]{1,4}"
_TOKEN_RE = re.compile(
    rf"(?P<kw_target>年初目标值|年度目标值|年度指标值|目标值|指标值)\s*[:：为是]?\s*"
    r"(?P<target_value>[^,，;；。]+)"
    rf"|(?P<kw_actual>实际完成值|全年实际值|实际完成|完成值|实际值)\s*[:：为是]?\s*"
    r"(?P<actual_value>[^,，;；。]+)"
    rf"|(?P<kw_score>自评得分|得分)\s*[:：为是]?\s*(?P<score_value>{_NUM})\s*分?"
    rf"|(?P<kw_rate>指标完成率|完成率)\s*[:：为是]?\s*{_NUM}\s*[%％]"
    rf"|(?P<bare>(?:{_CMP})\s*{_NUM}(?:[%％‰]|{_VALUE_END}))"
    rf"|(?<![\d.．年月])(?P<plain>{_NUM}\s*(?:[%％‰]|{_UNIT}))(?=\s*(?:[,，;；。]|$))"
)
_EDGE = " \t,，;；。、:："
_LEAD_ENUM_RE = re.compile(r"^\s*(?:\d+[.、．]|[(（]\d+[)）])\s*")


def _level(label: str, l1: str | None, l2: str | None) -> int:
    found = lexicon.lookup(unglossed(label))
    if found is None or found.level == 2:
        return 2
    key = lexicon.label_key(label)
    current = lexicon.lookup(unglossed(l1 or ""), 1)
    if key in ("成本指标", "满意度指标") and current is not None and l2:
        return 2 if current.category != found.category else 1
    return 1


def _style(enum: str) -> str:
    """The numbering style of a heading: ``一、`` and ``三、`` share one, ``1.`` another."""
    enum = re.sub(r"[一二三四五六七八九十]+", "一", enum.strip())
    return re.sub(r"\d+", "1", enum)


def read_prose(text: str) -> Reading:
    """Indicators of labelled running text; an empty Reading when there are none."""
    reading = Reading()
    l1: str | None = None
    l2: str | None = None
    numbered = ""  # how the level-1 headings are numbered (一、 / 1. / (一))
    for line in text.splitlines():
        heading = _HEADING_RE.match(line)
        if heading:
            label = label_text(heading.group("label"))
            style = _style(heading.group("enum"))
            same = bool(style) and style == numbered and lexicon.lookup(unglossed(label), 1)
            if same or _level(label, l1, l2) == 1:
                l1, l2 = label, None
                numbered = style
            else:
                l2 = label
            continue
        marks = list(_INLINE_LABEL_RE.finditer(line))
        if not marks and l1 is None and l2 is None:
            continue
        bounds = [(m.start(), m.end(), m.group("label")) for m in marks]
        start = 0
        for k in range(len(bounds) + 1):
            stop = bounds[k][0] if k < len(bounds) else len(line)
            if (l1 or l2) and stop > start:
                _read_segment(line[start:stop], l1, l2, reading)
            if k < len(bounds):
                label = label_text(bounds[k][2])
                if _level(label, l1, l2) == 1:
                    if lexicon.label_key(label) != lexicon.label_key(l1 or ""):
                        l2 = None
                    l1 = label
                else:
                    l2 = label
                start = bounds[k][1]
    return reading


def _read_segment(text: str, l1: str | None, l2: str | None, reading: Reading) -> None:
    boundary = 0
    current: Indicator | None = None
    for m in _TOKEN_RE.finditer(text):
        if m.group("kw_actual") and current is not None:
            current = current._replace(actual=m.group("actual_value").strip())
            reading.indicators[-1] = current
        elif m.group("kw_score") and current is not None:
            current = current._replace(score=m.group("score_value"))
            reading.indicators[-1] = current
        elif m.group("kw_target") or m.group("bare") or m.group("plain") or m.group("kw_rate"):
            value = m.group("target_value") or m.group("bare") or m.group("plain")
            name = _LEAD_ENUM_RE.sub("", text[boundary : m.start()].strip(_EDGE)).strip(_EDGE)
            # 指标完成率100% after a value annotates it; after a clause with no value, the
            # clause is a (qualitative) indicator of its own.
            if name:
                current = Indicator(
                    name=name,
                    level1=l1,
                    level2=l2,
                    annual_target=parse_target(value.strip()) if value else None,
                    position=len(reading.indicators) + 1,
                    raw=text[boundary : m.end()].strip(_EDGE),
                )
                reading.indicators.append(current)
                reading.projects.append({})
        else:
            continue
        boundary = m.end()
