"""Whole-process measuring shared by the benches: a command as a user runs it, next to an anchor tool's.

Each child's own resource usage (not the bench's, not earlier children's): wall, user, system, peak
RSS, minor page faults. GNU time (``/usr/bin/time``) runs the command and reports them: ``os.wait4``
on a child the bench started itself reports at least the bench's own RSS, because Linux keeps the
forking process's high-water mark across ``exec`` (a ``perl -e 1`` started from a 300 MB Python
process "peaks" at 310 MB that way, at 5 MB through GNU time). Without GNU time the bench falls back
to ``os.wait4`` and says that peak RSS then has its own RSS as a floor. ``compare`` runs ours and the anchors alternately
(ours, anchor 1, anchor 2, ours, ...) so a busy machine slows them alike, prints every run, the
medians and the ratios ours/anchor. CPU time (user + system), peak RSS and faults are robust on a
shared machine; wall time depends on its load.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Anchors that are no project dependency live here (pip install --target /tmp/h15-tools pysbd ...).
TOOLS = os.environ.get("BENCH_TOOLS", "/tmp/h15-tools")
GNU_TIME = shutil.which("time", path="/usr/bin:/bin")
_TIME_FORMAT = "%U %S %M %R"


@dataclass(frozen=True)
class Usage:
    wall: float
    user: float
    sys: float
    rss_mb: float
    minflt: float

    @property
    def cpu(self) -> float:
        return self.user + self.sys


@dataclass(frozen=True)
class Command:
    """One command line to time: its label, argv, extra PYTHONPATH entries, accepted exit codes, stdin file."""

    label: str
    argv: Sequence[str]
    pythonpath: Sequence[str] = ()
    ok: Sequence[int] = (0,)
    stdin: Path | None = None


def ours(*args: str, label: str = "ours") -> Command:
    """``bilingual-pr ARGS`` run from this worktree's sources with the bench's interpreter."""
    return Command(label, [sys.executable, "-m", "bilingual_pr", *args], (str(ROOT / "src"),))


def python(label: str, code: str, *args: str, pythonpath: Sequence[str] = ()) -> Command:
    """``python -c CODE ARGS``: an anchor library driven the way its own documentation shows."""
    return Command(label, [sys.executable, "-c", code, *args], tuple(pythonpath))


def importable(module: str, pythonpath: Sequence[str] = ()) -> bool:
    """Whether ``module`` imports in a child with these PYTHONPATH entries (anchors are optional)."""
    probe = subprocess.run([sys.executable, "-c", f"import {module}"], env=_env(pythonpath),
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return probe.returncode == 0


def _env(pythonpath: Sequence[str]) -> dict[str, str]:
    extra = [p for p in (*pythonpath, os.environ.get("PYTHONPATH", "")) if p]
    return dict(os.environ, PYTHONPATH=os.pathsep.join(extra))


def measure(cmd: Command, stdout: Path) -> Usage:
    """Run ``cmd`` with its output to ``stdout`` and return its own resource usage."""
    usage_file = stdout.with_name(stdout.name + ".usage")
    argv = [GNU_TIME, "-f", _TIME_FORMAT, "-o", str(usage_file), *cmd.argv] if GNU_TIME else list(cmd.argv)
    with open(stdout, "wb") as out, open(cmd.stdin or os.devnull, "rb") as inp:
        t = time.perf_counter()
        proc = subprocess.Popen(argv, stdin=inp, stdout=out, stderr=subprocess.PIPE, env=_env(cmd.pythonpath))
        # stderr is read after the child ends: the commands here print at most a few lines there.
        _, status, ru = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
    if proc.returncode not in cmd.ok:
        raise SystemExit(f"{cmd.label} failed ({proc.returncode}): {' '.join(cmd.argv)[:300]}\n{err.strip()[-800:]}")
    if not GNU_TIME:
        return Usage(wall, ru.ru_utime, ru.ru_stime, ru.ru_maxrss / 1024, ru.ru_minflt)
    # GNU time writes "Command exited with non-zero status N" first when the command fails.
    user, sys_, rss_kb, minflt = usage_file.read_text().split("\n")[-2].split()
    return Usage(wall, float(user), float(sys_), int(rss_kb) / 1024, int(minflt))


def resource_rss_mb() -> float:
    """This bench process's own peak RSS."""
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def line(label: str, u: Usage) -> str:
    """One run's figures on one line."""
    return (f"{label:22s} wall {u.wall:7.2f} s  user {u.user:7.2f} s  sys {u.sys:5.2f} s  CPU {u.cpu:7.2f} s  "
            f"sys/CPU {u.sys / max(u.cpu, 1e-9):5.1%}  peak RSS {u.rss_mb:6.0f} MB  minor faults {u.minflt:>9,.0f}")


def median(runs: list[Usage]) -> Usage:
    """The per-field median of several runs."""
    return Usage(*(statistics.median(getattr(u, f) for u in runs) for f in ("wall", "user", "sys", "rss_mb", "minflt")))


def ratio(o: Usage, a: Usage, anchor: str, ours_label: str = "ours") -> str:
    """The ratios ours/anchor, robust figures first."""
    return (f"{ours_label} / {anchor}: CPU {o.cpu / a.cpu:.2f}x, peak RSS {o.rss_mb / a.rss_mb:.2f}x, "
            f"minor faults {o.minflt / max(a.minflt, 1):.2f}x, wall {o.wall / a.wall:.2f}x (wall depends on the load)")


def compare(title: str, mine: Command, anchors: Sequence[Command], folder: Path, runs: int = 3,
            missing: Sequence[str] = ()) -> dict[str, Usage]:
    """Run ``mine`` and ``anchors`` alternately ``runs`` times; print runs, medians, ratios; return medians."""
    print(f"\n## Whole process: {title}; load average {os.getloadavg()[0]:.1f}, {os.cpu_count()} CPUs; "
          f"runs alternate", flush=True)
    print(f"{mine.label}: {' '.join(mine.argv[1:])}")
    for a in anchors:
        shown = ' '.join(a.argv[1:]) if a.argv[1] != '-c' else 'python -c <script> ' + ' '.join(a.argv[3:])
        print(f"{a.label}: {shown}{' < ' + str(a.stdin) if a.stdin else ''}")
    for note in missing:
        print(f"skipped: {note}")
    if not GNU_TIME:
        print("GNU time (/usr/bin/time) not found: usage from os.wait4, whose peak RSS is at least this bench's own "
              f"({resource_rss_mb():.0f} MB)")
    usages: dict[str, list[Usage]] = {c.label: [] for c in (mine, *anchors)}
    for k in range(runs):
        for i, c in enumerate((mine, *anchors)):
            usages[c.label].append(measure(c, folder / f"process-{i}.out"))
            print(line(f"{c.label} #{k + 1}", usages[c.label][-1]), flush=True)
    medians = {label: median(u) for label, u in usages.items()}
    for label, m in medians.items():
        print(line(f"{label} med", m))
    for a in anchors:
        print(ratio(medians[mine.label], medians[a.label], a.label, mine.label), flush=True)
    return medians
