"""Units of measure (计量单位) of target values: magnitudes, base units, measure words.

A printed unit may carry a magnitude (``万元`` = 10**4 元, ``亿条`` = 10**8 条).
:func:`analyse_unit` splits it into ``(scale, base_unit)``; :func:`leading_unit` finds the
unit at the start of a longer run of text (``个不同的治理服务场景`` → ``个``).
"""

from __future__ import annotations

from functools import lru_cache

# Longest first: 千万 must win over 千, 万亿 over 万.
MAGNITUDES: tuple[tuple[str, int], ...] = (
    ("万亿", 10**12),
    ("萬億", 10**12),
    ("千万", 10**7),
    ("百万", 10**6),
    ("十万", 10**5),
    ("亿", 10**8),
    ("億", 10**8),
    ("万", 10**4),
    ("萬", 10**4),
    ("千", 10**3),
)

# Measure words and units seen in budget targets; used to recognise a unit at the start of a
# longer run of prose. A unit not listed here is still accepted when it is printed on its own.
KNOWN_UNITS: frozenset[str] = frozenset(
    {
        "%",
        "‰",
        "℃",
        "个",
        "次",
        "份",
        "项",
        "条",
        "台",
        "套",
        "件",
        "场",
        "篇",
        "名",
        "人",
        "家",
        "类",
        "张",
        "路",
        "元",
        "分",
        "秒",
        "天",
        "日",
        "周",
        "月",
        "年",
        "户",
        "所",
        "座",
        "辆",
        "间",
        "批",
        "期",
        "种",
        "本",
        "册",
        "部",
        "处",
        "块",
        "页",
        "字",
        "核",
        "宗",
        "例",
        "盏",
        "只",
        "根",
        "米",
        "吨",
        "克",
        "度",
        "点",
        "层",
        "单",
        "笔",
        "轮",
        "课时",
        "学时",
        "小时",
        "分钟",
        "工作日",
        "个工作日",
        "个月",
        "人次",
        "家次",
        "篇次",
        "户次",
        "场次",
        "架次",
        "车次",
        "批次",
        "人天",
        "人日",
        "人月",
        "平方米",
        "立方米",
        "公里",
        "千米",
        "千克",
        "公斤",
        "百分点",
        "个百分点",
        "G",
        "GB",
        "TB",
        "PB",
        "M",
        "MB",
        "T",
        "Gbps",
        "Mbps",
        "M/s",
        "ms",
        "kW",
        "kWh",
        "km",
        "m",
        "cm",
        "起",
        "株",
        "棵",
        "头",
        "匹",
        "羽",
        "亩",
        "公顷",
        "村",
        "栋",
        "幢",
        "趟",
        "厘米",
        "毫米",
        "平方公里",
        "千瓦",
        "千瓦时",
        "班次",
        "人数",
        "場",
        "個",
        "項",
        "條",
        "臺",
        "噸",
        "粒",
        "尾",
        "枚",
        "支",
        "剂",
        "袋",
        "箱",
        "瓶",
        "盒",
        "桶",
        "片",
        "针",
        "届",
        "首",
        "幅",
        "卷",
        "节",
        "门",
        "升",
        "毫升",
        "斤",
        "兆瓦",
        "千伏",
        "床",
        "床位",
        "岗",
        "组",
        "队",
        "眼",
        "餐",
        "堂",
        "件次",
        "台次",
        "项次",
        "辆次",
        "期次",
        "份次",
        "班",
        "所次",
    }
)

_LONGEST_KNOWN = max(len(u) for u in KNOWN_UNITS)


def split_magnitude(unit: str) -> tuple[str, int, str]:
    """Split a leading magnitude off ``unit``: ``"万元"`` → ``("万", 10**4, "元")``."""
    for name, scale in MAGNITUDES:
        if unit.startswith(name):
            return name, scale, unit[len(name) :]
    return "", 1, unit


@lru_cache(maxsize=4096)
def analyse_unit(unit: str | None) -> tuple[int, str | None]:
    """The ``(scale, base_unit)`` of a printed unit.

    ``万元`` → ``(10**4, "元")``; ``万元/分钟`` → ``(10**4, "元/分钟")``;
    ``元/件`` → ``(1, "元/件")``; ``%`` → ``(1, "%")``; a bare magnitude ``万`` → ``(10**4, None)``;
    time units keep themselves (``小时`` → ``(1, "小时")``); no unit → ``(1, None)``.
    """
    if not unit:
        return 1, None
    _, scale, rest = split_magnitude(unit)
    if scale == 1:
        return 1, unit
    if not rest:
        return scale, None
    if rest[0] == "/":  # "万/…" is not a magnitude of anything we can name
        return 1, unit
    return scale, rest


@lru_cache(maxsize=4096)
def leading_unit(text: str) -> str | None:
    """The unit printed at the start of ``text`` (optionally with a magnitude), or ``None``.

    ``个不同的治理服务场景`` → ``个``; ``万元用于`` → ``万元``; ``亿以上`` → ``亿``.
    """
    if not text:
        return None
    mag, _, rest = split_magnitude(text)
    for size in range(min(_LONGEST_KNOWN, len(rest)), 0, -1):
        head = rest[:size]
        if head in KNOWN_UNITS:
            # A compound such as 元/件: keep the denominator when it is a known unit too.
            tail = rest[size:]
            if tail.startswith("/"):
                denominator = leading_unit(tail[1:])
                if denominator and not split_magnitude(denominator)[0]:
                    return mag + head + "/" + denominator
            return mag + head
    return mag or None
