"""Typed, frozen records of a whole budget document (部门预算 or 项目支出绩效目标表).

Every record keeps ``line``: the 1-based line number in the source file where it was
printed (for a row wrapped over several lines, the line where the row starts).
Amounts are :class:`decimal.Decimal` in the document's unit (万元 in all seeds).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from jixiao.extract.records import Indicator

KIND_BUDGET = "部门预算"
KIND_TARGETS = "项目支出绩效目标表"


class DocumentError(ValueError):
    """A file that cannot be read as a budget document (binary, wrong encoding, truncated)."""

    def __init__(
        self, path: Path | str, expected: str, line: int | None = None, where: str = ""
    ) -> None:
        self.path = str(path)
        self.line = line
        self.expected = expected
        self.where = where  # the source position in a PDF, spreadsheet, HTML or DOCX file
        place = f"{self.path}:{line}" if line else self.path
        if where:  # the line counts rendered rows: the position is what a reader finds
            place = f"{self.path} ({where})"
        super().__init__(f"{place}: {expected}")


@dataclass(frozen=True, slots=True)
class DocIssue:
    """A problem found in a document: stable ``code`` (D0xx, L0xx), the message in Chinese
    and in English (:mod:`extract.doc_issues` makes both), source line; ``where`` names
    the position in a file that is not text (``page 3, row 4``, ``sheet 项目, row 12``),
    whose ``line`` counts the rows as the reader rendered them."""

    code: str
    message: str
    line: int = 0
    message_en: str = ""
    where: str = ""

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {
            "code": self.code,
            "message": self.message,
            "message_en": self.message_en,
            "line": self.line,
        }
        if self.where:
            out["where"] = self.where
        return out


@dataclass(frozen=True, slots=True)
class Amounts:
    """Amounts per funding source; ``None`` where the table has no such column.

    ``fiscal`` is 财政拨款 (its split: ``general`` 一般公共预算, ``fund`` 政府性基金预算,
    ``state_capital`` 国有资本经营预算); ``special`` is 财政专户拨款, ``other`` 其他资金.
    """

    total: Decimal | None = None
    fiscal: Decimal | None = None
    general: Decimal | None = None
    fund: Decimal | None = None
    state_capital: Decimal | None = None
    special: Decimal | None = None
    other: Decimal | None = None


@dataclass(frozen=True, slots=True)
class Unit:
    """A budget unit (单位) of the department; ``code`` as printed (``190001``) or None."""

    name: str
    code: str | None = None
    parent: str | None = None
    amounts: Amounts | None = None
    line: int = 0


@dataclass(frozen=True, slots=True)
class Project:
    """One project row of a project table, with its goal and parsed indicators."""

    unit: str
    name: str
    fiscal_year: int | None
    amounts: Amounts
    line: int
    unit_code: str | None = None
    category: str | None = None
    goal: str = ""
    indicators: tuple[Indicator, ...] = ()
    indicator_text: str = ""


@dataclass(frozen=True, slots=True)
class BudgetLine:
    """A row of a functional-classification table (功能分类科目): code, name, amounts."""

    table: str
    code: str | None
    name: str
    total: Decimal | None
    basic: Decimal | None
    project: Decimal | None
    line: int
    level: int = 0


@dataclass(frozen=True, slots=True)
class ThreePublicLine:
    """A row of the 行政经费及“三公”经费 table."""

    name: str
    total: Decimal | None
    general: Decimal | None
    fund: Decimal | None
    state_capital: Decimal | None
    line: int


@dataclass(frozen=True, slots=True)
class DeptIndicator:
    """A key indicator (关键指标) of the department-level performance table, with its goal."""

    section: str
    goal: str
    name: str
    value: str
    line: int


@dataclass(frozen=True, slots=True)
class TableRef:
    """A standard table found by its title, and the lines it spans."""

    title: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Document:
    """Everything read from one document."""

    path: str
    kind: str
    department: str | None
    fiscal_year: int | None
    amount_unit: str | None
    tables: tuple[TableRef, ...] = ()
    units: tuple[Unit, ...] = ()
    projects: tuple[Project, ...] = ()
    total: Amounts | None = None
    total_line: int = 0
    budget_lines: tuple[BudgetLine, ...] = ()
    three_public: tuple[ThreePublicLine, ...] = ()
    dept_indicators: tuple[DeptIndicator, ...] = ()
    renames: tuple[tuple[str, str], ...] = ()
    issues: tuple[DocIssue, ...] = field(default_factory=tuple)
