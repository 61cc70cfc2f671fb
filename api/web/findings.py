"""The findings the pages show: counts, lists cut into pages by the query, and for each
listed finding the project, indicator, document and line it concerns.

Lists are read in two steps. The first query selects the findings (``GRAPH ?g`` of the
report graphs, filtered by severity, shape, project or unit), sorts them on one key bound
per row (severity rank, shape, focus node) and cuts the page; small queries then look up
the details of that page's focus nodes, values and documents, each pattern starting from a
``VALUES`` block so that pyoxigraph follows the indexes from the few IRIs given (keys in
chunks below the row cap). Joined in one query, the details were hash-joined over the whole
store: at 10⁵ indicators (48,356 findings) the findings page took 27–36 s and stopped at
the row cap; now ≈ 8 s, most of it the sort of every finding.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox
from fastapi import Request

from jixiao.api import rest
from jixiao.api.select import JX, SH, iri_term, select
from jixiao.api.web.i18n import SEVERITY_IRI
from jixiao.api.workers import Term

CHUNK = 400  # keys per VALUES block

_BY_SEVERITY = """
SELECT ?sev (COUNT(DISTINCT ?r) AS ?n) WHERE {
  {values} {scope}
  GRAPH ?g { ?rep sh:result ?r . ?r sh:resultSeverity ?sev ; sh:focusNode ?f . {shape} }
} GROUP BY ?sev
"""
_BY_SHAPE = """
SELECT ?key ?blank (MIN(?sev) AS ?severity) (COUNT(DISTINCT ?r) AS ?n) WHERE {
  GRAPH ?g { ?rep sh:result ?r . ?r sh:resultSeverity ?sev ; sh:sourceShape ?s .
             OPTIONAL { ?r sh:sourceConstraintComponent ?c } }
  BIND(IF(isBlank(?s), ?c, ?s) AS ?key) BIND(isBlank(?s) AS ?blank)
} GROUP BY ?key ?blank ORDER BY DESC(?n)
"""
_RANK = 'IF(?sev = sh:Violation, "0", IF(?sev = sh:Warning, "1", "2"))'
_LIST = (
    """
SELECT ?result ?severity ?focus ?shape ?anonymous ?component ?document
       (SAMPLE(?mz) AS ?message_zh) (SAMPLE(?me) AS ?message_en) (SAMPLE(?v) AS ?value) WHERE {
  { SELECT ?r ?sev ?f ?s ?c ?g ?key WHERE {
      {values} {scope}
      GRAPH ?g { ?rep sh:result ?r . ?r sh:resultSeverity ?sev ; sh:focusNode ?f . {shape}
                 OPTIONAL { ?r sh:sourceConstraintComponent ?c } }
      BIND(CONCAT(RANK, "\\u0001", COALESCE(IF(isBlank(?s), STR(?c), STR(?s)), ""), "\\u0001",
                  STR(?f)) AS ?key)
    } ORDER BY ?key ?r {page} }
  OPTIONAL { ?r sh:resultMessage ?mz FILTER(ZH_FILTER) }
  OPTIONAL { ?r sh:resultMessage ?me FILTER(EN_FILTER) }
  OPTIONAL { ?r sh:value ?v }
  BIND(?r AS ?result) BIND(?sev AS ?severity) BIND(?f AS ?focus) BIND(?s AS ?shape)
  BIND(?c AS ?component) BIND(isBlank(?s) AS ?anonymous)
  BIND(IRI(STRBEFORE(STR(?g), "/report")) AS ?document)
} GROUP BY ?result ?severity ?focus ?shape ?anonymous ?component ?document ?key
ORDER BY ?key ?result
""".replace("RANK", _RANK)
    .replace("ZH_FILTER", rest.message_filter("?mz", "zh"))
    .replace("EN_FILTER", rest.message_filter("?me", "en"))
)
# The details of a page's findings, one row per key (the keys given as VALUES in each
# branch, so that the indexes are followed from them; keys cut in chunks below the row cap).
_OF_FOCUS = """
SELECT ?f (MIN(?pr) AS ?project) (MIN(?pn) AS ?project_name) (MIN(?py) AS ?year)
       (MIN(?fi) AS ?indicator) (MIN(?in) AS ?indicator_name) WHERE {
  { @KEYS@ ?f a jx:Project ; jx:name ?pn ; jx:fiscalYear ?py . BIND(?f AS ?pr) }
  UNION { @KEYS@ ?pr jx:hasIndicator ?f ; jx:name ?pn ; jx:fiscalYear ?py .
          BIND(?f AS ?fi) OPTIONAL { ?f jx:name ?in } }
  UNION { @KEYS@ ?fi @TARGET@ ?f . ?pr jx:hasIndicator ?fi ; jx:name ?pn ; jx:fiscalYear ?py .
          OPTIONAL { ?fi jx:name ?in } }
} GROUP BY ?f
"""
_OF_VALUE = "SELECT ?v (MIN(?t) AS ?text) WHERE { @KEYS@ ?v jx:rawText ?t } GROUP BY ?v"
_OF_DOCUMENT = """
SELECT ?d (MIN(?n) AS ?name) (MIN(?k) AS ?kind) (MIN(?y) AS ?year) (MIN(?dn) AS ?department)
WHERE { @KEYS@ ?d dcterms:source ?n . OPTIONAL { ?d jx:documentKind ?k }
        OPTIONAL { ?d jx:fiscalYear ?y } OPTIONAL { ?d jx:organization/skos:prefLabel ?dn } }
