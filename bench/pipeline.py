"""End-to-end throughput and latency on real news, against baselines measured in the same run.

    python bench/pipeline.py [--articles 2000] [--workers 2] [--feeds 20] [--rate R]

1. Baselines: W RQ worker processes drain N no-op jobs (`time.sleep(0)`, JSON serializer):
   RQ's ceiling on this machine with this worker count (fork per job included); and
   normalising the same N texts in this process, the least any Arabic matcher must do.
2. Pipeline: N real articles (`../shared/corpora/realnews` in published order, bench/
   corpus.py) served as F local RSS feeds, polled once by the real poller (a burst: all
   of them in one poll cycle), stored in Redis, processed by W worker processes (extract,
   compare, decide, raise alerts). Throughput from the first poll to the last article
   processed; per-article latency from enqueue to the end of its job (RQ's own job
   timestamps); per alert, from the enqueueing of the later of its two articles to the
   alert being raised. With --rate R the articles arrive at R per second (R/10 every
   100 ms, together, as a poll cycle delivers them) instead of in one poll.
3. Memory after the run: Redis used_memory growth and each worker's RSS, and their
   projection to a year of the same five outlets (bench/memory.py runs a whole month).

Issue 12 target (2 workers): a burst of 2,000 real articles in one poll alerted with
p95 <= 30 s from enqueue.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import redis  # noqa: E402
from rq import Queue  # noqa: E402
from rq.job import Job  # noqa: E402
from rq.serializers import JSONSerializer  # noqa: E402

from bench.corpus import real_articles  # noqa: E402
from monitor.claims.normalize import normalize  # noqa: E402
from monitor.logs import configure  # noqa: E402
from monitor.models import Article  # noqa: E402
from monitor.pipeline import Pipeline  # noqa: E402
from monitor.poller import Poller  # noqa: E402
from monitor.poller.config import FeedConfig  # noqa: E402
from monitor.redis_conn import EmbeddedRedis, free_port  # noqa: E402
from monitor.settings import Settings  # noqa: E402

PIPELINE_RSS: list[tuple[float, list[int]]] = []  # (seconds, RSS kB per worker)
WORKER = (
    "import sys\n"
    "from monitor.redis_conn import connect\n"
    "from monitor.worker import make_worker\n"
    "from monitor.queues import make_queues\n"
    "from monitor.keys import Keys\n"
    "from monitor.settings import get_settings\n"
    "s = get_settings()\n"
    "c = connect(sys.argv[1])\n"
    "names = sys.argv[2:]\n"
    "from rq import Queue, Worker\n"
    "from rq.serializers import JSONSerializer\n"
    "if names:\n"
    "    Worker([Queue(n, connection=c, serializer=JSONSerializer) for n in names],\n"
    "           connection=c, serializer=JSONSerializer).work(burst=True,\n"
    "           logging_level='WARNING')\n"
    "else:\n"
    "    make_worker(c, make_queues(c, Keys(s.namespace), s)).work(\n"
    "        with_scheduler=False, logging_level='WARNING')\n"
)


def _rss(articles: list[Article]) -> bytes:
    items = "".join(
        f"<item><guid>{a.url}</guid><link>{a.url}</link><title>{escape(a.title or '')}</title>"
        f"<pubDate>{a.published.strftime('%a, %d %b %Y %H:%M:%S +0000')}</pubDate>"
        f"<description>{escape(a.text)}</description></item>" for a in articles)
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>bench</title>{items}</channel></rss>").encode()


def _serve(feeds: dict[str, bytes]) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = feeds.get(self.path)
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
            self.send_header("Content-Length", str(len(body or b"")))
            self.end_headers()
            self.wfile.write(body or b"")

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def _env(ns: str, tmp: Path, i: int, routes: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), "NEWSMON_NAMESPACE": ns,
            "NEWSMON_ROUTES_FILE": str(routes), "NEWSMON_LOG_LEVEL": "warning",
            "NEWSMON_METRICS_DIR": str(tmp / f"m{i}")}


def noop_rate(url: str, client: redis.Redis, n: int, workers: int, tmp: Path,
              routes: Path) -> float:
    q = Queue("bench-noop", connection=client, serializer=JSONSerializer)
    for _ in range(n):
        q.enqueue("time.sleep", 0)
    started = time.perf_counter()
    procs = [subprocess.Popen([sys.executable, "-c", WORKER, url, "bench-noop"],
                              env=_env("bench", tmp, i, routes), stderr=subprocess.DEVNULL)
             for i in range(workers)]
    for p in procs:
        p.wait()
    return n / (time.perf_counter() - started)


class Run:
    """What a pipeline run measured."""

    def __init__(self) -> None:
        self.rate = 0.0
        self.job_latency: list[float] = []
        self.alert_latency: list[float] = []
        self.alerts = 0
        self.redis_growth = 0  # bytes of used_memory the run added
        self.worker_rss_kb: list[int] = []


def pipeline_run(url: str, client: redis.Redis, articles: list[Article], args: argparse.Namespace,
                 tmp: Path, routes: Path) -> Run:
    ns = "benchpipe"
    settings = Settings(routes_file=routes, namespace=ns)
    pipeline = Pipeline(client, ns, settings)
    procs = [subprocess.Popen([sys.executable, "-c", WORKER, url],
                              env=_env(ns, tmp, i, routes), stderr=subprocess.DEVNULL)
             for i in range(args.workers)]
    time.sleep(2.0)  # let the workers import and register before the clock starts
    run = Run()
    memory_before = int(client.info("memory")["used_memory"])
    started = time.perf_counter()
    rss: list[tuple[float, list[int]]] = []
    sampling = threading.Event()

    def sample() -> None:
        while not sampling.wait(5.0):
            rss.append((time.perf_counter() - started, [rss_kb(p.pid) for p in procs]))

    threading.Thread(target=sample, daemon=True).start()
    if args.rate:
        # Steady load: every 100 ms the articles of that tick arrive together, as a poll
        # cycle delivers a feed's new entries (and they share jobs, as from the poller).
        per_tick = max(1, round(args.rate / 10))
        for i in range(0, len(articles), per_tick):
            tick = time.perf_counter()
            with pipeline.ingestor.batch():
                for a in articles[i:i + per_tick]:
                    pipeline.ingestor.ingest(a)
            time.sleep(max(0.0, 0.1 - (time.perf_counter() - tick)))
    else:
        per_feed = [articles[i::args.feeds] for i in range(args.feeds)]
        server = _serve({f"/feed{i}.xml": _rss(chunk) for i, chunk in enumerate(per_feed)})
        base = f"http://127.0.0.1:{server.server_address[1]}"
        feeds = [FeedConfig(name=f"bench{i}", url=f"{base}/feed{i}.xml", interval=60)
                 for i in range(args.feeds)]
        poller = Poller(client, feeds, pipeline.ingestor, keys=pipeline.keys, settings=settings)
        asyncio.run(poller.poll_once())
    while client.scard(pipeline.ingestor.pending_key()) > 0:
        time.sleep(0.05)
    elapsed = time.perf_counter() - started
    sampling.set()
    PIPELINE_RSS[:] = rss
    run.worker_rss_kb = [rss_kb(p.pid) for p in procs]
    for p in procs:
        p.terminate()
    for p in procs:
        p.wait()
    run.rate = len(articles) / elapsed
    run.redis_growth = int(client.info("memory")["used_memory"]) - memory_before
    registry = pipeline.queues.articles.finished_job_registry
    enqueued: dict[str, float] = {}
    for job in Job.fetch_many(registry.get_job_ids(), connection=client,
                              serializer=JSONSerializer):
        if job and job.enqueued_at and job.ended_at:
            run.job_latency.append((job.ended_at - job.enqueued_at).total_seconds())
            at = job.enqueued_at.replace(tzinfo=UTC).timestamp()
            for a in job.kwargs.get("article_ids") or [job.kwargs.get("article_id")]:
                enqueued[a] = at
    raised = pipeline.ledger.all(include_retracted=True)
    for alert in raised:
        sides = [enqueued.get(alert.previous.get("article_id")),
                 enqueued.get(alert.current.get("article_id"))]
        known = [t for t in sides if t is not None]
        if known:
            created = alert.created_at if alert.created_at.tzinfo else \
                alert.created_at.replace(tzinfo=UTC)
            run.alert_latency.append(created.timestamp() - max(known))
    run.alerts = len(pipeline.ledger.all())
    return run


def rss_kb(pid: int) -> int:
    with open(f"/proc/{pid}/status", encoding="ascii") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))


# The real months hold two of the outlets' categories (middleEast, internationalNews):
# a year of the five outlets is at least 12 such months.
MONTHS_PER_YEAR = 12


def quantiles(values: list[float]) -> list[float]:
    return statistics.quantiles(values, n=100) if len(values) >= 2 else [float("nan")] * 99


def normalise_rate(articles: list[Article]) -> float:
    started = time.perf_counter()
    for a in articles:
        normalize(a.full_text)
    return len(articles) / (time.perf_counter() - started)


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--articles", type=int, default=2000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--feeds", type=int, default=20)
    ap.add_argument("--rate", type=float, default=0.0, help="ingest at this many articles/s")
    ap.add_argument("--soak", type=float, default=0.0,
                    help="seconds: run at --rate this long and report worker RSS growth")
    return ap


def measure(args: argparse.Namespace) -> tuple[Run, float, float, list[Article]]:
    """The run, RQ's no-op jobs/s with the same workers, normalise-only articles/s."""
    configure("WARNING")  # the in-process poller's lines would drown the report
    tmp = Path(tempfile.mkdtemp(prefix="newsmon-bench-"))
    routes = tmp / "routes.yaml"
    routes.write_text("routes: []\n", encoding="utf-8")
    if args.soak:
        args.rate = args.rate or 20.0
        args.articles = int(args.rate * args.soak)
    articles = real_articles(args.articles)
    server = EmbeddedRedis(port=free_port(), appendonly=False).start()
    try:
        client = redis.Redis.from_url(server.url)
        noop = noop_rate(server.url, client, args.articles, args.workers, tmp, routes)
        base = normalise_rate(articles)
        run = pipeline_run(server.url, client, articles, args, tmp, routes)
        base = statistics.mean([base, normalise_rate(articles)])  # before and after the run
    finally:
        server.stop()
    return run, noop, base, articles


