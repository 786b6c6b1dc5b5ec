"""Replay articles through the real pipeline (Redis + RQ burst workers) in published order."""

from __future__ import annotations

import sys
import threading

import redis

from monitor.models import Alert, Article
from monitor.pipeline import Pipeline
from monitor.settings import Settings
from monitor.worker import drain


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


def replay(client: redis.Redis, ns: str, articles: list[Article], settings: Settings, *,
           progress: bool = False, keep: bool = False) -> list[Alert]:
    # Published order, one worker: nothing will retract an alert, so none waits to settle.
    settings = settings.model_copy(update={"alert_settle_seconds": 0.0})
    pipeline = Pipeline(client, ns, settings)
    from monitor.metrics import init_known_labels

    init_known_labels([r.name for r in pipeline.routes])
    with pipeline.ingestor.batch():
        for article in articles:
            pipeline.ingestor.ingest(article)
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
        drain(client, pipeline.queues, settings)
    finally:
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
