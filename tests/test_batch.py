"""``bilingual-pr batch``: pairing rules, manifests, a broken pair among good ones, resumption, the CLI."""

from __future__ import annotations

import csv
import os
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from bilingual_pr.batch import BatchOptions, run_batch
from bilingual_pr.pairing import (FileKey, Pairing, ReleasePair, discover_pairs, key_from_name, load_pairs, pair_files,
                                  parse_manifest)
from bilingual_pr.errors import UserError

ROOT = Path(__file__).resolve().parents[1]
EX_FR, EX_EN = ROOT / "examples" / "DG26-014F.fr.txt", ROOT / "examples" / "DG26-014E.en.txt"


def _release(folder: Path, fr_name: str, en_name: str, symbol: str | None = "DG26/014", shift: int = 0,
             symbol_in_text: bool = True) -> tuple[Path, Path]:
    """A variant of the bundled example: its own symbol, numbers moved by ``shift`` on both sides."""
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for src, name, letter in ((EX_FR, fr_name, "F"), (EX_EN, en_name, "E")):
        paras = src.read_text(encoding="utf-8").split("\n\n")[1:]
        text = "\n\n".join(paras)
        text = re.sub(r"(?<![\d,.])(\d{1,3})(?![\d,.])", lambda m: str(int(m.group(1)) + shift), text)
        head = f"{symbol}{letter}\n\n" if symbol and symbol_in_text else ""
        path = folder / name
        path.write_text(head + text, encoding="utf-8")
        out.append(path)
    return out[0], out[1]


# ------------------------------------------------------------------ pairing rules


@pytest.mark.parametrize("name, lang, key, label", [
    ("DG11-005F.txt", "fr", "sym:DG11-005", "DG11-005"),
    ("dg11_005e.html", "en", "sym:DG11-005", "DG11-005"),
    ("DG26-014F.fr.txt", "fr", "sym:DG26-014", "DG26-014"),
    ("PR-2024-017-E.docx", "en", "sym:PR-2024-017", "PR-2024-017"),
    ("annual report.en.txt", "en", "stem:/annual report", "annual report"),
    ("hrc58.fr.txt", "fr", "stem:/hrc58", "hrc58"),
    ("notes.txt", None, None, "notes"),
    ("Frontpage.txt", None, None, "Frontpage"),
])
def test_key_from_name(name, lang, key, label):
    k = key_from_name(Path(name))
    assert (k.lang, k.key, k.label) == (lang, key, label)


def test_pair_files_reports_what_it_cannot_pair():
    keys = [FileKey(Path("a"), "fr", "sym:X-1", "X-1"), FileKey(Path("b"), "en", "sym:X-1", "X-1"),
            FileKey(Path("c"), "fr", "sym:X-2", "X-2"),
            FileKey(Path("d"), "fr", "sym:X-3", "X-3"), FileKey(Path("e"), "fr", "sym:X-3", "X-3"),
            FileKey(Path("f"), "en", "sym:X-3", "X-3"),
            FileKey(Path("g"), None, None, "g", "cannot tell")]
    p = pair_files(keys)
    assert p.pairs == (ReleasePair("X-1", Path("a"), Path("b")),)
    reasons = {u.path.name: u.reason for u in p.unpaired}
    assert reasons["c"] == "no English counterpart for X-2"
    assert "manifest" in reasons["d"] and "manifest" in reasons["f"]
    assert reasons["g"] == "cannot tell"


