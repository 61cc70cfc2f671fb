"""Run the compiled SHACL checks (:mod:`graph.validation.compile`) on the store.

Each document graph is validated on its own, as pySHACL validates it: every query runs with
the document graph plus the ontology graph (frameworks, ``graph.store.ensure_ontology``) as
its default graph. Rows become findings and a report (:mod:`graph.validation.report`)
equal to pySHACL's; reports replace ``<document>/report`` as with pySHACL, many in one
transaction (:func:`graph.store_batch.replace_graphs`), and only where the report
changed. Documents are validated in worker processes that open a checkpoint of the store
read-only (``Store.backup``: hard links), so the process that owns the store can keep
writing the reports.

The ontology graph also holds ``jx.ttl`` and ``classifications.ttl``, which pySHACL's data
graph (document + ``framework.ttl``) does not; no shape reaches their resources from data
built by :mod:`graph.build`.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pyoxigraph as ox

from jixiao.graph.backend import is_remote
from jixiao.graph.store import ONTOLOGY_GRAPH, ensure_ontology, graph_size
from jixiao.graph.store_batch import DEFAULT_BATCH_BYTES, replace_graphs, same_graph
from jixiao.graph.validation.compile import (
    FOCUS_NODES,
    TARGET_NODES,
    TARGETS,
    Check,
    compiled_checks,
)
from jixiao.graph.validation.report import ReportWriter, Result, findings_of
from jixiao.graph.validation.result import Validation, document_graphs, report_graph
from jixiao.graph.validation.shapes import shapes_graph


def run_check(
    store: ox.Store,
    graphs: list[ox.NamedNode],
    check: Check,
    query: str | None = None,
    targets: dict[str, tuple[list[str], float]] | None = None,
) -> list[Result]:
    """The rows of one check on the default graph ``graphs``, with their sh:detail rows;
    ``targets`` caches the focus nodes of SPARQL targets for the document."""
    text = query or check.query
    if check.targets and query is None:
        cache = targets if targets is not None else {}
        if check.targets not in cache:
            start = time.perf_counter()
            found = store.query(check.targets, default_graph=graphs)  # type: ignore[union-attr]
            nodes = [str(row["this"]) for row in found]  # type: ignore[index]
            cache[check.targets] = (nodes, time.perf_counter() - start)
        listed, seconds = cache[check.targets]
        if not listed:
            return []
        # list the focus nodes when selecting them again costs more than reading the list
        # (≈ 10 µs a node); blank nodes cannot be listed
        if seconds < len(listed) * 1e-5 or any(node.startswith("_:") for node in listed):
            domain = check.targets.split("SELECT DISTINCT ?this WHERE ", 1)[1]
            text = text.replace(TARGETS, domain)
        else:
            text = text.replace(TARGETS, TARGETS.replace(TARGET_NODES, " ".join(listed)))
    out = []
    for row in store.query(text, default_graph=graphs):  # type: ignore[union-attr]
        focus, value, path = row["this"], row["value"], row["path"]
        if focus is None:
            continue
        if value is None and check.value_is_focus:
            value = focus
        member = check.members[int(row["k"].value)] if check.members else check  # type: ignore[union-attr]
        out.append(Result(member, focus, value, path))  # type: ignore[arg-type]
    # details of a sh:node result: the nested shape's results for the value node (blank
    # nodes cannot be listed in VALUES: none get details; graph.build makes none)
    listed = sorted({str(r.value) for r in out if not isinstance(r.value, ox.BlankNode)})
    if check.details and listed:
        nested: dict[object, list[Result]] = defaultdict(list)
        for detail in check.details:
            text = detail.query.replace(FOCUS_NODES, " ".join(listed))
            for result in run_check(store, graphs, detail, text):
                nested[result.focus].append(result)
        for result in out:
            result.details = nested.get(result.value, [])
    return out


def validate_document_sparql(
    store: ox.Store, document: str, checks: Sequence[Check] | None = None
) -> tuple[Validation, list[Result]]:
    """Validate one stored document with the compiled checks; its report as N-Triples."""
    start = time.perf_counter()
    graphs = [ox.NamedNode(document), ox.NamedNode(ONTOLOGY_GRAPH)]
    targets: dict[str, tuple[list[str], float]] = {}
    results = [
        r for c in checks or compiled_checks() for r in run_check(store, graphs, c, None, targets)
    ]
    findings = findings_of(store, document, results)
    report = ReportWriter(shapes_graph()).text(results)
    validation = Validation(
        document, not results, findings, ntriples=report, seconds=time.perf_counter() - start
    )
    return validation, results


def stored_already(store: ox.Store, validation: Validation) -> bool:
    """True if ``<document>/report`` of ``store`` already is ``validation``'s report (the
    same graph, blank node labels aside): it need not be written again."""
    name = report_graph(validation.document)
    graph = ox.NamedNode(name)
    if not store.contains_named_graph(graph):
        return False
    if graph_size(store, name) != validation.report_nt.count(b"\n"):
        return False  # counted without reading the terms: cheaper than reading them
    old = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph) or b""
    return same_graph(old, validation.report_nt)


def _copier(store: ox.Store) -> Callable[[str], ox.Store]:
    """The store to validate a document on: ``store`` itself, or for a server
    (:mod:`graph.remote`) an in-memory copy of the document's graph and the ontology
    graph, so the checks run on pyoxigraph whatever the server (the same findings)."""
    if not is_remote(store):
        return lambda _: store
    nt = ox.RdfFormat.N_TRIPLES
    ontology = store.dump(format=nt, from_graph=ox.NamedNode(ONTOLOGY_GRAPH)) or b""

    def copy(document: str) -> ox.Store:
        local = ox.Store()
        local.load(ontology, nt, to_graph=ox.NamedNode(ONTOLOGY_GRAPH))
        graph = ox.NamedNode(document)
        local.load(store.dump(format=nt, from_graph=graph) or b"", nt, to_graph=graph)
        return local

    return copy


_WORKER: dict[str, object] = {}
# Workers yield the CPU to the process writing the reports, which else falls behind them.
WORKER_NICENESS = 5


def _open_checkpoint(path: str, compare: bool) -> None:
    os.nice(WORKER_NICENESS)
    _WORKER["store"], _WORKER["compare"] = ox.Store.read_only(path), compare


def _validate_in_worker(document: str) -> tuple[Validation, bool]:
    store = _WORKER["store"]
    assert isinstance(store, ox.Store)
    validation = validate_document_sparql(store, document)[0]
    return validation, bool(_WORKER["compare"]) and stored_already(store, validation)


Progress = Callable[[int, int, Validation], None]


def validate_store_sparql(
    store: ox.Store,
    documents: Sequence[str] | None = None,
    workers: int | None = None,
    write: bool = True,
    progress: Progress | None = None,
    path: str | os.PathLike[str] | None = None,
    rewrite: bool = False,
) -> list[Validation]:
    """Every document graph of ``store`` (or ``documents``); with ``write`` the reports are
    stored in ``<document>/report`` — those already holding the new report are left alone
    unless ``rewrite`` — the others replaced many in one transaction
    (:func:`graph.store_batch.replace_graphs`). Results in document order.

    With ``path`` (the store's directory) and more than one worker, documents are validated
    in ``workers`` processes (default: CPUs) on a checkpoint written next to the store and
    removed afterwards (the workers compare the reports with the checkpoint's: only this
    process writes them); otherwise in this process — for a server's store, each on an
    in-memory copy of its graphs (:func:`_copier`)."""
    if write:
        ensure_ontology(store)
    elif not store.contains_named_graph(ox.NamedNode(ONTOLOGY_GRAPH)):
        raise ValueError("the store has no ontology graph: run `jixiao ingest` first")
    names = list(documents) if documents is not None else document_graphs(store)
    count = workers if workers is not None else min(len(names), os.cpu_count() or 1)
    compare = write and not rewrite
    out: list[Validation] = []
    batch: list[Validation] = []

    def flush() -> None:
        replace_graphs(store, [(report_graph(v.document), v.report_nt) for v in batch])
        batch.clear()

    def collect(validation: Validation, unchanged: bool) -> None:
        out.append(validation)
        if write and not unchanged:
            batch.append(validation)
            if sum(len(v.report_nt) for v in batch) >= DEFAULT_BATCH_BYTES:
                flush()
        if progress is not None:
            progress(len(out), len(names), validation)

    temporary = None
    if path is not None and count > 1 and len(names) > 1 and not is_remote(store):
        try:
            parent = Path(path).resolve().parent
            temporary = Path(tempfile.mkdtemp(prefix=".jixiao-validate-", dir=parent))
            store.flush()
            store.backup(str(temporary / "checkpoint"))
        except OSError:  # no room for a checkpoint next to the store: one process
            if temporary is not None:
                shutil.rmtree(temporary, ignore_errors=True)
            temporary = None
    if temporary is None:
        checks = compiled_checks()
        copy = _copier(store)
        for name in names:
            validation = validate_document_sparql(copy(name), name, checks)[0]
            collect(validation, compare and stored_already(store, validation))
        if batch:
            flush()
        return out
    checkpoint = temporary / "checkpoint"
    # Workers start from a fork server, not from this process: forking a process whose
    # RocksDB threads may hold a lock left a worker hung now and then (seen under load);
    # each worker compiles the checks once itself.
    try:
        with ProcessPoolExecutor(
            count,
            mp_context=multiprocessing.get_context("forkserver"),
            initializer=_open_checkpoint,
            initargs=(str(checkpoint), compare),
        ) as pool:
            for validation, unchanged in pool.map(_validate_in_worker, names):
                collect(validation, unchanged)
        if batch:
            flush()
    finally:
        shutil.rmtree(temporary, ignore_errors=True)
    return out


class Staging:
    """In-memory stores where one document at a time is validated before it is written:
    ingest stores a document and its report together, so the document cannot be validated
    on the store first (module notes). Each document gets a new store holding the ontology
    graph (read once, loaded again as N-Quads: ≈ 3,500 quads) and the document's graph: an
    in-memory store keeps every string it ever held, also after its graph is removed, so
    one store reused for 10⁵ indicators grew by gigabytes."""

    def __init__(self) -> None:
        store = ox.Store()
        ensure_ontology(store)
        self.ontology = store.dump(format=ox.RdfFormat.N_QUADS) or b""
        self.checks = compiled_checks()

    def store(self) -> ox.Store:
        """A new in-memory store holding the ontology graph (and its union copy)."""
        store = ox.Store()
        store.load(self.ontology, ox.RdfFormat.N_QUADS)
        return store

    def validate(self, ntriples: str | bytes, document: str, keep: bool = False) -> Validation:
        """The findings and report of ``document`` given as N-Triples (with ``keep``, the
        store it was validated on, the document in its named graph, as ``staged``).
        :class:`SyntaxError` if the text is not N-Triples."""
        store = self.store()
        if ntriples:
            # a transaction: in memory it costs less CPU than the bulk loader (0.36 s against
            # 0.43–0.52 s for 160,000 triples), whose threads compete with the writer's
            store.load(ntriples, ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(document))
        validation = validate_document_sparql(store, document, self.checks)[0]
        validation.triples = ntriples.count(b"\n" if isinstance(ntriples, bytes) else "\n")
        if keep:
            validation.staged = store
        return validation


__all__ = [
    "Staging",
    "run_check",
    "stored_already",
    "validate_document_sparql",
    "validate_store_sparql",
]
