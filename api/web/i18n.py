"""The words of the web pages in Chinese (the default) and English.

Every page is rendered in one language, chosen by ``?lang=en`` (kept in every internal link
and form); anything else, or nothing, means Chinese.
"""

from __future__ import annotations

from jixiao.api.select import JX
from jixiao.graph.categories import categories, severities

LANGS = ("zh", "en")
HTML_LANG = {"zh": "zh-CN", "en": "en"}


def pick_lang(value: str | None) -> str:
    return "en" if value == "en" else "zh"


# The categories and severities are the ontology's and the shapes' (graph/categories.py).
CATEGORIES = categories()
SEVERITIES = severities()
SEVERITY_WORDS = {"Violation": ("违规", "Violation"), "Warning": ("警告", "Warning"),
                  "Info": ("提示", "Info")}  # fmt: skip

AMOUNT_WORDS = {
    "amountTotal": ("合计", "Total"),
    "amountFiscal": ("财政拨款", "Fiscal appropriation"),
    "amountGeneralBudget": ("一般公共预算", "General public budget"),
    "amountGovFund": ("政府性基金", "Government funds"),
    "amountStateCapital": ("国有资本经营预算", "State capital operations"),
    "amountSpecialAccount": ("财政专户管理资金", "Special fiscal accounts"),
    "amountOther": ("其他资金", "Other funds"),
    "amountProject": ("项目金额", "Project amount"),
    "amount": ("金额", "Amount"),
}

