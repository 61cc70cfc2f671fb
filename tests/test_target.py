"""parse_target: one target value (指标值) → Target. Every expected value was checked by hand."""

from __future__ import annotations

import timeit
from decimal import Decimal, localcontext

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jixiao.extract.normalize import canonical, to_fullwidth
from jixiao.extract.records import COMPARATORS, Target
from jixiao.extract.target import _FAST_RE, _NEEDS_CANONICAL, _parse_general, parse_target
from jixiao.extract.units import analyse_unit, leading_unit

_SAME = object()
D = Decimal


def quant(
    raw: str,
    comparator: str | None,
    number: str,
    unit: str | None,
    *,
    qualifier: str | None = None,
    upper: str | None = None,
    scale: int = 1,
    base: object = _SAME,
    value: object = _SAME,
) -> Target:
    """A quantitative Target; ``base`` defaults to ``unit`` and ``value`` to ``number``."""
    return Target(
        raw=raw,
        comparator=comparator,
        number=D(number),
        upper=D(upper) if upper is not None else None,
        unit=unit,
        scale=scale,
        base_unit=unit if base is _SAME else base,  # type: ignore[arg-type]
        value=D(number) if value is _SAME else D(value),  # type: ignore[arg-type]
        qualifier=qualifier,
    )


def qual(raw: str, comparator: str | None = None, qualifier: str | None = None) -> Target:
    return Target(raw=raw, comparator=comparator, qualifier=qualifier, qualitative=True)


def secret(raw: str) -> Target:
    return Target(raw=raw, qualitative=True, classified=True)


def empty(raw: str, comparator: str | None = None, unit: str | None = None) -> Target:
    return Target(raw=raw, comparator=comparator, unit=unit, placeholder=True)


