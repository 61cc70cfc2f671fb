"""Read a project table (项目支出预算表 / 项目支出绩效目标表): 合计, units, projects.

Rows are classified by what they print: ``合计``; a category row (``运行保障类``); a
unit row (an organisation's name with no goal and no indicators, or, in a space
table, a row without indentation); otherwise a project of the current unit. Where a
unit code column exists (004) a project's code names its unit, so a unit whose own row
was lost is still known.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from jixiao.extract.doc_issues import cell_issue, doc_issue
from jixiao.extract.doc_records import Amounts, DocIssue, Project, TableRef, Unit
from jixiao.extract.layout import (
    Row,
    clean_cell,
    column_labels,
    join_text,
    parse_amount,
    space_records,
    tab_rows,
)
from jixiao.extract.records import Indicator, Issue
from jixiao.extract.tables import is_tab_table

_ORG_RE = re.compile(r"(局|中心|办公室|委员会|研究院|院|所|站|队|馆|处|厅)(（[^（）]*）)?$")
_SENTENCE_END = ("。", "；", "！", "？", "”", "。”", "）。")
_FIELDS = ("total", "fiscal", "general", "fund", "state_capital", "special", "other")
# Column order of the standard 项目支出及其他支出预算表 when the header cannot be mapped.
_DEFAULT_SPACE_FIELDS = _FIELDS

IndicatorParser = Callable[[str], tuple[tuple[Indicator, ...], list[Issue]]]


@dataclass(slots=True)
class ProjectTable:
    """What a project table yields."""

    units: list[Unit] = field(default_factory=list)
    projects: list[Project] = field(default_factory=list)
    total: Amounts | None = None
    total_line: int = 0
    issues: list[DocIssue] = field(default_factory=list)


@dataclass(slots=True)
class _Draft:
    cells: dict[str, str]
    line: int
    indent: int = 0


def _columns(labels: Sequence[str]) -> dict[str, int]:
    """Field → column index, from the header labels of a tab table."""
    cols: dict[str, int] = {}
    for i, label in enumerate(labels):
        if "编码" in label and "code" not in cols:
            cols["code"] = i
        elif ("项目名称" in label or "项目类别" in label) and "name" not in cols:
            cols["name"] = i
        elif "总计" in label and "total" not in cols:
            cols["total"] = i
        elif "财政专户" in label:
            cols.setdefault("special", i)
        elif "一般公共" in label:
            cols.setdefault("general", i)
        elif "政府性基金" in label:
            cols.setdefault("fund", i)
        elif "国有资本" in label:
            cols.setdefault("state_capital", i)
        elif "其他资金" in label:
            cols.setdefault("other", i)
        elif "绩效指标" in label:
            cols.setdefault("indicators", i)
        elif "绩效目标" in label:
            cols.setdefault("goal", i)
        elif "项目内容" in label:
            cols.setdefault("content", i)
        elif ("财政拨款" in label or label == "合计") and "total" in cols:
            cols.setdefault("fiscal", i)
    cols.setdefault("name", 0)
    return cols


def _tab_drafts(rows: Sequence[Row], cols: Mapping[str, int]) -> list[_Draft]:
    """Rows as field dicts; a continuation row's cells are appended to the row before."""
    drafts: list[_Draft] = []
    for row in rows:
        cells = {key: row.cells[i] if i < len(row.cells) else "" for key, i in cols.items()}
        if row.continuation and drafts:
            previous = drafts[-1].cells
            for key, value in cells.items():
                if value:
                    previous[key] = join_text([previous.get(key, ""), value])
            continue
        drafts.append(_Draft(cells, row.line))
    return drafts


def _label_start(before: Sequence[tuple[int, str]]) -> int:
    """Where a wrapped label begins among the text lines printed before its amounts."""
    for i in range(len(before) - 1, -1, -1):
        if before[i][1].startswith("\u3000"):
            return i
    for i in range(len(before) - 1, -1, -1):
        if before[i][1].rstrip().endswith(_SENTENCE_END):
            return i + 1
    return 0


