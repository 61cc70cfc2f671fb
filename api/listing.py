"""The project listing behind ``GET /api/projects`` and the auditors' pages: which projects
lack a category of indicator (strictly, by ``jx:coversCategory``; leniently, also by the
words of an indicator's name), sorted and cut into pages inside the query.

Only whitelisted fragments go into the text; values reach it through the ``{values}`` slot
(``year``, ``unitParam``, ``p``) that :func:`api.select.select` fills with typed terms.
"""

from __future__ import annotations

from enum import StrEnum


class Lacks(StrEnum):
    output = "output"
    effect = "effect"
    satisfaction = "satisfaction"
    cost = "cost"


class Mode(StrEnum):
    strict = "strict"
    lenient = "lenient"


CATEGORY = {
    Lacks.output: ("CategoryOutput", "产出"),
    Lacks.effect: ("CategoryEffect", "效益"),
    Lacks.satisfaction: ("CategorySatisfaction", "满意"),
    Lacks.cost: ("CategoryCost", "成本"),
}


def lacks_block(lacks: Lacks | None, mode: Mode) -> str:
    """A MINUS block from the whitelist above (no request text goes into the query)."""
    if lacks is None:
        return ""
    concept, keyword = CATEGORY[lacks]
    block = f"MINUS {{ ?p jx:coversCategory jx:{concept} }}"
    if mode is Mode.lenient:
        # 不满意回访率 and other inverse indicators are no satisfaction indicators
        inverse = (
            ' FILTER(!CONTAINS(STR(?lt), "不满意")) MINUS { ?li jx:lowerIsBetter true }'
            if lacks is Lacks.satisfaction
            else ""
        )
        block += (
            "\n  MINUS { ?p jx:hasIndicator ?li . ?li jx:name|jx:level1Text|jx:level2Text ?lt "
            f'FILTER(CONTAINS(STR(?lt), "{keyword}")){inverse} }}'
        )
    return block


_MATCH = """
      ?p a jx:Project ; jx:fiscalYear ?year ; jx:unit ?unitIri .
      ?unitIri skos:prefLabel ?unitLabel .
      {values}
      %(filters)s
      %(lacks)s"""
_CANDIDATES = """{ SELECT ?p (MIN(?n) AS ?name) (MIN(?unitLabel) AS ?unit)
           (MIN(?unitIri) AS ?unit_id) (MIN(?year) AS ?y) WHERE {
      ?p jx:name ?n . %(match)s
  } GROUP BY ?p }"""
# The candidates carry their name, unit and year (looked up in the same pattern: a separate
# join was hash-joined over every jx:name); the page is sorted on one key bound per row (as in
# queries/) and cut, then the amount and the indicator count are looked up for its rows only.
# At 10^5 indicators a page cost 7 s and its count 6 s before.
_PROJECTS = """
SELECT ?id ?name ?unit ?unit_id ?year (MIN(?a) AS ?amount) (COUNT(DISTINCT ?i) AS ?indicators)
WHERE {
  { SELECT ?id ?name ?unit ?unit_id ?year ?sortKey WHERE {
      %(candidates)s
      BIND(?p AS ?id)
      BIND(?y AS ?year)
      BIND(CONCAT(?unit, "\\u0001", ?name, "\\u0001", STR(?p)) AS ?sortKey)
    } ORDER BY ?year ?sortKey %(page)s }
  OPTIONAL { ?id jx:amountTotal ?a } OPTIONAL { ?id jx:hasIndicator ?i }
} GROUP BY ?id ?name ?unit ?unit_id ?year ?sortKey ORDER BY ?year ?sortKey
"""


def projects_query(
    unit: str | None = None,
    lacks: Lacks | None = None,
    mode: Mode = Mode.strict,
    limit: int | None = None,
    offset: int = 0,
) -> tuple[str, str]:
    """The project listing (``{values}`` slot: ``year``, ``unitParam``, ``p``) and the query
    counting its rows. No request text goes into either."""
    match = _MATCH % {"filters": project_filters(unit, lacks), "lacks": lacks_block(lacks, mode)}
    cut = "" if limit is None else f"LIMIT {int(limit)} OFFSET {int(offset)}"
    text = _PROJECTS % {"candidates": _CANDIDATES % {"match": match}, "page": cut}
    return text, f"SELECT (COUNT(DISTINCT ?p) AS ?total) WHERE {{ {match} }}"


def project_filters(unit: str | None, lacks: Lacks | None) -> str:
    parts = []
    if unit is not None:
        parts.append("FILTER(?unitIri = ?unitParam || STR(?unitLabel) = STR(?unitParam))")
    if lacks is not None:
        parts.append("?p jx:hasIndicator ?anyIndicator .")
    return "\n      ".join(parts)
