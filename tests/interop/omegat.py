"""Build a tiny OmegaT 3.6 project in a folder and run OmegaT head-less on it.

What it took (shared/standards/INTEROP.md): one segment per source line needs
the text filter's ``segmentOn=BREAKS`` in ``omegat/filters.xml`` (which also
turns on the XLIFF 1.2 filter for ``*.xlf``) and
``sentence_seg=false``; sources are named ``*.utf8`` so they are read as UTF-8
whatever the locale; only ``tm/auto/`` and ``tm/enforce/`` memories are
applied in console mode; OmegaT exits 0 even when a memory failed to load, so
callers judge by the target files and by :attr:`OmegaTResult.log_problems`.

Used by the TMX tests and the glossary tests (``glossary/`` files, and a
Groovy ``script`` run at the LOAD/COMPILE/CLOSE events).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

from bilingual_pr.omegat import project_xml
from interop import unavailable

OMEGAT_JAR = Path(os.environ.get("OMEGAT_JAR", "/usr/share/omegat/OmegaT.jar"))

# Message keys and exceptions worth showing when a check fails.
_LOG_PROBLEM = re.compile(r"(TMXR_WARNING_\w+|TF_TM_LOAD_ERROR|\w+(?:Exception|Error)\b)")

Content = bytes | str | Path


def omegat_command() -> list[str] | None:
    """The java command that starts OmegaT, or None when Java or OmegaT.jar is missing."""
    java = shutil.which("java")
    if java is None or not OMEGAT_JAR.is_file():
        return None
    return [java, "-Djava.awt.headless=true", "-Duser.language=en", "-Duser.country=GB",
            "-Dfile.encoding=UTF-8", "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-jar", str(OMEGAT_JAR)]


def require_omegat() -> list[str]:
    """The OmegaT command; skips the test (or fails it when interop is required) without OmegaT."""
    cmd = omegat_command()
    if cmd is None:
        unavailable(f"OmegaT not installed (need java and {OMEGAT_JAR}; Debian: apt-get install omegat)")
    assert cmd is not None
    return cmd


@dataclass
class OmegaTProject:
    """The folders of a project made by :func:`build_project`."""

    root: Path
    config: Path

    @property
    def source(self) -> Path:
        """``source/``: the files to translate."""
        return self.root / "source"

    @property
    def target(self) -> Path:
        """``target/``: what console-translate writes."""
        return self.root / "target"

    @property
    def tm(self) -> Path:
        """``tm/``: reference memories; ``tm/auto`` and ``tm/enforce`` are applied."""
        return self.root / "tm"

    @property
    def glossary(self) -> Path:
        """``glossary/``: glossary files (TSV ``*.utf8``, TBX 2008, CSV)."""
        return self.root / "glossary"


@dataclass
class OmegaTResult:
    """The outcome of one OmegaT run."""

    returncode: int
    log: str
    targets: dict[str, str] = field(default_factory=dict)

    @property
    def log_problems(self) -> list[str]:
        """Warning keys, load errors and exception names found in the log (sorted, unique)."""
        return sorted(set(_LOG_PROBLEM.findall(self.log)))

    def target_lines(self, name: str) -> list[str]:
        """The lines of one translated file (KeyError when OmegaT wrote none)."""
        return self.targets[name].splitlines()


_FILTERS_XML = """<?xml version="1.0" encoding="UTF-8"?>
<filters removeTags="false" removeSpacesNonseg="false" preserveSpaces="true" ignoreFileContext="false">
  <filter className="org.omegat.filters2.text.TextFilter" enabled="true">
    <files sourceFilenameMask="*.utf8" targetFilenamePattern="${{filename}}" sourceEncoding="UTF-8" targetEncoding="UTF-8"/>
    <files sourceFilenameMask="*.txt" targetFilenamePattern="${{filename}}" sourceEncoding="UTF-8" targetEncoding="UTF-8"/>
    <option name="segmentOn" value="{segment_on}"/>
  </filter>
  <filter className="org.omegat.filters3.xml.xliff.XLIFFFilter" enabled="true">
    <files sourceFilenameMask="*.xlf" targetFilenamePattern="${{filename}}"/>
  </filter>
