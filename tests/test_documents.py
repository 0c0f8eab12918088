"""Readers: encodings, HTML chrome, .docx structure, and the one-line refusals."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from bilingual_pr.documents import decode_text, read_document, read_text_string
from bilingual_pr.errors import UserError

FR = "Le Directeur général de l'ONUG a présenté le rapport à Genève.\n\nLes États membres ont salué «\u00a0une étape décisive\u00a0».\n"
EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def test_utf8_plain(tmp_path: Path) -> None:
    p = tmp_path / "a.txt"
    p.write_text(FR, encoding="utf-8")
    doc = read_document(p, lang="fr")
    assert doc.encoding == "utf-8"
    assert [b.kind for b in doc.blocks] == ["paragraph", "paragraph"]
    assert doc.blocks[0].text.startswith("Le Directeur général")
    # offsets point back into the text
    for b in doc.blocks:
        assert doc.text[b.start:b.end] == b.text


def test_utf8_bom(tmp_path: Path) -> None:
    p = tmp_path / "bom.txt"
    p.write_bytes(codecs.BOM_UTF8 + FR.encode("utf-8"))
    doc = read_document(p)
    assert doc.encoding == "utf-8 (BOM)"
    assert not doc.text.startswith("\ufeff")
    assert doc.blocks[0].text.startswith("Le Directeur")


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_with_bom(tmp_path: Path, codec: str) -> None:
    bom = codecs.BOM_UTF16_LE if codec.endswith("le") else codecs.BOM_UTF16_BE
    p = tmp_path / "u16.txt"
    p.write_bytes(bom + FR.encode(codec))
    doc = read_document(p)
    assert doc.encoding == "utf-16 (BOM)"
    assert "«\u00a0une étape décisive\u00a0»" in doc.text


def test_cp1252_detected(tmp_path: Path) -> None:
    text = ("Le Secrétaire général s’est rendu au Palais des Nations – une visite « historique ».\n\n"
            "Les États membres ont adopté la résolution à l’unanimité ; coût : 1 250 €.\n")
    p = tmp_path / "legacy.txt"
    p.write_bytes(text.encode("cp1252"))
    doc = read_document(p)
    assert doc.encoding in {"cp1252", "windows-1252"}
    assert "s’est" in doc.text and "€" in doc.text and "–" in doc.text


def test_latin1_detected(tmp_path: Path) -> None:
    p = tmp_path / "l1.txt"
    p.write_bytes("Conférence du désarmement : séance plénière à Genève, où l'on a évoqué la sécurité.\n".encode("latin-1"))
    doc = read_document(p)
    assert "Conférence du désarmement" in doc.text
    assert "séance plénière à Genève" in doc.text


def test_nfc_normalised_and_typographic_spaces_kept() -> None:
    decomposed = "Re\u0301sume\u0301 de l'ONUG\u202f; «\u00a0fin\u00a0»"
    doc = read_text_string(decomposed)
    assert doc.text == "Résumé de l'ONUG\u202f; «\u00a0fin\u00a0»"
    assert "\u202f" in doc.blocks[0].text and "\u00a0" in doc.blocks[0].text


def test_headings_and_one_block_per_line_without_blank_lines() -> None:
    doc = read_text_string("COMMUNIQUÉ DE PRESSE\nLe Conseil s'est réuni.\nIl a adopté deux textes.\n")
    assert [b.kind for b in doc.blocks] == ["heading", "paragraph", "paragraph"]


def test_list_items() -> None:
    doc = read_text_string("Points forts :\n\n- la science ouverte ;\n\n- la formation.\n")
    assert [b.kind for b in doc.blocks][-2:] == ["list-item", "list-item"]


HTML = """<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><title>Communiqué</title>
<style>body{color:red}</style><script>var x = "Aller au contenu principal";</script></head>
<body>
<a class="visually-hidden focusable skip-link" href="#main">Aller au contenu principal</a>
<header><nav><ul><li><a href="/">Accueil</a></li><li><a href="/news">Actualités</a></li></ul></nav></header>
<main id="main">
<h1>L'ONUG et le CERN signent un accord</h1>
<p>GENÈVE (26 novembre 2026) – Le <b>Directeur général</b> a signé
   l'accord aujourd'hui.</p>
