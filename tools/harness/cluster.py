"""A throwaway PostgreSQL 15 or 17 cluster with the Supabase platform layer.

Process management is pytest-postgresql's ``PostgreSQLExecutor`` (initdb,
pg_ctl start/stop, readiness polling). What we add: finding the server
binaries of the chosen major version (``harness.postgres``), running as root
(PostgreSQL refuses to, so every pg_ctl call goes through ``runuser`` to an
unprivileged account), and installing the platform layer from ``platform/``.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import stat
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from mirakuru.base import ENV_UUID
from mirakuru.exceptions import AlreadyRunning
from pytest_postgresql.executors.proc import PostgreSQLExecutor

from harness import postgres

SUPERUSER = "supabase_admin"
PLATFORM_DIR = Path(__file__).resolve().parents[2] / "platform"
DEFAULT_PRIVILEGE_MODES = ("legacy", "modern")
# Supabase images initdb with LC_ALL=en_US.UTF-8: the default collation is
# en_US.UTF-8 while Vault's decrypted_secret is "C", and string comparisons
# between the two need an explicit collation. Run in the same locale, or not at all.
LOCALE = "en_US.UTF-8"
LOCALE_HINT = (
    "generate it with `bash tools/dev.sh setup`, or by hand: "
    "sed -i 's/^# *en_US.UTF-8 UTF-8/en_US.UTF-8 UTF-8/' /etc/locale.gen && locale-gen "
    "(Debian package `locales`)"
)


class HarnessError(Exception):
    """A problem the user can fix; the message says how."""


def find_pg_ctl(major: int | None = None) -> Path:
    """Locate pg_ctl of the chosen PostgreSQL major version (or of ``$PG_BINDIR``), or explain how to install it."""
    try:
        major = postgres.selected_major(major)
    except postgres.UnsupportedVersion as exc:
        raise HarnessError(str(exc)) from None
    if major == 17:
        postgres.prepare_embedded()
    candidates = [directory / "pg_ctl" for directory in postgres.bin_candidates(major)]
    for candidate in candidates:
        if candidate.is_file() and (candidate.parent / "postgres").is_file():
            return candidate
    raise HarnessError(
        f"PostgreSQL {major} server binaries not found (pg_ctl, postgres). Install them:\n  "
        f"{postgres.INSTALL_HINTS[major]}"
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def port_in_use(port: int) -> bool:
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return True
    return False


def _unprivileged_account() -> pwd.struct_passwd:
    for name in ("postgres", "nobody"):
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    raise HarnessError("running as root, but neither a 'postgres' nor a 'nobody' account exists to run PostgreSQL")


def _runuser() -> str:
    # runuser lives in /usr/sbin, which a minimal PATH (cron, env -i, CI) may lack.
    runuser = shutil.which("runuser") or shutil.which("runuser", path="/usr/sbin:/sbin")
    if runuser is None:
        raise HarnessError("running as root needs `runuser` (package util-linux) to drop privileges for PostgreSQL")
    return runuser


def _root_wrapper(workdir: Path, pg_ctl: Path, account: pwd.struct_passwd) -> Path:
    """A pg_ctl stand-in that re-runs the real one as an unprivileged account."""
    runuser = _runuser()
    wrapper = workdir / "pg_ctl-as-user"
    wrapper.write_text(f'#!/bin/sh\nexec {runuser} -u {account.pw_name} -- {pg_ctl} "$@"\n')
    wrapper.chmod(wrapper.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return wrapper


def _locale_names() -> set[str]:
    try:
        listed = subprocess.run(["locale", "-a"], capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return set()
    return {line.strip().lower().replace("-", "") for line in listed.splitlines()}


def require_locale() -> None:
    """Fail clearly when the system lacks en_US.UTF-8; never fall back to another locale."""
    if LOCALE.lower().replace("-", "") not in _locale_names():
        raise HarnessError(
            f"the {LOCALE} locale is not installed, and the cluster must run in it, as Supabase does "
            f"(UTF8, collation and ctype {LOCALE}); {LOCALE_HINT}"
        )


class _SupabaseLocaleExecutor(PostgreSQLExecutor):
    """pytest-postgresql's executor, with initdb in Supabase's encoding and locale."""

    def _build_initdb_command(self, initdb_options: list[str], pgdata: str | None = None) -> list[str]:
        return super()._build_initdb_command([*initdb_options, "--encoding=UTF8", f"--locale={LOCALE}"], pgdata)


# Throwaway data: skip durability work, as `-F` (fsync off) already does.
_SERVER_OPTIONS = "-c synchronous_commit=off -c full_page_writes=off -c max_connections=40 -c timezone=UTC"


@dataclass
class Cluster:
    """A running throwaway cluster. Use ``start_cluster`` to make one."""

    port: int
    workdir: Path
    executor: PostgreSQLExecutor
    stop_hint: str
    major: int = 15
    server: str = ""  # "PostgreSQL 17.10": which server this is, for summaries
    keep: bool = False
    _stopped: bool = field(default=False, repr=False)

    def url(self, user: str = "postgres", password: str = "postgres", dbname: str = "postgres") -> str:
        return f"postgresql://{user}:{password}@127.0.0.1:{self.port}/{dbname}"

    @property
    def admin_url(self) -> str:
        return self.url(user=SUPERUSER, password="")

    def detach(self) -> None:
        """Let the server outlive this process (``--keep``).

        mirakuru kills everything it started when Python exits, so restart the
        server with plain pg_ctl and without mirakuru's marker in its environment.
        """
        self.keep = True
        self.executor.stop()
        env = {k: v for k, v in os.environ.items() if k != ENV_UUID}
        options = f"-F -p {self.port} -c unix_socket_directories='{self.workdir}' {_SERVER_OPTIONS}"
        subprocess.run(
            [
                self.executor.executable,
                "start",
                "-w",
                "-D",
                self.executor.datadir,
                "-l",
                self.executor.logfile,
                "-o",
                options,
            ],
            env=env,
            check=True,
            capture_output=True,
        )

    def stop(self) -> None:
        if self._stopped or self.keep:
            return
        self._stopped = True
        try:
            self.executor.stop()
        finally:
            shutil.rmtree(self.workdir, ignore_errors=True)

    def __enter__(self) -> Cluster:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _ram_dir() -> Path | None:
    """tmpfs for the throwaway cluster when there is room (a cluster needs ~40 MB, a suite runs several).

    pgTAP creates and drops temp tables for nearly every assertion, so a disk costs
    real time. Containers often cap /dev/shm at 64 MB: then use the default temp dir.
    """
    ram = Path("/dev/shm")
    if ram.is_dir() and os.access(ram, os.W_OK) and shutil.disk_usage(ram).free >= 1 << 30:
        return ram
    return None


class _PortTaken(Exception):
    pass


def _launch(pg_ctl: Path, port: int, major: int) -> Cluster:
    workdir = Path(tempfile.mkdtemp(prefix="pgtap-cluster-", dir=_ram_dir()))
    executable = pg_ctl
    if os.geteuid() == 0:
        account = _unprivileged_account()
        os.chown(workdir, account.pw_uid, account.pw_gid)
        workdir.chmod(0o700)
        executable = _root_wrapper(workdir, pg_ctl, account)
        stop_hint = f"{_runuser()} -u {account.pw_name} -- {pg_ctl} stop -D {workdir / 'data'}"
    else:
        stop_hint = f"{pg_ctl} stop -D {workdir / 'data'}"

    executor = _SupabaseLocaleExecutor(
        executable=str(executable),
        host="127.0.0.1",
        port=port,
        datadir=str(workdir / "data"),
        unixsocketdir=str(workdir),
        logfile=str(workdir / "postgresql.log"),
        startparams="-w",
        dbname="postgres",
        user=SUPERUSER,
        postgres_options=_SERVER_OPTIONS,
    )
    try:
        executor.start()
    except AlreadyRunning as exc:
        shutil.rmtree(workdir, ignore_errors=True)
        raise _PortTaken from exc
    except Exception as exc:
        log = workdir / "postgresql.log"
        detail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
        shutil.rmtree(workdir, ignore_errors=True)
        if "Address already in use" in detail:
            raise _PortTaken from exc
        raise HarnessError(f"PostgreSQL failed to start: {exc}\n{detail}") from exc
    cluster = Cluster(port=port, workdir=workdir, executor=executor, stop_hint=stop_hint, major=major)
    try:
        _wait_until_ours(cluster)
    except _PortTaken:
        cluster.stop()
        raise
    cluster.server = server_name(cluster.admin_url)
    return cluster


def _wait_until_ours(cluster: Cluster, seconds: float = 30.0) -> None:
    """Wait until the server on the port accepts connections, and check that it is this cluster.

    pg_ctl can report the start before a loaded machine lets the server accept
    connections ("the database system is starting up"), and another process can
    grab a free port between our probe and the server's bind: then a different
    server answers on it, and its data directory gives it away.
    """
    deadline = time.monotonic() + seconds
    while True:
        try:
            with psycopg.connect(cluster.admin_url, autocommit=True, connect_timeout=5) as conn:
                row = conn.execute("select pg_catalog.current_setting('data_directory')").fetchone()
            break
        except psycopg.OperationalError as exc:
            if "starting up" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)
    if row is None or Path(str(row[0])).resolve() != Path(cluster.executor.datadir).resolve():
        raise _PortTaken


def server_name(url: str) -> str:
    """``PostgreSQL 17.10``: the server's product name and version, as summaries print it."""
    with psycopg.connect(url, autocommit=True) as conn:
        row = conn.execute("select pg_catalog.current_setting('server_version')").fetchone()
    version = str(row[0]).split()[0] if row else "?"
    return f"PostgreSQL {version}"


