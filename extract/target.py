"""Parse one target value (指标值) such as ``≥10亿条``, ``不少于600个``, ``95%以上`` or ``涉密``.

:func:`parse_target` never raises. It keeps the text as printed in ``raw`` and parses the
canonical spelling (:func:`extract.normalize.canonical`), so full-width and half-width
input give the same :class:`~extract.records.Target` apart from ``raw``.

The parse takes the *first* comparator/number/unit group of the text; the rest of a long
value (``一级事件≤1小时；二级事件≤2小时``) stays only in ``raw``. Text before the group that
is not a comparator word is the ``qualifier`` (``每年≥20场`` → ``每年``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from jixiao.extract.normalize import canonical
from jixiao.extract.numerals import digits_for_numeral
from jixiao.extract.records import Target
from jixiao.extract.units import analyse_unit, leading_unit

__all__ = ["parse_target"]

_SYMBOLS: dict[str, str] = {
    "≥": "≥",
    "≤": "≤",
    ">=": "≥",
    "=>": "≥",
    "<=": "≤",
    "=<": "≤",
    "=": "=",
    ">": ">",
    "<": "<",
}
# Comparator words printed before the number (不少于600个).
_PREFIX_WORDS: dict[str, str] = {
    "不少于": "≥",
    "不低于": "≥",
    "不小于": "≥",
    "至少": "≥",
    "最少": "≥",
    "大于等于": "≥",
    "大于或等于": "≥",
    "不超过": "≤",
    "不高于": "≤",
    "不大于": "≤",
    "不多于": "≤",
    "至多": "≤",
    "最多": "≤",
    "小于等于": "≤",
    "小于或等于": "≤",
    "小于": "<",
    "低于": "<",
    "少于": "<",
    "大于": ">",
    "高于": ">",
    "多于": ">",
    "超过": ">",
    "等于": "=",
}
# Comparator words printed after number and unit (10个以上, 9000元及以内, 3天内).
_SUFFIX_WORDS: dict[str, str] = {
    "以上": "≥",
    "及以上": "≥",
    "或以上": "≥",
    "以下": "≤",
    "及以下": "≤",
    "或以下": "≤",
    "以内": "≤",
    "及以内": "≤",
    "之内": "≤",
    "内": "≤",
}


def _alternation(words: Iterable[str]) -> str:
    """A regex alternation of ``words``, longest first so that ``>=`` wins over ``>``."""
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_CMP_ALT = _alternation([*_SYMBOLS, *_PREFIX_WORDS])
_SYM_ALT = _alternation(_SYMBOLS)
_UNIT_CLASS = r"A-Za-z\u3400-\u4dbf\u4e00-\u9fff/°"

# The common shape, ``≥10亿条`` / ``100%`` / ``<3秒`` / ``每年≥20场``: one regex, no search.
_FAST_RE = re.compile(
    rf"(?:([\u3400-\u4dbf\u4e00-\u9fff]{{1,30}})?({_SYM_ALT}))?"
    rf"(\d+(?:\.\d+)?)(%|‰|℃|[{_UNIT_CLASS}]{{1,6}})?",
    re.ASCII,
)
_NUMBER_RE = re.compile(
    r"(?:(?<![\d.])[-−+])?(?:\d{1,3}(?:[,，]\d{3})+(?![\d,，])|\d+)(?:\.\d+)?", re.ASCII
)
_PREFIX_CMP_RE = re.compile(rf"(?:{_CMP_ALT})\s*\Z")
_ANY_SYMBOL_RE = re.compile(_SYM_ALT)
_ANY_CMP_RE = re.compile(_CMP_ALT)
_RUN_RE = re.compile(rf"%|‰|℃|[{_UNIT_CLASS}]*")
# Where a run of unit-like characters stops being a unit: a comparator word, a conjunction or
# particle, or CJK prose after a Latin unit (``50G内存``).
_CUT_RE = re.compile(
    r"[以及或之的和与并且至到]|(?<=[天日时钟秒周月年])[内前]|(?<=[A-Za-z])[\u3400-\u4dbf\u4e00-\u9fff]"
)
_SUFFIX_RE = re.compile(rf"\s*({_alternation(_SUFFIX_WORDS)})(?:[（(](不?含)[)）])?")
_RANGE_RE = re.compile(
    r"\s*(?:-|~|–|—{1,2}|至|到)\s*((?:[-−+])?(?:\d{1,3}(?:[,，]\d{3})+(?![\d,，])|\d+)(?:\.\d+)?)",
    re.ASCII,
)
_BRACKET_UNIT_RE = re.compile(rf"[（(](%|‰|[{_UNIT_CLASS}]{{1,6}})[)）]\Z")
_YEAR_RE = re.compile(r"(?:19|20)\d\d年[\u3400-\u4dbf\u4e00-\u9fff]", re.ASCII)
_WORDY_RE = re.compile(r"[A-Za-z0-9\u3400-\u4dbf\u4e00-\u9fff]")
_PLACEHOLDER_RE = re.compile(
    r"(?:待(?:项目)?(?:单位)?(?:补充|填写|完善|确定|定)|暂无|无|空|不适用|N/?A|null|none|[Xx]+)?"
    r"[\s.。…,，、;；:：!！?？\-—–_/\\*~]*",
    re.IGNORECASE,
)
_MASKED_RE = re.compile(rf"({_SYM_ALT})?\s*(?:[Xx]+|\*+)\s*(%|‰|[{_UNIT_CLASS}]{{1,6}})?")
_CLASSIFIED_RE = re.compile(
    r"(?:涉密|保密|SM)(?:项目|内容|信息|事项)?(?:[\s，,；;。.…、:：(（].*)?",
    re.IGNORECASE | re.DOTALL,
)
# Characters that :func:`canonical` may change (entities start with &, tags with <, the rest
# are mapped one by one). Text without any of them is already canonical; a test checks this.
_NEEDS_CANONICAL = re.compile(
    "[&<;:(),!?\r\uff01-\uff5e\u3000\u00a0\u2002\u2003\u2009\u200b\ufeff≧≦⩾⩽﹤﹥﹦═〜∶﹔﹕]"
)
_PERCENT_WORDS = frozenset({"百分比", "百分率", "百分之"})
# A date or a date range (2023.07-2024.01, 2021年1月-12月, 12月底到位): no number to compare.
_DATE_RE = re.compile(
    r"\s*(?:(?:19|20)\d\d\s*(?:[./-](?:0?[1-9]|1[0-2])(?:[./-]\d{1,2})?\s*(?:[-~至到]|$)"
    r"|年\s*\d{1,2}\s*月|年?\s*[-~至到]\s*(?:19|20)\d\d)"
    r"|\d{1,2}\s*月(?:底|末|初|中旬|上旬|下旬))"
)
_HAS_DIGIT_RE = re.compile(r"[0-9]")
_QUALIFIER_STRIP = " \t\n：:，,、；;"


def _decimal(text: str) -> Decimal | None:
    """``Decimal`` of a printed number (thousands separators and ``−`` allowed), or ``None``."""
    if not (text.isascii() and text.isdecimal()):
        text = text.replace(",", "").replace("，", "").replace("−", "-")
    try:
        return Decimal(text)
    except (InvalidOperation, ValueError, ArithmeticError):
        return None


def _scaled(number: Decimal, scale: int) -> Decimal | None:
    """``number × scale`` exactly (``scale`` is a power of ten), or ``None`` if that fails."""
    if scale == 1:
        return number
    try:
        sign, digits, exponent = number.as_tuple()
        if len(digits) <= 20:  # ≤ 28 significant digits: the product is exact
            value = number * scale
            if isinstance(exponent, int) and exponent < 0 and value == value.to_integral_value():
                value = value.to_integral_value()  # 0.6万 → 6000, not 6000.0
            return value
        if not isinstance(exponent, int):
            return None
        return Decimal((sign, digits, exponent + len(str(scale)) - 1))
    except ArithmeticError:
        return None


def _qualifier(text: str) -> str | None:
    """Text before the comparator, without trailing separators; ``None`` when empty."""
    text = text.strip(_QUALIFIER_STRIP)
    return text or None


def _build(
    raw: str,
    comparator: str | None,
    number_text: str,
    unit: str | None,
    upper_text: str | None = None,
    qualifier: str | None = None,
) -> Target:
    """A quantitative Target; the unit before the number (``数据量（条）≥50亿``) is honoured."""
    number = _decimal(number_text)
    if number is None:
        return Target(raw, comparator=comparator, qualifier=qualifier, qualitative=True)
    scale, base_unit = analyse_unit(unit)
    if qualifier and (unit is None or (scale > 1 and base_unit is None)):
        bracket = _BRACKET_UNIT_RE.search(qualifier)
        if bracket and (
            bracket.group(1) == "%" or leading_unit(bracket.group(1)) == bracket.group(1)
        ):
            printed = bracket.group(1)
            if unit is None:
                unit = printed
                scale, base_unit = analyse_unit(unit)
            else:
                printed_scale, printed_base = analyse_unit(printed)
                if printed_scale == 1:
                    base_unit = printed_base
    if unit in _PERCENT_WORDS:
        unit, scale, base_unit = "%", 1, "%"
    upper = _decimal(upper_text) if upper_text is not None else None
    # Positional for speed (the frozen dataclass __init__ is the dominant cost), in Target's
    # field order: raw, comparator, number, upper, unit, scale, base_unit, value, qualifier.
    return Target(
        raw, comparator, number, upper, unit, scale, base_unit, _scaled(number, scale), qualifier
    )


def _read_unit(text: str, pos: int) -> tuple[str | None, str | None, int]:
    """Read the unit at ``pos``: ``(unit, comparator from a suffix word, end position)``."""
    run = _RUN_RE.match(text, pos)
    chars = run.group() if run else ""
    if not chars and text[pos : pos + 1] == " ":  # ``95 %``: a known unit after one space
        spaced = _RUN_RE.match(text, pos + 1)
        head = leading_unit(spaced.group()) if spaced else None
        if head and text.startswith(head, pos + 1):
            return _read_unit(text, pos + 1)
    cut = _CUT_RE.search(chars)
    part = chars[: cut.start()] if cut else chars
    clean = cut is None
    end = pos + len(part)
    comparator = None
    suffix = _SUFFIX_RE.match(text, end)
    if suffix:
        word = suffix.group(1)
        excluded = suffix.group(2) == "不含"
        # 内 is a suffix only after a time unit (3天内), never inside a word (内存).
        if word != "内" or (part and part[-1] in "天日时钟秒周月年"):
            comparator = _SUFFIX_WORDS[word]
            if excluded:
                comparator = {"≥": ">", "≤": "<"}[comparator]
            clean = True
            end = suffix.end()
    part = part.rstrip("/")
    if clean and len(part) <= 6:
        return part or None, comparator, end
    return leading_unit(part) or (part if len(part) <= 6 else None), comparator, end


def _no_number(raw: str, text: str) -> Target:
    """A value without a number: qualitative text, a masked value (``≥XX%``) or empty-ish."""
    masked = _MASKED_RE.fullmatch(text)
    if masked:
        return Target(
            raw,
            comparator=_SYMBOLS[masked.group(1)] if masked.group(1) else None,
            unit=masked.group(2),
            placeholder=True,
        )
    if not _WORDY_RE.search(text):  # only symbols and punctuation: ``≥``, ``%%%``
        symbol = _ANY_SYMBOL_RE.search(text)
        return Target(
            raw, comparator=_SYMBOLS[symbol.group()] if symbol else None, placeholder=True
        )
    found = _ANY_CMP_RE.search(text)
    if found is None:
        return Target(raw, qualitative=True)
    word = found.group()
    return Target(
        raw,
        comparator=_SYMBOLS.get(word) or _PREFIX_WORDS[word],
        qualifier=_qualifier(text[: found.start()]),
        qualitative=True,
    )


def _parse_general(raw: str, text: str) -> Target:
    """Every shape the fast path does not handle."""
    if _DATE_RE.match(text):
        return Target(raw, qualitative=True)
    if not _HAS_DIGIT_RE.search(text):
        converted = digits_for_numeral(text)
        if converted is not None:
            return parse_target(converted)._replace(raw=raw)
    if _PLACEHOLDER_RE.fullmatch(text):
        return Target(raw, placeholder=True)
    if _CLASSIFIED_RE.fullmatch(text):
        return Target(raw, qualitative=True, classified=True)
    match = None
    for candidate in _NUMBER_RE.finditer(text):
        # A year followed by prose (2025年底前完成) is a date, not the target.
        if _YEAR_RE.match(text, candidate.start()):
            continue
        match = candidate
        break
    if match is None:
        return _no_number(raw, text)
    prefix = text[: match.start()]
    comparator = None
    attached = _PREFIX_CMP_RE.search(prefix)
    if attached:
        word = attached.group().strip()
        comparator = _SYMBOLS.get(word) or _PREFIX_WORDS[word]
        prefix = prefix[: attached.start()]
    else:
        # A comparator not attached to the number (≤《2020年标准》费用): the number is incidental.
        symbol = _ANY_SYMBOL_RE.search(prefix)
        if symbol:
            return Target(
                raw,
                comparator=_SYMBOLS[symbol.group()],
                qualifier=_qualifier(prefix[: symbol.start()]),
                qualitative=True,
            )
    unit, suffix_comparator, end = _read_unit(text, match.end())
    upper_text = None
    if suffix_comparator is not None:
        comparator = comparator or suffix_comparator
    elif comparator is None:
        bound = _RANGE_RE.match(text, end)
        if bound:
            upper_text = bound.group(1)
            upper_unit, _, _ = _read_unit(text, bound.end())
            unit = unit or upper_unit
    return _build(raw, comparator, match.group(), unit, upper_text, _qualifier(prefix))


@lru_cache(maxsize=65536)
def parse_target(text: str) -> Target:
    """Parse one target value; never raises.

    >>> t = parse_target("≥0.6万台")
    >>> (t.comparator, t.number, t.unit, t.scale, t.base_unit, t.value)
    ('≥', Decimal('0.6'), '万台', 10000, '台', Decimal('6000'))
    """
    if not isinstance(text, str):  # defensive: callers may hand over None from an empty cell
        text = "" if text is None else str(text)
    raw = text.strip()
    norm = canonical(raw).strip() if _NEEDS_CANONICAL.search(raw) else raw
    fast = _FAST_RE.fullmatch(norm)
    if fast and not _DATE_RE.match(norm):
        qualifier, symbol, number, unit = fast.groups()
        if unit is None or (
            unit[-1] != "/" and _CUT_RE.search(unit) is None and not unit.startswith("年")
        ):
            comparator = _SYMBOLS[symbol] if symbol else None
            return _build(raw, comparator, number, unit, None, qualifier)
    return _parse_general(raw, norm)
