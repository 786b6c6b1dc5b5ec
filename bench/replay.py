"""`newsmon replay` of a real month end to end, against normalising the same texts.

    python bench/replay.py [--month ant_2018-04.jsonl] [--workers 2] [--no-single]

Runs the real CLI in fresh processes against a fresh redis-server: once with --workers 1
(the reference: published order) and once with --workers W, alternated with normalising
the month's texts in this process (the baseline; the machine is shared, so rates are
reported as ratios to it). Prints articles/s, the ratio, and whether the W-worker alerts
are those of the one-worker replay (ids, kinds and the two claims of each).

Issue 12 target: >= 0.003 x the normalise rate, alerts identical to one worker's.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.corpus import MONTHS, REALNEWS, real_month  # noqa: E402
from bench.pipeline import normalise_rate  # noqa: E402
from monitor.redis_conn import EmbeddedRedis, free_port  # noqa: E402


def run_replay(url: str, path: Path, workers: int, tmp: Path) -> tuple[float, list[dict]]:
    routes = tmp / "routes.yaml"
    routes.write_text("routes: []\n", encoding="utf-8")
    env = {**os.environ, "REDIS_URL": url, "NEWSMON_ROUTES_FILE": str(routes),
           "NEWSMON_LOG_LEVEL": "warning", "NEWSMON_METRICS_DIR": str(tmp / f"m{workers}")}
    started = time.perf_counter()
    out = subprocess.run([sys.executable, "-m", "monitor", "replay", "--jsonl", str(path),
                          "--workers", str(workers)], env=env, cwd=ROOT, check=True,
                         capture_output=True, text=True).stdout
    return time.perf_counter() - started, [json.loads(line) for line in out.splitlines()]


def identity(alerts: list[dict]) -> set[tuple[str, str, str, str]]:
    return {(a["id"], a["kind"], a["previous"]["claim_id"], a["current"]["claim_id"])
            for a in alerts}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--month", default=MONTHS[0])
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--no-single", action="store_true", help="skip the one-worker reference")
    args = ap.parse_args()
    articles = real_month(args.month)
    tmp = Path(tempfile.mkdtemp(prefix="newsmon-bench-replay-"))
    server = EmbeddedRedis(port=free_port(), appendonly=False).start()
    try:
        runs = [] if args.no_single else [1]
        runs.append(args.workers)
        results = {}
        bases = [normalise_rate(articles)]
        for w in runs:
            results[w] = run_replay(server.url, REALNEWS / args.month, w, tmp)
            bases.append(normalise_rate(articles))
    finally:
        server.stop()
    base = sum(bases) / len(bases)
    n = len(articles)
    print(f"real month {args.month}: {n} articles; normalise only: {base:.0f} articles/s "
          f"(mean of {len(bases)}, between the replays)")
    for w, (secs, alerts) in results.items():
        rate = n / secs
        print(f"replay --workers {w}: {secs:6.1f} s, {rate:6.1f} articles/s, "
              f"{rate / base:.4f} x normalise (target >= 0.003: "
              f"{'met' if rate / base >= 0.003 else 'NOT met'}), {len(alerts)} alerts")
    if 1 in results and args.workers != 1:
        one, many = identity(results[1][1]), identity(results[args.workers][1])
        print(f"alerts of {args.workers} workers vs one: "
              f"{'identical' if one == many else 'DIFFERENT'} ids, kinds and claims "
              f"({len(one - many)} only in one, {len(many - one)} only in {args.workers})")


if __name__ == "__main__":
    main()
