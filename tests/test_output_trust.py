"""Numbers that add up and units that can be traced (issue 16, item 5).

The counts printed by ``run`` and ``batch`` and written to run.json, summary.csv and the
review page are the units the TMX files hold (counted here by reading them back); every TMX
unit has a stable ``tuid`` (release:bead number) that the review page and the QA reports
carry; an effort estimate with nothing drafted is not given; Ctrl-C says how far it got.
The release texts below were written for these tests.
"""

from __future__ import annotations

import csv
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from bilingual_pr.cli import main

ROOT = Path(__file__).resolve().parents[1]

# The English has one sentence more (the catalogue): a 0-1 bead, aligned with nothing.
FR = """DG27/101F

LE CERN ET L'ONUG OUVRENT UNE EXPOSITION COMMUNE

GENÈVE (12 janvier 2027) – Le CERN et l'Office des Nations Unies à Genève ont inauguré aujourd'hui une exposition consacrée à la coopération scientifique internationale.

L'exposition présente 48 photographies et 12 instruments historiques prêtés par des laboratoires de 23 pays.

Elle restera ouverte au public jusqu'au 30 avril 2027, du lundi au vendredi.

L'entrée est gratuite.

Ce document est destiné à l'information des médias ; il ne constitue pas un document officiel.
"""
EN = """DG27/101E

CERN AND UNOG OPEN A JOINT EXHIBITION

GENEVA (12 January 2027) – CERN and the United Nations Office at Geneva today opened an exhibition devoted to international scientific cooperation.

The exhibition shows 48 photographs and 12 historical instruments lent by laboratories from 23 countries.

A catalogue of the exhibition has been published in six languages by the Geneva University Press.

It will remain open to the public until 30 April 2027, Monday to Friday.

Admission is free of charge.

For use of the information media; not an official record.
"""
# A high threshold sends some pairs to review (without embeddings the scores stay below 1).
STRICT = "0.995"
COUNTS = re.compile(r"(\d+) pairs? in the memory, (\d+) pairs? below ([\d.]+) to review, "
                    r"(\d+) sentences? with no counterpart")


@pytest.fixture()
def no_model(monkeypatch):
    """No Argos model and no e5 embeddings: fast and deterministic."""
    import bilingual_pr.align.embeddings as emb
    import bilingual_pr.translate.argos as argos

    monkeypatch.setattr(argos, "find_model", lambda src, tgt: None)
    monkeypatch.setattr(emb, "embeddings_available", lambda: False)


@pytest.fixture()
def release(tmp_path) -> tuple[Path, Path]:
    folder = tmp_path / "in"
    folder.mkdir()
    fr, en = folder / "DG27-101F.fr.txt", folder / "DG27-101E.en.txt"
    fr.write_text(FR, encoding="utf-8")
    en.write_text(EN, encoding="utf-8")
    return fr, en


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def units(path: Path) -> list:
    from bilingual_pr.formats.tmx import read_tmx

    return list(read_tmx(path)) if path.exists() else []


def run_release(out: Path, fr: Path, en: Path, *more) -> tuple[str, dict]:
    res = invoke("run", fr, en, "-o", out, "--no-mt", "--min-confidence", STRICT, "--review", out / "review.html",
                 *more)
    assert res.exit_code == 0, res.output
    return res.stdout, json.loads((out / "DG27-101.run.json").read_text(encoding="utf-8"))


# ------------------------------------------------------------------ counts that add up


def test_run_counts_are_the_units_of_the_files(tmp_path, release, no_model):
    from bilingual_pr.xmlsafe import parse_html_bytes

    out = tmp_path / "o"
    stdout, summary = run_release(out, *release)
    memory, review = units(out / "DG27-101.tmx"), units(out / "DG27-101.review.tmx")
    assert memory and review  # both files have units: the test means something
    found = COUNTS.search(stdout)
    assert found, stdout
    printed = tuple(int(found.group(i)) for i in (1, 2, 4))
    assert found.group(3) == STRICT  # the threshold as given, not rounded to 0.99
    assert printed == (len(memory), len(review), 1)
    stats = summary["stats"]
    assert (stats["in_memory"], stats["needs_review"], stats["no_counterpart"]) == printed
    assert stats["pairs"] == sum(printed) == 8
    page = parse_html_bytes((out / "review.html").read_bytes())
    shown = {k: int(page.get_element_by_id(f"{k}-count").text) for k in ("memory", "review", "no-counterpart")}
    assert (shown["memory"], shown["review"], shown["no-counterpart"]) == printed
    one_sided = [r for r in page.xpath("//tr[@data-bead='0-1' or @data-bead='1-0']")]
    assert len(one_sided) == 1 and "no counterpart" in one_sided[0].text_content()


