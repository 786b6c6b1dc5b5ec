"""The RQ worker newsmon runs: forks a horse per job, JSON serializer, metrics folded per job.

Made for an always-on service: short heartbeats and a reaper (monitor.recovery) so a killed
worker's job runs again within a minute, Redis outages ridden out instead of ending the
worker, and a SIGTERM that lets the job in hand finish.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Callable
from typing import Any

import redis
from rq import Worker
from rq.serializers import JSONSerializer

from monitor.logs import get_logger
from monitor.observe import fold_dead_process
from monitor.queues import Queues
from monitor.recovery import HEARTBEAT_GRACE, HEARTBEAT_INTERVAL, Reaper
from monitor.settings import Settings, activate

# An idle worker wakes once per BLPOP wait, WORKER_TTL - 15 s (RQ's rule), to heartbeat
# and run due maintenance. RQ's 420 s would leave maintenance waiting up to 405 s.
WORKER_TTL = 35
# RQ's maintenance: registry cleanup, and restarting the scheduler (retries with backoff)
# when its process died (a Redis outage longer than the client's retries kills it) or
# taking it over from a dead worker. RQ's default, 10 minutes, held retries that long.
MAINTENANCE_INTERVAL = 30
# Back-off between restarts of a worker that RQ ended on an error (Redis gone too long).
RESTART_BACKOFF_CAP = 30.0
# How long the worker's pubsub thread (RQ's stop and kill commands) waits for a message
# before it looks at its stop flag. A warm shutdown unsubscribes, then joins the thread:
# with RQ's 60 s, a thread that had already read the unsubscribe reply waited out the
# minute, and SIGTERM took a minute to stop an idle worker (rq#1613, rq#2228), longer than
# `docker stop` waits. A wake-up a second costs nothing beside a job.
PUBSUB_WAIT = 1.0


class NewsmonWorker(Worker):
    stop_requested_by_signal = False

    def fork_work_horse(self, job, queue):  # type: ignore[no-untyped-def]
        super().fork_work_horse(job, queue)
        self._last_horse = self._horse_pid  # RQ resets _horse_pid once the horse is reaped

    def execute_job(self, job, queue):  # type: ignore[no-untyped-def]
        self._last_horse = 0
        try:
            super().execute_job(job, queue)
        finally:
            if self._last_horse:
                try:
                    fold_dead_process(self._last_horse, archive_id=str(os.getpid()))
                except (OSError, ValueError) as exc:  # metrics must never stop the work
                    get_logger(pid=self._last_horse).warning("metrics_fold_failed",
                                                             error=str(exc))

    def get_heartbeat_ttl(self, job, working_time: float = 0.0) -> int:  # type: ignore[no-untyped-def]
        """RQ allows 60 s past the next heartbeat; newsmon HEARTBEAT_GRACE, so the reaper
        sees a dead worker's job quickly."""
        interval = float(self.job_monitoring_interval)
        if job.timeout and job.timeout > 0:
            interval = max(1.0, min(job.timeout - working_time, interval))
        return int(interval) + HEARTBEAT_GRACE

    def maintain_heartbeats(self, job, execution):  # type: ignore[no-untyped-def]
        # RQ lets a Redis error here end the worker while its horse runs on; a restarting
        # Redis is a pause: skip this heartbeat, the next one comes in a few seconds.
        try:
            super().maintain_heartbeats(job, execution)
        except (redis.ConnectionError, redis.TimeoutError) as exc:
            get_logger(job_id=job.id).warning("heartbeat_failed", error=type(exc).__name__)

    def subscribe(self) -> None:
        """RQ's subscribe, with a thread that notices a stop within `PUBSUB_WAIT`."""
        self.pubsub = self.connection.pubsub()
        self.pubsub.subscribe(**{self.pubsub_channel_name: self.handle_payload})
        self.pubsub_thread = self.pubsub.run_in_thread(
            sleep_time=PUBSUB_WAIT, daemon=True,
            exception_handler=self._pubsub_exception_handler)

    def request_stop(self, signum: Any, frame: Any) -> None:
        self.stop_requested_by_signal = True
        super().request_stop(signum, frame)


def preload() -> None:
    """Import the jobs and load the lexicons once, in the worker: every forked horse inherits
    them instead of paying ~70 ms per job to load them again."""
    import workers.jobs  # noqa: F401
    from monitor.claims.lexicon import default_lexicon
    from monitor.claims.vet import load_counted
    from monitor.facts import confidence, incident, story
    from monitor.settings import get_settings

    default_lexicon()
    load_counted(str(get_settings().config_dir))
    incident.preload()
    confidence.preload()
    story.preload()


def make_worker(client: redis.Redis, queues: Queues, name: str | None = None) -> NewsmonWorker:
    preload()
    return NewsmonWorker(
        queues.all,
        connection=client,
        serializer=JSONSerializer,
        name=name,
        job_monitoring_interval=HEARTBEAT_INTERVAL,
        worker_ttl=WORKER_TTL,
        maintenance_interval=MAINTENANCE_INTERVAL,
    )


