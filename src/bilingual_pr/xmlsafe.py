"""The one place where XML and HTML parsers are configured.

Every XML input (TMX, TBX, XLIFF, SRX, the XML inside .docx) and every HTML page
is parsed through these helpers, so entity expansion, DTD loading and network
access are off everywhere and a hostile file cannot read local files, reach the
network or blow up memory.
"""

from __future__ import annotations

import contextlib
import io
from pathlib import Path
from typing import Generator, Iterator, Protocol

from lxml import etree, html

from bilingual_pr.errors import UserError

# Text nodes larger than this are refused (libxml2's own default cap is 10 MB;
# we keep it and never pass huge_tree=True).
_PARSER_KW = dict(
    resolve_entities=False,
    load_dtd=False,
    dtd_validation=False,
    no_network=True,
    huge_tree=False,
    remove_pis=False,
)


def xml_parser(**overrides: object) -> etree.XMLParser:
    """Return an lxml XML parser with entities, DTDs and network access disabled."""
    return etree.XMLParser(**{**_PARSER_KW, **overrides})


def html_parser() -> html.HTMLParser:
    """Return an lxml HTML parser with network access off and comments/PIs dropped."""
    return html.HTMLParser(
        no_network=True,
        remove_comments=True,
        remove_pis=True,
        huge_tree=False,
        default_doctype=False,
    )


def _reject_doctype_entities(tree: etree._ElementTree, where: str) -> None:
    docinfo = tree.docinfo
    dtd = docinfo.internalDTD
    if dtd is not None and any(True for _ in dtd.iterentities()):
        raise UserError(f"{where}: XML entity declarations are not accepted (possible entity-expansion attack)")


def reject_entity_references(tree: etree._ElementTree | etree._Element, where: str) -> None:
    """Raise a UserError when the tree (or element) holds a reference to an entity that was not expanded."""
    # A reference to an entity of an external DTD (never loaded) stays an unexpanded node
    # that every reader would silently skip: refuse it instead of losing text.
    ref = next(tree.iter(etree.Entity), None)
    if ref is not None:
        line = f":{ref.sourceline}" if ref.sourceline else ""
        raise UserError(f"{where}{line}: entity reference &{ref.name}; is not accepted "
                        "(external DTDs are never loaded); write the character itself")


def _describe(err: etree.XMLSyntaxError, where: str) -> UserError:
    line = getattr(err, "lineno", None) or (err.position[0] if getattr(err, "position", None) else None)
    msg = str(err.msg if getattr(err, "msg", None) else err)
    if "Text node too long" in msg or "huge text node" in msg:
        # libxml2 (2.14 and 2.12 word it differently) suggests XML_PARSE_HUGE; we never turn it on.
        msg = "a single text node is larger than 10 MB (refused as a precaution)"
    loc = f"{where}:{line}" if line else where
    return UserError(f"{loc}: malformed XML: {msg}")


def _reject_entity_declarations_in_head(path: Path, where: str) -> None:
    # A streaming parse cannot see the DTD before it starts; the prolog is at the
    # head of the file, so look there (in any of the encodings XML allows).
    try:
        with open(path, "rb") as fh:
            head = fh.read(65536)
    except FileNotFoundError:
        raise UserError(f"{where}: no such file") from None
    except IsADirectoryError:
        raise UserError(f"{where}: is a directory, not a file") from None
    except OSError as err:
        raise UserError(f"{where}: cannot read: {err.strerror or err}") from None
    probes = (b"<!ENTITY", "<!ENTITY".encode("utf-16-le"), "<!ENTITY".encode("utf-16-be"))
    if any(p in head for p in probes):
        raise UserError(f"{where}: XML entity declarations are not accepted (possible entity-expansion attack)")


def parse_xml_bytes(data: bytes, where: str = "<input>") -> etree._ElementTree:
    """Parse XML bytes safely; a malformed or hostile document raises a UserError."""
    try:
        tree = etree.parse(io.BytesIO(data), xml_parser())
    except etree.XMLSyntaxError as err:
        raise _describe(err, where) from None
    _reject_doctype_entities(tree, where)
    reject_entity_references(tree, where)
    return tree


