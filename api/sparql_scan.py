"""The safety scan of a SPARQL query before any worker sees it: a tokenizer that reads the
text the way pyoxigraph's parser (spargebra 0.5, a PEG grammar) does.

What it decides: the query form, whether it is an update, the FROM / FROM NAMED graphs,
how deeply it nests, and whether it could run ``SERVICE`` (pyoxigraph would fetch the URL).

Why a tokenizer and not a regular expression over the text: SPARQL's terminals overlap.
``ex:a\\#`` is one prefixed name (``\\#`` escapes the ``#``), ``'`` may sit inside an IRI or a
prefixed name, and ``<`` starts an IRI in a triple pattern but is "less than" after an
operand inside an expression, where ``?a<?b)SERVICE?u#>`` is a comparison, a SERVICE and a
comment to the parser. The scanner follows the grammar's tokens exactly (strings of all four
quote kinds with their escapes, IRIs, comments, prefixed names with ``\\`` escapes and
``%HH``, variables, blank nodes, language tags, numbers) and tracks the brackets so that it
knows where ``<`` may be an operator. Where it cannot know (inside parentheses that may be a
collection or an expression) and the two readings would leave the text in different states,
the query is refused as ambiguous rather than guessed.

spargebra matches keywords without word boundaries (``FILTERregex(``, ``SERVICE?u`` and
``trueSERVICE<…>`` parse), so any bare word, prefix or language tag that contains
``service`` in any letter case counts as SERVICE. pyoxigraph 0.5 does not decode
``\\uXXXX`` outside strings and IRIs; the text is scanned a second time with them decoded, so
that a query relying on either reading is refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

MAX_DEPTH = 64  # nested { ( [ << : parse time grows fast with depth in pyoxigraph 0.5
FORM_WORDS = frozenset(("SELECT", "ASK", "CONSTRUCT", "DESCRIBE"))
UPDATE_WORDS = frozenset(
    ["INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH", "USING"]
)

# Character classes of the grammar as spargebra writes them (no planes above the BMP).
_BASE = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd"
)
_U = _BASE + "_"
_CHARS = _U + "\\-0-9\u00b7\u0300-\u036f\u203f-\u2040"
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
_HEX = "[0-9A-Fa-f]"
_UCHAR = rf"\\u{_HEX}{{4}}|\\U{_HEX}{{8}}"
_ECHAR = r"""\\[tbnrf"'\\]"""

_PREFIX = rf"[{_BASE}][{_CHARS}]*(?:\.+[{_CHARS}]+)*"
_LOCAL = rf"(?:[{_U}:0-9]|{_PLX})(?:[{_CHARS}:]|{_PLX})*(?:\.+(?:[{_CHARS}:]|{_PLX})+)?"
PNAME = re.compile(rf"(?P<prefix>(?:{_PREFIX})?):(?P<local>{_LOCAL})?")
BNODE = re.compile(rf"_:[{_U}0-9][{_CHARS}]*(?:\.+[{_CHARS}]+)*")
VAR = re.compile(rf"[?$][{_U}0-9][{_U}0-9\u00b7\u0300-\u036f\u203f-\u2040]*")
WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
LANGTAG = re.compile(r"@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*(?:--[a-zA-Z]+)?")
NUMBER = re.compile(r"(?:[0-9]+\.?[0-9]*|\.[0-9]+)[eE][+-]?[0-9]+|[0-9]*\.[0-9]+|[0-9]+")
# A superset of what the parser accepts as an IRI (it checks the text with an IRI parser).
IRI = re.compile(rf"<(?:[^<>\"{{}}|^`\\\x00-\x20]|{_UCHAR})*>")
STRINGS = {
    "'''": re.compile(rf"'''(?:(?:''|')?(?:[^'\\]|{_ECHAR}|{_UCHAR}))*'''"),
    '"""': re.compile(rf'"""(?:(?:""|")?(?:[^"\\]|{_ECHAR}|{_UCHAR}))*"""'),
    "'": re.compile(rf"'(?:[^'\\\n\r]|{_ECHAR}|{_UCHAR})*'"),
    '"': re.compile(rf'"(?:[^"\\\n\r]|{_ECHAR}|{_UCHAR})*"'),
}
_ESCAPES = re.compile(rf"\\u({_HEX}{{4}})|\\U({_HEX}{{8}})")
_SPACE = re.compile(r"(?:[ \t\r\n]+|#[^\r\n]*)+")
_DIGITS = "0123456789"
_DIGITS_SET = frozenset(_DIGITS)
_PUNCT = ("^^", "&&", "||", "!=", "<=", ">=", "{|")
# inside parentheses that may be an expression, these in a would-be IRI change the reading
_AMBIGUOUS = frozenset("#'()[]\\")


class ScanError(ValueError):
    """The query is refused before execution: ``code`` and a message naming line and column."""

    def __init__(self, code: str, message: str, line: int, column: int) -> None:
        super().__init__(f"line {line}, column {column}: {message}")
        self.code, self.line, self.column = code, line, column


@dataclass(frozen=True, slots=True)
class Scan:
    form: str | None  # SELECT / ASK / CONSTRUCT / DESCRIBE, None if not found
    update: bool
    service: bool
    has_from: bool
    from_iris: tuple[str, ...]
    depth: int = 0
    service_at: tuple[int, int] | None = None  # (line, column) of the first SERVICE


@dataclass
class _State:
    text: str
    frames: list[str] = field(default_factory=list)
    depth: int = 0
    operand: bool = False  # the previous token ends an operand (a following < may compare)
    previous: tuple[str, str] = ("", "")  # kind and text of the previous token
    before: tuple[str, str] = ("", "")  # and of the one before it
    values: int = 0  # VALUES seen (1), its variable list open (2), its data block next (3)
    words: list[tuple[str, int]] = field(default_factory=list)  # top-level words, offsets
    service_at: int | None = None
    prefixes: dict[str, str] = field(default_factory=dict)
    top_tokens: list[tuple[str, str]] = field(default_factory=list)

    def where(self, pos: int) -> tuple[int, int]:
        line = self.text.count("\n", 0, pos) + 1
        return line, pos - (self.text.rfind("\n", 0, pos) + 1) + 1

    def fail(self, code: str, message: str, pos: int) -> ScanError:
        return ScanError(code, message, *self.where(pos))


def _contains_service(text: str) -> bool:
    return "service" in text.lower()


def _string_at(text: str, pos: int) -> re.Match[str] | None:
    """The string literal at ``pos`` as the parser reads it (long forms first)."""
    quote = text[pos]
    for opener in (quote * 3, quote):
        match = STRINGS[opener].match(text, pos)
        if match and all(_valid_escape(m) for m in _ESCAPES.finditer(match.group())):
            return match
    return None


def _valid_escape(match: re.Match[str]) -> bool:
    code = int(match.group(1) or match.group(2), 16)
    return code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF


def _open_paren(state: _State) -> str:
    """What a ``(`` opens: ``expr`` (operators allowed), ``terms`` or ``unknown``."""
    top = state.frames[-1] if state.frames else "top"
    kind, text = state.previous
    if state.values == 1:
        state.values = 2
        return "terms"
    if top in ("expr", "unknown"):
        return top
    if top in ("values", "tripleterm"):
        return "terms"
    if top == "terms":
        return "unknown"
    if top == "top":
        return "expr"  # select expressions, GROUP BY / ORDER BY / HAVING conditions
    if kind == "word" and text != "a":
        return "expr"  # a built-in, FILTER, BIND: no collection follows a bare word
    before_kind, before_text = state.before
    if kind in ("pname", "iri") and before_kind == "word" and before_text.upper() == "FILTER":
        return "expr"  # FILTER ex:function(...)
    return "unknown"  # a collection, a path group, or something the scanner cannot tell


def _less_than(state: _State, pos: int) -> tuple[str, int]:
    """Token kind and end of the ``<`` at ``pos``."""
    text = state.text
    top = state.frames[-1] if state.frames else "top"
    operator_end = pos + (2 if text.startswith("<=", pos) else 1)
    if state.operand and top == "expr":
        return "op", operator_end
    if state.operand and top == "unknown":
        if text.startswith("<<", pos):
            raise state.fail("ambiguous", "'<<' after a term inside parentheses", pos)
        match = IRI.match(text, pos)
        if match is None:
            return "op", operator_end
        inner = match.group()[1:-1]
        if _AMBIGUOUS & set(inner) or _contains_service(inner):
            raise state.fail(
                "ambiguous",
                "'<' may start an IRI or compare here; put a space after a comparing '<' "
                "or write the IRI as a prefixed name",
                pos,
            )
        return "iri", match.end()
    if text.startswith("<<(", pos):
        return "open_tripleterm", pos + 3
    if text.startswith("<<", pos):
        return "open_reified", pos + 2
    match = IRI.match(text, pos)
    return ("iri", match.end()) if match else ("op", operator_end)


_OPENERS = {"{": "group", "{|": "annot", "[": "bracket"}
_CLOSERS = {"}": ("group", "values"), "|}": ("annot",), "]": ("bracket",), ">>": ("reified",),
            ")": ("expr", "unknown", "terms"), ")>>": ("tripleterm",)}  # fmt: skip


def _next_token(state: _State, pos: int) -> tuple[str, int]:
    """Kind and end of the token at ``pos`` (whitespace and comments already skipped)."""
    text = state.text
    char = text[pos]
    top = state.frames[-1] if state.frames else "top"
    if char in "'\"":
        match = _string_at(text, pos)
        return ("string", match.end()) if match else ("other", pos + 1)
    if char == "<":
        return _less_than(state, pos)
    if char in "?$":
        match = VAR.match(text, pos)
        return ("var", match.end()) if match else ("op", pos + 1)
    if char == "_" and text.startswith("_:", pos):
        match = BNODE.match(text, pos)
        return ("bnode", match.end()) if match else ("other", pos + 2)
    if char == "@":
        match = LANGTAG.match(text, pos)
        return ("langtag", match.end()) if match else ("other", pos + 1)
    if char in _DIGITS or (char == "." and text[pos + 1 : pos + 2] in _DIGITS_SET):
        return "number", NUMBER.match(text, pos).end()  # type: ignore[union-attr]
    match = PNAME.match(text, pos)
    if match:
        return "pname", match.end()
    match = WORD.match(text, pos)
    if match:
        return "word", match.end()
    if char == ")" and top == "tripleterm" and text.startswith(")>>", pos):
        return ")>>", pos + 3
    if char == ">" and top == "reified" and text.startswith(">>", pos):
        return ">>", pos + 2
    if char == "|" and top == "annot" and text.startswith("|}", pos):
        return "|}", pos + 2
    for punct in _PUNCT:
        if text.startswith(punct, pos):
            return punct, pos + len(punct)
    if char in "{}()[],;.*/+-!=<>^|~":
        return char, pos + 1
    return "other", pos + 1


def _bracket(state: _State, kind: str, pos: int) -> None:
    if kind in _CLOSERS:
        if not state.frames or state.frames[-1] not in _CLOSERS[kind]:
            raise state.fail("unbalanced", f"'{kind}' closes nothing that is open", pos)
        closed = state.frames.pop()
        if closed == "terms" and state.values == 2:
            state.values = 3
        return
    if kind == "(":
        frame = _open_paren(state)
    elif kind == "{" and state.values == 3:
        frame, state.values = "values", 0
    else:
        frame = {"open_tripleterm": "tripleterm", "open_reified": "reified"}.get(kind)
        frame = frame or _OPENERS[kind]
    state.frames.append(frame)
    if len(state.frames) > MAX_DEPTH:
        raise state.fail("too_deep", f"the query nests more than {MAX_DEPTH} levels deep", pos)
    state.depth = max(state.depth, len(state.frames))


_BRACKETS = frozenset(("{", "{|", "[", "(", "open_tripleterm", "open_reified", *_CLOSERS))
_OPERAND_ENDS = frozenset(("var", "iri", "pname", "bnode", "string", "langtag", "number"))


def _account(state: _State, kind: str, token: str, pos: int) -> None:
    """Update the state with one token."""
    if kind in ("word", "pname", "langtag"):
        name = token.split(":", 1)[0] if kind == "pname" else token
        if state.service_at is None and _contains_service(name):
            state.service_at = pos
    if state.values == 1:
        state.values = 3 if kind == "var" else 1 if kind == "(" else 0
    elif state.values == 3 and kind != "{":
        state.values = 0
    if kind == "word" and token.upper() == "VALUES":
        state.values = 1
    if kind in _BRACKETS:
        _bracket(state, kind, pos)
    if not state.frames and kind not in _BRACKETS:
        state.top_tokens.append((kind, token))
        if kind == "word":
            state.words.append((token.upper(), len(state.top_tokens) - 1))
    state.operand = (
        kind in _OPERAND_ENDS
        or kind in (")", "]", ")>>", ">>")
        or (kind == "word" and token in ("true", "false"))
    )
    state.before, state.previous = state.previous, (kind, token)


def _tokens(state: _State) -> None:
    text, pos, end = state.text, 0, len(state.text)
    while pos < end:
        space = _SPACE.match(text, pos)
        if space:
            pos = space.end()
            continue
        kind, stop = _next_token(state, pos)
        _account(state, kind, text[pos:stop], pos)
        pos = stop


def _expand(token: tuple[str, str], prefixes: dict[str, str]) -> str | None:
    kind, text = token
    if kind == "iri":
        return _ESCAPES.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), text[1:-1])
    if kind == "pname":
        prefix, _, local = text.partition(":")
        if prefix in prefixes:
            return prefixes[prefix] + re.sub(r"\\(.)", r"\1", local)
    return None


