"""The PDF reader on what real budget PDFs do: tables over page breaks (header repeated,
or the cut row left without its top rule), page numbers, a white print-area rectangle
behind the table, text in reading order."""

from __future__ import annotations

import io

from jixiao.extract.blocks import Paragraph
from jixiao.extract.readers import read_bytes

FONT = "STSong-Light"


def _canvas() -> tuple[object, io.BytesIO]:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    buffer = io.BytesIO()
    return canvas.Canvas(buffer, pagesize=(595, 842)), buffer


def _ruled(page: object, rows: list[list[str]], top: float, *, top_rule: bool = True) -> None:
    """Rows of 20 pt under ``top``, columns at 60/200/400/540; a white print-area rectangle
    behind everything, as Excel exports draw."""
    xs = [60, 200, 400, 540]
    bottom = top - 20 * len(rows)
    page.setFillGray(1)
    page.rect(30, 30, 535, 780, stroke=0, fill=1)
    page.setFillGray(0)
    page.setLineWidth(0.5)
    for x in xs:
        page.line(x, top, x, bottom)
    for k in range(0 if top_rule else 1, len(rows) + 1):
        page.line(xs[0], top - 20 * k, xs[-1], top - 20 * k)
    page.setFont(FONT, 9)
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            page.drawString(xs[c] + 3, top - 20 * r - 14, text)


def test_table_cut_by_a_page_break_is_one_table_and_page_numbers_go() -> None:
    page, buffer = _canvas()
    page.setFont(FONT, 12)
    page.drawString(60, 800, "公开06表：财政拨款基本支出预算表")
    header = ["科目编码", "科目名称", "金额"]
    _ruled(
        page, [header, ["301", "工资福利支出", "13,747.87"], ["30101", "基本工资", "2,679.68"]], 780
    )
    page.drawString(290, 40, "- 15 -")
    page.showPage()
    _ruled(page, [["30108", "养老保险缴费", "1,326.81"], ["302", "商品和服务支出", "4,822.95"]], 800,
           top_rule=False)  # fmt: skip
    page.setFont(FONT, 9)
    page.drawString(290, 40, "第16页")
    page.showPage()
    page.save()
    doc = read_bytes(buffer.getvalue(), "cut.pdf")
    assert [b.text for b in doc.blocks if isinstance(b, Paragraph)] == [
        "公开06表：财政拨款基本支出预算表"
    ]
    (table,) = doc.tables()
    assert table.texts() == [
        header, ["301", "工资福利支出", "13,747.87"], ["30101", "基本工资", "2,679.68"],
        ["30108", "养老保险缴费", "1,326.81"], ["302", "商品和服务支出", "4,822.95"],
    ]  # fmt: skip
    assert [row[0].where.page for row in table.rows] == [1, 1, 1, 2, 2]
    assert [row[0].where.row for row in table.rows] == [1, 2, 3, 4, 5]


def test_repeated_header_on_the_next_page_is_dropped() -> None:
    page, buffer = _canvas()
    header = ["项目", "单位", "金额"]
    _ruled(page, [header, ["甲项目", "本级", "1.00"]], 780)
    page.showPage()
    _ruled(page, [header, ["乙项目", "本级", "2.00"]], 800)
    page.showPage()
    page.save()
    (table,) = read_bytes(buffer.getvalue(), "repeat.pdf").tables()
    assert table.texts() == [header, ["甲项目", "本级", "1.00"], ["乙项目", "本级", "2.00"]]


def test_a_titled_table_on_the_next_page_is_its_own() -> None:
    page, buffer = _canvas()
    _ruled(page, [["项目", "单位", "金额"], ["甲项目", "本级", "1.00"]], 780)
    page.showPage()
    page.setFont(FONT, 12)
    page.drawString(60, 810, "公开07表")
    _ruled(page, [["项目", "单位", "金额"], ["乙项目", "本级", "2.00"]], 800)
    page.showPage()
    page.save()
    blocks = read_bytes(buffer.getvalue(), "two.pdf").blocks
    assert [type(b).__name__ for b in blocks] == ["Table", "Paragraph", "Table"]


def test_text_in_reading_order_with_wide_gaps_kept() -> None:
    page, buffer = _canvas()
    page.setFont(FONT, 10)
    page.drawString(60, 700, "第二行在下")
    page.drawString(60, 720, "部门：")
    page.drawString(200, 720, "江苏省人民检察院")
    page.drawString(480, 720, "单位：万元")
    page.showPage()
    page.save()
    doc = read_bytes(buffer.getvalue(), "order.pdf")
    assert [b.text for b in doc.blocks] == ["部门： 江苏省人民检察院 单位：万元", "第二行在下"]
    assert [b.where.line for b in doc.blocks] == [1, 2] and doc.pages == 1
