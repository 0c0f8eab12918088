"""Document readers: plain text, HTML pages and Word files become ordered blocks.

A block is a paragraph, heading, list item or table cell. Later stages segment
block by block, so a heading never merges with the paragraph after it.
"""

from __future__ import annotations

import codecs
import logging
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Literal

from bilingual_pr.errors import UserError
from bilingual_pr.fileio import read_input_bytes

log = logging.getLogger(__name__)

BlockKind = Literal["heading", "paragraph", "list-item", "cell"]
DocFormat = Literal["text", "html", "docx"]

# ASCII whitespace only: U+00A0 and U+202F are meaningful in French and kept.
_ASCII_WS = re.compile(r"[ \t\n\r\f\v]+")
_BLANK_LINE = re.compile(r"\n[ \t\f\v]*\n")


@dataclass(frozen=True, slots=True)
class Block:
    """One paragraph-like unit of a document with its span in ``Document.text``."""

    text: str
    kind: BlockKind
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Document:
    """An ordered list of blocks plus where they came from."""

    blocks: tuple[Block, ...]
    text: str
    path: str = "<string>"
    format: DocFormat = "text"
    encoding: str | None = None
    lang: str | None = None
    meta: dict[str, str] = field(default_factory=dict)

    @property
    def block_texts(self) -> list[str]:
        """The text of every block, in order."""
        return [b.text for b in self.blocks]


# --------------------------------------------------------------------------- text


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

# Encodings a French or English file can realistically arrive in.
_LEGACY = ["cp1252", "latin_1", "iso8859_15", "mac_roman", "cp850"]


def _looks_binary(text: str) -> bool:
    if "\x00" in text:
        return True
    sample = text[:65536]
    if not sample:
        return False
    ctrl = sum(1 for ch in sample if (ord(ch) < 32 and ch not in "\t\n\r\f\v") or 0x7F <= ord(ch) < 0xA0)
    return ctrl / len(sample) > 0.02


# Non-ASCII characters of Western European text (Latin-1 letters and signs, Latin Extended-A,
# general punctuation, euro, trade mark): what a UTF-8 French or English file is made of.
_WESTERN = "\u00a0-\u017f\u2000-\u206f\u20ac\u2122"
_WESTERN_CHAR = re.compile(f"[{_WESTERN}]")
_STRAY = re.compile("[\udc80-\udcff]")
# A UTF-8 lead byte read as cp1252/latin-1 (Â..ô) followed by continuation bytes read the same way.
_MOJIBAKE = re.compile("[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192"
                       "\u02c6\u02dc\u2013\u2014\u2018-\u201a\u201c-\u201e\u2020-\u2022\u2026\u2030"
                       "\u2039\u203a\u20ac\u2122]+")


def _refuse_mixed_utf8(data: bytes, where: str) -> None:
    """Refuse bytes that are UTF-8 except for a few stray bytes (or that mix UTF-8 with a legacy encoding).

    Charset detection on a short text with one stray byte (a cp1252 apostrophe
    0x92 pasted into a UTF-8 file) picks cp1252 and turns every accent into
    mojibake ("GenÃ¨ve"); whatever the length, one Western character decoded
    as UTF-8 beside a byte that is not UTF-8 means the file is damaged, not legacy.
    """
    text = data.decode("utf-8", "surrogateescape")
    good = _WESTERN_CHAR.search(text)
    if good is None:
        return
    bad = _STRAY.search(text)
    assert bad is not None  # strict decoding failed
    offset = len(text[: bad.start()].encode("utf-8", "surrogateescape"))
    count = len(_STRAY.findall(text))
    more = f" ({count} such bytes)" if count > 1 else ""
    raise UserError(f"{where}:{text.count(chr(10), 0, bad.start()) + 1}: byte 0x{data[offset]:02x} at offset {offset} "
                    f"is not UTF-8{more}, yet the file has UTF-8 text such as '{good.group()}' "
                    f"(line {text.count(chr(10), 0, good.start()) + 1}): damaged or mixed encoding; "
                    f"fix that byte or save the whole file as UTF-8")


def _as_cp1252_bytes(s: str) -> bytes:
    return b"".join(bytes([ord(c)]) if ord(c) < 256 else c.encode("cp1252") for c in s)


def _warn_mojibake(text: str, where: str) -> None:
    """Warn when valid UTF-8 text carries UTF-8 that was once decoded as cp1252 ("GenÃ¨ve")."""
    for m in _MOJIBAKE.finditer(text):
        try:
            fixed = _as_cp1252_bytes(m.group()).decode("utf-8")
        except UnicodeDecodeError:
            continue
        if all(_WESTERN_CHAR.match(c) for c in fixed):
            start = text.rfind(" ", 0, m.start()) + 1
            end = min(x for x in (text.find(" ", m.end()), text.find("\n", m.end()), len(text)) if x >= 0)
            word = text[start:end]
            log.warning("warning: %s:%d: text looks double-encoded ('%s' is probably '%s'); "
                        "the file was probably converted to UTF-8 twice", where,
                        text.count("\n", 0, m.start()) + 1, word, word.replace(m.group(), fixed))
            return


