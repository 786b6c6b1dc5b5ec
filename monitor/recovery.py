"""Give a dead worker's job to a live one within seconds, not RQ's ~11 minutes.

A job whose worker is SIGKILLed (OOM killer, `docker kill`, a lost host) stays in RQ's
StartedJobRegistry until its entry's heartbeat expires; RQ then retries it, but only in a
maintenance pass, which runs every 10 minutes, after a heartbeat allowance of 90 s.

newsmon workers heartbeat every HEARTBEAT_INTERVAL seconds with a HEARTBEAT_GRACE allowance
(see monitor.worker), and each runs a Reaper thread: every REAP_INTERVAL seconds one of
them (a short Redis lock per queue) puts jobs whose heartbeat expired back at the *front*
of their queue, at once. The worker died, not the job: there is no reason to wait out the
job's retry backoff, nor to depend on RQ's scheduler, whose lock the dead worker may hold
for another minute. It still costs one of the job's retries, so a job that kills every
horse that runs it ends in the failed registry instead of looping forever.

Running a job twice is safe: facts are recorded idempotently per claim, alerts once per
stable id, and a redelivered alert carries the same webhook-id.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import redis
from rq import Queue
from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus
from rq.registry import StartedJobRegistry
from rq.utils import current_timestamp

from monitor.logs import get_logger

HEARTBEAT_INTERVAL = 5  # seconds between a busy worker's heartbeats
# How late a heartbeat may be before its job counts as abandoned. Generous, since a job
# taken from a live but stalled worker (a loaded host) runs twice.
HEARTBEAT_GRACE = 20
REAP_INTERVAL = 5.0
SWEEP_INTERVAL = 30.0  # seconds between looks for articles pending with no job

# Worst case from a kill to the job being queued again:
# HEARTBEAT_INTERVAL + HEARTBEAT_GRACE + REAP_INTERVAL = 30 s.


def _lock_key(queue: Queue) -> str:
    return f"newsmon:reaper-lock:{queue.name}"


def reap_abandoned(queue: Queue) -> list[str]:
    """Requeue, at the front, the queue's jobs whose worker stopped heartbeating."""
    conn = queue.connection
    registry = StartedJobRegistry(queue.name, connection=conn, serializer=queue.serializer)
    requeued: list[str] = []
    for raw in conn.zrangebyscore(registry.key, 0, current_timestamp()):
        entry = raw.decode() if isinstance(raw, bytes) else str(raw)
        job_id = registry.parse_job_id(entry)
        try:
            job = Job.fetch(job_id, connection=conn, serializer=queue.serializer)
        except NoSuchJobError:
            continue  # RQ's own cleanup drops the entry
        if job.get_status(refresh=False) != JobStatus.STARTED or not job.retries_left:
            continue  # finished meanwhile, or out of retries: RQ's cleanup fails it
        if not conn.zrem(registry.key, entry):
            continue  # its worker finished it just now
        # Log before enqueueing: a worker may fork a horse for the job the moment it is
        # queued, and a fork while this thread holds the log stream's lock is best avoided.
        get_logger(job_id=job.id, queue=queue.name).warning(
            "abandoned_job_requeued", worker=job.worker_name, retries_left=job.retries_left - 1)
        job.retries_left -= 1
        queue.enqueue_job(job, at_front=True)
        requeued.append(job.id)
    registry.cleanup()  # what is left: RQ's handling (the failed registry when out of retries)
    return requeued


def reap_once(queues: list[Queue], owner: str) -> list[str]:
    """One reaper pass over `queues`; only the holder of a queue's lock reaps it."""
    out: list[str] = []
    for queue in queues:
        lock_ms = int(REAP_INTERVAL * 1000) - 500
        if queue.connection.set(_lock_key(queue), owner, nx=True, px=lock_ms):
            out += reap_abandoned(queue)
    return out


class Reaper:
    """A daemon thread running `reap_once` every REAP_INTERVAL seconds until stopped.

    It has its own connection pool: a work horse forked while this thread holds a pooled
    connection must not inherit it.
    """

    def __init__(self, client: redis.Redis, queues: list[Queue], owner: str,
                 sweep: Callable[[redis.Redis], Callable[[], object]] | None = None):
        pool = client.connection_pool
        self.client = redis.Redis(connection_pool=type(pool)(
            connection_class=pool.connection_class, **pool.connection_kwargs))
        self.queues = [Queue(q.name, connection=self.client, serializer=q.serializer)
                       for q in queues]
        self.owner = owner
        # A sweep for work lost outside RQ (articles pending with no job), built on this
        # thread's own connection; one worker at a time runs it, every SWEEP_INTERVAL.
        self.sweep = sweep(self.client) if sweep is not None else None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="newsmon-reaper", daemon=True)

    def start(self) -> Reaper:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(REAP_INTERVAL + 5)
        self.client.close()

    def _run(self) -> None:
        while not self._stop.wait(REAP_INTERVAL):
            try:
                reap_once(self.queues, self.owner)
                if self.sweep is not None and self.client.set(
                        f"newsmon:orphan-sweep:{self.queues[0].name}", self.owner, nx=True,
                        px=int(SWEEP_INTERVAL * 1000)):
                    self.sweep()
            except (redis.RedisError, OSError) as exc:  # Redis away: try again next tick
                get_logger().debug("reaper_skipped", error=type(exc).__name__)
