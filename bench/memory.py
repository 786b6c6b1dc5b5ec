"""Memory after a real month: Redis used_memory and worker RSS, projected to a year.

    python bench/memory.py [--month ant_2018-04.jsonl] [--workers 2]

Runs bench/pipeline.py's measurement on a whole real month (`../shared/corpora/realnews`,
one poll of 20 feeds), then prints Redis used_memory growth (articles, claims, facts,
alerts, and RQ's finished jobs until their result_ttl), the workers' RSS, and the
projection for a year of the five outlets.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.corpus import MONTHS, real_month
from bench.pipeline import measure, memory_report, parser


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--month", default=MONTHS[0])
    ap.add_argument("--workers", type=int, default=2)
    own = ap.parse_args()
    n = len(real_month(own.month))
    args = parser().parse_args(["--articles", str(n), "--workers", str(own.workers)])
    run, _, _, articles = measure(args)
    print(f"real month {own.month}: {n} articles, {own.workers} workers, "
          f"{run.rate:.1f} articles/s, {run.alerts} alerts holding")
    memory_report(run, articles)


if __name__ == "__main__":
    main()
