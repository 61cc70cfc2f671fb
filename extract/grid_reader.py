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
from jixiao.extract.columns import (
    CARRIED,
    cell_role,
    find_header,
    is_framework_label,
    label_text,
    split_code,
    unglossed,
)
from jixiao.extract.headers import to_decimal
from jixiao.extract.issues import issue as make_issue
from jixiao.extract.normalize import canonical
from jixiao.extract.records import Indicator, Issue, Target
from jixiao.extract.target import parse_target
from jixiao.extract.units import leading_unit

_COMPARATOR_CELLS = frozenset(
    {"≥", "≤", "=", ">", "<", ">=", "<=", "=<", "=>", "＝", "﹦", "═", "≧", "≦", "定性", "定量",
     "大于等于", "小于等于", "等于", "大于", "小于"}
)  # fmt: skip
_NUMBER_RE = re.compile(r"^[-+]?\d+(?:\.\d+)?$")
_AMOUNT_RE = re.compile(r"^-?\d{1,3}(?:,\d{3})*(?:\.\d+)?$|^-?\d+(?:\.\d+)?$")
_ORDINAL_RE = re.compile(r"^(?:[一二三四五六七八九十]+|\d{1,2})[、.．]?$")
_PLACEHOLDER_NAME_RE = re.compile(r"^(?:[.…。·\-—_/]*|指标\s*\d*\s*[:：]?|\d+)$")
_FOOTERS = (
    "合计", "小计", "总计", "总分", "说明", "其他需要说明", "评价结论", "存在问题", "改进措施",
    "项目负责人", "财务负责人", "财政部门", "审核意见", "偏差大", "备注", "填报人", "联系电话",
)  # fmt: skip
_DIRECTION_WORDS = ("正向", "反向", "越大越好", "越小越好", "中性")
_NOTE_RE = re.compile(r"[（(][^（()）]*[)）]")
_MULTI = frozenset({"name", "explanation", "goal", "reason"})


def _scan(text: str) -> str:
    return canonical(text).strip()


def fit(role: str | None, text: str) -> float:
    """How well ``text`` fits a column of ``role`` (higher is better)."""
    text = _scan(text)
    if not text:
        return 0.0 if role not in ("name", "l1", "l2") else -0.5
    base = role.split(".")[-1] if role else None
    label = is_framework_label(text)
    if _PLACEHOLDER_NAME_RE.match(text) and not text.startswith("指标") and not text.isdigit():
        return -2.0 if base in ("l1", "l2", "target", "annual", "period") else 0.0
    if base == "l1" or base == "l2":
        if label:
            level = 1 if base == "l1" else 2
            return 3.0 if lexicon.lookup(unglossed(label_text(text)), level) is not None else 1.0
        bare = _NOTE_RE.sub("", unglossed(text))
        if len(bare) <= 10 and bare.endswith(("指标", "目标")):
            return 2.0
        if len(bare) <= 12 and ("指标" in bare or "目标" in bare) and not re.search(r"\d", bare):
            return 1.5
        return 0.0 if len(bare) <= 4 and not re.search(r"\d", bare) else -2.0
    if label:
        return -3.0
    if base == "section":
        return 2.0 if cell_role(text) == "section" else -3.0
    if base == "comparator":
        if text.replace(" ", "") in _COMPARATOR_CELLS:
            return 3.0
        return 1.0 if text.startswith(_DIRECTION_WORDS) else -4.0
    if base == "unit":
        if re.search(r"\d", text) or text in _COMPARATOR_CELLS or len(text) > 6:
            return -4.0
        return 2.0 if unit_like(text) else (0.2 if len(text) <= 2 else -4.0)
    if base in ("weight", "score", "index", "budget"):
        if base == "index":
            return 2.0 if _ORDINAL_RE.match(text) else -2.0
        if base == "budget":
            return 2.0 if _AMOUNT_RE.match(text) else -2.0
        return 2.0 if _NUMBER_RE.match(text) or text in ("/", "—", "-") else -2.0
    if base == "direction":  # some forms swap 指标性质 (正向) and 指标方向 (≥)
        if text.startswith(_DIRECTION_WORDS):
            return 3.0
        return 1.0 if text.replace(" ", "") in _COMPARATOR_CELLS else -2.0
    if base in ("target", "annual", "period", "actual"):
        weight = 1.0 if base == "actual" else 1.3
        if text in _COMPARATOR_CELLS:
            return -3.0
        target = parse_target(text)
        if target.number is not None or target.comparator is not None:
            return 2.0 * weight
        return (0.5 if len(text) <= 12 else 0.0) * weight
    if base == "name":
        target = parse_target(text)
        if text in _COMPARATOR_CELLS:
            return -3.0
        if target.number is not None and target.qualifier is None and len(text) <= 10:
            return -1.0
        return 1.0
    if base in ("explanation", "reason"):
        return 0.3 if len(text) > 12 else 0.1
    return 0.1


_UNIT_WORDS = frozenset({"百分比", "百分率", "百分点"})
_LATIN_UNIT_RE = re.compile(r"^[A-Za-z/²³]{1,5}$")


