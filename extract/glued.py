"""Indicator tables whose cells ran together with no separator (glued text).

A web page or a document-sharing site flattens a table into text without any mark
between cells: one row per line (``产出指标数量指标培训人次≥200人次``) or the whole
table on one line, header included (``一级指标二级指标三级指标指标值产出指标…``).

:func:`read_glued` finds each glued header (:func:`split_header`: a run of whole header
cells of the header lexicon at the start of a line), which gives the table's columns,
then cuts the text after it into cells and rows (:mod:`extract.glued_cells`) and hands
the rows to the column-aware grid reader, as the other text layouts do.
"""

from __future__ import annotations

import re
from functools import lru_cache

from jixiao.extract import lexicon
from jixiao.extract.columns import PINYIN_RE, cell_role, complete, header_words, scan_key, valid
from jixiao.extract.grid_reader import Reading, read_table
from jixiao.extract.normalize import canonical

# A bracketed note printed after a header cell: (A), (万元), (80分), (B/A).
_NOTE_RE = re.compile(r"\s*\d{0,2}\s*[(（][^()（）]{0,80}[)）]")
_BAD_START = "及和与或的、,，;；:：)）"


@lru_cache(maxsize=1)
def _word_re() -> re.Pattern[str]:
    return re.compile("|".join(re.escape(w) for w in header_words()))


def fold(text: str) -> str:
    """``text`` in the lexicon's spelling, one character for one (offsets carry over)."""
    out = []
    for char in scan_key(text):
        if ord(char) > 0x7F:
            folded = canonical(char)
            char = folded if len(folded) == 1 else char
        out.append(char)
    return "".join(out)


def fold_map(text: str) -> tuple[str, list[int]]:
    """``text`` folded, without pinyin glosses (``產(chǎn)``) and spaces, with, for each
    position of the folded text (and its end), the position in ``text``: cells are cut on
    the folded text and taken from ``text`` as printed, glosses and spaces included."""
    folded = fold(text)
    if "(" not in text and "（" not in text and " " not in folded:
        return folded, list(range(len(text) + 1))
    keep = [char != " " for char in folded]  # line-wrap spaces: 社会效益 指标
    for m in PINYIN_RE.finditer(text):
        if m.start() and "\u4e00" <= text[m.start() - 1] <= "\u9fff":
            keep[m.start() : m.end()] = [False] * (m.end() - m.start())
    index = [i for i in range(len(text)) if keep[i]] + [len(text)]
    return "".join(folded[i] for i in index[:-1]), index


def split_header(
    scan: str, strict: bool = True
) -> tuple[int, list[tuple[int, int, str | None]]] | None:
    """Cells of the first glued indicator header in ``scan``: (end, [(start, end, role)]).

    A header is a run of whole header cells (the lexicon's ``exact`` and ``word``
    spellings, each with an optional bracketed note) printed one after the other; text
    between two of them that no word covers is a cell of its own when the lexicon gives
    it a role, else part of the cell before it (``指标值`` + ``及单位``). At the start of a
    line, text before the first word is a cell too (a vertical label such as
    部门整体支出年度绩效指标, or print damage). A form printed on the same line before
    the header (项目名称…资金情况…) stays out of it. None when there is no header
    (``strict``: none naming the indicator's column; else the upper row of two).
    """
    words = [m for m in _word_re().finditer(scan) if m.group()]
    for first in range(len(words)):
        cells = _chain(scan, words, first)
        if cells is None:
            continue
        roles = [r for _, _, r in cells]
        # 绩效目标 | 长期目标 | 年度目标 is no header: it names no indicator column
        named = {"l1", "l2", "name"} & set(roles) or roles.count("section") > 1 or not strict
        if named and len([r for r in roles if r]) >= 3 and header_roles(cells) is not None:
            pos = cells[-1][1]
            tail = _tail_cell(scan, pos)
            if tail is not None:
                cells.append((pos, tail, cell_role(scan[pos:tail])))
                pos = tail
            return pos, cells
    return None


def _chain(
    scan: str, words: list[re.Match[str]], first: int
) -> list[tuple[int, int, str | None]] | None:
    """The header cells of the run of words from ``words[first]`` on.

    Text between two words: a cell of its own when the lexicon names it; else, when it
    opens a longer cell with the word after it (未达到 + 指标值 + 原因 is a 原因 column, 103年
    + 年度目标值 one column), that cell; else the end of the cell before (指标值 + 类型 is
    a 指标值类型 column: the role is read again on the longer cell).
    """
    cells: list[tuple[int, int, str | None]] = []
    lead = scan[: words[first].start()]
    if first == 0 and lead.strip():
        if len(lead) <= 40 or (len(lead) <= 120 and cell_role(lead)):
            cells.append((0, words[first].start(), cell_role(lead)))
    elif first > 0 and words[first - 1].end() > words[first].start():
        return None
    pos = words[first].start()
    for k in range(first, len(words)):
        m = words[k]
        if m.start() < pos:
            continue
        gap = scan[pos : m.start()]
        start = m.start()
        if gap.strip(" *"):
            role = cell_role(gap) if gap[0] not in _BAD_START else None
            bare = re.sub(r"[(（][^()（）]*[)）]", "", gap)
            if re.search(r"\d", bare) and not re.fullmatch(r"\d+年?", bare):
                break  # the header has ended (or not begun: a form's 100 is no header)
            if role is not None:
                cells.append((pos, m.start(), role))
            elif len(gap) > 4:
                break  # the header has ended; a word further on belongs to the body
            else:
                opened = _opened(scan, words, k, pos)
                if opened is not None:
                    cells.append((pos, opened, cell_role(scan[pos:opened])))
                    pos = opened
                    continue
                if re.fullmatch(r"\d+年?", gap) or not cells:
                    start = pos
                else:
                    begin = cells[-1][0]
                    merged = cell_role(scan[begin : m.start()]) or cells[-1][2]
                    cells[-1] = (begin, m.start(), merged)
        note = _NOTE_RE.match(scan, m.end())
        end = note.end() if note else m.end()
        cells.append((start, end, cell_role(scan[start:end])))
        pos = end
    return cells


