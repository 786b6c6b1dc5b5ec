"""RQ jobs: the functions RQ runs, by dotted name (monitor.queues), with JSON-only
arguments. Each finds its Redis and calls the part that does the work."""

from __future__ import annotations

import math
from typing import Any

import httpx
from rq import Retry, get_current_job

from monitor.alerts.ops import OpsNotice, send_ops
from monitor.alerts.routes import load_routes, route_named
from monitor.alerts.send import DeliveryError
from monitor.logs import get_logger
from monitor.metrics import DELIVERIES, JOB_FAILURES
from monitor.pipeline import Pipeline
from monitor.settings import get_settings


def _pipeline(ns: str) -> tuple[Pipeline, str | None, bool]:
    job = get_current_job()
    if job is None:  # called directly, e.g. from a test
        from monitor.redis_conn import connect, redis_url

        settings = get_settings()
        return Pipeline(connect(redis_url(settings)), ns, settings), None, True
    final = not job.retries_left
    return Pipeline(job.connection, ns, get_settings()), job.id, final


def process_article(article_id: str, ns: str = "newsmon") -> int:
    pipeline, job_id, _ = _pipeline(ns)
    try:
        return len(pipeline.process_article(article_id, job_id=job_id))
    except Exception:
        JOB_FAILURES.labels(job="process_article").inc()
        raise


def process_articles(article_ids: list[str], ns: str = "newsmon") -> int:
    """Several articles that arrived together, in one horse: the fork is paid once."""
    pipeline, job_id, _ = _pipeline(ns)
    try:
        return sum(len(pipeline.process_article(a, job_id=job_id)) for a in article_ids)
    except Exception:
        JOB_FAILURES.labels(job="process_article").inc()
        raise


def deliver_alert(alert_id: str, route: str, ns: str = "newsmon") -> Retry | None:
    pipeline, job_id, final = _pipeline(ns)
    job = get_current_job()
    if job is not None and (job.number_of_retries or 0) >= pipeline.settings.delivery_retries:
        final = True
    try:
        pipeline.deliver(alert_id, route, final_attempt=final, job_id=job_id)
    except DeliveryError as exc:
        JOB_FAILURES.labels(job="deliver_alert").inc()
        if exc.retry_after is not None and job is not None:
            # The receiver said when to come back (Slack's 429 Retry-After): obey it. RQ's
            # scheduler keeps whole seconds, so one more keeps the retry from coming early.
            return Retry(max=pipeline.settings.delivery_retries,
                         interval=[math.ceil(exc.retry_after) + 1])
        raise
    except Exception:
        JOB_FAILURES.labels(job="deliver_alert").inc()
        raise
    return None


def deliver_retraction(alert_id: str, route: str, ns: str = "newsmon") -> None:
    """Tell a route that an alert it received no longer holds."""
    pipeline, job_id, _ = _pipeline(ns)
    try:
        pipeline.deliver_retraction(alert_id, route, job_id=job_id)
    except Exception:
        JOB_FAILURES.labels(job="deliver_alert").inc()
        raise


def deliver_ops(notice: dict[str, Any], route: str) -> None:
    """An operator notice (a feed failing or back), delivered like alerts, with retries."""
    settings = get_settings()
    target = route_named(load_routes(settings.routes_path), route)
    n = OpsNotice.model_validate(notice)
    job = get_current_job()
    log = get_logger(route=route, feed=n.feed, job_id=job.id if job else None)
    if target is None:
        log.error("ops_route_missing")
        return
    try:
        with httpx.Client(timeout=target.timeout) as client:
            send_ops(target, n, client)
    except DeliveryError as exc:
        log.warning("ops_delivery_failed", reason=str(exc))
        if not exc.permanent:
            raise
        return
    DELIVERIES.labels(route=route, outcome="delivered").inc()
    log.info("ops_notice_delivered", kind=n.kind, failures=n.failures)
