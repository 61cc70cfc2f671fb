"""A large synthetic store built fast, for timing queries at 10⁵–10⁶ indicators.

Documents from ``benchmarks/synth.py`` are read and built exactly as ``jixiao ingest`` does
(with their prepared facts, :mod:`graph.prepared`, but no SHACL report),
then written with ``Store.bulk_load`` (into each document's named graph and into the
default graph, the materialised union ``graph.store`` keeps) instead of one transaction per
document: bulk loading is not atomic, which is fine for a throw-away benchmark store and
saves hours at 10⁶. The named auditor queries are then timed on it (best of ``--repeat``).

    python benchmarks/bigstore.py --indicators 1000000 --store /tmp/big-1e6 [--keep]
    python benchmarks/bigstore.py --store /tmp/big-1e6 --reuse        # time queries only
    python benchmarks/bigstore.py --store DIR --reuse --queries --rest  # the REST lists only

``--rest`` also times what ``GET /api/projects``, ``/api/indicators`` and ``/api/findings``
send for their first page of 100 and for its total (the same named queries, bound as the
routes bind them, run on the store here without HTTP; findings exist only in a validated
store). ``--paging`` times a page of 100 deep in the project and indicator lists, cut by
``OFFSET`` and by keyset (``after=``), and prints their ratio (same run, same store).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pyoxigraph as ox  # noqa: E402

from benchmarks.order_keys import refresh_order_keys  # noqa: E402
from benchmarks.synth import write_corpus  # noqa: E402
from jixiao.graph import iris  # noqa: E402
from jixiao.graph.build import build_document  # noqa: E402
from jixiao.graph.ingest import read_one  # noqa: E402
from jixiao.graph.namespaces import JX  # noqa: E402
from jixiao.graph.prepared import facts_graph, prepared_facts  # noqa: E402
from jixiao.graph.prepared_commitments import refresh_commitment_facts  # noqa: E402
from jixiao.graph.prepared_projects import with_project_facts  # noqa: E402
from jixiao.graph.prepared_sets import set_facts  # noqa: E402
from jixiao.graph.store import ensure_ontology, query  # noqa: E402
from jixiao.queries import list_queries, load_query, metadata  # noqa: E402
from jixiao.queries.prepared import prepared  # noqa: E402

DEFAULT_QUERIES = (
    "projects_without_satisfaction",
    "projects_without_cost",
    "satisfaction_below_90",
    "indicator_count_per_unit",
    "indicator_counts_by_unit_and_category",
    "unmeasurable_targets",
    "projects_lacking",
    "prepared_totals",
    "prepared_indicator_counts",
)
PREPARED_REST = (  # what GET /api/projects?lacks=satisfaction&year=2026 can run instead
    ("projects_lacking_page", {"category": "CategorySatisfaction", "year": "2026"}),
    ("projects_lacking_total", {"category": "CategorySatisfaction", "year": "2026"}),
)


def _prepare(path: Path) -> tuple[str, bytes, bytes, int, int, float, float]:
    """One document read and built as ingest does, and its prepared facts (run in a worker)."""
    start = time.perf_counter()
    item = read_one(path)
    triples = build_document(item.doc, item.sha256)
    text = triples.text()
    document = iris.document_iri(item.doc)
    built = time.perf_counter() - start
    start = time.perf_counter()
    facts = prepared_facts(document, text).encode("utf-8")  # as ingest writes
    indicators = sum(len(p.indicators) for p in item.doc.projects)
    return (document, text.encode("utf-8"), facts, len(triples), indicators, built,
            time.perf_counter() - start)  # fmt: skip


def build(
    store_dir: Path, indicators: int, per_document: int, workers: int = 1
) -> dict[str, float]:
    """Documents are read, built and given their facts in ``workers`` processes while this
    one bulk-loads what they made (parse+build s and facts s are the workers' seconds)."""
    store = ox.Store(str(store_dir))
    ensure_ontology(store)
    figures = {"parse+build s": 0.0, "facts s": 0.0, "load s": 0.0, "triples": 0, "indicators": 0}
    with tempfile.TemporaryDirectory(prefix="jixiao-big-") as tmp:
        paths = write_corpus(Path(tmp), indicators, per_document)
        with multiprocessing.get_context("spawn").Pool(workers) as pool:
            for document, text, facts, triples, count, built, facts_s in pool.imap(_prepare, paths):
                figures["parse+build s"] += built
                figures["facts s"] += facts_s
                figures["triples"] += triples
                figures["indicators"] += count
                start = time.perf_counter()
                # with the project facts of its units and years (the union's, as ingest does)
                graphs = with_project_facts(store, {document: text, facts_graph(document): facts})
                for graph, data in graphs.items():
                    store.bulk_load(data, ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(graph))
                    store.bulk_load(data, ox.RdfFormat.N_TRIPLES)  # the default graph (union)
                figures["load s"] += time.perf_counter() - start
    start = time.perf_counter()
    store.optimize()
    figures["optimize s"] = time.perf_counter() - start
    return figures


def refresh_set_keys(store_dir: Path) -> float:
    """Replace every document's indicator-set keys (:mod:`graph.prepared_sets`) with those the
    current code computes from the stored document graph (for a store built before the keys
    changed); seconds taken."""
    start = time.perf_counter()
    store = ox.Store(str(store_dir))
    for pattern in ("?p jx:setKey ?k", "GRAPH ?g { ?p jx:setKey ?k }"):
        store.update(f"PREFIX jx: <{JX}> DELETE WHERE {{ {pattern} }}")
    documents = [
        r["d"] for r in store.query(f"SELECT ?d {{ GRAPH ?d {{ ?d a <{JX.SourceDocument}> }} }}")
    ]  # type: ignore[union-attr, index]
    for document in documents:
        graph = ox.Store()
        for quad in store.quads_for_pattern(
            None, ox.NamedNode(str(JX.hasIndicator)), None, document
        ):
            graph.add(ox.Quad(quad.subject, quad.predicate, quad.object))
            for named in store.quads_for_pattern(
                quad.object, ox.NamedNode(str(JX.name)), None, document
            ):  # type: ignore[arg-type]
                graph.add(ox.Quad(named.subject, named.predicate, named.object))
        lines = [line for line in set_facts(graph) if f"<{JX.setKey}>" in line]
        data = "".join(line + "\n" for line in lines).encode("utf-8")
        store.bulk_load(
            data, ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(facts_graph(document.value))
        )  # type: ignore[union-attr]
        store.bulk_load(data, ox.RdfFormat.N_TRIPLES)
    store.optimize()
    return time.perf_counter() - start


def refresh_commitments(store_dir: Path) -> None:
    """Backfill the commitment findings (:mod:`graph.prepared_commitments`); prints the time."""
    start, used = time.perf_counter(), time.process_time()
    lines = refresh_commitment_facts(ox.Store(str(store_dir)), facts_graph)
    wall, cpu = time.perf_counter() - start, time.process_time() - used
    print(f"commitment findings: {lines:,} lines in {wall:,.1f} s wall, {cpu:,.1f} s CPU "
          f"(load {os.getloadavg()[0]:.1f})", flush=True)  # fmt: skip


def time_queries(store_dir: Path, names: list[str], repeat: int = 3) -> None:
    """Per query: the first page (100 rows) and the full answer, best of ``repeat``."""
    store = ox.Store.read_only(str(store_dir))
    for name in names:
        best, first, rows = float("inf"), float("inf"), 0
        for _ in range(repeat):
            start = time.perf_counter()
            rows = 0
            for _ in query(store, load_query(name)):  # type: ignore[union-attr]
                rows += 1
                if rows == 100:
                    first = min(first, time.perf_counter() - start)
            best = min(best, time.perf_counter() - start)
        first = min(first, best)
        print(
            f"{name:42s} {best * 1000:9.0f} ms  {rows:8d} rows; first page {first * 1000:6.0f} ms",
            flush=True,
        )


def named_for_auditors() -> list[str]:
    """The named queries not tagged internal (``jixiao query`` lists these)."""
    return [n for n in list_queries() if "internal" not in metadata(load_query(n)).get("tags", "")]


def page_text(name: str) -> str:
    """The first page of 100 rows: the query's own ``page=offset`` slot, else ``LIMIT 100``."""
    query = prepared(name)
    if "offset" in query.slots.get("page", ()):
        return query.bind({"limit": 100, "offset": 0}, {"page": "offset"})[0]
    return query.bind({})[0] + "LIMIT 100\n"


def _run(store: ox.Store, text: str) -> tuple[float, float, int]:
    """(wall s, CPU s, rows) of one run of ``text``, the answer read whole."""
    start, used = time.perf_counter(), time.process_time()
    rows = sum(1 for _ in query(store, text))  # type: ignore[union-attr]
    return time.perf_counter() - start, time.process_time() - used, rows


def time_named(store_dir: Path, names: list[str], repeat: int = 2) -> None:
    """Per named query, on a store opened for it: the first page cold (the first query after
    opening) and warm (best of ``repeat``), then the full answer warm, its rows and rows/s."""
    print(f"{'query':38s} {'page cold':>9s} {'warm':>7s} {'cpu':>6s} {'full':>8s} {'cpu':>7s}"
          f" {'rows':>8s} {'rows/s cpu':>10s}", flush=True)  # fmt: skip
    for name in names:
        store = ox.Store.read_only(str(store_dir))
        page, full = page_text(name), prepared(name).bind({})[0]
        cold = _run(store, page)[0]
        warm = min(_run(store, page) for _ in range(repeat))
        whole = min(_run(store, full) for _ in range(repeat))
        print(f"{name:38s} {cold * 1e3:7.0f}ms {warm[0] * 1e3:5.0f}ms {warm[1] * 1e3:4.0f}ms "
              f"{whole[0] * 1e3:6.0f}ms {whole[1] * 1e3:5.0f}ms {whole[2]:8d} "
              f"{whole[2] / max(whole[1], 1e-6):10,.0f}", flush=True)  # fmt: skip


def time_prepared_rest(store_dir: Path, repeat: int = 3) -> None:
    """The REST lacks page + total read from the prepared facts: cold (the first query of a
    store just opened) and warm (best of ``repeat``)."""
    jx = "https://w3id.org/jixiao/ontology#"
    gyear = ox.NamedNode("http://www.w3.org/2001/XMLSchema#gYear")
    store = ox.Store.read_only(str(store_dir))

    def run() -> int:
        rows = 0
        for name, params in PREPARED_REST:
            subst = {
                ox.Variable("category"): ox.NamedNode(jx + params["category"]),
                ox.Variable("year"): ox.Literal(params["year"], datatype=gyear),
            }
            rows += sum(1 for _ in store.query(load_query(name), substitutions=subst))  # type: ignore[union-attr]
        return rows

    times = []
    for _ in range(repeat + 1):
        start = time.perf_counter()
        rows = run()
        times.append(time.perf_counter() - start)
    print(
        f"REST prepared lacks=satisfaction&year=2026 page+total: cold {times[0] * 1000:.0f} ms, "
        f"warm {min(times[1:]) * 1000:.0f} ms ({rows} rows)",
        flush=True,
    )


def rest_texts() -> dict[str, str]:
    """What the REST lists send for their first page and total (no filter)."""
    texts = {}
    for label, name, slots in (
        ("projects", "projects", {}),
        ("projects?lacks=satisfaction", "projects_without_satisfaction", {"mode": "strict"}),
        ("indicators", "indicators", {}),
        ("findings", "findings", {}),
    ):
        query = prepared(name)
        page = {**slots, "page": "offset"}
        texts[f"{label} page"] = query.bind({"limit": 100, "offset": 0}, page)[0]
        texts[f"{label} total"] = query.bind({}, {**slots, "result": "count"})[0]
    return texts


def _best(store: ox.Store, text: str, repeat: int, **subs: object) -> tuple[float, list]:
    best, rows = float("inf"), []
    for _ in range(repeat):
        start = time.perf_counter()
        rows = list(query(store, text, subs or None))  # type: ignore[arg-type, arg-type]
        best = min(best, time.perf_counter() - start)
    return best, rows


def time_paging(store_dir: Path, repeat: int = 3, depth: float = 0.9) -> None:
    """A page of 100 at ``depth`` of the list: by OFFSET, and by keyset after the row before."""
    store = ox.Store.read_only(str(store_dir))
    gyear = ox.NamedNode("http://www.w3.org/2001/XMLSchema#gYear")
    for name, year, key in (
        ("projects", "fiscalYear", lambda r: f"{r['unit'].value}\u0001{r['name'].value}"
                                              f"\u0001{r['project'].value}"),
        ("indicators", "year", lambda r: f"{r['project'].value}\u0001{r['id'].value}"),
    ):  # fmt: skip
        q = prepared(name)
        total = int(next(iter(query(store, q.bind({}, {"result": "count"})[0])))["total"].value)
        offset = max(1, int(total * depth))
        by_offset = q.bind({"limit": 100, "offset": offset}, {"page": "offset"})[0]
        t_offset, rows = _best(store, by_offset, repeat)
        before = q.bind({"limit": 1, "offset": offset - 1}, {"page": "offset"})[0]
        (row,) = list(query(store, before))
        values = {"limit": 100, "afterYear": ox.Literal(row[year].value, datatype=gyear),
                  "afterKey": ox.Literal(key(row))}  # fmt: skip
        t_after, after_rows = _best(store, q.bind(values, {"page": "after"})[0], repeat)
        same = [r[0] for r in rows] == [r[0] for r in after_rows]
        print(f"page of 100 at row {offset:,} of {total:,} {name}: "
              f"OFFSET {t_offset * 1000:,.0f} ms,"
              f" after= {t_after * 1000:,.0f} ms, ratio {t_offset / t_after:.2f}, same rows {same}",
              flush=True)  # fmt: skip


def time_rest(store_dir: Path, repeat: int = 3) -> None:
    store = ox.Store.read_only(str(store_dir))
    prefix = "PREFIX sh: <http://www.w3.org/ns/shacl#>\n"
    for label, text in rest_texts().items():
        best, rows = float("inf"), 0
        for _ in range(repeat):
            start = time.perf_counter()
            rows = sum(1 for _ in query(store, prefix + text))  # type: ignore[union-attr]
            best = min(best, time.perf_counter() - start)
        print(f"REST {label:37s} {best * 1000:9.0f} ms  {rows:8d} rows", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--indicators", type=int, default=100_000)
    parser.add_argument("--per-document", type=int, default=5000)
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--repeat", type=int, default=3, help="runs per query (best is shown)")
    parser.add_argument("--workers", type=int, default=1, help="processes that build documents")
    parser.add_argument("--refresh-sets", action="store_true",
                        help="recompute an existing store's indicator-set keys")  # fmt: skip
    parser.add_argument("--refresh-counts", action="store_true",
                        help="add the counts and unit total checks")  # fmt: skip

    parser.add_argument("--refresh-order", action="store_true",
                        help="add graph/prepared_order.py's keys to a store")  # fmt: skip
    parser.add_argument("--refresh-commitments", action="store_true",
                        help="add an existing store's commitment findings")  # fmt: skip
    parser.add_argument("--named", nargs="*", metavar="NAME",
                        help="time named queries' first page and whole answer")  # fmt: skip
    parser.add_argument("--reuse", action="store_true", help="time queries on an existing store")
    parser.add_argument("--rest", action="store_true", help="also time the REST list queries")
    parser.add_argument("--paging", action="store_true", help="deep pages: OFFSET vs after=")
    parser.add_argument("--prepared", action="store_true", help="time the prepared REST shapes")
    parser.add_argument("--queries", nargs="*", default=list(DEFAULT_QUERIES),
                        choices=list_queries(), metavar="NAME")  # fmt: skip
    args = parser.parse_args()
    if not args.reuse:
        if args.store.exists():
            shutil.rmtree(args.store)
        figures = build(args.store, args.indicators, args.per_document, args.workers)
        size = sum(f.stat().st_size for f in args.store.rglob("*.sst")) / 1e6
        print(", ".join(f"{k} {v:,.1f}" for k, v in figures.items()) + f", data {size:,.0f} MB")
    if args.refresh_sets:
        print(f"indicator-set keys recomputed in {refresh_set_keys(args.store):,.1f} s", flush=True)
    if args.refresh_counts:
        from benchmarks.refresh_counts import refresh_counts

        figures = refresh_counts(ox.Store(str(args.store)))
        print(", ".join(f"{k} {v:,.1f}" for k, v in figures.items()), flush=True)
    if args.refresh_order:  # benchmarks/order_keys.py
        wall, cpu, n = refresh_order_keys(args.store)
        print(f"order keys: {n:,} triples in {wall:,.1f} s wall, {cpu:,.1f} s CPU", flush=True)
    if args.refresh_commitments:
        refresh_commitments(args.store)
    if args.prepared:  # first: the cold figure is the first query after opening
        time_prepared_rest(args.store, args.repeat)
    if args.named is not None:
        time_named(args.store, args.named or named_for_auditors(), args.repeat)
    time_queries(args.store, args.queries, args.repeat)
    if args.rest:
        time_rest(args.store, args.repeat)
    if args.paging:
        time_paging(args.store, args.repeat)


if __name__ == "__main__":
    main()
