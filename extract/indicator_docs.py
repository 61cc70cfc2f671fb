"""Documents that are indicator tables: 绩效目标申报表, 自评表, 区域绩效目标表, 公示 ….

:func:`read_indicator_document` is what ``ingest`` falls back to when a text is not a
部门预算 with a project table. It recognises the title (:data:`TITLES`), reads every
indicator table (:func:`extract.text_reader.read_indicator_text`) and the form fields
around it (项目名称, 主管部门, 实施单位, 资金总额 / 年度资金总额, 年度目标 / 绩效目标), and
builds one project per table, or one per project of a table that lists several
(单位名称 / 项目名称 / 预算数 / 年度目标 columns). A text with an indicator table and an
unknown title is read with issue D010; one with neither is rejected, saying what was
looked for.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from pathlib import Path

from jixiao.extract.columns import unglossed
from jixiao.extract.doc_issues import doc_issue
from jixiao.extract.doc_records import Amounts, DocIssue, Document, DocumentError, Project, Unit
from jixiao.extract.normalize import to_simplified
from jixiao.extract.records import Indicator
from jixiao.extract.text_grids import split_line
from jixiao.extract.text_reader import read_indicator_text

# (pattern on the simplified title, kind), first match wins.
TITLES: tuple[tuple[str, str], ...] = (
    (r"部门整体支出.{0,8}自评表", "部门整体支出绩效自评表"),
    (r"部门整体支出.{0,8}申报表", "部门整体支出绩效目标申报表"),
    (r"部门整体支出.{0,8}目标表", "部门整体支出绩效目标表"),
    (r"自评表", "项目支出绩效自评表"),
    (r"区域绩效目标表", "区域绩效目标表"),
    (r"绩效目标.{0,6}公示", "绩效目标设定公示"),
    (r"部门预算项目绩效目标(?:申报)?表", "部门预算项目绩效目标表"),
    (r"项目支出绩效目标申报表", "项目支出绩效目标申报表"),
    (r"绩效目标申报表", "绩效目标申报表"),
    (r"项目支出绩效目标表", "项目支出绩效目标表"),
    (r"绩效目标(?:批复)?表|衡量指标", "绩效目标表"),
)
KIND_UNKNOWN = "绩效指标表"
FIELDS: dict[str, tuple[str, ...]] = {
    "project": ("项目名称", "专项名称", "专项资金名称", "项目支出名称", "资金名称",
                "专项(项目)名称"),
    "department": ("主管部门", "主管部门及代码", "项目主管部门", "业务主管部门", "县级主管部门",
                   "主管部门(单位)名称", "预算部门", "中央主管部门"),
    "unit": ("实施单位", "项目实施单位", "项目执行单位", "单位名称", "部门名称", "部门(单位)名称",
             "预算单位", "部门", "实施单位(盖章)"),
    "amount": ("年度资金总额", "资金总额", "年度金额(万元)", "当年预算", "年度本级预算金额",
               "下达中央预算内投资(万元)", "本次下达中央预算内投资(万元)", "年度财政资金总额"),
    "goal": ("年度目标", "本年度绩效目标", "年度绩效目标", "当年绩效目标", "绩效目标", "预期目标",
             "年初设定目标", "总体目标", "实施期绩效目标", "年度总体目标"),
}  # fmt: skip
_KEYS = {k.replace("(", "（").replace(")", "）"): f for f, ks in FIELDS.items() for k in ks}
_KEYS.update({k: f for f, ks in FIELDS.items() for k in ks})
_AMOUNT_RE = re.compile(r"-?\d[\d,]*(?:\.\d+)?")
_YEAR_RE = re.compile(r"((?:19|20)\d\d)\s*年")


def detect_title(lines: Sequence[str]) -> tuple[str | None, str | None]:
    """(kind, title line) of the first recognised title in the document's opening lines."""
    for line in lines[:80]:
        key = to_simplified(unglossed(line)).replace(" ", "").replace("\u3000", "")
        for pattern, kind in TITLES:
            if re.search(pattern, key.replace("績效", "绩效")):
                return kind, line.strip()
    return None, None


def _key(cell: str) -> str | None:
    text = cell.strip().replace(" ", "").rstrip(":：")
    return _KEYS.get(text)


