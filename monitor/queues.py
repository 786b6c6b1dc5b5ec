"""RQ queues with JSON payloads only: a writable Redis must never mean code execution."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

import redis
from rq import Queue, Retry
from rq.exceptions import NoSuchJobError
from rq.job import Dependency, Job
from rq.serializers import JSONSerializer

from monitor.keys import Keys
from monitor.settings import Settings

# The jobs (monitor/jobs.py), by dotted name.
PROCESS_ARTICLE = "monitor.jobs.process_article"
PROCESS_ARTICLES = "monitor.jobs.process_articles"
DELIVER_ALERT = "monitor.jobs.deliver_alert"
DELIVER_RETRACTION = "monitor.jobs.deliver_retraction"

# Seconds between retries of a failed job: quick at first, then patient.
ARTICLE_BACKOFF = [5, 30, 120, 600, 1800]
DELIVERY_BACKOFF = [5, 15, 60, 300, 900, 1800, 3600, 3600]

# How a job that failed because Redis was away (restarting, loading its data, out of memory,
# unreachable) ends: such a job is not poison, and its work must not be lost.
REDIS_AWAY = ("redis.exceptions.ConnectionError", "redis.exceptions.TimeoutError",
              "redis.exceptions.BusyLoadingError", "OOM command not allowed")


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


def _fetch(queue: Queue, job_id: str) -> Job | None:
    try:
        return Job.fetch(job_id, connection=queue.connection, serializer=JSONSerializer)
    except NoSuchJobError:
        return None


def _exists(queue: Queue, job_id: str) -> bool:
    job = _fetch(queue, job_id)
    return job is not None and job.get_status(refresh=False) not in (
        "finished", "failed", "canceled", "stopped")


_JOB_ID_SAFE = re.compile(r"[A-Za-z0-9_-]+")


def _id_part(value: str) -> str:
    """`value` if RQ accepts it in a job id (ASCII letters, digits, _ and -), else a digest:
    an article id is whatever a feed's GUID or a file name was (Arabic, URLs, dots)."""
    if _JOB_ID_SAFE.fullmatch(value):
        return value
    return "h" + hashlib.sha256(value.encode()).hexdigest()[:24]


def _enqueue_processing(qs: Queues, func: str, kwargs: dict[str, object], job_id: str,
                        description: str, settings: Settings) -> str:
    """An article job, unless one with this id is already waiting or running."""
    if not _exists(qs.articles, job_id):
        qs.articles.enqueue(
            func,
            kwargs={**kwargs, "ns": qs.keys.ns},
            job_id=job_id,
            retry=Retry(max=settings.job_retries, interval=ARTICLE_BACKOFF[: settings.job_retries]),
            job_timeout=settings.job_timeout,
            result_ttl=3600,
            failure_ttl=7 * 24 * 3600,
            description=description,
        )
    return job_id


def failed_while_redis_away(queue: Queue, job_id: str) -> bool:
    """Whether the job's last failure was Redis being away (REDIS_AWAY), not the job."""
    job = _fetch(queue, job_id)
    if job is None:
        return False
    result = job.latest_result()
    failure = (result.exc_string if result is not None else None) or ""
    return any(marker in failure for marker in REDIS_AWAY)


def article_job_id(ns: str, article_id: str, content_hash: str) -> str:
    """The job of one version of one article's text, on its own (not in a batch)."""
    return f"art-{_id_part(ns)}-{_id_part(article_id)}-{content_hash[:12]}"


def enqueue_article(qs: Queues, article_id: str, content_hash: str, settings: Settings) -> str:
    """One job per version of an article's text; enqueueing the same version again is a no-op."""
    job_id = article_job_id(qs.keys.ns, article_id, content_hash)
    return _enqueue_processing(qs, PROCESS_ARTICLE, {"article_id": article_id}, job_id,
                               f"process article {article_id}", settings)


def enqueue_articles(qs: Queues, items: list[tuple[str, str]], settings: Settings) -> list[str]:
    """Articles that arrived together, `batch_size` to a job (ids only, JSON).

    A job id names its batch (ids and text versions), so enqueueing the same batch again is
    a no-op; a retried batch re-runs articles already done, which changes nothing.
    """
    job_ids = []
    size = max(1, settings.batch_size)
    for i in range(0, len(items), size):
        chunk = items[i:i + size]
        if len(chunk) == 1:
            job_ids.append(enqueue_article(qs, chunk[0][0], chunk[0][1], settings))
            continue
        digest = hashlib.sha256("|".join(f"{a}:{h}" for a, h in chunk).encode()).hexdigest()
        job_ids.append(_enqueue_processing(
            qs, PROCESS_ARTICLES, {"article_ids": [a for a, _ in chunk]},
            f"arts-{_id_part(qs.keys.ns)}-{digest[:24]}", f"process {len(chunk)} articles",
            settings))
    return job_ids


def enqueue_delivery(qs: Queues, alert_id: str, route: str, settings: Settings, *,
                     retraction: bool = False) -> str:
    """One job per alert and route, chained after the route's previous delivery job.

    A receiver reads alerts in the order they were raised: an update must not arrive before
    the figure it updates. So a route's deliveries run one after another: each job waits
    (RQ's deferred registry) until the one before it has finished, delivered or
    dead-lettered. `allow_failure`: a job RQ failed (out of retries) releases the next.
    The price is head-of-line blocking: while a route is down, its later alerts wait for
    the first one's retries.
    """
    kind = "rtr" if retraction else "dlv"  # a withdrawal notice follows its alert in line
    job_id = f"{kind}-{_id_part(qs.keys.ns)}-{_id_part(alert_id)}-{route}"
    if _exists(qs.alerts, job_id):
        return job_id
    previous = qs.alerts.connection.getset(qs.keys.delivery_tail(route), job_id)
    after = previous.decode() if isinstance(previous, bytes) else previous
    depends_on = None
    if after and after != job_id and _exists(qs.alerts, after):
        depends_on = Dependency(jobs=[after], allow_failure=True)
    qs.alerts.enqueue(
        DELIVER_RETRACTION if retraction else DELIVER_ALERT,
        kwargs={"alert_id": alert_id, "route": route, "ns": qs.keys.ns},
        job_id=job_id,
        depends_on=depends_on,
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
