"""Read a whole budget document: ``read_document(path) -> Document``.

Passes, in order: decode the bytes (text in UTF-8, UTF-16 or GB18030; other formats
through :mod:`extract.readers` as tab-separated text; binary, wrong encoding and a cut
character are errors); detect the kind, department, fiscal year and unit of amounts; find the
standard tables by title; read the project table (units, projects, 合计, indicators
via :func:`extract.indicators.parse_indicators`), the functional-classification
tables, the 三公 table and the department performance table; check the sums.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from jixiao.extract.consistency import check_total, check_units
from jixiao.extract.doc_issues import doc_issue
from jixiao.extract.doc_records import (
    KIND_BUDGET,
    KIND_TARGETS,
    DocIssue,
    Document,
    DocumentError,
    TableRef,
)
from jixiao.extract.layout import clean_cell, tab_rows
from jixiao.extract.projects import IndicatorParser, ProjectTable, read_project_table
from jixiao.extract.readers import Limits, blocks_to_lines, detect_format, read_bytes
from jixiao.extract.readers.limits import check_size
from jixiao.extract.readers.text import decode_bytes
from jixiao.extract.records import Indicator, Issue
from jixiao.extract.tables import (
    FUNCTIONAL,
    find_dept_targets,
    find_tables,
    read_budget_lines,
    read_dept_targets,
    read_three_public,
)

_HAN_RE = re.compile(r"[\u4e00-\u9fff]")
_YEAR_LINE_RE = re.compile(r"^\s*#*\s*(20\d{2})\s*年\s*$")
_YEAR_PART_RE = re.compile(r"第[一二三四五六七八九十]+部分\s*(20\d{2})\s*年\s*部门预算")
_DEPT_RE = re.compile(r"(?:部门|单位)名称\s*[：:]\s*([^\s：:，,]+)")
_UNIT_RE = re.compile(r"单位\s*[：:]\s*(万元|千元|亿元|元)")
_RENAME_RE = re.compile(
    r"([^\s、，,：:；（）]{4,40})（(?:目前)?已?更名为\s*[：:]?\s*([^（）\s]{4,40})）"
)
_CODE_NAME_RE = re.compile(r"^(\d{6})\t([^\t]+)")


def decode(data: bytes, path: Path | str, encoding: str | None = None) -> str:
    """The text of a text file (UTF-8, UTF-16 or GB18030/GBK by the rule of
    :func:`extract.readers.text.decode_bytes`, or ``encoding`` when given); a clear
    :class:`DocumentError` for anything else."""
    text, _ = decode_bytes(data, path, encoding)
    if not _HAN_RE.search(text):
        raise DocumentError(path, "no Chinese text; expected a budget document (wrong encoding?)")
    return text


def document_text(data: bytes, path: Path | str, encoding: str | None = None) -> str:
    """The lines :func:`read_text` reads, from a file of any published format: text is
    decoded as it is; PDF, spreadsheets, HTML and DOCX go through their blocks
    (:func:`extract.readers.read_bytes`) rendered as tab-separated rows."""
    return document_source(data, path, encoding)[0]


def document_source(
    data: bytes, path: Path | str, encoding: str | None = None
) -> tuple[str, list[str] | None]:
    """:func:`document_text` and, for a file that is not text, where each of its lines
    was printed (``None`` for text: its lines are the file's)."""
    limits = Limits.from_env()
    if len(data) > limits.max_bytes:
        raise DocumentError(
            path, f"file is over {limits.max_bytes >> 20} MB; expected a smaller document"
        )
    if detect_format(data, path) == "text":
        return decode(data, path, encoding), None
    lines, wheres = blocks_to_lines(read_bytes(data, path, encoding=encoding))
    text = "\n".join(lines) + "\n"
    if not _HAN_RE.search(text):
        raise DocumentError(path, "no Chinese text; expected a budget document")
    return text, wheres


def read_data(data: bytes, path: Path | str, encoding: str | None = None) -> Document:
    """Read a budget document of any published format from its bytes. In a file that is
    not text, errors and issues name the page, sheet, row and column where the line they
    concern was printed, not only the number of the rendered line."""
    text, wheres = document_source(data, path, encoding)
    if wheres is None:
        return read_text(text, path)

    def where(line: int | None) -> str:
        return wheres[line - 1] if line and 0 < line <= len(wheres) else ""

    try:
        doc = read_text(text, path)
    except DocumentError as error:
        if not error.line or not where(error.line):
            raise
        raise DocumentError(path, error.expected, error.line, where(error.line)) from None
    issues = tuple(replace(i, where=where(i.line)) if where(i.line) else i for i in doc.issues)
    return replace(doc, issues=issues)


def _heading_lines(lines: Sequence[str], count: int = 12) -> list[str]:
    return [line.strip().strip("#* ") for line in lines if line.strip()][:count]


def detect_kind(lines: Sequence[str], keys: Sequence[str], path: Path | str) -> str:
    head = "".join(_heading_lines(lines, 40))
    if "部门预算" in head or any(k == "three_public" for k in keys):
        return KIND_BUDGET
    if any(line.strip().startswith("项目支出绩效目标表") for line in lines[:200]):
        return KIND_TARGETS
    raise DocumentError(
        path, "no 部门预算 heading and no 项目支出绩效目标表 title; expected a budget document"
    )


def detect_department(lines: Sequence[str]) -> str | None:
    for line in _heading_lines(lines):
        text = line.replace(" ", "")
        if text.endswith("部门预算") and len(text) > 6:
            return text[: -len("部门预算")]
    for line in lines:
        match = _DEPT_RE.search(line)
        if match:
            return match.group(1)
    return None


def detect_year(text: str, lines: Sequence[str]) -> tuple[int | None, bool]:
    """The fiscal year and whether it was printed (False: inferred from the text)."""
    for line in lines[:20]:
        match = _YEAR_LINE_RE.match(line)
        if match:
            return int(match.group(1)), True
    match = _YEAR_PART_RE.search(text)
    if match:
        return int(match.group(1)), True
    years = Counter(re.findall(r"(20\d{2})年度", text)) or Counter(re.findall(r"(20\d{2})年", text))
    if years:
        return int(years.most_common(1)[0][0]), False
    return None, False


def _code_names(lines: Sequence[str]) -> dict[str, str]:
    """Unit code → name from any tab row ``190004<TAB>广州市电子政务服务中心…``."""
    names: dict[str, str] = {}
    for line in lines:
        match = _CODE_NAME_RE.match(line)
        if match and match.group(1) not in names:
            name = clean_cell(match.group(2))
            if name.endswith(("局", "中心")):
                names[match.group(1)] = name
    return names


def _indicator_parser() -> IndicatorParser | None:
    """The lead's 绩效指标 cell parser, adapted to (indicators, issue notes); lazily imported."""
    try:
        from jixiao.extract.indicators import parse_indicators
    except ImportError:
        return None

    def parse(cell: str) -> tuple[tuple[Indicator, ...], list[Issue]]:
        result = parse_indicators(cell)
        return tuple(result.indicators), list(result.issues)

    return parse


def _truncation(lines: Sequence[str], ref: TableRef, path: Path | str, kind: str) -> None:
    """A project table that runs into the end of the file, or whose last row is short."""
    if "\t" in "".join(lines[ref.start : ref.end]):
        header, rows = tab_rows(lines, ref.start, ref.end)
        width = max((len(r.cells) for r in header), default=0)
        if rows and ref.end >= len(lines) and len(rows[-1].cells) < width:
            raise DocumentError(
                path,
                f"last row has {len(rows[-1].cells)} of {width} cells (file truncated?);"
                " expected a complete table row",
                rows[-1].line,
            )
    if kind == KIND_BUDGET and ref.end >= len(lines):
        raise DocumentError(
            path,
            f"{ref.title} runs to the end of the file (truncated?);"
            " expected its 注 line and 第三部分",
            len(lines),
        )


_LOOKED_FOR = "a 部门预算 with a project table (部门预算项目支出…预算表 or 项目支出绩效目标表)"


def read_text(text: str, path: Path | str = "<text>") -> Document:
    """Read a document already decoded to text: a 部门预算 with its project table, or
    else a document of indicator tables (:mod:`extract.indicator_docs`)."""
    from jixiao.extract.indicator_docs import read_indicator_document

    try:
        doc = _read_budget(text, path)
    except _NotABudget:
        return read_indicator_document(text, path, _LOOKED_FOR)
    if doc.kind == KIND_TARGETS and not any(p.indicators for p in doc.projects):
        # a 项目支出绩效目标表 printed as a form, not as Guangzhou's project table
        try:
            return read_indicator_document(text, path, _LOOKED_FOR)
        except DocumentError:
            return doc
    return doc


class _NotABudget(Exception):
    """The text has no 部门预算 heading or no project table: try indicator tables."""


def _read_budget(text: str, path: Path | str) -> Document:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    tables = find_tables(lines)
    try:
        kind = detect_kind(lines, [k for k, _ in tables], path)
    except DocumentError:
        raise _NotABudget from None
    department = detect_department(lines)
    year, printed = detect_year(text, lines)
    unit_match = _UNIT_RE.search(text)
    issues: list[DocIssue] = []
    if not printed:
        issues.append(doc_issue("D003", 0, year=year))
    project_refs = [ref for key, ref in tables if key == "projects"]
    if not project_refs:
        raise _NotABudget
    ref = project_refs[0]
    _truncation(lines, ref, path, kind)
    table: ProjectTable = read_project_table(
        lines, ref, year, department, _code_names(lines), _indicator_parser()
    )
    if not table.projects:
        raise _NotABudget
    if table.total is None:
        issues.append(doc_issue("D004", ref.start, table=ref.title))
    issues.extend(table.issues)
    issues.extend(check_units(table.units, table.projects))
    issues.extend(check_total(table.total, table.total_line, table.units, table.projects))
    budget_lines = [
        b for key, r in tables if key in FUNCTIONAL for b in read_budget_lines(lines, r)
    ]
    three = [t for key, r in tables if key == "three_public" for t in read_three_public(lines, r)]
    dept_ref = find_dept_targets(lines)
    dept = read_dept_targets(lines, dept_ref) if dept_ref else []
    renames = tuple(dict.fromkeys((m.group(1), m.group(2)) for m in _RENAME_RE.finditer(text)))
    return Document(
        path=str(path),
        kind=kind,
        department=department,
        fiscal_year=year,
        amount_unit=unit_match.group(1) if unit_match else None,
        tables=tuple(r for _, r in tables),
        units=tuple(table.units),
        projects=tuple(table.projects),
        total=table.total,
        total_line=table.total_line,
        budget_lines=tuple(budget_lines),
        three_public=tuple(three),
        dept_indicators=tuple(dept),
        renames=renames,
        issues=tuple(issues),
    )


def read_document(path: Path | str, encoding: str | None = None) -> Document:
    """Read the budget document at ``path`` in any published format (``encoding`` forces
    a text or HTML file's); :class:`DocumentError` if it cannot be read."""
    check_size(path, Limits.from_env())
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise DocumentError(path, f"cannot read file ({error.strerror})") from None
    return read_data(data, path, encoding)
