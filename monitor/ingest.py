"""Take an article into the system: dedupe, store its JSON, enqueue a job with only its id."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import redis

from monitor.keys import Keys
from monitor.logs import get_logger
from monitor.metrics import ARTICLES, FAILED_ARTICLES_REQUEUED, ORPHANS_REQUEUED
from monitor.models import Article
from monitor.queues import (
    Queues,
    article_job_id,
    enqueue_article,
    enqueue_articles,
    failed_while_redis_away,
)
from monitor.settings import Settings

# Atomic so two pollers seeing one story at once cannot both call it new.
# KEYS: article hashes, content-seen set, article key, pending set.
# ARGV: article id, content hash, article JSON.
_INGEST = """
local prev = redis.call('HGET', KEYS[1], ARGV[1])
if prev == ARGV[2] then return 'duplicate' end
if (not prev) and redis.call('SISMEMBER', KEYS[2], ARGV[2]) == 1 then return 'duplicate' end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('SADD', KEYS[2], ARGV[2])
redis.call('SET', KEYS[3], ARGV[3])
redis.call('SADD', KEYS[4], ARGV[1])
if prev then return 'revised' end
return 'new'
"""


class Ingestor:
    """The poller's sink: `ingest(article)` returns "new", "duplicate" or "revised".

    A revised article (same GUID, changed text) is processed again: a source revising its
    own figure is an update users want to hear about.
    """

    def __init__(self, client: redis.Redis, queues: Queues, settings: Settings):
        self.r = client
        self.qs = queues
        self.keys: Keys = queues.keys
        self.settings = settings
        self._script = client.register_script(_INGEST)
        self._batch: list[tuple[str, str]] | None = None

    def pending_key(self) -> str:
        return f"{self.keys.ns}:articles:pending"

    def __call__(self, article: Article) -> str:
        return self.ingest(article)

    def ingest(self, article: Article) -> str:
        chash = article.content_hash
        outcome = self._script(
            keys=[
                self.keys.article_hashes(),
                self.keys.content_seen(),
                self.keys.article(article.id),
                self.pending_key(),
            ],
            args=[article.id, chash, article.model_dump_json()],
        ).decode()
        ARTICLES.labels(outcome=outcome).inc()
        if outcome != "duplicate":
            if self._batch is not None:
                self._batch.append((article.id, chash))
                get_logger(article_id=article.id, feed=article.feed).info(
                    "article_stored", outcome=outcome)
                return outcome
            job_id = enqueue_article(self.qs, article.id, chash, self.settings)
            get_logger(article_id=article.id, feed=article.feed, job_id=job_id).info(
                "article_queued", outcome=outcome
            )
        return outcome

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Articles ingested inside share jobs, `batch_size` to a job, enqueued on exit.

        A crash before the enqueue loses no article: stored articles stay in the pending
        set, which `requeue_pending` enqueues at start-up.
        """
        outer = self._batch is not None
        if not outer:
            self._batch = []
        try:
            yield
        finally:
            if not outer:
                items, self._batch = self._batch or [], None
                if items:
                    enqueue_articles(self.qs, items, self.settings)

    def _pending(self) -> list[tuple[str, str]]:
        """(article id, content hash) of each pending article still stored; a pending mark
        whose article is gone is dropped."""
        items = []
        for raw in self.r.smembers(self.pending_key()):
            aid = raw.decode()
            chash = self.r.hget(self.keys.article_hashes(), aid)
            if chash is None:
                self.r.srem(self.pending_key(), aid)
                continue
            items.append((aid, chash.decode()))
        return items

    def requeue_pending(self) -> int:
        """Re-enqueue stored articles whose job was lost (a crash between store and enqueue)."""
        items = self._pending()
        enqueue_articles(self.qs, sorted(items), self.settings)
        return len(items)

    def requeue_orphans(self) -> int:
        """Stored articles still pending while the articles queue is idle: their job was
        lost. A Redis restart does this: with the AOF synced every second, the last writes
        before a stop may keep an article's pending mark and lose its job, and nothing
        else would ever run it. Each is enqueued again on its own, unless that job already
        failed (a poison article stays in the failed registry, where users see it). A job
        that ran out of retries because Redis was away failed for no fault of its article:
        it may have recorded a claim and not yet stored the alert it raised, and is run
        again (`FAILED_ARTICLES_REQUEUED`), which stores and sends that alert. Running one
        twice, in a race with its own job, changes nothing."""
        q = self.qs.articles
        if not self.r.scard(self.pending_key()) or q.count \
                or q.started_job_registry.count or q.scheduled_job_registry.count:
            return 0
        registry = q.failed_job_registry
        failed = set(registry.get_job_ids())
        orphans = again = 0
        for aid, chash in self._pending():
            job_id = article_job_id(self.keys.ns, aid, chash)
            if job_id not in failed:
                orphans += 1
            elif failed_while_redis_away(q, job_id):
                registry.remove(job_id, delete_job=True)  # a fresh job, with its retries
                again += 1
            else:
                continue
            enqueue_article(self.qs, aid, chash, self.settings)
        if again:
            get_logger().warning("failed_articles_requeued", count=again,
                                 why="their jobs ran out of retries while Redis was away")
            FAILED_ARTICLES_REQUEUED.inc(again)
        if orphans:
            get_logger().warning("orphan_articles_requeued", count=orphans,
                                 why="stored and pending with no job (lost in a Redis restart)")
            ORPHANS_REQUEUED.inc(orphans)
        return orphans + again

    def done(self, article_id: str) -> None:
        self.r.srem(self.pending_key(), article_id)

    def load(self, article_id: str) -> Article | None:
        raw = self.r.get(self.keys.article(article_id))
        return Article.model_validate_json(raw) if raw else None
