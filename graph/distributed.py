"""Ingest on a Dask cluster: documents read, built and validated on the workers, written by
this process through the store backend (``jixiao ingest --workers N`` or ``--scheduler``).

The steps are those of :func:`graph.ingest.ingest_paths`, spread over the workers:

1. **read** (workers, :func:`read_task`): each file is read and parsed. The parsed document
   stays in the worker's memory; only a slim copy (its projects without their indicators:
   what linking looks at) comes back here. A file that cannot be read comes back as its
   error message and is reported; the others go on.
2. **link** (here): :func:`graph.ingest.link_documents` over *every* document of the run,
   so the same project is found across documents and years whichever worker read them.
3. **build and validate** (workers, :func:`build_task`): the document's triples with its
   links, and its SHACL report. A document whose stored graph already has the same
   SHA-256 and links is left as it is (status ``unchanged``), as in a serial ingest.
4. **write** (here, as the built documents come back): each document with its report in
   one :func:`graph.backend.replace_graphs` call — one transaction on the embedded store
   and on Oxigraph server, one staged swap on Virtuoso — so it is stored whole or not at
   all. There is one writer: the embedded store takes only one, and two writers on a
   server could each keep or drop a triple that both documents' graphs share in the
   materialised union on the strength of what the other is about to change.

Every task is a pure function of its inputs (a file, links, a flag) and writes nothing, so
a task is safely run twice: when a worker dies, Dask runs its tasks again elsewhere (and
reads again the documents whose parsed copies it held). A document whose task still fails
(a worker lost :data:`ALLOWED_FAILURES` times over, or an unexpected error) is reported
with the reason, and the rest go on.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from jixiao.extract.doc_records import Document, DocumentError
from jixiao.graph import iris
from jixiao.graph.backend import replace_graphs
from jixiao.graph.build import build_document
from jixiao.graph.commitments import commitments_report
from jixiao.graph.ingest import (
    DocResult,
    Loaded,
    doc_result,
    has_links,
    link_documents,
    read_one,
)
from jixiao.graph.prepared import facts_graph, prepared_facts
from jixiao.graph.prepared_projects import with_project_facts
from jixiao.graph.store import JX, ensure_ontology
from jixiao.graph.validation import report_graph, validate_and_store
from jixiao.graph.validation import validate as validate_text

CONNECT_SECONDS = 15  # how long to wait for a scheduler given by address
ALLOWED_FAILURES = 3  # Dask's retries of a task whose worker died (distributed default)
Progress = Callable[[int, int, DocResult], None]


class SchedulerUnreachable(ConnectionError):
    """The scheduler given by address did not answer."""


@dataclass(frozen=True, slots=True)
class Summary:
    """What comes back from reading one document: enough to link it and report it."""

    doc: Document  # projects without their indicators
    sha256: str
    indicators: int
    seconds: float
    commitments: list[dict[str, object]]  # the ingest report's, made from the whole document


@dataclass(frozen=True, slots=True)
class Built:
    """One document's graphs, ready to write: ``{document: triples, report: report}``."""

    graphs: dict[str, bytes]
    triples: int
    build_seconds: float
    validate_seconds: float
    finished: float = 0.0  # time.time() on the worker when it was built


@dataclass(slots=True)
class Stages:
    """Seconds spent per stage, summed over documents (on the workers for read, build and
    validate; here for link and write), and the wall-clock time of the run."""

    read: float = 0.0
    link: float = 0.0
    build: float = 0.0
    validate: float = 0.0
    write: float = 0.0
    wall: float = 0.0
    workers_span: float = 0.0  # from the start to the last document built on a worker
    written_triples: int = 0
    lost: list[str] = field(default_factory=list)


def read_task(path: str, encoding: str | None = None) -> Loaded | str:
    """Read one document on a worker: its :class:`graph.ingest.Loaded`, or the message of
    the :class:`DocumentError` that says why it cannot be read."""
    try:
        return read_one(Path(path), encoding)
    except DocumentError as error:
        return str(error)


def summary_task(loaded: Loaded | str) -> Summary | str:
    """The slim copy of a read document that linking needs (module notes)."""
    if isinstance(loaded, str):
        return loaded
    doc = loaded.doc
    projects = tuple(dataclasses.replace(p, indicators=(), indicator_text="") for p in doc.projects)
    indicators = sum(len(p.indicators) for p in doc.projects)
    slim = dataclasses.replace(doc, projects=projects, budget_lines=(), dept_indicators=())
    return Summary(slim, loaded.sha256, indicators, loaded.seconds, commitments_report(doc))


def build_task(
    loaded: Loaded, links: list[tuple[str, str, str]], validate: bool, engine: str = "compiled"
) -> Built:
    """Build one document's graph with its links and, if ``validate``, its SHACL report
    (an empty report graph otherwise: an old report would describe the old content)."""
    start = time.perf_counter()
    document = iris.document_iri(loaded.doc)
    text = build_document(loaded.doc, loaded.sha256, links).text()
    built = time.perf_counter()
    report = validate_text(text, document, engine).report_nt if validate else b""
    done = time.perf_counter()
    facts = prepared_facts(document, text, report).encode("utf-8")  # written with them
    return Built(
        {
            document: text.encode("utf-8"),
            report_graph(document): report,
            facts_graph(document): facts,
        },
        text.count("\n"),
        built - start,
        done - built,
        time.time(),
    )


