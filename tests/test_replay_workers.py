"""`replay --workers N`: several forked burst workers raise the alerts one worker raises."""

from __future__ import annotations

from pathlib import Path

import pytest
import redis

from monitor.pipeline import Pipeline
from monitor.replay import replay
from monitor.settings import Settings
from tests.test_concurrency import conflicting_articles

pytestmark = pytest.mark.integration


def test_three_workers_raise_the_alerts_of_one(redis_client: redis.Redis,
                                               tmp_path: Path) -> None:
    routes = tmp_path / "routes.yaml"
    routes.write_text("routes: []\n", encoding="utf-8")
    settings = Settings(routes_file=routes)
    articles = conflicting_articles(240)
    one = replay(redis_client, "w-one", articles, settings)
    three = replay(redis_client, "w-three", articles, settings, keep=True, workers=3)
    assert len(one) > 20  # the input really conflicts
    assert {a.id for a in three} == {a.id for a in one}
    assert {(a.id, a.kind, a.previous["claim_id"], a.current["claim_id"]) for a in three} \
        == {(a.id, a.kind, a.previous["claim_id"], a.current["claim_id"]) for a in one}
    pipeline = Pipeline(redis_client, "w-three", settings)
    assert all(q.count == 0 for q in pipeline.queues.all)
    assert redis_client.scard(pipeline.ingestor.pending_key()) == 0  # every article done