def test_discover_pairs_by_symbol_name_marks_and_contents(tmp_path):
    src = tmp_path / "in"
    _release(src, "DG11-005F.txt", "DG11-005E.txt", "DG11/005")
    _release(src, "dg11_006f.txt", "DG11-006E.txt", symbol_in_text=False)  # names only, case and separator differ
    _release(src, "annual.fr.txt", "annual.en.txt", symbol=None)
    _release(src, "communique.txt", "press-release.txt", "DG12/001")  # contents only
    _release(src, "DG26-014F.fr.txt", "DG26-014E.en.txt")
    _release(src / "2025", "brief.fr.txt", "brief.en.txt", symbol=None)
    (src / "orphan.fr.txt").write_text("Une phrase.\n", encoding="utf-8")
    (src / "notes.txt").write_text("Nothing says which language this is.\n", encoding="utf-8")
    (src / ".draft.fr.txt").write_text("Caché.\n", encoding="utf-8")
    (src / "memory.tmx").write_text("<tmx/>", encoding="utf-8")
    _release(src / "out", "DG99-001F.txt", "DG99-001E.txt", "DG99/001")  # the output folder: left alone
    p = discover_pairs(src, exclude=[src / "out"])
    got = {(r.name, r.fr.name, r.en.name) for r in p.pairs}
    assert got == {("DG11-005", "DG11-005F.txt", "DG11-005E.txt"), ("DG11-006", "dg11_006f.txt", "DG11-006E.txt"),
                   ("annual", "annual.fr.txt", "annual.en.txt"),
                   ("DG12-001", "communique.txt", "press-release.txt"),
                   ("DG26-014", "DG26-014F.fr.txt", "DG26-014E.en.txt"),
                   ("2025-brief", "brief.fr.txt", "brief.en.txt")}
    reasons = {u.path.name: u.reason for u in p.unpaired}
    assert set(reasons) == {"orphan.fr.txt", "notes.txt"}
    assert "no English counterpart" in reasons["orphan.fr.txt"] and "cannot tell" in reasons["notes.txt"]


def test_manifest_with_header_names_and_relative_paths(tmp_path):
    text = "name,en,fr\nfirst,b/one.en.txt,a/one.fr.txt\n,b/DG11-005E.txt,a/DG11-005F.txt\nfirst,x.en,x.fr\n"
    p = parse_manifest(text, tmp_path)
    assert [(r.name, r.fr, r.en) for r in p.pairs] == [
        ("first", tmp_path / "a/one.fr.txt", tmp_path / "b/one.en.txt"),
        ("DG11-005", tmp_path / "a/DG11-005F.txt", tmp_path / "b/DG11-005E.txt"),
        ("first-2", tmp_path / "x.fr", tmp_path / "x.en")]
    headerless = parse_manifest("f.fr.txt,f.en.txt\n", tmp_path)
    assert headerless.pairs == (ReleasePair("f", tmp_path / "f.fr.txt", tmp_path / "f.en.txt"),)


@pytest.mark.parametrize("text, message", [("", "empty manifest"), ("fr,en\nonly-one\n", ":2: expected"),
                                           ("fr,en\n,x.en.txt\n", ":2: empty")])
def test_manifest_errors(tmp_path, text, message):
    with pytest.raises(UserError, match=message):
        parse_manifest(text, tmp_path, "m.csv")


# ------------------------------------------------------------------ running, failures, resumption


def _units(path: Path) -> set[tuple[str, str]]:
    from bilingual_pr.formats.tmx import read_tmx

    return {(u.source, u.target) for u in read_tmx(path)}


@pytest.fixture()
def releases(tmp_path):
    src = tmp_path / "in"
    for i, shift in enumerate((0, 3, 7)):
        _release(src, f"DG20-00{i + 1}F.txt", f"DG20-00{i + 1}E.txt", f"DG20/00{i + 1}", shift)
    (src / "DG20-009F.txt").write_bytes(b"\x00\x01\x02\x03binary\x00\x00" * 20)  # a broken French file
    _, en = _release(tmp_path / "spare", "x.fr.txt", "x.en.txt", "DG20/009")
    shutil.copy(en, src / "DG20-009E.txt")
    glossary = tmp_path / "glossary.tbx"
    from bilingual_pr.glossary.files import default_glossary_path

    shutil.copy(default_glossary_path(), glossary)
    return src, glossary


