"""Column roles of indicator tables, from the header lexicon (``extract/data/headers.txt``).

:func:`cell_role` says what one header cell names (``l1``, ``name``, ``target``,
``actual`` …); :func:`find_header` finds the header rows of a grid (one or several rows,
merged cells either expanded or left ``None``) and gives one role per column. Where an
upper header row groups value columns (``实施周期指标值`` over 指标性质 / 指标值 / 度量单位),
the group is kept as a prefix: ``period.comparator``, ``annual.target``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from importlib.resources import files

from jixiao.extract import lexicon
from jixiao.extract.normalize import canonical, to_simplified

VALUE_ROLES = frozenset({"target", "annual", "period"})
# Columns whose label a merged cell prints once for several rows (carried down).
CARRIED = frozenset({"l1", "l2", "project", "unit_name", "budget", "goal", "section", "index"})
_EXTRA_TRAD = str.maketrans(
    dict(
        zip(
            "稱値級標權實際週期號計單項評體準績說註預數額釋備",
            "称值级标权实际周期号计单项评体准绩说注预数额释备",
            strict=True,
        )
    )
)
_BRACKETS_RE = re.compile(r"[（(\[【][^（()）\]】]*[)）\]】]")
_NOISE_RE = re.compile(r"[\s（）()\[\]【】:：*＊]")
_DATA_RE = re.compile(r"\d|[≥≤<>=＞＜＝≧≦]")
Rule = tuple[str, str, str]


PINYIN_RE = re.compile(r"[(（][a-zA-Z\u00c0-\u01dc\u0300-\u036f]{1,8}[)）]")


def unglossed(text: str) -> str:
    """Text without pinyin glosses that mirror sites print after characters (``產(chǎn)``)."""
    return PINYIN_RE.sub("", text) if "(" in text or "（" in text else text


def header_key(cell: str) -> str:
    """A header cell in the lexicon's spelling: simplified, no notes or spaces, 目标 → 指标."""
    text = to_simplified(canonical(unglossed(cell))).translate(_EXTRA_TRAD)
    stripped = _BRACKETS_RE.sub("", text)
    text = stripped if _NOISE_RE.sub("", stripped) else text
    return _NOISE_RE.sub("", text).replace("目标", "指标")


@lru_cache(maxsize=1)
def rules() -> tuple[Rule, ...]:
    """The header lexicon, in file order: (role, how, spelling in header_key form)."""
    text = files("jixiao.extract").joinpath("data/headers.txt").read_text(encoding="utf-8")
    out: list[Rule] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 3 or parts[1] not in ("exact", "contains", "suffix", "word"):
            raise ValueError(
                f"extract/data/headers.txt:{number}: expected ROLE<TAB>exact|contains|suffix|word"
                f"<TAB>SPELLING, got {line!r}"
            )
        out.append((parts[0], parts[1], header_key(parts[2])))
    return tuple(out)


@lru_cache(maxsize=8192)
def cell_role(cell: str) -> str | None:
    """The role a header cell names, or None (not a header word, or too long to be one)."""
    key = header_key(cell)
    if not key or len(key) > 16:
        return None
    for role, how, word in rules():
        if (
            (how in ("exact", "word") and key == word)
            or (how == "contains" and word in key)
            or (how == "suffix" and key.endswith(word))
        ):
            return role
    return None


def header_words() -> tuple[str, ...]:
    """Whole header cells in header_key spelling (``exact`` and ``word`` rules, and the
    ``contains`` words of three characters or more), longest first: what a glued header
    is split into."""
    words = {w for _, how, w in rules() if how in ("exact", "word") and len(w) >= 2}
    words |= {w for _, how, w in rules() if how != "exact" and len(w) >= 3}
    return tuple(sorted(words - {"指标"}, key=lambda w: (-len(w), w)))


def scan_key(text: str) -> str:
    """``text`` in the lexicon's spelling, character for character (same length)."""
    return to_simplified(text).translate(_EXTRA_TRAD).replace("目标", "指标")


def _row_roles(cells: Sequence[str | None]) -> list[str | None] | None:
    """Roles of a header row, or None when the row is no header row."""
    printed = [c for c in cells if c and c.strip()]
    if not printed:
        return None
    roles: list[str | None] = []
    named = 0
    for cell in cells:
        if not cell or not cell.strip():
            roles.append(None)
            continue
        role = cell_role(cell)
        if role is None and is_framework_label(cell):
            return None
        roles.append(role)
        named += role is not None
    if named < 2 or (named < 0.6 * len(printed) and not named_first(printed)):
        return None
    return roles


def named_first(printed: Sequence[str]) -> bool:
    """A header opening with its level and name columns, followed by columns the lexicon
    does not name (one target column per village or project: 西坪镇尧山村 | 桃舟乡吾培村)."""
    lead = []
    for cell in printed:
        role = cell_role(cell)
        if role is None:
            break
        lead.append(role)
    return len(lead) >= 4 and "name" in lead and bool({"l1", "l2"} & set(lead))


