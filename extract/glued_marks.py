"""Where a cell of glued text may start or end: the candidate cuts of extract/glued_cells.py.

Glued text has no separator, so every place where two cells could meet is listed from
what the text itself shows: a framework label (or a label of the table's own that another
label follows), a number with its unit and comparator words, a text printed twice in a
row (a target and its actual value), the last character of a typical name (率, 数量 …),
a word that opens a worded target (显著, 按时 …), 正向 / 反向, a line break. Never inside
a unit printed after its number, a decimal number, 44,561 or 指标1:.
"""

from __future__ import annotations

import re

from jixiao.extract import lexicon
from jixiao.extract.units import leading_unit

_LABEL_ALT = "|".join(
    re.escape(w)
    for w in sorted(
        {s.replace("目标", "指标") for s in lexicon.all_spellings()}, key=lambda w: (-len(w), w)
    )
)
LABEL_RE = re.compile(
    rf"(?=((?:\d{{1,2}}[-.、])?(?:{_LABEL_ALT})(?:[(（][^()（）]{{0,12}}[)）]分?)?))"
)
_SLOT_RE = re.compile(r"指标\s*\d{1,2}(?![\d.])\s*[:：]?")
_OWN_LABEL_RE = re.compile(r"[\u4e00-\u9fff]{2,8}?[指目]标(?![值名解说])")
_SECTION_RE = re.compile(r"(?:年度)?绩效[指目]标(?![值名解说类])")
CMP = r"≥|≤|>=|<=|[<>=]|不低于|不少于|不超过|不高于|不大于|大于|小于|低于|高于|至少"
_VALUE_RE = re.compile(rf"(?:{CMP})?\s*(?:\d{{1,3}}(?:,\d{{3}})+(?!\d)|\d+)(?:\.\d+)?")
_DATE_RE = re.compile(
    r"(?:19|20)\d\d(?:年\d{1,2}月(?:\d{1,2}日)?|[.\-/]\d{1,2}(?:[.\-/]\d{1,2})?)"
    r"(?:\s*[-~至到]\s*(?:(?:19|20)\d\d[年.\-/])?\d{1,2}(?:月(?:\d{1,2}日)?|[.\-/]\d{1,2})?)?"
)
_THOUSANDS_RE = re.compile(r"\d{1,3}(?:,\d{3})+(?![\d,])")
DIRECTIONS = ("正向", "反向", "越大越好", "越小越好")
SUFFIXES = r"及以上|及以下|及以内|以上|以下|以内|之内|左右|底前|前|底|末"
_SUFFIX_RE = re.compile(SUFFIXES)
NAME_ENDS = frozenset("率数量度性况例额值间次")
LEADS = (
    "稳步", "显著", "明显", "持续", "有效", "良好", "优秀", "合格", "达到", "符合", "满足", "不得",
    "无", "按时", "按期", "及时", "达成", "完成", "全部", "全面", "提高", "提升", "改善", "降低",
    "减少", "增加", "逐步", "正常", "优良", "专款专用", "是", "否", "高", "好", "位于", "不发生",
    "未发生", "得到", "较好", "均", "不高于", "不低于", "不超过", "不少于", "不大于", "不小于",
    "不多于",
)  # fmt: skip
PUNCT = ",，;；。、"
_NAME_OPENERS = ("项目", "人员", "人均", "人口", "人才", "个人", "个体", "户均", "家庭", "台账",
                 "场地", "场所", "年度", "年均", "月度", "次数", "件数", "天数", "本土", "本年",
                 "本级", "本单位", "本项目", "本次")  # fmt: skip
_RUN_RE = re.compile(r"\d{2,}")
DECIMAL_RE = re.compile(r"\d\.\d")