def test_batch_broken_pair_merged_memory_and_summary(tmp_path, releases):
    src, glossary = releases
    out = tmp_path / "out"
    result = run_batch(load_pairs(src), BatchOptions(out, glossary), jobs=1)
    assert result.counts == {"done": 3, "skipped": 0, "failed": 1}
    (bad,) = result.failed
    assert bad.pair.name == "DG20-009" and "DG20-009F.txt" in bad.error
    assert not (out / "DG20-009" / "DG20-009.stamp.json").exists()
    expected = set()
    for name in ("DG20-001", "DG20-002", "DG20-003"):
        folder = out / name
        assert {p.name for p in folder.iterdir()} >= {f"{name}.tmx", f"{name}.qa.json", f"{name}.qa.html",
                                                      f"{name}.stamp.json"}
        expected |= _units(folder / f"{name}.tmx")
    assert _units(out / "merged.tmx") == expected and result.merged_units == len(expected)
    with open(out / "summary.csv", encoding="utf-8", newline="") as fh:
        rows = {r["name"]: r for r in csv.DictReader(fh)}
    assert set(rows) == {"DG20-001", "DG20-002", "DG20-003", "DG20-009"}
    assert rows["DG20-009"]["status"] == "failed" and rows["DG20-009"]["error"]
    good = rows["DG20-002"]
    assert good["status"] == "done" and good["fr_sentences"] == "13" and int(good["pairs"]) >= 12
    assert 0.5 < float(good["mean_confidence"]) <= 1.0 and good["qa_errors"] != ""


def test_batch_resumes_and_redoes_what_changed(tmp_path, releases):
    src, glossary = releases
    out = tmp_path / "out"
    pairing = Pairing(tuple(p for p in load_pairs(src).pairs if p.name != "DG20-009"))
    first = run_batch(pairing, BatchOptions(out, glossary), jobs=1)
    assert first.counts["done"] == 3
    stamp = out / "DG20-001" / "DG20-001.stamp.json"
    before = stamp.stat().st_mtime_ns

    again = run_batch(pairing, BatchOptions(out, glossary), jobs=1)
    assert again.counts == {"done": 0, "skipped": 3, "failed": 0}
    assert stamp.stat().st_mtime_ns == before
    assert [o.stats for o in again.outcomes] == [o.stats for o in first.outcomes]  # summary rows kept
    assert again.merged_units == first.merged_units

    future = os.stat(src / "DG20-002E.txt").st_mtime + 60
    os.utime(src / "DG20-002E.txt", (future, future))
    third = run_batch(pairing, BatchOptions(out, glossary), jobs=1)
    assert {o.pair.name: o.status for o in third.outcomes} == {"DG20-001": "skipped", "DG20-002": "done",
                                                               "DG20-003": "skipped"}
    (out / "DG20-003" / "DG20-003.qa.json").unlink()  # a lost output is remade
    os.utime(glossary, (future + 60, future + 60))  # a newer glossary redoes everything
    fourth = run_batch(pairing, BatchOptions(out, glossary), jobs=1)
    assert fourth.counts["done"] == 3
    assert (out / "DG20-003" / "DG20-003.qa.json").is_file()
    changed = run_batch(pairing, BatchOptions(out, glossary, min_confidence=0.9), jobs=1)
    assert changed.counts["done"] == 3  # other options, other outputs
    forced = run_batch(pairing, BatchOptions(out, glossary, min_confidence=0.9, force=True), jobs=1)
    assert forced.counts["done"] == 3


def test_batch_cli_parallel_with_a_broken_pair(tmp_path, releases):
    from bilingual_pr.cli import main

    src, glossary = releases
    (src / "orphan.fr.txt").write_text("Une phrase seule.\n", encoding="utf-8")
    out = tmp_path / "out"
    res = CliRunner().invoke(main, ["batch", str(src), "-o", str(out), "--jobs", "2", "--glossary", str(glossary),
                                    "--no-html"])
    assert res.exit_code == 1, res.output
    assert "4 pairs: 3 aligned and checked" in res.stdout and "1 failed" in res.stdout
    assert f"merged memory: {out / 'merged.tmx'}" in res.stdout
    failed = [l for l in res.stderr.splitlines() if "failed:" in l]
    assert len(failed) == 1 and "DG20-009" in failed[0]
    assert any("orphan.fr.txt: not paired" in l for l in res.stderr.splitlines())
    assert "releases" not in res.stderr  # no progress bar when not on a terminal
    assert not (out / "DG20-001" / "DG20-001.qa.html").exists()
    res = CliRunner().invoke(main, ["batch", str(src), "-o", str(out), "--jobs", "2", "--glossary", str(glossary),
                                    "--no-html"])
    assert "0 aligned and checked, 3 up to date, 1 failed" in res.stdout  # the broken pair is retried


