"""Retention: bulky records older than NEWSMON_RETENTION_DAYS leave Redis, archived first.

What goes (each written first to a JSON lines file under the archive directory, then
removed from Redis; a failed archive write removes nothing):

- **article text**: `{ns}:article:{id}` of articles processed (not pending) and first seen
  by a sweep more than the retention ago. Articles carry no ingestion time, so a sweep
  notes when it first saw each one (`{ns}:retention:articles`): the clock starts at most
  one sweep interval late. The dedupe records (`seen:article`, `seen:content`) stay, so a
  feed that still lists an old article does not make it new again.
- **alerts**: stream entries (`{ns}:alerts`) older than the retention are trimmed, so
  `newsmon alerts` lists recent ones; the alert record itself stays (its existence is what
  makes raising idempotent: a re-settled fact cannot raise and send it again) but loses its
  two sentences. Alerts with a dead-lettered delivery are kept whole until retried.
- **claims' sentences**: claim records of archived articles keep their figure, source,
  time and verdict (the fact's history and every comparison) and lose their sentence text,
  the bulk of the ~960 bytes a claim takes. Written under WATCH on the fact's keys, like the
  fact store, so a concurrent verdict is never overwritten.

Nothing of a fact's figure, timeline or idempotency goes. Documented in docs/redis-keys.md.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import redis

from monitor.keys import Keys
from monitor.logs import get_logger
from monitor.settings import Settings

SCAN_COUNT = 500


def retention_key(keys: Keys, what: str) -> str:
    return f"{keys.ns}:retention:{what}"


class Retention:
    def __init__(self, client: redis.Redis, keys: Keys, *, days: float, archive_dir: Path):
        self.r = client
        self.keys = keys
        self.seconds = days * 86400.0
        self.archive_dir = archive_dir
        self.log = get_logger(role="retention", ns=keys.ns)

    # ------------------------------------------------------------------ archive files
    def _archive(self, kind: str, records: Iterable[str], now: float) -> None:
        lines = [r if r.endswith("\n") else r + "\n" for r in records]
        if not lines:
            return
        self.archive_dir.mkdir(parents=True, exist_ok=True)
        day = datetime.fromtimestamp(now, UTC).strftime("%Y-%m-%d")
        path = self.archive_dir / f"{kind}-{day}.jsonl"
        with path.open("a", encoding="utf-8") as f:
            f.writelines(lines)
            f.flush()
            os.fsync(f.fileno())

    # ------------------------------------------------------------------ the sweep
    def sweep(self, now: float | None = None) -> dict[str, int]:
        """One pass; returns how many articles, alerts and claims were archived."""
        now = time.time() if now is None else now
        cutoff = now - self.seconds
        articles = self._articles(now, cutoff)
        alerts = self._alerts(now, cutoff)
        claims = self._claims(now)
        out = {"articles": articles, "alerts": alerts, "claims": claims}
        if any(out.values()):
            self.log.info("retention_archived", **out, archive_dir=str(self.archive_dir))
        return out

    def _articles(self, now: float, cutoff: float) -> int:
        prefix = self.keys.article("")
        seen_key = retention_key(self.keys, "articles")
        ids = [k.decode()[len(prefix):] for k in
               self.r.scan_iter(match=prefix + "*", count=SCAN_COUNT)]
        if ids:
            with self.r.pipeline(transaction=False) as pipe:
                for chunk in _chunks(ids, 1000):
                    pipe.zadd(seen_key, dict.fromkeys(chunk, now), nx=True)
                pipe.execute()
        old = [x.decode() for x in self.r.zrangebyscore(seen_key, 0, cutoff)]
        pending = {x.decode() for x in self.r.smembers(f"{self.keys.ns}:articles:pending")}
        done = 0
        for chunk in _chunks([a for a in old if a not in pending], 200):
            raws = self.r.mget([self.keys.article(a) for a in chunk])
            records = [raw.decode() for raw in raws if raw]
            self._archive("articles", records, now)
            with self.r.pipeline(transaction=True) as pipe:
                for a in chunk:
                    pipe.delete(self.keys.article(a))
                pipe.zrem(seen_key, *chunk)
                pipe.sadd(retention_key(self.keys, "archived"), *chunk)
                pipe.execute()
            done += len(records)
        return done

    def _alerts(self, now: float, cutoff: float) -> int:
        stream = self.keys.alert_stream()
        max_id = f"{int(cutoff * 1000)}-0"
        entries = self.r.xrange(stream, "-", f"({max_id}")
        if not entries:
            return 0
        dead = {k.decode().rsplit(":", 1)[0] for k in self.r.hkeys(self.keys.dead_letters())}
        # Stop at the first alert still waiting for `newsmon alerts retry`: it stays whole
        # and listed, and so does everything after it.
        for n, (eid, fields) in enumerate(entries):
            if fields[b"id"].decode() in dead:
                entries, max_id = entries[:n], eid.decode()
                break
        ids = list(dict.fromkeys(f[b"id"].decode() for _, f in entries
                                 if f.get(b"kind") != b"retracted"))
        raws = self.r.mget([self.keys.alert(i) for i in ids]) if ids else []
        records, compact = [], {}
        for alert_id, raw in zip(ids, raws, strict=True):
            if not raw:
                continue
            record = json.loads(raw)
            records.append(json.dumps(record, ensure_ascii=False))
            for side in ("previous", "current"):
                if isinstance(record.get(side), dict):
                    record[side].pop("sentence", None)
                    record[side]["archived"] = True
            compact[self.keys.alert(alert_id)] = json.dumps(record, ensure_ascii=False)
        self._archive("alerts", records, now)
        with self.r.pipeline(transaction=True) as pipe:
            if compact:
                pipe.mset(compact)
            pipe.xtrim(stream, minid=max_id, approximate=False)
            pipe.execute()
        return len(records)

    def _claims(self, now: float) -> int:
        archived_key = retention_key(self.keys, "archived")
        if not self.r.scard(archived_key):
            return 0
        done = 0
        for raw_key in self.r.zrange(self.keys.facts_index(), 0, -1):
            done += self._strip_fact(raw_key.decode(), archived_key, now)
        return done

    def _strip_fact(self, fact_key: str, archived_key: str, now: float) -> int:
        fkey, ckey = self.keys.fact(fact_key), self.keys.fact_claims(fact_key)
        while True:
            with self.r.pipeline() as pipe:
                try:
                    pipe.watch(fkey, ckey)
                    records = {k.decode(): json.loads(v) for k, v in pipe.hgetall(ckey).items()}
                    candidates = {k: r for k, r in records.items() if r.get("sentence")}
                    if not candidates:
                        pipe.unwatch()
                        return 0
                    ids = list({r["article_id"] for r in candidates.values()})
                    gone = pipe.smismember(archived_key, ids)
                    archived = {a for a, g in zip(ids, gone, strict=True) if g}
                    changed = {k: r for k, r in candidates.items() if r["article_id"] in archived}
                    if not changed:
                        pipe.unwatch()
                        return 0
                    self._archive("claims", (json.dumps({"fact_key": fact_key, **r},
                                                        ensure_ascii=False)
                                             for r in changed.values()), now)
                    pipe.multi()
                    pipe.hset(ckey, mapping={k: json.dumps({**r, "sentence": ""},
                                                           ensure_ascii=False)
                                             for k, r in changed.items()})
                    pipe.execute()
                    return len(changed)
                except redis.WatchError:
                    continue


def _chunks(items: list[str], size: int) -> Iterable[list[str]]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


def archive_dir(settings: Settings) -> Path:
    return settings.archive_dir or settings.data_dir / "archive" / settings.namespace


class RetentionThread:
    """`Retention.sweep` every NEWSMON_RETENTION_INTERVAL seconds, one process at a time
    (a Redis lock), with a client of its own; a failed sweep is logged and tried again."""

    def __init__(self, client: redis.Redis, settings: Settings):
        pool = client.connection_pool
        self.client = redis.Redis(connection_pool=type(pool)(
            connection_class=pool.connection_class, **pool.connection_kwargs))
        self.settings = settings
        self.retention = Retention(self.client, Keys(settings.namespace),
                                   days=settings.retention_days,
                                   archive_dir=archive_dir(settings))
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="retention", daemon=True)

    def start(self) -> RetentionThread:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(5)

    def _run(self) -> None:
        lock = retention_key(Keys(self.settings.namespace), "lock")
        interval = max(1.0, self.settings.retention_interval)
        while True:
            try:
                if self.client.set(lock, os.getpid(), nx=True, px=int(interval * 1000)):
                    self.retention.sweep()
            except (redis.RedisError, OSError, ValueError) as exc:
                get_logger(role="retention").warning("retention_failed",
                                                     error=f"{type(exc).__name__}: {exc}")
            if self._stop.wait(interval):
                return


def describe(result: dict[str, Any]) -> str:
    return ", ".join(f"{v} {k}" for k, v in result.items())
