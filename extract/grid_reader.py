"""The one column-aware reader of indicator tables: grids of cells → indicators.

Every producer (the text readers, and the PDF / spreadsheet / HTML / DOCX readers)
hands over rows of cells. :func:`read_rows` finds the header rows (:mod:`extract.columns`,
driven by the header lexicon), gives each column its role and reads each later row:

* a row printed shorter than the header (a flattened page leaves merged cells out) is
  aligned onto the columns by content (:func:`align`): the placement that fits best,
  cells kept in order — a level-1 label fits the level-1 column, ``≥95%`` a target, a
  lone ``≥`` a 计算符号 column, ``%`` a unit column, ``10`` a score;
* labels, projects, budgets and goals printed once for several rows are carried down;
* a header printed again (page break) is skipped; a different header starts a new table;
* rows that are no indicator (合计 / 小计 / 总分, footers, template rows ``指标2`` / ``……``
  with nothing filled in) are dropped;
* columns it does not model are kept out of names and targets; actual values and
  scores are kept beside the target (``actual``, ``score``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from jixiao.extract import lexicon
from jixiao.extract.cell_fit import (
    COMPARATOR_CELLS,
    NUMBER_RE,
    ORDINAL_RE,
    PLACEHOLDER_NAME_RE,
    align,
)
from jixiao.extract.columns import (
    CARRIED,
    VALUE_ROLES,
    cell_role,
    find_header,
    is_framework_label,
    label_text,
    split_code,
    unglossed,
)
from jixiao.extract.headers import to_decimal
from jixiao.extract.issues import issue as make_issue
from jixiao.extract.records import Indicator, Issue, Target
from jixiao.extract.target import parse_target

_FOOTERS = (
    "合计", "小计", "总计", "总分", "说明", "其他需要说明", "评价结论", "存在问题", "改进措施",
    "项目负责人", "财务负责人", "财政部门", "审核意见", "偏差大", "备注", "填报人", "联系电话",
    "经办人", "上报时间", "填报日期", "填表人", "审核人", "联系人",
)  # fmt: skip
# A budget unit or project printed with its code (820-马踏镇部门): a subtotal row, no indicator.
_CODED_RE = re.compile(r"^\d{3,}\s*[-－—]\s*\S")


@dataclass(slots=True)
class Reading:
    """What a grid yields: indicators, coded issues, and per indicator its project cells."""

    indicators: list[Indicator] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    projects: list[dict[str, str]] = field(default_factory=list)


def _pick(row: Sequence[str], roles: Sequence[str | None], role: str) -> str:
    """The cell of ``role`` (the first printed one; a framework label wins for levels).

    A header that prints its level-2 / name / value group twice (中期 then 年度目标) is
    read from its last group, the annual one.
    """
    found = [row[j].strip() for j, r in enumerate(roles) if r == role and row[j].strip()]
    if roles.count("l2") > 1 and role in ("l2", "name", "target"):
        found.reverse()
    if role in ("l1", "l2"):
        found = [c for c in found if not ORDINAL_RE.match(c)]
        labels = [c for c in found if is_framework_label(c)]
        found = labels or found
    elif role == "name":
        found = [c for c in found if not ORDINAL_RE.match(c)] or found
    return found[0] if found else ""


def is_footer(cells: Sequence[str]) -> bool:
    first = next((c.strip() for c in cells if c and c.strip()), "")
    return first.replace(" ", "").lstrip("…．.·-—_").startswith(_FOOTERS)


def _compose(value: str, comparator: str, unit: str) -> Target | None:
    """Separate 计算符号 / 指标值 / 度量单位 cells read as one target."""
    value = value.strip()
    if not value:
        return None
    comparator = comparator.strip().replace(" ", "")
    unit = unit.strip()
    if unit and parse_target(value).unit is not None:
        unit = ""  # the unit printed with the number wins over the unit column
    qualitative = "定性" in comparator
    text = value
    if comparator and not qualitative and comparator not in ("定量",):
        parsed = parse_target(value)
        if parsed.comparator is None:
            text = comparator + text
    if unit and not qualitative and unit != "/" and not value.endswith(unit):
        text += "%" if unit in ("百分比", "百分率") else unit
    target = parse_target(text)
    if target.raw != value:
        target = target._replace(raw=value)
    return target


def _label(text: str) -> tuple[str | None, str | None, Decimal | None]:
    if not text:
        return None, None, None
    label, weight_note = label_text(text), text
    label, code = split_code(label)
    weight = None
    m = re.search(r"[（(]\s*(\d+(?:\.\d+)?)\s*分\s*[)）]\s*$", weight_note)
    if m:
        weight = to_decimal(m.group(1))
    return label or None, code, weight


def _indicator(
    row: list[str], roles: Sequence[str | None], carried: dict[str, str], at: str, position: int
) -> tuple[Indicator | None, list[Issue]]:
    cell = {r: _pick(row, roles, r) for r in set(roles) if r}
    name = cell.get("name", "")
    issues: list[Issue] = []
    targets = [cell.get(r, "") for r in cell if r.split(".")[-1] in VALUE_ROLES]
    values = [*targets, cell.get("actual", ""), cell.get("score", "")]
    label_only = is_framework_label(name) and not any(targets)
    if not name or PLACEHOLDER_NAME_RE.match(name.strip()) or label_only or _CODED_RE.match(name):
        if any(values) and not name:
            issues.append(make_issue("T008", at))
        return None, issues
    header_word = cell_role(name) in ("name", "l1", "l2", "section", "target", "annual", "period")
    if header_word and len(name) <= 8 and all(cell_role(v) for v in targets if v):
        return None, issues  # a header printed again
    qualitative = any(cell.get(r, "").replace(" ", "") == "定性" for r in roles if r)
    if not any(values) and not qualitative:  # 定性 with no value printed is still a target
        return None, issues

    def get(*names: str) -> str:
        return next((cell[n] for n in names if cell.get(n)), "")

    symbol = next(
        (cell[r] for r in ("comparator", "direction") if cell.get(r, "") in COMPARATOR_CELLS),
        "",
    )
    annual = _compose(
        get("annual.target", "annual", "target"),
        get("annual.comparator") or symbol,
        get("annual.unit", "unit"),
    )
    period = _compose(
        get("period.target", "period"),
        get("period.comparator") or symbol,
        get("period.unit", "unit"),
    )
    l1, l1_code, w1 = _label(carried.get("l1", ""))
    l2, l2_code, w2 = _label(carried.get("l2", ""))
    weight = w2 or w1
    if cell.get("weight"):
        weight = to_decimal(cell["weight"]) if NUMBER_RE.match(cell["weight"]) else weight
    if "l1" in roles and l1 is None:
        issues.append(make_issue("T003", at))
    ind = Indicator(
        name=name,
        level1=l1,
        level1_code=l1_code,
        level2=l2,
        level2_code=l2_code,
        period_target=period,
        annual_target=annual,
        position=position,
        weight=weight,
        actual=cell.get("actual") or None,
        score=cell.get("score") or None,
        raw="\t".join(c for c in row if c),
    )
    return ind, issues


def _label_as_name(row: list[str], roles: Sequence[str | None]) -> list[str]:
    """A row with a target but no name names its indicator in its last label cell
    (``成本指标 | 社会成本指标 | 100 | %``: 社会成本指标 is the name): labels move right."""
    names = [j for j, r in enumerate(roles) if r == "name"]
    values = [j for j, r in enumerate(roles) if r and r.split(".")[-1] in VALUE_ROLES]
    if not names or any(row[j] for j in names) or not any(row[j] for j in values):
        return row
    levels = [j for j, r in enumerate(roles) if r in ("l1", "l2") and row[j]]
    if not levels:
        return row
    out = list(row)
    out[names[0]] = row[levels[-1]]
    out[levels[-1]] = row[levels[-2]] if len(levels) > 1 else ""
    if len(levels) > 1:
        out[levels[-2]] = ""
    return out


class _Frame:
    """Which level a label printed alone on a row stands at, learnt from the table.

    A row that prints a level-1 and a level-2 label shows the table's frame. Where a
    label is printed alone and the page does not show its column (merged cells left
    out), it is placed in the level-1 column by fit; it belongs at level 2 when it is no
    framework level-1 label (计划管理指标 under 过程管理指标), or when the table prints
    framework level-1 labels at level 2 (实施效果指标 › 产出指标 / 效益指标), or when an
    older frame puts it under the current level-1 label (成本指标 under 产出指标) —
    unless it stands alone on its row and the next row opens with another label: then
    it heads that label's block (过程管理指标, then 计划管理指标 …).
    """

    def __init__(self) -> None:
        self.shifted = False

    def level(
        self,
        row: list[str],
        roles: Sequence[str | None],
        inferred: bool,
        under: str | None,
        parent: bool = False,
    ) -> list[str]:
        if "l1" not in roles or "l2" not in roles:
            return row
        j1, j2 = roles.index("l1"), roles.index("l2")
        one, two = unglossed(label_text(row[j1])), unglossed(label_text(row[j2]))
        if one and two:
            if lexicon.lookup(two, 1) is not None and lexicon.lookup(one) is None:
                self.shifted = True
            return row
        if parent and two and not one and inferred:
            row = list(row)
            row[j1], row[j2] = row[j2], ""
            return row
        if not one or two or not inferred or not under or parent:
            return row
        parent = lexicon.lookup(unglossed(label_text(under)), 1)
        older = lexicon.lookup(one, 2)
        if (
            lexicon.lookup(one, 1) is None
            or self.shifted
            or (older and parent and older.category == parent.category)
        ):
            row = list(row)
            row[j1], row[j2] = "", row[j1]
        return row


def _label_like(cell: str) -> bool:
    text = unglossed(label_text(cell))
    return is_framework_label(cell) or (len(text) <= 12 and text.endswith(("指标", "目标")))


def _labels_only(cells: Sequence[str]) -> int:
    """How many labels a row prints when it prints nothing else (0 otherwise)."""
    printed = [c for c in cells if c.strip()]
    return len(printed) if printed and all(_label_like(c) for c in printed) else 0


def _label_row(labels: list[str], roles: Sequence[str | None]) -> list[str]:
    """A row of labels only (a block with no indicator of its own) in the label columns."""
    row = [""] * len(roles)
    if len(labels) >= 2:
        row[roles.index("l1")], row[roles.index("l2")] = labels[0], labels[1]
    else:
        row[roles.index("l1")] = labels[0]
    return row


def _opens_with_label(rows: Sequence[Sequence[str]]) -> bool:
    first = next((c for r in rows for c in r if c.strip()), "")
    return bool(first) and _label_like(first) and lexicon.lookup(label_text(first), 2) is None


def read_table(
    rows: Sequence[Sequence[str]],
    roles: Sequence[str | None],
    ats: Sequence[str],
    reading: Reading,
    placed: bool = False,
) -> None:
    """Read data rows (already aligned or to be aligned) under ``roles`` into ``reading``.

    ``placed``: the rows' cells were put in their columns by fit (one cell per line),
    not by where the page printed them.
    """
    carried: dict[str, str] = {}
    frame = _Frame()
    for k, (cells, at) in enumerate(zip(rows, ats, strict=True)):
        if not any(c.strip() for c in cells) or is_footer(cells):
            continue
        labels = _labels_only(cells)
        if labels and len(cells) != len(roles) and "l1" in roles and "l2" in roles:
            row = _label_row([c.strip() for c in cells if c.strip()], roles)
        else:
            row = _label_as_name(align([c.strip() for c in cells], roles), roles)
        parent = labels == 1 and _opens_with_label(rows[k + 1 : k + 2])
        inferred = placed or len(cells) != len(roles)
        row = frame.level(row, roles, inferred, carried.get("l1"), parent)
        printed = {r for j, r in enumerate(roles) if r in CARRIED and _pick(row, roles, r)}
        for role in ("project", "unit_name", "budget", "goal", "l1", "l2"):
            if role in printed:
                carried[role] = _pick(row, roles, role)
                if role in ("project", "unit_name"):
                    carried.pop("l1", None) if "l1" not in printed else None
                if role == "l1" and "l2" not in printed:
                    carried.pop("l2", None)
        ind, issues = _indicator(row, roles, carried, at, len(reading.indicators) + 1)
        reading.issues.extend(issues)
        if ind is not None:
            reading.indicators.append(ind)
            reading.projects.append(
                {k: carried[k] for k in ("project", "unit_name", "budget", "goal") if k in carried}
            )


def read_rows(rows: Sequence[Sequence[str | None]], ats: Sequence[str] | None = None) -> Reading:
    """Every indicator table in a grid (or in rows of unequal length) → a Reading."""
    ats = list(ats) if ats is not None else [f"row {i + 1}" for i in range(len(rows))]
    reading = Reading()
    start = 0
    while True:
        found = find_header(rows, start)
        if found is None:
            break
        _first, end, roles = found
        stop = end
        while stop < len(rows):
            nxt = find_header(rows[stop : stop + 3])
            if nxt is not None and nxt[0] == 0:
                break
            stop += 1
        body = [["" if c is None else c for c in r] for r in rows[end:stop]]
        read_table(body, roles, ats[end:stop], reading)
        start = stop
        while start < len(rows) and find_header(rows[start : start + 3]) is not None:
            again = find_header(rows[start : start + 3])
            if again is None or again[0] != 0 or list(again[2]) != list(roles):
                break
            start += again[1]  # the same header repeated after a page break
        if start >= len(rows):
            break
    return reading


def category(label: str | None) -> str | None:
    found = lexicon.lookup(label) if label else None
    return found.category if found else None
