"""Alerts in Redis: one record per stable id, a stream, delivery marks, dead letters."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import redis

from monitor.facts.confidence import confidence
from monitor.facts.store import Raised
from monitor.keys import Keys
from monitor.models import Alert, ClaimRecord, Fact


def _side(c: ClaimRecord) -> dict[str, Any]:
    d = c.model_dump(mode="json", exclude={"claim_id", "verdict", "compared_with", "reason",
                                           "story", "evidence", "readings"})
    d["claim_id"] = c.claim_id
    return d


def build_alert(fact: Fact, raised: Raised) -> Alert:
    """An update or a contradiction the fact store raised, as the Alert users receive."""
    kind = "update" if raised.current.verdict == "updates" else "contradiction"
    previous, current = _side(raised.previous), _side(raised.current)
    return Alert(
        id=Alert.stable_id(fact.key, raised.previous.claim_id, raised.current.claim_id),
        kind=kind,  # type: ignore[arg-type]
        fact_key=fact.key,
        fact=fact.model_dump(mode="json"),
        previous=previous,
        current=current,
        reason=raised.reason,
        confidence=confidence(previous, current, raised.current.evidence, kind),
        evidence=raised.current.evidence or {},
    )


class AlertLedger:
    def __init__(self, client: redis.Redis, keys: Keys):
        self.r = client
        self.keys = keys

    def add(self, alert: Alert) -> bool:
        """Store and stream the alert once; False when this id was already raised."""
        key = self.keys.alert(alert.id)
        while True:
            with self.r.pipeline() as pipe:
                try:
                    pipe.watch(key)
                    if pipe.exists(key):
                        pipe.unwatch()
                        return False
                    pipe.multi()
                    pipe.set(key, alert.model_dump_json())
                    pipe.xadd(self.keys.alert_stream(), {"id": alert.id, "kind": alert.kind})
                    pipe.execute()
                    return True
                except redis.WatchError:
                    continue

    def get(self, alert_id: str) -> Alert | None:
        raw = self.r.get(self.keys.alert(alert_id))
        return Alert.model_validate_json(raw) if raw else None

    def retract(self, fact_key: str, alert_id: str) -> None:
        """Note in the stream that an alert no longer holds. Whether it holds is the fact's
        own record (written with the verdicts, in one transaction), not this note."""
        if self.r.exists(self.keys.alert(alert_id)):
            self.r.xadd(self.keys.alert_stream(), {"id": alert_id, "kind": "retracted",
                                                   "fact_key": fact_key})

    def status(self, alert: Alert) -> str:
        raw = self.r.hget(self.keys.fact_alerts(alert.fact_key), alert.id)
        return raw.decode() if raw else "active"

    def all(self, *, include_retracted: bool = False) -> list[Alert]:
        """Every alert in the order it was raised; by default only those that still hold."""
        ids = list(dict.fromkeys(
            fields[b"id"].decode() for _, fields in self.r.xrange(self.keys.alert_stream())
            if fields.get(b"kind") != b"retracted"))
        if not ids:
            return []
        # Two round trips for the whole list, not two per alert (pipelines, not MGET: the
        # keys live in different cluster slots).
        with self.r.pipeline(transaction=False) as pipe:
            for i in ids:
                pipe.get(self.keys.alert(i))
            alerts = [Alert.model_validate_json(raw) for raw in pipe.execute() if raw]
        if include_retracted:
            return alerts
        with self.r.pipeline(transaction=False) as pipe:
            for a in alerts:
                pipe.hget(self.keys.fact_alerts(a.fact_key), a.id)
            statuses = pipe.execute()
        return [a for a, st in zip(alerts, statuses, strict=True) if st in (None, b"active")]

    def delivered(self, alert_id: str, route: str) -> bool:
        return bool(self.r.exists(self.keys.delivery(alert_id, route)))

    def mark_delivered(self, alert_id: str, route: str) -> None:
        self.r.set(self.keys.delivery(alert_id, route), datetime.now(UTC).isoformat())

    def dead_letter(self, alert_id: str, route: str, reason: str) -> None:
        entry = {"alert_id": alert_id, "route": route, "reason": reason,
                 "at": datetime.now(UTC).isoformat()}
        self.r.hset(self.keys.dead_letters(), f"{alert_id}:{route}", json.dumps(entry))

    def dead_letters(self) -> list[dict[str, Any]]:
        return [json.loads(v) for v in self.r.hvals(self.keys.dead_letters())]

    def clear_dead_letter(self, alert_id: str, route: str) -> None:
        self.r.hdel(self.keys.dead_letters(), f"{alert_id}:{route}")
