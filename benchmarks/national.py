"""A national-scale run: a synthetic corpus of a thousand governments ingested on Dask into
Oxigraph server and into Virtuoso, growing step by step, the audit queries timed on each.

The corpus (:func:`national_corpus`) takes its distributions from the real corpus:

- governments: the province / city / county parts of the ``government`` of every document
  of ``tests/corpus`` (docs and labelled), recombined into distinct names; departments:
  the department names printed there (教育局, 疾病预防控制中心, …);
- indicators: the (一级, 二级, name, comparator, number, unit) rows the corpus documents
  expect, plus the items of seed 002, drawn with their frequencies; numbers varied as
  ``benchmarks/synth.py`` varies them (so that some satisfaction targets fall below 90 %);
- each government has one 项目支出绩效目标表 per year of ``YEARS``, with the same projects
  in each year (linking finds them across years), in seed 002's layout, which the reader
  parses as the corpus prints it.

Each step writes the documents of ``--step`` more governments, and ingests them on one
local Dask cluster (``--workers``) into each server in turn through
:func:`graph.distributed.ingest_on_cluster` (this process the one writer); then every audit
query without parameters runs on each server, timed. A step's line gives the size reached,
the per-worker rate (indicators per second of read + build + validate on the workers) and
the per-server rate (quads written per second of write: each triple goes into its graph and
into the union). The run stops after ``--governments`` governments, or at ``--until``
(UTC, HH:MM), whichever comes first; what was reached is what the log says.

    python benchmarks/national.py --indicators 300000 --workers 2 --until 16:20 \\
        > /tmp/national.log 2>&1
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import sys
import tempfile
import time
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.dask_ingest import load  # noqa: E402
from benchmarks.synth import PLACES, TOPICS, _amount, _vary_number, seed_rows  # noqa: E402
from jixiao.graph.distributed import Stages, cluster, ingest_on_cluster  # noqa: E402
from jixiao.graph.remote import open_remote  # noqa: E402
from jixiao.queries import list_queries, load_query, metadata  # noqa: E402
from tests import servers  # noqa: E402

YEARS = (2024, 2025)
CORPUS = ROOT / "tests" / "corpus"
LEVEL2 = {  # the 2021 frame's codes, as seed 002 prints them
    "数量指标": ("1", "产出指标", "11"),
    "质量指标": ("1", "产出指标", "12"),
    "时效指标": ("1", "产出指标", "13"),
    "成本指标": ("1", "产出指标", "14"),
    "经济效益指标": ("2", "效益指标", "21"),
    "社会效益指标": ("2", "效益指标", "22"),
    "生态效益指标": ("2", "效益指标", "23"),
    "可持续影响指标": ("2", "效益指标", "24"),
    "服务对象满意度指标": ("3", "满意度指标", "31"),
}
_ADMIN = re.compile(r"(.+?(?:省|自治区|市))(.+?(?:市|州|盟))?(.+?(?:县|区|旗|市))?(.*)")
_SEED_ITEM = re.compile(
    r"\d-[^；]+；\d+-([^；]+)；([^；]+)；实施周期指标值：[^；]*；年度指标值：(.+)"
)
_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def _corpus_records() -> list[dict]:
    files = sorted((CORPUS / "docs").glob("*.json")) + sorted((CORPUS / "labelled").glob("*.json"))
    return [json.loads(f.read_text(encoding="utf-8")) for f in files]


def distributions() -> tuple[list[tuple[str, str, str, str]], list[str], list[str]]:
    """(places, departments, indicator items) of the real corpus (module notes). A place
    is (province, city, county); an item is ``二级；name；target`` ready to print."""
    places, departments, items = [], set(), []
    for record in _corpus_records():
        government = record.get("government") or ""
        match = _ADMIN.fullmatch(re.sub(r"[（(].*?[）)]", "", government))
        if match and match.group(1):
            places.append((match.group(1), match.group(2) or "", match.group(3) or ""))
            rest = match.group(4)
            if rest.endswith(("局", "中心", "委员会", "所", "站", "院")) and len(rest) <= 12:
                departments.add(rest)
        for row in record.get("expected", []):
            level2, name = row.get("level2"), row.get("name")
            if level2 in LEVEL2 and name and row.get("number"):
                target = f"{row.get('comparator') or ''}{row['number']}{row.get('unit') or ''}"
                items.append(f"{level2}；{name}；{target}")
    for item in seed_rows()[1]:
        match = _SEED_ITEM.fullmatch(item)
        if match and match.group(1) in LEVEL2:
            items.append(f"{match.group(1)}；{match.group(2)}；{match.group(3)}")
    return sorted(set(places)), sorted(departments), items


def governments(count: int, places: list[tuple[str, str, str, str]], seed: int) -> list[str]:
    """``count`` distinct government names: corpus provinces and cities, with the corpus's
    counties or, once those are used up, invented ones (two place characters + 县)."""
    rng = random.Random(seed)
    cities = sorted({(p, c) for p, c, _ in places})
    counties = sorted({k for _, _, k in places if k})
    names: list[str] = []
    seen: set[str] = set()
    while len(names) < count:
        province, city = rng.choice(cities)
        county = rng.choice(counties) if rng.random() < 0.5 else ""
        county = county or "".join(rng.choice(PLACES) for _ in range(2)) + "县"
        name = f"{province}{city}{county}"
        if name not in seen:
            seen.add(name)
            names.append(name)
    return names


def _cell(items: list[str], rng: random.Random) -> str:
    parts = []
    for n, item in enumerate(items, start=1):
        level2, name, target = item.split("；", 2)
        code1, level1, code2 = LEVEL2[level2]
        target = _NUMBER.sub(lambda m: _vary_number(m, rng), target)
        parts.append(
            f"{n}、{code1}-{level1}；{code2}-{level2}；{name}；实施周期指标值：{target}；"
            f"年度指标值：{target}。"
        )
    return "".join(parts)


def government_documents(
    out: Path, government: str, department: str, indicators: int, items: list[str], seed: int
) -> list[Path]:
    """One target table per year of ``YEARS`` for one department of ``government``, about
    ``indicators`` indicators each, the same projects every year."""
    rng = random.Random(seed)
    goals = seed_rows()[0]
    dept = government + department
    plan: list[tuple[str, list[str], str]] = []
    made = 0
    while made < indicators:
        count = min(rng.randint(3, 10), indicators - made)
        chosen = [rng.choice(items) for _ in range(count)]
        if not any(i.startswith("服务对象满意度") for i in chosen) and rng.random() < 0.7:
            chosen[-1] = rng.choice([i for i in items if i.startswith("服务对象满意度")])
        plan.append(
            (f"{dept}{rng.choice(TOPICS)}第{len(plan) + 1}期项目", chosen, rng.choice(goals))
        )
        made += count
    paths = []
    for year in YEARS:
        amounts = [rng.randint(500, 5_000_000) / 100 for _ in plan]
        total = _amount(sum(amounts))  # type: ignore[arg-type]
        lines = [
            "", f"{year}年", "", "项目支出绩效目标表（含转移支付项目）", "",
            f"部门名称：{dept}", "", "单位：万元", "",
            "项目名称（资金使用单位）\t总计\t财政拨款\t财政专户拨款\t其他资金\t绩效目标\t绩效指标",
            f"合计\t{total}\t{total}\t\t\t\t", f"{dept}\t{total}\t{total}\t\t\t\t",
        ]  # fmt: skip
        for (name, chosen, goal), amount in zip(plan, amounts, strict=True):
            money = _amount(amount)  # type: ignore[arg-type]
            lines.append(f"{name}\t{money}\t{money}\t\t\t{goal}\t{_cell(chosen, rng)}")
        path = out / f"g{seed:05d}_{year}.txt"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        paths.append(path)
    return paths


def audit_queries() -> list[str]:
    """The queries auditors run that take no parameters."""
    return [
        n
        for n in list_queries()
        if metadata(load_query(n)).get("params", "").startswith("none")
        and "internal" not in metadata(load_query(n)).get("tags", "")
    ]


def _now() -> str:
    return datetime.now(UTC).strftime("%H:%M:%S")


def _count(store: object) -> int:
    rows = store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")  # type: ignore[attr-defined]
    return int(next(iter(rows))["n"].value)


def _time_queries(
    kind: str, store: object, reached: int, slow: dict[str, str], limit: float
) -> None:
    """Run and time each audit query; one that took over ``limit`` seconds is not run at
    the later (larger) steps: ``slow`` keeps what it took, and the log repeats it."""
    for name in audit_queries():
        key = f"{kind} {name}"
        if key in slow:
            print(f"{_now()} query {kind:<8} {reached:>9} indicators  {name:<42} "
                  f"skipped: {slow[key]}", flush=True)  # fmt: skip
            continue
        start = time.perf_counter()
        try:
            rows = sum(1 for _ in store.query(load_query(name)))  # type: ignore[attr-defined]
            said = f"{rows} rows"
        except Exception as error:  # a server's limit is a figure too
            said = f"failed: {type(error).__name__}: {str(error)[:120]}"
        seconds = time.perf_counter() - start
        if seconds > limit:
            slow[key] = f"took {seconds:.0f} s at {reached} indicators"
        print(
            f"{_now()} query {kind:<8} {reached:>9} indicators  {name:<42} "
            f"{seconds:>8.2f} s  {said}",
            flush=True,
        )


def _cpu(pid: int | None) -> float:
    """CPU seconds (user + system, all threads) of a process so far; 0 where /proc is not."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _past(until: str | None) -> bool:
    return until is not None and _now()[:5] >= until


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--indicators", type=int, default=300_000, help="in all")
    parser.add_argument("--governments", type=int, default=1000)
    parser.add_argument("--step", type=int, default=100, help="governments per step")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--servers", default="oxigraph,virtuoso")
    parser.add_argument("--validate", action="store_true", help="SHACL on the workers too")
    parser.add_argument("--until", metavar="HH:MM", help="UTC: no new step after this")
    parser.add_argument(
        "--query-limit", type=float, default=60.0, help="seconds: slower queries stop there"
    )
    parser.add_argument("--dir", type=Path, default=None, help="for corpus and databases")
    parser.add_argument(
        "--skip",
        default="",
        help="comma-separated audit queries not to run (known not to scale: the log says so)",
    )
    args = parser.parse_args(argv)
    per_document = max(1, args.indicators // (args.governments * len(YEARS)))
    places, departments, items = distributions()
    names = governments(args.governments, places, seed=7)
    print(
        f"{_now()} corpus: {len(places)} corpus places, {len(departments)} departments, "
        f"{len(items)} indicator rows; {args.governments} governments × {len(YEARS)} years × "
        f"{per_document} indicators; {load()}",
        flush=True,
    )
    with (
        tempfile.TemporaryDirectory(prefix="jixiao-national-", dir=args.dir) as tmp,
        ExitStack() as stack,
    ):
        root = Path(tmp)
        stores, pids = {}, {}
        for kind in args.servers.split(","):
            running = stack.enter_context(servers.server(kind, root))
            stores[kind] = open_remote(running.url, env=running.env, write=True)
            pids[kind] = running.process.pid if running.process else None
        client = stack.enter_context(cluster(args.workers))
        reached = 0
        slow: dict[str, str] = {
            f"{kind} {name}": "skipped by --skip"
            for kind in stores
            for name in filter(None, args.skip.split(","))
        }
        for first in range(0, args.governments, args.step):
            if _past(args.until):
                print(f"{_now()} stopped at --until {args.until}", flush=True)
                break
            out = root / f"corpus-{first:05d}"
            out.mkdir()
            paths = []
            for i, government in enumerate(names[first : first + args.step], start=first):
                department = departments[i % len(departments)]
                paths += government_documents(out, government, department, per_document, items, i)
            step = sum(1 for _ in paths) * per_document
            for kind, store in stores.items():
                stages = Stages()
                server_cpu = _cpu(pids[kind])
                worker_cpu = client.run(time.process_time)  # type: ignore[attr-defined]
                results = ingest_on_cluster(
                    paths, store, client, validate=args.validate, stages=stages
                )
                server_cpu = _cpu(pids[kind]) - server_cpu
                after = client.run(time.process_time)  # type: ignore[attr-defined]
                worker_cpu = sum(after[w] - worker_cpu.get(w, after[w]) for w in after)
                failed = [r.error for r in results if r.status == "error"]
                worker = stages.read + stages.build + stages.validate
                print(
                    f"{_now()} ingest {kind:<8} +{len(paths)} documents (+{step} indicators, "
                    f"{len(failed)} failed{': ' + failed[0] if failed else ''}): "
                    f"wall {stages.wall:.1f} s; workers {worker:.1f} s "
                    f"({step / max(worker, 1e-9):.0f} indicators/s per worker; "
                    f"read {stages.read:.1f} build {stages.build:.1f} validate "
                    f"{stages.validate:.1f}); link {stages.link:.1f} s; write {stages.write:.1f} s "
                    f"({2 * stages.written_triples / max(stages.write, 1e-9):.0f} quads/s); "
                    f"CPU: server {server_cpu:.1f} s "
                    f"({2 * stages.written_triples / max(server_cpu, 1e-9):.0f} quads per "
                    f"server CPU s), workers {worker_cpu:.1f} s "
                    f"({step / max(worker_cpu, 1e-9):.0f} indicators per worker CPU s); "
                    f"{load()}",
                    flush=True,
                )
            reached += step
            for kind, store in stores.items():
                size = _count(store)
                disk = sum(
                    f.stat().st_size for f in root.glob(f"jixiao-{kind}-*/**/*") if f.is_file()
                )
                print(
                    f"{_now()} size {kind:<8} {reached} indicators, {size} triples in the union, "
                    f"{disk / 2**20:.0f} MiB on disk",
                    flush=True,
                )
                _time_queries(kind, store, reached, slow, args.query_limit)
        print(f"{_now()} done: {reached} indicators", flush=True)


if __name__ == "__main__":
    main()
