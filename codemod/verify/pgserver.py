"""Throw-away PostgreSQL clusters for tests and for checking migrations on a real server.

:class:`TemporaryCluster` runs ``initdb`` into a fresh temporary directory, starts the
server with ``pg_ctl`` on a free TCP port of 127.0.0.1 (and a unix socket inside that
directory), and, when it leaves, stops the server with ``pg_ctl stop -m immediate`` and
removes the directory.  The clean-up also runs

* when the ``with`` body raises (``KeyboardInterrupt`` included),
* on SIGINT / SIGTERM received while the cluster runs: a Python handler that was there before
  (SIGINT's raises KeyboardInterrupt) runs first and the unwinding ``with`` stops the cluster;
  with the default action (SIGTERM's) the cluster is stopped, then the process dies of the signal,
* at interpreter exit (``atexit``), and
* from a small watchdog process when this process dies without running any Python code
  (SIGKILL, OOM): the watchdog holds the read end of a pipe whose write end only this
  process has; end-of-file on it means the owner is gone.

``initdb``, ``pg_ctl`` and the server run in their own session: a Ctrl-C typed in the terminal
reaches this process only, which stops them in order.

``initdb`` and ``pg_ctl`` refuse to run as root.  When ``os.geteuid() == 0`` they are run
as an unprivileged user (Debian's ``postgres`` if it exists, else ``nobody``) through
``runuser -u USER --`` (or ``setpriv``), and the temporary directory is given to that user.

Example::

    with TemporaryCluster() as cluster:
        url = cluster.create_database("scratch")
        ...  # psycopg.connect(url)
        cluster.drop_database("scratch")
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from types import FrameType, TracebackType
from typing import Any
from urllib.parse import quote

__all__ = [
    "PostgresUnavailable",
    "PostgresStartError",
    "TemporaryCluster",
    "find_pg_bin_dir",
]

INSTALL_HINT = (
    "PostgreSQL server binaries (initdb, pg_ctl) not found on PATH nor in "
    "/usr/lib/postgresql/*/bin: install them (`apt-get install postgresql`) "
    "or pass --database-url to use an existing server."
)

_DEBIAN_PG_GLOB = "/usr/lib/postgresql"
_DB_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_$-]{0,62}$")


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL server binaries could be found on this machine."""

    def __init__(self, message: str = INSTALL_HINT) -> None:
        super().__init__(message)


class PostgresStartError(RuntimeError):
    """The binaries exist, but initdb or the server failed; the message carries the log."""


# --------------------------------------------------------------------------- discovery


def _is_exe(path: Path) -> bool:
    return path.is_file() and os.access(path, os.X_OK)


def _version_key(path: Path) -> tuple[int, ...]:
    """Sort key for ``/usr/lib/postgresql/<version>/bin``: numeric version, highest last."""
    parts = re.findall(r"\d+", path.parent.name)
    return tuple(int(p) for p in parts) if parts else (-1,)


def find_pg_bin_dir() -> Path | None:
    """Return the directory that holds both ``initdb`` and ``pg_ctl``, or ``None``.

    ``PATH`` is looked at first (``initdb``'s directory, provided ``pg_ctl`` sits beside
    it); then Debian's ``/usr/lib/postgresql/<version>/bin``, highest version first.
    ``/usr/bin/pg_ctl`` alone (Debian's wrapper from postgresql-common) is not enough.
    """
    initdb = shutil.which("initdb")
    if initdb:
        bin_dir = Path(initdb).resolve().parent
        if _is_exe(bin_dir / "pg_ctl"):
            return bin_dir
    candidates = sorted(Path(_DEBIAN_PG_GLOB).glob("*/bin"), key=_version_key, reverse=True)
    for bin_dir in candidates:
        if _is_exe(bin_dir / "initdb") and _is_exe(bin_dir / "pg_ctl"):
            return bin_dir
    return None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _pid_alive(pid: int) -> bool:
    """True if ``pid`` runs and is not a zombie."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return True
    match = re.search(r"^State:\s+(\S)", status, re.MULTILINE)
    return not (match and match.group(1) in ("Z", "X"))


def _postmaster_pid(data_dir: Path) -> int | None:
    try:
        first = (data_dir / "postmaster.pid").read_text().splitlines()[0]
        return int(first.strip())
    except (OSError, IndexError, ValueError):
        return None


# The watchdog: a separate Python process that blocks on its stdin (a pipe whose write
# end only the owning process holds). EOF means the owner closed it (normal stop: nothing
# left to do) or died; then, if the data directory is still there, stop the server and
# remove the directory.
_WATCHDOG_SOURCE = r"""
import json, os, shutil, signal, subprocess, sys, time
signal.signal(signal.SIGINT, signal.SIG_IGN)
spec = json.loads(sys.argv[1])
try:
    while sys.stdin.buffer.read(65536):
        pass