def test_batch_cli_manifest_and_errors(tmp_path, releases):
    from bilingual_pr.cli import main

    src, glossary = releases
    manifest = tmp_path / "list.csv"
    manifest.write_text("fr,en,name\nin/DG20-001F.txt,in/DG20-001E.txt,first\nin/nope.fr.txt,in/DG20-001E.txt,\n",
                        encoding="utf-8")
    res = CliRunner().invoke(main, ["batch", str(manifest), "-o", str(tmp_path / "o"), "-j", "1",
                                    "--glossary", str(glossary)])
    assert res.exit_code == 1
    assert "2 pairs: 1 aligned and checked" in res.stdout and "nope.fr.txt: no such file" in res.stderr
    assert (tmp_path / "o" / "first" / "first.tmx").is_file()
    res = CliRunner().invoke(main, ["batch", str(tmp_path / "missing"), "-o", str(tmp_path / "o")])
    assert res.exit_code == 2 and "no such file or folder" in res.stderr
    empty = tmp_path / "empty"
    empty.mkdir()
    res = CliRunner().invoke(main, ["batch", str(empty), "-o", str(tmp_path / "o")])
    assert res.exit_code == 2 and "no French/English pair" in res.stderr


# ------------------------------------------------------------------ speed without losing crash safety


def test_chunks_shrink_to_single_pairs_at_the_end():
    from bilingual_pr.batch import chunk_sizes

    assert chunk_sizes(0, 2) == []
    assert chunk_sizes(3, 2) == [1, 1, 1]
    for n, jobs in ((1000, 2), (300, 2), (57, 4), (5000, 8)):
        sizes = chunk_sizes(n, jobs)
        assert sum(sizes) == n and max(sizes) <= 8
        assert sizes == sorted(sizes, reverse=True)  # big chunks first, small ones last
        assert sizes[-jobs:] == [1] * jobs  # no worker waits long for another's last chunk
    assert chunk_sizes(1000, 2)[0] == 8 and len(chunk_sizes(1000, 2)) < 200  # few tasks for many pairs


@pytest.mark.linux_timing
def test_batch_syncs_one_file_a_pair_and_redoes_an_output_left_short(tmp_path, releases, monkeypatch):
    import json

    src, glossary = releases
    out = tmp_path / "out"
    pairing = Pairing(tuple(p for p in load_pairs(src).pairs if p.name != "DG20-009"))
    synced = []
    real_fsync = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: (synced.append(os.readlink(f"/proc/self/fd/{fd}")),
                                                 real_fsync(fd)))
    first = run_batch(pairing, BatchOptions(out, glossary), jobs=1)
    assert first.counts["done"] == 3
    per_pair = [Path(p).name for p in synced if "/DG20-" in p]
    assert len(per_pair) == 3 and all(".stamp.json." in name for name in per_pair)  # only the stamps
    batch_wide = [Path(p).name for p in synced if "/DG20-" not in p]
    assert any(n.startswith(".merged.tmx.") for n in batch_wide)  # the batch-wide files are synced as before
    assert any(n.startswith(".summary.csv.") for n in batch_wide)
    stamp = json.loads((out / "DG20-002" / "DG20-002.stamp.json").read_text(encoding="utf-8"))
    assert stamp["sizes"] == {name: (out / "DG20-002" / name).stat().st_size for name in stamp["outputs"]}
    assert not [p for p in out.rglob("*") if p.name.endswith(".part")]

    # An OS crash can leave a renamed but unsynced output short (empty) while the stamp survives.
    victim = out / "DG20-002" / "DG20-002.qa.json"
    victim.write_bytes(b"")
    again = run_batch(pairing, BatchOptions(out, glossary), jobs=1)
    assert {o.pair.name: o.status for o in again.outcomes} == {"DG20-001": "skipped", "DG20-002": "done",
                                                               "DG20-003": "skipped"}
    assert json.loads(victim.read_text(encoding="utf-8"))


def test_batch_trusts_a_version_1_stamp(tmp_path, releases):
    import json

    src, glossary = releases
    out = tmp_path / "out"
    pairing = Pairing(tuple(p for p in load_pairs(src).pairs if p.name == "DG20-001"))
    run_batch(pairing, BatchOptions(out, glossary), jobs=1)
    stamp = out / "DG20-001" / "DG20-001.stamp.json"
    data = json.loads(stamp.read_text(encoding="utf-8"))
    data["version"] = 1  # written before sizes were recorded, when every output was synced
    del data["sizes"]
    stamp.write_text(json.dumps(data), encoding="utf-8")
    assert run_batch(pairing, BatchOptions(out, glossary), jobs=1).counts["skipped"] == 1
    data["version"] = 2  # a version 2 stamp without sizes is not trusted
    stamp.write_text(json.dumps(data), encoding="utf-8")
    assert run_batch(pairing, BatchOptions(out, glossary), jobs=1).counts["done"] == 1


