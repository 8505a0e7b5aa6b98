"""A PostgreSQL server of the test session's own: initdb in a temporary folder, a free port.

Each pytest process (each xdist worker) starts one cluster on 127.0.0.1 and a
free port, with its socket in its own folder; each test gets a database of its
own (``pg_url``), dropped afterwards. Password authentication over TCP is on,
so the store's "password from the environment" path is what every test uses.
PostgreSQL refuses to run as root: as root the cluster runs as ``nobody`` in a
folder given to it. Tests skip with the reason when the binaries or the driver
are absent (``.ci/run`` installs Debian's ``postgresql``).
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

USER = "burnin"


def find_binary(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    # Debian keeps them out of PATH, one folder per major version (newest last).
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return candidates[-1] if candidates else None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class PgCluster:
    base: Path
    port: int
    password: str
    pid: int

    def admin_url(self, db: str = "postgres") -> str:
        return f"postgresql://{USER}@127.0.0.1:{self.port}/{db}"

    def connect(self, db: str = "postgres") -> object:
        import psycopg

        return psycopg.connect(
            host="127.0.0.1",
            port=self.port,
            user=USER,
            password=self.password,
            dbname=db,
            autocommit=True,
        )

    def create_database(self) -> str:
        name = f"t_{secrets.token_hex(6)}"
        with self.connect() as conn:  # type: ignore[attr-defined]
            conn.execute(f'CREATE DATABASE "{name}"')
        return name

    def drop_database(self, name: str) -> None:
        with self.connect() as conn:  # type: ignore[attr-defined]
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def stop(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGINT)  # "fast" shutdown: roll back clients, exit
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                os.kill(self.pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.05)
        shutil.rmtree(self.base, ignore_errors=True)


def start_cluster() -> PgCluster:
    """Start a cluster, or ``pytest.skip`` with the reason it cannot be."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        pytest.skip("psycopg is not installed (pip install -e '.[test]')")
    initdb, pg_ctl = find_binary("initdb"), find_binary("pg_ctl")
    if initdb is None or pg_ctl is None:
        pytest.skip("PostgreSQL's initdb/pg_ctl not found (Debian: apt-get install postgresql)")
    base = Path(tempfile.mkdtemp(prefix="burnin-pg-"))
    run_as: list[str] = []
    if os.geteuid() == 0:
        if shutil.which("runuser") is None:
            pytest.skip("running as root without runuser: PostgreSQL refuses to run as root")
        nobody = pwd.getpwnam("nobody")
        os.chown(base, nobody.pw_uid, nobody.pw_gid)
        run_as = ["runuser", "-u", "nobody", "--"]
    password = secrets.token_hex(16)
    pwfile = base / "pw"
    pwfile.write_text(password + "\n")
    if run_as:
        os.chown(pwfile, pwd.getpwnam("nobody").pw_uid, -1)
    data, sock = base / "data", base / "sock"
    sock.mkdir()
    if run_as:
        os.chown(sock, pwd.getpwnam("nobody").pw_uid, -1)

    def run(*args: str) -> None:
        proc = subprocess.run([*run_as, *args], capture_output=True, text=True, timeout=120)
        if proc.returncode != 0:
            raise RuntimeError(f"{' '.join(args[:2])} failed:\n{proc.stdout}\n{proc.stderr}")

    try:
        run(initdb, "-D", str(data), "-U", USER, f"--pwfile={pwfile}", "--auth-local=trust",
            "--auth-host=scram-sha-256", "-E", "UTF8", "--no-sync")  # fmt: skip
    except RuntimeError:
        shutil.rmtree(base, ignore_errors=True)
        raise
    pwfile.unlink()
    for attempt in range(3):
        port = _free_port()
        opts = (
            f"-p {port} -k {sock} -c listen_addresses=127.0.0.1 -c fsync=off"
            " -c max_connections=60 -c shared_buffers=16MB"
        )
        try:
            run(pg_ctl, "-D", str(data), "-l", str(base / "log"), "-w", "-t", "60",
                "-o", opts, "start")  # fmt: skip
        except RuntimeError:
            if attempt == 2:
                shutil.rmtree(base, ignore_errors=True)
                raise
            continue  # the port was taken between probing and binding: another one
        pid = int((data / "postmaster.pid").read_text().split("\n", 1)[0])
        return PgCluster(base, port, password, pid)
    raise AssertionError("unreachable")


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PgCluster]:
    cluster = start_cluster()
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture
def pg_url(pg_cluster: PgCluster, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A fresh, empty database's URL; its password in BURNIN_STORE_PASSWORD for this test."""
    monkeypatch.setenv("BURNIN_STORE_PASSWORD", pg_cluster.password)
    monkeypatch.delenv("PGPASSWORD", raising=False)
    name = pg_cluster.create_database()
    try:
        yield pg_cluster.admin_url(name)
    finally:
        pg_cluster.drop_database(name)
