"""Flattened HTML tables, whose cells ran together with no separator at all:

``一级指标二级指标三级指标指标值产出指标数量指标会议保障次数≥20场质量指标验收合格率100%…``

1. A leading run of header words (一级指标, 指标值, 实施周期指标值 …) is removed; its value
   words say how many value columns each row has and in which order.
2. Framework labels are spotted with one regex alternation over the lexicon's spellings
   (longest first, on a simplified copy of the text with ``目标`` read as ``指标``). A
   spelling without ``指标`` (``社会效益``) counts only right after a level-1 label.
   ``成本指标`` / ``满意度指标`` are level 2 under 产出 / 效益 (older frames) unless a
   level-2 label follows them.
3. The text between two labels holds one or more ``name value`` pairs. A value is
   found by its comparator (``≥20场``, ``不低于95%``) or a number followed by a unit
   (``100%``); a number with neither (``12345热线``) belongs to the name. Two values
   in a row are the period and annual targets. A trailing value-less stretch is a
   qualitative indicator split at a value word (位于, 达到, 不得 …).
4. jieba (loaded lazily, once, with the lexicon, header words and units as words) checks
   that a value ends on a word boundary, so a unit is not cut out of the next name
   (``完成3项目标任务``); the split is then shortened or flagged.

Every split that is a guess is reported as ``T004``.
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache
from typing import Any

from jixiao.extract import lexicon
from jixiao.extract.headers import split_label
from jixiao.extract.issues import issue as make_issue
from jixiao.extract.normalize import canonical, to_simplified
from jixiao.extract.records import Indicator, Issue, ParseResult, Target
from jixiao.extract.table_cells import check_target
from jixiao.extract.target import parse_target
from jixiao.extract.units import KNOWN_UNITS, leading_unit

__all__ = ["HEADER_WORDS", "parse_flattened"]

# Header words in the scan spelling (simplified, 目标 → 指标) and their column meaning.
HEADER_WORDS: dict[str, str] = {
    "序号": "index",
    "一级指标": "l1",
    "二级指标": "l2",
    "三级指标": "name",
    "指标名称": "name",
    "计算符号": "comparator",
    "指标值": "value",
    "年度指标值": "annual",
    "实施周期指标值": "period",
    "中期指标值": "period",
    "长期指标值": "period",
    "度量单位": "unit",
    "计量单位": "unit",
    "权重": "weight",
    "分值": "weight",
    "指标方向": "direction",
    "得分": "score",
    "实际完成值": "actual",
    "实际值": "actual",
    "偏差原因": "reason",
}
_UNSEPARABLE = frozenset({"weight", "score", "actual", "reason", "direction"})


def _alternation(words: list[str] | set[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=lambda w: (-len(w), w)))


_HEADER_RE = re.compile(rf"(?:{_alternation(set(HEADER_WORDS))})+")
_HEADER_WORD_RE = re.compile(_alternation(set(HEADER_WORDS)))
_SPELLINGS = [s.replace("目标", "指标") for s in lexicon.all_spellings()]
_FULL = {s for s in _SPELLINGS if s.endswith("指标")}
_STEMS = {s for s in _SPELLINGS if not s.endswith("指标") and lexicon.lookup(s, 2)}
_WEIGHT = r"(?P<weight>[（(]\s*\d+(?:\.\d+)?\s*分?\s*[)）])?"
_LABEL_RE = re.compile(rf"(?:(?P<code>\d{{1,2}})[-.、])?(?P<label>{_alternation(_FULL)}){_WEIGHT}")
_L2_AFTER_RE = re.compile(
    rf"(?:(?P<code>\d{{1,2}})[-.、])?(?P<label>{_alternation(_FULL | _STEMS)}){_WEIGHT}"
)
_CMP_WORDS = (
    "不低于|不少于|不小于|不高于|不超过|不大于|不多于|大于等于|小于等于|大于|小于|高于|低于|"
    "超过|至少|达到|等于"
)
_ANCHOR_RE = re.compile(
    r"(?P<pre>每年|全年|年均|每月|每季度|每周|每日|每天|累计|每次|单次)?"
    rf"(?P<cmp>>=|<=|≥|≤|>|<|=|{_CMP_WORDS})?"
    r"(?P<num>\d+(?:\.\d+)?(?:[-~～至]\d+(?:\.\d+)?)?)"
)
_SUFFIX_RE = re.compile(r"及以上|及以下|及以内|以上|以下|以内|之内|左右")
_CJK_RE = re.compile(r"[\u3400-\u9fff]")
_SPACE_RE = re.compile(r"\s+")
_QUALITATIVE_LEADS = (
    "位于", "达到", "符合", "满足", "不得", "不发生", "未发生", "无", "有效", "良好", "优秀",
    "合格", "明显", "显著", "逐步", "持续", "稳步", "较好", "得到", "按时", "按期", "及时",
    "全部", "全面", "均", "提高", "提升", "改善", "降低", "减少", "增加", "较上年", "是", "否",
)  # fmt: skip


@lru_cache(maxsize=1)
def _tokenizer() -> Any:
    """A private jieba tokenizer that knows the framework's labels, headers and units."""
    import jieba

    jieba.setLogLevel(60)
    tokenizer = jieba.Tokenizer()
    words = {*lexicon.all_spellings(), *HEADER_WORDS, *(u for u in KNOWN_UNITS if len(u) > 1)}
    for word in words:
        tokenizer.add_word(word, freq=100_000)
    return tokenizer


