"""JSON-ready summary of documents, for ``jixiao ingest --dry-run --json PATH...``.

:func:`summarize` reads every document before anything is summarised, so a file that
cannot be read raises :class:`~extract.doc_records.DocumentError` and nothing is output;
:func:`read_each` reads each file on its own (one bad file never hides the others).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from jixiao.extract.doc_records import DocIssue, Document, DocumentError
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


def unexpected(path: Path | str, error: Exception) -> DocumentError:
    """A reader's own failure on ``path`` (a bug, not a bad file) as a :class:`DocumentError`
    naming the file, so that the caller reports it with the others and goes on."""
    return DocumentError(
        path, f"could not be read ({type(error).__name__}: {error}); expected no internal error"
    )


def read_each(
    paths: Sequence[Path | str], encoding: str | None = None
) -> list[Document | DocumentError]:
    """Read each file on its own: its :class:`Document`, or the :class:`DocumentError` that
    says why it cannot be read (an unexpected failure included, see :func:`unexpected`).
    ``encoding`` forces the encoding of text and HTML files."""
    out: list[Document | DocumentError] = []
    for path in paths:
        try:
            out.append(read_document(path, encoding))
        except DocumentError as error:
            out.append(error)
        except Exception as error:  # one file must not stop the others
            out.append(unexpected(path, error))
    return out
