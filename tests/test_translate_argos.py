"""The real Argos path with tiny packages built here: install, discovery, batching, outputs.

The packages are real Argos packages (SentencePiece + CTranslate2 Transformer)
with random weights: their translations are noise, so only structure is
checked. Argos decides its package folder when first imported, so commands run
in subprocesses with ARGOS_PACKAGES_DIR/XDG_* pointing into a temp folder.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from interop import require_module

import argos_tiny
from bilingual_pr.formats.tmx import read_tmx, write_tmx
from bilingual_pr.formats.units import TranslationUnit
from bilingual_pr.formats.xliff import read_xliff

pytestmark = [pytest.mark.mt, pytest.mark.slow]  # a model is built and installed per module: ~3 s a test
require_module("ctranslate2")
require_module("argostranslate")

ROOT = Path(__file__).resolve().parents[1]
DOC = ("Le Comité a adopté trois résolutions. La réunion a lieu aujourd'hui.\n\n"
       "Une conférence de presse aura lieu à 14 heures. Les journalistes peuvent suivre la réunion.\n")


@pytest.fixture(scope="module")
def argos_env(tmp_path_factory):
    base = tmp_path_factory.mktemp("argos")
    env = dict(os.environ)
    env.update(HOME=str(base / "home"), XDG_DATA_HOME=str(base / "data"), XDG_CONFIG_HOME=str(base / "config"),
               XDG_CACHE_HOME=str(base / "cache"), ARGOS_PACKAGES_DIR=str(base / "packages"))
    pkgs = [argos_tiny.build_package(base / "translate-fr_en-test.argosmodel", "fr", "en"),
            argos_tiny.build_package(base / "translate-en_fr-test.argosmodel", "en", "fr")]
    installed = run(env, "models", "install", *pkgs).stdout
    tm = base / "m.tmx"
    write_tmx(tm, [TranslationUnit("La réunion a lieu aujourd'hui.", "The meeting takes place today.", "fr-FR", "en-GB")])
    return base, env, pkgs, installed, tm


def run(env, *args, check=True):
    proc = subprocess.run([sys.executable, "-m", "bilingual_pr", *map(str, args)], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    if check:
        assert proc.returncode == 0, proc.stderr
    return proc


def test_install_and_list(argos_env):
    base, env, _, installed, _ = argos_env
    assert "fr -> en" in installed and "en -> fr" in installed
    assert sorted(p.name for p in (base / "packages").iterdir()) == ["translate-en_fr-test", "translate-fr_en-test"]
    listing = run(env, "models", "list").stdout.splitlines()
    assert [ln.split("\t")[:2] for ln in listing] == [["en", "fr"], ["fr", "en"]]


def test_draft_fr_en_memory_then_model_xliff21(argos_env, tmp_path):
    _, env, _, _, tm = argos_env
    src = tmp_path / "in.txt"
    src.write_text(DOC, encoding="utf-8")
    xlf = tmp_path / "out.xlf"
    gloss = tmp_path / "g.csv"
    gloss.write_text("fr,en,dnt\nComité,Committee,\nréunion,meeting,\n", encoding="utf-8")
    res = run(env, "draft", src, "--from", "fr", "--to", "en", "--tm", tm, "-o", xlf, "--max-length", "8",
              "--glossary", gloss)
    assert "4 sentences (1 tm-exact, 3 mt, 2 glossary-flagged)" in res.stderr and "models install" not in res.stderr
    units = list(read_xliff(xlf))
    assert [u.prop("x-origin") for u in units] == ["mt", "tm-exact", "mt", "mt"]
    assert units[1].target == "The meeting takes place today."
    assert all(u.target for u in units) and units[0].prop("x-engine") == "argos:translate-fr_en-test"
    assert (units[0].source_lang, units[0].target_lang) == ("fr-FR", "en-GB")
    # The untrained model cannot produce "Committee": the glossary check flags it;
    # the memory's exact match has "meeting" and is not flagged.
    assert any("missing-term" in n and "Committee" in n for n in units[0].notes)
    assert not any("glossary" in n for n in units[1].notes)


def test_draft_en_fr_xliff12_and_tmx(argos_env, tmp_path):
    _, env, _, _, _ = argos_env
    en = tmp_path / "en.txt"
    en.write_text("The Committee adopted three resolutions.\n\nThe meeting is today.\n", encoding="utf-8")
    run(env, "draft", en, "--from", "en", "--to", "fr", "-o", tmp_path / "out12.xlf", "--max-length", "6",
        "--xliff-version", "1.2")
    units12 = list(read_xliff(tmp_path / "out12.xlf"))
    assert [u.prop("x-origin") for u in units12] == ["mt", "mt"]
    assert (units12[0].source_lang, units12[0].target_lang) == ("en-GB", "fr-FR")
    assert all(u.prop("x-state") == "needs-review-translation" for u in units12)
    run(env, "draft", en, "--from", "en", "--to", "fr", "-o", tmp_path / "out.tmx", "--max-length", "6")
    tmx_units = list(read_tmx(tmp_path / "out.tmx", "en", "fr"))
    assert len(tmx_units) == 2 and all(u.prop("x-Origin") == "MachineTranslation" for u in tmx_units)
    assert tmx_units[0].creationid == "argos:translate-en_fr-test"


def test_bad_archives_are_refused_in_one_line(argos_env, tmp_path):
    _, env, _, _, _ = argos_env
    junk = tmp_path / "junk.argosmodel"
    junk.write_bytes(b"not a zip")
    res = run(env, "models", "install", junk, check=False)
    assert res.returncode == 2 and len(res.stderr.strip().splitlines()) == 1 and "zip" in res.stderr
    import zipfile

    evil = tmp_path / "evil.argosmodel"
    with zipfile.ZipFile(evil, "w") as zf:
        zf.writestr("pkg/metadata.json", json.dumps({"from_code": "fr", "to_code": "en"}))
        zf.writestr("pkg/../../escape.txt", "x")
    res = run(env, "models", "install", evil, check=False)
    assert res.returncode == 2 and "unsafe path" in res.stderr
    assert run(env, "models", "remove", "de-en", check=False).returncode == 2


SCRIPT = r"""
import socket, sys, json
def no_network(*a, **k):
    raise RuntimeError("network access attempted")
