"""One poll cycle of many feeds served locally, with a baseline measured in the same run.

    python bench/poller.py [--feeds 5000] [--hosts 50] [--concurrency 64] [--per-host 2]
                           [--sample 500]

A feed server runs in a child process (the other core) on one port; feeds are spread over
`--hosts` loopback addresses (127.0.0.1, 127.0.0.2, ...: Linux routes all of 127/8 to lo),
so the poller's per-host politeness limit is exercised as it would be on real outlets.
The mix, fixed by feed number: 60% answer 200 with a small Arabic RSS document (3 items),
20% answer 304 (the poller holds their ETag from an earlier cycle), 10% fail (500/404/410)
and 10% are slow (0.3-1.0 s before answering 200).

Measured: the project's Poller (bounded concurrency, per-host limit, Redis feed state, the
real parser) over all feeds in one cycle, into a counting sink. Baseline: plain sequential
httpx GETs; all feeds would take minutes (the slow ones alone are ~6 min), so a sample of
`--sample` feeds drawn at random (fixed seed) is timed and extrapolated linearly, which the
output says. Target: the whole cycle within 60 s.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx
import redis

from monitor.keys import Keys
from monitor.models import Article
from monitor.poller import FeedConfig, Poller
from monitor.poller.state import FeedState
from monitor.redis_conn import EmbeddedRedis, free_port
from monitor.settings import Settings

ITEM = ("<item><title>مقتل {n} شخصا في غارة على المدينة {i}</title>"
        "<link>http://news.example/{i}/{n}</link><guid>g-{i}-{n}</guid>"
        "<pubDate>Mon, 19 Feb 2024 10:00:00 +0000</pubDate>"
        "<description>&lt;p&gt;قال مسؤول محلي إن {n} شخصا قتلوا في الغارة على المدينة، "
        "وأصيب آخرون بجروح.&lt;/p&gt;</description></item>")


def kind(i: int) -> str:
    """The feed's behaviour, from its number: a fixed, evenly spread mix."""
    slot = i % 10
    return "ok" if slot < 6 else "etag" if slot < 8 else "error" if slot == 8 else "slow"


def document(i: int) -> bytes:
    items = "".join(ITEM.format(i=i, n=n) for n in (3, 12, 40))
    return ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>'
            f"feed {i}</title><link>http://news.example/</link><description>d</description>"
            f"{items}</channel></rss>").encode()


