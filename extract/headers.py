"""Header cells and framework labels of indicator tables.

What a column means (:func:`header_role`) and which framework label a cell prints.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation

from jixiao.extract import lexicon
from jixiao.extract.normalize import canonical, to_simplified

# Ordered: the first rule whose words occur in the normalised header cell wins
# (实际完成值 is "actual" before 值 makes it a value; 一级指标(权重) is still level 1).
_ROLE_RULES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("index", ("序号", "编号")),
    ("reason", ("偏差", "原因", "改进措施", "备注", "说明")),
    ("score", ("得分",)),
    ("actual", ("实际", "完成值", "完成情况")),
    ("l1", ("一级",)),
    ("l2", ("二级",)),
    ("comparator", ("符号", "比较")),
    ("unit", ("单位",)),
    ("period", ("实施周期", "周期", "中期", "长期", "整体")),
    ("annual", ("年度", "全年", "当年", "本年")),
    ("weight", ("权重", "分值")),
    ("direction", ("方向", "性质")),
    ("name", ("三级", "名称", "指标内容")),
    ("value", ("指标值", "标准值", "预期值")),
)
_EXACT_ROLES = {"指标": "name", "绩效指标": "name", "值": "value"}
VALUE_ROLES = frozenset({"value", "annual", "period"})
_LEVEL_ROLES = frozenset({"l1", "l2", "name"})
_EXTRA_TRAD = str.maketrans("稱値級標權實際週期號計", "称值级标权实际周期号计")
_HEADER_NOISE_RE = re.compile(r"[\s（）()\[\]【】:：*＊]")
_DIGIT_RE = re.compile(r"\d")
NUMBER_RE = re.compile(r"\d+(?:\.\d+)?")
CMP_CHARS = "≥≤<>=＞＜＝≧≦"


def header_key(cell: str) -> str:
    """A header cell in one spelling: simplified, no spaces or brackets, 目标 → 指标."""
    text = to_simplified(canonical(cell)).translate(_EXTRA_TRAD)
    return _HEADER_NOISE_RE.sub("", text).replace("目标", "指标")


def header_role(cell: str) -> str | None:
    """The column meaning of a header cell (``"l1"``, ``"name"``, ``"annual"`` …) or None."""
    key = header_key(cell)
    if not key or len(key) > 14:
        return None
    if key in _EXACT_ROLES:
        return _EXACT_ROLES[key]
    for role, words in _ROLE_RULES:
        if any(w in key for w in words):
            return role
    return "value" if key.endswith("值") and "指标" in key else None


def header_roles(cells: Sequence[str]) -> list[str | None] | None:
    """The roles of a header row, or None when ``cells`` is not a header row."""
    if len(cells) < 2:
        return None
    roles = []
    for cell in cells:
        if _DIGIT_RE.search(cell) or any(c in CMP_CHARS for c in cell):
            return None
        if cell and is_label(cell):
            return None
        roles.append(header_role(cell) if cell else None)
    found = {r for r in roles if r}
    if len(found) < 2 or not found & _LEVEL_ROLES:
        return None
    return roles


# ---------------------------------------------------------------- labels

_CODE_RE = re.compile(r"^(\d{1,3})\s*[-.、．:：]?\s*(?=[^\d\s.\-])")


def split_label(cell: str) -> tuple[str | None, str | None, Decimal | None]:
    """``1-产出指标（50分）`` → (``产出指标``, ``1``, ``Decimal(50)``); empty cell → Nones.

    The code is kept only when printed; the weight annotation is removed from the label.
    """
    text = canonical(cell).strip()
    if not text:
        return None, None, None
    code = None
    m = _CODE_RE.match(text)
    if m:
        code, text = m.group(1), text[m.end() :].strip()
    label, weight = lexicon.split_weight(text)
    return (label or None), code, to_decimal(weight)


def is_label(cell: str, level: int | None = None) -> bool:
    """True when ``cell`` prints a framework label (code and weight allowed)."""
    label = split_label(cell)[0]
    return bool(label) and lexicon.lookup(label, level) is not None


def to_decimal(text: str | None) -> Decimal | None:
    if not text:
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        return None
