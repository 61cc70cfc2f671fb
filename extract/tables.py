"""Find the standard tables of a budget document by their titles; read the small ones.

A table runs from its title to the first ``注`` line, a ``第N部分`` heading, another
table's title or the end of the file; the same title printed again (page break) does
not end it. Read here: the functional-classification tables (budget lines), the
行政经费及“三公”经费 table and the department-level performance table of 004.
The project tables are read in :mod:`extract.projects`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal

from jixiao.extract.doc_records import BudgetLine, DeptIndicator, TableRef, ThreePublicLine
from jixiao.extract.layout import (
    clean_cell,
    column_labels,
    join_text,
    parse_amount,
    space_records,
    tab_rows,
)

# Title as printed (spaces removed) → table key.
TITLES: dict[str, str] = {
    "收支总体情况表": "summary",
    "收入总体情况表": "income",
    "支出总体情况表": "expenditure",
    "本年支出总体情况表": "expenditure",
    "财政拨款收支总体情况表": "fiscal_summary",
    "非税收入预算表": "nontax",
    "一般公共预算支出情况表（按功能分类科目）": "general_functional",
    "一般公共预算支出预算表（按功能分类科目）": "general_functional",
    "一般公共预算基本支出情况表（按经济分类科目）": "basic_economic",
    "一般公共预算基本支出情况表（按支出经济分类科目）": "basic_economic",
    "一般公共预算项目支出情况表（按经济分类科目）": "project_economic",
    "财政拨款安排的行政经费及“三公”经费预算表": "three_public",
    "政府性基金预算支出情况表": "fund_functional",
    "国有资本经营预算支出情况表": "state_capital_functional",
    "部门预算基本支出预算表": "basic",
    "部门预算项目支出及其他支出预算表": "projects",
    "部门预算项目支出预算表": "projects",
    "项目支出绩效目标表（含转移支付项目）": "projects",
    "项目支出绩效目标表": "projects",
    "部门预算转移支付项目预算表": "transfer",
    "政府采购预算表": "procurement",
    "政府购买服务预算表": "purchase",
}
FUNCTIONAL = ("expenditure", "general_functional", "fund_functional", "state_capital_functional")
_END_RE = re.compile(r"^\s*(?:注\s*[：:]|第[一二三四五六七八九十]+部分)")
_CODE_RE = re.compile(r"^\[?\s*(\d{3,7})\s*\]?\s*(.*)$")


def title_of(line: str) -> str | None:
    """The table title printed on ``line`` (markdown marks and spaces ignored), else None."""
    text = line.strip().strip("#* \u3000").replace(" ", "")
    return text if text in TITLES else None


def find_tables(lines: Sequence[str]) -> list[tuple[str, TableRef]]:
    """``(key, TableRef)`` for every standard table, in document order (0-based ``start``:
    the line after the title; ``end`` exclusive)."""
    found: list[tuple[str, TableRef]] = []
    index = 0
    while index < len(lines):
        title = title_of(lines[index])
        if title is None:
            index += 1
            continue
        end = index + 1
        while end < len(lines):
            other = title_of(lines[end])
            if _END_RE.match(lines[end]) or (other is not None and other != title):
                break
            end += 1
        found.append((TITLES[title], TableRef(title, index + 1, end)))
        index = end
    return found


def is_tab_table(lines: Sequence[str], ref: TableRef) -> bool:
    return any("\t" in lines[i] for i in range(ref.start, ref.end))


def _column(labels: Sequence[str], *words: str, after: int = -1) -> int | None:
    for word in words:
        for i, label in enumerate(labels):
            if i > after and word in label:
                return i
    return None


def _cell(cells: Sequence[str], index: int | None) -> str:
    return cells[index] if index is not None and index < len(cells) else ""


def _code_name(code_cell: str, name_cell: str) -> tuple[str | None, str]:
    stripped = code_cell.strip()
    code = stripped if stripped.isascii() and stripped.isdecimal() else None
    name = name_cell.strip()
    match = _CODE_RE.match(name)
    if code is None and match and match.group(2):
        code, name = match.group(1), match.group(2).strip()
    return code, name


def read_budget_lines(lines: Sequence[str], ref: TableRef) -> list[BudgetLine]:
    """The rows of a functional-classification table."""
    out: list[BudgetLine] = []
    if is_tab_table(lines, ref):
        header, rows = tab_rows(lines, ref.start, ref.end)
        labels = column_labels(header)
        code_col = _column(labels, "编码")
        name_col = _column(labels, "名称")
        if name_col is None:
            name_col = 0 if code_col is None else code_col + 1
        after = max(c for c in (code_col, name_col) if c is not None)
        total_col = _column(labels, "合计", "小计", "总计", after=after)
        basic_col = _column(labels, "基本支出", after=after)
        project_col = _column(labels, "项目支出", after=after)
        for row in rows:
            if row.continuation:
                continue
            code, name = _code_name(_cell(row.cells, code_col), _cell(row.cells, name_col))
            if not name or parse_amount(name) is not None or name == "无":
                continue
            out.append(
                BudgetLine(
                    ref.title,
                    code,
                    name,
                    parse_amount(_cell(row.cells, total_col)),
                    parse_amount(_cell(row.cells, basic_col)),
                    parse_amount(_cell(row.cells, project_col)),
                    row.line,
                    len(code) // 2 if code else 0,
                )
            )
        return out
    _header, records = space_records(lines, ref.start, ref.end)
    for record in records:
        if not record.amounts:
            continue
        text = join_text([t for _, t in record.before] + [record.label])
        code, name = _code_name("", text)
        amounts = [*record.amounts, None, None, None]
        line = record.before[0][0] if record.before else record.line
        level = len(code) // 2 if code else 0
        out.append(
            BudgetLine(ref.title, code, name, amounts[0], amounts[1], amounts[2], line, level)
        )
    return out


def _three_public_line(name: str, amounts: Sequence[Decimal | None], line: int) -> ThreePublicLine:
    padded = [*amounts, None, None, None, None]
    name = re.sub(r"^其中\s*[：:]\s*", "", name.strip())
    return ThreePublicLine(name, padded[0], padded[1], padded[2], padded[3], line)


def read_three_public(lines: Sequence[str], ref: TableRef) -> list[ThreePublicLine]:
    """The rows of the 行政经费及“三公”经费 table (合计, 一般公共预算, 政府性基金, 国有资本)."""
    out: list[ThreePublicLine] = []
    if is_tab_table(lines, ref):
        _header, rows = tab_rows(lines, ref.start, ref.end)
        for row in rows:
            if not row.continuation and row.cells[0]:
                amounts = [parse_amount(c) for c in row.cells[1:5]]
                out.append(_three_public_line(row.cells[0], amounts, row.line))
        return out
    _header, records = space_records(lines, ref.start, ref.end)
    for record in records:
        if record.amounts:
            text = join_text([t for _, t in record.before] + [record.label])
            line = record.before[0][0] if record.before else record.line
            out.append(_three_public_line(text, list(record.amounts), line))
    return out


def find_dept_targets(lines: Sequence[str]) -> TableRef | None:
    """The department-level performance table (部门整体支出绩效目标 / 关键指标 / 预期实现值)."""
    for index, line in enumerate(lines):
        if "\t" in line and "关键指标" in line and "绩效目标" in line:
            end = index + 1
            while end < len(lines) and not lines[end].startswith("--"):
                if _END_RE.match(lines[end]):
                    break
                end += 1
            return TableRef("部门整体支出绩效目标", index, end)
    return None


def read_dept_targets(lines: Sequence[str], ref: TableRef) -> list[DeptIndicator]:
    """Key indicators with their values and goal; a goal wrapped onto later rows is joined."""
    out: list[DeptIndicator] = []
    section, goal_parts = "", []
    pending: list[tuple[str, str, int]] = []

    def flush() -> None:
        goal = join_text(goal_parts)
        out.extend(DeptIndicator(section, goal, n, v, ln) for n, v, ln in pending)
        pending.clear()

    for index in range(ref.start, ref.end):
        raw = lines[index]
        if "\t" not in raw:
            continue
        cells = [clean_cell(c) for c in raw.split("\t")] + ["", "", "", ""]
        if "关键指" in cells[2].replace(" ", "") and "实现值" in cells[3]:
            flush()
            section, goal_parts = cells[0] or "部门整体支出绩效目标", []
            continue
        if cells[0] and len(cells[0]) <= 12 and cells[1]:
            flush()
            section, goal_parts = cells[0], [cells[1]]
        else:
            text = cells[1] or (cells[0] if not cells[2] else "")
            if text:
                goal_parts.append(text)
        if cells[2]:
            pending.append((cells[2], cells[3], index + 1))
    flush()
    return out