def test_batch_summary_counts_are_the_units_of_the_files(tmp_path, release, no_model):
    out = tmp_path / "b"
    res = invoke("batch", release[0].parent, "-o", out, "--jobs", "1", "--min-confidence", STRICT, "--no-html")
    assert res.exit_code == 0, res.output
    rows = list(csv.DictReader((out / "summary.csv").open(encoding="utf-8")))
    assert len(rows) == 1
    row = rows[0]
    folder = out / row["name"]
    memory, review = units(folder / f"{row['name']}.tmx"), units(folder / f"{row['name']}.review.tmx")
    assert review
    counts = (len(memory), len(review), 1)
    assert (int(row["in_memory"]), int(row["needs_review"]), int(row["no_counterpart"])) == counts
    assert int(row["pairs"]) == sum(counts)
    found = COUNTS.search(res.stdout)
    assert found and tuple(int(found.group(i)) for i in (1, 2, 4)) == counts, res.stdout


# ------------------------------------------------------------------ tuids


def test_every_unit_has_a_stable_tuid_the_review_page_and_qa_reports_carry(tmp_path, release, no_model):
    from bilingual_pr.formats.tmx import validate_tmx
    from bilingual_pr.xmlsafe import parse_html_bytes

    fr, en = release
    # A changed number gives the QA check a finding to trace.
    en.write_text(EN.replace("48 photographs", "46 photographs"), encoding="utf-8")
    first, second = tmp_path / "one", tmp_path / "two"
    run_release(first, fr, en)
    run_release(second, fr, en)
    tuids = {}
    for folder in (first, second):
        got = []
        for name in ("DG27-101.tmx", "DG27-101.review.tmx"):
            assert validate_tmx(folder / name).valid, name
            got.append([(u.tuid, u.source) for u in units(folder / name)])
        tuids[folder] = got
    assert tuids[first] == tuids[second]  # the same input gives the same tuids
    both = tuids[first][0] + tuids[first][1]
    numbers = [int(t.split(":")[1]) for t, _ in both]
    assert all(re.fullmatch(r"DG27-101:\d+", t) for t, _ in both)
    assert len(set(numbers)) == len(numbers)
    for part in tuids[first]:  # bead order within each file
        assert [int(t.split(":")[1]) for t, _ in part] == sorted(int(t.split(":")[1]) for t, _ in part)
    # The one-sided bead has a number but no unit: 8 beads, 7 tuids, the gap at the catalogue.
    assert sorted(numbers) == [n for n in range(1, 9) if n != 5]

    # The review page: the row numbered N shows the tuid DG27-101:N and holds that unit's text.
    page = parse_html_bytes((first / "review.html").read_bytes())
    for tuid, source in both:
        row = page.xpath(f"//tr[@data-tuid='{tuid}']")
        assert len(row) == 1 and row[0].get("id") == f"p{tuid.split(':')[1]}" and tuid in row[0].text_content()
        assert " ".join(row[0].xpath("string(td[contains(@class, 'src')])").split()) == source

    # The QA reports of the run name the tuid of the unit with the finding.
    by_source = {s: t for t, s in both}
    qa = json.loads((first / "DG27-101.qa.json").read_text(encoding="utf-8"))
    numbers_found = [f for f in qa["findings"] if f["check"] == "number-mismatch"]
    assert numbers_found
    for f in numbers_found:
        assert f["unit"]["tuid"] == by_source[" ".join(f["source"]["text"].split())]
        assert f["unit"]["tuid"] == f"DG27-101:{f['unit']['index'] + 1}"  # index is 0-based, the tuid 1-based
    html_text = (first / "DG27-101.qa.html").read_text(encoding="utf-8")
    assert f"tuid {numbers_found[0]['unit']['tuid']}" in html_text

    # Checking the written TMX: the findings carry the TMX's tuid (CSV column, JSON field).
    tmx = first / ("DG27-101.tmx" if any(t == numbers_found[0]["unit"]["tuid"] for t, _ in tuids[first][0])
                   else "DG27-101.review.tmx")
    res = invoke("check", tmx, "--report", tmp_path / "c.csv", "--report", tmp_path / "c.json")
    assert res.exit_code == 1, res.output
    rows = list(csv.DictReader((tmp_path / "c.csv").open(encoding="utf-8-sig")))
    mism = [r for r in rows if r["check"] == "number-mismatch"]
    assert mism and all(r["tuid"] == numbers_found[0]["unit"]["tuid"] for r in mism)
    checked = json.loads((tmp_path / "c.json").read_text(encoding="utf-8"))
    assert {f["unit"]["tuid"] for f in checked["findings"] if f["check"] == "number-mismatch"} == \
        {numbers_found[0]["unit"]["tuid"]}


