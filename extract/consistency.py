"""Arithmetic checks of a project table: units against their projects, 合计 against units.

Published totals carry rounding error of ±0.01 per summed row, so a sum of ``n`` rows
may differ from its printed total by up to ``0.01 × n`` (at least 0.01).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from jixiao.extract.doc_issues import doc_issue
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
                doc_issue(
                    "D010",
                    unit.line,
                    unit=label,
                    rows=rows,
                    summed=f"{summed:,.2f}",
                    printed=f"{printed:,.2f}",
                    difference=f"{printed - summed:,.2f}",
                    tolerance=tolerance(rows),
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
            doc_issue(
                "D011",
                total_line,
                printed=f"{printed:,.2f}",
                rows=len(with_rows),
                summed=f"{units_sum:,.2f}",
                difference=f"{printed - units_sum:,.2f}",
            )
        )
    project_sum = sum((p.amounts.total or Decimal(0) for p in projects), Decimal(0))
    if projects and abs(project_sum - printed) > tolerance(len(projects)):
        issues.append(
            doc_issue(
                "D012",
                total_line,
                printed=f"{printed:,.2f}",
                rows=len(projects),
                summed=f"{project_sum:,.2f}",
                difference=f"{printed - project_sum:,.2f}",
            )
        )
    return issues
