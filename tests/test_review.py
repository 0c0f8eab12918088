"""The alignment review page without a browser: rows, flags, glossary marks, self-containment, CLI outputs.

Rendering, the filter, keys and print run in Chromium in tests/test_review_chromium.py, on the
same rows (ROWS, ``review_alignment``, ``write_page``) imported from here.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from bilingual_pr.align import AlignedPair, Alignment

ROOT = Path(__file__).resolve().parents[1]
THRESHOLD = 0.5

# (French, English, confidence): written for these tests. Pair 3 lacks the council in English,
# pair 5 uses a deprecated English term; pairs 4, 5 (1-0) and 6 (0-1) and 3 are below the threshold.
ROWS = [
    ("Le CERN publie son rapport annuel.", "CERN publishes its annual report.", 0.97),
    ("La Directrice générale de l'ONUG ouvre la session.", "The Director-General of UNOG opens the session.", 0.92),
    ("Le Conseil des droits de l'homme se réunira en mars.", "The meeting will take place in March.", 0.31),
    ("Une conférence de presse suivra.", "A press conference will follow. Journalists may attend.", 0.45),
    ("Cette phrase n'a pas d'équivalent.", "", 0.2),
    ("", "This sentence is only in English.", 0.25),
    ("La Directrice générale a pris la parole.", "The Director General spoke.", 0.88),
]
LOW = [n for n, r in enumerate(ROWS, 1) if r[2] < THRESHOLD]


def review_alignment() -> Alignment:
    pairs, si, ti = [], 0, 0
    src_s, tgt_s = [], []
    for fr, en, conf in ROWS:
        s = tuple(range(si, si + (1 if fr else 0)))
        n_en = len(re.findall(r"[.!?](?:\s|$)", en)) if en else 0
        t = tuple(range(ti, ti + n_en))
        si, ti = si + len(s), ti + len(t)
        src_s += [fr] * len(s)
        tgt_s += [en] * len(t)
        pairs.append(AlignedPair(fr, en, s, t, None, None, f"{len(s)}-{len(t)}", 0.0, conf))
    return Alignment(tuple(src_s), tuple(tgt_s), (), tuple(pairs), "fr", "en")


@pytest.fixture(scope="module")
def glossary():
    from bilingual_pr.glossary import load_glossary
    from bilingual_pr.glossary.files import default_glossary_path

    return load_glossary(default_glossary_path())


def write_page(folder: Path, glossary) -> Path:
    """The review page of ROWS, written under ``folder``."""
    from bilingual_pr.review import write_review_page

    path = folder / "review.html"
    write_review_page(path, review_alignment(), glossary=glossary, min_confidence=THRESHOLD, src_name="t.fr.txt",
                      tgt_name="t.en.txt", title="T-001")
    return path


@pytest.fixture(scope="module")
def page(tmp_path_factory, glossary) -> Path:
    return write_page(tmp_path_factory.mktemp("review"), glossary)


def _doc(path: Path):
    from bilingual_pr.xmlsafe import parse_html_bytes

    return parse_html_bytes(path.read_bytes())


def test_rows_confidence_bead_and_low_flags(page):
    doc = _doc(page)
    rows = doc.xpath("//tr[contains(concat(' ', @class, ' '), ' pair ')]")
    assert len(rows) == len(ROWS)
    for n, (row, (fr, en, conf)) in enumerate(zip(rows, ROWS), 1):
        assert row.get("id") == f"p{n}"
        assert float(row.get("data-confidence")) == pytest.approx(conf, abs=1e-3)
        assert row.get("data-low") == ("1" if n in LOW else "0")
        one_sided = not (fr and en)
        flag = row.xpath("string(.//span[@class='flag'])")
        assert flag == ("no counterpart" if one_sided else "review" if n in LOW else "")
        assert row.get("tabindex") == "0"
    assert [r.get("data-bead") for r in rows] == ["1-1", "1-1", "1-1", "1-2", "1-0", "0-1", "1-1"]
    # The filter shows the low pairs and the one-sided beads; the totals count them apart, as the files do.
    assert doc.get_element_by_id("low-count").text == str(len(LOW))
    assert doc.get_element_by_id("review-count").text == "2"  # rows 3 and 4: the .review.tmx
    assert doc.get_element_by_id("no-counterpart-count").text == "2"  # rows 5 and 6: in no TMX
    assert doc.get_element_by_id("memory-count").text == "3"


def test_glossary_terms_marked_on_both_sides(page):
    doc = _doc(page)
    marks = {(m.get("data-entry"), m.text, "one-side" in m.get("class")) for m in doc.iter("mark")
             if m.get("data-entry")}
    assert ("cern", "CERN", False) in marks
    assert ("dg", "Directrice générale", False) in marks and ("dg", "Director-General", False) in marks
    assert ("unog", "ONUG", False) in marks and ("unog", "UNOG", False) in marks
    # The council is in the French only: marked as one-sided, for the reviewer to check.
    assert ("hrc", "Conseil des droits de l'homme", True) in marks
    deprecated = [m for m in doc.iter("mark") if m.text == "Director General"]
    assert deprecated and "rejected" in deprecated[0].get("class")
    assert "Human Rights Council" in next(m for m in doc.iter("mark") if m.get("data-entry") == "hrc").get("title")


def test_self_contained_and_escaped(tmp_path, glossary):
    from bilingual_pr.review import render_review_page

    al = review_alignment()
    hostile = AlignedPair('<script>alert("x")</script> & CERN', "<b>CERN</b>", (0,), (0,), None, None, "1-1", 0, 0.9)
    text = render_review_page(Alignment(al.src_sentences, al.tgt_sentences, (), (hostile,), "fr", "en"),
                              glossary=glossary)
    assert "<script>alert" not in text and "&lt;script&gt;" in text and "&lt;b&gt;" in text
    assert "Content-Security-Policy" in text and "default-src 'none'" in text
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:|//)""", text)
    assert "<link" not in text and "@import" not in text


def test_align_and_run_write_the_page(tmp_path, monkeypatch):
    from bilingual_pr.cli import main
    import bilingual_pr.translate.argos as argos

    monkeypatch.setattr(argos, "find_model", lambda s, t: None)
    fr, en = ROOT / "examples" / "DG26-014F.fr.txt", ROOT / "examples" / "DG26-014E.en.txt"
    res = CliRunner().invoke(main, ["align", str(fr), str(en), "--no-embeddings", "-o", str(tmp_path / "a.tmx"),
                                    "--review", str(tmp_path / "a.html")])
    assert res.exit_code == 0, res.output
    res = CliRunner().invoke(main, ["run", str(fr), str(en), "--no-embeddings", "--no-mt", "-o", str(tmp_path / "o"),
                                    "--review", str(tmp_path / "r.html")])
    assert res.exit_code == 0, res.output
    for name in ("a.html", "r.html"):
        doc = _doc(tmp_path / name)
        rows = doc.xpath("//tr[contains(@class, 'pair')]")
        assert len(rows) == 13
        assert {m.get("data-entry") for m in doc.iter("mark")} >= {"unog", "cern"}
