"""SRX 2.0 segmentation rules: read the exchange file of OmegaT, Okapi and Trados.

The file is parsed through :mod:`bilingual_pr.xmlsafe`; its Java/ICU regular
expressions are translated to Python :mod:`re` syntax once, at load time, so a
malformed file or an unsupported construct is reported as one clear line.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from bilingual_pr.errors import UserError
from bilingual_pr.xmlsafe import parse_xml_bytes

SRX_NS = "http://www.lisa.org/srx20"


@dataclass(frozen=True, slots=True)
class SrxRule:
    """One break or no-break rule; ``before``/``after`` are already Python regexes."""

    breaks: bool
    before: str
    after: str
    line: int | None = None


@dataclass(frozen=True, slots=True)
class LanguageRule:
    """A named, ordered list of rules (``<languagerule>``)."""

    name: str
    rules: tuple[SrxRule, ...]


@dataclass(frozen=True, slots=True)
class LanguageMap:
    """A ``<languagemap>``: language codes matching ``pattern`` use ``rule_name``."""

    pattern: str
    rule_name: str


@dataclass(frozen=True, slots=True)
class SrxRules:
    """The content of an SRX 2.0 file: language rules, map rules and the cascade flag."""

    cascade: bool
    language_rules: tuple[LanguageRule, ...]
    maps: tuple[LanguageMap, ...]
    source: str = "<srx>"

    def rules_for(self, lang: str) -> tuple[SrxRule, ...]:
        """The ordered rules that apply to a language code (all matching maps when cascading)."""
        by_name = {lr.name: lr for lr in self.language_rules}
        out: list[SrxRule] = []
        for m in self.maps:
            if _language_matches(m.pattern, lang):
                out.extend(by_name[m.rule_name].rules)
                if not self.cascade:
                    break
        return tuple(out)


def _language_matches(pattern: str, lang: str) -> bool:
    # Tools disagree on fr-FR vs fr_FR in patterns; try both spellings.
    rx = _compile_language_pattern(pattern)
    return any(rx.fullmatch(code) for code in {lang, lang.replace("-", "_"), lang.replace("_", "-")})


@functools.lru_cache(maxsize=256)
def _compile_language_pattern(pattern: str) -> re.Pattern[str]:
    return re.compile(translate_regex(pattern))


# --------------------------------------------------------------------------- reading


def read_srx(path: str | Path) -> SrxRules:
    """Load an SRX 2.0 file; a malformed file raises a one-line UserError."""
    from bilingual_pr.fileio import read_input_bytes

    return parse_srx_bytes(read_input_bytes(path), str(path))


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _children(el, name: str) -> list:
    return [c for c in el if _local(c.tag) == name]


def _yes_no(el, attr: str, where: str, default: str | None = None) -> bool:
    value = el.get(attr, default)
    if value not in ("yes", "no"):
        got = "missing" if value is None else repr(value)
        raise UserError(f"{where}:{el.sourceline}: <{_local(el.tag)}> {attr} must be \"yes\" or \"no\" ({got})")
    return value == "yes"


def parse_srx_bytes(data: bytes, where: str = "<srx>") -> SrxRules:
    """Parse the bytes of an SRX 2.0 document into :class:`SrxRules`."""
    root = parse_xml_bytes(data, where).getroot()
    ns = root.tag[1:].split("}")[0] if root.tag.startswith("{") else ""
    if _local(root.tag) != "srx":
        raise UserError(f"{where}: not an SRX file (root element <{_local(root.tag)}>, expected <srx>)")
    if ns not in ("", SRX_NS):
        raise UserError(f"{where}: <srx> in namespace {ns!r}; SRX 2.0 uses {SRX_NS!r}")
    version = root.get("version")
    if version != "2.0":
        raise UserError(f"{where}: SRX version {version!r} is not supported (expected version=\"2.0\")")
    headers = _children(root, "header")
    bodies = _children(root, "body")
    if len(headers) != 1 or len(bodies) != 1:
        raise UserError(f"{where}: <srx> needs exactly one <header> and one <body>")
    header = headers[0]
    cascade = _yes_no(header, "cascade", where)
    _yes_no(header, "segmentsubflows", where)
    body = bodies[0]
    lr_parents = _children(body, "languagerules")
    map_parents = _children(body, "maprules")
    if len(lr_parents) != 1 or len(map_parents) != 1:
        raise UserError(f"{where}: <body> needs exactly one <languagerules> and one <maprules>")

    language_rules: list[LanguageRule] = []
    seen: set[str] = set()
    for lr in _children(lr_parents[0], "languagerule"):
        name = lr.get("languagerulename")
        if not name:
            raise UserError(f"{where}:{lr.sourceline}: <languagerule> without languagerulename")
        if name in seen:
            raise UserError(f"{where}:{lr.sourceline}: languagerule {name!r} defined twice")
        seen.add(name)
        rules = tuple(_read_rule(r, where) for r in _children(lr, "rule"))
        if not rules:
            raise UserError(f"{where}:{lr.sourceline}: languagerule {name!r} has no <rule>")
        language_rules.append(LanguageRule(name, rules))
    if not language_rules:
        raise UserError(f"{where}: <languagerules> has no <languagerule>")

    maps: list[LanguageMap] = []
    for m in _children(map_parents[0], "languagemap"):
        pattern, name = m.get("languagepattern"), m.get("languagerulename")
        if pattern is None or name is None:
            raise UserError(f"{where}:{m.sourceline}: <languagemap> needs languagepattern and languagerulename")
        if name not in seen:
            raise UserError(f"{where}:{m.sourceline}: <languagemap> names unknown languagerule {name!r}")
        try:
            _compile_language_pattern(pattern)
        except (re.error, UserError) as err:
            raise UserError(f"{where}:{m.sourceline}: bad languagepattern {pattern!r}: {err}") from None
        maps.append(LanguageMap(pattern, name))
    if not maps:
        raise UserError(f"{where}: <maprules> has no <languagemap>")
    return SrxRules(cascade, tuple(language_rules), tuple(maps), where)


def _read_rule(el, where: str) -> SrxRule:
    breaks = _yes_no(el, "break", where, default="yes")
    parts: dict[str, str] = {}
    for child in el:
        name = _local(child.tag)
        if name not in ("beforebreak", "afterbreak"):
            if not isinstance(child.tag, str):  # comments
                continue
            raise UserError(f"{where}:{child.sourceline}: unexpected <{name}> inside <rule>")
        if name in parts:
            raise UserError(f"{where}:{child.sourceline}: <rule> has two <{name}> elements")
        parts[name] = child.text or ""
    translated: list[str] = []
    for key in ("beforebreak", "afterbreak"):
        source = parts.get(key, "")
        try:
            py = translate_regex(source)
            compile_regex(py)
        except (re.error, UserError) as err:
            raise UserError(f"{where}:{el.sourceline}: <{key}> {source!r}: {err}") from None
        translated.append(py)
    return SrxRule(breaks, translated[0], translated[1], el.sourceline)


# --------------------------------------------------------------------------- regex translation


@functools.lru_cache(maxsize=4096)
def compile_regex(source: str):
    """Compile a translated rule with ``re``; variable-length lookbehind falls back to ``regex``."""
    try:
        return re.compile(source)
    except re.error as err:
        if "look-behind" not in str(err):
            raise
        try:
            import regex  # only for rule files that need variable-length lookbehind (LanguageTool's)
        except ImportError:
            raise UserError(f"{err} (install the 'regex' package to load rules with variable-length lookbehind)") \
                from None
        try:
            return regex.compile(source, regex.V0)
        except regex.error as err2:
            raise re.error(str(err2)) from None

@functools.lru_cache(maxsize=4096)
def compile_bounded(source: str):
    """Compile a translated rule with the ``regex`` module, whose searches take a ``timeout``."""
    import regex

    try:
        return regex.compile(source, regex.V0)
    except regex.error as err:
        raise UserError(f"{source!r}: {err}") from None


_CATEGORIES = {
    "L", "Lu", "Ll", "Lt", "Lm", "Lo", "M", "Mn", "Mc", "Me", "N", "Nd", "Nl", "No", "P", "Pc", "Pd",
    "Ps", "Pe", "Pi", "Pf", "Po", "S", "Sm", "Sc", "Sk", "So", "Z", "Zs", "Zl", "Zp", "C", "Cc", "Cf",
    "Co", "Cn", "Cs",
}
# Java/ICU property names that are not general categories, mapped to categories.
_ALIASES = {
    "letter": "L", "lu": "Lu", "upper": "Lu", "uppercase": "Lu", "uppercaseletter": "Lu",
    "javauppercase": "Lu", "lower": "Ll", "lowercase": "Ll", "lowercaseletter": "Ll",
    "javalowercase": "Ll", "alpha": "L", "alphabetic": "L", "javaletter": "L", "javaalphabetic": "L",
    "digit": "Nd", "javadigit": "Nd", "punct": "P", "punctuation": "P", "number": "N", "mark": "M",
    "symbol": "S", "separator": "Z", "titlecase": "Lt", "titlecaseletter": "Lt", "cntrl": "Cc",
    "control": "Cc", "privateuse": "Co", "format": "Cf", "nonspacingmark": "Mn",
}
_SPACE_CLASS = r" \t\n\x0b\f\r\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
_SPECIAL_PROPS = {"space": _SPACE_CLASS, "whitespace": _SPACE_CLASS, "javawhitespace": _SPACE_CLASS}
_JAVA_S = r" \t\n\x0b\f\r"
_UNICODE_ONLY_SPACES = r"\x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
_H_CLASS = r" \t\xa0\u1680\u180e\u2000-\u200a\u202f\u205f\u3000"
_V_CLASS = r"\n\x0b\f\r\x85\u2028\u2029"


@functools.lru_cache(maxsize=1)
def _category_table() -> dict[str, list[int]]:
    # Planes 4-13 are unassigned and 15-16 private use, so scanning planes 0-3
    # and 14 covers every assigned character at a quarter of the cost.
    table: dict[str, list[int]] = {}
    cat = unicodedata.category
    for lo, hi in ((0, 0x40000), (0xE0000, 0xE1000)):
        for cp in range(lo, hi):
            table.setdefault(cat(chr(cp)), []).append(cp)
    return table


def _ranges(points: list[int]) -> str:
    if not points:
        return ""
    out: list[str] = []
    start = prev = points[0]
    for cp in points[1:]:
        if cp == prev + 1:
            prev = cp
            continue
        out.append(_range_text(start, prev))
        start = prev = cp
    out.append(_range_text(start, prev))
    return "".join(out)


def _range_text(a: int, b: int) -> str:
    esc = lambda cp: f"\\U{cp:08x}"  # noqa: E731 - escapes keep the class printable
    return esc(a) if a == b else f"{esc(a)}-{esc(b)}"


@functools.lru_cache(maxsize=64)
def _category_class(cat: str) -> str:
    table = _category_table()
    points = sorted(cp for c, cps in table.items() if c == cat or (len(cat) == 1 and c[0] == cat) for cp in cps)
    text = _ranges(points)
    if cat in ("Co", "C"):
        text += r"\U000f0000-\U000ffffd\U00100000-\U0010fffd"
    return text


def _property_class(name: str) -> str:
    """Class body (no brackets) for a Java/ICU ``\\p{name}``."""
    key = name.strip()
    for prefix in ("gc=", "General_Category=", "general_category=", "Is", "is"):
        if key.startswith(prefix) and (key[len(prefix):] in _CATEGORIES or prefix.endswith("=")):
            key = key[len(prefix):]
            break
    if key in _CATEGORIES:
        return _category_class(key)
    low = key.lower().replace("-", "").replace("_", "").replace(" ", "")
    low = low[2:] if low.startswith("is") and low[2:] in {*_ALIASES, *_SPECIAL_PROPS} else low
    if low in _ALIASES:
        return _category_class(_ALIASES[low])
    if low in _SPECIAL_PROPS:
        return _SPECIAL_PROPS[low]
    raise UserError(f"unsupported Unicode property \\p{{{name}}}")


_PY_FLAGS = set("imsxu")


def translate_regex(pattern: str) -> str:
    """Translate a Java/ICU regular expression (as written in SRX files) to Python ``re`` syntax."""
    return _Translator(pattern).group(0, top=True)[0]


class _Translator:
    """Recursive-descent rewrite of the constructs where Java/ICU and Python ``re`` differ."""

    def __init__(self, pattern: str) -> None:
        self.p = pattern

    def error(self, msg: str, i: int) -> UserError:
        return UserError(f"{msg} at position {i} of {self.p!r}")

    def group(self, i: int, top: bool = False) -> tuple[str, int]:
        """Translate up to the ``)`` closing the current group; return (text, index after it)."""
        p = self.p
        alts: list[list[str]] = [[]]
        cur = alts[0]
        # Java applies a mid-pattern "(?i)" to the rest of the group, later
        # alternatives included; Python wants global flags first, so each
        # becomes a scoped "(?i:" reopened after every "|".
        scoped: list[str] = []
        while i < len(p):
            c = p[i]
            if c == "\\":
                text, i = self.escape(i, in_class=False)
                cur.append(text)
            elif c == "[":
                text, i = self.char_class(i)
                cur.append(text)
            elif c == "(":
                text, i, flags = self.open_group(i)
                cur.append(text)
                if flags:
                    scoped.append(flags)
            elif c == ")":
                if top:
                    raise self.error("unbalanced ')'", i)
                cur.append(")" * len(scoped))
                return self.join(alts), i + 1
            elif c == "|":
                cur.append(")" * len(scoped))
                cur = ["".join(f"(?{f}:" for f in scoped)]
                alts.append(cur)
                i += 1
            else:
                cur.append(c)
                i += 1
        if not top:
            raise self.error("missing ')'", i)
        cur.append(")" * len(scoped))
        return self.join(alts), i

    @staticmethod
    def join(alts: list[list[str]]) -> str:
        return "|".join("".join(a) for a in alts)

    def alternatives(self, i: int) -> tuple[list[str], int]:
        """Like :meth:`group` but keep the top-level alternatives apart (for lookbehind)."""
        text, j = self.group(i)
        # Re-split the already translated text at top-level bars.
        parts, depth, start, k, in_class = [], 0, 0, 0, False
        while k < len(text):
            ch = text[k]
            if ch == "\\":
                k += 2
                continue
            if in_class:
                if ch == "]":
                    in_class = False
            elif ch == "[":
                in_class = True
                if text[k + 1:k + 2] == "^":
                    k += 1
                if text[k + 1:k + 2] == "]":
                    k += 1
            elif ch == "(":
                depth += 1
            elif ch == ")":
                depth -= 1
            elif ch == "|" and depth == 0:
                parts.append(text[start:k])
                start = k + 1
            k += 1
        parts.append(text[start:])
        return parts, j

    def open_group(self, i: int) -> tuple[str, int, str]:
        """Translate a group opening at i: (text, index after, flags it scopes to the rest of the group)."""
        p = self.p
        if p.startswith("(?<=", i) or p.startswith("(?<!", i):
            kind = p[i:i + 4]
            parts, j = self.alternatives(i + 4)
            if len(parts) == 1:
                return f"{kind}{parts[0]})", j, ""
            # Java allows bounded variable-length lookbehind; Python needs each width apart.
            if kind == "(?<=":
                return "(?:" + "|".join(f"(?<={x})" for x in parts) + ")", j, ""
            return "".join(f"(?<!{x})" for x in parts), j, ""
        if p.startswith("(?<", i) and i + 3 < len(p) and (p[i + 3].isalpha()):
            end = p.find(">", i)
            if end < 0:
                raise self.error("unterminated group name", i)
            name = p[i + 3:end]
            inner, j = self.group(end + 1)
            return f"(?P<{name}>{inner})", j, ""
        if p.startswith("(?", i) and i + 2 < len(p) and (p[i + 2].isalpha() or p[i + 2] == "-"):
            m = re.compile(r"\(\?([a-zA-Z]*)(?:-([a-zA-Z]*))?([:)])").match(p, i)
            if not m:
                raise self.error("unsupported group syntax", i)
            on = "".join(f for f in m.group(1) if f in _PY_FLAGS)
            off = "".join(f for f in (m.group(2) or "") if f in _PY_FLAGS)
            flags = on + (f"-{off}" if off else "")
            if m.group(3) == ":":
                inner, j = self.group(m.end())
                return (f"(?{flags}:{inner})" if flags else f"(?:{inner})"), j, ""
            return (f"(?{flags}:" if flags else ""), m.end(), flags
        prefix_len = 1
        for prefix in ("(?:", "(?=", "(?!", "(?>"):
            if p.startswith(prefix, i):
                prefix_len = 3
                break
        inner, j = self.group(i + prefix_len)
        return f"{p[i:i + prefix_len]}{inner})", j, ""

    def escape(self, i: int, in_class: bool) -> tuple[str, int]:
        p = self.p
        if i + 1 >= len(p):
            raise self.error("trailing backslash", i)
        c = p[i + 1]
        if c in "pP":
            if p.startswith("{", i + 2):
                end = p.find("}", i + 2)
                if end < 0:
                    raise self.error("unterminated \\p{", i)
                name, j = p[i + 3:end], end + 1
            else:
                name, j = p[i + 2:i + 3], i + 3
            body = _property_class(name)
            if in_class:
                if c == "P":
                    raise self.error("\\P{...} inside a character class is not supported", i)
                return body, j
            return (f"[{body}]" if c == "p" else f"[^{body}]"), j
        if c == "x" and p.startswith("{", i + 2):
            end = p.find("}", i + 2)
            if end < 0:
                raise self.error("unterminated \\x{", i)
            return f"\\U{int(p[i + 3:end], 16):08x}", end + 1
        if c == "Q":
            end = p.find("\\E", i + 2)
            end = len(p) if end < 0 else end
            lit = p[i + 2:end]
            return (re.escape(lit) if not in_class else "".join("\\" + ch if not ch.isalnum() else ch for ch in lit)), \
                min(len(p), end + 2)
        if c == "E":
            return "", i + 2
        if c == "z":
            return ("\\Z" if not in_class else "z"), i + 2
        if c == "Z" and not in_class:
            return "(?=\\n?\\Z)", i + 2
        if c == "s":
            # Java's \s is ASCII whitespace: a no-break space is not \s in OmegaT or Okapi.
            return (_JAVA_S if in_class else f"[{_JAVA_S}]"), i + 2
        if c == "S":
            return (r"\S" + _UNICODE_ONLY_SPACES if in_class else f"[^{_JAVA_S}]"), i + 2
        if c == "h":
            return (_H_CLASS if in_class else f"[{_H_CLASS}]"), i + 2
        if c == "H" and not in_class:
            return f"[^{_H_CLASS}]", i + 2
        if c == "v":
            return (_V_CLASS if in_class else f"[{_V_CLASS}]"), i + 2
        if c == "R" and not in_class:
            return f"(?:\\r\\n|[{_V_CLASS}])", i + 2
        if c == "e":
            return "\\x1b", i + 2
        if c == "c" and i + 2 < len(p):
            return f"\\x{ord(p[i + 2]) % 32:02x}", i + 3
        if c == "k" and p.startswith("<", i + 2):
            end = p.find(">", i + 3)
            return f"(?P={p[i + 3:end]})", end + 1
        if c in "GXKN" or (c == "b" and p.startswith("{", i + 2)):
            raise self.error(f"\\{c} is not supported", i)
        return p[i:i + 2], i + 2

    def char_class(self, i: int) -> tuple[str, int]:
        body, j, negated, unions, intersect = self.class_body(i)
        expr = (f"[^{body}]" if negated else f"[{body}]") if body or not unions else ""
        if unions:
            if negated:
                raise self.error("a negated class nested in a negated class is not supported", i)
            expr = "(?:" + "|".join(([expr] if expr else []) + unions) + ")"
        if intersect is not None:
            # Java/ICU [A&&B]: a character of A that is also in B.
            expr = f"(?:(?={intersect}){expr})"
        return expr, j

    def class_body(self, i: int) -> tuple[str, int, bool, list[str], str | None]:
        """Parse ``[...]`` from index i: (body, index after, negated, negated nested classes, intersection)."""
        p = self.p
        i += 1
        negated = p.startswith("^", i)
        if negated:
            i += 1
        out: list[str] = []
        unions: list[str] = []
        first = True
        after_set = False  # Java reads "-" after \d or \p{..} as a literal
        while i < len(p):
            c = p[i]
            if c == "]" and not first:
                return "".join(out), i + 1, negated, unions, None
            first = False
            if c == "\\":
                text, j = self.escape(i, in_class=True)
                after_set = p[i + 1] in "dDwWsSpPhHv"
                out.append(text)
                i = j
                continue
            if c == "[":
                if p.startswith("[:", i):
                    raise self.error("POSIX [:class:] syntax is not supported", i)
                body, i, neg, inner_unions, inner_and = self.class_body(i)
                if inner_unions or inner_and is not None:
                    raise self.error("nested set operations in a character class are not supported", i)
                if neg:
                    unions.append(f"[^{body}]")
                else:
                    out.append(body)
                after_set = True
                continue
            if c == "&" and p.startswith("&&", i):
                # Everything up to the closing bracket is the right operand.
                rest = self.p
                self.p = "[" + rest[i + 2:]
                try:
                    operand, j = self.char_class(0)
                finally:
                    self.p = rest
                return "".join(out), i + 1 + j, negated, unions, operand
            if c == "-" and (after_set or p.startswith("--", i)) and not p.startswith("-]", i):
                out.append("\\-")
            elif c in "&~|":
                out.append("\\" + c)  # would read as a set operation in future Python
            else:
                out.append(c)
            after_set = False
            i += 1
        raise self.error("unterminated character class", i)
