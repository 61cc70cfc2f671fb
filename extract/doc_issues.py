"""Stable codes of the problems found in whole documents (``D0xx``) and between documents
(``L0xx``), each with a message in Chinese and in English.

:func:`doc_issue` fills both templates from the same values, so a report in either
language says the same thing; names and numbers are data and appear as printed. The codes
never change meaning (README, "Ingest issue codes"); a retired code is not reused.
The indicator parsers' own codes (``X0xx``, ``T0xx``, :mod:`extract.issues`) reach a
document report inside ``D007``, with their Chinese text from :data:`PARSER_ZH`.
"""

from __future__ import annotations

import re

from jixiao.extract.doc_records import DocIssue
from jixiao.extract.records import Issue

DOC_MESSAGES: dict[str, tuple[str, str]] = {
    "D003": (
        "预算年度未印出，按正文推断为 {year}",
        "the fiscal year is not printed; {year} was inferred from the text",
    ),
    "D004": ("{table} 没有合计行", "{table} has no total row"),
    "D005": (
        "单位 {unit} 的单位行缺失：项目出现在第 {line} 行而无单位合计行",
        "unit {unit} has no unit row: its projects start at line {line} without a unit total",
    ),
    "D006": ("项目 {project} 之前没有单位行", "project {project} comes before any unit row"),
    "D007": (
        "项目 {project} 的绩效指标：{code} {detail_zh}",
        "project {project}, indicator cell: {code} {detail_en}",
    ),
    "D010": (
        "单位 {unit} 的 {rows} 个项目合计 {summed} 万元，与单位行 {printed} 万元不符"
        "（差 {difference}，容差 {tolerance}）",
        "unit {unit}: its {rows} projects add up to {summed} (10k yuan) but its unit row says "
        "{printed} (difference {difference}, tolerance {tolerance})",
    ),
    "D011": (
        "合计行 {printed} 万元与 {rows} 个单位行之和 {summed} 万元不符（差 {difference}）",
        "the total row says {printed} (10k yuan) but its {rows} unit rows add up to {summed} "
        "(difference {difference})",
    ),
    "D012": (
        "合计行 {printed} 万元与 {rows} 个项目之和 {summed} 万元不符（差 {difference}）",
        "the total row says {printed} (10k yuan) but its {rows} projects add up to {summed} "
        "(difference {difference})",
    ),
    "D013": (
        "未识别的标题：按其中的绩效指标表读取",
        "unknown title: read because the document holds an indicator table",
    ),
    "L001": (
        "项目 {project}（{unit}）在同年其他文件中找不到对应项目",
        "project {project} ({unit}) has no counterpart in the other documents of the same year",
    ),
    "L003": (
        "多年项目 {project} 的年度 {first}–{last} 不含预算年度 {year}",
        "multi-year project {project} covers {first}–{last}, not its fiscal year {year}",
    ),
}

# What each code means, for the README table and ``--help`` (one line each, English).
MEANINGS: dict[str, str] = {
    "D003": "fiscal year not printed; inferred from the text",
    "D004": "the project table has no total row (合计)",
    "D005": "a unit's projects appear without the unit's own row",
    "D006": "a project row before any unit row",
    "D007": "an indicator cell of a project has a parser issue (X0xx/T0xx inside)",
    "D010": "a unit row differs from the sum of its projects beyond the tolerance",
    "D011": "the total row differs from the sum of the unit rows",
    "D012": "the total row differs from the sum of the projects",
    "D013": "an unknown title, read because the document holds an indicator table",
    "L001": "a project has no counterpart in the other documents of the same year",
    "L003": "a multi-year project (2024-2026年…) budgeted outside its years",
}

# The indicator parsers' messages (extract.issues.MESSAGES) in Chinese.
PARSER_ZH: dict[str, str] = {
    "X001": "未找到指标：文本不是可识别的指标格式",
    "X002": "第一个编号项之前的文字已忽略",
    "X003": "编号顺序不连续",
    "X004": "该指标的一级指标前缀缺失，已按二级指标编码推断类别",
    "X005": "指标没有名称",
    "X006": "指标没有指标值",
    "X007": "同一项内指标值重复，已去掉重复的一个",
    "X008": "同类指标值出现第二个不同的值，保留第一个",
    "X009": "已去掉名称或指标值两侧多余的标点",
    "X010": "指标值涉密",
    "X011": "指标值或名称为占位符（待单位补充、XX、*）",
    "X012": "二级指标编码不属于该一级指标编码",
    "X013": "编号项内的多余文字已忽略",
    "T001": "未识别到表头行，列按单元格内容推测",
    "T002": "该行单元格少于表头，无法读取指标值",
    "T003": "一级指标缺失，且无法从合并单元格推断",
    "T004": "展开的表格文字拆分为指标名称和指标值时不确定",
    "T005": "指标值像 Excel 日期序号，按原样保留",
    "T006": "比率超过 100%，可能是识别错误（≥ 被读成 2），按原样保留",
    "T007": "该行单元格多于表头，多出的单元格已忽略",
    "T008": "该行有指标值但没有指标名称，已跳过",
    "T009": "权重不是数字，已忽略",
    "T099": "读取表格时发生内部错误，未解析任何内容",
}


def doc_issue(code: str, line: int = 0, /, **values: object) -> DocIssue:
    """The :class:`DocIssue` ``code`` at ``line``, its templates filled with ``values``."""
    zh, en = DOC_MESSAGES[code]
    return DocIssue(code, zh.format(**values), line, en.format(**values))


_AT_ZH = (
    (re.compile(r"^before item (\d+)"), r"第 \1 项之前"),
    (re.compile(r"^item (\d+)"), r"第 \1 项"),
    (re.compile(r"^row (\d+)"), r"第 \1 行"),
    (re.compile(r"^expected (\S+), found (\S+)$"), r"应为 \1，实为 \2"),
    (re.compile(r"^empty text$"), "空文本"),
)


def _at_zh(at: str) -> str:
    """Where a parser issue is, in Chinese: ``item 3`` → ``第 3 项``, ``row 5`` → ``第 5 行``,
    ``expected 6, found 7`` → ``应为 6，实为 7`` (quoted text is kept as printed)."""
    for pattern, replacement in _AT_ZH:
        at = pattern.sub(replacement, at)
    return at


def cell_issue(project: str, issue: Issue, line: int) -> DocIssue:
    """D007: a parser ``issue`` in the indicator cell of ``project`` (printed at ``line``)."""
    zh = PARSER_ZH.get(issue.code, issue.message)
    return doc_issue(
        "D007",
        line,
        project=project,
        code=issue.code,
        detail_zh=zh + (f"（{_at_zh(issue.at)}）" if issue.at else ""),
        detail_en=issue.message + (f" ({issue.at})" if issue.at else ""),
    )
