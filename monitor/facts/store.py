"""The fact store in Redis: claims per fact, the current figure, verdicts decided atomically.

Each fact is two keys sharing the hash tag `{fact_key}`: a hash with the fact's state and
a hash of its claims. A verdict is read-decide-write under WATCH/MULTI, so two workers
recording claims of one fact at once retry instead of both missing the conflict.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC
from functools import lru_cache

import redis

from monitor.claims.lexicon import default_lexicon
from monitor.facts.compare import (
    Decision,
    Settled,
    decide,
    may_change,
    order,
    settle,
    settle_linked,
    two_views,
    when,
)
from monitor.facts.identity import FactKey, fact_of, is_view
from monitor.facts.incident import LINK_WINDOW_DAYS, settles_whole
from monitor.facts.readings import read
from monitor.facts.story import article_vector
from monitor.keys import Keys
from monitor.models import Alert, Article, Claim, ClaimRecord, Fact

ALERTING = ("updates", "contradicts")

# The window's ids and their claims in one round trip, not two: a read, run while the
# transaction watches the fact (both keys share its hash tag).
_WINDOW_LUA = """
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], ARGV[1], ARGV[2])
if #ids == 0 then return {} end
return redis.call('HMGET', KEYS[2], unpack(ids))
"""

# What a new claim of a windowed fact reads before it settles, in one round trip: the
# fact's latest claim, whether the fact has points of a series, the last few standing
# members (the current figure is the last of them not withdrawn), and the claims within
# two windows of the new one with their stamps.
# KEYS: times, claims, series, standing; ARGV: from, to, latest claim id, standing to read.
_AROUND_LUA = """
local latest = false
if ARGV[3] ~= '' then latest = redis.call('HGET', KEYS[2], ARGV[3]) end
local series = redis.call('ZCARD', KEYS[3])
local top = redis.call('ZREVRANGEBYLEX', KEYS[4], '+', '-', 'LIMIT', 0, tonumber(ARGV[4]))
local found = redis.call('ZRANGEBYSCORE', KEYS[1], ARGV[1], ARGV[2], 'WITHSCORES')
local near, far = {}, {}
local lo, hi = tonumber(ARGV[5]), tonumber(ARGV[6])
for i = 1, #found, 2 do
  local at = tonumber(found[i + 1])
  if at >= lo and at <= hi then near[#near + 1] = found[i] else far[#far + 1] = found[i] end
end
local claims = {}
if #near > 0 then claims = redis.call('HMGET', KEYS[2], unpack(near)) end
return {latest, series, top, claims, far}
"""
# The script brings the stored claims within one window of the new claim and only the ids
# of those within two: the latest claim in time order, as reports mostly arrive, meets only
# the first (half of what two windows hold); another reads the rest in a second call.
# How many standing members the read above brings: a claim withdraws at most this many
# less one from standing without a second read (one, nearly always).
_STANDING_READ = 4


@dataclass(frozen=True, slots=True)
class Raised:
    """An update or contradiction the store now holds: the claim and the one it was compared
    with, and why."""

    previous: ClaimRecord
    current: ClaimRecord
    reason: str


@dataclass(frozen=True, slots=True)
class Recorded:
    record: ClaimRecord
    fact: Fact
    already: bool  # the claim was stored before (a re-run): nothing changed
    raised: list[Raised] = field(default_factory=list)  # alerts to offer (idempotent)
    retracted: list[tuple[str, str]] = field(default_factory=list)  # (previous, current) ids


def to_record(claim: Claim, article: Article) -> ClaimRecord:
    return ClaimRecord(
        **claim.model_dump(),
        claim_id=claim.id,
        version=article.content_hash,
        outlet=article.outlet,
        published=article.published,
        url=article.url,
        headline=article.title,
        story=article_vector(article),
    )


class FactStore:
    def __init__(self, client: redis.Redis, keys: Keys, *, tolerance: float, later_days: int):
        self.r = client
        self.keys = keys
        self.tolerance = tolerance
        self.later_days = later_days

    def record(self, claim: Claim, article: Article, key: FactKey | None = None) -> Recorded:
        """Store one claim and decide its verdict; idempotent per claim id.

        A claim later in time than every stored one is decided against the current figure
        alone (one read). Any other claim settles the fact's history again in time order,
        which may change later claims' verdicts: alerts that appear are raised, alerts that
        no longer hold are retracted. The result depends on the set of claims, not on the
        order workers saw them.
        """
        key = key or fact_of(claim)
        assert key is not None, "only a claim that becomes a fact is recorded (fact_of)"
        name = str(key)
        rec = to_record(claim, article)
        fkey, ckey = self.keys.fact(name), self.keys.fact_claims(name)
        akey = self.keys.fact_alerts(name)
        tkey = self.keys.fact_times(name)
        skey = self.keys.fact_series(name)
        stkey = self.keys.fact_standing(name)
        # A local running count (detainees held in Hasakah) settles its history whole. Any
        # other fact holds many incidents: a claim meets only linked reports within the
        # window around it, or, as a point of a series, the series' earlier points.
        windowed = not settles_whole(name, claim.event)
        if windowed:
            rec.readings = read(rec)  # once, for every settle of its window after
        while True:
            with self.r.pipeline() as pipe:
                try:
                    pipe.watch(fkey, ckey)
                    fact = self._fact(pipe.hget(fkey, "state"), claim, key)
                    stored = pipe.hget(ckey, rec.claim_id)
                    if stored is not None:
                        pipe.unwatch()
                        mine = _claim(stored)
                        whole = not windowed or mine.series or bool(self.r.zcard(skey))
                        return Recorded(mine, fact, True, self._active(
                            ckey, None if whole else self._window(self.r, tkey, ckey, mine)))
                    if windowed:
                        window, held, last, standing = self._around(
                            pipe, ckey, tkey, skey, stkey, rec, fact, name)
                        changed, raised, retracted = self._resettle_window(
                            rec, window, fact, last, name)
                        stand_add, stand_rem = _standing_changes(changed)
                        self._set_current(pipe, ckey, stkey, fact, changed, stand_add,
                                          stand_rem, held, standing)
                    elif (latest := self._get(pipe, ckey, fact.latest_claim)) is None \
                            or order(rec) > order(latest):
                        current = self._get(pipe, ckey, fact.current_claim)
                        d = decide(rec, current, tolerance=self.tolerance,
                                   later_state_days=self.later_days)
                        changed, raised, retracted = self._apply_one(rec, d, fact)
                    else:
                        history = [_claim(v)
                                   for v in pipe.hvals(ckey)]
                        changed, raised, retracted = self._resettle(rec, history, fact)
                    fact.claims += 1
                    pipe.multi()
                    pipe.hset(ckey, mapping={c.claim_id: c.model_dump_json() for c in changed})
                    pipe.hset(fkey, "state", fact.model_dump_json())
                    for r in raised:
                        pipe.hset(akey, Alert.stable_id(fact.key, r.previous.claim_id,
                                                        r.current.claim_id), "active")
                    for prev_id, cur_id in retracted:
                        pipe.hset(akey, Alert.stable_id(fact.key, prev_id, cur_id), "retracted")
                    if windowed:
                        pipe.zadd(tkey, {rec.claim_id: _stamp(rec)})
                        if stand_rem:
                            pipe.zrem(stkey, *stand_rem)
                        if stand_add:
                            pipe.zadd(stkey, dict.fromkeys(stand_add, 0))
                    if windowed and rec.series:
                        pipe.zadd(skey, {rec.claim_id: _stamp(rec)})
                    pipe.zadd(self.keys.facts_index(), {name: time.time()})
                    pipe.execute()
                    mine = next(c for c in changed if c.claim_id == rec.claim_id)
                    return Recorded(mine, fact, False, raised, retracted)
                except redis.WatchError:
                    continue

    @staticmethod
    def _apply_one(rec: ClaimRecord, d: Decision, fact: Fact
                   ) -> tuple[list[ClaimRecord], list[Raised], list[tuple[str, str]]]:
        rec.verdict, rec.reason, rec.evidence = d.verdict, d.reason, d.evidence
        rec.compared_with = d.compared_with.claim_id if d.compared_with else None
        fact.latest_claim = rec.claim_id
        if d.becomes_current:
            fact.set_current(rec)
        raised = [Raised(d.compared_with, rec, d.reason)] \
            if rec.verdict in ALERTING and d.compared_with else []
        return [rec], raised, []

    def _resettle(self, rec: ClaimRecord, history: list[ClaimRecord], fact: Fact
                  ) -> tuple[list[ClaimRecord], list[Raised], list[tuple[str, str]]]:
        settled, current = settle([*history, rec], tolerance=self.tolerance,
                                   later_state_days=self.later_days)
        changed, raised, retracted = _apply_settled(settled, history)
        fact.latest_claim = settled[-1].claim.claim_id
        if current is not None:
            fact.set_current(current)
        return changed, raised, retracted

    def _around(self, pipe: redis.client.Pipeline, ckey: str, tkey: str, skey: str,
                stkey: str, rec: ClaimRecord, fact: Fact, name: str
                ) -> tuple[list[ClaimRecord], dict[str, ClaimRecord], bool, list[str]]:
        """What a new claim of a windowed fact is settled with, by id, whether it is the
        fact's latest claim in time order, and the last standing members (`_set_current`).
        A point of a series reaches back months, and so does a claim arriving before one (it
        may become the point's anchor): those settle the whole history. Any other claim
        meets only the linked reports within its window; the latest in time order, as
        reports mostly arrive, changes nothing after it."""
        # The claims `rec` can change lie within one window, and what they are decided
        # against within one window of them: two in all, one when nothing after `rec` can
        # change.
        span, near = _window_span(2), _window_span(1)
        stamp = _stamp(rec)
        raw_latest, series, top, raw, far = pipe.eval(
            _AROUND_LUA, 4, tkey, ckey, skey, stkey, stamp - span, stamp + span,
            fact.latest_claim or "", _STANDING_READ, stamp - near, stamp + near)
        latest = _parsed(raw_latest) if raw_latest else None  # read, never written
        last = latest is None or order(rec) > order(latest)
        standing = [m.decode() for m in top]
        if rec.series or (not last and series):
            raws = pipe.hvals(ckey)
        else:
            # The latest claim changes only itself: what it meets lies within one window.
            raws = [v for v in raw if v]
            if not last and far:
                raws += [v for v in pipe.hmget(ckey, far) if v]
        keep = _settled_with(rec, name, last, standing)
        # Read-only: a settle decides them, `_apply_settled` copies what it changes.
        window = [_parsed(v) for v in raws if keep(v)]
        held = {c.claim_id: c for c in window}
        if latest is not None:
            held.setdefault(latest.claim_id, latest)
        return window, held, last, standing

    @staticmethod
    def _window(r: redis.Redis | redis.client.Pipeline, tkey: str, ckey: str,
                rec: ClaimRecord) -> list[ClaimRecord]:
        """The stored claims of a windowed fact published within two windows of `rec` (what
        a re-run offers again; `_around` reads the same for a new claim)."""
        span = _window_span(2)
        raw = r.eval(_WINDOW_LUA, 2, tkey, ckey, _stamp(rec) - span, _stamp(rec) + span)
        return [_claim(v) for v in raw if v]

    def _resettle_window(self, rec: ClaimRecord, window: list[ClaimRecord], fact: Fact,
                         last: bool, name: str
                         ) -> tuple[list[ClaimRecord], list[Raised], list[tuple[str, str]]]:
        """Settle a windowed fact around a new claim: its verdict and those of the claims
        after it in the window change; claims before it keep theirs."""
        mine = [c for c in window if c.claim_id != rec.claim_id
                and may_change(c, rec, name)]
        settled, _ = settle_linked([*window, rec], tolerance=self.tolerance,
                                   later_state_days=self.later_days, since=rec,
                                   fact_key=name)
        changed, raised, retracted = _apply_settled(settled, mine)
        if last:
            fact.latest_claim = rec.claim_id
        return changed, raised, retracted

    @staticmethod
    def _set_current(pipe: redis.client.Pipeline, ckey: str, stkey: str, fact: Fact,
                     changed: list[ClaimRecord], add: list[str], remove: list[str],
                     held: dict[str, ClaimRecord], standing: list[str]) -> None:
        """The fact's current figure: the last standing claim in time order (what the latest
        report of the latest incident says), the same in any arrival order. `standing` is
        the last few members as `_around` read them; more are read only when this claim
        withdrew as many from standing."""
        top = standing
        if len(remove) + 1 > len(standing) == _STANDING_READ:
            top = [m.decode() for m in pipe.zrevrangebylex(stkey, "+", "-", start=0,
                                                           num=len(remove) + 1)]
        gone = set(remove)
        best = max([m for m in top if m not in gone] + add, default=None)
        if best is None:
            return
        claim_id = _standing_claim_id(best)
        by_id = {c.claim_id: c for c in changed}
        cur = by_id.get(claim_id) or FactStore._get(pipe, ckey, claim_id, held)
        if cur is not None:
            fact.set_current(cur)

    def _active(self, ckey: str, window: list[ClaimRecord] | None = None) -> list[Raised]:
        """Every alert the fact holds now (or within a windowed fact's window), for a
        re-run to offer again after a crash."""
        claims = {c.claim_id: c for c in (window if window is not None else (
            _claim(v) for v in self.r.hvals(ckey)))}
        return [Raised(claims[c.compared_with], c, c.reason or "")
                for c in claims.values()
                if c.verdict in ALERTING and c.compared_with in claims]

    @staticmethod
    def _get(pipe: redis.client.Pipeline, ckey: str, claim_id: str | None,
             held: dict[str, ClaimRecord] | None = None) -> ClaimRecord | None:
        if claim_id and held and claim_id in held:
            return held[claim_id]
        raw = pipe.hget(ckey, claim_id) if claim_id else None
        return _claim(raw) if raw else None

    @staticmethod
    def _fact(raw: bytes | None, claim: Claim, key: FactKey) -> Fact:
        if raw:
            return Fact.model_validate_json(raw)
        # A country's fact first made by a province's figure is the country's.
        location = claim.location if str(key) == claim.fact_key else key.place
        return Fact(
            key=str(key),
            event=claim.event,
            entity=claim.entity,
            unit=claim.unit,
            location=location,
            location_name=default_lexicon().place_label(location),
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
            _claim(v)
            for v in self.r.hvals(self.keys.fact_claims(fact_key))
        ]
        claims.sort(key=when)
        return Fact.model_validate_json(raw), claims

    def all(self) -> Iterator[tuple[Fact, list[ClaimRecord]]]:
        for key in self.fact_keys():
            got = self.get(key)
            if got:
                yield got


def _apply_settled(settled: list[Settled], stored: list[ClaimRecord]
                   ) -> tuple[list[ClaimRecord], list[Raised], list[tuple[str, str]]]:
    """Write the settled verdicts onto their claims; return the claims whose verdict
    changed from what `stored` held, the alerts that now hold and did not, and the
    (previous, current) pairs of alerts that held and no longer do."""
    before = {c.claim_id: (c.verdict, c.compared_with) for c in stored}
    old_pairs = {(c.compared_with, c.claim_id) for c in stored
                 if c.verdict in ALERTING and c.compared_with}
    changed: list[ClaimRecord] = []
    raised: list[Raised] = []
    new_pairs: set[tuple[str | None, str]] = set()
    for s in settled:
        c, d = s.claim, s.decision
        compared = d.compared_with.claim_id if d.compared_with else None
        if before.get(c.claim_id) != (d.verdict, compared):
            # Written on a copy: a window's claims are the decoded stored ones, shared by
            # every settle of the process (`_parsed`); only a changed one is written back.
            c = c.model_copy(update={"verdict": d.verdict, "reason": d.reason,
                                     "evidence": d.evidence, "compared_with": compared})
            changed.append(c)
        if d.verdict in ALERTING and compared:
            new_pairs.add((compared, c.claim_id))
            if (compared, c.claim_id) not in old_pairs:
                raised.append(Raised(d.compared_with, c, d.reason))
    return changed, raised, sorted((p, c) for p, c in old_pairs - new_pairs if p)


def _standing_member(c: ClaimRecord) -> str:
    """Figures sort after word estimates (a figure always takes over from a word, a word
    never from a figure), then by time."""
    ref, pub = when(c)
    return f"{0 if c.vague else 1}|{ref.isoformat()}|{pub.isoformat()}|{c.claim_id}"


def _standing_claim_id(member: str) -> str:
    return member.rsplit("|", 1)[1]


def _standing_changes(changed: list[ClaimRecord]) -> tuple[list[str], list[str]]:
    """Members to add to and remove from a fact's standing set after a settle."""
    add, remove = [], []
    for c in changed:
        (remove if c.verdict == "contradicts" else add).append(_standing_member(c))
    return add, remove


@lru_cache(maxsize=8192)
def _parsed(raw: bytes) -> ClaimRecord:
    return ClaimRecord.model_validate_json(raw)


def _claim(raw: bytes) -> ClaimRecord:
    """A stored claim, decoded. A fact's window is read again at every claim that lands in
    it, so the same stored bytes decode once per process: keyed by the bytes themselves, a
    claim whose verdict changed is a new entry, never a stale one, and each caller gets its
    own copy to write verdicts on."""
    return _parsed(raw).model_copy()


def _settled_with(rec: ClaimRecord, name: str, last: bool, standing: list[str]
                  ) -> Callable[[bytes], bool]:
    """Which stored claims of the fact `name` a new claim is settled with. A province's
    figure arriving last in its country's fact is decided alone, and another province's
    figure never meets it (`compare.two_views`): those are neither copied nor tried, only
    the country's own figures and the standing claims `_set_current` may need. Any other
    claim is settled with all that was read."""
    if not (last and is_view(rec.fact_key, name)):
        return lambda raw: True
    ids = {_standing_claim_id(m) for m in standing}

    def keep(raw: bytes) -> bool:
        c = _parsed(raw)
        return not two_views(rec, c, name) or c.claim_id in ids
    return keep


def _window_span(windows: int) -> int:
    """Seconds either side of a claim that `windows` link windows reach (inclusive)."""
    return windows * LINK_WINDOW_DAYS * 86400 + 1


def _stamp(c: ClaimRecord) -> float:
    """Published time as epoch seconds on one clock (naive times are UTC)."""
    return when(c)[1].replace(tzinfo=UTC).timestamp()
