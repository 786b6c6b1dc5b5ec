"""The always-on service: poller, RQ workers, delivery, /metrics and /healthz; SIGTERM drains."""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import signal
from typing import Any

import redis

from monitor.logs import get_logger
from monitor.pipeline import Pipeline
from monitor.settings import Settings


def _probe(url: str, pipeline: Pipeline) -> Any:
    """Queue depths and health for /metrics and /healthz, read with a client of its own.

    The service's client retries for ~20 s to ride out a Redis restart; a probe must answer
    at once, so /healthz says 503 while Redis is away instead of hanging.
    """
    from rq import Queue

    from monitor.redis_conn import connect_probe

    client = connect_probe(url)
    queues = [Queue(q.name, connection=client, serializer=q.serializer)
              for q in pipeline.queues.all]

    def depths() -> dict[str, int] | None:
        try:
            return {q.name: q.count for q in queues}
        except (redis.RedisError, OSError):
            return None

    def healthy() -> tuple[bool, str]:
        try:
            client.ping()
            return True, "ok\n"
        except (redis.RedisError, OSError) as exc:
            return False, f"redis unavailable: {type(exc).__name__}\n"

    return depths, healthy


def _worker_main(url: str, ns: str) -> None:
    from monitor.redis_conn import connect
    from monitor.settings import get_settings
    from monitor.worker import work

    settings = get_settings()
    client = connect(url)
    pipeline = Pipeline(client, ns, settings)
    work(client, pipeline.queues)


def run_service(settings: Settings, *, poll: bool, workers: int, burst: bool = False,
                once: bool = False) -> int:
    from monitor.alerts.routes import load_routes
    from monitor.observe import serve
    from monitor.redis_conn import connect, redis_url

    log = get_logger(role="run" if poll and workers else "poll" if poll else "worker")
    # Configuration first: a bad file is reported with its line even when Redis is down.
    load_routes(settings.routes_path)
    feeds = []
    if poll:
        from monitor.poller import load_feeds

        feeds = load_feeds(settings.feeds_path)
    url = redis_url(settings)
    client = connect(url)
    pipeline = Pipeline(client, settings.namespace, settings)
    from monitor.metrics import init_known_labels

    init_known_labels([r.name for r in pipeline.routes], [f.name for f in feeds])
    depths, healthy = _probe(url, pipeline)
    server = serve(settings.metrics_host, settings.metrics_port, depths, healthy)
    web = None
    if poll and workers:  # `newsmon run`: the web app too, on its own port
        from monitor.web.app import create_app
        from monitor.web.server import start_in_thread

        web = start_in_thread(create_app(client, settings.namespace, settings),
                              settings.web_host, settings.web_port)
    log.info("started", feeds=len(feeds), workers=workers,
             metrics_port=server.server_address[1], redis=url)
    requeued = pipeline.ingestor.requeue_pending()
    if requeued:
        log.warning("requeued_pending_articles", count=requeued)

    if not poll:
        from monitor.worker import make_worker, work

        if workers <= 1:
            if burst:
                make_worker(client, pipeline.queues).work(
                    burst=True, with_scheduler=False, logging_level="WARNING")
            else:
                work(client, pipeline.queues)
            server.shutdown()
            return 0

    ctx = multiprocessing.get_context("fork")
    procs = [ctx.Process(target=_worker_main, args=(url, settings.namespace), daemon=False)
             for _ in range(workers)]
    for p in procs:
        p.start()

    stop = asyncio.Event()

    async def main() -> None:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
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

    asyncio.run(main())
    log.info("stopping", workers=len(procs))
    for p in procs:
        if p.pid:
            os.kill(p.pid, signal.SIGTERM)  # RQ's warm shutdown: finish the job in hand
    for p in procs:
        p.join(settings.job_timeout + 10)
        if p.is_alive():
            p.kill()
    server.shutdown()
    if web is not None:
        web.should_exit = True
    log.info("stopped")
    return 0