def parse_xml_file(path: str | Path) -> etree._ElementTree:
    """Parse an XML file safely; a malformed or hostile document raises a UserError."""
    from bilingual_pr.fileio import read_input_bytes

    return parse_xml_bytes(read_input_bytes(path), str(path))


#: Bytes handed to the pull parser at a time (lxml's own iterparse reads 32 KB).
_FEED_BYTES = 64 * 1024


class BinaryReader(Protocol):
    """What iterparse_xml reads from besides a path: an open binary file or a wrapper of one."""

    def read(self, size: int = -1, /) -> bytes: ...


def iterparse_xml(source: str | Path | BinaryReader, tag: str | tuple[str, ...] | None = None,
                  events: tuple[str, ...] = ("end",),
                  where: str | None = None) -> Generator[tuple[str, etree._Element], None, None]:
    """Stream-parse XML safely; every event before a syntax error is delivered, then a UserError."""
    label = where or str(source)
    if isinstance(source, (str, Path)):
        _reject_entity_declarations_in_head(Path(source), label)
    # A pull parser rather than etree.iterparse: when a chunk holds a syntax error, iterparse
    # drops the events parsed before it or not depending on the libxml2 release (2.14 drops
    # them), while read_events() after a failed feed() returns them on every release. So a
    # malformed file always yields everything before the fault, as OmegaT reads it.
    parser = etree.XMLPullParser(events=events, tag=tag, resolve_entities=False, load_dtd=False,
                                 dtd_validation=False, no_network=True, huge_tree=False)
    checked = False

    def drain() -> Iterator[tuple[str, etree._Element]]:
        nonlocal checked
        for event, elem in parser.read_events():
            if not checked:
                # The DTD precedes the root, so it is known at the first event; the head scan
                # above misses declarations pushed past 64 KB by a comment.
                _reject_doctype_entities(elem.getroottree(), label)
                checked = True
            yield event, elem

    try:
        with contextlib.ExitStack() as stack:
            fh = stack.enter_context(open(source, "rb")) if isinstance(source, (str, Path)) else source
            try:
                while chunk := fh.read(_FEED_BYTES):
                    parser.feed(chunk)
                    yield from drain()
                parser.close()
            except etree.XMLSyntaxError as err:
                yield from drain()
                raise _describe(err, label) from None
            yield from drain()
    except FileNotFoundError:
        raise UserError(f"{label}: no such file") from None
    except IsADirectoryError:
        raise UserError(f"{label}: is a directory, not a file") from None
    except OSError as err:
        raise UserError(f"{label}: cannot read: {err.strerror or err}") from None


def parse_html_bytes(data: bytes, encoding: str | None = None) -> html.HtmlElement:
    """Parse an HTML page safely (no network, no entity tricks) and return its root element."""
    parser = html_parser()
    if encoding:
        parser = html.HTMLParser(encoding=encoding, no_network=True, remove_comments=True,
                                 remove_pis=True, huge_tree=False, default_doctype=False)
    try:
        root = html.document_fromstring(data, parser=parser)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as err:
        raise UserError(f"unreadable HTML: {err}") from None
    return root


def declares_doctype(data: bytes) -> bool:
    """True when XML bytes carry a DOCTYPE (internal subset or external DTD); reads only up to the root."""
    try:
        for _event, el in etree.iterparse(io.BytesIO(data), events=("start",), resolve_entities=False,
                                          load_dtd=False, dtd_validation=False, no_network=True,
                                          huge_tree=False):
            docinfo = el.getroottree().docinfo
            return bool(docinfo.doctype) or docinfo.internalDTD is not None
    except etree.XMLSyntaxError:
        # Unparseable up to the root: judge by the bytes (any padding, any position).
        return any(p in data for p in (b"<!DOCTYPE", b"<!ENTITY", "<!DOCTYPE".encode("utf-16-le"),
                                       "<!DOCTYPE".encode("utf-16-be")))
    return False
