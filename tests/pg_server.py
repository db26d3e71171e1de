"""A real, throwaway PostgreSQL server for the tests: installed if missing, started on loopback.

``start()`` finds the server binaries (installing Debian's ``postgresql`` package with
apt when they are missing and we are root), runs ``initdb`` in a fresh temporary folder
as the ``postgres`` user (initdb refuses root), starts it with ``pg_ctl`` on a free
127.0.0.1 port and returns a handle; ``stop()`` shuts it down and deletes the folder.
Every failure raises ``PostgresUnavailable`` with the reason, so the test fixtures can
print why the Postgres cases were skipped.

Run ``python -m tests.pg_server`` to start one by hand: it prints the URL and stops the
server when you press Enter.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from dataclasses import dataclass, field
from pathlib import Path

SUPERUSER = "postgres"


class PostgresUnavailable(RuntimeError):
    """The throwaway server cannot be installed or started; the message says why."""


def _run(cmd: list[str], as_user: str | None = None, timeout: float = 120) -> str:
    if as_user:
        cmd = ["runuser", "-u", as_user, "--", *cmd]
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise PostgresUnavailable(f"{' '.join(cmd)}: {exc}") from None
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip().splitlines()[-5:]
        raise PostgresUnavailable(f"{' '.join(cmd)} exited {done.returncode}: {' | '.join(tail)}")
    return done.stdout


def _find_bindir() -> Path | None:
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).resolve().parent
    candidates = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
    )
    return candidates[-1].parent if candidates else None


def install_if_missing() -> Path:
    """Return the folder with initdb/pg_ctl, installing ``postgresql`` with apt if needed.

    Raises:
        PostgresUnavailable: not installed and cannot be (not root, no apt, apt failed).
    """
    bindir = _find_bindir()
    if bindir:
        return bindir
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        raise PostgresUnavailable(
            "PostgreSQL server binaries (initdb) not found; install them with "
            "`apt-get install -y postgresql` (needs root)"
        )
    env_cmd = ["env", "DEBIAN_FRONTEND=noninteractive"]
    _run([*env_cmd, "apt-get", "update", "-qq"], timeout=600)
    _run([*env_cmd, "apt-get", "install", "-y", "-qq", "postgresql"], timeout=900)
    bindir = _find_bindir()
    if not bindir:
        raise PostgresUnavailable("apt-get installed postgresql but no initdb was found")
    return bindir


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class PostgresServer:
    """A running throwaway cluster; ``url()`` addresses a database on it."""

    bindir: Path
    folder: Path
    port: int
    owner: str | None  # the OS user the server runs as (None: the current user)
    databases: list[str] = field(default_factory=list)

    @property
    def datadir(self) -> Path:
        """The cluster's data directory."""
        return self.folder / "data"

    def url(self, dbname: str = "postgres") -> str:
        """A libpq URL for ``dbname`` on this server (trust auth, loopback only)."""
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/{dbname}?sslmode=disable"

    def _pg_ctl(self, *args: str) -> str:
        return _run([str(self.bindir / "pg_ctl"), "-D", str(self.datadir), *args], self.owner)

    def start(self) -> None:
        """Start (or restart after ``stop_server``) the server and wait until it accepts connections."""
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.folder} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        self._pg_ctl(
            "-l", str(self.folder / "server.log"), "-w", "-t", "60", "-o", options, "start"
        )

    def stop_server(self) -> None:
        """Stop the server but keep its data (to simulate the database going down)."""
        self._pg_ctl("-m", "fast", "-w", "stop")

    def create_database(self, prefix: str = "sg") -> str:
        """Create an empty database with a unique name and return its URL."""
        import psycopg

        name = f"{prefix}_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        self.databases.append(name)
        return self.url(name)

    def stop(self) -> None:
        """Stop the server and delete its folder."""
        try:
            if (self.datadir / "postmaster.pid").exists():
                self.stop_server()
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)


def start() -> PostgresServer:
    """Install if missing, initdb in a temp folder and start a server on a free loopback port.

    Raises:
        PostgresUnavailable: with the reason, when any step fails.
    """
    bindir = install_if_missing()
    owner: str | None = None
    folder = Path(tempfile.mkdtemp(prefix="supportgraph-pg-"))
    if os.geteuid() == 0:  # initdb refuses to run as root
        try:
            account = pwd.getpwnam(SUPERUSER)
        except KeyError:
            shutil.rmtree(folder, ignore_errors=True)
            raise PostgresUnavailable(
                f"running as root but there is no {SUPERUSER!r} user to run initdb as"
            ) from None
        os.chown(folder, account.pw_uid, account.pw_gid)
        owner = SUPERUSER
    server = PostgresServer(bindir=bindir, folder=folder, port=free_port(), owner=owner)
    try:
        _run(
            [
                str(bindir / "initdb"),
                "-D",
                str(server.datadir),
                "-U",
                SUPERUSER,
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--no-sync",
                "--no-instructions",
            ],
            owner,
        )
        server.start()
    except PostgresUnavailable as exc:
        log = folder / "server.log"
        detail = log.read_text(errors="replace").strip().splitlines()[-3:] if log.exists() else []
        server.stop()
        raise PostgresUnavailable(f"{exc} {' | '.join(detail)}".strip()) from None
    return server


if __name__ == "__main__":
    running = start()
    print(running.url(), flush=True)
    try:
        input("PostgreSQL is running; press Enter to stop it and delete its data.\n")
    finally:
        running.stop()