def test_check_without_tuids_leaves_the_tuid_empty(tmp_path):
    tsv = tmp_path / "pairs.tsv"
    tsv.write_text("Le budget est de 12 millions.\tThe budget is 13 million.\tu7\n", encoding="utf-8")
    res = invoke("check", tsv, "--report", tmp_path / "c.csv", "--report", tmp_path / "c.json")
    assert res.exit_code == 1, res.output
    rows = list(csv.DictReader((tmp_path / "c.csv").open(encoding="utf-8-sig")))
    assert rows and all(r["tuid"] == "" and r["unit_id"] == "u7" for r in rows)
    checked = json.loads((tmp_path / "c.json").read_text(encoding="utf-8"))
    assert all(f["unit"]["tuid"] is None for f in checked["findings"])


def test_align_writes_tuids_and_merged_memory_keeps_unique_ones(tmp_path, release, no_model):
    from bilingual_pr.batch import BatchOptions, load_pairs, run_batch

    fr, en = release
    res = invoke("align", fr, en, "-o", tmp_path / "a.tmx", "--min-confidence", STRICT, "--no-embeddings")
    assert res.exit_code == 0, res.output
    aligned = units(tmp_path / "a.tmx") + units(tmp_path / "a.review.tmx")
    assert aligned and all(re.fullmatch(r"DG27-101:\d+", u.tuid) for u in aligned)

    # Two releases with the same boilerplate: merged.tmx keeps one unit per pair, each tuid once.
    second = fr.parent / "DG27-102F.fr.txt", fr.parent / "DG27-102E.en.txt"
    second[0].write_text(FR.replace("DG27/101", "DG27/102").replace("48", "51"), encoding="utf-8")
    second[1].write_text(EN.replace("DG27/101", "DG27/102").replace("48", "51"), encoding="utf-8")
    result = run_batch(load_pairs(fr.parent), BatchOptions(tmp_path / "b", None), jobs=1)
    merged = units(tmp_path / "b" / "merged.tmx")
    assert merged and result.merged_units == len(merged)
    ids = [u.tuid for u in merged]
    assert all(ids) and len(set(ids)) == len(ids)
    per_release = {u.tuid for name in ("DG27-101", "DG27-102")
                   for u in units(tmp_path / "b" / name / f"{name}.tmx")}
    assert set(ids) <= per_release
    assert {t.split(":")[0] for t in ids} == {"DG27-101", "DG27-102"}


@pytest.mark.translate_toolkit
def test_translate_toolkit_reads_the_tuids_run_writes(tmp_path, release, no_model):
    from interop import unavailable

    try:
        from translate.storage import tmx as ttk_tmx
    except ImportError:
        unavailable("translate-toolkit not installed (pip install translate-toolkit)")
    run_release(tmp_path / "o", *release)
    path = tmp_path / "o" / "DG27-101.tmx"
    with open(path, "rb") as fh:
        store = ttk_tmx.tmxfile(fh)
    assert [u.getid() for u in store.units] == [u.tuid for u in units(path)]


