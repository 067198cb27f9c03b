"""A throwaway PostgreSQL server for the tests: initdb in a temp folder, loopback only.

Debian's `postgresql` package provides the binaries (`.ci/run` installs it when
missing). PostgreSQL refuses to run as root, so as root the server runs as the
`postgres` system user.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def find_bin_dir() -> Path | None:
    for candidate in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if (Path(candidate) / "initdb").exists():
            return Path(candidate)
    found = shutil.which("initdb")
    return Path(found).parent if found else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _as_server_user(command: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


@contextmanager
def postgres_server(bin_dir: Path) -> Iterator[str]:
    """Yield a SQLAlchemy URL of an empty database on a fresh server; stop it after."""
    root = Path(tempfile.mkdtemp(prefix="coach-pg-"))
    data, sockets = root / "data", root / "sockets"
    sockets.mkdir()
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
        shutil.chown(sockets, "postgres")
    port = _free_port()

    def run(program: str, *args: str) -> None:
        command = _as_server_user([str(bin_dir / program), *args])
        subprocess.run(command, check=True, capture_output=True, text=True)

    try:
        run("initdb", "-D", str(data), "-U", "postgres", "-A", "trust", "--no-sync")
        run(
            "pg_ctl",
            "-D",
            str(data),
            "-w",
            "-l",
            str(root / "server.log"),
            "-o",
            f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={sockets} "
            "-c fsync=off -c max_connections=100",
            "start",
        )
        run("createdb", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "coachtest")
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/coachtest"
    finally:
        if (data / "postmaster.pid").exists():
            subprocess.run(
                _as_server_user(
                    [str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]
                ),
                capture_output=True,
            )
        shutil.rmtree(root, ignore_errors=True)
