"""The RQ worker newsmon runs: forks a horse per job, JSON serializer, metrics folded per job."""

from __future__ import annotations

import os
import signal

import redis
from rq import Worker
from rq.serializers import JSONSerializer

from monitor.logs import get_logger
from monitor.observe import fold_dead_process
from monitor.queues import Queues
from monitor.settings import Settings, activate


class NewsmonWorker(Worker):
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


def make_worker(client: redis.Redis, queues: Queues, name: str | None = None) -> NewsmonWorker:
    return NewsmonWorker(
        queues.all,
        connection=client,
        serializer=JSONSerializer,
        name=name,
    )


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