CASES: list[Target] = [
    # --- values from the seeds -------------------------------------------------------------
    quant("每年≥20场", "≥", "20", "场", qualifier="每年"),
    quant("全年≥50个", "≥", "50", "个", qualifier="全年"),
    quant("≥10亿条", "≥", "10", "亿条", scale=10**8, base="条", value="1000000000"),
    quant("<3191170元", "<", "3191170", "元"),
    quant("≤29.91元/件", "≤", "29.91", "元/件"),
    quant("小于1919万元", "<", "1919", "万元", scale=10**4, base="元", value="19190000"),
    quant("9000元及以内", "≤", "9000", "元"),
    quant("≤3万元", "≤", "3", "万元", scale=10**4, base="元", value="30000"),
    quant("≥0.6万台", "≥", "0.6", "万台", scale=10**4, base="台", value="6000"),
    quant("入库专家数不少于600个", "≥", "600", "个", qualifier="入库专家数"),
    quant("季度质量考核表评分>85分", ">", "85", "分", qualifier="季度质量考核表评分"),
    quant("0", None, "0", None),
    quant("1", None, "1", None),
    quant("≥1套", "≥", "1", "套"),
    quant("<2个", "<", "2", "个"),
    quant("<3秒", "<", "3", "秒"),
    quant("≤1份", "≤", "1", "份"),
    quant("≤2次", "≤", "2", "次"),
    quant("=100%", "=", "100", "%"),
    quant("100%", None, "100", "%"),
    quant("2份", None, "2", "份"),
    quant("≥99.5", "≥", "99.5", None),
    quant("≥99.5%", "≥", "99.5", "%"),
    quant("≥50G", "≥", "50", "G"),
    quant("≥11万核", "≥", "11", "万核", scale=10**4, base="核", value="110000"),
    quant("≥10.8万核", "≥", "10.8", "万核", scale=10**4, base="核", value="108000"),
    quant("≥4.5分", "≥", "4.5", "分"),
    quant("≤5万元/分钟", "≤", "5", "万元/分钟", scale=10**4, base="元/分钟", value="50000"),
    quant("≤3万元/场", "≤", "3", "万元/场", scale=10**4, base="元/场", value="30000"),
    quant("≤2元/人", "≤", "2", "元/人"),
    quant("≥200万", "≥", "200", "万", scale=10**4, base=None, value="2000000"),
    quant("≤0.36万", "≤", "0.36", "万", scale=10**4, base=None, value="3600"),
    quant("≥1万人次", "≥", "1", "万人次", scale=10**4, base="人次", value="10000"),
    quant("≥6篇次", "≥", "6", "篇次"),
    quant("≥10000家次", "≥", "10000", "家次"),
    quant("≤40分钟", "≤", "40", "分钟"),
    quant("≤24小时", "≤", "24", "小时"),
    quant("<20151600", "<", "20151600", None),
    quant("不少于883名", "≥", "883", "名"),
    quant("0元", None, "0", "元"),
    quant("0%", None, "0", "%"),
    quant("平均响应时间<5秒", "<", "5", "秒", qualifier="平均响应时间"),
    quant("实际支出≤2711880元", "≤", "2711880", "元", qualifier="实际支出"),
    quant("对实名举报回复率100%", None, "100", "%", qualifier="对实名举报回复率"),
    quant("问题线索处置率100%", None, "100", "%", qualifier="问题线索处置率"),
    quant("每季度100%", None, "100", "%", qualifier="每季度"),
    quant("数据项压减≥40%", "≥", "40", "%", qualifier="数据项压减"),
    quant(
        "已发布公共数据资源目录新增数据量（条）≥50亿",
        "≥",
        "50",
        "亿",
        qualifier="已发布公共数据资源目录新增数据量（条）",
        scale=10**8,
        base="条",
        value="5000000000",
    ),
    # the first comparator/number/unit group wins; the rest stays only in raw
    quant("一级事件≤1小时；二级事件≤2小时；三级事件≤4小时", "≤", "1", "小时", qualifier="一级事件"),
    quant("输出等保测试报告1份", None, "1", "份", qualifier="输出等保测试报告"),
    quant("提供10项数据安全目录+10项密码服务目录", None, "10", "项", qualifier="提供"),
    quant("2项（2项基础服务）", None, "2", "项"),
    quant("≥20个不同的治理服务场景", "≥", "20", "个"),
    # --- other spellings ------------------------------------------------------------------
    quant(">=90%", "≥", "90", "%"),
    quant("<=5秒", "≤", "5", "秒"),
    quant("=>3个", "≥", "3", "个"),
    quant("=<3个", "≤", "3", "个"),
    quant("≧90%", "≥", "90", "%"),
    quant("≦10次", "≤", "10", "次"),
    quant("95%以上", "≥", "95", "%"),
    quant("10个以上", "≥", "10", "个"),
    quant("10个以上（不含）", ">", "10", "个"),
    quant("9000元以内（含）", "≤", "9000", "元"),
    quant("3天以内", "≤", "3", "天"),
    quant("3天内", "≤", "3", "天"),
    quant("5人及以下", "≤", "5", "人"),
    quant("不低于90%", "≥", "90", "%"),
    quant("不超过10万元", "≤", "10", "万元", scale=10**4, base="元", value="100000"),
    quant("至少3次", "≥", "3", "次"),
    quant("大于等于80分", "≥", "80", "分"),
    quant("低于5%", "<", "5", "%"),
    quant("超过100家", ">", "100", "家"),
    quant("等于100%", "=", "100", "%"),
    quant("≥９５％", "≥", "95", "%"),
    quant("＞85分", ">", "85", "分"),
    quant("＜＝３秒", "≤", "3", "秒"),
    quant("<p>≥95%</p>", "≥", "95", "%"),
    quant("1,000个", None, "1000", "个"),
    quant("≥1，000，000元", "≥", "1000000", "元"),
    quant("-5%", None, "-5", "%"),
    quant("≥-2.5%", "≥", "-2.5", "%"),
    quant("≥5千元", "≥", "5", "千元", scale=10**3, base="元", value="5000"),
    quant("≤2千万元", "≤", "2", "千万元", scale=10**7, base="元", value="20000000"),
    quant("≥3百万条", "≥", "3", "百万条", scale=10**6, base="条", value="3000000"),
    quant("50G内存", None, "50", "G"),  # Latin unit then prose: the unit is G
    quant("数量（个）≥50", "≥", "50", "个", qualifier="数量（个）"),
    # ranges
    quant("90%-95%", None, "90", "%", upper="95"),
    quant("90-95%", None, "90", "%", upper="95"),
    quant("90%~95%", None, "90", "%", upper="95"),
    quant("90％～95％", None, "90", "%", upper="95"),
    quant("90至95%", None, "90", "%", upper="95"),
    quant("3-5个", None, "3", "个", upper="5"),
    quant("3到5万元", None, "3", "万元", upper="5", scale=10**4, base="元", value="30000"),
    # a year followed by prose is not the target; the next number is
    quant("2025年完成10个", None, "10", "个", qualifier="2025年完成"),
    quant("2025年", None, "2025", "年"),
    # --- qualitative ------------------------------------------------------------------------
    qual("广州市政府网站和政务新媒体在全省评估中位于优秀档次"),
    qual("不得产生负面舆情"),
    qual("全市党风廉政建设责任制考核名次靠前"),
    qual("采购价格≤政府采购智慧云平台同类货物价格", "≤", "采购价格"),
    qual("≤《广东省律师服务收费标准》建议律师费", "≤"),
    qual("≤《2020年收费标准》建议律师费", "≤"),  # the number belongs to the title
    qual("不低于上年水平", "≥"),
    qual("2025年底前完成"),
    qual("达标"),
    qual("合格"),
    qual("是"),
    qual("否"),
    qual("好"),
    qual("良好"),
    qual("优秀"),
    qual("有效提升"),
    qual("abc"),
    # --- classified ---------------------------------------------------------------------------
    secret("涉密"),
    secret("涉密项目"),
    secret("SM项目"),
    secret("SM"),
    secret("sm"),
    secret("保密"),
    secret("涉密，不予公开"),
    # --- placeholders and garbage --------------------------------------------------------------
    empty("待单位补充..."),
    empty("待单位补充"),
    empty("待补充"),
    empty("XX"),
    empty("xx"),
    empty("XXX"),
    empty("*"),
    empty("**"),
    empty("_"),
    empty("—"),
    empty("-"),
    empty("/"),
    empty("无"),
    empty("暂无"),
    empty(""),
    empty("。"),
    empty("≥", "≥"),
    empty("%%%"),
    empty("≥XX%", "≥", "%"),
    empty("XX个", None, "个"),
]


