"""Canonical text: one spelling for the many ways a budget table prints the same thing.

The passes are small and named; :func:`canonical` runs them in order until the text
stops changing, so it is idempotent by construction.
"""

from __future__ import annotations

import re

# Full-width punctuation that is the natural Chinese spelling stays full-width; its
# half-width twin is mapped onto it. Everything else in U+FF01–U+FF5E (digits,
# letters, ＞＜＝％．／ …) becomes ASCII.
_KEEP_FULL = "；：（），！？"
_TO_FULL = {ord(chr(ord(c) - 0xFEE0)): c for c in _KEEP_FULL}
_TO_HALF = {
    code: chr(code - 0xFEE0) for code in range(0xFF01, 0xFF5F) if chr(code) not in _KEEP_FULL
}
_LOOKALIKES = {
    "\u3000": " ",  # ideographic space
    "\u00a0": " ",
    "\u2002": " ",
    "\u2003": " ",
    "\u2009": " ",
    "\u200b": "",  # zero-width space
    "\ufeff": "",
    "≧": "≥",
    "≦": "≤",
    "⩾": "≥",
    "⩽": "≤",
    "﹤": "<",
    "﹥": ">",
    "﹦": "=",
    "═": "=",
    "〜": "~",
    "∶": "：",
    "﹔": "；",
    "﹕": "：",
    "\r\n": "\n",
    "\r": "\n",
}
_TABLE: dict[int, str] = {**_TO_HALF, **_TO_FULL}
_LOOKALIKE_RE = re.compile(
    "|".join(re.escape(k) for k in sorted(_LOOKALIKES, key=len, reverse=True))
)

# An HTML tag starts with a letter after '<' (or '</'), so '<2个' and '<3秒' are not tags.
_TAG_RE = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>")
_ENTITY_RE = re.compile(r"&(nbsp|lt|gt|quot|apos|#\d{1,7}|#x[0-9A-Fa-f]{1,6})[;；]")
_ENTITIES = {"nbsp": " ", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}


def _entity(match: re.Match[str]) -> str:
    name = match.group(1)
    if name in _ENTITIES:
        return _ENTITIES[name]
    try:
        code = int(name[2:], 16) if name[1:2] in "xX" else int(name[1:])
        return chr(code) if 0 < code < 0x110000 and not 0xD800 <= code < 0xE000 else ""
    except ValueError:  # pragma: no cover - the pattern admits only digits
        return ""


def unescape_html(text: str) -> str:
    """Decode the few entities seen in flattened HTML cells (``&lt;`` …)."""
    return _ENTITY_RE.sub(_entity, text)


def strip_tags(text: str) -> str:
    """Remove HTML tags such as ``<p>``, ``</p>``, ``<br/>``; comparators like ``<2个`` stay."""
    return _TAG_RE.sub(" ", text)


# str.translate with a dict walks every character through Python-level lookups, and
# a regex callback per match is not much better on cells full of ':'; replacing each
# distinct character that occurs (usually one to three of them) is ~10× faster.
_FOLD_RE = re.compile("[" + "".join(re.escape(chr(c)) for c in sorted(_TABLE)) + "]")
_FOLD = {chr(k): v for k, v in _TABLE.items()}


def fold_width(text: str) -> str:
    """Map full-width ASCII to half-width and half-width Chinese punctuation to full-width."""
    text = _LOOKALIKE_RE.sub(lambda m: _LOOKALIKES[m.group(0)], text)
    for char in set(_FOLD_RE.findall(text)):
        text = text.replace(char, _FOLD[char])
    return text


def _once(text: str) -> str:
    return fold_width(strip_tags(unescape_html(text)))


def canonical(text: str) -> str:
    """The canonical spelling of ``text``; ``canonical(canonical(t)) == canonical(t)``.

    Width folding is idempotent on its own; only decoding an entity or removing a tag
    can expose a new one, so another pass runs only while ``&`` or a tag remains.
    """
    for _ in range(16):
        nxt = _once(text)
        if nxt == text or ("&" not in nxt and _TAG_RE.search(nxt) is None):
            return nxt
        text = nxt
    return text


def to_fullwidth(text: str) -> str:
    """Print ASCII as full-width (a test helper and a way to mimic other publishers)."""
    return "".join(
        chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else ("\u3000" if c == " " else c) for c in text
    )


# Traditional → simplified for the characters of the indicator framework's vocabulary
# (labels, headers, comparator words). Names stay as printed; this is for recognition.
_TRAD = str.maketrans(
    "產齣標滿數質時經濟會態續響對務環費總計號單實週級額權類據設備達項該應與為從來說關際個條萬億臺噸餘歲樂區縣鎮廣張"
    "內於後規範輸鐘資訊運維護參戶處辦執業階專組織線統網絡",
    "产出标满数质时经济会态续响对务环费总计号单实周级额权类据设备达项该应与为从来说关际个条万亿台吨余岁乐区县镇广张"
    "内于后规范输钟资讯运维护参户处办执业阶专组织线统网络",
)


_TRAD_RE = re.compile("[" + "".join(chr(c) for c in _TRAD) + "]")


def to_simplified(text: str) -> str:
    """Simplify the traditional characters that occur in the framework's vocabulary."""
    if _TRAD_RE.search(text) is None:
        return text
    return text.translate(_TRAD)
