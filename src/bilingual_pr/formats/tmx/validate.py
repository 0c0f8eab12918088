"""Validating TMX 1.4b files against the specification (the DTD alone misses much of this).

Language tags are checked by :func:`bilingual_pr.language.is_language_tag`, the
same rule the writer applies, so whatever the writer writes passes here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from bilingual_pr.errors import UserError
from bilingual_pr.formats.tmx.reader import XML_LANG, lang_match, precise_error, seg_text
from bilingual_pr.formats.tmx.writer import OMEGAT_CONTEXT_PROPS, SEGTYPES
from bilingual_pr.formats.units import parse_tmx_date
from bilingual_pr.language import is_language_tag
from bilingual_pr.xmlsafe import iterparse_xml


@dataclass(frozen=True, slots=True)
class Problem:
    """One finding of the validator: an error makes the file invalid, a warning does not."""

    line: int | None
    severity: str
    message: str

    def format(self, path: str) -> str:
        """``path:line: severity: message``."""
        where = f"{path}:{self.line}" if self.line else path
        return f"{where}: {self.severity}: {self.message}"


@dataclass(frozen=True, slots=True)
class Validation:
    """What :func:`validate_tmx` found."""

    problems: tuple[Problem, ...]
    units: int
    errors: int
    warnings: int

    @property
    def valid(self) -> bool:
        """True when there is no error (warnings allowed)."""
        return self.errors == 0


_ADMIN = {"o-encoding", "datatype", "usagecount", "lastusagedate", "creationtool", "creationtoolversion",
          "creationdate", "creationid", "changedate", "changeid", "o-tmf"}
_ATTRS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "tmx": (frozenset({"version"}), frozenset()),
    "header": (frozenset({"creationtool", "creationtoolversion", "segtype", "o-tmf", "adminlang", "srclang",
                          "datatype"}),
               frozenset({"o-encoding", "creationdate", "creationid", "changedate", "changeid"})),
    "body": (frozenset(), frozenset()),
    "note": (frozenset(), frozenset({"o-encoding", XML_LANG, "lang"})),
    "prop": (frozenset({"type"}), frozenset({"o-encoding", XML_LANG, "lang"})),
    "ude": (frozenset({"name"}), frozenset({"base"})),
    "map": (frozenset({"unicode"}), frozenset({"code", "ent", "subst"})),
    "tu": (frozenset(), frozenset(_ADMIN | {"tuid", "segtype", "srclang"})),
    "tuv": (frozenset({XML_LANG}), frozenset(_ADMIN | {"lang"})),
    "seg": (frozenset(), frozenset()),
    "bpt": (frozenset({"i"}), frozenset({"x", "type"})),
    "ept": (frozenset({"i"}), frozenset()),
    "sub": (frozenset(), frozenset({"datatype", "type"})),
    "it": (frozenset({"pos"}), frozenset({"x", "type"})),
    "ph": (frozenset(), frozenset({"x", "assoc", "type"})),
    "hi": (frozenset(), frozenset({"x", "type"})),
    "ut": (frozenset(), frozenset({"x"})),
}
_INLINE_IN_SEG = frozenset({"bpt", "ept", "it", "ph", "hi", "ut"})
_MIXED: dict[str, frozenset[str]] = {
    "seg": _INLINE_IN_SEG, "hi": _INLINE_IN_SEG, "sub": _INLINE_IN_SEG,
    "bpt": frozenset({"sub"}), "ept": frozenset({"sub"}), "it": frozenset({"sub"}), "ph": frozenset({"sub"}),
    "ut": frozenset({"sub"}), "note": frozenset(), "prop": frozenset(),
}
_DATE_ATTRS = ("creationdate", "changedate", "lastusagedate")
_BASIC_DATE = re.compile(r"^\d{8}T\d{6}Z$")
_INT = re.compile(r"^\d+$")
_UNICODE_REF = re.compile(r"^#x[0-9A-Fa-f]{4,6}$")


def _attr_name(name: str) -> str:
    return "xml:lang" if name == XML_LANG else name


class _Validator:
    def __init__(self, path: Path, max_problems: int | None) -> None:
        self.path = path
        self.max_problems = max_problems
        self.problems: list[Problem] = []
        self.errors = 0
        self.warnings = 0
        self.units = 0
        self.srclang: str | None = None

    def error(self, line: int | None, message: str) -> None:
        self.errors += 1
        if self.max_problems is None or len(self.problems) < self.max_problems:
            self.problems.append(Problem(line, "error", message))

    def warning(self, line: int | None, message: str) -> None:
        self.warnings += 1
        if self.max_problems is None or len(self.problems) < self.max_problems:
            self.problems.append(Problem(line, "warning", message))

    def run(self) -> Validation:
        try:
            self._walk()
        except UserError as err:
            self._syntax_problem(str(precise_error(err, self.path)))
        return Validation(tuple(self.problems), self.units, self.errors, self.warnings)

    def _syntax_problem(self, message: str) -> None:
        prefix = f"{self.path}:"
        line = None
        if message.startswith(prefix):
            rest = message[len(prefix):]
            m = re.match(r"(\d+): (.*)$", rest)
            if m:
                line, message = int(m.group(1)), m.group(2)
            else:
                message = rest.strip()
        self.error(line, message)

    def _walk(self) -> None:
        depth = 0
        for event, el in iterparse_xml(self.path, events=("start", "end"), where=str(self.path)):
            if event == "start":
                if depth == 0 and el.tag != "tmx":
                    self.error(el.sourceline, f"root element must be <tmx>, not <{el.tag}>: not a TMX document")
                    return
                depth += 1
                continue
            depth -= 1
            tag = el.tag
            if not isinstance(tag, str):
                continue
            check = getattr(self, "_check_" + tag.replace("-", "_"), None)
            if tag in _ATTRS:
                self._check_attrs(el)
            if check is not None:
                check(el)
            elif tag in _MIXED:
                self._check_mixed(el)
            parent = el.getparent()
            if parent is not None and parent.tag == "body":
                self.units += tag == "tu"
                if tag != "tu":
                    self.error(el.sourceline, f"<body> may only contain <tu>, not <{tag}>")
                if parent.text is not None and el.getprevious() is None:
                    self._no_text(parent.text, "body", parent, el)
                    parent.text = None
                # Free the memory: clear this element, drop the earlier ones (checking their tails).
                el.clear(keep_tail=True)
                while el.getprevious() is not None:
                    prev = parent[0]
                    self._no_text(prev.tail, "body", prev, prev.getnext())
                    del parent[0]

    # -- generic checks

    def _check_attrs(self, el) -> None:
        required, optional = _ATTRS[el.tag]
        line = el.sourceline
        keys = set(el.keys())
        for name in sorted(keys - required - optional):
            self.error(line, f"<{el.tag}> has no attribute {_attr_name(name)!r} in TMX 1.4b")
        for name in sorted(required - keys):
            if name == XML_LANG and "lang" in keys:
                self.error(line, f"<{el.tag}> has the deprecated lang= but not the required xml:lang")
            else:
                self.error(line, f"<{el.tag}> lacks the required attribute {_attr_name(name)!r}")
        if "lang" in keys and el.tag in ("note", "prop") and XML_LANG not in keys:
            self.warning(line, f"<{el.tag}> uses the deprecated lang=; write xml:lang")
        for name in _DATE_ATTRS:
            value = el.get(name)
            if value is not None and (not _BASIC_DATE.match(value) or parse_tmx_date(value) is None):
                self.error(line, f"{name}={value!r} is not a TMX date (YYYYMMDDThhmmssZ, UTC)")
        value = el.get("usagecount")
        if value is not None and not _INT.match(value):
            self.error(line, f"usagecount={value!r} is not a whole number")
        value = el.get(XML_LANG)
        if value is not None and not is_language_tag(value):
            self.error(line, f"xml:lang={value!r} on <{el.tag}> is not a BCP 47 language tag (e.g. fr-FR)")
        value = el.get("segtype")
        if value is not None and value not in SEGTYPES:
            self.error(line, f"segtype={value!r} is not one of {', '.join(sorted(SEGTYPES))}")

    def _children(self, el) -> list:
        return [c for c in el if isinstance(c.tag, str)]

    def _no_text(self, text: str | None, where: str, before, after) -> None:
        """Report text in element-only content, on its line (from the next element, else the previous)."""
        if not text or not text.strip():
            return
        after_line = after.sourceline if after is not None else None
        if after_line:
            line = after_line - text[len(text.rstrip()):].count("\n")
        else:
            line = (before.sourceline or 0) + text[:len(text) - len(text.lstrip())].count("\n") or None
        snippet = " ".join(text.split())[:40]
        self.error(line, f"text {snippet!r} is not allowed directly in <{where}>")

    def _element_only(self, el) -> None:
        self._no_text(el.text, el.tag, el, el[0] if len(el) else None)
        for child in el:
            self._no_text(child.tail, el.tag, child, child.getnext())

    def _check_mixed(self, el) -> None:
        allowed = _MIXED[el.tag]
        for child in self._children(el):
            if child.tag not in allowed:
                what = "no elements" if not allowed else "only " + ", ".join(f"<{t}>" for t in sorted(allowed))
                self.error(child.sourceline, f"<{el.tag}> may contain {what}, not <{child.tag}>")

    # -- per element

    def _check_tmx(self, el) -> None:
        version = el.get("version")
        if version is not None and version != "1.4":
            hint = " (TMX 1.4b files say version=\"1.4\")" if version.lower() == "1.4b" else ""
            self.error(el.sourceline, f"version={version!r} must be \"1.4\"{hint}")
        tags = [c.tag for c in self._children(el)]
        if tags != ["header", "body"]:
            self.error(el.sourceline, f"<tmx> must contain <header> then <body>, found "
                                      f"{', '.join(f'<{t}>' for t in tags) or 'nothing'}")
        self._element_only(el)

    def _check_header(self, el) -> None:
        for child in self._children(el):
            if child.tag not in ("note", "prop", "ude"):
                self.error(child.sourceline, f"<header> may contain <note>, <prop>, <ude>, not <{child.tag}>")
        self._element_only(el)
        srclang = el.get("srclang")
        if srclang is not None:
            if srclang != "*all*" and not is_language_tag(srclang):
                self.error(el.sourceline, f"srclang={srclang!r} is not a BCP 47 language tag or *all*")
            self.srclang = srclang
        adminlang = el.get("adminlang")
        if adminlang is not None and not is_language_tag(adminlang):
            self.error(el.sourceline, f"adminlang={adminlang!r} is not a BCP 47 language tag")
        if (el.get("creationtool") or "").strip().lower() == "omegat":
            self.warning(el.sourceline, "creationtool=\"OmegaT\" makes OmegaT parse inline tags its own way")

    def _check_body(self, el) -> None:
        self._element_only(el)

    def _check_ude(self, el) -> None:
        maps = self._children(el)
        if not maps or any(c.tag != "map" for c in maps):
            self.error(el.sourceline, "<ude> must contain one or more <map> and nothing else")
        if el.get("base") is None and any(c.get("code") is not None for c in maps):
            self.error(el.sourceline, "<ude> needs base= when a <map> has code=")
        self._element_only(el)

    def _check_map(self, el) -> None:
        if self._children(el) or (el.text and el.text.strip()):
            self.error(el.sourceline, "<map> must be empty")
        value = el.get("unicode")
        if value is not None and not _UNICODE_REF.match(value):
            self.error(el.sourceline, f"unicode={value!r} is not of the form #xHHHH")

    def _check_tu(self, el) -> None:
        line = el.sourceline
        kids = self._children(el)
        seen_tuv = False
        for child in kids:
            if child.tag == "tuv":
                seen_tuv = True
            elif child.tag in ("note", "prop"):
                if seen_tuv:
                    self.error(child.sourceline, f"<{child.tag}> must come before the <tuv> elements of its <tu>")
            else:
                self.error(child.sourceline, f"<tu> may contain <note>, <prop>, <tuv>, not <{child.tag}>")
            if child.tag == "prop" and child.get("type") in OMEGAT_CONTEXT_PROPS:
                self.warning(child.sourceline, f"<prop type=\"{child.get('type')}\"> makes OmegaT use this TU "
                                               "only as an alternative translation")
        tuvs = [c for c in kids if c.tag == "tuv"]
        if not tuvs:
            self.error(line, "<tu> must contain at least one <tuv>")
            return
        if len(tuvs) == 1:
            self.warning(line, "<tu> has a single <tuv>: no translation")
        self._element_only(el)
        srclang = el.get("srclang") or self.srclang
        if srclang and srclang != "*all*":
            langs = [t.get(XML_LANG) or "" for t in tuvs]
            if not any(lang.lower() == srclang.lower() for lang in langs):
                if any(lang_match(srclang, lang) for lang in langs):
                    self.warning(line, f"no <tuv> has exactly the source language {srclang!r} "
                                       f"(found {', '.join(langs)})")
                else:
                    self.error(line, f"no <tuv> in the source language {srclang!r} (found {', '.join(langs)})")

    def _check_tuv(self, el) -> None:
        kids = self._children(el)
        segs = [c for c in kids if c.tag == "seg"]
        if len(segs) != 1:
            self.error(el.sourceline, f"<tuv> must contain exactly one <seg>, found {len(segs)}")
        for i, child in enumerate(kids):
            if child.tag in ("note", "prop"):
                if segs and kids.index(segs[0]) < i:
                    self.error(child.sourceline, f"<{child.tag}> must come before <seg> in <tuv>")
            elif child.tag != "seg":
                self.error(child.sourceline, f"<tuv> may contain <note>, <prop>, <seg>, not <{child.tag}>")
        self._element_only(el)

    def _check_seg(self, el) -> None:
        self._check_mixed(el)
        text = seg_text(el)
        if not text.strip():
            self.warning(el.sourceline, "empty <seg>: OmegaT would insert an empty translation")
        elif text != text.strip():
            self.warning(el.sourceline, "<seg> starts or ends with whitespace: OmegaT trims its segments, "
                                        "so this TU will not match exactly")
        opened: dict[str, int] = {}
        closed: set[str] = set()
        for child in el.iter("bpt", "ept", "ut"):
            i = child.get("i")
            if child.tag == "ut":
                self.warning(child.sourceline, "<ut> is deprecated in TMX 1.4")
            elif child.tag == "bpt" and i is not None:
                if i in opened:
                    self.error(child.sourceline, f"two <bpt i=\"{i}\"> in one <seg>")
                opened[i] = child.sourceline or 0
            elif child.tag == "ept" and i is not None:
                if i not in opened or i in closed:
                    self.error(child.sourceline, f"<ept i=\"{i}\"> has no matching <bpt> before it")
                closed.add(i)
        for i, line in opened.items():
            if i not in closed:
                self.error(line or el.sourceline, f"<bpt i=\"{i}\"> has no matching <ept> in the same <seg>")

    def _check_bpt(self, el) -> None:
        self._check_mixed(el)
        for name in ("i", "x"):
            value = el.get(name)
            if value is not None and not _INT.match(value):
                self.error(el.sourceline, f"{name}={value!r} on <{el.tag}> is not a whole number")

    _check_ept = _check_bpt

    def _check_it(self, el) -> None:
        self._check_bpt(el)
        pos = el.get("pos")
        if pos is not None and pos not in ("begin", "end"):
            self.error(el.sourceline, f"pos={pos!r} on <it> must be begin or end")

    def _check_ph(self, el) -> None:
        self._check_bpt(el)
        assoc = el.get("assoc")
        if assoc is not None and assoc not in ("p", "f", "b"):
            self.error(el.sourceline, f"assoc={assoc!r} on <ph> must be p, f or b")

    _check_hi = _check_bpt
    _check_ut = _check_bpt

    def _check_prop(self, el) -> None:
        self._check_mixed(el)
        if el.get("type") == "":
            self.error(el.sourceline, "<prop> has an empty type")


def validate_tmx(path: str | Path, max_problems: int | None = None) -> Validation:
    """Check a TMX file against the TMX 1.4b specification (structure, attributes, values)."""
    p = Path(path)
    if not p.exists():
        raise UserError(f"{p}: no such file")
    if p.is_dir():
        raise UserError(f"{p}: is a directory, not a file")
    return _Validator(p, max_problems).run()

