"""Retention on a real Redis after the seed story ran through real RQ workers: old article
text, alerts and claims' sentences leave Redis for the archive; facts' figures, timelines and
idempotency stay."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
import redis

from monitor.alerts.ledger import AlertLedger
from monitor.keys import Keys
from monitor.models import Alert
from monitor.pipeline import Pipeline
from monitor.retention import Retention
from monitor.settings import Settings
from monitor.worker import drain
from tests.seeds import seed_articles

pytestmark = pytest.mark.integration
DAY = 86400.0


def figures(p: Pipeline) -> dict[str, list[tuple[str, float | None, float | None, str]]]:
    return {f.key: sorted((c.claim_id, c.low, c.high, c.verdict) for c in claims)
            for f, claims in p.facts.all()}


def test_retention_archives_old_records_and_keeps_facts_and_idempotency(
    redis_client: redis.Redis, tmp_path: Path,
) -> None:
    routes = tmp_path / "routes.yaml"
    routes.write_text("routes:\n  - {name: console, type: console}\n", encoding="utf-8")
    ns = "t-keep"
    settings = Settings(namespace=ns, routes_file=routes, alert_settle_seconds=0)
    p = Pipeline(redis_client, ns, settings)
    articles = seed_articles()
    for a in articles:
        p.ingestor.ingest(a)
    drain(redis_client, p.queues, settings)
    keys = Keys(ns)
    alerts = p.ledger.all()
    assert alerts
    before = figures(p)
    stream_before = redis_client.xlen(keys.alert_stream())

    archive = tmp_path / "archive"
    r = Retention(redis_client, keys, days=30, archive_dir=archive)
    now = time.time()
    assert r.sweep(now) == {"articles": 0, "alerts": 0, "claims": 0}  # all recent
    # A fresh article still pending (not processed) is never archived.
    from monitor.models import Article

    pending = Article(id="late-1", text="قتل 7 أشخاص في حلب.")
    p.ingestor.ingest(pending)
    r.sweep(now)
    out = r.sweep(now + 31 * DAY)
    assert out["articles"] == len(articles)
    assert out["alerts"] == len(alerts)
    assert out["claims"] > 0

    # Article text gone from Redis, in the archive; the pending one kept.
    assert all(redis_client.get(keys.article(a.id)) is None for a in articles)
    assert redis_client.get(keys.article("late-1")) is not None
    archived = [json.loads(line) for f in archive.glob("articles-*.jsonl")
                for line in f.read_text(encoding="utf-8").splitlines()]
    assert sorted(a["id"] for a in archived) == sorted(a.id for a in articles)
    assert {a["text"] for a in archived} == {a.text for a in articles}
    # Dedupe kept: the same article from a feed again is a duplicate, not new work.
    assert p.ingestor.ingest(articles[0]) == "duplicate"

    # Facts: same figures, verdicts and claims; sentences archived, not in Redis.
    assert figures(p) == before
    for _, claims in p.facts.all():
        assert all(c.sentence == "" for c in claims)
    claim_lines = [json.loads(line) for f in archive.glob("claims-*.jsonl")
                   for line in f.read_text(encoding="utf-8").splitlines()]
    assert len(claim_lines) == out["claims"] and all(c["sentence"] for c in claim_lines)

    # Alerts: the stream trimmed, full records archived, the record kept (without its
    # sentences) so raising the same alert again is still a no-op.
    assert redis_client.xlen(keys.alert_stream()) < stream_before
    assert p.ledger.all() == []
    alert_lines = [json.loads(line) for f in archive.glob("alerts-*.jsonl")
                   for line in f.read_text(encoding="utf-8").splitlines()]
    assert sorted(a["id"] for a in alert_lines) == sorted(a.id for a in alerts)
    assert all(a["previous"]["sentence"] for a in alert_lines)
    for a in alerts:
        kept = AlertLedger(redis_client, keys).get(a.id)
        assert kept is not None and "sentence" not in kept.previous
        assert kept.previous["low"] == a.previous["low"]
        assert AlertLedger(redis_client, keys).add(Alert.model_validate(
            a.model_dump())) is False

    # A second sweep finds nothing more.
    assert r.sweep(now + 32 * DAY) == {"articles": 0, "alerts": 0, "claims": 0}


def test_an_alert_waiting_for_retry_is_kept_whole(redis_client: redis.Redis,
                                                   tmp_path: Path) -> None:
    routes = tmp_path / "routes.yaml"
    routes.write_text("routes:\n  - {name: console, type: console}\n", encoding="utf-8")
    ns = "t-keep-dead"
    settings = Settings(namespace=ns, routes_file=routes, alert_settle_seconds=0)
    p = Pipeline(redis_client, ns, settings)
    for a in seed_articles():
        p.ingestor.ingest(a)
    drain(redis_client, p.queues, settings)
    alerts = p.ledger.all()
    assert len(alerts) >= 2
    p.ledger.dead_letter(alerts[0].id, "console", "receiver down")
    r = Retention(redis_client, Keys(ns), days=30, archive_dir=tmp_path / "a")
    r.sweep(time.time())
    r.sweep(time.time() + 31 * DAY)
    assert [a.id for a in p.ledger.all()][:1] == [alerts[0].id]
    kept = p.ledger.get(alerts[0].id)
    assert kept is not None and kept.previous.get("sentence")
