"""Articles for the benchmarks: real Arabic news, read in place from ../shared/corpora.

    real_articles(n)  the real months of `../shared/corpora/realnews` in published order;
                      past their end, the same articles again under new ids, urls, times
                      and a numbered title, so none is a duplicate of another (a soak, a
                      year's projection).

The corpus text is never copied into the project; a benchmark that cannot find it says
where it looked (set NEWSMON_SHARED to the shared directory).
"""

from __future__ import annotations

import os
from pathlib import Path

from monitor.models import Article
from monitor.sources import by_published, load_jsonl

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("NEWSMON_SHARED", ROOT.parent / "shared"))
REALNEWS = SHARED / "corpora" / "realnews"
MONTHS = ("ant_2018-04.jsonl", "ant_2018-05.jsonl")


def real_month(name: str = MONTHS[0]) -> list[Article]:
    path = REALNEWS / name
    if not path.exists():
        raise SystemExit(f"real news not found at {path}: set NEWSMON_SHARED to ../shared")
    return by_published(load_jsonl(path))


def real_articles(n: int, months: tuple[str, ...] = MONTHS) -> list[Article]:
    """n real articles in published order, repeated past the corpus under new identities."""
    base: list[Article] = []
    for name in months:
        base.extend(real_month(name))
        if len(base) >= n:
            break
    base = by_published(base)
    if n <= len(base):
        return base[:n]
    first, last = base[0].published_or_epoch(), base[-1].published_or_epoch()
    span = last - first
    out = []
    for i in range(n):
        a = base[i % len(base)]
        rnd = i // len(base)
        if rnd == 0:
            out.append(a)
            continue
        out.append(a.model_copy(update={
            "id": f"{a.id}-r{rnd}", "url": f"{a.url}-r{rnd}",
            "title": f"{a.title or ''} رقم {i}",  # `رقم N` is never read as a figure
            # A new text (not a duplicate on ingest), the round in letters: no new figure.
            "text": f"{a.text}\n({''.join(chr(97 + int(d)) for d in str(rnd))})",
            "published": a.published_or_epoch() + span * rnd}))
    return out