def memory_report(run: Run, articles: list[Article]) -> None:
    days = max(1.0, (articles[-1].published_or_epoch() - articles[0].published_or_epoch())
               .total_seconds() / 86400)
    per_article = run.redis_growth / len(articles)
    months = days / 30.4
    year = per_article * len(articles) / months * MONTHS_PER_YEAR
    print(f"memory: Redis used_memory +{run.redis_growth / 2**20:.1f} MB for {len(articles)} "
          f"articles over {days:.0f} days ({per_article / 1024:.1f} KB per article, RQ's "
          f"finished jobs included until their result_ttl); worker RSS "
          f"{[round(k / 1024, 1) for k in run.worker_rss_kb]} MB")
    print(f"projection: a year of the five outlets ({len(articles) / months * MONTHS_PER_YEAR:.0f}"
          f" articles at this rate), if Redis keeps all it holds now: ~{year / 2**30:.2f} GB; "
          f"worker RSS is per process, not per article (`--soak` measures its growth)")


def main() -> None:
    args = parser().parse_args()
    run, noop, base, articles = measure(args)
    q, qa = quantiles(run.job_latency), quantiles(run.alert_latency)
    mode = f"ingested at {args.rate:g}/s" if args.rate else f"one poll of {args.feeds} feeds"
    print(f"articles: {args.articles} real ({mode}), workers: {args.workers}, "
          f"alerts raised: {len(run.alert_latency)}, holding: {run.alerts}")
    print(f"pipeline: {run.rate:.1f} articles/s; enqueue-to-done latency p50 {q[49]:.2f} s, "
          f"p95 {q[94]:.2f} s, p99 {q[98]:.2f} s")
    print(f"alerts:   enqueue-to-alert p50 {qa[49]:.2f} s, p95 {qa[94]:.2f} s "
          f"(target for 2,000 in one poll on 2 workers: p95 <= 30 s: "
          f"{'met' if qa[94] <= 30 else 'NOT met'})")
    print(f"baseline: RQ no-op jobs with the same workers: {noop:.1f} jobs/s "
          f"({noop / args.workers:.1f} per worker); normalise only: {base:.0f} articles/s")
    print(f"ratio: pipeline / RQ no-op = {run.rate / noop:.3f}; pipeline / normalise = "
          f"{run.rate / base:.4f}")
    memory_report(run, articles)
    if args.soak and len(PIPELINE_RSS) >= 4:
        # Growth after warm-up (the first minute or first quarter): RSS settles once the
        # caches and the allocator's arenas are filled.
        warm = next((r for t, r in PIPELINE_RSS if t >= min(60.0, args.soak / 4)),
                    PIPELINE_RSS[0][1])
        last = PIPELINE_RSS[-1][1]
        growth = max((b - a) / a for a, b in zip(warm, last, strict=True))
        print(f"soak: {args.soak:.0f} s at {args.rate:g}/s; worker RSS after warm-up "
              f"{[round(k / 1024, 1) for k in warm]} MB -> {[round(k / 1024, 1) for k in last]}"
              f" MB: growth {growth:.1%} (target < 10%)")


if __name__ == "__main__":
    main()
