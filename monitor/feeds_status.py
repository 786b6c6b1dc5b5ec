"""`newsmon feeds list`: each configured feed with its last poll, status, error, next poll."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import redis

from monitor.keys import Keys
from monitor.poller.config import FeedConfig
from monitor.poller.state import FeedState


def _iso(ts: float | None) -> str | None:
    return datetime.fromtimestamp(ts, UTC).isoformat(timespec="seconds") if ts else None


def feed_rows(client: redis.Redis, namespace: str, feeds: list[FeedConfig]) -> list[dict[str, Any]]:
    keys = Keys(namespace)
    rows = []
    for f in feeds:
        st = FeedState.load(client, keys, f.name)
        status = "retired" if st.retired else (st.last_outcome or "never_polled")
        rows.append({
            "name": f.name, "url": st.url or f.url, "outlet": f.display_outlet,
            "status": status, "failing": st.retired or st.consecutive_failures > 0,
            "consecutive_failures": st.consecutive_failures, "last_error": st.last_error,
            "last_poll": _iso(st.last_poll_at), "last_success": _iso(st.last_success_at),
            "next_poll": None if st.retired else (_iso(st.next_poll_at) or "now"),
        })
    return rows


def row_text(row: dict[str, Any]) -> str:
    line = (f"{row['name']:<24} {row['status']:<13} last ok {row['last_success'] or '-':<25} "
            f"next {row['next_poll'] or '-'}")
    if row["consecutive_failures"]:
        line += f"  ({row['consecutive_failures']} failed in a row)"
    if row["last_error"]:
        line += f"\n  error: {row['last_error']}"
    return line