def decode_text(data: bytes, where: str = "<input>") -> tuple[str, str]:
    """Decode bytes of a text file, returning (text, encoding name); refuse binary data."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(enc)
            except UnicodeDecodeError:
                raise UserError(f"{where}: starts with a {enc} byte-order mark but is not valid {enc}") from None
            return text.lstrip("\ufeff"), ("utf-8 (BOM)" if enc == "utf-8-sig" else f"{enc} (BOM)")
    if b"\x00" in data:
        raise UserError(f"{where}: binary file (NUL bytes and no UTF-16 byte-order mark); expected text, HTML or .docx")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        _refuse_mixed_utf8(data, where)
    else:
        _warn_mojibake(text, where)
        return text, "utf-8"
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=_LEGACY).best()
    if best is None:
        raise UserError(f"{where}: cannot detect the text encoding (not UTF-8, UTF-16 or a Western legacy encoding)")
    text = str(best)
    encoding = best.encoding
    return text, encoding


def _is_heading(text: str) -> bool:
    one_line = "\n" not in text.strip()
    stripped = text.strip()
    if not one_line or len(stripped) > 160:
        return False
    if stripped[-1:] in ".!?:;…»”\"’)":
        return False
    letters = [c for c in stripped if c.isalpha()]
    return bool(letters) and (stripped.isupper() or len(stripped.split()) <= 12)


def split_text_blocks(text: str) -> list[Block]:
    """Cut plain text into blocks at blank lines (or at every line when none are blank)."""
    blocks: list[Block] = []
    if _BLANK_LINE.search(text):
        spans = []
        pos = 0
        for m in _BLANK_LINE.finditer(text):
            spans.append((pos, m.start()))
            pos = m.end()
        spans.append((pos, len(text)))
    else:
        spans = []
        pos = 0
        for line in text.split("\n"):
            spans.append((pos, pos + len(line)))
            pos += len(line) + 1
    for start, end in spans:
        chunk = text[start:end]
        lead = len(chunk) - len(chunk.lstrip(" \t\r\n\f\v"))
        trail = len(chunk.rstrip(" \t\r\n\f\v"))
        if trail <= lead or not chunk.strip():
            # Only spaces, Unicode ones included (a stray no-break space): not a block.
            continue
        s, e = start + lead, start + trail
        body = text[s:e]
        kind: BlockKind = "heading" if _is_heading(body) else "paragraph"
        if re.match(r"^\s*(?:[-•*–]|\d{1,3}[.)])\s+", body):
            kind = "list-item"
        blocks.append(Block(body, kind, s, e))
    return blocks


def read_text_bytes(data: bytes, path: str = "<string>", lang: str | None = None) -> Document:
    """Build a Document from the bytes of a plain-text file."""
    text, encoding = decode_text(data, path)
    if _looks_binary(text):
        raise UserError(f"{path}: binary file (control characters); expected text, HTML or .docx")
    text = _nfc(text.replace("\r\n", "\n").replace("\r", "\n"))
    blocks = split_text_blocks(text)
    if not blocks:
        raise UserError(f"{path}: empty document (no text)")
    return Document(tuple(blocks), text, path, "text", encoding, lang)


def read_text_string(text: str, path: str = "<string>", lang: str | None = None) -> Document:
    """Build a Document from a Python string (for tests and the library API)."""
    text = _nfc(text.replace("\r\n", "\n").replace("\r", "\n"))
    blocks = split_text_blocks(text)
    return Document(tuple(blocks), text, path, "text", "utf-8", lang)


# --------------------------------------------------------------------------- HTML

_DROP_TAGS = {
    "script", "style", "noscript", "template", "nav", "header", "footer", "aside", "form",
    "button", "select", "option", "svg", "canvas", "iframe", "object", "embed", "menu", "dialog",
    "head", "title", "meta", "link", "input", "textarea", "label",
}
_DROP_ROLES = {"navigation", "banner", "contentinfo", "search", "menu", "menubar", "complementary", "dialog"}
_CHROME_HINT = re.compile(
    r"(?:^|[-_ ])(skip|skiplink|nav|navbar|navigation|menu|breadcrumbs?|cookie|cookies|footer|header|"
    r"sidebar|share|sharing|social|masthead|banner|toolbar|language-switcher|lang-switch|visually-hidden|"
    r"sr-only|element-invisible|print-only)(?:$|[-_ ])",
    re.I,
)
_SKIP_TEXT = re.compile(
    r"^(skip to (main )?content|aller au contenu( principal)?|passer au contenu( principal)?|"
    r"back to top|retour en haut|menu|search|rechercher)$",
    re.I,
)
_HEADING_TAGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_BLOCK_TAGS = _HEADING_TAGS | {
    "p", "li", "td", "th", "dt", "dd", "blockquote", "pre", "figcaption", "caption", "div",
    "section", "article", "main", "ul", "ol", "dl", "table", "tr", "tbody", "thead", "tfoot",
    "address", "center", "body", "hr", "br", "h", "summary", "details", "fieldset", "legend",
}


def _is_chrome(el) -> bool:
    tag = el.tag if isinstance(el.tag, str) else ""
    if tag.lower() in _DROP_TAGS:
        return True
    if el.get("hidden") is not None or el.get("aria-hidden") == "true":
        return True
    if (el.get("role") or "").lower() in _DROP_ROLES:
        return True
    hint = " ".join(filter(None, [el.get("id"), el.get("class")]))
    return bool(hint and _CHROME_HINT.search(hint))


def _main_container(root):
    for xp in ("//main", "//*[@role='main']", "//article", "//*[@id='main-content']", "//*[@id='content']",
               "//*[@id='main']"):
        found = root.xpath(xp)
        if found:
            return found[0]
    body = root.find("body")
    return body if body is not None else root


class _HtmlBlocks:
    def __init__(self) -> None:
        self.out: list[tuple[str, BlockKind]] = []
        self.buf: list[str] = []
        self.kind: BlockKind = "paragraph"

    def flush(self) -> None:
        text = _ASCII_WS.sub(" ", "".join(self.buf)).strip()
        self.buf = []
        if text and not _SKIP_TEXT.match(text):
            self.out.append((text, self.kind))
        self.kind = "paragraph"

    def walk(self, el, kind: BlockKind = "paragraph") -> None:
        tag = el.tag.lower() if isinstance(el.tag, str) else ""
        if not tag:  # comments, processing instructions
            if el.tail:
                self.buf.append(el.tail)
            return
        if _is_chrome(el):
            if el.tail:
                self.buf.append(el.tail)
            return
        is_block = tag in _BLOCK_TAGS
        if is_block:
            self.flush()
            if tag in _HEADING_TAGS:
                kind = "heading"
            elif tag == "li":
                kind = "list-item"
            elif tag in ("td", "th"):
                kind = "cell"
            self.kind = kind
        if tag == "br":
            self.flush()
            self.kind = kind
        if el.text:
            self.buf.append(el.text)
        for child in el:
            self.walk(child, kind)
            if is_block:
                self.kind = kind
        if is_block:
            self.flush()
        if el.tail:
            self.buf.append(el.tail)


def _html_encoding(data: bytes) -> str | None:
    head = data[:4096].decode("ascii", "replace")
    m = re.search(r"""<meta[^>]+charset=["']?([A-Za-z0-9_-]+)""", head, re.I)
    return m.group(1).lower() if m else None


