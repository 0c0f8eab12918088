"""The command group: help, version, errors as one line with exit codes, language check."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from bilingual_pr import __version__
from bilingual_pr.cli import main

ROOT = Path(__file__).resolve().parents[1]
FR = ROOT / "examples" / "DG26-014F.fr.txt"
EN = ROOT / "examples" / "DG26-014E.en.txt"


def run(*args: str) -> "CliRunner.invoke":
    return CliRunner().invoke(main, list(args))


def test_help_lists_commands() -> None:
    res = run("--help")
    assert res.exit_code == 0
    assert "extract" in res.output


def test_version() -> None:
    res = run("--version")
    assert res.exit_code == 0 and __version__ in res.output


def test_every_listed_command_has_help() -> None:
    from bilingual_pr.cli import COMMANDS

    for name in COMMANDS:
        res = run(name, "--help")
        assert res.exit_code == 0, (name, res.output)


def test_missing_file_is_one_line_exit_2(tmp_path: Path) -> None:
    res = run("extract", str(tmp_path / "missing.txt"), "--lang", "fr")
    assert res.exit_code == 2
    assert res.output.strip().count("\n") == 0
    assert "no such file" in res.output
    assert "Traceback" not in res.output


def test_unknown_language(tmp_path: Path) -> None:
    res = run("extract", str(FR), "--lang", "xx")
    assert res.exit_code == 2
    assert "unsupported language" in res.output or "unknown language" in res.output


def test_swapped_language_warns_and_strict_fails() -> None:
    res = run("extract", str(FR), "--lang", "en")
    assert res.exit_code == 0
    assert "looks like French" in res.output
    res = run("extract", str(FR), "--lang", "en", "--strict")
    assert res.exit_code == 2 and "swapped" in res.output


def test_extract_json_and_output_file(tmp_path: Path) -> None:
    out = tmp_path / "blocks.json"
    res = run("extract", str(EN), "--lang", "en", "--format", "json", "-o", str(out))
    assert res.exit_code == 0, res.output
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["blocks"][0]["text"] == "DG26/014E"
    assert not list(tmp_path.glob(".*.part"))


def test_output_equal_to_input_refused(tmp_path: Path) -> None:
    src = tmp_path / "in.txt"
    src.write_text(EN.read_text(encoding="utf-8"), encoding="utf-8")
    before = src.read_bytes()
    res = run("extract", str(src), "--lang", "en", "-o", str(src))
    assert res.exit_code == 2 and "also an input" in res.output
    assert src.read_bytes() == before


def test_verbose_reports_encoding(tmp_path: Path) -> None:
    p = tmp_path / "cp.txt"
    p.write_bytes("Le Secrétaire général a parlé à Genève de la sécurité et des États.".encode("cp1252"))
    res = subprocess.run([sys.executable, "-m", "bilingual_pr", "-v", "extract", str(p), "--lang", "fr"],
                         capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    assert "encoding cp1252" in res.stderr


def test_console_script_installed() -> None:
    exe = Path(sys.executable).with_name("bilingual-pr")
    res = subprocess.run([str(exe), "--help"], capture_output=True, text=True)
    assert res.returncode == 0 and "Usage" in res.stdout


def test_no_colour_codes_when_piped(tmp_path: Path) -> None:
    res = subprocess.run([sys.executable, "-m", "bilingual_pr", "extract", str(tmp_path / "x"), "--lang", "fr"],
                         capture_output=True, text=True)
    assert res.returncode == 2
    assert "\x1b[" not in res.stderr
    assert res.stderr.count("\n") == 1


def test_a_signal_exit_is_one_line_even_when_a_pool_thread_trips_on_its_way_out() -> None:
    # A batch killed by SIGTERM: the pool's manager thread may raise while the interpreter
    # exits (its workers are gone); the user must still see only "error: terminated".
    import subprocess
    import sys

    code = ("import threading, time\n"
            "from bilingual_pr.cli import fail\n"
            "def trip():\n"
            "    time.sleep(0.2)\n"
            "    raise OSError('the pool pipe is closed')\n"
            "threading.Thread(target=trip).start()\n"
            "fail('terminated', 143)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 143
    assert done.stderr.strip().splitlines() == ["bilingual-pr: error: terminated"], done.stderr
