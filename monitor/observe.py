"""/metrics and /healthz for every newsmon process, and the multiprocess metrics directory.

RQ forks a work horse per job and prometheus-client's multiprocess mode writes one file
per PID. Left alone the directory grows with every job; so when a horse exits its
counters and histograms are folded into its worker's archive file and its files removed.
"""

from __future__ import annotations

import os
import tempfile
import threading
from collections.abc import Callable, Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"


def prepare_metrics_dir(path: Path | None, *, clean: bool) -> Path:
    """Point prometheus-client at a metrics directory; call before importing monitor.metrics.

    `clean` empties it, so files of processes from a previous run cannot pile up.
    """
    if path is None:
        existing = os.environ.get(MULTIPROC_ENV)
        path = Path(existing) if existing else Path(tempfile.mkdtemp(prefix="newsmon-metrics-"))
    path.mkdir(parents=True, exist_ok=True)
    if clean:
        for f in path.glob("*.db"):
            f.unlink(missing_ok=True)
    os.environ[MULTIPROC_ENV] = str(path)
    return path


def fold_dead_process(pid: int, archive_id: str) -> None:
    """Add a dead process's counters/histograms into an archive file and drop its files."""
    from prometheus_client import multiprocess
    from prometheus_client.mmap_dict import MmapedDict

    directory = os.environ.get(MULTIPROC_ENV)
    if not directory:
        return
    for typ in ("counter", "histogram", "summary"):
        src = os.path.join(directory, f"{typ}_{pid}.db")
        if not os.path.exists(src):
            continue
        archive = MmapedDict(os.path.join(directory, f"{typ}_archive{archive_id}.db"))
        try:
            for key, value, ts, _pos in MmapedDict.read_all_values_from_file(src):
                old, _ = archive.read_value(key)
                archive.write_value(key, old + value, ts)
        finally:
            archive.close()
        os.unlink(src)
    # Timestamp gauges (mode "max": a route's last success, set in a horse) fold by max.
    src = os.path.join(directory, f"gauge_max_{pid}.db")
    if os.path.exists(src):
        archive = MmapedDict(os.path.join(directory, f"gauge_max_archive{archive_id}.db"))
        try:
            for key, value, ts, _pos in MmapedDict.read_all_values_from_file(src):
                old, _ = archive.read_value(key)
                archive.write_value(key, max(old, value), ts)
        finally:
            archive.close()
        os.unlink(src)
    multiprocess.mark_process_dead(pid, directory)


class _QueueCollector:
    """Queue depths and Redis health, read at scrape time (no per-process gauge files)."""

    def __init__(self, probe: Callable[[], dict[str, int] | None]):
        self.probe = probe

    def collect(self) -> Iterable[object]:
        from prometheus_client.core import GaugeMetricFamily

        depths = self.probe()
        up = GaugeMetricFamily("newsmon_redis_up", "1 when Redis answers, 0 when it does not")
        up.add_metric([], 0.0 if depths is None else 1.0)
        yield up
        q = GaugeMetricFamily("newsmon_queue_depth", "Jobs waiting per RQ queue", labels=["queue"])
        for name, depth in (depths or {}).items():
            q.add_metric([name], float(depth))
        yield q


def registry(probe: Callable[[], dict[str, int] | None], path: str | None = None,
             collectors: Iterable[object] = ()) -> object:
    from prometheus_client import CollectorRegistry, multiprocess

    reg = CollectorRegistry()
    path = path or os.environ.get(MULTIPROC_ENV)
    if path:
        multiprocess.MultiProcessCollector(reg, path=path)
    reg.register(_QueueCollector(probe))  # type: ignore[arg-type]
    for collector in collectors:  # scrape-time series of the caller (monitor.service)
        reg.register(collector)  # type: ignore[arg-type]
    return reg


def serve(host: str, port: int, probe: Callable[[], dict[str, int] | None],
          healthy: Callable[[], tuple[bool, str]], path: str | None = None,
          collectors: Iterable[object] = ()) -> ThreadingHTTPServer:
    """Start /metrics and /healthz in a daemon thread; returns the server (port 0 = any)."""
    from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

    reg = registry(probe, path, collectors)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path.startswith("/metrics"):
                body = generate_latest(reg)  # type: ignore[arg-type]
                self._reply(200, body, CONTENT_TYPE_LATEST)
            elif self.path.startswith("/healthz"):
                ok, detail = healthy()
                self._reply(200 if ok else 503, detail.encode(), "text/plain; charset=utf-8")
            else:
                self._reply(404, b"not found\n", "text/plain")

        def _reply(self, code: int, body: bytes, ctype: str) -> None:
            self.send_response(code)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            return

    server = ThreadingHTTPServer((host, port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True, name="metrics").start()
    return server