<p>Deuxième paragraphe&nbsp;: avec une espace insécable.<br>Ligne après un saut.</p>
<ul><li>Premier point</li><li>Second point</li></ul>
<table><tr><td>Cellule A</td><td>Cellule B</td></tr></table>
<div class="social-share">Partager sur Facebook</div>
</main>
<footer><p>© Nations Unies — Mentions légales</p></footer>
</body></html>"""


def test_html_main_text_only(tmp_path: Path) -> None:
    p = tmp_path / "page.html"
    p.write_text(HTML, encoding="utf-8")
    doc = read_document(p, lang="fr")
    texts = doc.block_texts
    assert texts[0] == "L'ONUG et le CERN signent un accord"
    assert doc.blocks[0].kind == "heading"
    assert "GENÈVE (26 novembre 2026) – Le Directeur général a signé l'accord aujourd'hui." in texts
    assert "Deuxième paragraphe\u00a0: avec une espace insécable." in texts
    assert "Ligne après un saut." in texts
    assert ("Premier point", "list-item") in [(b.text, b.kind) for b in doc.blocks]
    assert ("Cellule B", "cell") in [(b.text, b.kind) for b in doc.blocks]
    joined = "\n".join(texts)
    for chrome in ("Aller au contenu", "Accueil", "Mentions légales", "Partager", "color:red"):
        assert chrome not in joined
    assert doc.meta.get("html-lang") == "fr"
    for b in doc.blocks:
        assert doc.text[b.start:b.end] == b.text


def test_html_without_main_drops_skip_link(tmp_path: Path) -> None:
    page = ("<html><body><a href='#c'>Skip to main content</a><nav>Home | News</nav>"
            "<h2>UNOG press release</h2><p>The Director-General spoke.</p></body></html>")
    p = tmp_path / "p.htm"
    p.write_text(page, encoding="utf-8")
    doc = read_document(p)
    assert doc.block_texts == ["UNOG press release", "The Director-General spoke."]


def test_html_legacy_encoding(tmp_path: Path) -> None:
    page = "<html><head><meta charset='windows-1252'></head><body><p>Genève – « accord »</p></body></html>"
    p = tmp_path / "l.html"
    p.write_bytes(page.encode("cp1252"))
    doc = read_document(p)
    assert doc.block_texts == ["Genève – « accord »"]


def _make_docx(path: Path) -> None:
    import docx

    d = docx.Document()
    d.add_heading("Communiqué de presse DG26/014F", level=1)
    d.add_paragraph("Mme Falkner, Directrice générale de l'ONUG, a ouvert la séance.")
    d.add_paragraph("Premier point de la liste", style="List Bullet")
    table = d.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "Organisation"
    table.cell(0, 1).text = "Sigle"
    table.cell(1, 0).text = "Office des Nations Unies à Genève"
    table.cell(1, 1).text = "ONUG"
    d.add_paragraph("Ce document est destiné à l'information.")
    d.save(str(path))


def test_docx(tmp_path: Path) -> None:
    p = tmp_path / "release.docx"
    _make_docx(p)
    doc = read_document(p, lang="fr")
    kinds = [(b.kind, b.text) for b in doc.blocks]
    assert kinds[0] == ("heading", "Communiqué de presse DG26/014F")
    assert ("paragraph", "Mme Falkner, Directrice générale de l'ONUG, a ouvert la séance.") in kinds
    assert ("list-item", "Premier point de la liste") in kinds
    assert ("cell", "Office des Nations Unies à Genève") in kinds and ("cell", "ONUG") in kinds
    # the paragraph after the table stays after it
    assert kinds[-1] == ("paragraph", "Ce document est destiné à l'information.")
    assert doc.format == "docx"


def test_docx_detected_by_content_even_with_wrong_extension(tmp_path: Path) -> None:
    p = tmp_path / "release.bin"
    _make_docx(p)
    assert read_document(p).format == "docx"


@pytest.mark.parametrize("content", [b"", b"   \n\n\t ", codecs.BOM_UTF8])
def test_empty_file_refused(tmp_path: Path, content: bytes) -> None:
    p = tmp_path / "empty.txt"
    p.write_bytes(content)
    with pytest.raises(UserError, match="empty"):
        read_document(p)


def test_binary_refused(tmp_path: Path) -> None:
    p = tmp_path / "blob.txt"
    p.write_bytes(bytes(range(256)) * 8)
    with pytest.raises(UserError, match="binary"):
        read_document(p)


def test_pdf_refused(tmp_path: Path) -> None:
    p = tmp_path / "r.pdf"
    p.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n")
    with pytest.raises(UserError, match="PDF"):
        read_document(p)


def test_broken_zip_refused(tmp_path: Path) -> None:
    p = tmp_path / "r.docx"
    p.write_bytes(b"PK\x03\x04broken")
    with pytest.raises(UserError, match="docx"):
        read_document(p)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="no such file"):
        read_document(tmp_path / "nope.txt")


def test_directory_refused(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="directory"):
        read_document(tmp_path)


def test_decode_text_utf8_preferred_over_legacy() -> None:
    text, enc = decode_text("Genève".encode("utf-8"))
    assert (text, enc) == ("Genève", "utf-8")


def test_bundled_example_pair_reads() -> None:
    fr = read_document(EXAMPLES / "DG26-014F.fr.txt", lang="fr")
    en = read_document(EXAMPLES / "DG26-014E.en.txt", lang="en")
    assert fr.blocks[0].text == "DG26/014F" and en.blocks[0].text == "DG26/014E"
    assert len(fr.blocks) == len(en.blocks)
    assert "\u202f" in fr.text and "«\u00a0" in fr.text