_T: dict[str, tuple[str, str]] = {
    "site": ("绩效指标知识图谱", "Performance-indicator knowledge graph"),
    "nav.overview": ("概览", "Overview"),
    "nav.audit": ("审计查询", "Audit"),
    "nav.units": ("预算单位", "Units"),
    "nav.findings": ("校验发现", "Findings"),
    "nav.concepts": ("指标库", "Indicator library"),
    # the indicator library's pages (api/web/concepts.py)
    "concepts.title": ("指标库", "Indicator library"),
    "concepts.lead": (
        "同一指标在不同项目、单位和年度中的各种写法归为一个概念（满意度、满意率、群众满意度……）；"
        "反向指标（不满意率、投诉率）从不与相反的指标归为一类。",
        "The spellings of one indicator across projects, units and years are one concept "
        "(满意度, 满意率, 群众满意度 …); an inverse indicator (不满意率, 投诉率) never shares "
        "a concept with its opposite.",
    ),
    "concepts.label": ("概念（最常见写法）", "Concept (most frequent spelling)"),
    "concepts.spellings": ("写法", "Spellings"),
    "concepts.indicators": ("指标", "Indicators"),
    "concepts.projects": ("项目", "Projects"),
    "concepts.units": ("单位", "Units"),
    "concepts.years": ("年度", "Years"),
    "concepts.key": ("键", "Key"),
    "concepts.inverse": ("反向指标（越低越好）", "lower is better"),
    "concepts.broader": ("所属二级指标", "Level-2 categories"),
    "concepts.chart": ("指标值变化", "Targets over the years"),
    "concepts.targets": ("各单位、各年度的指标值", "Targets across units and years"),
    "concepts.none": ("—", "—"),
    "concepts.no_target": ("该年度未设此指标", "no indicator of this concept that year"),
    "concepts.col.year": ("年度", "Year"),
    "concepts.col.unit": ("单位", "Unit"),
    "concepts.col.project": ("项目", "Project"),
    "concepts.col.name": ("指标名称", "Indicator"),
    "concepts.col.raw": ("原文", "As printed"),
    "concepts.col.cmp": ("比较符", "Comparator"),
    "concepts.col.number": ("数值", "Number"),
    "concepts.col.measure": ("计量单位", "Unit of measure"),
    "concepts.no_chart": ("没有数值型指标值可作图。", "No numeric target to chart."),
    "concepts.api": ("JSON", "JSON"),
    "nav.sparql": ("SPARQL 查询", "SPARQL"),
    "nav.upload": ("上传文件", "Upload"),
    "nav.api": ("接口文档", "API docs"),
    "switch": ("English", "中文"),
    "skip": ("跳到正文", "Skip to content"),
    "overview.title": ("概览", "Overview"),
    "overview.lead": (
        "已入库的预算文件、单位、项目与绩效指标，以及各单位项目的指标类别覆盖情况。",
        "The budget documents in the store, their units, projects and performance indicators, "
        "and how each unit's projects cover the four indicator categories.",
    ),
    "count.documents": ("文件", "Documents"),
    "count.departments": ("部门", "Departments"),
    "count.units": ("单位", "Units"),
    "count.projects": ("项目", "Projects"),
    "count.indicators": ("绩效指标", "Indicators"),
    "count.findings": ("校验发现", "Findings"),
    "coverage.title": ("指标类别覆盖", "Indicator category coverage"),
    "coverage.lead": (
        "每个单位有某类指标的项目数／有指标的项目数（按指标类别严格判断；部门预算中的项目不列指标，"
        "不计入）；最后一列为四类齐全的项目占比。",
        "Per unit: projects with at least one indicator of each category / projects with "
        "indicators (strictly by category; projects of department budgets list none and are "
        "not counted); the last column is the share of projects with all four.",
    ),
    "coverage.all4": ("四类齐全", "All four"),
    "coverage.indicated": ("有指标", "With indicators"),
    "shape.anonymous": ("匿名规则", "anonymous shape"),
    "coverage.none": ("没有项目。", "No projects."),
    "findings.by_severity": ("按严重程度", "By severity"),
    "findings.by_shape": ("按规则", "By rule"),
    "year": ("年度", "Year"),
    "year.all": ("全部年度", "All years"),
    "unit": ("单位", "Unit"),
    "unit.all": ("全部单位", "All units"),
    "department": ("部门", "Department"),
    "project": ("项目", "Project"),
    "projects": ("项目数", "Projects"),
    "amount": ("金额（万元）", "Amount (10k yuan)"),
    "indicators": ("指标数", "Indicators"),
    "categories": ("已有类别", "Categories present"),
    "filter": ("筛选", "Filter"),
    "reset": ("清除", "Reset"),
    "lacks": ("缺少", "Lacking"),
    "lacks.none": ("（不限）", "(any)"),
    "mode": ("判断方式", "Mode"),
    "mode.strict": ("严格（按指标类别）", "Strict (by category)"),
    "mode.lenient": ("宽松（名称含关键字也算）", "Lenient (names count too)"),
    "audit.title": (
        "审计查询：缺少某类指标的项目",
        "Audit: projects lacking an indicator category",
    ),
    "audit.lead": (
        "筛选项目并下载结果表。严格方式按指标所属类别判断；宽松方式中，名称含“满意”“成本”等字样的指标也算作该类。",
        "Filter the projects and download the table. Strict mode goes by the indicator's "
        "category; lenient mode also counts indicators whose names mention the category.",
    ),
    "audit.count": ("共 {n} 个项目", "{n} projects"),
    "audit.amount_total": ("金额合计 {a} 万元", "total amount {a} (10k yuan)"),
    "audit.by_name": ("仅名称提及", "named only"),
    "download": ("下载", "Download"),
    "shown": ("显示第 {a}–{b} 条，共 {n} 条", "Showing {a}–{b} of {n}"),
    "prev": ("上一页", "Previous"),
    "next": ("下一页", "Next"),
    "none": ("没有符合条件的记录。", "Nothing matches."),
    "yes": ("有", "yes"),
    "no": ("无", "no"),
    "goal": ("绩效目标", "Performance goal"),
    "amounts": ("资金（万元）", "Funding (10k yuan)"),
    "sources": ("来源文件", "Source documents"),
    "line": ("行", "line"),
    "other_years": ("其他年度的同一项目", "The same project in other years"),
    "other_years.none": ("没有找到其他年度的同一项目。", "Not found in other years."),
    "indicators.title": ("绩效指标", "Performance indicators"),
    "uncategorised": ("未归类", "Uncategorised"),
    "no_indicators": ("该项目没有绩效指标。", "This project has no performance indicators."),
    "col.pos": ("序号", "No."),
    "col.level": ("一级 / 二级指标", "Level 1 / level 2"),
    "col.name": ("三级指标", "Indicator"),
    "col.period": ("实施周期指标值", "Whole-period target"),
    "col.annual": ("年度指标值", "Annual target"),
    "col.raw": ("原文", "As printed"),
    "col.parsed": ("解析", "Parsed"),
    "col.actual": ("实际完成值", "Actual value"),
    "col.score": ("得分", "Score"),
    "commitments.title": ("目标承诺", "Goal-text commitments"),
    "commitments.none": (
        "绩效目标中没有读出数量承诺。",
        "No quantified commitment read from the goal text.",
    ),
    "col.commitment": ("承诺（原文）", "Commitment (as printed)"),
    "col.quantity": ("数量", "Quantity"),
    "col.object": ("对象", "Object"),
    "col.deadline": ("期限", "Deadline"),
    "col.measured_by": ("衡量它的指标", "Indicators that measure it"),
    "commitment.unmeasured": ("未有指标衡量", "unmeasured"),
    "commitment.disagrees": ("数值不一致", "numbers disagree"),
    "qualitative": ("定性", "qualitative"),
    "classified": ("涉密", "classified"),
    "placeholder": ("占位值", "placeholder"),
    "rdf": ("RDF 数据", "RDF data"),
    "severity": ("严重程度", "Severity"),
    "severity.all": ("全部", "All"),
    "shape": ("规则", "Rule"),
    "shape.all": ("全部规则", "All rules"),
    "message": ("说明", "Message"),
    "focus": ("对象", "Subject"),
    "value": ("值", "Value"),
    "document": ("文件", "Document"),
    "findings.title": ("校验发现", "Validation findings"),
    "findings.lead": (
        "入库时按 SHACL 规则校验得到的问题，可按严重程度和规则筛选。",
        "What the SHACL shapes found when the documents were ingested; "
        "filter by severity and rule.",
    ),
    "findings.none": ("没有校验发现。", "No findings."),
    "units.title": ("预算单位", "Budget units"),
    "unit.code": ("单位编码", "Unit code"),
    "unit.renamed_from": ("原名称", "Renamed from"),
    "unit.renamed_to": ("更名为", "Renamed to"),
    "unit.projects": ("项目", "Projects"),
    "unit.findings": ("本单位项目的校验发现", "Findings on this unit's projects"),
    "sparql.title": ("SPARQL 查询", "SPARQL query"),
    "sparql.lead": (
        "在知识图谱上运行只读 SPARQL 1.1 查询。点击示例载入命名查询。默认图为所有文件的并集。",
        "Run a read-only SPARQL 1.1 query on the graph. Click an example to load a named query. "
        "The default graph is the union of all documents.",
    ),
    "sparql.examples": ("命名查询示例", "Named queries"),
    "sparql.run": ("运行", "Run"),
    "sparql.results": ("结果", "Results"),
    "sparql.rows": ("{n} 行", "{n} rows"),
    "sparql.running": ("正在查询…", "Running…"),
    "sparql.endpoint": ("协议端点", "Protocol endpoint"),
    "sparql.params": ("参数", "Parameters"),
    "upload.title": ("上传预算文件", "Upload a budget document"),
    "upload.lead": (
        "上传一份预算文件（文本），入库并校验。需要服务的接口令牌（JIXIAO_API_TOKEN）。",
        "Upload a budget document (text): it is ingested and validated. The service's API token "
        "(JIXIAO_API_TOKEN) is required.",
    ),
    "upload.disabled": (
        "此服务未设置 JIXIAO_API_TOKEN，已关闭通过网页上传入库。",
        "Ingest over HTTP is off: this service has no JIXIAO_API_TOKEN.",
    ),
    "upload.file": ("文件", "File"),
    "upload.limit": ("大小上限：{n} MiB。", "Size limit: {n} MiB."),
    "upload.token": ("接口令牌", "API token"),
    "upload.submit": ("上传并入库", "Upload and ingest"),
    "upload.done": ("处理结果", "Result"),
    "upload.bad_token": ("接口令牌不正确。", "The API token is not valid."),
    "upload.too_large": ("文件超过大小上限。", "The file exceeds the size limit."),
    "upload.no_file": ("请选择文件。", "Choose a file."),
    "upload.failed": (
        "文件未能入库（未写入任何内容），原因见下表。",
        "The document could not be ingested (nothing was stored); see the table below.",
    ),
    "status": ("状态", "Status"),
    "error.title": ("出错了", "Something went wrong"),
    "error.404": ("找不到该页面或对象。", "No such page or resource."),
    "error.back": ("返回概览", "Back to the overview"),
    "bad_param": ("参数无效：{p}", "Invalid parameter: {p}"),
}


