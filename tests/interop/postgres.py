"""A throwaway PostgreSQL cluster for the tests: initdb in a temporary folder, a Unix socket only, no TCP.

``start_cluster()`` skips (or fails under BILINGUAL_PR_REQUIRE_INTEROP=1) when
the server binaries or psycopg are missing. Run as root, the cluster belongs to
the ``postgres`` system user (initdb refuses root), through ``runuser``.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from interop import require_module, unavailable


@dataclass
class Cluster:
    """A running cluster: its folder, socket folder, port, the command prefix to act as its owner."""

    root: Path
    bindir: Path
    port: int
    prefix: list[str]
    counter: int = 0

    @property
    def socket_dir(self) -> Path:
        return self.root / "sock"

    def url(self, dbname: str) -> str:
        """The URL of a database of this cluster (the owner's name, the socket)."""
        user = "postgres" if self.prefix else os.environ.get("USER", "postgres")
        return f"postgresql://{user}@/{dbname}?host={self.socket_dir}&port={self.port}"

    def new_database(self) -> str:
        """A new empty database; its URL."""
        self.counter += 1
        name = f"tm{self.counter}"
        self.run("createdb", "-h", str(self.socket_dir), "-p", str(self.port), name)
        return self.url(name)

    def run(self, tool: str, *args: str) -> None:
        """Run one of the server's programs as the cluster's owner."""
        subprocess.run([*self.prefix, str(self.bindir / tool), *args], check=True, capture_output=True, timeout=120)

    def stop(self) -> None:
        """Stop the server and remove the folder."""
        try:
            self.run("pg_ctl", "-D", str(self.root / "data"), "-m", "immediate", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


def _bindir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def start_cluster() -> Cluster:
    """Start a cluster on a local socket; skip (or fail in CI) without PostgreSQL or psycopg."""
    require_module("psycopg")
    bindir = _bindir()
    if bindir is None:
        unavailable("PostgreSQL server binaries (initdb, pg_ctl) not found: apt-get install postgresql")
    assert bindir is not None
    prefix: list[str] = []
    root = Path(tempfile.mkdtemp(prefix="bilingual-pr-pg-"))
    if os.geteuid() == 0:
        if shutil.which("runuser") is None:
            unavailable("running as root without runuser: cannot start PostgreSQL as another user")
        prefix = ["runuser", "-u", "postgres", "--"]
        shutil.chown(root, "postgres")
    (root / "sock").mkdir()
    if prefix:
        shutil.chown(root / "sock", "postgres")
    cluster = Cluster(root, bindir, 50000 + os.getpid() % 10000, prefix)
    data = root / "data"
    cluster.run("initdb", "-D", str(data), "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8")
    cluster.run("pg_ctl", "-D", str(data), "-w", "-l", str(root / "log"), "-o",
                f"-k {root / 'sock'} -c listen_addresses='' -p {cluster.port} -c fsync=off", "start")
    return cluster
