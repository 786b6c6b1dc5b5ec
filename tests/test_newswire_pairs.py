"""Real 2018 newswire: 39 groups where outlets reported one fact (../shared/corpora/news).

Each group is replayed on its own through Redis and RQ. Issue 4's goals: at least 80% of
the 27 different-figure groups raise an alert, none of the 12 same-figure groups does.
This test reports where the monitor stands, group by group, and holds both goals.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
import redis

from monitor.models import Article
from monitor.replay import replay
from monitor.settings import Settings
from monitor.sources import _parse_time
from tests.conftest import REPORTS

pytestmark = pytest.mark.integration
# Issue 4's goals: 80% of the 27 different-figure groups (22), none of the 12 same-figure.
MIN_DIFFERENT_ALERTED = math.ceil(0.8 * 27)
MAX_SAME_ALERTED = 0


def _groups(shared: Path) -> dict[str, list[dict[str, Any]]]:
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    lines = (shared / "corpora" / "news" / "sentences.jsonl").read_text(encoding="utf-8")
    for n, line in enumerate(lines.splitlines(), 1):
        row = json.loads(line)
        if row.get("pair_id"):
            row["line"] = n
            groups[row["pair_id"]].append(row)
    return groups


def test_cross_outlet_groups(shared_dir: Path, redis_client: redis.Redis,
                             tmp_path: Path) -> None:
    routes = tmp_path / "routes.yaml"
    routes.write_text("routes: []\n", encoding="utf-8")
    settings = Settings(routes_file=routes)
    groups = _groups(shared_dir)
    assert len(groups) == 39
    alerted = {"different_figure": [], "same_figure_different_notation": []}
    totals = {"different_figure": 0, "same_figure_different_notation": 0}
    for pid, rows in sorted(groups.items()):
        articles = [Article(id=f"{pid}-{r['line']}", text=r["text"], url=r.get("url"),
                            outlet=r.get("outlet") or f"ANS line {r['line']}",
                            published=_parse_time(r.get("published"))) for r in rows]
        articles.sort(key=lambda a: a.published_or_epoch())
        alerts = replay(redis_client, f"t-pair-{pid}", articles, settings)
        kind = rows[0]["pair_kind"]
        totals[kind] += 1
        if alerts:
            alerted[kind].append(pid)
        REPORTS.append(f"  {pid} {kind}: {len(alerts)} alert(s) "
                       f"{[a.kind for a in alerts]} - {rows[0]['pair_note'][:70]}")
    diff, same = alerted["different_figure"], alerted["same_figure_different_notation"]
    REPORTS.insert(len(REPORTS) - 39, (
        f"newswire pairs: {len(diff)}/{totals['different_figure']} different-figure groups "
        f"alerted (goal >= 80%), {len(same)}/{totals['same_figure_different_notation']} "
        f"same-figure groups alerted (goal 0): {same}"))
    assert totals == {"different_figure": 27, "same_figure_different_notation": 12}
    assert len(diff) >= MIN_DIFFERENT_ALERTED
    assert len(same) <= MAX_SAME_ALERTED


# Alerts joining sentences of different groups when every dated sentence is one stream.
# Some are the same story (a Siberian fire's toll from 53 to 64 in two CNN lines); the
# rest are identity mistakes: held where it stands so that none is added unnoticed.
MAX_ACROSS_GROUPS = 17


def test_the_whole_corpus_as_one_stream(shared_dir: Path, redis_client: redis.Redis,
                                        tmp_path: Path) -> None:
    """459 real sentences on dozens of stories, as a monitor would see them in a day's
    feeds: a contradiction or update between two stories is a false alert."""
    routes = tmp_path / "routes.yaml"
    routes.write_text("routes: []\n", encoding="utf-8")
    lines = (shared_dir / "corpora" / "news" / "sentences.jsonl").read_text(encoding="utf-8")
    rows = {f"L{n}": json.loads(line) for n, line in enumerate(lines.splitlines(), 1)}
    articles = []
    for aid, r in rows.items():
        try:
            published = _parse_time(r.get("published"))
        except ValueError:
            published = None  # the BBC fixture's "(firstPublished …)" stamp
        if published is not None:
            articles.append(Article(id=aid, text=r["text"], url=r.get("url"),
                                    outlet=r.get("outlet"), published=published))
    articles.sort(key=lambda a: a.published_or_epoch())
    alerts = replay(redis_client, "t-one-stream", articles, Settings(routes_file=routes))
    across = []
    for a in alerts:
        p, c = rows[a.previous["article_id"]], rows[a.current["article_id"]]
        if not (p.get("pair_id") and p.get("pair_id") == c.get("pair_id")):
            across.append(f"    {a.kind} {a.fact_key}: {a.previous['text']} "
                          f"({a.previous['article_id']}) -> {a.current['text']} "
                          f"({a.current['article_id']})")
    REPORTS.append(f"newswire as one stream: {len(articles)} dated sentences, {len(alerts)} "
                   f"alerts, {len(across)} between sentences of different pair groups "
                   f"(at most {MAX_ACROSS_GROUPS}):")
    REPORTS.extend(across)
    assert len(articles) > 400
    assert len(across) <= MAX_ACROSS_GROUPS, "\n".join(across)