@pytest.mark.omegat
def test_omegat_applies_a_memory_with_tuids(tmp_path, release, no_model):
    from interop.omegat import build_project, require_omegat, run_omegat

    require_omegat()
    run_release(tmp_path / "o", *release)
    memory = units(tmp_path / "o" / "DG27-101.tmx")
    project = build_project(tmp_path / "project", sources={"r.utf8": "\n".join(u.source for u in memory) + "\n"},
                            tm_auto={"r.tmx": tmp_path / "o" / "DG27-101.tmx"})
    result = run_omegat(project)
    assert result.target_lines("r.utf8") == [u.target for u in memory], result.log_problems
    assert "TF_TM_LOAD_ERROR" not in result.log_problems


# ------------------------------------------------------------------ effort


def test_effort_is_not_estimated_when_nothing_was_drafted(tmp_path, release, no_model):
    stdout, summary = run_release(tmp_path / "o", *release)
    assert "post-editing effort: not estimated: nothing was drafted" in stdout
    assert "mean edit distance" not in stdout and "need no edit" not in stdout
    assert summary["effort"] is None and summary["effort_not_estimated"] == "nothing was drafted"


def test_effort_is_estimated_when_a_memory_drafts(tmp_path, release, no_model):
    first = tmp_path / "first"
    run_release(first, *release)
    stdout, summary = run_release(tmp_path / "second", *release, "--tm", first / "DG27-101.tmx")
    assert "not estimated" not in stdout and "mean edit distance" in stdout
    assert summary["effort"]["compared"] > 0 and summary["effort_not_estimated"] is None


# ------------------------------------------------------------------ Ctrl-C


# A run of the long release below (6,000 sentence pairs) takes about 3.4 s of CPU on the
# development machine, well under 1 s of which is start-up: stopping it after 1.2 s of its own
# CPU time lands in the middle of its work however busy the machine is (and on one twice faster).
RUN_CPU_S = 1.2


