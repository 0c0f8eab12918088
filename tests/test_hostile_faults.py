"""Faults around the tool: a full disk, two batches on one folder, a broken input found late, a killed parent."""

from __future__ import annotations

import csv
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from bilingual_pr import fileio
from bilingual_pr.cli import main

ROOT = Path(__file__).resolve().parents[1]
EX_FR, EX_EN = ROOT / "examples" / "DG26-014F.fr.txt", ROOT / "examples" / "DG26-014E.en.txt"


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT / "src")}


def _releases(folder: Path, n: int) -> Path:
    """``n`` release pairs: the bundled example under n document symbols."""
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(1, n + 1):
        for src, letter in ((EX_FR, "F"), (EX_EN, "E")):
            body = src.read_text(encoding="utf-8").split("\n\n", 1)[1]
            (folder / f"DG20-{i:03d}{letter}.txt").write_text(f"DG20/{i:03d}{letter}\n\n{body}", encoding="utf-8")
    return folder


def _full_disk_for(monkeypatch, marker: str) -> None:
    """Outputs whose name contains ``marker`` are written to /dev/full: every flush fails with ENOSPC."""
    real = tempfile.mkstemp

    def mkstemp(*args, **kwargs):
        fd, tmp = real(*args, **kwargs)
        if marker in str(kwargs.get("prefix", "")):
            os.close(fd)
            fd = os.open("/dev/full", os.O_WRONLY)
        return fd, tmp

    monkeypatch.setattr(fileio.tempfile, "mkstemp", mkstemp)


# ------------------------------------------------------------------ a full disk


def test_a_full_disk_names_the_file_it_could_not_write(tmp_path: Path, monkeypatch) -> None:
    _full_disk_for(monkeypatch, "segments.txt")
    out = tmp_path / "segments.txt"
    res = CliRunner().invoke(main, ["segment", str(EX_FR), "--lang", "fr", "-o", str(out)])
    assert res.exit_code == 2, res.output
    assert res.stderr.count("\n") == 1 and "internal error" not in res.stderr
    assert f"{out}: cannot write" in res.stderr and "No space left on device" in res.stderr
    assert not out.exists() and not list(tmp_path.iterdir())  # no .part left either


def test_batch_on_a_full_disk_lists_the_failed_pair_and_writes_the_summary(tmp_path: Path, monkeypatch) -> None:
    src = _releases(tmp_path / "in", 3)
    out = tmp_path / "out"
    _full_disk_for(monkeypatch, "DG20-002.tmx")
    res = CliRunner().invoke(main, ["batch", str(src), "-o", str(out), "-j", "1", "--no-glossary", "--no-html"])
    assert res.exit_code == 1, res.output
    assert "3 pairs: 2 aligned and checked" in res.stdout and "internal error" not in res.stderr
    with open(out / "summary.csv", encoding="utf-8", newline="") as fh:
        rows = {r["name"]: r for r in csv.DictReader(fh)}
    assert {n: r["status"] for n, r in rows.items()} == {"DG20-001": "done", "DG20-002": "failed",
                                                          "DG20-003": "done"}
    assert str(out / "DG20-002" / "DG20-002.tmx") in rows["DG20-002"]["error"]
    assert "No space left on device" in rows["DG20-002"]["error"]


def test_batch_that_cannot_write_its_merged_memory_still_writes_the_summary(tmp_path: Path, monkeypatch) -> None:
    src = _releases(tmp_path / "in", 2)
    out = tmp_path / "out"
    _full_disk_for(monkeypatch, "merged.tmx")
    res = CliRunner().invoke(main, ["batch", str(src), "-o", str(out), "-j", "1", "--no-glossary", "--no-html"])
    assert res.exit_code == 2, res.output
    assert res.stderr.count("\n") == 1 and f"{out / 'merged.tmx'}: cannot write" in res.stderr
    with open(out / "summary.csv", encoding="utf-8", newline="") as fh:
        assert [r["status"] for r in csv.DictReader(fh)] == ["done", "done"]


@pytest.fixture()
def small_tmpfs(tmp_path: Path):
    """A real 64 KiB file system (needs the right to mount: skipped elsewhere)."""
    mnt = tmp_path / "small"
    mnt.mkdir()
    if not sys.platform.startswith("linux") or shutil.which("mount") is None:
        pytest.skip("needs Linux mount(8)")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mnt)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode(errors='replace').strip()}")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", str(mnt)], check=False)


