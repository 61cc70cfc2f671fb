"""Arithmetic checks of a project table: units against their projects, 合计 against units.

Published totals carry rounding error of ±0.01 per summed row, so a sum of ``n`` rows
may differ from its printed total by up to ``0.01 × n`` (at least 0.01).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from jixiao.extract.doc_records import Amounts, DocIssue, Project, Unit
from jixiao.extract.projects import unit_sum

STEP = Decimal("0.01")


def tolerance(rows: int) -> Decimal:
    return STEP * max(rows, 1)


def check_units(units: Sequence[Unit], projects: Sequence[Project]) -> list[DocIssue]:
    """D010: a unit's row differs from the sum of its projects by more than the tolerance."""
    issues = []
    for unit in units:
        if unit.amounts is None or unit.amounts.total is None:
            continue
        summed, rows = unit_sum(projects, unit)
        printed = unit.amounts.total
        if abs(summed - printed) > tolerance(rows):
            label = f"{unit.code} {unit.name}" if unit.code else unit.name
            issues.append(
                DocIssue(
                    "D010",
                    f"单位 {label} 的 {rows} 个项目合计 {summed:,.2f} 万元，"
                    f"与单位行 {printed:,.2f} 万元不符（差 {printed - summed:,.2f}，"
                    f"容差 {tolerance(rows)}）",
                    unit.line,
                )
            )
    return issues


def check_total(
    total: Amounts | None, total_line: int, units: Sequence[Unit], projects: Sequence[Project]
) -> list[DocIssue]:
    """D011: 合计 differs from the sum of the unit rows; D012: from the sum of the projects."""
    if total is None or total.total is None:
        return []
    issues = []
    printed = total.total
    with_rows = [u for u in units if u.amounts is not None and u.amounts.total is not None]
    units_sum = sum(
        (u.amounts.total for u in with_rows if u.amounts and u.amounts.total), Decimal(0)
    )
    if units and abs(units_sum - printed) > tolerance(len(with_rows)):
        issues.append(
            DocIssue(
                "D011",
                f"合计行 {printed:,.2f} 万元与 {len(with_rows)} 个单位行之和"
                f" {units_sum:,.2f} 万元不符"
                f"（差 {printed - units_sum:,.2f}）",
                total_line,
            )
        )
    project_sum = sum((p.amounts.total or Decimal(0) for p in projects), Decimal(0))
    if projects and abs(project_sum - printed) > tolerance(len(projects)):
        issues.append(
            DocIssue(
                "D012",
                f"合计行 {printed:,.2f} 万元与 {len(projects)} 个项目之和"
                f" {project_sum:,.2f} 万元不符"
                f"（差 {printed - project_sum:,.2f}）",
                total_line,
            )
        )
    return issues
