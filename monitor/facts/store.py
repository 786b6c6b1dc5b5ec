"""The fact store in Redis: claims per fact, the current figure, verdicts decided atomically.

Each fact is two keys sharing the hash tag `{fact_key}`: a hash with the fact's state and
a hash of its claims. A verdict is read-decide-write under WATCH/MULTI, so two workers
recording claims of one fact at once retry instead of both missing the conflict.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass

import redis

from monitor.claims.lexicon import default_lexicon
from monitor.facts.compare import Decision, decide, when
from monitor.keys import Keys
from monitor.models import Article, Claim, ClaimRecord, Fact


@dataclass(frozen=True, slots=True)
class Recorded:
    record: ClaimRecord
    previous: ClaimRecord | None
    fact: Fact
    reason: str
    already: bool  # the claim was stored before (a re-run): nothing changed


def to_record(claim: Claim, article: Article) -> ClaimRecord:
    return ClaimRecord(
        **claim.model_dump(),
        claim_id=claim.id,
        version=article.content_hash,
        outlet=article.outlet,
        published=article.published,
        url=article.url,
    )


class FactStore:
    def __init__(self, client: redis.Redis, keys: Keys, *, tolerance: float, later_days: int):
        self.r = client
        self.keys = keys
        self.tolerance = tolerance
        self.later_days = later_days

    def record(self, claim: Claim, article: Article) -> Recorded:
        """Store one claim and decide its verdict; idempotent per claim id."""
        assert claim.fact_key
        rec = to_record(claim, article)
        fkey, ckey = self.keys.fact(claim.fact_key), self.keys.fact_claims(claim.fact_key)
        while True:
            with self.r.pipeline() as pipe:
                try:
                    pipe.watch(fkey, ckey)
                    stored = pipe.hget(ckey, rec.claim_id)
                    fact = self._fact(pipe.hget(fkey, "state"), claim)
                    if stored is not None:
                        pipe.unwatch()
                        old = ClaimRecord.model_validate_json(stored)
                        prev = self._claim(ckey, old.compared_with)
                        return Recorded(old, prev, fact, old.verdict, True)
                    raw_current = pipe.hget(ckey, fact.current_claim) if fact.current_claim \
                        else None
                    current = ClaimRecord.model_validate_json(raw_current) if raw_current \
                        else None
                    # Only a claim older than the current state needs the whole history: a
                    # fact with thousands of claims costs one read per new claim, not all.
                    history: list[ClaimRecord] = []
                    if current is not None and when(rec) < when(current):
                        history = [ClaimRecord.model_validate_json(v)
                                   for v in pipe.hvals(ckey)]
                    d: Decision = decide(
                        rec, current, history,
                        tolerance=self.tolerance, later_state_days=self.later_days,
                    )
                    rec.verdict = d.verdict
                    rec.compared_with = d.compared_with.claim_id if d.compared_with else None
                    fact.claims += 1
                    if d.becomes_current and (current is None or when(rec) >= when(current)):
                        fact.current_low, fact.current_high = rec.low, rec.high
                        fact.current_approx = rec.approx
                        fact.current_claim = rec.claim_id
                    pipe.multi()
                    pipe.hset(ckey, rec.claim_id, rec.model_dump_json())
                    pipe.hset(fkey, "state", fact.model_dump_json())
                    pipe.zadd(self.keys.facts_index(), {claim.fact_key: time.time()})
                    pipe.execute()
                    return Recorded(rec, d.compared_with, fact, d.reason, False)
                except redis.WatchError:
                    continue

    def _claim(self, ckey: str, claim_id: str | None) -> ClaimRecord | None:
        if not claim_id:
            return None
        raw = self.r.hget(ckey, claim_id)
        return ClaimRecord.model_validate_json(raw) if raw else None

    @staticmethod
    def _fact(raw: bytes | None, claim: Claim) -> Fact:
        if raw:
            return Fact.model_validate_json(raw)
        assert claim.fact_key
        return Fact(
            key=claim.fact_key,
            event=claim.event,
            entity=claim.entity,
            unit=claim.unit,
            location=claim.location,
            location_name=default_lexicon().place_label(claim.location),
            scope=claim.scope,
        )

    # Reading, for `newsmon facts`
    def fact_keys(self) -> list[str]:
        return [k.decode() for k in self.r.zrevrange(self.keys.facts_index(), 0, -1)]

    def get(self, fact_key: str) -> tuple[Fact, list[ClaimRecord]] | None:
        raw = self.r.hget(self.keys.fact(fact_key), "state")
        if raw is None:
            return None
        claims = [
            ClaimRecord.model_validate_json(v)
            for v in self.r.hvals(self.keys.fact_claims(fact_key))
        ]
        claims.sort(key=when)
        return Fact.model_validate_json(raw), claims

    def all(self) -> Iterator[tuple[Fact, list[ClaimRecord]]]:
        for key in self.fact_keys():
            got = self.get(key)
            if got:
                yield got