def test_a_really_full_file_system_names_the_output(tmp_path: Path, small_tmpfs: Path) -> None:
    rows = "".join(f'<tu><tuv xml:lang="fr-FR"><seg>Phrase {i} du communiqué du Conseil.</seg></tuv>'
                   f'<tuv xml:lang="en-GB"><seg>Sentence {i} of the Council release.</seg></tuv></tu>\n'
                   for i in range(3000))
    big = tmp_path / "big.tmx"
    big.write_text('<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4"><header srclang="fr-FR" '
                   'creationtool="t" creationtoolversion="1" segtype="sentence" o-tmf="t" adminlang="en" '
                   f'datatype="plaintext"/><body>\n{rows}</body></tmx>\n', encoding="utf-8")
    out = small_tmpfs / "merged.tmx"
    res = subprocess.run([sys.executable, "-m", "bilingual_pr", "tmx", "merge", str(big), "-o", str(out)],
                         capture_output=True, text=True, env=_env(), timeout=120)
    assert res.returncode == 2, res.stderr
    assert res.stderr.count("\n") == 1 and f"{out}: cannot write" in res.stderr
    assert "internal error" not in res.stderr
    assert not list(small_tmpfs.iterdir())


def test_a_full_disk_under_a_scratch_file_is_one_line_too() -> None:
    from bilingual_pr.errors import UserError

    with pytest.raises(UserError, match=r"^/dev/full: cannot write: No space left on device$"):
        fileio.write_scratch("/dev/full", [b"x" * 10])


# ------------------------------------------------------------------ two batches on one folder


