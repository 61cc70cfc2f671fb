"""Text → rows of cells for the grid reader: the text layouts of indicator tables.

A table printed as text comes in one of these layouts (all seen on real pages):

* one row per line, cells separated by tabs, ``|`` (``| a | b |``) or spaces;
* one cell per line (web pages and document-sharing sites): nothing marks where a
  row ends, and cells covered by a merged cell are not printed;
* cells glued with no separator at all (read by :mod:`extract.flattened`).

:func:`read_text` finds each indicator header (a line whose cells are header words, or a
run of one-cell lines that are), turns the lines after it into rows and hands them to
:func:`extract.grid_reader.read_table`. Rows of one-cell lines are rebuilt by
:func:`segment`: the most likely sequence of columns, cell by cell, where a cell that
does not move right starts a new row.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from jixiao.extract import lexicon
from jixiao.extract.cell_fit import fit, skip_cost
from jixiao.extract.columns import (
    CARRIED,
    cell_role,
    combine,
    complete,
    is_framework_label,
    label_text,
    named_first,
    unglossed,
    valid,
)
from jixiao.extract.grid_reader import Reading, is_footer, read_table
from jixiao.extract.normalize import strip_tags, unescape_html

_SPACES_RE = re.compile(r"[ \u3000\u00a0]+")
# A line that ends a table: the next form's fields or title.
_FORM_RE = re.compile(
    r"^(?:项目名称|项目支出名称|专项名称|专项资金名称|主管部门|业务主管部门|实施单位|资金情况|项目资金|"
    r"年度资金总额|总体目标|年度总体目标|部门名称|单位名称|填报单位|编制单位|附件|附表|注[:：]|"
    r"表[一二三四五六七八九十\d]{1,3}$|预算\d{1,2}表$)"
    r"|绩效(?:目标|自评)\S{0,6}表\s*(?:[(（][^()（）]{1,10}[)）])?\s*$|^[(（]\s*\d{4}\s*年度?\s*[)）]$"
)


def _clean(text: str) -> str:
    if "<" in text or "&" in text:
        text = strip_tags(unescape_html(text))
    return text.strip()


_NOTE_CELL_RE = re.compile(r"^[(（][^()（）]{1,16}[)）]$")


def _rejoin(cells: list[str]) -> list[str]:
    """Space-separated cells a label printed with a space in it: 社会效益 指标, 质量指标 (必填)."""
    out: list[str] = []
    for cell in cells:
        if out and (cell in ("指标", "目标") or _NOTE_CELL_RE.match(cell)):
            joined = f"{out[-1]}{cell}" if cell in ("指标", "目标") else f"{out[-1]} {cell}"
            if is_framework_label(joined) or is_framework_label(out[-1]):
                out[-1] = joined
                continue
        out.append(cell)
    return out


def split_line(line: str) -> tuple[str, list[str]]:
    """(separator, cells) of one printed line: ``tab``, ``pipe``, ``space`` or ``none``."""
    if "\t" in line:
        return "tab", [_clean(c) for c in line.split("\t")]
    if "|" in line:
        cells = [_clean(c) for c in line.strip().split("|")]
        if cells and not cells[0]:
            cells = cells[1:]
        while cells and not cells[-1]:
            cells.pop()
        return "pipe", cells
    stripped = line.strip()
    if _SPACES_RE.search(stripped):
        return "space", _rejoin([_clean(c) for c in _SPACES_RE.split(stripped) if c.strip()])
    return "none", [_clean(stripped)]


_SPANS = {
    "section": frozenset({"l1", "l2", "name", "index"}),
    "period": frozenset({"comparator", "target", "unit"}),
    "annual": frozenset({"comparator", "target", "unit"}),
    "target": frozenset({"comparator", "target", "unit"}),
}


def stack(upper: Sequence[str], lower: Sequence[str]) -> list[str | None] | None:
    """Roles of a two-line header printed without its merged cells: the upper line's
    group cells (绩效指标, 年度指标值) stand over runs of lower cells, its other cells
    (实际完成值, 分值, 得分 …) span both lines. None when they do not fit together."""
    roles: list[str | None] = []
    li = 0
    lower_roles = [cell_role(c) for c in lower]
    named = [c for c in upper if cell_role(c)]
    for cell in upper:
        role = cell_role(cell)
        span = _SPANS.get(role or "")
        if role and cell == named[-1] and li < len(lower) and lower_roles[li] == role:
            # the last upper cell over the rest (衡量指标 over 衡量指标 | 评估方式 | 目标值)
            roles.extend(lower_roles[li:])
            li = len(lower)
        elif span and li < len(lower) and lower_roles[li] in span:
            while li < len(lower) and lower_roles[li] in span:
                inner = lower_roles[li]
                grouped = role in ("period", "annual") and inner in ("comparator", "target", "unit")
                roles.append(f"{role}.{inner}" if grouped else inner)
                li += 1
        else:
            roles.append(role)
    if li == 0:
        return None
    roles.extend(lower_roles[li:])
    roles = complete(roles)
    return roles if valid(roles) else None


def _header_roles(cells: Sequence[str], above: Sequence[str] = ()) -> list[str | None] | None:
    """Roles of a one-line header (None: not a header line); ``above``: the line before."""
    printed = [c for c in cells if c]
    if len(printed) < 3:
        return None
    if above and sum(1 for c in above if c and cell_role(c)) >= 2:
        stacked = stack([c for c in above if c], printed)
        if stacked is not None:
            return stacked
    roles = combine([list(cells)], len(cells))
    named = sum(1 for c in printed if cell_role(c) is not None)
    if (named < 0.6 * len(printed) and not named_first(printed)) or not valid(roles):
        return None
    return roles


def segment(cells: Sequence[str], roles: Sequence[str | None]) -> list[list[str]]:
    """Rows rebuilt from a stream of cells with no row marks (one cell per line)."""
    w, n = len(roles), len(cells)
    if not n:
        return []
    skips = [skip_cost(roles, j) for j in range(w)]
    prefix = [0.0]
    for s in skips:
        prefix.append(prefix[-1] + s)

    def between(a: int, b: int) -> float:  # cost of skipping columns a..b-1
        return prefix[b] - prefix[a] if b > a else 0.0

    empty_block = [
        lexicon.lookup(unglossed(label_text(c)), 2) is not None or cell_role(c) == "section"
        for c in cells
    ]

    def tail(p: int, i: int) -> float:
        """Skipping the rest of a row whose cell ``i`` sits in column ``p``: a row may end
        after a level-2 label of the framework (a block with no indicator)."""
        cost = between(p + 1, w)
        return min(cost, 0.5) if roles[p] in ("l2", "section") and empty_block[i] else cost

    neg = float("-inf")
    score = [[neg] * w for _ in range(n)]
    back = [[-1] * w for _ in range(n)]
    for j in range(w):
        score[0][j] = -between(0, j) + fit(roles[j], cells[0])
    for i in range(1, n):
        fits = [fit(roles[j], cells[i]) for j in range(w)]
        for j in range(w):
            best, arg = neg, -1
            for p in range(w):
                if score[i - 1][p] == neg:
                    continue
                if j > p:
                    s = score[i - 1][p] - between(p + 1, j)
                else:
                    s = score[i - 1][p] - tail(p, i - 1) - between(0, j) - 0.6
                if s > best:
                    best, arg = s, p
            score[i][j] = best + fits[j]
            back[i][j] = arg
    last = max(range(w), key=lambda j: score[n - 1][j] - tail(j, n - 1))
    path = [last]
    for i in range(n - 1, 0, -1):
        path.append(back[i][path[-1]])
    path.reverse()
    rows: list[list[str]] = []
    previous = w
    for cell, j in zip(cells, path, strict=True):
        if j <= previous:  # a cell that does not move right starts a row
            rows.append([""] * w)
        rows[-1][j] = cell
        previous = j
    return rows


def _line_header(lines: Sequence[tuple[int, str]], k: int) -> tuple[int, list[str | None]] | None:
    """A header printed one cell per line from line ``k``: (lines used, roles)."""
    cells: list[str] = []
    for _, text in lines[k : k + 16]:
        _sep, parts = split_line(text)
        if len(parts) != 1 or cell_role(parts[0]) is None:
            break
        cells.append(parts[0])
    head = [cell_role(c) for c in cells]
    for split in range(
        2, len(cells) - 1
    ):  # two header rows: 绩效指标 | 年度指标值 … over 一级指标 …
        if head[0] != "section" or head[split] not in ("l1", "l2"):
            continue
        if any(r in ("l1", "l2", "name", "section") for r in head[1:split]):
            break
        stacked = stack(cells[:split], cells[split:])
        if stacked is not None:
            return len(cells), stacked
    while len(cells) >= 3:
        roles = combine([list(cells)], len(cells))
        if valid(roles) and roles[-1] not in CARRIED:
            return len(cells), roles
        cells.pop()
    return None


def read_text(text: str) -> Reading:
    """Every separated or one-cell-per-line indicator table in ``text``."""
    lines = [(n, ln) for n, ln in enumerate(text.splitlines(), start=1) if ln.strip()]
    reading = Reading()
    k = 0
    while k < len(lines):
        sep, cells = split_line(lines[k][1])
        above = split_line(lines[k - 1][1])[1] if k else []
        roles = _header_roles(cells, above) if sep != "none" else None
        if roles is not None:
            k = _read_rows(lines, k + 1, roles, reading)
            continue
        found = _line_header(lines, k) if sep == "none" else None
        if found is not None:
            used, roles = found
            k = _read_stream(lines, k + used, roles, reading)
            continue
        k += 1
    return reading


_SELF_EVAL = ["l1", "l2", "name", "annual", "actual", "weight", "score"]
_PLAIN = ["l1", "l2", "name", "target"]


def read_headerless(text: str) -> Reading:
    """One cell per line and no header at all (a preview that skipped the page holding
    it): from the first line that is a framework label, read with the columns of the form
    its title names (自评表: … 年度指标值 | 实际完成值 | 分值 | 得分; otherwise 指标值)."""
    lines = [(n, ln) for n, ln in enumerate(text.splitlines(), start=1) if ln.strip()]
    reading = Reading()
    labels = [
        k
        for k, (_, line) in enumerate(lines)
        if split_line(line)[0] == "none" and is_framework_label(line.strip())
    ]
    if len(labels) < 2:
        return reading
    title = " ".join(line for _, line in lines[: labels[0]])
    _read_stream(lines, labels[0], _SELF_EVAL if "自评" in title else _PLAIN, reading)
    return reading


def ends_table(cells: Sequence[str]) -> bool:
    first = next((c for c in cells if c), "")
    return bool(_FORM_RE.search(first.replace(" ", ""))) or (
        is_footer(cells) and len([c for c in cells if c]) <= 2
    )


def _read_rows(
    lines: Sequence[tuple[int, str]], k: int, roles: list[str | None], reading: Reading
) -> int:
    rows: list[list[str]] = []
    ats: list[str] = []
    start = k
    open_row = False  # a | a | b row whose last cell goes on on the next line
    while k < len(lines):
        number, line = lines[k]
        sep, cells = split_line(line)
        if rows and open_row and not line.strip().startswith("|"):
            rows[-1][-1] += "\n" + (cells[0] if cells else "")  # a cell over several lines
            rows[-1].extend(cells[1:])
            open_row = not line.strip().endswith("|")
            k += 1
            continue
        open_row = line.strip().startswith("|") and not line.strip().endswith("|")
        if sep != "none" and _header_roles(cells) is not None:
            if combine([cells], len(cells)) != roles and _header_roles(cells) != roles:
                break
            k += 1
            continue
        if ends_table(cells):
            break
        rows.append(cells)
        ats.append(f"row {number}")
        k += 1
    before = len(reading.projects)
    read_table(rows, roles, ats, reading)
    for cells in reading.projects[before:]:
        cells["_line"] = str(lines[start - 1][0])
    return k


_ELLIPSIS_RE = re.compile(r"^(?:…+|\.{3,}|。{3,}|-{2,})$")
_SLOT_RE = re.compile(r"^指标\s*\d{1,2}$")


def _without_template_rows(cells: Sequence[str]) -> list[str]:
    """Cells without the template's empty rows (``指标2`` then ``……``): printed one cell
    per line, they would be taken for a name and a value of the rows around them."""
    out: list[str] = []
    for i, cell in enumerate(cells):
        if _ELLIPSIS_RE.match(cell):
            continue
        if _SLOT_RE.match(cell):
            nxt = cells[i + 1] if i + 1 < len(cells) else ""
            if not nxt or _ELLIPSIS_RE.match(nxt) or _SLOT_RE.match(nxt):
                continue
            if is_framework_label(nxt):
                continue
        out.append(cell)
    return out


def _read_stream(
    lines: Sequence[tuple[int, str]], k: int, roles: list[str | None], reading: Reading
) -> int:
    cells: list[str] = []
    first_line = lines[k][0] if k < len(lines) else 0
    while k < len(lines):
        sep, parts = split_line(lines[k][1])
        cell = " ".join(p for p in parts if p) if sep in ("space", "none") else ""
        if sep == "pipe" and len(parts) <= 1:
            cell = parts[0] if parts else ""
        elif sep not in ("space", "none"):
            break
        if not cell:
            k += 1
            continue
        if ends_table([cell]) or _line_header(lines, k) is not None:
            break
        cells.append(cell)
        k += 1
    if roles and roles[0] == "l2" and "l1" not in roles:
        # a 一级指标 header lost (printed rotated, garbled by OCR): its labels still print
        roles = ["l1", *roles]
    rows = segment(_without_template_rows(cells), roles)
    before = len(reading.projects)
    read_table(rows, roles, [f"line {first_line}"] * len(rows), reading, placed=True)
    for found in reading.projects[before:]:
        found["_line"] = str(first_line)
    return k
