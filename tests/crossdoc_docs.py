"""Small budget documents that give chosen projects indicators of chosen categories: several
documents printing the same project (the same IRI: same unit, year and normalised name)
with different indicators, for the tests of facts prepared over the union
(tests/test_crossdoc.py)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pyoxigraph as ox

from jixiao.graph.categories import categories
from jixiao.graph.prepared import stale_facts
from jixiao.queries.prepared import prepared

UNIT = "江北市数据资源中心"
OTHER_UNIT = "江北市政务服务中心"
INDICATOR = {  # one 绩效指标 item per category
    "output": "1-产出指标；11-数量指标；用户规模；实施周期指标值:≥64个；年度指标值:≥50个",
    "effect": "2-效益指标；22-社会效益；重大事件发生率；实施周期指标值:≤1%；年度指标值:≤1%",
    "satisfaction": "3-满意度指标；31-服务对象满意度；服务对象满意度；实施周期指标值:≥98%；年度指标值:≥98%",
    "cost": "4-成本指标；41-经济成本指标；项目资金控制率；实施周期指标值:≤100%；年度指标值:≤100%",
}


def project_name(unit: str, k: int, year: int = 2026) -> str:
    """The printed name of project ``k`` of ``unit`` (names differ early: lists sort by it)."""
    return f"{unit}{year}年{'甲乙丙丁戊己庚辛壬癸'[k % 10]}{k}号项目"


def document_text(projects: Mapping[tuple[str, str], Iterable[str]], year: int = 2026) -> str:
    """A 项目支出绩效目标表 without a department line (so the document is named by its file)
    listing ``projects``: (unit, printed name) → the categories of its indicators, in order
    (none: a project printed without indicators)."""
    rows: dict[str, list[str]] = {}
    for (unit, name), kinds in projects.items():
        items = [INDICATOR[k] for k in kinds]
        cell = "".join(f"{i}、{text}。" for i, text in enumerate(items, start=1))
        rows.setdefault(unit, []).append(f"{name}\t10.00\t10.00\t\t\t该项目保障日常运行。\t{cell}")
    total = 10 * len(projects)
    lines = ["", f"{year}年", "", "项目支出绩效目标表（含转移支付项目）", "", "单位：万元", "",
             "项目名称（资金使用单位）\t总计\t财政拨款\t财政专户拨款\t其他资金\t绩效目标\t绩效指标",
             f"合计\t{total:.2f}\t{total:.2f}\t\t\t\t"]  # fmt: skip
    for unit, printed in rows.items():
        lines.append(f"{unit}\t{10 * len(printed):.2f}\t{10 * len(printed):.2f}\t\t\t\t")
        lines += printed
    return "\n".join(lines) + "\n"


def run(
    store: ox.Store, name: str, values: Mapping[str, ox.Term] | None = None,
    slots: Mapping[str, str] | None = None,
) -> list[dict[str, str | None]]:  # fmt: skip
    """The rows of the named query ``name`` (its checked text, as REST and ``jixiao query``
    run it), each term by its value."""
    text, substitutions = prepared(name).bind(dict(values or {}), slots)
    found = store.query(text, substitutions={ox.Variable(k): v for k, v in substitutions.items()})
    assert isinstance(found, ox.QuerySolutions)
    names = [v.value for v in found.variables]
    return [{n: None if s[n] is None else s[n].value for n in names} for s in found]


def union_differences(store: ox.Store) -> list[str]:
    """Where an answer read from the prepared facts differs from the scanning query's answer
    over the union (empty: none): for each category the strict lacks list (rows in order, no
    project twice: the names here differ within the code points a rank holds, see
    graph/prepared_projects.rank_key) and its count, per year and unit the totals, the overview's coverage table
    and the indicator tallies; and facts the staleness check does not find current."""
    out = []
    for c in categories():
        category = {"category": ox.NamedNode(c.iri)}
        scanned = run(store, f"projects_without_{c.key}", slots={"mode": "strict"})
        listed = run(store, "projects_lacking_list", category)
        want = [(r["project"], r["fiscalYear"], r["unit"], r["name"]) for r in scanned]
        got = [(r["project"], r["fiscalYear"], r["unit"], r["name"]) for r in listed]
        if got != want:
            out.append(f"lacks {c.key}: prepared {got} != scanned {want}")
        (count,) = run(store, "projects_lacking_list", category, {"result": "count"})
        if int(count["total"] or 0) != len(want):
            out.append(f"lacks {c.key}: prepared count {count['total']} != {len(want)}")
        per_unit: dict[tuple[str | None, str | None], int] = {}
        for r in scanned:
            per_unit[r["fiscalYear"], r["unitId"]] = (
                per_unit.get((r["fiscalYear"], r["unitId"]), 0) + 1
            )
        column = f"lacks{c.key.capitalize()}"
        totals = {(r["fiscalYear"], r["unitIri"]): int(r[column] or 0)
                  for r in run(store, "prepared_totals")}  # fmt: skip
        if {k: v for k, v in totals.items() if v} != per_unit:
            out.append(f"lacks {c.key}: prepared totals {totals} != scanned {per_unit}")
    for prepared_name, scanning in [("prepared_unit_coverage", "unit_coverage"),
                                    ("indicator_count_per_unit", "indicator_count_per_unit_scan"),
                                    ("prepared_indicator_counts", "indicator_counts_by_unit_and_category_scan")]:  # fmt: skip
        if run(store, prepared_name) != run(store, scanning):
            out.append(
                f"{prepared_name} != {scanning}: {run(store, prepared_name)} != {run(store, scanning)}"
            )
    out += count_differences(store)
    stale = stale_facts(store)
    if stale:
        out.append(f"stale facts: {stale}")
    return out


_MEMBERS = {  # a prepared count → the member triples it counts, (predicate, member side)
    "memberCount": ("inSet", "subject"),
    "indicatorCount": ("countsIndicator", "object"),
    "projectCount": ("countsProject", "object"),
}


def count_differences(store: ox.Store) -> list[str]:
    """Where a prepared count (graph/prepared_counts.py) is not the number of its member
    triples in the union default graph, or a set or tally with members has no count."""
    jx = "https://w3id.org/jixiao/ontology#"
    union = ox.DefaultGraph()
    out = []
    for count, (member, side) in _MEMBERS.items():
        written: dict[str, list[int]] = {}
        for q in store.quads_for_pattern(None, ox.NamedNode(jx + count), None, union):
            written.setdefault(q.subject.value, []).append(int(q.object.value))
        found: dict[str, int] = {}
        for q in store.quads_for_pattern(None, ox.NamedNode(jx + member), None, union):
            node = q.object.value if side == "subject" else q.subject.value
            found[node] = found.get(node, 0) + 1
        expected = {node: [n] for node, n in found.items()}
        if written != expected:
            out.append(f"{count}: written {written} != members {expected}")
    return out