def _opened(scan: str, words: list[re.Match[str]], k: int, pos: int) -> int | None:
    """End of a cell opened at ``pos`` by unnamed text and running over ``words[k]`` and
    the unnamed text after it, when that cell names another column than the word."""
    word = words[k]
    nxt = next((w.start() for w in words[k + 1 :] if w.start() >= word.end()), len(scan))
    after = scan[word.end() : nxt]
    if len(after) > 6:
        return None
    role = cell_role(scan[pos:nxt])
    return nxt if role is not None and role != cell_role(word.group()) else None


def _tail_cell(scan: str, pos: int) -> int | None:
    """End of a last header cell that no word covers (未达到指标值原因), if any; it ends
    before the first framework label (the body's first cell)."""
    from jixiao.extract.glued_marks import LABEL_RE

    limit = min(len(scan), pos + 16)
    for m in LABEL_RE.finditer(scan, pos, limit):
        if re.search(r"[指目]标", m.group(1)):
            limit = m.start()
            break
    for end in range(limit, pos + 1, -1):
        piece = scan[pos:end]
        if piece[0] not in _BAD_START and cell_role(piece) in ("reason", "explanation"):
            return end
    return None


def header_roles(cells: list[tuple[int, int, str | None]]) -> list[str | None] | None:
    """Column roles of a split header; a level-2 column implies a level-1 column before it."""
    roles = [r for _, _, r in cells]
    if "l2" in roles and "l1" not in roles:
        j = roles.index("l2")
        if j > 0 and roles[j - 1] is None:
            roles[j - 1] = "l1"
        else:
            roles.insert(j, "l1")
    roles = complete(roles)
    return roles if valid(roles) else None


def read_glued(text: str) -> Reading:
    """Every glued indicator table in ``text``; an empty Reading when there is none."""
    from jixiao.extract.glued_cells import cut
    from jixiao.extract.text_grids import ends_table, stack

    reading = Reading()
    lines = [(n, ln.strip()) for n, ln in enumerate(text.splitlines(), start=1) if ln.strip()]
    k = 0
    while k < len(lines):
        number, line = lines[k]
        if "\t" in line or "|" in line:
            k += 1
            continue
        scan, index = fold_map(line)
        found = split_header(scan)
        if found is None and k + 1 < len(lines) and split_header(fold(lines[k + 1][1])):
            found = split_header(scan, strict=False)  # the upper row of a two-row header
        roles = header_roles(found[1]) if found else None
        if found is None or roles is None:
            k += 1
            continue
        rest = line[index[found[0]] :]
        again = split_header(fold(rest)) if rest.strip() else None
        if again is not None and again[1][0][0] > 0:  # another table later on this line
            cut_at = again[1][0][0]
            lines.insert(k + 1, (number, rest[cut_at:]))
            rest = rest[:cut_at]
        below = fold_map(lines[k + 1][1]) if k + 1 < len(lines) else ("", [0])
        lower = split_header(below[0])
        if lower is not None and not rest.strip():  # a two-line header
            upper_cells = [line[index[a] : index[b]] for a, b, _ in found[1]]
            under = [lines[k + 1][1][below[1][a] : below[1][b]] for a, b, _ in lower[1]]
            stacked = stack(upper_cells, under)
            if stacked is not None:
                k += 1
                number, line, roles = lines[k][0], lines[k][1], stacked
                rest = line[below[1][lower[0]] :]
        body = [rest] if rest.strip() else []
        ats = [f"line {number}"] * len(body)
        k += 1
        # a table glued on one line ends with it; one glued row per line goes on below
        one_line = bool(body)
        while not one_line and k < len(lines) and not ends_table([lines[k][1]]):
            again = split_header(fold_map(lines[k][1])[0])
            if again is not None and header_roles(again[1]) is not None:
                break
            body.append(lines[k][1])
            ats.append(f"line {lines[k][0]}")
            k += 1
        rows, row_ats = cut(body, ats, roles)
        read_table(rows, roles, row_ats, reading, placed=True)
    if not reading.indicators:
        _headerless(lines, reading)
    return reading


_HEADERLESS = ["l1", "l2", "name", "target"]


def _headerless(lines: list[tuple[int, str]], reading: Reading) -> None:
    """A glued table printed without its header, from the first line that opens with a
    level-1 label glued to a level-2 label (产出指标数量指标会议次数≥20场): read as
    一级指标 | 二级指标 | 三级指标 | 指标值."""
    from jixiao.extract.glued_cells import LABEL_RE, cut
    from jixiao.extract.text_grids import ends_table

    for k, (_, line) in enumerate(lines):
        if "\t" in line or "|" in line:
            continue
        scan = fold_map(line)[0]
        first = LABEL_RE.match(scan)
        if not first or lexicon.lookup(first.group(1), 1) is None:
            continue
        second = LABEL_RE.match(scan, len(first.group(1)))
        if not second or not second.group(1) or len(first.group(1) + second.group(1)) >= len(scan):
            continue
        body, ats = [], []
        for number, text in lines[k:]:
            if ends_table([text]) or "\t" in text or "|" in text:
                break
            body.append(text)
            ats.append(f"line {number}")
        rows, row_ats = cut(body, ats, _HEADERLESS)
        read_table(rows, _HEADERLESS, row_ats, reading, placed=True)
        return