@pytest.mark.parametrize("expected", CASES, ids=lambda t: t.raw or "<empty>")
def test_table(expected: Target) -> None:
    assert parse_target(expected.raw) == expected


def test_table_is_not_empty_and_raws_are_unique() -> None:
    raws = [t.raw for t in CASES]
    assert len(raws) >= 130
    assert len(set(raws)) == len(raws)


def test_raw_is_printed_text_stripped_before_canonicalisation() -> None:
    t = parse_target("  ≥９５％\n")
    assert t.raw == "≥９５％"
    assert (t.comparator, t.number, t.unit) == ("≥", D(95), "%")


def test_number_is_exactly_as_printed() -> None:
    t = parse_target("≤29.90元/件")
    assert str(t.number) == "29.90"
    assert t.value == D("29.90")
    assert str(parse_target("≥0.6万台").number) == "0.6"


def test_repeats_are_shared_through_the_cache() -> None:
    assert parse_target("≥97%") is parse_target("≥97%")
    assert parse_target.cache_info().maxsize >= 65536


@pytest.mark.parametrize(
    "text",
    [
        "",
        " ",
        "\x00\x01\x02",
        "\u200b",
        "1e999",
        "9" * 5000,
        "≥" + "9" * 5000 + "亿条",
        "0." + "1" * 3000 + "万元",
        "≥" * 3000,
        "<" * 100 + "p>",
        "&#0;&#xD800;&#1114112;",
        "1，" * 2000,
        "年" * 100 + "2025年底",
        "\ud800",  # a lone surrogate
    ],
)
def test_never_raises_on_nasty_input(text: str) -> None:
    t = parse_target(text)
    assert t.raw == text.strip()
    assert t.number is None or t.value is not None