def _response(i: int, if_none_match: str | None) -> tuple[int, bytes, float]:
    k = kind(i)
    if k == "etag" and if_none_match == f'"{i}"':
        return 304, b"", 0.0
    if k == "error":
        return (500, 404, 410)[i // 10 % 3], b"no", 0.0
    delay = 0.3 + (i * 7919 % 8) / 10 if k == "slow" else 0.0
    return 200, document(i), delay


async def _serve_one(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Minimal HTTP/1.1 with keep-alive: GET /f/<n>, honouring If-None-Match."""
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            path = lines[0].split(" ")[1]
            headers = {k.lower(): v.strip() for k, _, v in (x.partition(":") for x in lines[1:])}
            i = int(path.rsplit("/", 1)[1])
            status, body, delay = _response(i, headers.get("if-none-match"))
            if delay:
                await asyncio.sleep(delay)
            writer.write(f"HTTP/1.1 {status} X\r\nContent-Length: {len(body)}\r\n"
                         f'ETag: "{i}"\r\nContent-Type: application/rss+xml\r\n\r\n'
                         .encode() + body)
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError, ValueError, IndexError):
        pass
    finally:
        writer.close()


def _server_main(port: int, ready: multiprocessing.synchronize.Event) -> None:  # type: ignore[name-defined]
    async def main() -> None:
        server = await asyncio.start_server(_serve_one, "0.0.0.0", port, backlog=4096)
        ready.set()
        async with server:
            await server.serve_forever()

    asyncio.run(main())


def feed_urls(n: int, hosts: int, port: int) -> list[str]:
    # Hosts drawn at random: `i % hosts` would put every slow feed on the same few hosts.
    rng = random.Random(3)
    return [f"http://127.0.0.{1 + rng.randrange(hosts)}:{port}/f/{i}" for i in range(n)]


def problems() -> dict[str, int]:
    from prometheus_client import REGISTRY

    out = {}
    for metric in REGISTRY.collect():
        if metric.name == "newsmon_feed_problems":
            for s in metric.samples:
                if s.name.endswith("_total") and s.value:
                    out[s.labels["reason"]] = int(s.value)
    return out


def run_poller(urls: list[str], client: redis.Redis, concurrency: int, per_host: int,
               ) -> tuple[float, dict[str, int], int]:
    feeds = [FeedConfig(name=f"f{i}", url=u) for i, u in enumerate(urls)]
    keys = Keys(f"bench-{random.randrange(1 << 30)}")
    for i, f in enumerate(feeds):  # an earlier cycle left these ETags
        if kind(i) == "etag":
            FeedState(etag=f'"{i}"').save(client, keys, f.name)
    stored = [0]

    def sink(_: Article) -> str:
        stored[0] += 1
        return "new"

    settings = Settings(http_timeout=10.0, log_level="WARNING")
    poller = Poller(client, feeds, sink, keys=keys, settings=settings,
                    concurrency=concurrency, per_host=per_host)
    started = time.perf_counter()
    report = asyncio.run(poller.poll_once())
    return time.perf_counter() - started, dict(report.outcomes), stored[0]


def run_baseline(urls: list[str], sample: int) -> tuple[float, int]:
    """Sequential GETs of an even sample: (seconds for the sample, sample size)."""
    # Random, not every k-th: a stride would beat with the mix's period of 10 feeds.
    picked = random.Random(7).sample(urls, min(sample, len(urls)))
    started = time.perf_counter()
    with httpx.Client(timeout=10.0) as c:
        for u in picked:
            c.get(u)
    return time.perf_counter() - started, len(picked)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--feeds", type=int, default=5000)
    ap.add_argument("--hosts", type=int, default=50)
    ap.add_argument("--concurrency", type=int, default=64)
    ap.add_argument("--per-host", type=int, default=2)
    ap.add_argument("--sample", type=int, default=500)
    args = ap.parse_args()

    import logging

    from monitor import logs

    logs.configure("WARNING")  # failing feeds are part of the mix: no warning per feed
    logging.getLogger().setLevel(logging.ERROR)
    import structlog

    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.ERROR))

    port = free_port()
    ready = multiprocessing.get_context("fork").Event()
    server = multiprocessing.get_context("fork").Process(target=_server_main,
                                                         args=(port, ready), daemon=True)
    server.start()
    store = EmbeddedRedis().start()
    try:
        ready.wait(10)
        urls = feed_urls(args.feeds, args.hosts, port)
        client = redis.Redis.from_url(store.url)
        elapsed, outcomes, stored = run_poller(urls, client, args.concurrency, args.per_host)
        base, n = run_baseline(urls, args.sample)
    finally:
        store.stop()
        server.terminate()
        server.join(5)
    full = n == len(urls)
    base_all = base * len(urls) / n
    print(f"feeds: {len(urls)} on {args.hosts} hosts; concurrency {args.concurrency}, "
          f"{args.per_host} per host")
    print(f"poller: {elapsed:.1f} s for one cycle; outcomes {outcomes}; {stored} articles; "
          f"problems {problems()}")
    how = "measured" if full else f"extrapolated from {n} sequential GETs in {base:.1f} s"
    print(f"baseline (sequential httpx GETs, no parsing): {base_all:.1f} s ({how})")
    print(f"ratio: {base_all / elapsed:.1f}x faster than the baseline; "
          f"target 60 s: {'met' if elapsed <= 60 else 'MISSED'}")


if __name__ == "__main__":
    main()