def text(lang: str, key: str, **values: object) -> str:
    """The phrase ``key`` in ``lang``, with ``{name}`` fields filled."""
    pair = _T.get(key)
    if pair is None:
        return key
    phrase = pair[1] if lang == "en" else pair[0]
    return phrase.format(**values) if values else phrase


def word(pair: tuple[str, str], lang: str) -> str:
    return pair[1] if lang == "en" else pair[0]


def severity_label(severity: str | None, lang: str) -> str:
    if severity is None:
        return ""
    return word(SEVERITY_WORDS.get(severity, (severity, severity)), lang)


def amount_label(prop: str, lang: str) -> str:
    return word(AMOUNT_WORDS.get(prop, (prop, prop)), lang)


def category_label(key: str | None, lang: str) -> str:
    for category in CATEGORIES:
        if category.key == key:
            return category.label(lang)
    return text(lang, "uncategorised")


_COMPONENT_WORDS = {"Or": ("或", "or"), "And": ("与", "and"), "Not": ("非", "not"),
                    "Xone": ("恰一", "exactly one"), "Node": ("节点", "node"),
                    "Property": ("属性", "property")}  # fmt: skip


def shape_label(key: str, lang: str) -> str:
    """A rule's name in ``lang``: the shape's label from ``ontology/shapes`` (``RateUnitShape``
    → 比率指标的计量单位); an anonymous shape by its constraint (匿名规则（或条件）); an unknown
    shape by its key."""
    if key.startswith("anon:"):
        name = key[5:].removesuffix("ConstraintComponent")
        zh, en = _COMPONENT_WORDS.get(name, (f"sh:{name[:1].lower()}{name[1:]}",) * 2)
        if lang == "en":
            return f"{text(lang, 'shape.anonymous')} ({en})"
        return f"{text(lang, 'shape.anonymous')}（{zh}条件）"
    from jixiao.graph.validation import shape_labels

    names = shape_labels().get(key if key.startswith(("http://", "https://")) else JX + key, {})
    return names.get(lang) or names.get("zh") or key


KIND_WORDS = {
    "部门预算": ("部门预算", "department budget"),
    "项目支出绩效目标表": ("项目支出绩效目标表", "project performance targets"),
}


def document_title(
    department: str | None, year: object, kind: str | None, file: str | None, lang: str
) -> str:
    """A source document as people name it: ``广州市…局 2026年部门预算`` (English:
    ``广州市…局, department budget 2026``), from what the store holds about it; its file
    name when it holds nothing more."""
    if not (department or kind):
        return file or ""
    what = word(KIND_WORDS.get(kind or "", (kind or "", kind or "")), lang)
    if lang == "en":
        return ", ".join(x for x in (department, f"{what} {year or ''}".strip()) if x)
    return " ".join(x for x in (department, f"{year}年{what}" if year else what) if x)
