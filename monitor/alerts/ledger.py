"""Alerts in Redis: one record per stable id, a stream, delivery marks, dead letters."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import redis

from monitor.facts.store import Recorded
from monitor.keys import Keys
from monitor.models import Alert, ClaimRecord


def _side(c: ClaimRecord) -> dict[str, Any]:
    d = c.model_dump(mode="json", exclude={"claim_id", "verdict", "compared_with"})
    d["claim_id"] = c.claim_id
    return d


def build_alert(rec: Recorded) -> Alert | None:
    """An update or a contradiction becomes an Alert; other verdicts raise nothing."""
    kind = {"updates": "update", "contradicts": "contradiction"}.get(rec.record.verdict)
    if kind is None or rec.previous is None:
        return None
    fact = rec.fact.model_dump(mode="json")
    return Alert(
        id=Alert.stable_id(rec.fact.key, rec.previous.claim_id, rec.record.claim_id),
        kind=kind,  # type: ignore[arg-type]
        fact_key=rec.fact.key,
        fact=fact,
        previous=_side(rec.previous),
        current=_side(rec.record),
        reason=rec.reason,
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

    def all(self) -> list[Alert]:
        """Every alert in the order it was raised."""
        out = []
        for _, fields in self.r.xrange(self.keys.alert_stream()):
            a = self.get(fields[b"id"].decode())
            if a:
                out.append(a)
        return out

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
