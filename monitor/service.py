"""The always-on service: poller, supervised RQ workers, delivery, /metrics, /healthz, web.

Start-up is all or nothing: configuration, Redis (a bounded wait), then every listener is
bound before a worker starts; any of them failing is one line (monitor.redis_conn.InfraError)
and exit 2, never a half-started service. Then one line, `started`, names every listener.

Workers are supervised (`Supervisor`): each is its own process, started fresh (not forked
from this one, so it holds none of our listening sockets), dies with us (PR_SET_PDEATHSIG),
and takes its RQ scheduler and work horse with it when it dies. A dead worker is replaced
within SUPERVISE_INTERVAL seconds, with a `worker_died` line and
`newsmon_worker_restarts_total`. /healthz answers 503 naming the reason when fewer workers
are alive than configured, or the oldest queued article has waited longer than
NEWSMON_QUEUE_AGE_LIMIT. SIGTERM drains: workers finish the job in hand (RQ's warm
shutdown), and any still running after the job timeout are killed, so the service always
exits within it.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

import redis

from monitor.logs import get_logger
from monitor.pipeline import Pipeline
from monitor.redis_conn import InfraError
from monitor.settings import Settings

SUPERVISE_INTERVAL = 1.0
# A worker that dies sooner than this after its start counts as crash-looping: the next
# start waits, doubling up to RESTART_BACKOFF_CAP.
QUICK_DEATH = 10.0
RESTART_BACKOFF_CAP = 30.0
WORKER_CMD = [sys.executable, "-c", "from monitor.worker import child_main; child_main()"]


class Supervisor:
    """Keeps `size` worker processes alive until `stop`; the thread that starts them is the
    one that stops them (PR_SET_PDEATHSIG follows the thread that forked)."""

    def __init__(self, size: int, url: str, drain_timeout: float,
                 spawn: Callable[[], subprocess.Popen[bytes]] | None = None):
        self.size = size
        self.url = url
        self.drain_timeout = drain_timeout
        self._spawn = spawn or self._start_worker
        self.procs: list[subprocess.Popen[bytes] | None] = [None] * size
        self.started_at = [0.0] * size
        self.not_before = [0.0] * size
        self.backoff = [0.0] * size
        self.restarts = 0
        self.log = get_logger(role="supervisor", pid=os.getpid())
        self._stop = threading.Event()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, name="supervisor", daemon=True)

    def _start_worker(self) -> subprocess.Popen[bytes]:
        env = {**os.environ, "REDIS_URL": self.url, "NEWSMON_SUPERVISOR_PID": str(os.getpid())}
        return subprocess.Popen(WORKER_CMD, env=env, stdin=subprocess.DEVNULL, close_fds=True)

    def start(self) -> Supervisor:
        self._thread.start()
        self._ready.wait(30)
        return self

    def alive(self) -> int:
        return sum(1 for p in self.procs if p is not None and p.poll() is None)

    def pids(self) -> list[int]:
        return [p.pid for p in self.procs if p is not None and p.poll() is None]

    def _run(self) -> None:
        for i in range(self.size):
            self._launch(i)
        self._ready.set()
        while not self._stop.wait(SUPERVISE_INTERVAL):
            self.check()
        self._drain()

    def _launch(self, i: int) -> None:
        proc = self._spawn()
        self.procs[i] = proc
        self.started_at[i] = time.monotonic()

    def check(self) -> None:
        """Replace dead workers (reaping them: no <defunct> left)."""
        from monitor.observe import fold_dead_process

        now = time.monotonic()
        for i, proc in enumerate(self.procs):
            if proc is not None and proc.poll() is None:
                continue
            if proc is not None:
                lived = now - self.started_at[i]
                self.backoff[i] = (min(max(self.backoff[i] * 2, 1.0), RESTART_BACKOFF_CAP)
                                   if lived < QUICK_DEATH else 0.0)
                self.not_before[i] = now + self.backoff[i]
                code = proc.returncode
                self.log.error("worker_died", worker_pid=proc.pid, exit_code=code,
                               signal=signal.Signals(-code).name if code < 0 else None,
                               lived_s=round(lived, 1), restart_in=self.backoff[i])
                try:
                    fold_dead_process(proc.pid, archive_id=f"sup{os.getpid()}")
                except (OSError, ValueError):
                    pass
                self.procs[i] = None
            if now >= self.not_before[i] and not self._stop.is_set():
                self._launch(i)
                self.restarts += 1
                self.log.warning("worker_replaced", worker_pid=self.procs[i].pid,  # type: ignore[union-attr]
                                 alive=self.alive(), configured=self.size)

    def stop(self) -> None:
        """SIGTERM every worker (finish the job in hand), kill what is left after the drain
        timeout; returns once every worker has exited."""
        self._stop.set()
        self._thread.join(self.drain_timeout + 15)

    def _drain(self) -> None:
        procs = [p for p in self.procs if p is not None and p.poll() is None]
        for p in procs:
            p.send_signal(signal.SIGTERM)  # RQ's warm shutdown
        deadline = time.monotonic() + self.drain_timeout
        for p in procs:
            try:
                p.wait(max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self.log.error("worker_kill_after_drain_timeout", worker_pid=p.pid,
                               timeout_s=self.drain_timeout)
                p.kill()
                p.wait()


class SupervisionCollector:
    """Workers alive and configured, restarts, and the oldest queued job's age per queue,
    read at scrape time."""

    def __init__(self, supervisor: Supervisor | None, ages: Callable[[], dict[str, float]]):
        self.supervisor = supervisor
        self.ages = ages

    def collect(self) -> Iterable[object]:
        from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

        if self.supervisor is not None:
            sup = self.supervisor
            yield GaugeMetricFamily("newsmon_workers_alive", "Worker processes alive",
                                    value=float(sup.alive()))
            yield GaugeMetricFamily("newsmon_workers_configured",
                                    "Worker processes this process keeps alive",
                                    value=float(sup.size))
            yield CounterMetricFamily("newsmon_worker_restarts",
                                      "Dead worker processes replaced", value=float(sup.restarts))
        age = GaugeMetricFamily("newsmon_queue_oldest_age_seconds",
                                "Seconds the job at the head of each RQ queue has waited",
                                labels=["queue"])
        try:
            for name, seconds in self.ages().items():
                age.add_metric([name], seconds)
        except (redis.RedisError, OSError):
            pass
        yield age


def oldest_ages(client: redis.Redis, pipeline: Pipeline) -> dict[str, float]:
    """Per queue, how long its head job (the next to run; RQ appends at the tail) has
    waited since it was enqueued; 0 for an empty queue."""
    from rq.job import Job
    from rq.utils import utcparse

    out: dict[str, float] = {}
    now = time.time()
    for q in pipeline.queues.all:
        head = client.lindex(q.key, 0)
        seconds = 0.0
        if head is not None:
            raw = client.hget(Job.key_for(head.decode()), "enqueued_at")
            if raw:
                seconds = max(0.0, now - utcparse(raw.decode()).timestamp())
        out[q.name] = round(seconds, 1)
    return out


def _probe(url: str, pipeline: Pipeline, settings: Settings,
           supervisor: Supervisor | None) -> tuple[Any, Any, Any]:
    """Queue depths, queue ages and health for /metrics and /healthz, with a client of its own.

    The service's client retries for ~20 s to ride out a Redis restart; a probe must answer
    at once, so /healthz says 503 while Redis is away instead of hanging.
    """
    from rq import Queue

    from monitor.redis_conn import connect_probe

    client = connect_probe(url)
    queues = [Queue(q.name, connection=client, serializer=q.serializer)
              for q in pipeline.queues.all]
    articles = pipeline.queues.articles.name

    def depths() -> dict[str, int] | None:
        try:
            return {q.name: q.count for q in queues}
        except (redis.RedisError, OSError):
            return None

    def ages() -> dict[str, float]:
        return oldest_ages(client, pipeline)

    def healthy() -> tuple[bool, str]:
        try:
            client.ping()
        except (redis.RedisError, OSError) as exc:
            return False, f"redis unavailable: {type(exc).__name__}\n"
        reasons = []
        if supervisor is not None and supervisor.alive() < supervisor.size:
            reasons.append(f"{supervisor.alive()} of {supervisor.size} workers alive")
        if supervisor is not None:
            try:
                age = ages().get(articles, 0.0)
            except (redis.RedisError, OSError) as exc:
                return False, f"redis unavailable: {type(exc).__name__}\n"
            if age > settings.queue_age_limit:
                reasons.append(f"oldest queued article has waited {age:.0f} s "
                               f"(NEWSMON_QUEUE_AGE_LIMIT={settings.queue_age_limit:g})")
        if reasons:
            return False, "degraded: " + "; ".join(reasons) + "\n"
        return True, "ok\n"

    return depths, healthy, ages


def _serve_metrics(settings: Settings, depths: Any, healthy: Any, extra: list[Any]) -> Any:
    import errno

    from monitor.observe import serve

    try:
        return serve(settings.metrics_host, settings.metrics_port, depths, healthy,
                     collectors=extra)
    except OSError as exc:
        what = "NEWSMON_METRICS_HOST / NEWSMON_METRICS_PORT"
        if exc.errno == errno.EADDRINUSE:
            raise InfraError(f"port {settings.metrics_port} on {settings.metrics_host} is "
                             f"already in use: stop what listens there or set {what}") from None
        raise InfraError(f"cannot listen on {settings.metrics_host}:{settings.metrics_port} "
                         f"({exc.strerror}): set {what}") from None


def run_service(settings: Settings, *, poll: bool, workers: int, burst: bool = False,
                once: bool = False) -> int:
    from monitor.alerts.routes import load_routes
    from monitor.redis_conn import connect_checked, redact_url

    role = "run" if poll and workers else "poll" if poll else "worker"
    log = get_logger(role=role)
    # Configuration first: a bad file is reported with its line even when Redis is down.
    load_routes(settings.routes_path)
    feeds = []
    if poll:
        from monitor.poller import load_feeds

        feeds = load_feeds(settings.feeds_path)
    url, client = connect_checked(settings)
    pipeline = Pipeline(client, settings.namespace, settings)
    from monitor.metrics import init_known_labels

    init_known_labels([r.name for r in pipeline.routes], [f.name for f in feeds])

    if not poll and burst:
        from monitor.worker import make_worker

        make_worker(client, pipeline.queues).work(
            burst=True, with_scheduler=False, logging_level="WARNING")
        return 0

    supervisor = (Supervisor(workers, url, float(settings.job_timeout))
                  if workers > 0 else None)
    depths, healthy, ages = _probe(url, pipeline, settings, supervisor)
    server = _serve_metrics(settings, depths, healthy, [SupervisionCollector(supervisor, ages)])
    base = f"http://{settings.metrics_host}:{server.server_address[1]}"
    listeners = {"metrics": f"{base}/metrics", "healthz": f"{base}/healthz"}
    web = None
    if poll and workers:  # `newsmon run`: the web app too, on its own port
        from monitor.web.app import create_app
        from monitor.web.server import Credentials, bound_port, is_loopback, start_in_thread

        credentials = Credentials.from_settings(settings)
        try:
            web = start_in_thread(create_app(client, settings.namespace, settings),
                                  settings.web_host, settings.web_port, credentials=credentials)
        except InfraError:
            _close(server)
            raise
        listeners["web"] = f"http://{settings.web_host}:{bound_port(web)}/"
        if not credentials.required and not is_loopback(settings.web_host):
            log.warning("web_exposed_without_auth", host=settings.web_host,
                        fix="set NEWSMON_WEB_TOKEN or NEWSMON_WEB_USER/NEWSMON_WEB_PASSWORD")

    requeued = pipeline.ingestor.requeue_pending()
    if requeued:
        log.warning("requeued_pending_articles", count=requeued)
    if supervisor is not None:
        supervisor.start()
    log.info("started", feeds=len(feeds), workers=workers, listeners=listeners,
             redis=redact_url(url), worker_pids=supervisor.pids() if supervisor else [])

    stop = asyncio.Event()
    # Retention runs beside the poller (one per deployment; a lock keeps it to one sweep).
    retention = _retention_task(client, settings) if poll and not once else None

    async def main() -> None:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        if retention is not None:
            retention.start()
        if poll:
            from monitor.alerts.ops import enqueue_notice
            from monitor.poller import Poller

            poller = Poller(client, feeds, pipeline.ingestor, keys=pipeline.keys,
                            settings=settings,
                            notify=lambda n: enqueue_notice(pipeline.queues.alerts,
                                                            pipeline.routes, n,
                                                            settings.delivery_retries))
            if once:
                await poller.poll_once()
                return
            await poller.run(stop)
        else:
            await stop.wait()

    try:
        asyncio.run(main())
    finally:
        log.info("stopping", workers=supervisor.alive() if supervisor else 0)
        if retention is not None:
            retention.stop()
        if supervisor is not None:
            supervisor.stop()
        _close(server)
        if web is not None:
            web.should_exit = True
    log.info("stopped")
    return 0


def _close(server: Any) -> None:
    server.shutdown()
    server.server_close()


def _retention_task(client: redis.Redis, settings: Settings) -> Any:
    """The retention sweep, every NEWSMON_RETENTION_INTERVAL seconds, off the event loop."""
    if settings.retention_days <= 0:
        return None
    from monitor.retention import RetentionThread

    return RetentionThread(client, settings)
