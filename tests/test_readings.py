"""A stored claim's readings (monitor.facts.readings): read once when stored, the same as
the rules read of its sentence, and never taken from a record read under another config."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import redis

from monitor.claims.extract import extract_claims
from monitor.facts.days import day_named, series_start
from monitor.facts.incident import (
    counts_last_day,
    front_named,
    one_day,
    runs_from_before,
    sentence_words,
    span_days,
)
from monitor.facts.readings import config_digest, read, stored_readings
from monitor.facts.store import FactStore, to_record
from monitor.keys import Keys
from monitor.models import Article, ClaimRecord
from monitor.sources import load_jsonl

pytestmark = pytest.mark.integration  # the store's test talks to the real redis-server


def _rules(c: ClaimRecord) -> tuple[object, ...]:
    return (day_named(c), series_start(c), span_days(c), one_day(c), runs_from_before(c),
            counts_last_day(c), front_named(c), sentence_words(c))


def _records(articles: list[Article]) -> list[ClaimRecord]:
    return [to_record(c, a) for a in articles for c in extract_claims(a) if c.fact_key]


def test_kept_readings_are_what_the_rules_read_of_real_news(shared_dir: Path) -> None:
    articles = load_jsonl(shared_dir / "corpora" / "realnews" / "ant_2018-04.jsonl")[:300]
    records = _records(articles)
    assert len(records) > 100
    for rec in records:
        kept = rec.model_copy(update={"readings": read(rec)})
        assert stored_readings(kept) is not None
        assert _rules(kept) == _rules(rec), rec.sentence
    # The readings say something on real news, not only their defaults.
    read_all = [read(r) for r in records]
    assert any(r.day for r in read_all) and any(r.span for r in read_all)
    assert any(r.from_before for r in read_all) and any(r.start for r in read_all)


MOSUL = Article(id="mosul", outlet="o", title="هجوم في الموصل",
                text="قتل 12 شخصا يوم الاثنين في هجوم على سوق في الموصل شمال العراق.",
                published="2026-03-04T08:00:00Z")


def test_readings_of_another_config_are_read_again() -> None:
    rec = _records([MOSUL])[0]
    mine = read(rec)
    assert mine.span == 1 and mine.day is not None  # "يوم الاثنين": one day's count
    # Kept readings are taken off the record as they are...
    kept = rec.model_copy(update={"readings": mine.model_copy(update={"span": 3})})
    assert span_days(kept) == 3
    # ...but not those read under another config: the rules read the sentence again.
    stale = rec.model_copy(update={"readings": mine.model_copy(
        update={"span": 3, "config": "another"})})
    assert stored_readings(stale) is None
    assert span_days(stale) == 1


def test_the_store_keeps_readings_on_a_claim_and_alerts_do_not_carry_them(
        redis_client: redis.Redis) -> None:
    store = FactStore(redis_client, Keys("t-readings"), tolerance=0.1, later_days=14)
    claim = next(c for c in extract_claims(MOSUL) if c.fact_key)
    store.record(claim, MOSUL)
    raw = redis_client.hvals(store.keys.fact_claims(str(claim.fact_key)))
    stored = [json.loads(v) for v in raw]
    assert len(stored) == 1 and stored[0]["readings"]["config"] == config_digest()
    assert stored[0]["readings"]["span"] == 1

    from monitor.alerts.ledger import _side
    assert "readings" not in _side(ClaimRecord.model_validate(stored[0]))
