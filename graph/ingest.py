"""Documents → store: read, link, build and load each document as one named graph.

Every document is read first (a file that cannot be read is reported and skipped, the
others go on), then the documents are linked (same year: fuzzy matches become
``jx:sameProjectAs``, exact ones already share an IRI; across years: ``jx:previousYear``
for consecutive years, ``jx:sameProjectAs`` otherwise; organisation renames are written by
:mod:`graph.build`). Link triples go into the graph of the newer document. Each document is
then built, validated in memory (the compiled shapes on a staging store,
:func:`graph.validation.validate`; ``engine="pyshacl"`` for the reference) and stored with
its SHACL report in **one** transaction (see :mod:`graph.store_batch`): a process killed at
any moment leaves each document with its report or absent, never stored but unvalidated
(issue #18). A document is built and validated in a thread while the one before it is
written (pyoxigraph writes without the GIL); the writes stay in order in the calling
thread. A document whose stored graph has the same SHA-256 and already holds its links is
left as it is — unless its report is missing (a store written before, or by
``--no-validate``): then it is validated now (status ``validated``).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from jixiao.extract.doc_records import Document, DocumentError
from jixiao.extract.document import read_data
from jixiao.extract.linking import (
    Link,
    link_across_years,
    link_same_year,
    normalize_name,
    renames_of,
)
from jixiao.extract.summary import unexpected
from jixiao.graph import iris
from jixiao.graph.build import build_document
from jixiao.graph.commitments import commitments_report
from jixiao.graph.prepared import facts_graph, prepared_facts
from jixiao.graph.prepared_projects import with_project_facts
from jixiao.graph.store import JX, ensure_ontology, stored_sha256
from jixiao.graph.store_batch import replace_graphs
from jixiao.graph.validation import document_ntriples, engine_name, report_graph
from jixiao.graph.validation import validate as validate_text


@dataclass(slots=True)
class DocResult:
    """What happened to one document: ``status`` is stored, unchanged, validated (unchanged,
    its missing report written now) or error."""

    path: str
    status: str
    document: str = ""
    department: str | None = None
    fiscal_year: int | None = None
    kind: str = ""
    projects: int = 0
    indicators: int = 0
    triples: int = 0
    seconds: float = 0.0
    error: str = ""
    issues: list[str] = field(default_factory=list)
    commitments: list[dict[str, object]] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {k: getattr(self, k) for k in self.__slots__}  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class Loaded:
    doc: Document
    sha256: str
    seconds: float


def read_one(path: Path, encoding: str | None = None) -> Loaded:
    """Read and parse one file of any published format (``encoding`` forces a text
    file's); :class:`DocumentError` if it cannot be read."""
    start = time.perf_counter()
    try:
        data = path.read_bytes()
    except OSError as error:
        raise DocumentError(path, f"cannot read file ({error.strerror})") from None
    try:
        doc = read_data(data, path, encoding)
    except DocumentError:
        raise
    except Exception as error:  # a reader's bug stops this file only
        raise unexpected(path, error) from error
    return Loaded(doc, hashlib.sha256(data).hexdigest(), time.perf_counter() - start)


def _groups(docs: Sequence[Document]) -> list[list[Document]]:
    """Documents that share a unit (renames applied): only those are linked, so that
    unrelated departments never cost a pairwise comparison."""
    table = renames_of(docs)
    parent = list(range(len(docs)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner: dict[str, int] = {}
    for i, doc in enumerate(docs):
        names = {u.name for u in doc.units} | {p.unit for p in doc.projects}
        for name in names:
            key = normalize_name(name, table)
            if key in owner:
                parent[find(i)] = find(owner[key])
            else:
                owner[key] = i
    groups: dict[int, list[Document]] = {}
    for i, doc in enumerate(docs):
        groups.setdefault(find(i), []).append(doc)
    return list(groups.values())


def _project(ref_year: int | None, unit: str, name: str) -> str:
    return iris.project_iri(ref_year, unit, name)


def link_documents(docs: Sequence[Document]) -> dict[str, list[tuple[str, str, str]]]:
    """Link triples (subject, jx term, object) per document path (the newer document)."""
    out: dict[str, list[tuple[str, str, str]]] = {d.path: [] for d in docs}
    years = {d.path: d.fiscal_year for d in docs}
    for group in _groups(docs):
        if len(group) < 2:
            continue
        links: list[Link] = list(link_same_year(group).links)
        links += link_across_years(group).links
        for link in links:
            a, b = link.a, link.b
            if (years[a.path] or 0) > (years[b.path] or 0):
                a, b = b, a
            older = _project(a.fiscal_year, a.unit, a.name)
            newer = _project(b.fiscal_year, b.unit, b.name)
            if older == newer:
                continue
            gap = (b.fiscal_year or 0) - (a.fiscal_year or 0)
            term = "previousYear" if gap == 1 else "sameProjectAs"
            out[b.path].append((newer, term, older))
    return out


def doc_result(
    doc: Document,
    seconds: float,
    indicators: int | None = None,
    commitments: list[dict[str, object]] | None = None,
) -> DocResult:
    """The :class:`DocResult` of a read document, status ``stored`` until told otherwise.
    ``indicators`` and ``commitments`` are counted from ``doc`` unless given (a Dask
    worker gives them, having sent back a copy of the document without its indicators)."""
    return DocResult(
        doc.path,
        "stored",
        document=iris.document_iri(doc),
        department=doc.department,
        fiscal_year=doc.fiscal_year,
        kind=doc.kind,
        projects=len(doc.projects),
        indicators=(
            indicators if indicators is not None else sum(len(p.indicators) for p in doc.projects)
        ),
        seconds=seconds,
        issues=[i.code for i in doc.issues],
        commitments=commitments if commitments is not None else commitments_report(doc),
    )


def has_links(store: ox.Store, graph: str, links: Iterable[tuple[str, str, str]]) -> bool:
    """Whether the named graph ``graph`` already holds every link triple of ``links``."""
    g = ox.NamedNode(graph)
    for s, term, o in links:
        pattern = (ox.NamedNode(s), ox.NamedNode(JX + term), ox.NamedNode(o), g)
        if next(iter(store.quads_for_pattern(*pattern)), None) is None:
            return False
    return True


Progress = Callable[[int, int, DocResult], None]


def ingest_paths(
    paths: Sequence[Path | str],
    store: ox.Store,
    progress: Progress | None = None,
    force: bool = False,
    validate: bool = True,
    encoding: str | None = None,
    engine: str = "compiled",
) -> list[DocResult]:
    """Ingest the documents at ``paths`` into ``store``; one :class:`DocResult` each, in
    order. ``progress(done, total, result)`` is called after each document. Each stored
    document is validated with the SHACL shapes and its report kept in
    ``<document>/report`` (architecture.md), unless ``validate`` is false. ``encoding``
    forces the encoding of text and HTML files; ``engine`` the validation engine
    (``compiled`` or ``pyshacl``: the same findings)."""
    engine = engine_name(engine)
    ensure_ontology(store)
    results: list[DocResult] = []
    loaded: list[Loaded] = []
    by_path: dict[str, DocResult] = {}
    for path in paths:
        try:
            item = read_one(Path(path), encoding)
        except DocumentError as error:
            results.append(DocResult(str(path), "error", error=str(error)))
            continue
        loaded.append(item)
        doc = item.doc
        result = doc_result(doc, item.seconds)
        results.append(result)
        by_path[doc.path] = result
    links = link_documents([item.doc for item in loaded])
    total = len(results)
    done = sum(1 for r in results if r.status == "error")

    def prepare(item: Loaded) -> dict[str, str | bytes]:
        result = by_path[item.doc.path]
        return prepare_one(store, item, result, links.get(item.doc.path, []), force, validate,
                           engine)  # fmt: skip

    # One document is built and validated in a thread while the one before is written:
    # pyoxigraph writes without holding the GIL. Writes stay in this thread, in order.
    with ThreadPoolExecutor(1, thread_name_prefix="jixiao-prepare") as pool:
        pending: Future[dict[str, str | bytes]] | None = None
        for k, item in enumerate(loaded):
            result = by_path[item.doc.path]
            start = time.perf_counter()
            future = pending if pending is not None else pool.submit(prepare, item)
            pending = None
            try:
                graphs = future.result()
                following = loaded[k + 1] if k + 1 < len(loaded) else None
                if following is not None and _iri(following) != result.document:
                    pending = pool.submit(prepare, following)  # else: after this write
                if graphs:  # with the project facts of the union it makes, read now
                    replace_graphs(store, with_project_facts(store, graphs))
            except Exception as error:  # this document only: the others go on
                result.status = "error"
                result.error = (
                    f"{item.doc.path}: could not be stored ({type(error).__name__}: {error})"
                )
            result.seconds += time.perf_counter() - start
            done += 1
            if progress is not None:
                progress(done, total, result)
    return results


def _iri(item: Loaded) -> str:
    return iris.document_iri(item.doc)


def prepare_one(
    store: ox.Store,
    item: Loaded,
    result: DocResult,
    links: list[tuple[str, str, str]],
    force: bool,
    validate: bool,
    engine: str = "compiled",
) -> dict[str, str | bytes]:
    """What storing one document writes, in one transaction (module notes): its graph and
    its report, built and validated; only the report when the stored document is current
    but has none (status ``validated``); nothing when it is current (``unchanged``). Reads
    the store, never writes it."""
    document = result.document
    report = report_graph(document)
    if (
        not force
        and stored_sha256(store, document) == item.sha256
        and has_links(store, document, links)
    ):
        result.status = "unchanged"
        if validate and not store.contains_named_graph(ox.NamedNode(report)):
            result.status = "validated"
            text = document_ntriples(store, document)
            validation = validate_text(text, document, engine, keep=True)
            # the facts count the report's findings: written again with it
            return {
                report: validation.report_nt,
                facts_graph(document): prepared_facts(
                    document, text, validation.report_nt, validation.staged
                ),
            }
        return {}
    triples = build_document(item.doc, item.sha256, links)
    result.triples = len(triples)
    text = triples.text()
    # without validation an old report would describe the old content: it goes
    graphs: dict[str, str | bytes] = {document: text, report: b""}
    staged = None
    if validate:
        validation = validate_text(text, document, engine, keep=True)
        graphs[report], staged = validation.report_nt, validation.staged
    # the audit answers prepared from this document go in the same transaction (read from
    # the store the document was validated on, which holds it already)
    graphs[facts_graph(document)] = prepared_facts(document, text, graphs[report], staged)
    return graphs