def work(client: redis.Redis, queues: Queues, *, name: str | None = None,
         sweep: Callable[[redis.Redis], Callable[[], object]] | None = None) -> None:
    """Work until SIGTERM/SIGINT (then finish the job in hand); must run in the main thread.

    RQ ends its work loop on errors it does not handle (Redis unreachable for longer than
    the client's retries, mid-job). That is not a reason for newsmon to stop: start a new
    worker after a growing pause, until a signal asks us to stop.
    """
    log = get_logger(role="worker", pid=os.getpid())
    reaper = Reaper(client, queues.all, owner=name or f"pid-{os.getpid()}",
                    sweep=sweep).start()
    stop = threading.Event()
    delay = 1.0
    try:
        while True:
            worker = make_worker(client, queues, name=name)
            try:
                worker.work(with_scheduler=True, logging_level="WARNING")
            except (redis.ConnectionError, redis.TimeoutError) as exc:
                # e.g. RQ's teardown, registering the worker's death in a Redis that is away
                log.warning("worker_redis_error", error=type(exc).__name__)
            if worker.stop_requested_by_signal:
                return
            log.error("worker_ended_unexpectedly", restart_in=delay)
            # RQ's handlers talk to Redis (which may be away): ours only set a flag.
            for sig in (signal.SIGTERM, signal.SIGINT):
                signal.signal(sig, lambda *_: stop.set())
            if stop.wait(delay):
                return
            delay = min(delay * 2, RESTART_BACKOFF_CAP)
    finally:
        reaper.stop()


def die_with_parent(sig: int = signal.SIGKILL, expected_parent: int | None = None) -> None:
    """Linux: this process gets `sig` when its parent dies, even by SIGKILL.

    If the parent is already gone (it died between the fork and this call), exit now:
    nothing would deliver the signal later.
    """
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, int(sig))  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: supervision still reaps and replaces
        return
    if expected_parent is not None and os.getppid() != expected_parent:
        os._exit(1)


def _children_die_with_me() -> None:
    """Every process this worker forks (RQ's work horses and its scheduler) is SIGKILLed if
    the worker dies: a SIGKILLed worker leaves no horse running a job nobody waits for, and
    no scheduler orphaned to PID 1. A job whose horse died so is requeued by the reaper."""
    parent = os.getpid()
    os.register_at_fork(after_in_child=lambda: die_with_parent(signal.SIGKILL, parent))


def _json_crashes() -> None:
    """Uncaught exceptions of this worker, its threads and RQ's scheduler process become
    JSON log lines (`exception` field), not raw tracebacks on stderr."""
    import sys

    import rq.scheduler

    def hook(kind: type[BaseException], exc: BaseException, tb: Any) -> None:
        get_logger(pid=os.getpid()).error("uncaught_exception", exc_info=(kind, exc, tb))

    sys.excepthook = hook
    threading.excepthook = lambda a: hook(a.exc_type, a.exc_value or Exception(),  # type: ignore[arg-type]
                                          a.exc_traceback)
    original = rq.scheduler.run

    def run(scheduler: Any) -> None:
        # RQ's own `run` logs the exception (as JSON, through monitor.logs) and re-raises;
        # multiprocessing would then print it again, raw. Exit 1 instead: the worker's
        # maintenance starts a new scheduler.
        try:
            original(scheduler)
        except Exception:
            sys.exit(1)

    rq.scheduler.run = run  # type: ignore[assignment]


def child_main() -> None:
    """Entry of a supervised worker process (monitor.service starts it with
    `python -c 'from monitor.worker import child_main; child_main()'`).

    It dies with its supervisor (SIGTERM: RQ's warm shutdown) and its own children die with
    it. Settings come from the environment the supervisor passes on.
    """
    supervisor = int(os.environ.get("NEWSMON_SUPERVISOR_PID", "0")) or None
    die_with_parent(signal.SIGTERM, supervisor)
    _children_die_with_me()
    _json_crashes()
    from monitor import logs
    from monitor.pipeline import Pipeline
    from monitor.redis_conn import connect
    from monitor.settings import get_settings

    settings = get_settings()
    logs.configure(settings.log_level, settings.log_json)
    client = connect(os.environ["REDIS_URL"])
    work(client, Pipeline(client, settings.namespace, settings).queues,
         sweep=lambda c: Pipeline(c, settings.namespace, settings).ingestor.requeue_orphans)


def drain(client: redis.Redis, queues: Queues, settings: Settings | None = None, *,
          max_rounds: int = 50) -> None:
    """Run burst workers until both queues are empty (an alert job may follow an article job)."""
    if settings is not None:
        activate(settings)
    for _ in range(max_rounds):
        worker = make_worker(client, queues)
        # RQ installs its own SIGINT/SIGTERM handlers and leaves them: put ours back, so
        # Ctrl-C after a drain (e.g. `newsmon demo --serve`) is a KeyboardInterrupt again.
        handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            worker.work(burst=True, logging_level="WARNING", with_scheduler=False)
        finally:
            for sig, handler in handlers.items():
                signal.signal(sig, handler)
        if all(q.count == 0 for q in queues.all):
            return