def unit_like(text: str) -> bool:
    """A unit of measure printed in its own cell: ``%``, ``人/次``, ``万元``, ``km``, ``人数``."""
    text = text.strip()
    if text in _UNIT_WORDS or (_LATIN_UNIT_RE.match(text) and text != "/"):
        return True
    return all(leading_unit(part) for part in text.split("/") if part) and text != "/"


def skip_cost(roles: Sequence[str | None], j: int) -> float:
    """What leaving column ``j`` unprinted costs (merged cells are cheap to leave out)."""
    role = roles[j]
    if j > 0 and role is not None and roles[j - 1] == role:
        return 0.0  # the covered part of a cell spanning columns
    base = role.split(".")[-1] if role else None
    if base is None or role in CARRIED:
        return 0.1
    if base == "name":
        return 3.0
    if base in ("target", "annual", "period"):
        return 1.5
    if base in ("comparator", "unit"):
        return 1.0
    return 0.5


def align(cells: Sequence[str], roles: Sequence[str | None]) -> list[str]:
    """Place a row's printed cells onto the columns (in order), best fit first."""
    n, w = len(cells), len(roles)
    if n == w:
        return list(cells)
    neg = float("-inf")
    best = [[neg] * (w + 1) for _ in range(n + 1)]
    back: dict[tuple[int, int], tuple[int, int]] = {}
    best[0][0] = 0.0
    for i in range(n + 1):
        for j in range(w + 1):
            here = best[i][j]
            if here == neg:
                continue
            if i < n:  # a side label printed in a row of its own column group (绩效指标)
                drop = 0.0 if cell_role(cells[i]) == "section" else 4.0
                if here - drop > best[i + 1][j]:
                    best[i + 1][j] = here - drop
                    back[(i + 1, j)] = (i, j)
            if j == w:
                continue
            if here - skip_cost(roles, j) > best[i][j + 1]:
                best[i][j + 1] = here - skip_cost(roles, j)
                back[(i, j + 1)] = (i, j)
            base = roles[j].split(".")[-1] if roles[j] else None
            longest = n - i if base in _MULTI else min(1, n - i)
            for t in range(1, longest + 1):
                text = " ".join(cells[i : i + t])
                score = here + fit(roles[j], text) - 1.0 * (t - 1)
                if score > best[i + t][j + 1]:
                    best[i + t][j + 1] = score
                    back[(i + t, j + 1)] = (i, j)
    out = [""] * w
    i, j = n, w
    if best[n][w] == neg:  # pragma: no cover - dropping cells always leaves a way
        return list(cells[:w])
    while (i, j) != (0, 0):
        pi, pj = back[(i, j)]
        if pi < i and pj < j:
            out[pj] = " ".join(cells[pi:i])
        i, j = pi, pj
    return out


@dataclass(slots=True)
class Reading:
    """What a grid yields: indicators, coded issues, and per indicator its project cells."""

    indicators: list[Indicator] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    projects: list[dict[str, str]] = field(default_factory=list)


def _pick(row: Sequence[str], roles: Sequence[str | None], role: str) -> str:
    """The cell of ``role`` (the first printed one; a framework label wins for levels)."""
    found = [row[j].strip() for j, r in enumerate(roles) if r == role and row[j].strip()]
    if role in ("l1", "l2"):
        found = [c for c in found if not _ORDINAL_RE.match(c)]
        labels = [c for c in found if is_framework_label(c)]
        found = labels or found
    elif role == "name":
        found = [c for c in found if not _ORDINAL_RE.match(c)] or found
    return found[0] if found else ""


def is_footer(cells: Sequence[str]) -> bool:
    first = next((c.strip() for c in cells if c and c.strip()), "")
    return first.replace(" ", "").startswith(_FOOTERS)


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
    values = [cell.get(r, "") for r in cell if r.split(".")[-1] in ("target", "annual", "period")]
    values += [cell.get("actual", ""), cell.get("score", "")]
    if not name or _PLACEHOLDER_NAME_RE.match(name.strip()) or is_framework_label(name):
        if any(values) and not name:
            issues.append(make_issue("T008", at))
        return None, issues
    header_word = cell_role(name) in ("name", "l1", "l2", "section", "target", "annual", "period")
    if not any(values) or (header_word and len(name) <= 8):
        return None, issues

    def get(*names: str) -> str:
        return next((cell[n] for n in names if cell.get(n)), "")

    symbol = next(
        (cell[r] for r in ("comparator", "direction") if cell.get(r, "") in _COMPARATOR_CELLS),
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
        weight = to_decimal(cell["weight"]) if _NUMBER_RE.match(cell["weight"]) else weight
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


def read_table(
    rows: Sequence[Sequence[str]],
    roles: Sequence[str | None],
    ats: Sequence[str],
    reading: Reading,
) -> None:
    """Read data rows (already aligned or to be aligned) under ``roles`` into ``reading``."""
    carried: dict[str, str] = {}
    for cells, at in zip(rows, ats, strict=True):
        if not any(c.strip() for c in cells) or is_footer(cells):
            continue
        row = align([c.strip() for c in cells], roles)
        printed = {r for j, r in enumerate(roles) if r in CARRIED and row[j].strip()}
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
