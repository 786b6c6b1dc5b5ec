"""What incident linking adds to `newsmon replay` of a real month, end to end.

    python bench/linking.py [--month ant_2018-04.jsonl] [--rounds 3] [--workers 1]

Runs the real CLI (`python -m monitor replay`, Redis + RQ burst workers) in fresh
processes against a fresh redis-server, alternating two modes:

  linked    the product as it ships: a claim meets only linked reports of its incident
            within the window (monitor.facts.incident), provinces' tolls also held in
            their country's fact and a day's toll in the running one (identity.views);
  key-only  the baseline the issue measures against: every fact's history settles whole
            and a claim is decided against its fact's current figure alone, the store as
            it was before incidents (facts.store.settles_whole forced true, no views).

The baseline is the same CLI with those two functions replaced before it starts; replay's
workers are forked from it, so they inherit the replacement. The order of the two modes
alternates between rounds, one run of each first warms the disk cache and is not counted,
and the machine is shared, so the report is the ratio of the medians measured in this run,
never a time alone: of the wall time, and of the CPU time the replay and its workers used
(user + system; the shared redis-server's is not in it), which other tenants disturb less.

Issue 11 target: linking adds at most 20% to the replay time of a real month.

This machine's spread between runs is as large as the overhead, so the bench also counts
what does not vary: the Redis round trips of processing the month's articles, in one
process per mode (the same replacement for key-only), counted at the client's socket.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.corpus import MONTHS, REALNEWS  # noqa: E402
from monitor.redis_conn import EmbeddedRedis, free_port  # noqa: E402

# The baseline: the store settling every history whole, and no views.
BASELINE = """
import monitor.facts.store as store
import monitor.processing as processing
store.settles_whole = lambda fact_key, event: True
processing.views = lambda key: []
"""
LINKED = """
import sys
from monitor.cli import main
sys.argv[0] = "newsmon"
sys.exit(main())
"""
KEY_ONLY = BASELINE + LINKED

# Processing the month in this process (after BASELINE for key-only), counting each
# packet sent to Redis (a command, a pipeline, a script: one round trip each).
# argv: redis url, month path, mode.
ROUND_TRIPS = """
import sys
from pathlib import Path
import redis, redis.connection
from monitor.pipeline import Pipeline
from monitor.settings import get_settings
from monitor.sources import by_published, load_jsonl
url, path, mode = sys.argv[1:4]
sent = [0]
send = redis.connection.Connection.send_packed_command
def counted(self, *args, **kwargs):
    sent[0] += 1
    return send(self, *args, **kwargs)
articles = by_published(load_jsonl(Path(path)))
settings = get_settings().model_copy(update={"alert_settle_seconds": 0.0})
pipeline = Pipeline(redis.Redis.from_url(url), "rt" + mode[0], settings)
pipeline.delivery._routes = []
for a in articles:
    pipeline.ingestor.ingest(a)
redis.connection.Connection.send_packed_command = counted
for a in articles:
    pipeline.process_article(a.id)
print(sent[0], len(articles))
"""


def round_trips(url: str, path: Path, mode: str) -> tuple[int, int]:
    """Round trips to Redis of processing the month, and its articles."""
    env = {**os.environ, "NEWSMON_LOG_LEVEL": "warning"}
    code = (BASELINE if mode == "key-only" else "") + ROUND_TRIPS
    out = subprocess.run([sys.executable, "-c", code, url, str(path), mode], env=env,
                         cwd=ROOT, check=True, capture_output=True, text=True).stdout
    sent, articles = out.split()[-2:]
    return int(sent), int(articles)


def run(url: str, path: Path, workers: int, tmp: Path, code: str, ns: str
        ) -> tuple[float, float, int]:
    routes = tmp / "routes.yaml"
    routes.write_text("routes: []\n", encoding="utf-8")
    env = {**os.environ, "REDIS_URL": url, "NEWSMON_ROUTES_FILE": str(routes),
           "NEWSMON_LOG_LEVEL": "warning", "NEWSMON_NAMESPACE": ns,
           "NEWSMON_METRICS_DIR": str(tmp / ns)}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", code, "replay", "--jsonl", str(path),
                          "--workers", str(workers)], env=env, cwd=ROOT, check=True,
                         capture_output=True, text=True).stdout
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, len(out.splitlines())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--month", default=MONTHS[0])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--workers", type=int, default=1)
    args = ap.parse_args()
    path = REALNEWS / args.month
    if not path.exists():
        raise SystemExit(f"real news not found at {path}: set NEWSMON_SHARED to ../shared")
    tmp = Path(tempfile.mkdtemp(prefix="newsmon-bench-linking-"))
    wall: dict[str, list[float]] = {"linked": [], "key-only": []}
    cpu: dict[str, list[float]] = {"linked": [], "key-only": []}
    alerts: dict[str, int] = {}
    server = EmbeddedRedis(port=free_port(), appendonly=False).start()
    try:
        for mode in ("linked", "key-only"):  # warm-up, not counted
            run(server.url, path, args.workers, tmp, LINKED if mode == "linked" else KEY_ONLY,
                f"warm{mode[0]}")
        for k in range(args.rounds):
            modes = ["linked", "key-only"] if k % 2 == 0 else ["key-only", "linked"]
            for mode in modes:
                secs, used, n = run(server.url, path, args.workers, tmp,
                                    LINKED if mode == "linked" else KEY_ONLY, f"bl{k}{mode[0]}")
                wall[mode].append(secs)
                cpu[mode].append(used)
                alerts[mode] = n
                print(f"round {k + 1} {mode:8s}: {secs:6.1f} s wall, {used:6.1f} s CPU, "
                      f"{n} alerts", flush=True)
        trips = {mode: round_trips(server.url, path, mode) for mode in ("linked", "key-only")}
    finally:
        server.stop()
    print(f"real month {args.month}, replay --workers {args.workers}, {args.rounds} rounds "
          f"(medians); alerts {alerts['linked']} linked, {alerts['key-only']} key-only")
    for name, got in (("wall", wall), ("CPU", cpu)):
        linked, base = statistics.median(got["linked"]), statistics.median(got["key-only"])
        added = linked / base - 1
        print(f"  {name:4s}: linked {linked:.1f} s, key-only {base:.1f} s: linking adds "
              f"{100 * added:.0f}% (target <= 20%: {'met' if added <= 0.20 else 'NOT met'})")
    (linked_trips, n), (base_trips, _) = trips["linked"], trips["key-only"]
    print(f"  Redis round trips processing its {n} articles: linked {linked_trips} "
          f"({linked_trips / n:.1f} per article), key-only {base_trips} "
          f"({base_trips / n:.1f}): linking adds {100 * (linked_trips / base_trips - 1):.0f}%")


if __name__ == "__main__":
    main()