def test_huge_number_is_exact() -> None:
    t = parse_target("≥" + "9" * 5000 + "亿条")
    assert t.number == D("9" * 5000)
    assert t.value == D("9" * 5000 + "0" * 8)
    assert t.base_unit == "条"


def test_non_str_input_does_not_raise() -> None:
    assert parse_target(None) == Target(raw="", placeholder=True)  # type: ignore[arg-type]
    assert parse_target(95).number == D(95)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("unit", "expected"),
    [
        ("万元", (10**4, "元")),
        ("亿条", (10**8, "条")),
        ("元/件", (1, "元/件")),
        ("万元/分钟", (10**4, "元/分钟")),
        ("%", (1, "%")),
        ("小时", (1, "小时")),
        ("万", (10**4, None)),
        ("千万", (10**7, None)),
        ("万亿元", (10**12, "元")),
        (None, (1, None)),
        ("", (1, None)),
    ],
)
def test_analyse_unit(unit: str | None, expected: tuple[int, str | None]) -> None:
    assert analyse_unit(unit) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("个不同的治理服务场景", "个"),
        ("项数据安全目录", "项"),
        ("万元用于", "万元"),
        ("元/件以内", "元/件"),
        ("人次参与", "人次"),
        ("亿以上", "亿"),
        ("治理服务", None),
        ("", None),
    ],
)
def test_leading_unit(text: str, expected: str | None) -> None:
    assert leading_unit(text) == expected


# --- properties ------------------------------------------------------------------------------

PIECES = [
    "≥", "≤", "=", ">", "<", ">=", "<=", "＞", "＜", "＝", "≧", "≦", "-", "~", "至",
    "，", "；", "：", "（", "）", "(", ")", ".", "%", "％", "‰", "/", " ", "\u3000",
    "<p>", "</p>", "&lt;", "不少于", "不低于", "至少", "不超过", "以上", "以内", "及以内",
    "以下", "内", "小于", "大于等于", "0", "1", "9", "20", "0.6", "99.5", "1,000", "1，000",
    "２０", "2025年", "个", "次", "万元", "亿条", "元/件", "分", "秒", "小时", "人次", "G", "万",
    "亿", "千", "每年", "全年", "满意度", "涉密", "SM", "XX", "*", "待单位补充", "无", "的", "和",
    "优秀",
]  # fmt: skip


def _check_invariants(text: str, t: Target) -> None:
    assert t.raw == text.strip()
    assert t.comparator is None or t.comparator in COMPARATORS
    if t.number is None:
        assert t.value is None and t.upper is None
    else:
        assert not t.qualitative and not t.placeholder and not t.classified
        with localcontext() as ctx:
            ctx.prec = len(t.number.as_tuple().digits) + 20
            assert t.value == t.number * t.scale
    if t.classified:
        assert t.qualitative
    assert t.scale >= 1
    assert t.qualifier is None or (t.qualifier and t.qualifier == t.qualifier.strip(" ：:"))


@settings(max_examples=2000, deadline=None)
@given(st.text())
def test_never_raises_on_any_text(text: str) -> None:
    _check_invariants(text, parse_target(text))


@settings(max_examples=2000, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=8).map("".join))
def test_never_raises_on_realistic_pieces(text: str) -> None:
    _check_invariants(text, parse_target(text))


