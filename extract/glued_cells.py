"""Cut glued text into the cells and rows of a table whose columns are known.

The cut is the most likely sequence of (cell, column), as :func:`extract.text_grids.segment`
finds for one-cell-per-line text, but over characters: a cell may end only where a cell
can end (:func:`extract.glued_marks.boundaries`: around a framework label, a number and
its unit, a text printed twice in a row, a name's last character such as 率 or 数), and
each cell is scored by how well it fits its column (:func:`extract.cell_fit.fit`, plus
:func:`name_fit` for names). A cell in a column left of the one before starts a new row;
in text of several lines, each line is one row.

Hints that make a split certain where words alone would not: a target printed twice
(``100%100%``: target, then actual value), a score or weight being a bare number, and
a framework label opening a row.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from jixiao.extract import lexicon
from jixiao.extract.cell_fit import fit, skip_cost
from jixiao.extract.columns import cell_role, label_text
from jixiao.extract.glued_marks import (
    CMP,
    DECIMAL_RE,
    DIRECTIONS,
    LABEL_RE,
    LEADS,
    NAME_ENDS,
    PUNCT,
    SUFFIXES,
    boundaries,
    unit_opens,
    unit_word,
)
from jixiao.extract.target import parse_target
from jixiao.extract.units import leading_unit

_NEG = float("-inf")
_State = tuple[
    str, int, int, int
]  # ("C", end, column, start) a cell; ("R", at, -1, at) a row start
_ROW_BREAK = 1.5  # a new row in text printed on one line: more cells need more evidence
_CELL_COST = 0.5  # every cell costs a little: text is not cut finer than the evidence says
_SKIP = 2.0  # leaving printed characters out of every cell (print damage)
_TEXT_ROLES = frozenset({"name", "explanation", "reason", "goal", "project", "unit_name", None})
_VALUE_ROLES = frozenset({"target", "annual", "period", "actual"})
# Words a value may open with (每年≥20场); any other text before a number is a name's.
_QUALIFIERS = r"每年|全年|年均|每月|每季度|每周|每日|每天|累计|每次|单次|平均|约|达到|实现|完成|±"
_CLEAN_VALUE_RE = re.compile(
    rf"\s*(?:{_QUALIFIERS})?(?:{CMP})?\s*\d+(?:\.\d+)?\s*(?P<unit>[^\d\s,，;；、]{{0,6}}?)"
    rf"\s*(?:{SUFFIXES})?\s*"
)
_ENDS_WITH_VALUE_RE = re.compile(r"\d+(?:\.\d+)?\s*(?:[%‰]|[^\d\s]{1,3})?$")
_BOUND_INSIDE_RE = re.compile(r"\d\s*[^\d\s,，;；]{0,4}?(?:及以上|及以下|以上|以下|以内)")
_DIGITS_RE = re.compile(r"\d+(?:\.\d+)?")
_VALUE_INSIDE_RE = re.compile(rf"(?:{CMP})\s*\d")


@lru_cache(maxsize=65536)
def name_fit(text: str) -> float:
    """How well glued ``text`` reads as an indicator name."""
    text = text.strip()
    if not text or "\n" in text:
        return _NEG
    score = 1.0
    if text[0] in PUNCT + ")）" or text[-1] in ",，、;；(（" or len(text) == 1:
        score -= 2.0
    if re.match(rf"(?:{CMP})", text) or re.match(SUFFIXES, text):
        score -= 2.0  # ≥95% / 以上 end a value; a name does not open with them
    elif text[0] in "(（":
        score -= 1.0
    label = LABEL_RE.match(text)
    if label and re.search(r"[指目]标", label.group(1)):  # a full label opens no name
        score -= 3.0
    elif label and label.group(1):
        score -= 0.7  # 时效1年: more often a label (printed without 指标) and a name
    if leading_unit(text) == text or text.startswith(("%", "‰")):
        score -= 3.0  # a unit cut off its number
    if lexicon.lookup(text) is not None:
        score -= 2.0  # a label alone (时效) is a label
    if (_VALUE_INSIDE_RE.search(text) and "*" not in text) or _BOUND_INSIDE_RE.search(text):
        score -= 2.0
    if re.search(rf"(?:{CMP})\s*$", text):
        score -= 3.0  # the comparator opens the value after the name
    elif text.endswith("不"):
        score -= 3.0  # 价格不 | 高于市场价: the 不 opens the value (不高于), never ends a name
    half = len(text) // 2
    if len(text) % 2 == 0 and text[:half] == text[half:]:
        score -= 2.0  # a name is not printed twice: the copy is the next cell
    if clean_value(text):
        score -= 1.5
    elif text[-1].isdigit():
        score -= 1.0
    elif _ENDS_WITH_VALUE_RE.search(text):
        score -= 0.5
    elif text[-1] in NAME_ENDS:
        score += 0.5
    elif text.endswith(DIRECTIONS):
        score -= 2.0  # 正向 / 反向 is the 指标方向 column
    elif text.endswith(("位于", "达到", "符合", "满足", "实现")):
        score -= 0.5  # the verb opens the value: 评估结果 | 位于优秀档次
    return score


@lru_cache(maxsize=65536)
def clean_value(text: str) -> bool:
    """``text`` is one printed value and nothing more (``≥266米``, ``100%``, ``5亿元``)."""
    m = _CLEAN_VALUE_RE.fullmatch(text)
    if m is None:
        return False
    unit = m.group("unit")
    return not unit or unit_word(unit)


@lru_cache(maxsize=65536)
def cell_fit(role: str | None, text: str, twice: bool, last: bool) -> float:
    """How well glued ``text`` fits a column of ``role``; ``twice``: the same text is
    printed right before or after it (a target and its actual value); ``last``: it runs
    to the end of its line."""
    base = role.split(".")[-1] if role else None
    if not text.strip() or "\n" in text:
        return _NEG
    score = _fit(base, role, text, twice, last) - _CELL_COST
    slot = base == "name" and re.match(r"指标\s*\d{1,2}(?![\d.])", text)
    if text.startswith("指标") and not slot and base not in ("l1", "l2", "section"):
        score -= 3.0  # the end of a label cut in two (时效|指标)
    if not _balanced(text):
        score -= 2.0  # a cell holds whole brackets: (≥**平方米), (11kw)
    if re.match(r"0\d", text):
        score -= 3.0  # no number is printed with a leading zero
    return score


def _twice(scan: str, start: int, end: int, before: bool) -> bool:
    """The text at start:end is printed again right ``before`` it (else right after it),
    and the copy is no part of a decimal number (22.81 holds no second 2)."""
    size = end - start
    text = scan[start:end]
    if not before:
        return scan[end : end + size] == text and not DECIMAL_RE.match(scan, end + size - 1)
    for unit in range(4):  # the copy before may carry a unit: 735人次 | 735
        left = start - unit - size
        gap = scan[start - unit : start]
        if unit and not (gap in ("%", "‰") or leading_unit(gap) == gap):
            continue
        if left >= 0 and scan[left : start - unit] == text and scan[left - 1 : left] != ".":
            return True
    return False


# Which copy counts: an actual value repeats the target before it, a target the actual
# after it, a score the weight before it, an explanation the name before it.
_COPY_BEFORE = frozenset({"actual", "score", "explanation"})


def _balanced(text: str) -> bool:
    depth = 0
    for char in text:
        if char in "(（[【":
            depth += 1
        elif char in ")）]】":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


def _fit(base: str | None, role: str | None, text: str, twice: bool, last: bool) -> float:
    if base == "name":
        return name_fit(text)
    if base in ("l1", "l2"):
        label = lexicon.label_key(label_text(text))
        if re.search(r"[指目]标[)）]?$|分[)）]$", text):
            return fit(role, text)
        # a label printed without 指标 (社会效益, 时效) is a level-2 label
        return 1.0 if base == "l2" and lexicon.lookup(label, 2) else -1.0
    if base == "section":
        return 1.5 if cell_role(text) == "section" else -3.0
    if base in _VALUE_ROLES:
        target = parse_target(text)
        weight = 1.0 if base == "actual" else 1.3
        if "*" in text and not target.placeholder:
            return -1.0  # a template's hint (≥**%) belongs to the name before it
        if re.search(rf"(?:{CMP})\s*$", text):
            return -3.0  # a comparator cut off its number (合格率≥ | 100)
        if target.number is not None and not clean_value(text):
            compound = text[len(text.rstrip()) :] == "" and re.search(r"\d[^\d]*[,，;；、]", text)
            if not (last and compound):
                return -2.0
            return 1.5 * weight
        score = fit(role, text)
        if target.number is None and target.comparator is None:
            if len(text) > 12:
                score = 0.0 if len(text) <= 40 else -1.0
            elif not text.startswith(LEADS) and not twice:
                score = 0.2 if len(text) > 1 else -1.0
        if target.qualifier and target.number is not None:
            score -= 0.8  # words before a glued number are more often the name's end
        return score + (1.5 if twice else 0.0)
    if base in ("direction", "comparator") and text.startswith(DIRECTIONS):
        return fit(role, text) if text in DIRECTIONS else -2.0
    if base == "reason":  # mostly empty; words here are a last resort
        return 0.0 if len(text) > 10 else -1.0
    if base == "explanation":  # often the name again
        return (0.3 if len(text) > 2 else -1.0) + (0.5 if twice else 0.0)
    if base == "unit":
        known = unit_word(text) or text in ("百分比", "百分率")
        return 2.0 + 0.2 * len(text) if known else -2.0
    if base in ("weight", "score"):
        number = parse_target(text).number
        if number is not None and number > 100:
            return -1.0  # points are out of 100
        if twice and base == "score" and number is not None:
            return fit(role, text) + 1.0  # full marks: the score repeats the weight
    return fit(role, text)


def _limit(role: str | None) -> int:
    base = role.split(".")[-1] if role else None
    if base in _VALUE_ROLES:
        return 24
    if base in ("unit", "comparator", "direction", "weight", "score", "index"):
        return 6
    return 80 if base in _TEXT_ROLES else 24


def cut(
    lines: Sequence[str], ats: Sequence[str], roles: Sequence[str | None]
) -> tuple[list[list[str]], list[str]]:
    """Rows of cells (as wide as ``roles``) of the glued ``lines`` after a header."""
    if not lines:
        return [], []
    from jixiao.extract.glued import fold_map

    body = "\n".join(lines)
    scan, index = fold_map(body)
    n, w = len(scan), len(roles)
    by_line = len(lines) > 1
    cuts, labels, numbers = boundaries(scan)
    prefix = [0.0]
    for j in range(w):
        empty = roles[j] in ("reason", "goal")  # mostly left empty
        prefix.append(prefix[-1] + (0.1 if empty else skip_cost(roles, j)))

    def between(a: int, b: int) -> float:
        return prefix[b] - prefix[a] if b > a else 0.0

    def tail(state: _State) -> float:
        _, end, j, start = state
        cost = between(j + 1, w)
        if roles[j] in ("l2", "section") and lexicon.lookup(label_text(scan[start:end]), 2):
            return min(cost, 0.5)
        if roles[j] and roles[j].endswith("comparator") and scan[start:end].strip() == "定性":
            return min(cost, 0.3)  # a worded target may be left blank after 定性
        return cost

    inside_number = {p: 0 < p < n and scan[p - 1].isdigit() and scan[p].isdigit() for p in cuts}
    split_number = {p: 0 < p < n and scan[p - 1].isdigit() and unit_opens(scan, p) for p in cuts}
    best: dict[_State, float] = {("R", 0, -1, 0): 0.0}
    back: dict[_State, _State] = {}
    at_end: dict[int, list[_State]] = {p: [] for p in cuts}
    at_end[0].append(("R", 0, -1, 0))

    def offer(state: _State, score: float, prev: _State) -> None:
        if score > best.get(state, _NEG):
            if state not in best:
                at_end[state[1]].append(state)
            best[state] = score
            back[state] = prev

    for k, p in enumerate(cuts):
        cells = [s for s in at_end[p] if s[0] == "C"]
        for state in cells:  # a row ends here (at a newline when each line is a row)
            if p < n and scan[p] == "\n":
                offer(("R", p + 1, -1, p + 1), best[state] - tail(state), state)
            elif not by_line:
                offer(("R", p, -1, p), best[state] - tail(state) - _ROW_BREAK, state)
        row = ("R", p, -1, p)
        if p == n:
            break
        if scan[p] == "\n":
            if row in best:
                offer(("R", p + 1, -1, p + 1), best[row], row)
            continue
        nxt = cuts[k + 1]
        if row in best and "\n" not in scan[p:nxt]:  # characters left out between rows
            offer(("R", nxt, -1, nxt), best[row] - _SKIP - 0.1 * (nxt - p), row)
        line_end = scan.find("\n", p)
        line_end = n if line_end == -1 else line_end
        for j in range(w):
            entry, prev = best.get(row, _NEG) - between(0, j), row
            for state in cells:
                if state[2] < j and best[state] - between(state[2] + 1, j) > entry:
                    entry, prev = best[state] - between(state[2] + 1, j), state
            if entry == _NEG:
                continue
            last = line_end if by_line else -1  # a long value may fill the rest of a row
            for end in _ends(scan, p, roles[j], cuts, k, labels, numbers, line_end, last):
                text = scan[p:end]
                base = roles[j].split(".")[-1] if roles[j] else None
                twice = _twice(scan, p, end, base in _COPY_BEFORE)
                score = entry + cell_fit(roles[j], text.strip(), twice, end == line_end)
                if split_number[p]:
                    score -= 2.0  # a cell starting with the unit of the number before it
                elif inside_number[p]:
                    score -= 2.5  # numbers glued together (22.822.81): split only on evidence
                offer(("C", end, j, p), score, prev)
    finals = [s for s in at_end[n] if s[0] == "C"]
    scores = {s: best[s] - tail(s) for s in finals}
    if ("R", n, -1, n) in best:
        scores[("R", n, -1, n)] = best[("R", n, -1, n)]
    if not scores:
        return [], []
    state = max(scores, key=lambda s: scores[s])
    path: list[_State] = []
    while state in back:
        if state[0] == "C":
            path.append(state)
        state = back[state]
    path.reverse()
    line_of = [0] * (n + 1)
    for i, char in enumerate(scan):
        line_of[i + 1] = line_of[i] + (char == "\n")
    rows: list[list[str]] = []
    row_ats: list[str] = []
    last, row_line = w, -1
    for _, end, j, start in path:
        if j <= last or line_of[start] != row_line:
            rows.append([""] * w)
            row_ats.append(ats[min(line_of[start], len(ats) - 1)])
            row_line = line_of[start]
        rows[-1][j] = body[index[start] : index[end]].strip()
        last = j
    return rows, row_ats


def _ends(
    scan: str,
    p: int,
    role: str | None,
    cuts: list[int],
    k: int,
    labels: dict[int, list[int]],
    numbers: dict[int, list[int]],
    line_end: int,
    fill: int,
) -> list[int]:
    base = role.split(".")[-1] if role else None
    if base in ("l1", "l2", "section"):
        return [e for e in labels.get(p, []) if e <= line_end]
    if base in ("weight", "score", "budget", "index"):  # a number, maybe glued to the next
        found = [e for e in numbers.get(p, []) if e <= line_end]
        found += [e for e in cuts[k + 1 : k + 8] if e - p <= 6 and _DIGITS_RE.fullmatch(scan, p, e)]
        return sorted(set(found))
    limit = min(line_end, p + _limit(role))
    out = []
    for end in cuts[k + 1 :]:
        if end > limit:
            break
        out.append(end)
    if base in _VALUE_ROLES and fill > 0 and fill not in out and fill - p <= 80:
        out.append(fill)  # a long value fills the rest of its line
    return out