def _stored_hashes(store: ox.Store) -> dict[str, str]:
    """The SHA-256 of every stored document, by graph, in one look-up for the run: asked
    per document, a server re-lists its graphs for each (graph/remote.py); on Virtuoso,
    a step of benchmarks/national.py at 30,000 indicators spent 1,346 s of its 1,665 s
    outside the writes."""
    sha256 = ox.NamedNode(JX + "sha256")
    return {
        quad.graph_name.value: quad.object.value
        for quad in store.quads_for_pattern(None, sha256, None, None)
        if isinstance(quad.graph_name, ox.NamedNode) and quad.subject == quad.graph_name
    }


def _lost(path: str, error: BaseException) -> str:
    kind = type(error).__name__
    if kind == "KilledWorker":
        return f"{path}: not stored: its worker died {ALLOWED_FAILURES} times ({error})"
    return f"{path}: could not be built ({kind}: {error})"


def ingest_on_cluster(
    paths: Sequence[Path | str],
    store: ox.Store,
    client: object,
    progress: Progress | None = None,
    force: bool = False,
    validate: bool = True,
    encoding: str | None = None,
    stages: Stages | None = None,
    engine: str = "compiled",
) -> list[DocResult]:
    """Ingest ``paths`` into ``store`` with the workers of the :class:`distributed.Client`
    ``client`` (module notes); one :class:`graph.ingest.DocResult` per path, in order, as
    :func:`graph.ingest.ingest_paths` gives. ``stages`` collects the time per stage."""
    from distributed import as_completed

    stages = stages if stages is not None else Stages()
    wall, began = time.perf_counter(), time.time()
    ensure_ontology(store)
    names = [str(p) for p in paths]
    reads = client.map(read_task, names, encoding=encoding, pure=False)  # type: ignore[attr-defined]
    summaries = client.map(summary_task, reads, pure=False)  # type: ignore[attr-defined]
    results = [DocResult(name, "error") for name in names]
    read: dict[int, Summary] = {}
    for i, future in enumerate(summaries):
        try:
            got = future.result()
        except Exception as error:  # a task that failed for good: this document only
            results[i].error = _lost(names[i], error)
            stages.lost.append(names[i])
            continue
        if isinstance(got, str):
            results[i].error = got
            continue
        read[i] = got
        stages.read += got.seconds
    del summaries
    start = time.perf_counter()
    links = link_documents([s.doc for s in read.values()])
    stages.link += time.perf_counter() - start
    total = len(names)
    done = total - len(read)
    pending = {}
    stored = _stored_hashes(store) if not force else {}
    for i, summary in read.items():
        doc = summary.doc
        result = results[i] = doc_result(
            doc, summary.seconds, summary.indicators, summary.commitments
        )
        mine = links.get(doc.path, [])
        if (
            not force
            and stored.get(result.document) == summary.sha256
            and has_links(store, result.document, mine)
        ):
            result.status = "unchanged"
            if validate and not store.contains_named_graph(
                ox.NamedNode(report_graph(result.document))
            ):
                validate_and_store(store, result.document)
                result.status = "validated"
            done += 1
            if progress is not None:
                progress(done, total, result)
            continue
        future = client.submit(build_task, reads[i], mine, validate, engine, pure=False)  # type: ignore[attr-defined]
        pending[future] = i
    del reads  # a read is kept on its worker only while its build needs it
    for future in as_completed(list(pending)):
        i = pending.pop(future)
        result = results[i]
        try:
            built: Built = future.result()
        except Exception as error:
            result.status, result.error = "error", _lost(result.path, error)
            stages.lost.append(result.path)
        else:
            stages.workers_span = max(stages.workers_span, built.finished - began)
            _write(store, built, result, stages)
        future.release()
        done += 1
        if progress is not None:
            progress(done, total, result)
    stages.wall += time.perf_counter() - wall
    return results


def _write(store: ox.Store, built: Built, result: DocResult, stages: Stages) -> None:
    stages.build += built.build_seconds
    stages.validate += built.validate_seconds
    start = time.perf_counter()
    try:
        replace_graphs(store, with_project_facts(store, built.graphs))  # type: ignore[arg-type]
    except Exception as error:  # this document only: the others go on
        result.status = "error"
        result.error = f"{result.path}: could not be stored ({type(error).__name__}: {error})"
    else:
        result.triples = built.triples
        stages.written_triples += built.triples
    seconds = time.perf_counter() - start
    stages.write += seconds
    result.seconds += built.build_seconds + built.validate_seconds + seconds


@contextmanager
def cluster(workers: int | None = None, scheduler: str | None = None) -> Iterator[object]:
    """A :class:`distributed.Client` of an existing scheduler (``tcp://host:port``), or of
    a local cluster of ``workers`` processes (one thread each: parsing and validation hold
    the GIL) listening on 127.0.0.1 only, stopped at the end."""
    from distributed import Client, LocalCluster

    if scheduler:
        try:
            client = Client(scheduler, timeout=CONNECT_SECONDS)
        except OSError as error:
            raise SchedulerUnreachable(
                f"no Dask scheduler answers at {scheduler} within {CONNECT_SECONDS} s"
                f" (expected tcp://HOST:PORT of a running 'dask scheduler'): {error}"
            ) from None
        with client:
            yield client
        return
    with (
        LocalCluster(
            n_workers=max(1, workers or 1),
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address="127.0.0.1:0",  # its HTTP endpoints on loopback, any free port
        ) as local,
        Client(local) as client,
    ):
        yield client


__all__ = [
    "Built",
    "SchedulerUnreachable",
    "Stages",
    "Summary",
    "build_task",
    "cluster",
    "ingest_on_cluster",
]
