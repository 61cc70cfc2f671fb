"""What the PDF reader finds in real 部门预算 PDFs (Jiangsu, 2017–2019, from the public
repository ae86jack/open-budget): department, year, budget units, the project figures,
the totals of the 收支预算总表 and whether each classified table's printed 合计 equals the
sum of its class rows. With the hand-checked facts of ``tests/corpus/open-budget/*.json``
it says which facts read right.

Run: ``python benchmarks/open_budget.py PDF... [--facts tests/corpus/open-budget]``
(a PDF is matched to its facts by file name).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from decimal import Decimal, InvalidOperation
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from jixiao.extract.blocks import BlockDocument, Paragraph, Table  # noqa: E402
from jixiao.extract.readers import read_blocks  # noqa: E402

_NUMERALS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS_RE = re.compile(
    r"预算单位共(?:计)?\s*(\d+|[一二三四五六七八九十])\s*家[，,]\s*(?:具体)?包括[：:]\s*(.+?)。"
)
_PROJECTS_RE = re.compile(
    r"共\s*(\d+)\s*个项目实行绩效目标管理(?:[，,]\s*涉及财政性资金(?:合计)?\s*([\d,.]+)\s*万元)?"
)
_YEAR_RE = re.compile(r"(20\d\d)\s*年(?:度)?\s*(?:部门)?预算")
_ANY_YEAR_RE = re.compile(r"(20\d\d)年")
_DEPT_RE = re.compile(r"部门(?:名称)?[：:]\s*([^\s：:]{4,30}?)\s*(?:单位[：:]|$)")
_CODE_RE = re.compile(r"^\[?(\d{3})\]?$")


def amount(text: str) -> Decimal | None:
    text = text.replace(",", "").replace(" ", "")
    if not re.fullmatch(r"-?\d+(?:\.\d+)?", text):
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def _prose(doc: BlockDocument) -> str:
    return "".join(b.text.replace(" ", "") for b in doc.blocks if isinstance(b, Paragraph))


def labelled(table: Table, label: str) -> Decimal | None:
    """The first amount right of a cell whose text is ``label`` (spaces ignored)."""
    for row in table.texts():
        cells = [c.replace(" ", "") for c in row]
        for i, cell in enumerate(cells):
            if cell == label:
                found = next((amount(c) for c in cells[i + 1 :] if amount(c) is not None), None)
                if found is not None:
                    return found
    return None


def class_totals(doc: BlockDocument) -> list[dict[str, object]]:
    """Per table with a code column: the printed 合计 and the sum of its 3-digit class rows."""
    out = []
    for table in doc.tables():
        printed = labelled(table, "合计")
        classes = Decimal(0)
        count = 0
        for row in table.texts():
            if row and _CODE_RE.match(row[0].strip()):
                values = [amount(c) for c in row[1:] if amount(c) is not None]
                if values:
                    classes += values[0]
                    count += 1
        if printed is not None and count:
            page = table.rows[0][0].where.page
            out.append({"page": page, "printed": printed, "classes": classes, "rows": count})
    return out


def facts(doc: BlockDocument) -> dict[str, object]:
    prose = _prose(doc)
    lines = [b.text for b in doc.blocks if isinstance(b, Paragraph)]
    department = next((m.group(1) for t in lines if (m := _DEPT_RE.search(t))), None)
    year = _YEAR_RE.search(prose) or _ANY_YEAR_RE.search(prose)
    units = _UNITS_RE.search(prose)
    projects = _PROJECTS_RE.search(prose)
    summary = next(
        (t for t in doc.tables() if labelled(t, "收入合计") and labelled(t, "支出合计")), None
    )
    unit_names = re.split(r"[、，,和及]", units.group(2)) if units else []
    spent = projects.group(2) if projects and projects.group(2) else None
    return {
        "department": department,
        "year": int(year.group(1)) if year else None,
        "unit_count": (
            (int(n) if (n := units.group(1)).isdigit() else _NUMERALS.get(n)) if units else None
        ),
        "units": [u.strip() for u in unit_names if u.strip()],
        "performance_projects": int(projects.group(1)) if projects else None,
        "performance_amount": amount(spent.rstrip(".")) if spent else None,
        "income_total": labelled(summary, "收入合计") if summary else None,
        "expense_total": labelled(summary, "支出合计") if summary else None,
        "basic": labelled(summary, "一、基本支出") if summary else None,
        "projects_amount": labelled(summary, "二、项目支出") if summary else None,
    }


def _show(value: object) -> str:
    return f"{value:,.2f}" if isinstance(value, Decimal) else str(value)


def compare(found: dict[str, object], expected: dict[str, object]) -> list[tuple[str, bool, str]]:
    out = []
    for key, want in expected.items():
        got = found.get(key)
        if isinstance(want, str) and isinstance(got, Decimal):
            ok = got == Decimal(want)
        elif isinstance(want, (int, float)) and isinstance(got, Decimal):
            ok = got == Decimal(str(want))
        else:
            ok = got == want
        out.append((key, ok, f"{_show(got)} (expected {want})"))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pdfs", nargs="+", type=Path)
    parser.add_argument("--facts", type=Path, default=ROOT / "tests" / "corpus" / "open-budget")
    args = parser.parse_args()
    known = {}
    for path in sorted(args.facts.glob("*.json")):
        record = json.loads(path.read_text(encoding="utf-8"))
        known[Path(record["source"]["path"]).name] = record
    right = wrong = 0
    for pdf in args.pdfs:
        start = time.perf_counter()
        doc = read_blocks(pdf)
        seconds = time.perf_counter() - start
        found = facts(doc)
        print(f"\n{pdf.name}: {doc.pages} pages, {len(doc.tables())} tables, {seconds:.1f} s")
        for key, value in found.items():
            print(f"  {key}: {_show(value) if not isinstance(value, list) else '、'.join(value)}")
        for check in class_totals(doc):
            mark = "=" if check["printed"] == check["classes"] else "≠"
            print(
                f"  page {check['page']}: 合计 {_show(check['printed'])} {mark} "
                f"{check['rows']} class rows {_show(check['classes'])}"
            )
        record = known.get(pdf.name)
        if record:
            for key, ok, text in compare(found, record["facts"]):
                right += ok
                wrong += not ok
                print(f"  {'ok ' if ok else 'BAD'} {key}: {text}")
    if right or wrong:
        print(f"\nhand-checked facts: {right} read right, {wrong} not")


if __name__ == "__main__":
    main()
