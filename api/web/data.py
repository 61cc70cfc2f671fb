"""What the pages show, read through the same worker pool and time limit as the REST API.

The project lists are ``GET /api/projects``'s own query (:mod:`api.listing`), so the
audit page and ``GET /api/projects`` cannot disagree. The queries below only add what the
pages need beyond the REST answers (parsed targets, coverage, findings in one language).
Request values reach a query only as typed terms (:class:`api.workers.Term`) or as IRIs
checked by pyoxigraph; every other fragment is fixed text chosen from a whitelist.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox
from fastapi import Request

from jixiao.api import rest
from jixiao.api.listing import Lacks, Mode, projects_query
from jixiao.api.project_extras import commitments, self_evaluation
from jixiao.api.select import JX, JXID, iri_term, select, unit_term, year_term
from jixiao.api.web.findings import FindingQuery, findings
from jixiao.api.web.i18n import CATEGORIES, CATEGORY_BY_IRI, SEVERITY_IRI
from jixiao.api.workers import Term

CHUNK = 400  # IRIs per VALUES block


def _values_many(var: str, iris: list[str]) -> str:
    return f"VALUES ?{var} {{ {' '.join(str(ox.NamedNode(i)) for i in iris)} }}"


def _chunks(items: list[str]) -> list[list[str]]:
    return [items[i : i + CHUNK] for i in range(0, len(items), CHUNK)]


# ------------------------------------------------------------------ overview

_COUNTS = """
SELECT ?documents ?departments ?units ?projects ?indicators WHERE {
  { SELECT (COUNT(DISTINCT ?d) AS ?documents) WHERE { ?d a jx:SourceDocument } }
  { SELECT (COUNT(DISTINCT ?o) AS ?departments) WHERE { ?o a jx:Department } }
  { SELECT (COUNT(DISTINCT ?u) AS ?units) WHERE { ?u a jx:Unit } }
  { SELECT (COUNT(DISTINCT ?p) AS ?projects) WHERE { ?p a jx:Project } }
  { SELECT (COUNT(DISTINCT ?i) AS ?indicators) WHERE { ?i a jx:Indicator } }
}
"""
_BY_SEVERITY = """
SELECT ?severity (COUNT(DISTINCT ?r) AS ?n) WHERE {
  GRAPH ?g { ?rep sh:result ?r . ?r sh:resultSeverity ?severity }
} GROUP BY ?severity
"""
_YEARS = """
SELECT DISTINCT ?year WHERE { ?p a jx:Project ; jx:fiscalYear ?year } ORDER BY DESC(?year)
"""
# Per project: the categories it covers (jx:coversCategory) and whether it has indicators
# (one sub-select, hash-joined): at 10^5 indicators 12 s -> 2 s, same rows.
_COVERAGE = """
SELECT ?unit ?name ?projects ?indicated ?output ?effect ?satisfaction ?cost ?all4 WHERE {
  { SELECT ?unit (COUNT(?p) AS ?projects) (SUM(?w) AS ?indicated) (SUM(?o) AS ?output)
           (SUM(?e) AS ?effect)
           (SUM(?s) AS ?satisfaction) (SUM(?c) AS ?cost) (SUM(?o * ?e * ?s * ?c) AS ?all4) WHERE {
    { SELECT ?p ?unit (MAX(IF(BOUND(?i), 1, 0)) AS ?w)
        (MAX(COALESCE(IF(?cat = jx:CategoryOutput, 1, 0), 0)) AS ?o)
        (MAX(COALESCE(IF(?cat = jx:CategoryEffect, 1, 0), 0)) AS ?e)
        (MAX(COALESCE(IF(?cat = jx:CategorySatisfaction, 1, 0), 0)) AS ?s)
        (MAX(COALESCE(IF(?cat = jx:CategoryCost, 1, 0), 0)) AS ?c)
      WHERE {
        {values} ?p a jx:Project ; jx:unit ?unit ; jx:fiscalYear ?year .
        OPTIONAL { ?p jx:coversCategory ?cat }
        OPTIONAL { { SELECT ?p (SAMPLE(?any) AS ?i) WHERE { ?p jx:hasIndicator ?any }
                     GROUP BY ?p } }
      } GROUP BY ?p ?unit }
  } GROUP BY ?unit }
  OPTIONAL { { SELECT ?unit (MIN(?l) AS ?name) WHERE { ?unit skos:prefLabel ?l } GROUP BY ?unit } }
} ORDER BY DESC(?projects) ?name
"""


def counts(request: Request) -> dict[str, Any]:
    rows = select(request, _COUNTS)
    out: dict[str, Any] = dict(rows[0]) if rows else {}
    severities = {SEVERITY_IRI.get(r["severity"], r["severity"]): r["n"]
                  for r in select(request, _BY_SEVERITY)}  # fmt: skip
    out["severity"] = severities
    out["findings"] = sum(severities.values())
    return out


def years(request: Request) -> list[int]:
    return [r["year"] for r in select(request, _YEARS) if isinstance(r["year"], int)]


def coverage(request: Request, year: int | None) -> list[dict[str, Any]]:
    return select(request, _COVERAGE, {"year": year_term(year)})


def units(request: Request, year: int | None = None) -> list[dict[str, Any]]:
    return select(request, rest.UNITS_QUERY, {"year": year_term(year)})


# ------------------------------------------------------------------ projects (audit)

_CATS_OF = """
SELECT DISTINCT ?p ?cat WHERE {
  {many} ?p jx:coversCategory ?cat .
}
"""
_NAMED_OF = """
SELECT DISTINCT ?p ?k WHERE {
  {many} VALUES ?k { "产出" "效益" "满意" "成本" }
  ?p jx:hasIndicator ?i . ?i jx:name|jx:level1Text|jx:level2Text ?t FILTER(CONTAINS(STR(?t), ?k))
  OPTIONAL { ?i jx:lowerIsBetter ?inverse }
  FILTER(?k != "满意" || (!CONTAINS(STR(?t), "不满意") && !BOUND(?inverse)))
}
"""
_KEYWORD = {c.keyword: c.key for c in CATEGORIES}


@dataclass(slots=True)
class ProjectQuery:
    year: int | None = None
    unit: str | None = None  # a unit's name or IRI, as ``GET /api/projects`` takes it
    lacks: Lacks | None = None
    mode: Mode = Mode.strict


def projects(request: Request, q: ProjectQuery, categories: bool = True) -> list[dict[str, Any]]:
    """The rows of ``GET /api/projects`` (same query), with :func:`add_categories` unless
    ``categories`` is false (then call it on the rows a page shows)."""
    text = projects_query(q.unit, q.lacks, q.mode)[0]
    rows = select(request, text, {"year": year_term(q.year), "unitParam": unit_term(q.unit)})
    if categories:
        add_categories(request, rows)
    return rows


def add_categories(request: Request, rows: list[dict[str, Any]]) -> None:
    """Set ``categories`` (the categories a project has indicators in) and ``named`` (those
    only an indicator's name or printed label mentions) on each row."""
    ids = [r["id"] for r in rows]
    cats: dict[str, set[str]] = defaultdict(set)
    named: dict[str, set[str]] = defaultdict(set)
    for chunk in _chunks(ids):
        many = _values_many("p", chunk)
        for r in select(request, _CATS_OF.replace("{many}", many)):
            if r["cat"] in CATEGORY_BY_IRI:
                cats[r["p"]].add(CATEGORY_BY_IRI[r["cat"]].key)
        for r in select(request, _NAMED_OF.replace("{many}", many)):
            named[r["p"]].add(_KEYWORD[r["k"]])
    for row in rows:
        row["categories"] = [c.key for c in CATEGORIES if c.key in cats[row["id"]]]
        row["named"] = [c.key for c in CATEGORIES if c.key in named[row["id"]] - cats[row["id"]]]


def local_id(iri: str, kind: str) -> str | None:
    """``2026/92668e…`` for ``…/id/project/2026/92668e…`` (kind ``project``)."""
    prefix = f"{JXID}{kind}/"
    return iri[len(prefix) :] if iri.startswith(prefix) else None


# ------------------------------------------------------------------ one project

_AMOUNTS = """
SELECT DISTINCT ?prop ?value WHERE {
  {values} ?p ?prop ?value . FILTER(STRSTARTS(STR(?prop), STR(jx:amount)) && isLiteral(?value))
} ORDER BY ?prop ?value
"""
_GOALS = "SELECT DISTINCT ?goal WHERE { {values} ?p jx:goalText ?goal }"
_SOURCES = """
SELECT ?doc (MIN(?f) AS ?file) (MIN(?k) AS ?kind) (MIN(?y) AS ?year) (MIN(?dn) AS ?department)
       (GROUP_CONCAT(DISTINCT STR(?l); separator=", ") AS ?lines) WHERE {
  {values} GRAPH ?doc { ?p prov:wasDerivedFrom ?doc . OPTIONAL { ?p jx:sourceLine ?l } }
  OPTIONAL { ?doc dcterms:source ?f } OPTIONAL { ?doc jx:documentKind ?k }
  OPTIONAL { ?doc jx:fiscalYear ?y } OPTIONAL { ?doc jx:organization/skos:prefLabel ?dn }
} GROUP BY ?doc ORDER BY ?file
"""
_OTHER_YEARS = """
SELECT ?other (MIN(?y) AS ?year) (MIN(?n) AS ?name) (MIN(?ul) AS ?unit) WHERE {
  {values} ?p (jx:sameProjectAs|^jx:sameProjectAs|jx:previousYear|^jx:previousYear)+ ?other .
  FILTER(?other != ?p) ?other jx:fiscalYear ?y ; jx:name ?n .
  OPTIONAL { ?other jx:unit/skos:prefLabel ?ul }
} GROUP BY ?other ORDER BY ?year
"""
_INDICATORS = """
SELECT ?id (MIN(?pos) AS ?position) (MIN(?n) AS ?name) (MIN(?c1) AS ?level1_code)
       (MIN(?l1) AS ?level1) (MIN(?c2) AS ?level2_code) (MIN(?l2) AS ?level2)
       (MIN(?cat) AS ?category) (MIN(?pt) AS ?period) (MIN(?at) AS ?annual) WHERE {
  {values} ?project jx:hasIndicator ?id . ?id jx:name ?n .
  OPTIONAL { ?id jx:position ?pos } OPTIONAL { ?id jx:level1Code ?c1 }
  OPTIONAL { ?id jx:level1Text ?l1 } OPTIONAL { ?id jx:level2Code ?c2 }
  OPTIONAL { ?id jx:level2Text ?l2 }
  OPTIONAL { ?id (jx:level1|jx:level2)/jx:category ?cat }
  OPTIONAL { ?id jx:periodTarget ?pt } OPTIONAL { ?id jx:annualTarget ?at }
} GROUP BY ?id ORDER BY ?position ?id
"""
_TARGETS = """
SELECT ?t (MIN(?raw) AS ?raw_text) (MIN(?cmp) AS ?comparator) (MIN(?num) AS ?number)
       (MIN(?up) AS ?upper) (MIN(?ut) AS ?unit) (MIN(?val) AS ?value) (MIN(?bu) AS ?base_unit)
       (MIN(?ql) AS ?qualifier) (MIN(?qa) AS ?qualitative) (MIN(?cl) AS ?classified)
       (MIN(?ph) AS ?placeholder) WHERE {
  {values} ?project jx:hasIndicator/(jx:periodTarget|jx:annualTarget) ?t .
  OPTIONAL { ?t jx:rawText ?raw } OPTIONAL { ?t jx:comparator ?cmp }
  OPTIONAL { ?t jx:number ?num } OPTIONAL { ?t jx:upperNumber ?up }
  OPTIONAL { ?t jx:unitText ?ut } OPTIONAL { ?t jx:value ?val }
  OPTIONAL { ?t jx:baseUnit ?bu } OPTIONAL { ?t jx:qualifier ?ql }
  OPTIONAL { ?t jx:qualitative ?qa } OPTIONAL { ?t jx:classified ?cl }
  OPTIONAL { ?t jx:placeholder ?ph }
} GROUP BY ?t
"""


def project(request: Request, iri: str) -> dict[str, Any] | None:
    """Everything the project page shows; None when the store has no such project."""
    term = iri_term(iri)
    rows = select(request, projects_query()[0], {"p": term})
    if not rows:
        return None
    item = rows[0]
    add_categories(request, [item])
    values = {"p": term}
    amounts: dict[str, list[Any]] = defaultdict(list)
    for r in select(request, _AMOUNTS, values):
        amounts[r["prop"][len(JX) :] if r["prop"].startswith(JX) else r["prop"]].append(r["value"])
    order = ["amountTotal", "amountFiscal", "amountGeneralBudget", "amountGovFund"]
    item["amounts"] = sorted(amounts.items(), key=lambda kv: (
        order.index(kv[0]) if kv[0] in order else len(order), kv[0]))  # fmt: skip
    item["goals"] = [r["goal"] for r in select(request, _GOALS, values)]
    item["sources"] = select(request, _SOURCES, values)
    item["other_years"] = select(request, _OTHER_YEARS, values)
    item["indicator_groups"] = _indicator_groups(request, term)
    evaluated = self_evaluation(request, term)
    for _, rows in item["indicator_groups"]:
        for row in rows:
            row.update(evaluated.get(row["id"], {}))
    item["self_evaluated"] = bool(evaluated)
    item["commitments"] = commitments(request, term)
    item["findings"] = findings(request, FindingQuery(project=iri))
    return item


def _indicator_groups(request: Request, project: Term) -> list[tuple[str | None, list[dict]]]:
    """Indicators grouped by category (the four in order, then uncategorised)."""
    targets = {r["t"]: r for r in select(request, _TARGETS, {"project": project})}
    groups: dict[str | None, list[dict]] = defaultdict(list)
    for row in select(request, _INDICATORS, {"project": project}):
        row["period"] = targets.get(row["period"]) if row["period"] else None
        row["annual"] = targets.get(row["annual"]) if row["annual"] else None
        cat = CATEGORY_BY_IRI.get(row["category"])
        groups[cat.key if cat else None].append(row)
    keys: list[str | None] = [c.key for c in CATEGORIES]
    return [(k, groups[k]) for k in [*keys, None] if groups.get(k)]


# ------------------------------------------------------------------ one unit

_UNIT = """
SELECT DISTINCT ?rel ?other ?label WHERE {
  { {values} ?u skos:prefLabel ?label . BIND("name" AS ?rel) }
  UNION { {values} ?u jx:unitCode ?label . BIND("code" AS ?rel) }
  UNION { {values} ?u org:subOrganizationOf ?other . BIND("dept" AS ?rel)
          OPTIONAL { ?other skos:prefLabel ?label } }
  UNION { {values} ?u jx:renamedFrom ?other . BIND("from" AS ?rel)
          OPTIONAL { ?other skos:prefLabel ?label } }
  UNION { {values} ?other jx:renamedFrom ?u . BIND("to" AS ?rel)
          OPTIONAL { ?other skos:prefLabel ?label } }
} ORDER BY ?rel ?label
"""


def unit(request: Request, iri: str) -> dict[str, Any] | None:
    rows = select(request, _UNIT, {"u": iri_term(iri)})
    if not rows:
        return None
    info: dict[str, Any] = {"id": iri, "names": [], "codes": [], "dept": [], "from": [], "to": []}
    for r in rows:
        if r["rel"] == "name":
            info["names"].append(r["label"])
        elif r["rel"] == "code":
            info["codes"].append(r["label"])
        else:
            info[r["rel"]].append({"id": r["other"], "name": r["label"]})
    info["name"] = info["names"][0] if info["names"] else iri
    return info
