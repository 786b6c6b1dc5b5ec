"""Per-feed poller state, kept in Redis so restarts keep ETags and backoff."""

from __future__ import annotations

import redis
from pydantic import BaseModel

from monitor.keys import Keys


class FeedState(BaseModel):
    etag: str | None = None
    last_modified: str | None = None
    url: str | None = None  # set when the feed moved (301/308)
    consecutive_failures: int = 0
    next_poll_at: float = 0.0
    retired: bool = False
    last_error: str | None = None
    # For `newsmon feeds list` and the last-success gauge: the last poll and how it went.
    last_outcome: str | None = None
    last_poll_at: float | None = None
    last_success_at: float | None = None

    @classmethod
    def load(cls, client: redis.Redis, keys: Keys, name: str) -> FeedState:
        raw = client.hget(keys.feed_state(name), "state")
        return cls.model_validate_json(raw) if raw else cls()

    def save(self, client: redis.Redis, keys: Keys, name: str) -> None:
        client.hset(keys.feed_state(name), "state", self.model_dump_json())
