"""The RQ worker newsmon runs: forks a horse per job, JSON serializer, metrics folded per job."""

from __future__ import annotations

import os

import redis
from rq import Worker
from rq.serializers import JSONSerializer

from monitor.observe import fold_dead_process
from monitor.queues import Queues


class NewsmonWorker(Worker):
    def execute_job(self, job, queue):  # type: ignore[no-untyped-def]
        try:
            super().execute_job(job, queue)
        finally:
            if self._horse_pid:
                fold_dead_process(self._horse_pid, archive_id=str(os.getpid()))


def make_worker(client: redis.Redis, queues: Queues, name: str | None = None) -> NewsmonWorker:
    return NewsmonWorker(
        queues.all,
        connection=client,
        serializer=JSONSerializer,
        name=name,
    )


def drain(client: redis.Redis, queues: Queues, *, max_rounds: int = 50) -> None:
    """Run burst workers until both queues are empty (an alert job may follow an article job)."""
    for _ in range(max_rounds):
        worker = make_worker(client, queues)
        worker.work(burst=True, logging_level="WARNING", with_scheduler=False)
        if all(q.count == 0 for q in queues.all):
            return