def read_html_bytes(data: bytes, path: str = "<string>", lang: str | None = None) -> Document:
    """Extract the main text of an HTML page as blocks, dropping navigation and site chrome."""
    from bilingual_pr.xmlsafe import parse_html_bytes

    declared = _html_encoding(data)
    try:
        text, encoding = decode_text(data, path)
    except UserError:
        raise
    if declared and encoding == "utf-8" and declared not in ("utf-8", "utf8"):
        # A page that is valid UTF-8 but says otherwise: trust the bytes.
        encoding = "utf-8"
    text = text.replace("\r\n", "\n")
    # Drop any XML/charset declaration: we hand lxml a decoded string.
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)
    root = parse_html_bytes(text.encode("utf-8"), encoding="utf-8")
    walker = _HtmlBlocks()
    walker.walk(_main_container(root))
    walker.flush()
    pieces = [(_nfc(t), k) for t, k in walker.out]
    html_lang = root.get("lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang")
    doc = _assemble(pieces, path, "html", encoding, lang)
    if html_lang:
        doc.meta["html-lang"] = html_lang
    title = root.findtext(".//title")
    if title:
        doc.meta["title"] = _ASCII_WS.sub(" ", title).strip()
    return doc


def _assemble(pieces: Iterable[tuple[str, BlockKind]], path: str, fmt: DocFormat, encoding: str | None,
              lang: str | None) -> Document:
    blocks: list[Block] = []
    parts: list[str] = []
    pos = 0
    for text, kind in pieces:
        if parts:
            parts.append("\n\n")
            pos += 2
        blocks.append(Block(text, kind, pos, pos + len(text)))
        parts.append(text)
        pos += len(text)
    if not blocks:
        raise UserError(f"{path}: empty document (no text found)")
    return Document(tuple(blocks), "".join(parts), path, fmt, encoding, lang, {})