GROUP BY ?d
"""
_LINE = """
SELECT ?d ?f (MIN(?own) AS ?line) (MIN(?its) AS ?indicator_line) WHERE {
  { @KEYS@ GRAPH ?d { ?f jx:sourceLine ?own } }
  UNION { @KEYS@ GRAPH ?d { ?fi @TARGET@ ?f . ?fi jx:sourceLine ?its } }
} GROUP BY ?d ?f
"""
_TARGET = "(jx:periodTarget|jx:annualTarget)"
# where the findings of a project or a unit are: on it, its indicators and their targets
_TO_FOCUS = "(jx:hasIndicator|jx:hasIndicator/(jx:periodTarget|jx:annualTarget))?"
_SCOPES = {
    "all": "",
    "project": f"?project {_TO_FOCUS} ?f .",
    "unit": f"?pr jx:unit ?unit . ?pr {_TO_FOCUS} ?f .",
}
_SEVERITY_RANK = {"Violation": 0, "Warning": 1, "Info": 2}


@dataclass(slots=True)
class FindingQuery:
    severity: str | None = None  # Violation | Warning | Info
    shape: str | None = None  # a key from :func:`shape_key`
    project: str | None = None  # IRI
    unit: str | None = None  # IRI


def shape_key(key: str, blank: bool) -> str:
    """A short, stable name for a shape: ``RateUnitShape``, or ``anon:OrConstraintComponent``."""
    if blank:
        return "anon:" + key.rsplit("#", 1)[-1]
    return key[len(JX) :] if key.startswith(JX) else key


def findings_by_shape(request: Request) -> list[dict[str, Any]]:
    rows = select(request, _BY_SHAPE)
    return [
        {"key": shape_key(r["key"], bool(r["blank"])), "n": r["n"],
         "severity": SEVERITY_IRI.get(r["severity"], "")}
        for r in rows if r["key"] is not None
    ]  # fmt: skip


def shape_filter(key: str) -> tuple[str, dict[str, Term]]:
    """The fixed pattern and the term that select the findings of shape ``key``."""
    if key.startswith("anon:") and re.fullmatch(r"\w+", key[5:]):
        return ("?r sh:sourceShape ?s ; sh:sourceConstraintComponent ?anonComponent . "
                "FILTER(isBlank(?s))", {"anonComponent": Term("iri", SH + key[5:])})  # fmt: skip
    if re.fullmatch(r"\w+", key):
        return "?r sh:sourceShape ?s .", {"s": Term("iri", JX + key)}
    return "?r sh:sourceShape ?s .", {"s": iri_term(key)}


def _query(text: str, q: FindingQuery, shape: str) -> tuple[str, dict[str, Term | None]]:
    """``text`` with its scope and shape slots filled for ``q`` (``shape``: the pattern when
    ``q`` names no shape), and the terms to bind."""
    scope = "project" if q.project else "unit" if q.unit else "all"
    values: dict[str, Term] = {}
    if q.shape:
        shape, values = shape_filter(q.shape)
    bound: dict[str, Term | None] = dict(values)
    if q.severity:
        bound["sev"] = Term("iri", SH + q.severity)
    if q.project:
        bound["project"] = iri_term(q.project)
    if q.unit:
        bound["unit"] = iri_term(q.unit)
    return text.replace("{scope}", _SCOPES[scope]).replace("{shape}", shape), bound


def finding_counts(request: Request, q: FindingQuery) -> dict[str, int]:
    """How many findings ``q`` selects, by severity (``Violation``, ``Warning``, ``Info``)."""
    text, values = _query(_BY_SEVERITY, q, "")
    rows = select(request, text, values)
    return {SEVERITY_IRI.get(r["sev"], r["sev"]): int(r["n"]) for r in rows}


def findings(
    request: Request, q: FindingQuery, limit: int | None = None, offset: int = 0
) -> list[dict[str, Any]]:
    """The findings ``q`` selects, each with the project concerned and where it was read.
    With ``limit``, one page in the query's order (severity, shape, focus node); without,
    all of them, most severe first, then by shape, project name and indicator name."""
    text, values = _query(_LIST, q, "OPTIONAL { ?r sh:sourceShape ?s }")
    page = "" if limit is None else f"LIMIT {int(limit)} OFFSET {int(offset)}"
    rows = select(request, text.replace("{page}", page), values)
    _add_details(request, rows)
    for row in rows:
        row["severity"] = SEVERITY_IRI.get(row["severity"], row["severity"])
        row["shape_key"] = shape_key(
            (row["component"] if row["anonymous"] else row["shape"]) or "", bool(row["anonymous"])
        )
    if limit is None:
        rows.sort(key=lambda r: (_SEVERITY_RANK.get(r["severity"], 9), r["shape_key"],
                                 r["project_name"] or "", r["indicator_name"] or ""))  # fmt: skip
    return rows


def _iris(values: set[Any]) -> list[str]:
    return sorted(v for v in values if isinstance(v, str) and v.startswith(("http://", "https://")))


def _lookup(
    request: Request, text: str, keys: list[tuple[str, ...]], names: tuple[str, ...]
) -> dict[tuple[str, ...], dict[str, Any]]:
    """``text``'s rows by key (the IRIs bound to ``names``), asked in chunks of keys that
    stay below the row cap (one row per key)."""
    size = max(1, min(CHUNK, request.app.state.service.settings.row_cap))
    found: dict[tuple[str, ...], dict[str, Any]] = {}
    head = "(" + " ".join("?" + n for n in names) + ")"
    for start in range(0, len(keys), size):
        rows = " ".join(
            "(" + " ".join(str(ox.NamedNode(i)) for i in key) + ")"
            for key in keys[start : start + size]
        )
        block = f"VALUES {head} {{ {rows} }}"
        chunk = text.replace("@TARGET@", _TARGET).replace("@KEYS@", block)
        for row in select(request, chunk):
            found[tuple(row[n] for n in names)] = row
    return found


def _add_details(request: Request, rows: list[dict[str, Any]]) -> None:
    """Project, indicator, value text, document name and line of each row (in place)."""
    focus = _iris({r["focus"] for r in rows})
    documents = _iris({r["document"] for r in rows})
    of_focus = _lookup(request, _OF_FOCUS, [(f,) for f in focus], ("f",))
    texts = _lookup(request, _OF_VALUE, [(v,) for v in _iris({r["value"] for r in rows})], ("v",))
    names = _lookup(request, _OF_DOCUMENT, [(d,) for d in documents], ("d",))
    pairs = sorted({(r["document"], r["focus"]) for r in rows})
    pairs = [(d, f) for d, f in pairs if d in documents and f in focus]
    lines = _lookup(request, _LINE, pairs, ("d", "f"))
    for row in rows:
        f, d = row["focus"], row["document"]
        details = of_focus.get((f,), {})
        for key in ("project", "project_name", "year", "indicator", "indicator_name"):
            row[key] = details.get(key)
        row["value"] = texts.get((row["value"],), {}).get("text", row["value"])
        source = names.get((d,), {})
        row["document_name"] = source.get("name")
        for key in ("kind", "year", "department"):
            row["document_" + key] = source.get(key)
        line = lines.get((d, f), {})
        row["line"] = line["line"] if line.get("line") is not None else line.get("indicator_line")


__all__ = [
    "FindingQuery",
    "finding_counts",
    "findings",
    "findings_by_shape",
    "shape_filter",
    "shape_key",
]
