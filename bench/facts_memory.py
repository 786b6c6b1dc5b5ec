"""Redis memory per stored claim, measured on a real redis-server.

    python bench/facts_memory.py [--claims N]

Stores N claims of realistic shape through FactStore (the WATCH/MULTI path the workers
use) and reports used_memory growth per claim, and MEMORY USAGE of the fact keys alone.
"""

from __future__ import annotations

import argparse
import random
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from monitor.facts.store import FactStore
from monitor.keys import Keys
from monitor.models import Article, Claim
from monitor.redis_conn import EmbeddedRedis, connect

SENTENCE = "قالت وزارة الصحة إن {n} شخصا قتلوا وأصيب آخرون في غارات على مدينة {city} يوم الثلاثاء."
CITIES = ["خان يونس", "رفح", "دير البلح", "حلب", "إدلب", "درنة", "بنغازي", "الموصل"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--claims", type=int, default=5000)
    args = ap.parse_args()
    server = EmbeddedRedis().start()
    client = connect(server.url)
    store = FactStore(client, Keys("bench"), tolerance=0.1, later_days=14)
    rng = random.Random(7)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    before = int(client.info("memory")["used_memory"])
    for i in range(args.claims):
        city = rng.choice(CITIES)
        n = rng.randint(5, 400)
        text = SENTENCE.format(n=n, city=city)
        article = Article(id=f"a{i}", outlet=f"outlet-{i % 40}", url=f"https://x.example/{i}",
                          published=start + timedelta(hours=i), text=text)
        at = text.index(str(n))
        claim = Claim(article_id=article.id, text=str(n), start=at, end=at + len(str(n)),
                      low=n, high=n, unit="person", entity="person", event="killed",
                      location=f"ps.{CITIES.index(city)}", attributed_to="وزارة الصحة",
                      sentence=text, fact_key=f"killed:person:ps.{CITIES.index(city)}:total",
                      time=article.published.date().isoformat() if article.published else None)
        store.record(claim, article)
    after = int(client.info("memory")["used_memory"])
    fact_bytes = sum(int(client.memory_usage(k) or 0) for k in client.scan_iter("bench:fact:*"))
    print(f"claims stored: {args.claims} in {len(store.fact_keys())} facts")
    print(f"used_memory growth: {(after - before) / args.claims:8.0f} bytes per claim")
    print(f"fact keys (MEMORY USAGE): {fact_bytes / args.claims:8.0f} bytes per claim")
    server.stop()


if __name__ == "__main__":
    main()
