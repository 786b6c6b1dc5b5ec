"""RQ queues with JSON payloads only: a writable Redis must never mean code execution."""

from __future__ import annotations

from dataclasses import dataclass

import redis
from rq import Queue, Retry
from rq.exceptions import NoSuchJobError
from rq.job import Job
from rq.serializers import JSONSerializer

from monitor.keys import Keys
from monitor.settings import Settings

PROCESS_ARTICLE = "workers.jobs.process_article"
DELIVER_ALERT = "workers.jobs.deliver_alert"

# Seconds between retries of a failed job: quick at first, then patient.
ARTICLE_BACKOFF = [5, 30, 120, 600, 1800]
DELIVERY_BACKOFF = [5, 15, 60, 300, 900, 1800, 3600, 3600]


@dataclass(frozen=True)
class Queues:
    articles: Queue
    alerts: Queue
    keys: Keys

    @property
    def all(self) -> list[Queue]:
        return [self.articles, self.alerts]


def make_queues(client: redis.Redis, keys: Keys, settings: Settings) -> Queues:
    def q(name: str) -> Queue:
        return Queue(
            keys.queue(name),
            connection=client,
            serializer=JSONSerializer,
            default_timeout=settings.job_timeout,
        )

    return Queues(q("articles"), q("alerts"), keys)


def _exists(queue: Queue, job_id: str) -> bool:
    try:
        job = Job.fetch(job_id, connection=queue.connection, serializer=JSONSerializer)
    except NoSuchJobError:
        return False
    return job.get_status(refresh=False) not in ("finished", "failed", "canceled", "stopped")


def enqueue_article(qs: Queues, article_id: str, content_hash: str, settings: Settings) -> str:
    """One job per version of an article's text; enqueueing the same version again is a no-op."""
    job_id = f"art-{qs.keys.ns}-{article_id}-{content_hash[:12]}"
    if not _exists(qs.articles, job_id):
        qs.articles.enqueue(
            PROCESS_ARTICLE,
            kwargs={"article_id": article_id, "ns": qs.keys.ns},
            job_id=job_id,
            retry=Retry(max=settings.job_retries, interval=ARTICLE_BACKOFF[: settings.job_retries]),
            job_timeout=settings.job_timeout,
            result_ttl=3600,
            failure_ttl=7 * 24 * 3600,
            description=f"process article {article_id}",
        )
    return job_id


def enqueue_delivery(qs: Queues, alert_id: str, route: str, settings: Settings) -> str:
    job_id = f"dlv-{qs.keys.ns}-{alert_id}-{route}"
    if not _exists(qs.alerts, job_id):
        qs.alerts.enqueue(
            DELIVER_ALERT,
            kwargs={"alert_id": alert_id, "route": route, "ns": qs.keys.ns},
            job_id=job_id,
            retry=Retry(
                max=settings.delivery_retries,
                interval=DELIVERY_BACKOFF[: settings.delivery_retries],
            ),
            job_timeout=60,
            result_ttl=3600,
            failure_ttl=30 * 24 * 3600,
            description=f"deliver {alert_id} to {route}",
        )
    return job_id