@lru_cache(maxsize=1024)
def _boundaries(text: str) -> frozenset[int]:
    """Offsets in ``text`` where jieba puts a word boundary."""
    cuts = {0, len(text)}
    for _, start, end in _tokenizer().tokenize(text, HMM=False):
        cuts.update((start, end))
    return frozenset(cuts)


def looks_flattened(scan: str) -> bool:
    """True when ``scan`` starts with run-together header words or glues L1 and L2 labels."""
    head = _HEADER_RE.match(scan)
    if head and len(_HEADER_WORD_RE.findall(head.group(0))) >= 2:
        return True
    for m in _LABEL_RE.finditer(scan):
        if lexicon.lookup(m.group("label"), 1) and _L2_AFTER_RE.match(scan, m.end()):
            return True
    return False


class _Reader:
    """Walks one flattened text: labels, then ``name value`` pairs between them."""

    def __init__(self, canon: str, value_roles: list[str]) -> None:
        self.canon = canon
        self.scan = to_simplified(canon).replace("目标", "指标")
        self.value_roles = value_roles or ["annual"]
        self.indicators: list[Indicator] = []
        self.issues: list[Issue] = []
        self.l1: tuple[str | None, str | None, Decimal | None] = (None, None, None)
        self.l2: tuple[str | None, str | None, Decimal | None] = (None, None, None)

    def label(self, m: re.Match[str]) -> tuple[str | None, str | None, Decimal | None]:
        text, _, weight = split_label(self.canon[m.start("label") : m.end()])
        return text, m.group("code"), weight

    def level_of(self, m: re.Match[str]) -> int:
        key = lexicon.lookup(m.group("label"))
        if key is None or key.level == 2:
            return 2
        if key.canonical not in ("成本指标", "满意度指标") or _L2_AFTER_RE.match(
            self.scan, m.end()
        ):
            return 1
        current = lexicon.lookup(self.l1[0] or "", 1)
        old_frame = {"成本指标": lexicon.OUTPUT, "满意度指标": lexicon.EFFECT}[key.canonical]
        return 2 if current and current.category == old_frame and self.l2[0] else 1

    def run(self, pos: int) -> None:
        while pos < len(self.scan):
            m = _LABEL_RE.search(self.scan, pos)
            stop = m.start() if m else len(self.scan)
            if stop > pos:
                self.region(pos, stop)
            if m is None:
                return
            pos = m.end()
            if self.level_of(m) == 1:
                self.l1, self.l2 = self.label(m), (None, None, None)
                after = _L2_AFTER_RE.match(self.scan, pos)
                if after and lexicon.lookup(after.group("label"), 2):
                    self.l2, pos = self.label(after), after.end()
            else:
                self.l2 = self.label(m)

    def value_end(self, start: int, num_end: int, stop: int) -> tuple[int, bool]:
        """Where a value ends (unit and 以上-style suffix included) and whether that end is
        a word boundary: the end of the region, a non-CJK character or a jieba cut.

        A unit that would cut a word of the following name in half is shortened to a
        shorter known unit when that lands on a cut (``≥100人次数`` keeps ``人次``).
        """
        unit = leading_unit(self.canon[num_end:stop]) or ""
        sizes = [len(unit)] + [
            k
            for k in range(len(unit) - 1, 0, -1)
            if self.canon[num_end : num_end + k] in KNOWN_UNITS
        ]
        cuts = _boundaries(self.canon[start:stop])
        for size in sizes:
            end = num_end + size
            suffix = _SUFFIX_RE.match(self.canon, end, stop)
            if suffix:
                end = suffix.end()
            if end >= stop or not _CJK_RE.match(self.canon[end]) or end - start in cuts:
                return end, True
        return num_end + len(unit), False

    def region(self, start: int, stop: int) -> None:
        """Read the ``name value`` pairs between two labels."""
        rows: list[list[Any]] = []  # [name_start, name_end, values, uncertain]
        pos = search = start
        while True:
            m = _ANCHOR_RE.search(self.canon, search, stop)
            if m is None:
                break
            has_cmp = bool(m.group("cmp"))
            end, clean = self.value_end(start, m.end("num"), stop)
            follows = m.start() == pos and bool(rows)
            measured = end > m.end() or end >= stop
            if not has_cmp and (not clean or not measured or (m.start() == pos and not follows)):
                search = m.end()  # a number inside a name (2026年度…, 12345热线, 3项目)
                continue
            value = self.canon[m.start() : end]
            if follows:
                rows[-1][2].append(value)
                rows[-1][3] = rows[-1][3] or not clean
            else:
                guess = not clean or (not has_cmp and end < stop)
                rows.append([pos, m.start(), [value], guess])
            pos = search = end
        if pos < stop:
            rows.extend(self.qualitative(pos, stop, alone=not rows))
        for name_start, name_end, values, unsure in rows:
            self.emit(name_start, name_end, values, unsure)

    def qualitative(self, start: int, stop: int, alone: bool) -> list[list[Any]]:
        """Split a value-less stretch into name and qualitative value at a value word."""
        text = self.canon[start:stop]
        cuts = _boundaries(text)
        for p in range(2, len(text)):
            if p in cuts and text.startswith(_QUALITATIVE_LEADS, p):
                return [[start, start + p, [text[p:]], not alone]]
        return [[start, stop, [], True]]

    def emit(self, name_start: int, name_end: int, values: list[str], unsure: bool) -> None:
        name = self.canon[name_start:name_end]
        raw = self.canon[name_start : name_end + sum(len(v) for v in values)]
        at = raw[:24]
        if len(self.value_roles) > 1 and len(values) == 1:
            half = len(values[0]) // 2
            if len(values[0]) % 2 == 0 and values[0][:half] == values[0][half:]:
                values = [values[0][:half], values[0][half:]]
            else:
                unsure = True
        if not name:
            return
        if unsure:
            self.issues.append(make_issue("T004", at))
        roles = self.value_roles if len(values) <= len(self.value_roles) else ["period", "annual"]
        targets: dict[str, Target] = {}
        for role, value in zip(roles, values, strict=False):
            targets.setdefault("annual" if role == "value" else role, parse_target(value))
        level2 = lexicon.lookup(self.l2[0], 2) if self.l2[0] else None
        timely = level2 is not None and level2.canonical == "时效指标"
        for target in targets.values():
            self.issues.extend(check_target(target, "", timely, at))
        self.indicators.append(
            Indicator(
                name=name,
                level1=self.l1[0],
                level1_code=self.l1[1],
                level2=self.l2[0],
                level2_code=self.l2[1],
                period_target=targets.get("period"),
                annual_target=targets.get("annual"),
                position=len(self.indicators) + 1,
                weight=self.l2[2] or self.l1[2],
                raw=raw,
            )
        )


def parse_flattened(text: str) -> ParseResult | None:
    """Parse a flattened indicator table; None when ``text`` does not look like one."""
    canon = _SPACE_RE.sub("", canonical(text))
    scan = to_simplified(canon).replace("目标", "指标")
    if not looks_flattened(scan):
        return None
    head = _HEADER_RE.match(scan)
    roles = [HEADER_WORDS[w] for w in _HEADER_WORD_RE.findall(head.group(0))] if head else []
    reader = _Reader(canon, [r for r in roles if r in ("value", "annual", "period")])
    if set(roles) & _UNSEPARABLE:
        reader.issues.append(make_issue("T004", head.group(0) if head else ""))
    reader.run(head.end() if head else 0)
    if not reader.indicators:
        return None
    return ParseResult(tuple(reader.indicators), tuple(reader.issues))