</filters>
"""

def _put(folder: Path, files: Mapping[str, Content]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        dest = folder / name
        dest.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, Path):
            shutil.copyfile(content, dest)
        elif isinstance(content, bytes):
            dest.write_bytes(content)
        else:
            dest.write_text(content, encoding="utf-8", newline="")


def build_project(root: Path, *, sources: Mapping[str, str], src_lang: str = "fr-FR", tgt_lang: str = "en-GB",
                  tm_auto: Mapping[str, Content] | None = None, tm_enforce: Mapping[str, Content] | None = None,
                  tm_reference: Mapping[str, Content] | None = None,
                  glossary: Mapping[str, Content] | None = None,
                  segment_on: str = "BREAKS", sentence_seg: bool = False) -> OmegaTProject:
    """Write an OmegaT project under ``root``: sources (name -> text), memories and glossaries."""
    root.mkdir(parents=True, exist_ok=True)
    for sub in ("source", "target", "tm", "glossary", "dictionary", "omegat"):
        (root / sub).mkdir(exist_ok=True)

    # The project file omegat-project writes (bilingual_pr.omegat), segmentation as the test asks.
    (root / "omegat.project").write_text(project_xml(src_lang, tgt_lang, sentence_seg), encoding="utf-8")
    (root / "omegat" / "filters.xml").write_text(_FILTERS_XML.format(segment_on=segment_on), encoding="utf-8")
    _put(root / "source", dict(sources))
    _put(root / "tm" / "auto", tm_auto or {})
    _put(root / "tm" / "enforce", tm_enforce or {})
    _put(root / "tm", tm_reference or {})
    _put(root / "glossary", glossary or {})
    config = root.parent / f"{root.name}-omegat-config"
    config.mkdir(exist_ok=True)
    return OmegaTProject(root=root, config=config)


def project_segment_count(project: OmegaTProject) -> int | None:
    """The "Total" segment count of ``omegat/project_stats.txt`` (written on each run), None without one."""
    stats = project.root / "omegat" / "project_stats.txt"
    if not stats.is_file():
        return None
    found = re.search(r"^Total:\s*(\d+)", stats.read_text(encoding="utf-8", errors="replace"), re.M)
    return int(found.group(1)) if found else None


def run_omegat(project: OmegaTProject, *, mode: str = "console-translate", script: Path | None = None,
               timeout: float = 240, extra_args: tuple[str, ...] = ()) -> OmegaTResult:
    """Run OmegaT once on the project (one JVM) and collect its log and target files."""
    cmd = require_omegat() + [str(project.root), f"--mode={mode}", f"--config-dir={project.config}",
                              "--disable-project-locking", "--disable-location-save", "--no-team"]
    if script is not None:
        cmd.append(f"--script={script}")
    cmd.extend(extra_args)
    env = dict(os.environ, LC_ALL="C.UTF-8", LANG="C.UTF-8")
    env.pop("DISPLAY", None)
    proc = subprocess.run(cmd, capture_output=True, text=True, encoding="utf-8", errors="replace",
                          timeout=timeout, env=env, cwd=project.root, stdin=subprocess.DEVNULL)
    log = proc.stdout + proc.stderr
    for extra in sorted(project.config.glob("logs/*.log")):
        log += "\n" + extra.read_text(encoding="utf-8", errors="replace")
    targets = {}
    for path in sorted(project.target.rglob("*")):
        if path.is_file():
            targets[path.relative_to(project.target).as_posix()] = path.read_text(encoding="utf-8", errors="replace")
    return OmegaTResult(returncode=proc.returncode, log=log, targets=targets)
