"""Link projects and units across documents and years.

A project is identified by its unit and name. Two documents of the same year name the
same project with small variants (``政务服务数据管理局`` for ``政务服务和数据管理局``, a
doubled ``改造改造``, stray spaces, a dropped ``项目``): names are normalised, then
scored against each other with jieba tokens, the unit and the amount; pairs are taken
greedily, best score first, one to one. Across years a project keeps its name (and a
classified project its ``GZIT…`` code), while its unit may have been renamed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from jixiao.extract.doc_issues import doc_issue
from jixiao.extract.doc_records import DocIssue, Document, Project, Unit
from jixiao.extract.normalize import canonical

# Renames known from the seeds' publisher (old → current); documents add their own
# (004: 广州市电子政务服务中心（目前已更名为：广州市数字政府运营中心）).
KNOWN_RENAMES: dict[str, str] = {"广州市政务服务数据管理局": "广州市政务服务和数据管理局"}
ACCEPT = 0.75
MIN_NAME = 0.5
_DOUBLED_RE = re.compile(r"([\u4e00-\u9fff]{2,6})\1")
_RANGE_RE = re.compile(r"(20\d{2})\s*年?\s*[-－—~～至]\s*(20\d{2})\s*年")
_SPACE_RE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class ProjectRef:
    """Where a project was printed: document, year, unit, name, line."""

    path: str
    fiscal_year: int | None
    unit: str
    name: str
    line: int


@dataclass(frozen=True, slots=True)
class Link:
    """Two printings of one project, with the score and how they were matched."""

    a: ProjectRef
    b: ProjectRef
    score: float
    method: str


@dataclass(frozen=True, slots=True)
class UnitLink:
    a_path: str
    a_unit: str
    b_path: str
    b_unit: str
    method: str


@dataclass(frozen=True, slots=True)
class LinkResult:
    links: tuple[Link, ...]
    unmatched: tuple[ProjectRef, ...]
    issues: tuple[DocIssue, ...]


def ref(doc: Document, project: Project) -> ProjectRef:
    return ProjectRef(doc.path, project.fiscal_year, project.unit, project.name, project.line)


def renames_of(docs: Iterable[Document]) -> dict[str, str]:
    """Known renames plus those the documents print."""
    table = dict(KNOWN_RENAMES)
    for doc in docs:
        table.update(dict(doc.renames))
    return table


def normalize_name(name: str, renames: Mapping[str, str] = KNOWN_RENAMES) -> str:
    """Canonical spelling of a project or unit name for matching (idempotent)."""
    text = _SPACE_RE.sub("", canonical(name))
    previous = None
    while previous != text:
        previous = text
        for old, new in renames.items():
            if old not in new or new not in text:
                text = text.replace(old, new)
        text = _DOUBLED_RE.sub(r"\1", text).removesuffix("项目")
    return text


@lru_cache(maxsize=4096)
def tokens(text: str) -> frozenset[str]:
    """jieba tokens of a normalised name (punctuation dropped)."""
    import jieba  # lazy: loading the dictionary takes a moment

    jieba.setLogLevel(60)
    return frozenset(t for t in jieba.lcut(text) if t.strip() and not re.fullmatch(r"\W+", t))


def similarity(a: str, b: str) -> float:
    """Jaccard similarity of the jieba tokens of two normalised names (1.0 when equal)."""
    if a == b:
        return 1.0
    ta, tb = tokens(a), tokens(b)
    if not ta or not tb:
        return 0.0
    return len(ta & tb) / len(ta | tb)


def _keys(doc: Document, renames: Mapping[str, str]) -> list[tuple[str, str]]:
    return [
        (normalize_name(p.name, renames), normalize_name(p.unit, renames)) for p in doc.projects
    ]


def link_pair(a: Document, b: Document, renames: Mapping[str, str] | None = None) -> list[Link]:
    """One-to-one links between the projects of two documents of the same year.

    score = 0.6 × name similarity + 0.2 × same unit + 0.2 × same 总计; a pair is kept
    when the score reaches ``ACCEPT`` and the names are at least ``MIN_NAME`` similar.
    """
    table = renames if renames is not None else renames_of((a, b))
    keys_a, keys_b = _keys(a, table), _keys(b, table)
    pairs = []
    for i, p in enumerate(a.projects):
        for j, q in enumerate(b.projects):
            name_sim = similarity(keys_a[i][0], keys_b[j][0])
            same_unit = keys_a[i][1] == keys_b[j][1]
            same_amount = p.amounts.total is not None and p.amounts.total == q.amounts.total
            score = 0.6 * name_sim + 0.2 * same_unit + 0.2 * same_amount
            if score >= ACCEPT and name_sim >= MIN_NAME:
                pairs.append((score, i, j, name_sim))
    pairs.sort(key=lambda t: (-t[0], t[1], t[2]))
    used_a: set[int] = set()
    used_b: set[int] = set()
    links = []
    for score, i, j, name_sim in pairs:
        if i in used_a or j in used_b:
            continue
        used_a.add(i)
        used_b.add(j)
        method = "exact" if name_sim == 1.0 else "fuzzy"
        links.append(Link(ref(a, a.projects[i]), ref(b, b.projects[j]), round(score, 3), method))
    return links


def link_same_year(docs: Sequence[Document]) -> LinkResult:
    """Links between every pair of documents of the same fiscal year; L001 for the rest."""
    table = renames_of(docs)
    links: list[Link] = []
    for i, a in enumerate(docs):
        for b in docs[i + 1 :]:
            if a.fiscal_year is not None and a.fiscal_year == b.fiscal_year:
                links.extend(link_pair(a, b, table))
    linked = {(x.path, x.line) for link in links for x in (link.a, link.b)}
    unmatched, issues = [], []
    for doc in docs:
        peers = [d for d in docs if d is not doc and d.fiscal_year == doc.fiscal_year]
        if not peers:
            continue
        for project in doc.projects:
            if (doc.path, project.line) not in linked:
                unmatched.append(ref(doc, project))
                issues.append(
                    doc_issue("L001", project.line, project=project.name, unit=project.unit)
                )
    return LinkResult(tuple(links), tuple(unmatched), tuple(issues))


def link_across_years(docs: Sequence[Document]) -> LinkResult:
    """The same project in documents of different years: same normalised name (renames
    applied); the unit agreeing raises the score. L003 flags a multi-year project
    (``2024-2026年…``) budgeted outside its years."""
    table = renames_of(docs)
    ordered = sorted(docs, key=lambda d: (d.fiscal_year or 0, d.path))
    links: list[Link] = []
    for i, a in enumerate(ordered):
        index: dict[str, list[Project]] = {}
        for p in a.projects:
            index.setdefault(normalize_name(p.name, table), []).append(p)
        for b in ordered[i + 1 :]:
            if a.fiscal_year == b.fiscal_year:
                continue
            used: set[int] = set()
            for q in b.projects:
                unit_q = normalize_name(q.unit, table)
                candidates = [
                    p
                    for p in index.get(normalize_name(q.name, table), [])
                    if id(p) not in used
                    and (normalize_name(p.unit, table) == unit_q or _distinctive(q.name))
                ]
                best = max(
                    candidates, key=lambda p: normalize_name(p.unit, table) == unit_q, default=None
                )
                if best is not None:
                    used.add(id(best))
                    same_unit = normalize_name(best.unit, table) == unit_q
                    links.append(
                        Link(ref(a, best), ref(b, q), 1.0 if same_unit else 0.8, "cross-year")
                    )
    issues = [issue for doc in docs for issue in year_range_issues(doc)]
    return LinkResult(tuple(links), (), tuple(issues))


def _distinctive(name: str) -> bool:
    """A name specific enough to link across units: it carries a year or code, or is long."""
    return bool(re.search(r"\d", name)) or len(name) >= 12


def year_range(name: str) -> tuple[int, int] | None:
    match = _RANGE_RE.search(name)
    return (int(match.group(1)), int(match.group(2))) if match else None


def year_range_issues(doc: Document) -> list[DocIssue]:
    out = []
    for project in doc.projects:
        span = year_range(project.name)
        year = project.fiscal_year
        if span and year is not None and not span[0] <= year <= span[1]:
            values = {"project": project.name, "first": span[0], "last": span[1], "year": year}
            out.append(doc_issue("L003", project.line, **values))
    return out


def link_units(docs: Sequence[Document]) -> list[UnitLink]:
    """Units of different documents that are the same organisation (name or rename)."""
    table = renames_of(docs)
    out = []
    for i, a in enumerate(docs):
        for b in docs[i + 1 :]:
            for ua in a.units:
                for ub in b.units:
                    method = _unit_match(ua, ub, table)
                    if method:
                        out.append(UnitLink(a.path, ua.name, b.path, ub.name, method))
    return out


def _unit_match(a: Unit, b: Unit, renames: Mapping[str, str]) -> str | None:
    if a.name == b.name:
        return "exact"
    if normalize_name(a.name, renames) == normalize_name(b.name, renames):
        return "renamed"
    return None
