"""Indicator tables: one row per indicator, cells separated by tabs, ``|`` or runs of spaces.

:func:`parse_table` is the fallback of :func:`extract.indicators.parse_indicators` for text
that is not in the inline numbered format. It reads

* separated tables with a header row (一级指标 / 二级指标 / 三级指标 / 计算符号 / 指标值 /
  度量单位 / 权重 …; traditional characters, ``目标`` for ``指标`` and inner spaces are
  tolerated), columns mapped by the meaning of their header;
* separated tables without a header, columns guessed from their content (issue ``T001``);
* flattened HTML tables with no separator at all (:mod:`extract.flattened`).

Cells are read in their canonical spelling (:func:`extract.normalize.canonical`), so a
table and its full-width twin give the same indicators; ``Indicator.raw`` keeps the
source line. A single value column (指标值, 目标值, 年度指标值) is the annual target;
实施周期/中期/长期指标值 is the period target. Separate 计算符号 + 指标值 + 度量单位 cells
are glued (``≥`` + ``95`` + ``%``) and parsed by :func:`extract.target.parse_target`;
``定性`` marks a qualitative target.

Merged cells (a level-1 or level-2 label printed on one row of its block) are filled by
:func:`fill_levels`. Problems are coded issues (``T0xx`` in :mod:`extract.issues`);
``at`` is ``"row N"`` with N the 1-based line number in the input. Nothing here raises.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from jixiao.extract import lexicon
from jixiao.extract.flattened import parse_flattened
from jixiao.extract.headers import (
    CMP_CHARS,
    NUMBER_RE,
    VALUE_ROLES,
    header_roles,
    is_label,
    split_label,
    to_decimal,
)
from jixiao.extract.issues import issue as make_issue
from jixiao.extract.normalize import canonical
from jixiao.extract.records import Indicator, Issue, ParseResult, Target
from jixiao.extract.table_cells import SEPARATORS, check_target, guess_layout, split_cells
from jixiao.extract.target import parse_target

__all__ = [
    "SEPARATORS", "check_target", "fill_levels", "parse_table", "split_cells",
]  # fmt: skip

# ---------------------------------------------------------------- merged cells


def fill_levels(
    printed1: Sequence[str | None], printed2: Sequence[str | None]
) -> tuple[list[int | None], list[int | None]]:
    """Which row's printed level-1 / level-2 label applies to each row (merged cells).

    Rule (``printedN[i]`` is the label printed on row ``i`` or None):

    1. A row that prints a label owns it.
    2. Rows above the first printed level-1 label take that label (a merged cell whose
       label is printed in the middle of its block).
    3. Between two printed level-1 labels A (row a) and B (row b), unlabelled rows carry
       A forward, *except* the rows just above b whose level-2 label (printed on the row or
       carried from the nearest printed level-2 label since row a) belongs, per the lexicon,
       to B's category and not to A's: those rows belong to B (B printed mid-block).
    4. Rows after the last printed level-1 label carry it forward.
    5. Level 2 is filled the same way inside each level-1 block (rows owned by the same
       printed level-1 label): rows above the block's first printed level-2 label take it,
       later rows carry the last printed one forward. A level-2 block never crosses a
       level-1 boundary. A block with no printed level-2 label leaves it None.

    Returns (``owner1``, ``owner2``): for each row the index of the row whose printed
    label applies, or None.
    """
    n = len(printed1)
    cat2 = [_category(printed2[i], 2) for i in range(n)]
    owner1: list[int | None] = [None] * n
    marks = [i for i in range(n) if printed1[i]]
    if marks:
        for i in range(marks[0]):
            owner1[i] = marks[0]
        for k, a in enumerate(marks):
            end = marks[k + 1] if k + 1 < len(marks) else n
            for i in range(a, end):
                owner1[i] = a
            if end == n:
                continue
            cat_a, cat_b = _category(printed1[a], 1), _category(printed1[end], 1)
            if cat_b is None or cat_b == cat_a:
                continue
            evidence: list[str | None] = []
            carried = cat2[a]
            for i in range(a + 1, end):
                carried = cat2[i] or carried
                evidence.append(carried)
            for i in range(end - 1, a, -1):
                if evidence[i - a - 1] != cat_b:
                    break
                owner1[i] = end
    owner2: list[int | None] = [None] * n
    start = 0
    while start < n:
        stop = start
        while stop < n and owner1[stop] == owner1[start]:
            stop += 1
        block = range(start, stop)
        marks2 = [i for i in block if printed2[i]]
        current = marks2[0] if marks2 else None
        for i in block:
            if printed2[i]:
                current = i
            owner2[i] = current
        start = stop
    return owner1, owner2


def _category(label: str | None, level: int) -> str | None:
    if not label:
        return None
    found = lexicon.lookup(label, level)
    return found.category if found else None


# ---------------------------------------------------------------- cells and rows

_RULE_LINE_RE = re.compile(r"^[\s|:：\-－=+—_]*$")
_HTML_CELL_RE = re.compile(r"</t[dh]\s*>", re.IGNORECASE)
_HTML_ROW_RE = re.compile(r"</tr\s*>", re.IGNORECASE)


def _lines(text: str) -> list[tuple[int, str, str]]:
    """(line number, source line, canonical line) of the non-blank lines of ``text``."""
    if "<t" in text.lower():
        text = _HTML_ROW_RE.sub("\n", _HTML_CELL_RE.sub("\t", text))
    out = []
    for number, raw in enumerate(text.splitlines(), start=1):
        canon = canonical(raw.replace("\u3000", "  "))
        if canon.strip():
            out.append((number, raw.strip(), canon))
    return out


@dataclass(slots=True)
class _Row:
    number: int
    raw: str
    cells: dict[str, str]


def _place(cells: list[str], roles: Sequence[str | None], sep: str) -> dict[str, str]:
    """Map a row's cells onto the header's roles (role → cell).

    A row with fewer cells than the header is anchored by content: a level-1 label
    starts at the level-1 column, a level-2 label at the level-2 column; otherwise, in
    space-separated tables (where empty merged cells vanish), the first cell is the name.
    Tab and ``|`` rows keep their empty cells, so they are read from the left.
    """
    n = len(roles)
    start = 0
    if len(cells) < n and cells and cells[0]:
        if is_label(cells[0], 1) and "l1" in roles:
            start = roles.index("l1")
        elif is_label(cells[0], 2) and "l2" in roles:
            start = roles.index("l2")
        elif sep in ("  ", " "):
            start = roles.index("name") if "name" in roles else 0
            start = min(start, n - len(cells))
    mapped: dict[str, str] = {}
    for j, cell in enumerate(cells[: n - start]):
        role = roles[start + j]
        if role and cell and role not in mapped:
            mapped[role] = cell
    return mapped


def _read_rows(
    lines: list[tuple[int, str, str]], roles: Sequence[str | None], sep: str, issues: list[Issue]
) -> list[_Row]:
    rows = []
    for number, raw, canon in lines:
        if _RULE_LINE_RE.match(canon):
            continue
        cells = split_cells(canon, sep)
        if header_roles(cells) is not None:  # header repeated after a page break
            continue
        while cells and not cells[-1] and len(cells) > len(roles):
            cells.pop()
        at = f"row {number}"
        if len(cells) > len(roles):
            issues.append(make_issue("T007", at))
        mapped = _place(cells, roles, sep)
        if not mapped:
            continue
        if len(cells) < len(roles) and "name" in mapped and not mapped.keys() & VALUE_ROLES:
            issues.append(make_issue("T002", at))
        rows.append(_Row(number, raw, mapped))
    return rows


# ---------------------------------------------------------------- targets


def _compose(value: str, comparator: str, unit: str) -> Target | None:
    """Glue separate 计算符号 / 指标值 / 度量单位 cells and parse the result."""
    if not value:
        return None
    qualitative = "定性" in comparator
    text = value
    if comparator and not qualitative and value[0] not in CMP_CHARS:
        text = comparator.replace(" ", "") + text
    if unit and not qualitative and not value.endswith(unit):
        text += unit
    target = parse_target(text)
    if qualitative:
        target = target._replace(qualitative=True, comparator=None)
    return target


# ---------------------------------------------------------------- indicators

_TIME_WORDS = ("时效", "时间", "日期", "期限", "完成时")


def _build(rows: list[_Row], issues: list[Issue], has_l1: bool) -> list[Indicator]:
    labels1 = [split_label(r.cells.get("l1", "")) for r in rows]
    labels2 = [split_label(r.cells.get("l2", "")) for r in rows]
    owner1, owner2 = fill_levels([lab[0] for lab in labels1], [lab[0] for lab in labels2])
    indicators: list[Indicator] = []
    for i, row in enumerate(rows):
        cells, at = row.cells, f"row {row.number}"
        name = cells.get("name", "")
        has_value = bool(cells.keys() & VALUE_ROLES)
        if not name:
            if has_value:
                issues.append(make_issue("T008", at))
            continue
        l1 = labels1[owner1[i]] if owner1[i] is not None else (None, None, None)
        l2 = labels2[owner2[i]] if owner2[i] is not None else (None, None, None)
        if has_l1 and l1[0] is None:
            issues.append(make_issue("T003", at))
        weight = l2[2] or l1[2]
        if "weight" in cells:
            number = NUMBER_RE.match(cells["weight"])
            weight = to_decimal(number.group(0)) if number else None
            if weight is None:
                issues.append(make_issue("T009", at))
        comparator, unit = cells.get("comparator", ""), cells.get("unit", "")
        annual = _compose(cells.get("annual") or cells.get("value", ""), comparator, unit)
        period = _compose(cells.get("period", ""), comparator, unit)
        level2 = lexicon.lookup(l2[0], 2) if l2[0] else None
        timely = (level2 is not None and level2.canonical == "时效指标") or any(
            w in name for w in _TIME_WORDS
        )
        for target in (period, annual):
            issues.extend(check_target(target, unit, timely, at))
        indicators.append(
            Indicator(
                name=name,
                level1=l1[0],
                level1_code=l1[1],
                level2=l2[0],
                level2_code=l2[1],
                period_target=period,
                annual_target=annual,
                position=len(indicators) + 1,
                weight=weight,
                actual=cells.get("actual") or None,
                score=cells.get("score") or None,
                raw=row.raw,
            )
        )
    return indicators


def _find_header(
    lines: list[tuple[int, str, str]],
) -> tuple[int, str, list[str | None]] | None:
    for k, (_, _, canon) in enumerate(lines):
        for sep in SEPARATORS:
            if sep not in canon.strip():
                continue
            roles = header_roles(split_cells(canon, sep))
            if roles is not None:
                return k, sep, roles
    return None


def _parse(text: str, flattened: bool = True) -> ParseResult | None:
    if not isinstance(text, str) or not text.strip():
        return None
    lines = _lines(text)
    issues: list[Issue] = []
    found = _find_header(lines)
    if found is not None:
        k, sep, roles = found
        body = lines[k + 1 :]
    else:
        guessed = guess_layout([canon for _, _, canon in lines])
        if guessed is None:
            return parse_flattened(text) if flattened else None
        sep, roles = guessed
        body = lines
        issues.append(make_issue("T001", " ".join(lines[0][2].split())[:40]))
    rows = _read_rows(body, roles, sep, issues)
    indicators = _build(rows, issues, "l1" in roles)
    if not indicators and found is None:
        return None
    return ParseResult(tuple(indicators), tuple(sorted(issues, key=_row_of)))


def _row_of(found: Issue) -> int:
    """Sort key: issues in the order of the rows they are about (T001 first)."""
    number = found.at[4:]
    ok = found.at.startswith("row ") and number.isascii() and number.isdecimal()
    return int(number) if ok else 0


def parse_table(text: str, flattened: bool = True) -> ParseResult | None:
    """Parse an indicator table (separated or flattened); None when ``text`` is no table.

    ``flattened=False`` reads separated tables only (glued text has its own reader,
    :mod:`extract.glued`). Never raises: an unexpected failure is reported as issue
    ``T099``.
    """
    try:
        return _parse(text, flattened)
    except Exception as exc:  # the contract is "never raise"; T099 makes the bug visible
        return ParseResult((), (make_issue("T099", type(exc).__name__),))