# --------------------------------------------------------------------------- DOCX

_MAX_DOCX_UNCOMPRESSED = 200 * 1024 * 1024


def _check_docx_zip(data: bytes, path: str) -> None:
    import io

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = zf.namelist()
            total = sum(i.file_size for i in zf.infolist())
    except zipfile.BadZipFile:
        raise UserError(f"{path}: not a valid .docx file (broken ZIP container)") from None
    if "word/document.xml" not in names:
        raise UserError(f"{path}: ZIP file without word/document.xml; not a Word .docx document")
    if total > _MAX_DOCX_UNCOMPRESSED:
        raise UserError(f"{path}: .docx expands to {total} bytes; refusing (possible ZIP bomb)")


def _docx_has_entities(data: bytes) -> bool:
    import io

    from bilingual_pr.xmlsafe import declares_doctype

    # The whole part, parsed up to its root: a long comment can push a DOCTYPE past any fixed head.
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for name in zf.namelist():
            if name.endswith(".xml") or name.endswith(".rels"):
                with zf.open(name) as fh:
                    if declares_doctype(fh.read()):
                        return True
    return False


def read_docx_bytes(data: bytes, path: str = "<string>", lang: str | None = None) -> Document:
    """Extract paragraphs, headings and table cells of a Word .docx file as blocks."""
    import io

    _check_docx_zip(data, path)
    if _docx_has_entities(data):
        raise UserError(f"{path}: .docx contains DTD/entity declarations; refusing (possible XML attack)")
    import docx  # python-docx parses with resolve_entities=False and no network
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        d = docx.Document(io.BytesIO(data))
    except Exception as err:  # python-docx raises many types for broken parts
        raise UserError(f"{path}: unreadable .docx: {type(err).__name__}: {err}") from None

    pieces: list[tuple[str, BlockKind]] = []

    def para_kind(p: Paragraph) -> BlockKind:
        name = (p.style.name if p.style is not None else "") or ""
        low = name.lower()
        if low.startswith(("heading", "titre", "title", "subtitle", "sous-titre")):
            return "heading"
        if "list" in low or "liste" in low or p._p.pPr is not None and p._p.pPr.numPr is not None:
            return "list-item"
        return "paragraph"

    def add_table(t: Table) -> None:
        seen: list = []  # the cell elements themselves: merged cells repeat them
        for row in t.rows:
            for cell in row.cells:
                if any(cell._tc is tc for tc in seen):
                    continue
                seen.append(cell._tc)
                for p in cell.paragraphs:
                    txt = _ASCII_WS.sub(" ", p.text).strip()
                    if txt:
                        pieces.append((_nfc(txt), "cell"))
                for inner in cell.tables:
                    add_table(inner)

    for item in d.iter_inner_content():
        if isinstance(item, Paragraph):
            txt = _ASCII_WS.sub(" ", item.text).strip()
            if txt:
                pieces.append((_nfc(txt), para_kind(item)))
        else:
            add_table(item)
    return _assemble(pieces, path, "docx", None, lang)


# --------------------------------------------------------------------------- dispatch


def sniff_format(data: bytes, path: str) -> DocFormat:
    """Guess the format from content first, then from the file extension."""
    suffix = Path(path).suffix.lower()
    if data[:4] == b"PK\x03\x04":
        return "docx"
    if suffix in (".docx", ".docm"):
        return "docx"
    if suffix in (".html", ".htm", ".xhtml"):
        return "html"
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<!doctype html", b"<html")) or (head.startswith(b"<?xml") and b"<html" in head):
        return "html"
    return "text"


def read_document_bytes(data: bytes, path: str = "<string>", lang: str | None = None,
                        fmt: DocFormat | None = None) -> Document:
    """Read a document held in memory as text, HTML or .docx."""
    if not data.strip(b" \t\r\n\x00\xef\xbb\xbf\xfe\xff"):
        raise UserError(f"{path}: empty file")
    if data[:5] == b"%PDF-":
        raise UserError(f"{path}: PDF files are not supported; save the release as .docx, .html or .txt")
    kind = fmt or sniff_format(data, path)
    if kind == "docx":
        doc = read_docx_bytes(data, path, lang)
    elif kind == "html":
        doc = read_html_bytes(data, path, lang)
    else:
        doc = read_text_bytes(data, path, lang)
    log.info("%s: read as %s%s, %d blocks", path, kind,
             f", encoding {doc.encoding}" if doc.encoding else "", len(doc.blocks))
    return doc


def read_document(path: str | Path, lang: str | None = None, fmt: DocFormat | None = None) -> Document:
    """Read a press release from disk (plain text, HTML or .docx) into blocks."""
    data = read_input_bytes(path)
    return read_document_bytes(data, str(path), lang, fmt)