ASCII_PIECES = [
    ">=", "<=", ">", "<", "=", "-", "~", "%", "/", " ", ",", ";", ":", "(", ")", ".",
    "0", "5", "12", "99.5", "1,000", "G", "GB", "XX", "SM", "*",
    "个", "万元", "亿条", "元/件", "秒", "以上", "以内", "每年", "涉密", "2025年",
]  # fmt: skip


@settings(max_examples=2000, deadline=None)
@given(st.lists(st.sampled_from(ASCII_PIECES), max_size=6).map("".join))
def test_full_width_and_half_width_parse_the_same(text: str) -> None:
    half = parse_target(text)
    full = parse_target(to_fullwidth(text))
    assert full._replace(raw="") == half._replace(raw="")


UNITS: dict[str, tuple[int, str | None]] = {
    "": (1, None),
    "%": (1, "%"),
    "个": (1, "个"),
    "分": (1, "分"),
    "秒": (1, "秒"),
    "小时": (1, "小时"),
    "人次": (1, "人次"),
    "G": (1, "G"),
    "元/件": (1, "元/件"),
    "万元": (10**4, "元"),
    "亿条": (10**8, "条"),
    "万台": (10**4, "台"),
    "万元/分钟": (10**4, "元/分钟"),
    "万": (10**4, None),
    "亿": (10**8, None),
}


@settings(max_examples=2000, deadline=None)
@given(
    st.sampled_from(["", "≥", "≤", "=", ">", "<"]),
    st.decimals(min_value=-(10**9), max_value=10**12, places=2, allow_nan=False),
    st.sampled_from(sorted(UNITS)),
    st.sampled_from(["", "每年", "平均响应时间"]),
)
def test_comparator_number_unit_round_trip(
    comparator: str, number: Decimal, unit: str, qualifier: str
) -> None:
    printed = format(number, "f")
    t = parse_target(f"{qualifier}{comparator}{printed}{unit}")
    scale, base = UNITS[unit]
    assert (t.qualifier, t.comparator) == (qualifier or None, comparator or None)
    assert (t.number, t.unit, t.scale, t.base_unit) == (number, unit or None, scale, base)
    assert str(t.number) == printed
    assert t.value == number * scale
    assert not t.qualitative and t.upper is None


@settings(max_examples=2000, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=5).map("".join))
def test_fast_path_agrees_with_general_path(text: str) -> None:
    norm = canonical(text.strip()).strip()
    if _FAST_RE.fullmatch(norm):
        assert parse_target.__wrapped__(text) == _parse_general(text.strip(), norm)


def test_fast_path_agrees_on_the_table() -> None:
    checked = 0
    for expected in CASES:
        norm = canonical(expected.raw).strip()
        if _FAST_RE.fullmatch(norm):
            assert _parse_general(expected.raw, norm) == expected
            checked += 1
    assert checked > 40


def test_text_without_flagged_characters_is_already_canonical() -> None:
    # parse_target skips canonical() when _NEEDS_CANONICAL finds nothing; that is only sound
    # if canonical() leaves every other character alone (it maps characters one by one, and
    # its multi-character patterns all start with a flagged character: & < \r).
    for code in range(0x10000):
        ch = chr(code)
        if not _NEEDS_CANONICAL.search(ch):
            assert canonical(ch) == ch, hex(code)


@settings(max_examples=2000, deadline=None)
@given(st.text())
def test_canonical_shortcut_is_sound(text: str) -> None:
    if not _NEEDS_CANONICAL.search(text):
        assert canonical(text) == text


def test_typical_parse_is_fast() -> None:
    uncached = parse_target.__wrapped__
    n = 2000
    seconds = min(timeit.repeat(lambda: uncached("≥10亿条"), number=n, repeat=3)) / n
    # ~10 µs on the development machine; the bound only catches a pathological regression
    assert seconds < 200e-6
