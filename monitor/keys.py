"""Every Redis key newsmon writes, in one place (documented in docs/redis-keys.md).

All keys start with the namespace. Keys that must be updated together in one
transaction share a hash tag `{...}` so the data can live on a Redis Cluster: a fact's
record, its claim list and its claim index are all tagged with the fact key.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Keys:
    ns: str = "newsmon"

    # Articles
    def article(self, article_id: str) -> str:
        return f"{self.ns}:article:{article_id}"

    def article_hashes(self) -> str:
        """Hash: article id -> content hash of the version last processed (dedupe + revisions)."""
        return f"{self.ns}:seen:article"

    def content_seen(self) -> str:
        """Set of normalised-text hashes already ingested (same story under another URL)."""
        return f"{self.ns}:seen:content"

    # Feeds
    def feed_state(self, feed_name: str) -> str:
        return f"{self.ns}:feed:{feed_name}"

    # Facts
    def fact(self, fact_key: str) -> str:
        return f"{self.ns}:fact:{{{fact_key}}}"

    def fact_claims(self, fact_key: str) -> str:
        return f"{self.ns}:fact:{{{fact_key}}}:claims"

    def fact_alerts(self, fact_key: str) -> str:
        """Hash: alert id -> `active` | `retracted`, written in the fact's own transaction."""
        return f"{self.ns}:fact:{{{fact_key}}}:alerts"

    def fact_times(self, fact_key: str) -> str:
        """Sorted set: claim id -> published time, for facts with no place, which are
        settled a few days' window at a time, not whole."""
        return f"{self.ns}:fact:{{{fact_key}}}:times"

    def fact_series(self, fact_key: str) -> str:
        """Sorted set: claim id -> published time, of the fact's points of a stated series
        (a fact with any settles its whole history: a point reaches back months)."""
        return f"{self.ns}:fact:{{{fact_key}}}:series"

    def fact_standing(self, fact_key: str) -> str:
        """Sorted set (by member, lexically: `time|published|claim id`) of the windowed
        fact's claims that stand (not contradicted, not word estimates): its current figure
        is the last, whatever order the claims arrived in."""
        return f"{self.ns}:fact:{{{fact_key}}}:standing"

    def facts_index(self) -> str:
        """Sorted set of fact keys by last change time, for `newsmon facts`."""
        return f"{self.ns}:facts"

    # Alerts
    def alert(self, alert_id: str) -> str:
        return f"{self.ns}:alert:{alert_id}"

    def alert_stream(self) -> str:
        return f"{self.ns}:alerts"

    def delivery(self, alert_id: str, route: str) -> str:
        """Set when a route has acknowledged an alert: delivery is done at most once in effect."""
        return f"{self.ns}:delivered:{alert_id}:{route}"

    def retraction_delivered(self, alert_id: str, route: str) -> str:
        """Set once a route was told that an alert it received no longer holds."""
        return f"{self.ns}:delivered:{alert_id}:{route}:retracted"

    def delivery_tail(self, route: str) -> str:
        """String: id of the delivery job last enqueued for a route; the next one waits for it,
        so a receiver sees alerts in the order they were raised."""
        return f"{self.ns}:delivery:tail:{route}"

    def dead_letters(self) -> str:
        return f"{self.ns}:alerts:dead"

    # RQ queues live under RQ's own prefix; we give each namespace its own queue names.
    def queue(self, name: str) -> str:
        return name if self.ns == "newsmon" else f"{self.ns}-{name}"