@pytest.mark.slow
def test_a_second_batch_on_the_same_folder_is_refused(tmp_path: Path) -> None:
    src = _releases(tmp_path / "in", 300)
    out = tmp_path / "out"
    first = subprocess.Popen([sys.executable, "-m", "bilingual_pr", "batch", str(src), "-o", str(out), "-j", "1",
                              "--no-glossary", "--no-html"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             env=_env())
    try:
        deadline = time.monotonic() + 60
        while not list(out.glob("*/*.stamp.json")) and first.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        if first.poll() is not None:
            pytest.fail(f"the first batch ended too soon: {first.communicate()[1][-300:]!r}")
        # The first batch holds the folder now (its first pairs are done, the others to come).
        second = subprocess.run([sys.executable, "-m", "bilingual_pr", "batch", str(src), "-o", str(out), "-j", "1",
                                 "--no-glossary", "--no-html"], capture_output=True, text=True, env=_env(),
                                timeout=300)
    finally:
        _, err = first.communicate(timeout=300)
    assert second.returncode == 2, second.stderr
    assert second.stderr.count("\n") == 1 and "another batch" in second.stderr and str(out) in second.stderr
    assert first.returncode == 0, err
    with open(out / "summary.csv", encoding="utf-8", newline="") as fh:
        assert {r["status"] for r in csv.DictReader(fh)} == {"done"}
    # The lock goes with the run that held it.
    again = subprocess.run([sys.executable, "-m", "bilingual_pr", "batch", str(src), "-o", str(out), "-j", "1",
                            "--no-glossary", "--no-html"], capture_output=True, text=True, env=_env(), timeout=120)
    assert again.returncode == 0 and "300 up to date" in again.stdout, again.stderr


# ------------------------------------------------------------------ a broken input found late


@pytest.mark.parametrize("broken", [
    b'<?xml version="1.0"?><tmx version="1.4"><header srclang="fr-FR"/><body><tu><tuv xml:lang="fr-FR">',
    b"pas du tout du XML\n",
])
def test_run_with_a_broken_memory_writes_nothing(tmp_path: Path, broken: bytes) -> None:
    good = tmp_path / "good.tmx"
    good.write_text('<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4"><header srclang="fr-FR" '
                    'creationtool="t" creationtoolversion="1" segtype="sentence" o-tmf="t" adminlang="en" '
                    'datatype="plaintext"/><body><tu><tuv xml:lang="fr-FR"><seg>Bonjour.</seg></tuv>'
                    '<tuv xml:lang="en-GB"><seg>Hello.</seg></tuv></tu></body></tmx>\n', encoding="utf-8")
    bad = tmp_path / "broken.tmx"
    bad.write_bytes(broken)
    out = tmp_path / "out"
    res = CliRunner().invoke(main, ["run", str(EX_FR), str(EX_EN), "-o", str(out), "--no-mt",
                                    "--tm", str(good), "--tm", str(bad)])
    assert res.exit_code == 2, res.output
    assert res.stderr.count("\n") == 1 and "broken.tmx" in res.stderr
    assert not out.exists() or not list(out.iterdir())


# ------------------------------------------------------------------ the parent killed (kill -9)


def _big_tmx(path: Path, units: int) -> Path:
    head = ('<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4"><header srclang="fr-FR" creationtool="t" '
            'creationtoolversion="1" segtype="sentence" o-tmf="t" adminlang="en" datatype="plaintext"/><body>\n')
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(head)
        for start in range(0, units, 10_000):
            fh.write("".join(f'<tu><tuv xml:lang="fr-FR"><seg>Phrase {i} du communiqué du Conseil sur la session.'
                             f'</seg></tuv><tuv xml:lang="en-GB"><seg>Sentence {i} of the Council release on the '
                             f'session.</seg></tuv></tu>\n' for i in range(start, min(units, start + 10_000))))
        fh.write("</body></tmx>\n")
    return path


def _children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _alive(pid: int) -> bool:
    try:
        # A zombie (state Z) has ended: only its exit status waits for a parent to read it.
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _kill_parent_once_working(args: list[str], env: dict[str, str], ready, workers_wanted: int) -> list[int]:
    """Start the CLI, wait for its workers and ``ready()``, SIGKILL it; return the workers' pids."""
    proc = subprocess.Popen([sys.executable, "-m", "bilingual_pr", *args], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, env=env)
    deadline = time.monotonic() + 120
    workers: list[int] = []
    while proc.poll() is None and time.monotonic() < deadline:
        workers = _children(proc.pid)
        if len(workers) >= workers_wanted and ready():
            break
        time.sleep(0.02)
    if proc.poll() is not None or len(workers) < workers_wanted:
        proc.kill()
        pytest.fail(f"the command ended before its workers could be seen: {proc.communicate()[1][-300:]!r}")
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
    proc.stderr.close()
    return workers


def _gone_within(pids: list[int], seconds: float) -> list[int]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and any(_alive(p) for p in pids):
        time.sleep(0.05)
    left = [p for p in pids if _alive(p)]
    for p in left:  # do not leave them behind whatever the verdict
        os.kill(p, signal.SIGKILL)
    return left


linux_timing = pytest.mark.linux_timing


@linux_timing
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("command", ["stats", "export", "check"])
def test_killed_tmx_command_takes_its_workers_and_the_next_run_sweeps_its_scratch(tmp_path: Path,
                                                                                 command: str) -> None:
    big = _big_tmx(tmp_path / "big.tmx", 160_000)  # about 28 MB: read in pieces by the workers
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    env = {**_env(), "TMPDIR": str(scratch)}
    if command == "check":
        args, kind, wanted = ["check", str(big), "-j", "2", "--fail-on", "never"], "qa", 2
    else:
        # -j 2: this process reads pieces too, beside one worker.
        args, kind, wanted = ["tmx", command, str(big), "-j", "2"], "read", 1
        args += ["-o", str(tmp_path / "out.tsv")] if command == "export" else []
    workers = _kill_parent_once_working(args, env, lambda: any(scratch.glob(f"bilingual-pr-{kind}-*")), wanted)
    assert not _gone_within(workers, 5), "workers outlived their killed parent"
    stale = list(scratch.glob(f"bilingual-pr-{kind}-*"))
    assert stale  # what the killed run left behind
    small = _big_tmx(tmp_path / "small.tmx", 60_000)  # about 10 MB: still read in parallel
    done = subprocess.run([sys.executable, "-m", "bilingual_pr", "tmx", "stats", str(small), "-j", "2"],
                          capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    assert not [p for p in stale if p.exists()], "the next run left the dead run's scratch folder"
    assert not list(scratch.iterdir())


@linux_timing
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_killed_batch_takes_its_workers_and_releases_the_folder(tmp_path: Path) -> None:
    src = _releases(tmp_path / "in", 200)
    out = tmp_path / "out"
    args = ["batch", str(src), "-o", str(out), "-j", "2", "--no-glossary", "--no-html"]
    workers = _kill_parent_once_working(args, _env(), lambda: any(out.glob("*/*.stamp.json")), 2)
    assert not _gone_within(workers, 5), "workers outlived their killed parent"
    again = subprocess.run([sys.executable, "-m", "bilingual_pr", *args], capture_output=True, text=True,
                           env=_env(), timeout=600)
    assert again.returncode == 0, again.stderr
    assert "200 pairs:" in again.stdout
