"""Export time and file size at 10⁵ nodes (goal: ≤ 10 s for the GEXF of the full view).

Builds a synthetic on-disk store shaped like ingested documents (departments with units,
projects with amounts and about nine indicators each, indicator names drawn from a skewed
pool so some are shared by many projects, framework concepts of ``gz-2026``), then times
each view: reading the view from the store, writing GEXF, and writing GraphML for ``full``.

Run: ``python benchmarks/export.py [PROJECTS]`` from the project root (default 10,000
projects ≈ 10⁵ nodes in the full view). Times are wall clock and CPU time of this process:
on a shared machine the second is what the export itself costs.
"""

from __future__ import annotations

import gc
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pyoxigraph as ox  # noqa: E402

from jixiao.graph.export import VIEWS, build_view, iter_graphml  # noqa: E402
from jixiao.graph.gexf import View, iter_gexf_view  # noqa: E402

T = TypeVar("T")

ID = "https://w3id.org/jixiao/id/"
JX = "https://w3id.org/jixiao/ontology#"
TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
PREF = "<http://www.w3.org/2004/02/skos/core#prefLabel>"
SUB = "<http://www.w3.org/ns/org#subOrganizationOf>"
XSD = "http://www.w3.org/2001/XMLSchema#"
LEVELS = {"1": ("11", "12", "13"), "2": ("21", "22", "23", "24"), "3": ("31",), "4": ("41",)}
WORDS = (
    "政务",
    "数据",
    "平台",
    "运维",
    "热线",
    "安全",
    "网络",
    "服务",
    "系统",
    "中心",
    "建设",
    "采购",
)


def jx(term: str) -> str:
    return f"<{JX}{term}>"


def department_triples(rng: random.Random, d: int, projects: int, units: int) -> str:
    """N-Triples of one synthetic department document."""
    lines: list[str] = []
    add = lines.append
    dept = f"<{ID}org/dept/bench{d}>"
    add(f'{dept} {TYPE} {jx("Department")} .\n{dept} {PREF} "合成部门{d}号局"@zh .')
    year = 2025 + d % 2
    doc = f"<{ID}doc/bench{d}>"
    add(f'{doc} {TYPE} {jx("SourceDocument")} .\n{doc} {jx("fiscalYear")} "{year}"^^<{XSD}gYear> .')
    for u in range(units):
        unit = f"<{ID}org/unit/bench{d}-{u}>"
        add(f'{unit} {TYPE} {jx("Unit")} .\n{unit} {PREF} "合成部门{d}第{u}单位"@zh .')
        add(f"{unit} {SUB} {dept} .")
    for p in range(projects):
        proj = f"<{ID}project/{year}/bench{d}-{p}>"
        name = "".join(rng.sample(WORDS, 3)) + f"项目{p}"
        add(f'{proj} {TYPE} {jx("Project")} .\n{proj} {LABEL} "{name}"@zh .')
        add(f'{proj} {jx("name")} "{name}" .\n{proj} {jx("fiscalYear")} "{year}"^^<{XSD}gYear> .')
        add(f"{proj} {jx('unit')} <{ID}org/unit/bench{d}-{p % units}> .")
        add(f'{proj} {jx("amountTotal")} "{rng.randint(1, 10**6) / 100}"^^<{XSD}decimal> .')
        for k in range(1, rng.randint(6, 12) + 1):
            ind = f"<{ID}project/{year}/bench{d}-{p}/i{k}>"
            level1 = rng.choice("1111223344")
            level2 = rng.choice(LEVELS[level1])
            word = int(rng.paretovariate(0.8)) % 4000
            add(f"{proj} {jx('hasIndicator')} {ind} .\n{ind} {TYPE} {jx('Indicator')} .")
            add(f'{ind} {jx("name")} "{WORDS[word % len(WORDS)]}指标{word}" .')
            add(f"{ind} {jx('level1')} <{ID}frame/gz-2026/{level1}> .")
            add(f"{ind} {jx('level2')} <{ID}frame/gz-2026/{level2}> .")
    return "\n".join(lines) + "\n"


def build_store(path: Path, projects: int, departments: int = 20, units: int = 10) -> ox.Store:
    store = ox.Store(str(path))
    rng = random.Random(7)
    per = projects // departments
    for d in range(departments):
        graph = ox.NamedNode(f"{ID}doc/bench{d}")
        store.load(
            department_triples(rng, d, per, units).encode(), ox.RdfFormat.N_TRIPLES, to_graph=graph
        )
    store.flush()
    return store


def _timed(work: Callable[[], T]) -> tuple[T, float, float]:
    """``work()``, its wall-clock time and the CPU time of this process (the machine may be
    shared: CPU time is what the export itself costs)."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = work()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def main(projects: int = 10_000) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        store, wall, _ = _timed(lambda: build_store(Path(tmp) / "store", projects))
        print(f"store: {len(store):,} quads, built in {wall:.1f} s")
        del store  # reopened, as `jixiao export` opens it
        gc.collect()
        store = ox.Store(str(Path(tmp) / "store"))
        print("view: nodes edges | read wall/cpu s | GEXF wall/cpu s | total wall/cpu s | MB")
        for view in VIEWS:
            built, read_wall, read_cpu = _timed(lambda v=view: build_view(store, v))
            path = Path(tmp) / f"{view}.gexf"
            size, write_wall, write_cpu = _timed(lambda b=built, p=path: _write(b, p))
            print(
                f"{view:>17}: {len(built.nodes):>7,} {len(built.edges):>8,} | "
                f"{read_wall:5.2f} {read_cpu:5.2f} | {write_wall:5.2f} {write_cpu:5.2f} | "
                f"{read_wall + write_wall:5.2f} {read_cpu + write_cpu:5.2f} | {size / 1e6:6.1f}"
            )
        size, wall, cpu = _timed(lambda: sum(len(c) for c in iter_graphml(store, "full")))
        print(f"{'full (GraphML)':>17}: {wall:5.2f} s wall, {cpu:5.2f} s cpu, {size / 1e6:.1f} MB")


def _write(view: View, path: Path) -> int:
    size = 0
    with open(path, "wb") as out:
        for chunk in iter_gexf_view(view):
            size += len(chunk)
            out.write(chunk)
    return size


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