def test_parallel_batch_writes_what_the_serial_one_writes(tmp_path, releases):
    src, glossary = releases
    serial, parallel = tmp_path / "j1", tmp_path / "j2"
    run_batch(load_pairs(src), BatchOptions(serial, glossary), jobs=1)
    run_batch(load_pairs(src), BatchOptions(parallel, glossary), jobs=2)
    stamp_time = re.compile(rb"\d{8}T\d{6}Z|\d{4}-\d\d-\d\d[ T]\d\d:\d\d(:\d\d(\.\d+)?)?( UTC|Z|\+00:00)?")
    files = sorted(p.relative_to(serial) for p in serial.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(parallel) for p in parallel.rglob("*") if p.is_file())
    for rel in files:
        a, b = (stamp_time.sub(b"T", (root / rel).read_bytes()) for root in (serial, parallel))
        if rel.name.endswith(".stamp.json"):
            a, b = a.replace(str(serial).encode(), b"OUT"), b.replace(str(parallel).encode(), b"OUT")
        assert a == b, rel


def test_worker_warm_up_loads_only_the_models_a_release_needs():
    # lingua loads every n-gram model (~170 MB, ~1.7 s) for a text under 120 letters, only the
    # trigram models (~17 MB) for a longer one: a worker must start with the latter.
    import subprocess
    import sys

    code = ("import resource\nfrom bilingual_pr.language import warm_detector, detect_language\n"
            "import lingua\nbefore = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\nwarm_detector()\n"
            "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before)\n")
    grown_kib = int(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                                   timeout=120).stdout)
    assert grown_kib < 80_000


def test_serial_batches_in_one_process_use_their_own_glossary(tmp_path, releases):
    # --jobs 1 runs in the calling process, which keeps its loaded context between batches.
    import json

    src, glossary = releases
    other = tmp_path / "other.tbx"
    shutil.copy(glossary, other)
    pairing = Pairing(tuple(p for p in load_pairs(src).pairs if p.name == "DG20-001"))
    for gloss, out in ((glossary, tmp_path / "a"), (other, tmp_path / "b"), (None, tmp_path / "c")):
        run_batch(pairing, BatchOptions(out, gloss), jobs=1)
        report = json.loads((out / "DG20-001" / "DG20-001.qa.json").read_text(encoding="utf-8"))
        assert report["input"].get("glossary") == (str(gloss) if gloss else None)


@pytest.mark.linux_timing
@pytest.mark.parametrize("sig", ["SIGINT", "SIGTERM"])
def test_signal_to_the_whole_group_stops_a_parallel_batch_cleanly(tmp_path, sig):
    import signal
    import subprocess
    import sys
    import time

    for i in range(120):
        _release(tmp_path / "in", f"R{i:03d}.fr.txt", f"R{i:03d}.en.txt", symbol=f"DG26/{i:03d}", shift=i)
    proc = subprocess.Popen([sys.executable, "-m", "bilingual_pr", "batch", str(tmp_path / "in"), "-o",
                             str(tmp_path / "out"), "--jobs", "2"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + 60
    stamps: list[Path] = []
    # Wait until the workers are running pairs (a few stamps written), then hit the whole group.
    while len(stamps) < 3 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
        stamps = list((tmp_path / "out").rglob("*.stamp*")) if (tmp_path / "out").exists() else []
    if proc.poll() is not None:
        pytest.fail(f"batch ended before it could be interrupted: {proc.communicate()[1][-300:]!r}")
    children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children").read_text().split()
    os.killpg(proc.pid, getattr(signal, sig))
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 128 + getattr(signal, sig), err
    message = err.decode().strip().splitlines()
    assert len(message) == 1 and "Traceback" not in message[0], message
    time.sleep(0.5)
    assert not [pid for pid in children if Path(f"/proc/{pid}").exists()]
