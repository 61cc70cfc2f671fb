"""Realistic synthetic budget documents, built from the patterns of seed 002.

Each document is a 项目支出绩效目标表 of one (invented) department, laid out like
``examples/guangzhou/002_…txt``: a 合计 row, unit rows heading their projects, and per
project its amounts, goal and an inline 绩效指标 cell. The cells are the seed's own
cells with variation: numbers in target values are changed, indicators are dropped or
repeated, project names get a unit prefix and a year. Deterministic for a given seed.

    python benchmarks/synth.py OUT_DIR --indicators 100000 [--per-document 5000]
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "examples" / "guangzhou" / "002_6706784a82fb7692.txt"
_VALUE_RE = re.compile(r"(指标值[:：])([^；;。]*)")
_NUMBER_RE = re.compile(r"\d+(?:\.\d+)?")
PLACES = "东南西北中新华江海山河湖林田川桥城港湾"
TOPICS = ("政务服务", "数据管理", "信息化运维", "热线运营", "平台建设", "网络安全", "数字政府")


def seed_rows() -> tuple[list[str], list[str]]:
    """(goals, indicator items) of seed 002: items are ``N、…。`` strings without the number."""
    goals, items = [], []
    for line in SEED.read_text(encoding="utf-8").splitlines():
        fields = line.split("\t")
        if len(fields) == 7 and "指标值" in fields[6]:
            goals.append(fields[5])
            for part in re.split(r"(?:^|(?<=。))\d+、", fields[6]):
                if "指标值" in part:
                    items.append(part.rstrip("。"))
    return goals, items


def _vary_number(match: re.Match[str], rng: random.Random) -> str:
    text = match.group(0)
    number = Decimal(text)
    if rng.random() < 0.5:
        return text
    if "." in text:
        return str(
            (number * Decimal(str(round(rng.uniform(0.9, 1.05), 3)))).quantize(Decimal("0.1"))
        )
    if number <= 100 and rng.random() < 0.5:
        return str(max(1, min(100, int(number) + rng.randint(-15, 5))))
    return str(max(1, int(float(number) * rng.uniform(0.5, 2.0))))


def vary_item(item: str, rng: random.Random) -> str:
    def values(match: re.Match[str]) -> str:
        return match.group(1) + _NUMBER_RE.sub(lambda m: _vary_number(m, rng), match.group(2))

    return _VALUE_RE.sub(values, item)


def _amount(value: Decimal) -> str:
    return f"{value:,.2f}"


def huge_cell(chars: int, restart_every: int | None = None, seed: int = 1) -> str:
    """One 绩效指标 cell of at least ``chars`` characters made of the seed's items, numbered
    ``1、2、…`` without end (past 999) or restarting at 1 every ``restart_every`` items:
    the shapes that once made one numbered item hold thousands of indicators."""
    _, items = seed_rows()
    rng = random.Random(seed)
    parts: list[str] = []
    size = n = 0
    while size < chars:
        n += 1
        number = n if restart_every is None else (n - 1) % restart_every + 1
        part = f"{number}、{vary_item(rng.choice(items), rng)}。"
        parts.append(part)
        size += len(part)
    return "".join(parts)


def make_document(index: int, indicators: int, rng: random.Random, year: int = 2026) -> str:
    """Text of one document with about ``indicators`` indicators."""
    goals, items = seed_rows()
    place = "".join(rng.choice(PLACES) for _ in range(2))
    dept = f"{place}市第{index}政务服务和数据管理局"
    units = [dept] + [f"{dept}{t}中心" for t in rng.sample(TOPICS, rng.randint(1, 4))]
    projects: dict[str, list[tuple[str, Decimal, str, str]]] = {u: [] for u in units}
    made = 0
    n = 0
    while made < indicators:
        n += 1
        unit = rng.choice(units)
        count = min(rng.randint(3, 10), indicators - made)
        chosen = [vary_item(rng.choice(items), rng) for _ in range(count)]
        cell = "".join(f"{i}、{text}。" for i, text in enumerate(chosen, start=1))
        if rng.random() < 0.1:
            cell = f"<p>{cell}</p>"
        name = f"{unit}{year}年{rng.choice(TOPICS)}第{n}期项目"
        amount = Decimal(rng.randint(500, 5_000_000)) / 100
        projects[unit].append((name, amount, rng.choice(goals), cell))
        made += count
    grand = sum((a for rows in projects.values() for _, a, _, _ in rows), Decimal(0))
    lines = [
        "",
        f"{year}年",
        "",
        "项目支出绩效目标表（含转移支付项目）",
        "",
        f"部门名称：{dept}",
        "",
        "单位：万元",
        "",
        "项目名称（资金使用单位）\t总计\t财政拨款\t财政专户拨款\t其他资金\t绩效目标\t绩效指标",
        f"合计\t{_amount(grand)}\t{_amount(grand)}\t\t\t\t",
    ]
    for unit, rows in projects.items():
        if not rows:
            continue
        total = sum((a for _, a, _, _ in rows), Decimal(0))
        lines.append(f"{unit}\t{_amount(total)}\t{_amount(total)}\t\t\t\t")
        for name, amount, goal, cell in rows:
            lines.append(f"{name}\t{_amount(amount)}\t{_amount(amount)}\t\t\t{goal}\t{cell}")
    return "\n".join(lines) + "\n"


def write_corpus(out: Path, indicators: int, per_document: int = 5000, seed: int = 1) -> list[Path]:
    """Write documents totalling ``indicators`` indicators into ``out``; their paths."""
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    index = 0
    left = indicators
    while left > 0:
        index += 1
        size = min(per_document, left)
        path = out / f"synth_{index:05d}.txt"
        path.write_text(make_document(index, size, rng), encoding="utf-8")
        paths.append(path)
        left -= size
    return paths


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--indicators", type=int, default=10_000)
    parser.add_argument("--per-document", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    paths = write_corpus(args.out, args.indicators, args.per_document, args.seed)
    print(f"{len(paths)} documents in {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