def _cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def _long_release(folder: Path, n: int) -> tuple[Path, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    fr_lines, en_lines = ["DG27/300F", ""], ["DG27/300E", ""]
    for i in range(n):
        fr_lines += [f"La séance numéro {i} du Conseil s'est tenue le {1 + i % 28} mars au Palais des Nations.",
                     f"Elle a réuni {10 + i} délégations et {3 + i % 7} organisations observatrices.", ""]
        en_lines += [f"Meeting number {i} of the Council took place on {1 + i % 28} March at the Palais des Nations.",
                     f"It brought together {10 + i} delegations and {3 + i % 7} observer organizations.", ""]
    fr, en = folder / "DG27-300F.fr.txt", folder / "DG27-300E.en.txt"
    fr.write_text("\n".join(fr_lines), encoding="utf-8")
    en.write_text("\n".join(en_lines), encoding="utf-8")
    return fr, en


def _interrupt_when(proc: subprocess.Popen, ready, what: str) -> str:
    deadline = time.monotonic() + 60
    while not ready() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    if proc.poll() is not None:
        pytest.fail(f"{what} ended before it could be interrupted: {proc.communicate()[1][-300:]!r}")
    os.killpg(proc.pid, signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    lines = err.decode().strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in lines[0], lines
    return lines[0]


def _start(args: list[str], cwd: Path) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    return subprocess.Popen([sys.executable, "-m", "bilingual_pr", *args], cwd=cwd, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))


@pytest.mark.linux_timing
def test_interrupted_run_says_which_stage_and_leaves_no_half_written_file(tmp_path):
    from bilingual_pr.pipeline import RUN_STAGES

    fr, en = _long_release(tmp_path / "in", 6000)
    out = tmp_path / "out"
    proc = _start(["run", str(fr), str(en), "-o", str(out), "--no-mt", "--no-embeddings", "--no-glossary"], tmp_path)
    # Past the imports, into the work: then Ctrl-C (any stage will do, the message must name it).
    message = _interrupt_when(proc, lambda: _cpu_seconds(proc.pid) >= RUN_CPU_S, "run")
    found = re.search(r"error: interrupted while (.+) \(stage (\d) of (\d)\); no output is half-written; "
                      r"rerun the same command", message)
    assert found, message
    assert found.group(1) in RUN_STAGES and int(found.group(3)) == len(RUN_STAGES)
    assert RUN_STAGES.index(found.group(1)) + 1 == int(found.group(2))
    leftovers = [p.name for p in out.rglob("*") if p.name.startswith(".") or p.suffix == ".tmp"] \
        if out.exists() else []
    assert not leftovers


@pytest.mark.linux_timing
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_interrupted_batch_says_how_many_pairs_are_done_and_the_rerun_resumes(tmp_path, jobs):
    folder = tmp_path / "in"
    for i in range(40):
        fr, en = _long_release(folder / f"r{i}", 6)
        fr.rename(folder / f"r{i}" / f"DG27-{400 + i}F.fr.txt")
        en.rename(folder / f"r{i}" / f"DG27-{400 + i}E.en.txt")
    out = tmp_path / "out"
    args = ["batch", str(folder), "-o", str(out), "--jobs", jobs, "--no-glossary", "--no-html"]
    proc = _start(args, tmp_path)
    message = _interrupt_when(proc, lambda: len(list(out.rglob("*.stamp.json"))) >= 3 if out.exists() else False,
                              "batch")
    found = re.search(r"error: interrupted: (\d+) of 40 pairs done; rerun the same command to resume", message)
    assert found, message
    done = int(found.group(1))
    assert 3 <= done < 40 and len(list(out.rglob("*.stamp.json"))) == done
    rerun = subprocess.run([sys.executable, "-m", "bilingual_pr", *args], cwd=tmp_path, capture_output=True,
                           text=True, env=dict(os.environ, PYTHONPATH=str(ROOT / "src")), timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    assert f"{40 - done} aligned and checked" in rerun.stdout and f"{done} up to date" in rerun.stdout


def test_release_names_stay_unique_when_a_numbered_name_is_already_taken(tmp_path):
    from bilingual_pr.pairing import parse_manifest

    # Two releases named X and a third named X-2: the second X must not become X-2 as well
    # (one output folder for two releases, the same tuids twice in merged.tmx).
    pairing = parse_manifest("fr,en,name\na.fr.txt,a.en.txt,X\nb.fr.txt,b.en.txt,X\nc.fr.txt,c.en.txt,X-2\n"
                             "d.fr.txt,d.en.txt,x\n", tmp_path)
    names = [p.name for p in pairing.pairs]
    assert names[0] == "X" and names[2] == "X-2"
    assert len({n.casefold() for n in names}) == len(names), names


def test_a_finding_about_two_units_names_both_tuids(tmp_path):
    from bilingual_pr.formats.tmx import write_tmx
    from bilingual_pr.formats.units import TmxHeader, TranslationUnit

    fr = "La séance est levée."
    tmx = tmp_path / "m.tmx"
    write_tmx(tmx, [TranslationUnit(fr, "The meeting is adjourned.", "fr-FR", "en-GB", tuid="DG27-200:3"),
                    TranslationUnit("Le Conseil se réunit.", "The Council meets.", "fr-FR", "en-GB",
                                    tuid="DG27-200:4"),
                    TranslationUnit(fr, "The meeting rose.", "fr-FR", "en-GB", tuid="DG27-201:7")],
              TmxHeader(srclang="fr-FR"))
    res = invoke("check", tmx, "--report", tmp_path / "c.csv", "--report", tmp_path / "c.json",
                 "--report", tmp_path / "c.html")
    assert res.exit_code == 0, res.output  # a warning: under the default --fail-on error
    checked = json.loads((tmp_path / "c.json").read_text(encoding="utf-8"))
    found = [f for f in checked["findings"] if f["check"] == "inconsistent-target"]
    assert found
    pairs = {(f["unit"]["tuid"], tuple(f["related_tuids"])) for f in found}
    assert pairs <= {("DG27-200:3", ("DG27-201:7",)), ("DG27-201:7", ("DG27-200:3",))}, pairs
    rows = [r for r in csv.DictReader((tmp_path / "c.csv").open(encoding="utf-8-sig"))
            if r["check"] == "inconsistent-target"]
    assert {(r["tuid"], r["related_tuids"]) for r in rows} == {(t, " ".join(rel)) for t, rel in pairs}
    html_text = (tmp_path / "c.html").read_text(encoding="utf-8")
    for tuid in ("DG27-200:3", "DG27-201:7"):
        assert f"(tuid {tuid})" in html_text