except Exception:
    pass
base, data = spec["base"], spec["data"]
if os.path.isdir(base):
    if os.path.exists(os.path.join(data, "postmaster.pid")):
        try:
            subprocess.run(spec["stop"], cwd=base, stdin=subprocess.DEVNULL,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=30)
        except Exception:
            pass
        try:
            with open(os.path.join(data, "postmaster.pid")) as fh:
                pid = int(fh.readline().strip())
            os.kill(pid, signal.SIGKILL)
        except Exception:
            pass
    time.sleep(0.1)
    shutil.rmtree(base, ignore_errors=True)
"""


# --------------------------------------------------------------------------- cluster


class TemporaryCluster:
    """A private PostgreSQL cluster in a temporary directory, alive inside ``with``.

    Parameters:
        bin_dir: directory holding ``initdb``/``pg_ctl``; found by :func:`find_pg_bin_dir`
            when omitted (raises :class:`PostgresUnavailable` if there is none).
        superuser: name of the database superuser created by ``initdb``.
        run_as: OS user to run the server as when this process is root (default:
            ``postgres`` if it exists, else ``nobody``). Ignored when not root.
        start_timeout: seconds to wait for the server to accept connections.
        extra_settings: more ``postgresql.conf`` settings, e.g. ``{"max_connections": "200"}``.
        handle_signals: install SIGINT/SIGTERM handlers while running (main thread only).

    Attributes (valid while running): ``port``, ``url``, ``base_dir``, ``data_dir``,
    ``socket_dir``, ``log_file``.
    """

    def __init__(
        self,
        bin_dir: Path | str | None = None,
        *,
        superuser: str = "postgres",
        run_as: str | None = None,
        start_timeout: float = 60.0,
        extra_settings: dict[str, str] | None = None,
        handle_signals: bool = True,
    ) -> None:
        resolved = Path(bin_dir) if bin_dir is not None else find_pg_bin_dir()
        if resolved is None or not _is_exe(resolved / "initdb") or not _is_exe(resolved / "pg_ctl"):
            raise PostgresUnavailable()
        self.bin_dir: Path = resolved
        self.superuser = superuser
        self.start_timeout = start_timeout
        self.extra_settings = dict(extra_settings or {})
        self.handle_signals = handle_signals
        self._run_as: tuple[str, int, int] | None = self._pick_run_as(run_as) if os.geteuid() == 0 else None
        self.base_dir: Path | None = None
        self.port: int | None = None
        self._lock = threading.RLock()
        self._running = False
        self._watchdog: subprocess.Popen[bytes] | None = None
        self._old_handlers: dict[int, Any] = {}
        self._atexit_registered = False

    # ----------------------------------------------------------------- properties

    @property
    def data_dir(self) -> Path:
        return self._require_base() / "data"

    @property
    def socket_dir(self) -> Path:
        return self._require_base()

    @property
    def log_file(self) -> Path:
        return self._require_base() / "server.log"

    @property
    def url(self) -> str:
        """``postgresql://SUPERUSER@127.0.0.1:PORT/postgres``."""
        return self.dsn_for("postgres")

    @property
    def running(self) -> bool:
        return self._running

    @property
    def postmaster_pid(self) -> int | None:
        """PID of the running postmaster, from ``postmaster.pid``."""
        return _postmaster_pid(self.data_dir) if self.base_dir else None

    def dsn_for(self, dbname: str) -> str:
        """Connection URL of database ``dbname`` on this cluster."""
        if self.port is None:
            raise RuntimeError("cluster is not running")
        return f"postgresql://{quote(self.superuser, safe='')}@127.0.0.1:{self.port}/{quote(dbname, safe='')}"

    # ----------------------------------------------------------------- lifecycle

    def __enter__(self) -> TemporaryCluster:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def start(self) -> None:
        """initdb, configure and start the server; on any failure everything is cleaned up."""
        with self._lock:
            if self._running:
                return
            self._running = True  # so that stop() cleans a half-started cluster
            self._register_cleanup_hooks()
            try:
                self._make_base_dir()
                self._start_watchdog()
                self._initdb()
                self._start_server()
            except BaseException:
                self.stop()
                raise

    def stop(self) -> None:
        """Stop the server (immediate mode) and remove the directory. Idempotent."""
        with self._lock:
            if not self._running:
                return
            try:
                base = self.base_dir
                if base is not None and base.exists():
                    self._stop_server()
                    shutil.rmtree(base, ignore_errors=True)
                    if base.exists():  # a file the server was still writing
                        time.sleep(0.2)
                        shutil.rmtree(base, ignore_errors=True)
            finally:
                self._stop_watchdog()
                self._unregister_cleanup_hooks()
                self._running = False
                self.port = None

    # ----------------------------------------------------------------- databases

    def connect(self, dbname: str = "postgres", **kwargs: Any) -> Any:
        """A psycopg (v3) connection to ``dbname`` (autocommit unless told otherwise)."""
        import psycopg

        kwargs.setdefault("autocommit", True)
        kwargs.setdefault("connect_timeout", 10)
        return psycopg.connect(self.dsn_for(dbname), **kwargs)

    def create_database(self, name: str) -> str:
        """CREATE DATABASE ``name`` (UTF8, from template0) and return its URL."""
        from psycopg import sql

        _check_db_name(name)
        with self.connect() as conn:
            conn.execute(
                sql.SQL("CREATE DATABASE {} TEMPLATE template0 ENCODING 'UTF8'").format(sql.Identifier(name))
            )
        return self.dsn_for(name)

    def drop_database(self, name: str) -> None:
        """DROP DATABASE IF EXISTS ``name`` WITH (FORCE): open sessions are ended."""
        from psycopg import sql

        _check_db_name(name)
        with self.connect() as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))

    # ----------------------------------------------------------------- internals

    def _require_base(self) -> Path:
        if self.base_dir is None:
            raise RuntimeError("cluster is not running")
        return self.base_dir

    @staticmethod
    def _pick_run_as(requested: str | None) -> tuple[str, int, int]:
        import pwd

        names = [requested] if requested else ["postgres", "nobody"]
        for name in names:
            try:
                entry = pwd.getpwnam(name)
            except KeyError:
                continue
            return name, entry.pw_uid, entry.pw_gid
        raise PostgresStartError(
            f"running as root, and no unprivileged user ({', '.join(names)}) exists to run initdb as"
        )

    def _wrap(self, argv: Sequence[str]) -> list[str]:
        """Prefix ``argv`` so that it runs as the unprivileged user when we are root."""
        if self._run_as is None:
            return list(argv)
        name, uid, gid = self._run_as
        runuser = shutil.which("runuser") or ("/usr/sbin/runuser" if _is_exe(Path("/usr/sbin/runuser")) else None)
        if runuser:
            return [runuser, "-u", name, "--", *argv]
        setpriv = shutil.which("setpriv")
        if setpriv:
            return [setpriv, f"--reuid={uid}", f"--regid={gid}", "--clear-groups", "--", *argv]
        raise PostgresStartError("running as root, and neither runuser nor setpriv is available to drop privileges")

    def _env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        env["LC_ALL"] = "C"
        env["LANG"] = "C"
        if self._run_as is not None:
            env["HOME"] = str(self._require_base())
        return env

    def _run(self, argv: Sequence[str], *, timeout: float, check: bool = True) -> subprocess.CompletedProcess[str]:
        proc = subprocess.run(
            self._wrap(argv),
            cwd=self._require_base(),
            env=self._env(),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=timeout,
            start_new_session=True,  # a terminal's Ctrl-C is ours to handle, not initdb's or the server's
        )
        if check and proc.returncode != 0:
            raise PostgresStartError(f"{Path(argv[0]).name} failed (exit {proc.returncode}):\n{proc.stdout.strip()}")
        return proc

    def _make_base_dir(self) -> None:
        parent = Path(tempfile.gettempdir())
        if self._run_as is not None and not _traversable_by_others(parent):
            parent = Path("/tmp")
        self.base_dir = Path(tempfile.mkdtemp(prefix="codemod-pg-", dir=parent))
        if self._run_as is not None:
            _, uid, gid = self._run_as
            os.chown(self.base_dir, uid, gid)

    def _stop_argv(self) -> list[str]:
        return [str(self.bin_dir / "pg_ctl"), "-D", str(self.data_dir), "-m", "immediate", "-w", "-t", "30", "stop"]

    def _start_watchdog(self) -> None:
        spec = {"base": str(self._require_base()), "data": str(self.data_dir), "stop": self._wrap(self._stop_argv())}
        self._watchdog = subprocess.Popen(
            [sys.executable, "-c", _WATCHDOG_SOURCE, json.dumps(spec)],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=self._env(),
            cwd="/",
            start_new_session=True,  # a Ctrl-C to our process group must not kill it
        )

    def _stop_watchdog(self) -> None:
        watchdog, self._watchdog = self._watchdog, None
        if watchdog is None:
            return
        with contextlib.suppress(OSError):
            if watchdog.stdin:
                watchdog.stdin.close()
        try:
            watchdog.wait(timeout=15)
        except subprocess.TimeoutExpired:
            watchdog.kill()
            watchdog.wait(timeout=5)

    def _initdb(self) -> None:
        self._run(
            [
                str(self.bin_dir / "initdb"),
                "-D", str(self.data_dir),
                "-U", self.superuser,
                "--auth=trust",
                "-E", "UTF8",
                "--locale=C",
                "--no-sync",
                "--no-instructions",
            ],
            timeout=120,
        )
        settings = {
            "listen_addresses": "'127.0.0.1'",
            "unix_socket_directories": f"'{self.socket_dir}'",
            "fsync": "off",
            "synchronous_commit": "off",
            "full_page_writes": "off",
            "max_connections": "100",
            "lc_messages": "'C'",
            "logging_collector": "off",
        }
        settings.update(self.extra_settings)
        conf = self.data_dir / "postgresql.conf"
        with conf.open("a", encoding="utf-8") as fh:
            fh.write("\n# codemod TemporaryCluster\n")
            for key, value in settings.items():
                fh.write(f"{key} = {value}\n")

    def _start_server(self) -> None:
        last_error: Exception | None = None
        for _attempt in range(5):
            self.port = _free_port()
            proc = self._run(
                [
                    str(self.bin_dir / "pg_ctl"),
                    "-D", str(self.data_dir),
                    "-l", str(self.log_file),
                    "-o", f"-p {self.port}",
                    "-w",
                    "-t", str(int(self.start_timeout)),
                    "start",
                ],
                timeout=self.start_timeout + 30,
                check=False,
            )
            if proc.returncode == 0 and self._wait_ready():
                return
            log = self._read_log()
            last_error = PostgresStartError(f"PostgreSQL failed to start (exit {proc.returncode}):\n{proc.stdout.strip()}\n{log}")
            self._stop_server()
            if "could not bind" not in log and "already in use" not in log:
                break
        assert last_error is not None
        raise last_error

    def _wait_ready(self) -> bool:
        import psycopg

        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            try:
                with psycopg.connect(self.url, connect_timeout=5) as conn:
                    conn.execute("SELECT 1")
                return True
            except psycopg.OperationalError:
                time.sleep(0.1)
        return False

    def _read_log(self) -> str:
        try:
            return self.log_file.read_text(errors="replace")[-4000:]
        except OSError:
            return ""

    def _stop_server(self) -> None:
        if self.base_dir is None or not (self.data_dir / "postmaster.pid").exists():
            return
        pid = _postmaster_pid(self.data_dir)
        try:
            self._run(self._stop_argv(), timeout=45, check=False)
        except (subprocess.TimeoutExpired, OSError):
            pass
        if pid is not None:
            deadline = time.monotonic() + 10
            while _pid_alive(pid) and time.monotonic() < deadline:
                time.sleep(0.05)
            if _pid_alive(pid):
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGKILL)
                deadline = time.monotonic() + 5
                while _pid_alive(pid) and time.monotonic() < deadline:
                    time.sleep(0.05)

    # ----------------------------------------------------------------- hooks

    def _register_cleanup_hooks(self) -> None:
        if not self._atexit_registered:
            atexit.register(self.stop)
            self._atexit_registered = True
        if not self.handle_signals or threading.current_thread() is not threading.main_thread():
            return
        for signum in (signal.SIGINT, signal.SIGTERM):
            try:
                self._old_handlers[signum] = signal.signal(signum, self._on_signal)
            except (ValueError, OSError):
                pass

    def _unregister_cleanup_hooks(self) -> None:
        if self._atexit_registered:
            atexit.unregister(self.stop)
            self._atexit_registered = False
        if threading.current_thread() is not threading.main_thread():
            self._old_handlers.clear()
            return
        for signum, old in list(self._old_handlers.items()):
            with contextlib.suppress(ValueError, OSError, TypeError):
                if signal.getsignal(signum) == self._on_signal:
                    signal.signal(signum, old)
        self._old_handlers.clear()

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        previous = self._old_handlers.get(signum, signal.SIG_DFL)
        if callable(previous):
            # The program's own handler first (Python's SIGINT handler raises KeyboardInterrupt):
            # the ``with`` block or ``finally`` that owns this cluster stops it as the exception
            # unwinds, after the connections using it are closed. Stopping the server here, under
            # a running query, turned a Ctrl-C into "server closed the connection unexpectedly".
            # If that handler returns, the program goes on: atexit and the watchdog still clean up.
            previous(signum, frame)
            return
        self.stop()
        _chain_signal(signum, frame, previous)


def _chain_signal(signum: int, frame: FrameType | None, previous: Any) -> None:
    """Behave as the handler that was there before ours would have."""
    if callable(previous):
        handler: Callable[[int, FrameType | None], Any] = previous
        handler(signum, frame)
    elif previous == signal.SIG_IGN:
        return
    elif signum == signal.SIGINT:
        raise KeyboardInterrupt
    else:  # SIG_DFL or None: die of the signal, as the default would
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)


def _check_db_name(name: str) -> None:
    if not _DB_NAME_RE.match(name):
        raise ValueError(f"unsupported database name {name!r}: use letters, digits, _ $ - (max 63)")


def _traversable_by_others(path: Path) -> bool:
    """True if every directory from / down to ``path`` is searchable by other users."""
    try:
        current = path.resolve()
        for part in [current, *current.parents]:
            if not part.stat().st_mode & 0o001:
                return False
        return True
    except OSError:
        return False