def form_fields(lines: Sequence[tuple[int, str]]) -> list[tuple[int, str, str]]:
    """(line, field, value) of every form field printed in the text, in order."""
    out: list[tuple[int, str, str]] = []
    for k, (number, line) in enumerate(lines):
        _sep, cells = split_line(line)
        cells = [c for c in cells if c]
        for i, cell in enumerate(cells):
            inline = re.match(r"^([^:：]{2,16})[:：]\s*(\S.*)$", cell)
            if inline and _key(inline.group(1)):
                out.append((number, _key(inline.group(1)) or "", inline.group(2).strip()))
                continue
            field = _key(cell)
            if field is None:
                continue
            rest = [c for c in cells[i + 1 :] if _key(c) is None]
            if rest and i + 1 < len(cells) and _key(cells[i + 1]) is None:
                out.append((number, field, rest[0]))
            elif len(cells) == 1:
                nxt = next(
                    (
                        c
                        for ln in lines[k + 1 : k + 3]
                        for c in split_line(ln[1])[1]
                        if c and _key(c) is None
                    ),
                    "",
                )
                if nxt:
                    out.append((number, field, nxt))
    return out


def _amount(text: str) -> Decimal | None:
    m = _AMOUNT_RE.search(text or "")
    if not m:
        return None
    try:
        return Decimal(m.group().replace(",", ""))
    except InvalidOperation:
        return None


def read_indicator_document(text: str, path: Path | str, looked_for: str) -> Document:
    """A document holding indicator tables; :class:`DocumentError` when it holds none."""
    raw_lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    lines = [(n, ln) for n, ln in enumerate(raw_lines, start=1) if ln.strip()]
    kind, title = detect_title([ln for _, ln in lines])
    reading = read_indicator_text(text)
    if not reading.indicators:
        what = f"a {kind} titled {title!r} without" if kind else "no recognised title and no"
        raise DocumentError(
            path,
            f"{what} indicator table; expected a budget document: {looked_for},"
            " or an indicator table"
            " (header 一级指标/二级指标/三级指标/指标值 or 指标名称/指标值) under a title such as"
            " 项目支出绩效目标申报表, 绩效自评表, 区域绩效目标表 or 绩效目标设定公示",
        )
    issues: list[DocIssue] = []
    if kind is None:
        kind = KIND_UNKNOWN
        issues.append(doc_issue("D013"))
    fields = form_fields(lines)
    department = next((v for _, f, v in fields if f == "department"), None)
    years = _YEAR_RE.findall(title or "") or _YEAR_RE.findall(text[:4000])
    year = int(years[0]) if years else None
    if not years:
        issues.append(doc_issue("D003", year="—"))
    unit_match = re.search(r"单位\s*[:：]\s*(万元|元|千元|亿元)", text)
    amount_unit = unit_match.group(1) if unit_match else ("万元" if "万元" in text else None)
    groups: dict[tuple[str, str], list[Indicator]] = {}
    info: dict[tuple[str, str], dict[str, str]] = {}
    for ind, cells in zip(reading.indicators, reading.projects, strict=True):
        line = int(cells.get("_line", "0") or 0)
        before = {f: v for n, f, v in fields if n <= line or not line}
        name = cells.get("project") or before.get("project") or title or Path(str(path)).stem
        unit = cells.get("unit_name") or before.get("unit") or department or ""
        key = (unit, name)
        groups.setdefault(key, []).append(ind._replace(position=len(groups.get(key, [])) + 1))
        info.setdefault(key, {"line": str(line), **before, **cells})
    units: dict[str, Unit] = {}
    projects = []
    for (unit, name), indicators in groups.items():
        found = info[(unit, name)]
        if unit and unit not in units:
            units[unit] = Unit(unit, None, department if department != unit else None)
        projects.append(
            Project(
                unit=unit,
                name=name,
                fiscal_year=year,
                amounts=Amounts(total=_amount(found.get("budget") or found.get("amount", ""))),
                line=int(found.get("line") or 0),
                goal=found.get("goal", ""),
                indicators=tuple(indicators),
            )
        )
    return Document(
        path=str(path),
        kind=kind,
        department=department,
        fiscal_year=year,
        amount_unit=amount_unit,
        units=tuple(units.values()),
        projects=tuple(projects),
        issues=tuple(issues),
    )