socket.socket.connect = no_network
socket.create_connection = no_network
from bilingual_pr.translate.argos import ArgosEngine, find_model
model = find_model("fr", "en")
engine = ArgosEngine(model, max_decoding_length=6, max_batch_size=8)
calls = []
real = engine.translator
class Spy:
    def translate_batch(self, tokens, **kw):
        calls.append((len(tokens), kw["max_batch_size"], kw["beam_size"]))
        return real.translate_batch(tokens, **kw)
engine.translator = Spy()
from bilingual_pr.translate.draft import draft_sentences
sents = [f"Le Comité a adopté {n} résolutions." for n in range(20)] + ["Le Comité a adopté 0 résolutions."]
segs = draft_sentences(sents, [engine])
print(json.dumps({"calls": calls, "origins": sorted({s.origin for s in segs}),
                  "nonempty": sum(1 for s in segs if s.target),
                  "placeholder": engine.placeholder_survives("ZX1X"),
                  "loaded": sorted(m for m in ("stanza", "spacy", "minisbd", "argostranslate.translate", "torch")
                                   if m in sys.modules)}))
"""


def test_batched_engine_loads_once_and_never_needs_the_network(argos_env, tmp_path):
    _, env, _, _, _ = argos_env
    proc = subprocess.run([sys.executable, "-c", SCRIPT], env=env, cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    info = json.loads(proc.stdout.strip().splitlines()[-1])
    # 21 sentences, one duplicate: one CTranslate2 call with the 20 distinct ones.
    assert info["calls"] == [[20, 8, 4]]
    assert info["origins"] == ["mt"] and info["nonempty"] == 21
    assert info["placeholder"] is True  # the fixture text has Z, X and digits
    # Drafting never imports Argos's translate module, its sentence splitters or torch
    # (and the network was cut off throughout).
    assert info["loaded"] == []


DEFAULT_BATCH = r"""
import json
from bilingual_pr.translate.argos import ArgosEngine, find_model
engine = ArgosEngine(find_model("fr", "en"))
chosen = ArgosEngine(find_model("fr", "en"), max_batch_size=40)
print(json.dumps([engine.options["max_batch_size"], chosen.options["max_batch_size"]]))
"""


def test_cpu_batches_are_small_enough_to_keep_decoding_memory_flat(argos_env):
    # 64 sentences x beam 4 on CPU held some 250 MB of decoding buffers more than 16 did with a model of
    # Argos's real size (peak RSS 808 vs 423 MB for 200 sentences, the same CPU time: docs/translation.md).
    _, env, _, _, _ = argos_env
    proc = subprocess.run([sys.executable, "-c", DEFAULT_BATCH], env=dict(env, ARGOS_DEVICE_TYPE="cpu"), cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout.strip().splitlines()[-1]) == [16, 40]


def test_omegat_project_holds_the_mt_draft_as_an_mt_memory(argos_env, tmp_path):
    _, env, _, _, tm = argos_env
    src = tmp_path / "in.txt"
    src.write_text(DOC, encoding="utf-8")
    res = run(env, "omegat-project", src, "--source-lang", "fr", "--target-lang", "en", "--tm", tm, "-o",
              tmp_path / "proj")
    assert "MT by argos:translate-fr_en-test" in res.stderr and "no fr->en" not in res.stderr
    mt = list(read_tmx(tmp_path / "proj" / "tm" / "mt" / "penalty-10" / "in.txt.mt.tmx"))
    assert len(mt) == 4 and all(u.target for u in mt)
    assert {u.prop("x-Origin") for u in mt} == {"MachineTranslation"}
    assert {u.creationid for u in mt} == {"argos:translate-fr_en-test"}
    # The memory given has no origin of its own: proposed in tm/, never inserted.
    assert [u.source for u in read_tmx(tmp_path / "proj" / "tm" / "m.tmx")] == ["La réunion a lieu aujourd'hui."]


def test_remove_then_draft_without_a_model(argos_env, tmp_path):
    # Runs last: it removes the fr->en package.
    _, env, _, _, tm = argos_env
    assert "removed translate-fr_en-test" in run(env, "models", "remove", "fr-en").stdout
    src = tmp_path / "in.txt"
    src.write_text(DOC, encoding="utf-8")
    none = run(env, "draft", src, "--from", "fr", "--to", "en", "--tm", tm, "-o", tmp_path / "no.xlf")
    hint = [ln for ln in none.stderr.splitlines() if "models install" in ln]
    assert len(hint) == 1
    assert "need translation: s1 s3 s4" in none.stderr
    assert [u.prop("x-origin") for u in read_xliff(tmp_path / "no.xlf")] == ["untranslated", "tm-exact",
                                                                              "untranslated", "untranslated"]

