"""Extraction speed: real news cold and warm, and the seeds, each against a baseline measured
in the same run.

    python bench/extract.py [--month FILE] [--cold-runs 3] [--articles N] [--repeat R]

Baseline: merely normalising the same texts, the least any Arabic matcher must do; every
figure is printed as a ratio to it (the machine is shared, so absolute rates drift).

- cold: a fresh process (lexicon loaded outside the timing, no word seen yet) extracts a
  real month (`../shared/corpora/realnews`, 2,877 articles by default) once, as a worker
  meets a stream; run --cold-runs times, each in its own process, median reported.
- warm: the same articles again in that process (every word known), alternated with the
  baseline.
- seeds: the five seed articles repeated (--articles, --repeat), as before.

Issue 12 targets: cold >= 0.02 x baseline; warm not slower than before.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from monitor.claims.extract import extract_claims  # noqa: E402
from monitor.claims.normalize import normalize  # noqa: E402
from monitor.models import Article  # noqa: E402
from monitor.sources import load_dir, load_jsonl  # noqa: E402

MONTH = ROOT.parent / "shared" / "corpora" / "realnews" / "ant_2018-04.jsonl"


def once(func: Callable[[Article], Any], articles: list[Article]) -> float:
    started = time.perf_counter()
    for a in articles:
        func(a)
    return len(articles) / (time.perf_counter() - started)


def normalise(a: Article) -> None:
    normalize(a.full_text)


def child(path: str, repeat: int) -> None:
    """One fresh process: cold pass, then baseline and warm passes alternated."""
    articles = load_jsonl(Path(path))
    extract_claims(Article(id="warmup", text="قتل 3 أشخاص"))  # load the lexicons untimed
    cold = once(extract_claims, articles)
    base, warm = [], []
    for _ in range(repeat):
        base.append(once(normalise, articles))
        warm.append(once(extract_claims, articles))
    print(json.dumps({"cold": cold, "base": statistics.median(base),
                      "warm": statistics.median(warm), "n": len(articles),
                      "kb": statistics.mean(len(a.full_text.encode()) for a in articles) / 1024}))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--month", default=str(MONTH), help="JSON lines of real articles")
    ap.add_argument("--cold-runs", type=int, default=3)
    ap.add_argument("--articles", type=int, default=1000, help="seed articles per run")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.child, args.repeat)
        return
    runs = []
    for _ in range(args.cold_runs):
        out = subprocess.run([sys.executable, __file__, "--child", args.month,
                              "--repeat", str(args.repeat)],
                             check=True, capture_output=True, text=True).stdout
        runs.append(json.loads(out.strip().splitlines()[-1]))
    n, kb = runs[0]["n"], runs[0]["kb"]
    cold = statistics.median(r["cold"] / r["base"] for r in runs)
    warm = statistics.median(r["warm"] / r["base"] for r in runs)
    base = statistics.median(r["base"] for r in runs)

    seeds = load_dir(ROOT / "seeds")
    articles = [seeds[i % len(seeds)] for i in range(args.articles)]
    size = statistics.mean(len(a.full_text.encode()) for a in seeds)
    extract_claims(articles[0])
    sb, sf = [], []
    for _ in range(args.repeat):  # alternated: load on the machine hits both alike
        sb.append(once(normalise, articles))
        sf.append(once(extract_claims, articles))
    sbase, sfull = statistics.median(sb), statistics.median(sf)

    print(f"real month: {Path(args.month).name}, {n} articles (mean {kb:.1f} KB UTF-8), "
          f"one core, {args.cold_runs} fresh processes, ratios to the baseline of each run")
    print(f"baseline  normalise only    : {base:9.0f} articles/s")
    print(f"cold      extract, new words: {cold * base:9.0f} articles/s  ({cold:.4f} x baseline;"
          f" target >= 0.02: {'met' if cold >= 0.02 else 'NOT met'})")
    print(f"warm      extract, 2nd pass : {warm * base:9.0f} articles/s  ({warm:.4f} x baseline)")
    print(f"seeds: {args.articles} articles (mean {size / 1024:.1f} KB), median of {args.repeat}")
    print(f"baseline  normalise only    : {sbase:9.0f} articles/s")
    print(f"seeds     extract claims    : {sfull:9.0f} articles/s  ({sfull / sbase:.4f} x baseline)"
          f"  = {sfull * size / 1e6:.2f} MB/s")


if __name__ == "__main__":
    main()
