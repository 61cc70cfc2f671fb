"""Deterministic IRIs of the data (``https://w3id.org/jixiao/id/…``).

An IRI is derived from content only, never from the order of ingestion, so the same
project printed in two documents of one year gets one IRI and re-ingesting a document
mints the same IRIs again:

- organisations: ``org/dept/<h>`` and ``org/unit/<h>`` from the normalised name;
- projects: ``project/<year>/<h>`` from the normalised unit and project names
  (:func:`extract.linking.normalize_name` with the publisher's known renames);
- indicators: ``<project>/i<position>``; their targets ``<indicator>/period`` and ``/annual``;
- source documents (also the name of their graph): ``doc/<h>`` from kind, department and year
  (or from the file name when those are not printed), so a corrected edition of a document
  replaces the earlier one;
- budget lines and department targets: ``<document>/line/<n>`` and ``<document>/target/<n>``.

``<h>`` is the first 16 hex digits of the SHA-1 of the key parts joined by U+001F.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from functools import lru_cache
from pathlib import PurePath

from jixiao.extract.doc_records import Document
from jixiao.extract.linking import KNOWN_RENAMES, normalize_name

BASE = "https://w3id.org/jixiao/id/"
JX = "https://w3id.org/jixiao/ontology#"
FRAME = BASE + "frame/"
FUNCTIONAL = BASE + "class/functional/"
QUDT_UNIT = "http://qudt.org/vocab/unit/"

# Printed unit → QUDT unit (jx:qudtUnit); only units that map exactly.
QUDT_UNITS: Mapping[str, str] = {
    "%": QUDT_UNIT + "PERCENT",
    "元": QUDT_UNIT + "CCY_CNY",
    "万元": JX + "TenThousandYuan",
    "秒": QUDT_UNIT + "SEC",
    "分钟": QUDT_UNIT + "MIN",
    "小时": QUDT_UNIT + "HR",
}


def digest(*parts: str) -> str:
    """16 hex digits identifying ``parts`` (order matters)."""
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]


@lru_cache(maxsize=65536)
def org_key(name: str) -> str:
    """Normalised organisation name: spaces, widths and doubled words folded, no renames."""
    return normalize_name(name, {})


def department_iri(name: str) -> str:
    return f"{BASE}org/dept/{digest(org_key(name))}"


def unit_iri(name: str) -> str:
    return f"{BASE}org/unit/{digest(org_key(name))}"


@lru_cache(maxsize=65536)
def project_key(unit: str, name: str) -> tuple[str, str]:
    """(unit, name) normalised for identity: the same key for 000's and 002's spellings."""
    return normalize_name(unit, KNOWN_RENAMES), normalize_name(name, KNOWN_RENAMES)


def project_iri(year: int | None, unit: str, name: str) -> str:
    unit_k, name_k = project_key(unit, name)
    return f"{BASE}project/{year if year is not None else 'unknown'}/{digest(unit_k, name_k)}"


def indicator_iri(project: str, position: int) -> str:
    return f"{project}/i{position}"


def target_iri(indicator: str, which: str) -> str:
    """``which`` is ``period`` or ``annual``."""
    return f"{indicator}/{which}"


def document_key(doc: Document) -> tuple[str, ...]:
    """What identifies a document across editions: kind, department and year if printed."""
    if doc.department and doc.fiscal_year is not None:
        return (doc.kind, org_key(doc.department), str(doc.fiscal_year))
    return ("file", PurePath(doc.path).name)


def document_iri(doc: Document) -> str:
    return f"{BASE}doc/{digest(*document_key(doc))}"


def line_iri(document: str, line: int, table: str = "") -> str:
    """A row of a budget table; ``table`` separates rows of two tables printed on one line."""
    suffix = f"-{digest(table)[:6]}" if table else ""
    return f"{document}/line/{line}{suffix}"


def dept_target_iri(document: str, index: int) -> str:
    return f"{document}/target/{index}"


def frame_concept(frame: str, local: str) -> str:
    return f"{FRAME}{frame}/{local}"


def functional_class(code: str) -> str:
    return f"{FUNCTIONAL}{code}"


class Frames:
    """Framework concepts by scheme, code and label, read once from ``framework.ttl``."""

    def __init__(self) -> None:
        from jixiao.ontology import load_graph  # rdflib: only at start-up, never per record

        graph = load_graph("framework.ttl")
        skos = "http://www.w3.org/2004/02/skos/core#"
        self.by_code: dict[str, str] = {}
        self.by_label: dict[tuple[str, str], str] = {}
        self.broader: dict[str, str] = {}
        self.category: dict[str, str] = {}  # concept → its jx:category
        rows = graph.query(
            f"""SELECT ?c ?scheme ?code ?label ?up ?category WHERE {{
                ?c <{skos}inScheme> ?scheme .
                OPTIONAL {{ ?c <{skos}notation> ?code }}
                OPTIONAL {{ ?c <{skos}prefLabel> ?label FILTER(lang(?label) = "zh") }}
                OPTIONAL {{ ?c <{skos}broader> ?up }}
                OPTIONAL {{ ?c <{JX}category> ?category }} }}"""
        )
        for c, scheme, code, label, up, category in rows:  # type: ignore[misc]
            frame = str(scheme).removeprefix(FRAME)
            if code is not None:
                self.by_code.setdefault(str(code), str(c))
            if label is not None:
                self.by_label.setdefault((frame, str(label)), str(c))
            if up is not None:
                self.broader[str(c)] = str(up)
            if category is not None:
                self.category[str(c)] = str(category)

    def concept(self, code: str | None, label: str | None, year: int | None) -> str | None:
        """The concept printed as ``code``/``label``: by code first, else by label in the
        frame of the year (``pre-2021`` before 2021, ``gz-2026`` after)."""
        if code and code in self.by_code:
            return self.by_code[code]
        if not label:
            return None
        frames = ("pre-2021", "gz-2026") if year is not None and year < 2021 else ("gz-2026",)
        for frame in frames:
            for variant in (label, label + "指标", label.removesuffix("指标")):
                found = self.by_label.get((frame, variant))
                if found:
                    return found
        return None


@lru_cache(maxsize=1)
def frames() -> Frames:
    return Frames()


@lru_cache(maxsize=1)
def functional_codes() -> frozenset[str]:
    """Functional classification codes declared in ``classifications.ttl``."""
    from jixiao.ontology import load_graph

    graph = load_graph("classifications.ttl")
    return frozenset(
        str(s).removeprefix(FUNCTIONAL) for s in graph.subjects() if str(s).startswith(FUNCTIONAL)
    )
