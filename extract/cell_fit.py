"""How well a printed cell fits a column of an indicator table, and rows placed by fit.

A flattened page prints a row without its merged and empty cells, and a one-cell-per-line
page prints no row marks at all. :func:`fit` scores a cell against a column role (a
level-1 label fits ``l1``, ``≥95%`` a target, a lone ``≥`` a 计算符号 column, ``%`` a unit
column, ``10`` a score); :func:`skip_cost` says what leaving a column unprinted costs, and
:func:`align` places a short row's cells onto the columns, in order, best fit first.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from jixiao.extract import lexicon
from jixiao.extract.columns import CARRIED, cell_role, is_framework_label, label_text, unglossed
from jixiao.extract.normalize import canonical
from jixiao.extract.target import parse_target
from jixiao.extract.units import leading_unit

COMPARATOR_CELLS = frozenset(
    {"≥", "≤", "=", ">", "<", ">=", "<=", "=<", "=>", "＝", "﹦", "═", "≧", "≦", "定性", "定量",
     "大于等于", "小于等于", "等于", "大于", "小于"}
)  # fmt: skip
NUMBER_RE = re.compile(r"^[-+]?\d+(?:\.\d+)?$")
_AMOUNT_RE = re.compile(r"^-?\d{1,3}(?:,\d{3})*(?:\.\d+)?$|^-?\d+(?:\.\d+)?$")
ORDINAL_RE = re.compile(r"^(?:[一二三四五六七八九十]+|\d{1,2})[、.．]?$")
PLACEHOLDER_NAME_RE = re.compile(r"^(?:[.…。·\-—_/]*|指标\s*\d*\s*[:：]?|\d+)$")
DIRECTION_WORDS = ("正向", "反向", "越大越好", "越小越好", "中性")
_NOTE_RE = re.compile(r"[（(][^（()）]*[)）]")
_WEIGHT_NOTE_RE = re.compile(r"[（(]\s*\d+(?:\.\d+)?\s*(?:分|%|％)\s*[)）]\s*$")
_CJK_RE = re.compile(r"[\u3400-\u9fff]")
_MULTI = frozenset({"name", "explanation", "goal", "reason"})


def _scan(text: str) -> str:
    return canonical(text).strip()


def fit(role: str | None, text: str) -> float:
    """How well ``text`` fits a column of ``role`` (higher is better)."""
    text = _scan(text)
    if not text:
        return 0.0 if role not in ("name", "l1", "l2") else -0.5
    base = role.split(".")[-1] if role else None
    label = is_framework_label(text)
    if PLACEHOLDER_NAME_RE.match(text) and not text.startswith("指标") and not text.isdigit():
        return -2.0 if base in ("l1", "l2", "target", "annual", "period") else 0.0
    if base == "l1" or base == "l2":
        if label:
            level = 1 if base == "l1" else 2
            return 3.0 if lexicon.lookup(unglossed(label_text(text)), level) is not None else 1.0
        bare = _NOTE_RE.sub("", unglossed(text))
        if len(bare) <= 10 and bare.endswith(("指标", "目标", "效益")):
            return 2.0
        if len(bare) <= 12 and ("指标" in bare or "目标" in bare) and not re.search(r"\d", bare):
            return 1.5
        if not _CJK_RE.search(bare) or re.search(r"\d", bare) or ORDINAL_RE.match(text):
            return -2.0
        if _WEIGHT_NOTE_RE.search(text):
            return 1.0  # a category carries its weight: 输导服务业发展…(25%)
        return 0.0 if len(bare) <= 4 else (-2.0 if len(bare) <= 8 else -4.0)
    if label:
        return -3.0
    if base == "section":
        return 2.0 if cell_role(text) == "section" else -3.0
    if base == "comparator":
        if text.replace(" ", "") in COMPARATOR_CELLS:
            return 3.0
        return 1.0 if text.startswith(DIRECTION_WORDS) else -4.0
    if base == "unit":
        if re.search(r"\d", text) or text in COMPARATOR_CELLS or len(text) > 6:
            return -4.0
        return 2.0 if unit_like(text) else (0.2 if len(text) <= 2 else -4.0)
    if base in ("weight", "score", "index", "budget"):
        if base == "index":
            return 2.0 if ORDINAL_RE.match(text) else -2.0
        if base == "budget":
            return 2.0 if _AMOUNT_RE.match(text) else -2.0
        return 2.0 if NUMBER_RE.match(text) or text in ("/", "—", "-") else -2.0
    if base == "direction":  # some forms swap 指标性质 (正向) and 指标方向 (≥)
        if text.startswith(DIRECTION_WORDS):
            return 3.0
        return 1.0 if text.replace(" ", "") in COMPARATOR_CELLS else -2.0
    if base in ("target", "annual", "period", "actual"):
        weight = 1.0 if base == "actual" else 1.3
        if text in COMPARATOR_CELLS:
            return -3.0
        target = parse_target(text)
        if target.placeholder:  # a template's hint (≥**个) is weak evidence of a value
            return 0.3
        if target.number is not None or target.comparator is not None:
            return 2.0 * weight
        return (0.5 if len(text) <= 12 else 0.0) * weight
    if base == "name":
        if ORDINAL_RE.match(text):
            return -1.0  # an index, not a name
        target = parse_target(text)
        if text in COMPARATOR_CELLS or (len(text) <= 5 and text.startswith(DIRECTION_WORDS)):
            return -3.0
        if target.number is not None and target.qualifier is None and len(text) <= 10:
            return -1.0
        if unit_like(text) and len(text) <= 3:
            return -1.0  # 公里 alone is the unit of a value left blank
        return 1.0
    if base in ("explanation", "reason"):
        return 0.3 if len(text) > 12 else 0.1
    return 0.1


_UNIT_WORDS = frozenset({"百分比", "百分率", "百分点"})
_LATIN_UNIT_RE = re.compile(r"^[A-Za-z/²³]{1,5}$")


def unit_like(text: str) -> bool:
    """A unit of measure printed in its own cell: ``%``, ``人/次``, ``万元``, ``km``, ``人数``."""
    text = text.strip()
    if text in _UNIT_WORDS or (_LATIN_UNIT_RE.match(text) and text != "/"):
        return True
    return all(leading_unit(part) for part in text.split("/") if part) and text != "/"


def skip_cost(roles: Sequence[str | None], j: int) -> float:
    """What leaving column ``j`` unprinted costs (merged cells are cheap to leave out)."""
    role = roles[j]
    if j > 0 and role is not None and roles[j - 1] == role:
        return 0.0  # the covered part of a cell spanning columns
    base = role.split(".")[-1] if role else None
    if base is None or role in CARRIED:
        return 0.1
    if base == "name":
        return 3.0
    if base in ("target", "annual", "period"):
        return 1.5
    if base in ("comparator", "unit"):
        return 1.0
    return 0.5


def align(cells: Sequence[str], roles: Sequence[str | None]) -> list[str]:
    """Place a row's printed cells onto the columns (in order), best fit first."""
    n, w = len(cells), len(roles)
    if n == w:
        return list(cells)
    neg = float("-inf")
    best = [[neg] * (w + 1) for _ in range(n + 1)]
    back: dict[tuple[int, int], tuple[int, int]] = {}
    best[0][0] = 0.0
    for i in range(n + 1):
        for j in range(w + 1):
            here = best[i][j]
            if here == neg:
                continue
            if i < n:  # a side label printed in a row of its own column group (绩效指标)
                # an index column the header does not name (一, 二, 1) is cheap to leave out
                drop = 0.0 if cell_role(cells[i]) == "section" else 4.0
                drop = 0.5 if ORDINAL_RE.match(cells[i].strip()) else drop
                if here - drop > best[i + 1][j]:
                    best[i + 1][j] = here - drop
                    back[(i + 1, j)] = (i, j)
            if j == w:
                continue
            if here - skip_cost(roles, j) > best[i][j + 1]:
                best[i][j + 1] = here - skip_cost(roles, j)
                back[(i, j + 1)] = (i, j)
            base = roles[j].split(".")[-1] if roles[j] else None
            longest = n - i if base in _MULTI else min(1, n - i)
            for t in range(1, longest + 1):
                text = " ".join(cells[i : i + t])
                score = here + fit(roles[j], text) - 1.0 * (t - 1)
                if t > 1:  # every part of a cell printed in pieces must fit it on its own
                    score += sum(min(0.0, fit(roles[j], c)) for c in cells[i : i + t])
                if score > best[i + t][j + 1]:
                    best[i + t][j + 1] = score
                    back[(i + t, j + 1)] = (i, j)
    out = [""] * w
    i, j = n, w
    if best[n][w] == neg:  # pragma: no cover - dropping cells always leaves a way
        return list(cells[:w])
    while (i, j) != (0, 0):
        pi, pj = back[(i, j)]
        if pi < i and pj < j:
            out[pj] = " ".join(cells[pi:i])
        i, j = pi, pj
    return out
