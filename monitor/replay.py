"""Replay articles through the real pipeline (Redis + RQ burst workers) in published order."""

from __future__ import annotations

import multiprocessing
import sys
import threading

import redis

from monitor.models import Alert, Article
from monitor.pipeline import Pipeline
from monitor.queues import Queues
from monitor.settings import Settings
from monitor.worker import drain, preload


def _progress(client: redis.Redis, key: str, total: int, stop: threading.Event) -> None:
    """A progress bar on stderr (only when it is a terminal): articles processed of total."""
    while not stop.wait(0.2):
        left = client.scard(key)
        done = total - int(left)
        width = 30
        filled = int(width * done / max(total, 1))
        sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} articles")
        sys.stderr.flush()
    sys.stderr.write(f"\r[{'#' * 30}] {total}/{total} articles\n")


# A replay's articles arrive all at once: bigger jobs than a poll's (NEWSMON_BATCH_SIZE)
# pay a horse's fork and setup once per 64 articles, not per 8 (1,200 real articles, one
# worker: 13.6-19.0 s at 8, 8.2-9.0 s at 64); each worker still gets several jobs.
REPLAY_BATCH = 64


def _drain_child(client: redis.Redis, queues: Queues, settings: Settings) -> None:
    # A forked child: redis-py's pool sees the new pid and opens its own connections.
    drain(client, queues, settings)


def replay(client: redis.Redis, ns: str, articles: list[Article], settings: Settings, *,
           progress: bool = False, keep: bool = False, workers: int = 1) -> list[Alert]:
    """The articles enqueued in published order, drained by `workers` burst workers.

    One worker processes them in published order. Several take jobs as they come (the
    store settles to the same facts and alerts in any order: tests/test_concurrency.py);
    they are forked from this process after `preload()`, so each starts with the lexicon
    compiled and the word frequencies loaded.
    """
    if workers <= 1:
        # Published order, one worker: nothing will retract an alert, so none waits to settle.
        settings = settings.model_copy(update={"alert_settle_seconds": 0.0})
    per_worker = -(-len(articles) // (4 * max(1, workers)))  # at least 4 jobs a worker
    batch = max(settings.batch_size, min(REPLAY_BATCH, per_worker))
    settings = settings.model_copy(update={"batch_size": batch})
    pipeline = Pipeline(client, ns, settings)
    from monitor.metrics import init_known_labels

    init_known_labels([r.name for r in pipeline.routes])
    with pipeline.ingestor.batch():
        for article in articles:
            pipeline.ingestor.ingest(article)
    procs = []
    if workers > 1:
        preload()  # before the fork: every worker and its horses inherit it
        ctx = multiprocessing.get_context("fork")
        procs = [ctx.Process(target=_drain_child, args=(client, pipeline.queues, settings))
                 for _ in range(workers)]
        for p in procs:  # forked before the progress thread starts: no thread is copied
            p.start()
    stop = threading.Event()
    bar = None
    if progress:
        bar = threading.Thread(
            target=_progress,
            args=(client, pipeline.ingestor.pending_key(), len(articles), stop),
            daemon=True,
        )
        bar.start()
    try:
        for p in procs:
            p.join()
        # One worker, or a job a worker enqueued after the others had found the queues empty.
        drain(client, pipeline.queues, settings)
    finally:
        for p in procs:
            if p.is_alive():  # interrupted: stop the workers (SIGTERM: their jobs finish)
                p.terminate()
                p.join()
        stop.set()
        if bar:
            bar.join()
    alerts = pipeline.ledger.all()
    if not keep:
        drop_namespace(client, ns)
    return alerts


def drop_namespace(client: redis.Redis, ns: str) -> None:
    """Delete a replay's keys: its own, and RQ's for its queues and jobs."""
    for pattern in (f"{ns}:*", f"rq:*{ns}-*", f"rq:*:{ns}-*"):
        batch = []
        for key in client.scan_iter(match=pattern, count=500):
            batch.append(key)
            if len(batch) >= 500:
                client.delete(*batch)
                batch.clear()
        if batch:
            client.delete(*batch)
