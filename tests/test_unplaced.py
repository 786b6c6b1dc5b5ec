"""Figures whose place the text does not give: they meet only reports of the same story.

Real Redis (the store's windowed settle), claims written for this project.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
import redis

from monitor.claims.extract import extract_claims
from monitor.facts.incident import link
from monitor.facts.store import FactStore, to_record
from monitor.keys import Keys
from monitor.models import Article, ClaimRecord

pytestmark = pytest.mark.integration

T0 = datetime(2026, 3, 2, 8, tzinfo=UTC)
# Two outlets rewriting one wire story, a third story on another day, a fourth much later.
ARTICLES = [
    ("wire-a", 0, "قتل 23 شخصا وأصيب العشرات في انفجار سيارة مفخخة استهدف سوقا "
                  "شعبية مزدحمة صباح الاثنين، بحسب مصادر طبية."),
    ("wire-b", 5, "قتل 31 شخصا وأصيب العشرات في انفجار سيارة مفخخة استهدف سوقا شعبية مزدحمة "
                  "صباح الاثنين، وفق مصادر طبية وأمنية."),
    ("other", 20, "لقي 4 أشخاص حتفهم إثر انهيار مبنى سكني قديم خلال أعمال ترميم، بحسب الدفاع "
                  "المدني."),
    ("later", 24 * 9, "قتل 12 شخصا في انفجار سيارة مفخخة استهدف سوقا شعبية مزدحمة صباح "
                      "الأحد، بحسب مصادر طبية."),
]


def articles() -> list[Article]:
    return [Article(id=i, outlet=i, text=t, published=T0 + timedelta(hours=h))
            for i, h, t in ARTICLES]


def record_all(client: redis.Redis, ns: str, arts: list[Article]) -> set[tuple[str, str]]:
    store = FactStore(client, Keys(ns), tolerance=0.1, later_days=14)
    for a in arts:
        for c in extract_claims(a):
            if c.fact_key:
                store.record(c, a)
    return {
        (c.compared_with or "", c.article_id)
        for key in store.fact_keys() for c in _claims(store, key)
        if c.verdict in ("contradicts", "updates")
    }


def _claims(store: FactStore, key: str) -> list[ClaimRecord]:
    got = store.get(key)
    assert got is not None
    return got[1]


def test_no_place_no_accidental_meeting(redis_client: redis.Redis) -> None:
    arts = articles()
    claims = {a.id: [c for c in extract_claims(a) if c.event == "killed"] for a in arts}
    assert all(c.fact_key and c.fact_key.split(":")[2] == "_" for cs in claims.values()
               for c in cs), "these sentences name no place"
    alerts = record_all(redis_client, "unplaced-in-order", arts)
    # Only the two rewrites of one story meet; the collapse and the bombing nine days
    # later share the key killed:person:_:total but are other stories.
    assert {cur for _, cur in alerts} == {"wire-b"}


def test_the_window_settles_the_same_in_any_arrival_order(redis_client: redis.Redis) -> None:
    want = record_all(redis_client, "unplaced-ref", articles())
    for seed in range(4):
        shuffled = articles()
        random.Random(seed).shuffle(shuffled)
        assert record_all(redis_client, f"unplaced-{seed}", shuffled) == want


def test_same_story_is_about_wording_not_figures() -> None:
    a, b, other, _ = (to_record(c, art) for art in articles()
                      for c in extract_claims(art) if c.event == "killed")
    assert link(a, b).holds and not link(a, other).holds
