"""SHACL validation of document graphs (``ontology/shapes/*.ttl``): one package, one entry.

- :func:`validate`: one document given as N-Triples → :class:`Validation` (findings and
  the ``sh:ValidationReport``), with the compiled engine (default) or pySHACL;
- :func:`validate_store`: every document of a store (or those listed), reports written to
  ``<document>/report``;
- :class:`Validation`, :class:`Finding`, :func:`report_graph` and the renderers for those
  who show findings.

Two engines give the same findings (``tests/test_validate*.py`` compare them):

- ``compiled`` — the shapes compiled to SPARQL (:mod:`.compile`, :mod:`.compile_nested`,
  :mod:`.compile_text`) run by pyoxigraph (:mod:`.compiled`), findings and report written
  by :mod:`.report`; 10–30× faster than pySHACL;
- ``pyshacl`` — the reference (:mod:`.reference`), per document in memory.

Modules depend downwards only: :mod:`.shapes`, :mod:`.findings` → :mod:`.result` →
(:mod:`.compile*` → :mod:`.report` → :mod:`.compiled`) | :mod:`.reference` → this entry.
Cross-document rules are SPARQL queries on the store (``queries/check_*.rq``).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from functools import lru_cache

import pyoxigraph as ox
from rdflib import Graph

from jixiao.graph.validation.compile_text import UnsupportedShape
from jixiao.graph.validation.compiled import Staging, validate_store_sparql
from jixiao.graph.validation.findings import (
    SEVERITIES,
    Finding,
    merge_reports,
    render_json,
    render_text,
    summary,
)
from jixiao.graph.validation.reference import Progress, validate_ntriples, validate_store_pyshacl
from jixiao.graph.validation.result import (
    REPORT_SUFFIX,
    Validation,
    document_graphs,
    document_ntriples,
    report_graph,
    write_report,
)
from jixiao.graph.validation.shapes import shape_labels, shapes_graph

ENGINES = ("compiled", "pyshacl")
_ALIASES = {"sparql": "compiled"}  # the compiled engine's name before this package


def engine_name(engine: str) -> str:
    """``engine`` checked (``sparql`` is the compiled engine's older name);
    :class:`ValueError` naming the engines otherwise."""
    name = _ALIASES.get(engine, engine)
    if name not in ENGINES:
        raise ValueError(f"unknown validation engine {engine!r} (one of {', '.join(ENGINES)})")
    return name


@lru_cache(maxsize=1)
def staging() -> Staging:
    """This process's staging store for the compiled engine (ontology loaded once)."""
    return Staging()


def validate(
    ntriples: str | bytes, document: str = "", engine: str = "compiled", keep: bool = False
) -> Validation:
    """Validate one document's graph, given as N-Triples, as it would be stored: the
    findings and report of the shapes on the document plus the indicator frameworks.
    With ``keep`` the compiled engine leaves the in-memory store it validated on in
    ``Validation.staged`` (the document in its named graph). :class:`SyntaxError` if the
    text is not N-Triples."""
    if engine_name(engine) == "pyshacl":
        return validate_ntriples(ntriples, document)
    return staging().validate(ntriples, document, keep)


def validate_store(
    store: ox.Store,
    documents: Sequence[str] | None = None,
    workers: int | None = None,
    write: bool = True,
    progress: Progress | None = None,
    engine: str = "compiled",
    path: str | os.PathLike[str] | None = None,
) -> list[Validation]:
    """Validate every document graph of ``store`` (or ``documents``); with ``write`` each
    report replaces ``<document>/report``. Results in document order. ``path``, the store's
    directory, lets the compiled engine validate in worker processes on a checkpoint."""
    if engine_name(engine) == "pyshacl":
        return validate_store_pyshacl(store, documents, workers, write, progress)
    return validate_store_sparql(store, documents, workers, write, progress, path)


def validate_and_store(store: ox.Store, document: str, engine: str = "compiled") -> Validation:
    """Validate one stored document and store its report (one transaction)."""
    validation = validate(document_ntriples(store, document), document, engine)
    write_report(store, validation)
    return validation


def all_findings(validations: Sequence[Validation]) -> list[Finding]:
    """The findings of every validation, in order."""
    return [f for v in validations for f in v.findings]


def merged_report(validations: Sequence[Validation]) -> Graph:
    """One ``sh:ValidationReport`` of every validation's results."""
    return merge_reports(v.report for v in validations)


__all__ = [
    "ENGINES",
    "REPORT_SUFFIX",
    "SEVERITIES",
    "Finding",
    "UnsupportedShape",
    "Validation",
    "all_findings",
    "document_graphs",
    "engine_name",
    "merged_report",
    "render_json",
    "render_text",
    "report_graph",
    "shape_labels",
    "shapes_graph",
    "summary",
    "validate",
    "validate_and_store",
    "validate_store",
]