def is_framework_label(cell: str) -> bool:
    """A level-1 or level-2 label of the framework (产出指标, 数量指标, 社会效益 …)."""
    text = unglossed(label_text(cell))
    return bool(text) and lexicon.lookup(text) is not None


_LABEL_NOTE_RE = re.compile(r"\s*[（(]\s*\d+(?:\.\d+)?\s*(?:分|%|％)?\s*[)）]\s*$")
_LABEL_CODE_RE = re.compile(r"^(\d{1,3})\s*[-.、．:：]?\s*(?=[^\d\s.\-])")


def label_text(cell: str) -> str:
    """A category label as printed without its score note (``产出指标(50分)`` → 产出指标)."""
    text = cell.strip()
    text = _LABEL_NOTE_RE.sub("", text)
    return text.strip()


def split_code(label: str) -> tuple[str, str | None]:
    """``1-产出指标`` → (``产出指标``, ``1``)."""
    m = _LABEL_CODE_RE.match(label)
    if m and lexicon.lookup(unglossed(label[m.end() :])) is not None:
        return label[m.end() :].strip(), m.group(1)
    return label, None


def combine(header: Sequence[Sequence[str | None]], width: int) -> list[str | None]:
    """One role per column from one or more header rows (see the module docstring)."""
    per_row: list[list[str | None]] = []
    for k, row in enumerate(header):
        cells = list(row) + [None] * (width - len(row))
        roles = [cell_role(c) if c else None for c in cells]
        if k < len(header) - 1:  # an upper row's merged cell spans to the right
            for j in range(1, width):
                if cells[j] is None and roles[j - 1] is not None:
                    roles[j] = roles[j - 1]
        per_row.append(roles)
    out: list[str | None] = []
    for j in range(width):
        column = [r[j] for r in per_row]
        role = next((r for r in reversed(column) if r is not None), None)
        if role is None and j > 0 and header[-1][j] is None if j < len(header[-1]) else False:
            role = out[j - 1] if out[j - 1] not in ("section", None) else None
        groups = [r for r in column[:-1] if r in ("period", "annual")]
        if groups and role in ("comparator", "target", "unit"):
            role = f"{groups[-1]}.{role}"
        out.append(role)
    return complete(out, header[-1])


def complete(roles: list[str | None], cells: Sequence[str | None] = ()) -> list[str | None]:
    """Fill in what a header implies but does not name: an unnamed column right before
    二级指标 is 一级指标; with no name column, the last side label before the values
    (``绩效指标 | 指标 | 指标值``) is the name; with no value column, the first unnamed
    printed column after the name (one per place) is the target."""
    roles = list(roles)
    if "l2" in roles and "l1" not in roles:  # an unreadable cell before 二级指标 is 一级指标
        j = roles.index("l2")
        if j > 0 and roles[j - 1] is None and (j - 1 >= len(cells) or cells[j - 1]):
            roles[j - 1] = "l1"
    values = [j for j, r in enumerate(roles) if r and r.split(".")[-1] in VALUE_ROLES]
    if "name" not in roles:
        first_value = values[0] if values else len(roles)
        sides = [j for j, r in enumerate(roles[:first_value]) if r == "section"]
        if sides and (len(sides) > 1 or "l2" not in roles):
            roles[sides[-1]] = "name"
    if not values and "name" in roles:
        after = roles.index("name")
        for j in range(after + 1, len(roles)):
            if roles[j] is None and j < len(cells) and cells[j]:
                roles[j] = "target"
                break
    return roles


def valid(roles: Sequence[str | None]) -> bool:
    """Roles that make an indicator table: a name (or level) column and a value column."""
    plain = {r.split(".")[-1] if r and "." in r else r for r in roles}
    grouped = {r.split(".")[0] for r in roles if r and "." in r}
    has_value = bool((plain | grouped) & VALUE_ROLES) or "target" in plain
    return has_value and bool({"name", "l1", "l2"} & plain) and len(plain - {None}) >= 3


def find_header(
    rows: Sequence[Sequence[str | None]], start: int = 0
) -> tuple[int, int, list[str | None]] | None:
    """(first header row, row after the header, roles) of the first indicator header."""
    width = max((len(r) for r in rows), default=0)
    k = start
    while k < len(rows):
        if _row_roles(rows[k]) is None:
            k += 1
            continue
        end = k + 1
        while end < len(rows) and end - k < 3 and _row_roles(rows[end]) is not None:
            end += 1
        for first in range(k, end):
            roles = combine(rows[first:end], width)
            if valid(roles):
                return first, end, roles
        k = end
    return None