def _space_drafts(lines: Sequence[str], ref: TableRef) -> list[_Draft]:
    """Rows of a space table: label wrapped before the amounts, goal wrapped after them."""
    _header, records = space_records(lines, ref.start, ref.end)
    drafts: list[_Draft] = []
    for record in records:
        before = list(record.before)
        indented = record.indent > 0 or not record.amounts
        start = len(before) if indented else _label_start(before)
        if drafts and start > 0:
            goal = join_text([drafts[-1].cells.get("goal", "")] + [t for _, t in before[:start]])
            drafts[-1].cells["goal"] = goal
        if not record.amounts:
            continue
        label_lines = before[start:]
        label = join_text([t for _, t in label_lines] + [record.label])
        indent = record.indent if not label_lines else label_lines[0][1].count("\u3000", 0, 8)
        cells = {"name": label}
        for key, amount in zip(_DEFAULT_SPACE_FIELDS, record.amounts, strict=False):
            cells[key] = str(amount)
        line = label_lines[0][0] if label_lines else record.line
        drafts.append(_Draft(cells, line, indent))
    return drafts


def _amounts(cells: Mapping[str, str]) -> Amounts:
    values = {key: parse_amount(cells.get(key, "")) for key in _FIELDS}
    return Amounts(**values)


def _is_unit(draft: _Draft, space: bool) -> bool:
    name = draft.cells.get("name", "")
    if space:
        return draft.indent == 0 and bool(_ORG_RE.search(name.replace("（本级）", "")))
    empty = not draft.cells.get("goal") and not draft.cells.get("indicators")
    return empty and not draft.cells.get("content") and bool(_ORG_RE.search(name))


def read_project_table(
    lines: Sequence[str],
    ref: TableRef,
    fiscal_year: int | None,
    department: str | None,
    code_names: Mapping[str, str],
    parse_cell: IndicatorParser | None = None,
) -> ProjectTable:
    """Units, projects and the 合计 row of the project table at ``ref``."""
    out = ProjectTable()
    space = not is_tab_table(lines, ref)
    if space:
        drafts = _space_drafts(lines, ref)
    else:
        header, rows = tab_rows(lines, ref.start, ref.end)
        drafts = _tab_drafts(rows, _columns(column_labels(header)))
    units_by_key: dict[str, Unit] = {}
    current: Unit | None = None
    category: str | None = None
    for draft in drafts:
        cells = draft.cells
        name = clean_cell(cells.get("name", "")).replace("\u3000", "").strip()
        code = cells.get("code", "").strip() or None
        if name.replace(" ", "") in ("合计", "总计"):
            out.total, out.total_line = _amounts(cells), draft.line
            continue
        if not name or name.startswith("其中"):
            continue
        if code is None and "code" in cells:
            if name.endswith("类"):
                category = name
            continue
        if _is_unit(draft, space):
            parent = None if _same_org(name, department) else department
            current = Unit(name, code, parent, _amounts(cells), draft.line)
            units_by_key[code or name] = current
            out.units.append(current)
            category = None
            continue
        if code is not None and (current is None or current.code != code):
            current = units_by_key.get(code)
            if current is None:
                unit_name = code_names.get(code, code)
                current = Unit(unit_name, code, department, None, draft.line)
                units_by_key[code] = current
                out.units.append(current)
                out.issues.append(
                    doc_issue("D005", draft.line, unit=f"{code} {unit_name}", line=draft.line)
                )
            category = None
        if current is None:
            out.issues.append(doc_issue("D006", draft.line, project=name))
        indicator_text = clean_cell(cells.get("indicators", ""))
        indicators: tuple[Indicator, ...] = ()
        if indicator_text and parse_cell is not None:
            indicators, notes = parse_cell(cells.get("indicators", ""))
            out.issues.extend(cell_issue(name, n, draft.line) for n in notes)
        out.projects.append(
            Project(
                unit=current.name if current else "",
                name=name,
                fiscal_year=fiscal_year,
                amounts=_amounts(cells),
                line=draft.line,
                unit_code=current.code if current else code,
                category=category,
                goal=clean_cell(cells.get("goal", "")),
                indicators=indicators,
                indicator_text=indicator_text,
            )
        )
    return out


def _same_org(name: str, department: str | None) -> bool:
    if department is None:
        return False
    bare = name.replace("（本级）", "").replace(" ", "")
    return bare == department.replace(" ", "")


def unit_sum(projects: Sequence[Project], unit: Unit) -> tuple[Decimal, int]:
    """Sum of the totals of ``unit``'s projects and how many rows were summed."""
    rows = [p for p in projects if p.unit == unit.name and p.unit_code == unit.code]
    return sum((p.amounts.total or Decimal(0) for p in rows), Decimal(0)), len(rows)