def start_cluster(port: int | None = None, major: int | None = None) -> Cluster:
    """initdb and start PostgreSQL ``major`` (default: ``postgres.selected_major()``) on ``port`` or a free one."""
    try:
        major = postgres.selected_major(major)
    except postgres.UnsupportedVersion as exc:
        raise HarnessError(str(exc)) from None
    pg_ctl = find_pg_ctl(major)
    require_locale()
    if port is not None:
        try:
            if port_in_use(port):
                raise _PortTaken
            return _launch(pg_ctl, port, major)
        except _PortTaken:
            raise HarnessError(
                f"port {port} is already in use on 127.0.0.1; pick another with --port or omit it"
            ) from None
    # Another process can take a free port before the server binds it: try a few.
    for _ in range(3):
        try:
            return _launch(pg_ctl, free_port(), major)
        except _PortTaken:
            continue
    raise HarnessError("could not find a free port for PostgreSQL on 127.0.0.1 after 3 tries")


def install_platform(
    cluster: Cluster,
    default_privileges: str = "legacy",
    *,
    service_role_vault: bool = False,
    dbname: str = "postgres",
) -> None:
    """Install the platform layer into ``dbname`` as the superuser.

    The cluster-wide roles (platform/roles.sql) come first, once per cluster;
    then platform/bootstrap.sql, one default-privileges mode and, with
    ``service_role_vault``, the Vault grants some Supabase images give service_role.
    """
    if default_privileges not in DEFAULT_PRIVILEGE_MODES:
        raise HarnessError(f"default privileges must be one of {', '.join(DEFAULT_PRIVILEGE_MODES)}")
    files = [PLATFORM_DIR / "bootstrap.sql", PLATFORM_DIR / f"default_privileges_{default_privileges}.sql"]
    if service_role_vault:
        files.append(PLATFORM_DIR / "vault_service_role_granted.sql")
    with psycopg.connect(cluster.admin_url, autocommit=True) as conn:
        if conn.execute("select 1 from pg_catalog.pg_roles where rolname = 'authenticator'").fetchone() is None:
            _run_platform_file(conn, PLATFORM_DIR / "roles.sql")
        available = conn.execute("select 1 from pg_catalog.pg_available_extensions where name = 'pgtap'").fetchone()
    with psycopg.connect(cluster.url(user=SUPERUSER, password="", dbname=dbname), autocommit=True) as conn:
        for path in files:
            _run_platform_file(conn, path)
    if available is None:
        raise HarnessError(
            f"pgTAP is not installed for {cluster.server}. Install it:\n  {postgres.INSTALL_HINTS[cluster.major]}"
        )


def _run_platform_file(conn: psycopg.Connection, path: Path) -> None:
    try:
        conn.execute(path.read_text())  # trusted file of ours
    except psycopg.Error as exc:
        raise HarnessError(f"{path}: platform layer failed: {exc.diag.sqlstate} {exc}") from exc
