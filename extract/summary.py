"""JSON-ready summary of documents, for ``jixiao ingest --dry-run --json PATH...``.

Every document is read before anything is summarised, so a file that cannot be read
raises :class:`~extract.doc_records.DocumentError` and nothing is output.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from jixiao.extract.doc_records import DocIssue, Document
from jixiao.extract.document import read_document
from jixiao.extract.linking import link_same_year


def _number(value: object) -> float | None:
    return float(value) if value is not None else None  # type: ignore[arg-type]


def summarize_documents(docs: Sequence[Document]) -> list[dict[str, object]]:
    """One summary object per document (see :func:`summarize`)."""
    result = link_same_year(docs)
    linked: dict[str, set[int]] = {}
    for link in result.links:
        for side in (link.a, link.b):
            linked.setdefault(side.path, set()).add(side.line)
    extra: dict[str, list[DocIssue]] = {}
    for unmatched, issue in zip(result.unmatched, result.issues, strict=True):
        extra.setdefault(unmatched.path, []).append(issue)
    out = []
    for doc in docs:
        issues = [*doc.issues, *extra.get(doc.path, [])]
        out.append(
            {
                "file": doc.path,
                "kind": doc.kind,
                "department": doc.department,
                "fiscal_year": doc.fiscal_year,
                "units": len(doc.units),
                "projects": len(doc.projects),
                "total": _number(doc.total.total if doc.total else None),
                "indicators": sum(len(p.indicators) for p in doc.projects),
                "linked_projects": len(linked.get(doc.path, set())),
                "issues": [i.as_dict() for i in issues],
            }
        )
    return out


def summarize(paths: list[Path], encoding: str | None = None) -> list[dict[str, object]]:
    """Read every document at ``paths`` and summarise each: ``file``, ``kind``,
    ``department``, ``fiscal_year``, ``units``, ``projects``, ``total`` (the 合计 of the
    project table, 万元), ``indicators``, ``linked_projects`` (projects matched to another
    given document of the same year) and ``issues`` (``{code, message, line}``).
    ``encoding`` forces the encoding of text and HTML files."""
    docs = [read_document(path, encoding) for path in paths]
    return summarize_documents(docs)