def boundaries(scan: str) -> tuple[list[int], dict[int, list[int]], dict[int, list[int]]]:
    """Where cells may start or end, and the label and number cells starting at each place."""
    n = len(scan)
    cuts = {0, n}
    labels: dict[int, list[int]] = {}
    numbers: dict[int, list[int]] = {}
    for i, char in enumerate(scan):
        if char == "\n":
            cuts.update((i, i + 1))
        elif char in PUNCT:
            cuts.add(i + 1)
        elif char in NAME_ENDS and scan[i + 1 : i + 2] not in NAME_ENDS:
            cuts.add(i + 1)  # after 率 / 数量 / 人次 …, not inside 数量
    for m in _SECTION_RE.finditer(scan):
        cuts.update((m.start(), m.end()))
        labels.setdefault(m.start(), []).append(m.end())
    for m in _RUN_RE.finditer(scan):  # numbers glued together (1010: weight and score)
        if m.end() - m.start() <= 8:
            cuts.update(range(m.start() + 1, m.end()))
    whole: set[int] = set()  # inside a unit printed after its number: no cut
    after: set[int] = set()  # where a value ends
    for m in _VALUE_RE.finditer(scan):
        if m.start() and scan[m.start() - 1].isdigit():
            continue
        cuts.update((m.start(), m.end()))
        numbers.setdefault(m.start(), []).append(m.end())
        digits = re.search(r"\d", m.group())
        if digits and digits.start():  # a 计算符号 column: ≥ | 735
            cuts.add(m.start() + digits.start())
        unit = _unit_at(scan, m.end())
        end = m.end() + len(unit)
        if unit:
            cuts.add(end)
            whole.update(range(m.end() + 1, end))
        suffix = _SUFFIX_RE.match(scan, end)
        if suffix:
            cuts.add(suffix.end())
        after.update((end, suffix.end() if suffix else end))
    for size in range(1, 25):  # a text printed twice in a row: target then actual value
        for p in range(0, n - 2 * size + 1):
            same = scan[p] == scan[p + size]
            if (
                same
                and scan[p : p + size] == scan[p + size : p + 2 * size]
                and _repeated(scan, p, size)
            ):
                cuts.update((p, p + size, p + 2 * size))
    for lead in (*LEADS, *DIRECTIONS):
        start = scan.find(lead)
        while start != -1:
            cuts.add(start)
            if lead in DIRECTIONS:
                cuts.add(start + len(lead))
            start = scan.find(lead, start + 1)
    row_starts = (
        {0}
        | {e for ends in numbers.values() for e in ends}
        | {i + 1 for i, char in enumerate(scan) if char == "\n"}
    )
    row_starts |= after
    label_ends: dict[int, str] = {}
    for m in LABEL_RE.finditer(scan):
        end = m.start() + len(m.group(1))
        full = re.search(r"[指目]标", m.group(1))
        before = label_ends.get(m.start())
        own = before is not None and lexicon.label_key(before) == lexicon.label_key(m.group(1))
        if full or ((m.start() in row_starts or before is not None) and not own):
            cuts.update((m.start(), end))  # 时效 / 成本 alone only where a row may start
            labels.setdefault(m.start(), []).append(end)  # (成本指标成本控制率: no 成本)
            label_ends[end] = m.group(1)
    _own_labels(scan, labels, numbers, cuts)
    for m in _SLOT_RE.finditer(scan):  # 指标1: numbers a name, it is no value
        cuts -= set(range(m.start() + 1, m.end()))
    cuts -= whole
    for pattern in (_THOUSANDS_RE, _DATE_RE):  # 44,561 and 2023年12月31日 are one value
        for m in pattern.finditer(scan):
            cuts -= set(range(m.start() + 1, m.end()))
            cuts.update((m.start(), m.end()))
    # never inside a decimal number (2|.8)
    cuts -= {
        c for c in cuts if "." in scan[c - 1 : c + 1] and DECIMAL_RE.search(scan, c - 2, c + 2)
    }
    cuts |= {0, n} | {i for i, char in enumerate(scan) if char == "\n"}
    for found in (labels, numbers):
        for start in list(found):
            found[start] = [e for e in found[start] if e in cuts]
    return sorted(cuts), labels, numbers


def _repeated(scan: str, p: int, size: int) -> bool:
    """``scan[p:p+size]`` printed twice may be a value and its copy (cut inside a number
    only at a cost, see :func:`cut`); a template's ``**`` is no value."""
    twice = scan[p : p + 2 * size]
    return "\n" not in twice and "*" not in twice


def unit_opens(scan: str, p: int) -> bool:
    """A unit starts at ``p`` (%, 厘米, 项), not a word opening with a measure character
    that often opens a name (项目, 人员)."""
    unit = _unit_at(scan, p)
    return bool(unit) and not scan.startswith(_NAME_OPENERS, p)


def _unit_at(scan: str, pos: int) -> str:
    """The unit printed right after a number at ``pos`` (longest known: 平方米, 元/亩, %)."""
    if scan[pos : pos + 1] in ("%", "‰"):
        return scan[pos]
    if scan.startswith(("百分比", "百分率"), pos):
        return scan[pos : pos + 3]
    return leading_unit(scan[pos : pos + 10]) or ""


def _own_labels(
    scan: str, labels: dict[int, list[int]], numbers: dict[int, list[int]], cuts: set[int]
) -> None:
    """Labels outside the framework (实施效果指标, 计划管理指标) where a row may start.

    One counts where another label follows it at once (实施效果指标产出指标); once a table
    shows such labels, it may print more of them alone (资金管理指标中央预算内…), while
    in a table of framework labels 食品安全指标达标率 stays a name.
    """
    starts = {0} | {e for ends in labels.values() for e in ends}
    starts |= {i + 1 for i, char in enumerate(scan) if char == "\n"}
    starts |= {e for ends in numbers.values() for e in ends}
    found: dict[int, int] = {}
    todo = sorted(starts)
    while todo:  # a label may follow another one: 过程管理指标计划管理指标
        start = todo.pop()
        m = _OWN_LABEL_RE.match(scan, start)
        if m and start not in found and lexicon.lookup(m.group()) is None:
            found[start] = m.end()
            todo.append(m.end())
    confirmed = {s for s, e in found.items() if e in labels or e in found}
    if not confirmed:
        return
    for start, end in found.items():
        labels.setdefault(start, []).append(end)
        cuts.update((start, end))


def unit_word(text: str) -> bool:
    """A unit of measure: a known one (万元, 人次, 元/亩, 起) or %."""
    return text in ("%", "‰", "百分比", "百分率") or leading_unit(text) == text
