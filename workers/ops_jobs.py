"""RQ job for operator notices (JSON arguments only), delivered like alerts, with retries."""

from __future__ import annotations

from typing import Any

import httpx
from rq import get_current_job

from monitor.alerts.ops import OpsNotice, send_ops
from monitor.alerts.routes import load_routes, route_named
from monitor.alerts.send import DeliveryError
from monitor.logs import get_logger
from monitor.metrics import DELIVERIES
from monitor.settings import get_settings


def deliver_ops(notice: dict[str, Any], route: str) -> None:
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