def _dataset(state: _State, defaults: dict[str, str]) -> tuple[bool, list[str]]:
    tokens, prefixes = state.top_tokens, dict(defaults)
    graphs: list[str] = []
    has_from = False
    for i, (kind, text) in enumerate(tokens):
        if kind != "word":
            continue
        word = text.upper()
        if word == "PREFIX" and i + 2 < len(tokens) and tokens[i + 1][0] == "pname":
            iri = _expand(tokens[i + 2], {})
            if iri is not None:
                prefixes[tokens[i + 1][1].rstrip(":")] = iri
        elif word == "FROM":
            has_from = True
            j = i + 2 if i + 1 < len(tokens) and tokens[i + 1][1].upper() == "NAMED" else i + 1
            iri = _expand(tokens[j], prefixes) if j < len(tokens) else None
            if iri is not None:
                graphs.append(iri)
    return has_from, graphs


def _scan(text: str, defaults: dict[str, str]) -> Scan:
    state = _State(text)
    _tokens(state)
    if state.frames:
        raise state.fail("unbalanced", f"{len(state.frames)} bracket(s) left open", len(text))
    first = next(
        (w for w, _ in state.words if w in FORM_WORDS or w in UPDATE_WORDS),
        None,
    )
    form = next((w for w, _ in state.words if w in FORM_WORDS), None)
    has_from, graphs = _dataset(state, defaults)
    at = None if state.service_at is None else state.where(state.service_at)
    return Scan(
        form=form,
        update=first is not None and first not in FORM_WORDS,
        service=at is not None,
        has_from=has_from,
        from_iris=tuple(graphs),
        depth=state.depth,
        service_at=at,
    )


def scan_query(text: str, prefixes: dict[str, str] | None = None) -> Scan:
    """Scan ``text`` (see the module note); raises :class:`ScanError` for a query that is
    refused before execution: nested too deeply, unbalanced, or ambiguous."""
    scan = _scan(text, prefixes or {})
    if scan.service or not _ESCAPES.search(text):
        return scan
    try:
        decoded = _scan(_ESCAPES.sub(_decode, text), prefixes or {})
    except ScanError:
        return scan
    if decoded.service:
        return Scan(scan.form, scan.update, True, scan.has_from, scan.from_iris, scan.depth,
                    decoded.service_at)  # fmt: skip
    return scan


def _decode(match: re.Match[str]) -> str:
    code = int(match.group(1) or match.group(2), 16)
    return chr(code) if _valid_escape(match) else match.group()
