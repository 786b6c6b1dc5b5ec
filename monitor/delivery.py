"""Delivery: send an alert (or its withdrawal) to a route, hold fresh alerts briefly, and
list and re-send failed deliveries."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

import httpx
import redis
from rq.job import Job
from rq.serializers import JSONSerializer

from monitor.alerts.ledger import AlertLedger
from monitor.alerts.render import fact_url
from monitor.alerts.routes import Route, load_routes, route_named
from monitor.alerts.send import DeliveryError, send, send_retraction
from monitor.keys import Keys
from monitor.logs import get_logger
from monitor.metrics import DELIVERIES, JOB_SECONDS
from monitor.models import Alert
from monitor.queues import DELIVER_ALERT, Queues, enqueue_delivery
from monitor.settings import Settings

# A delivery job's name, and the one it had before the jobs moved to monitor/jobs.py.
_DELIVER_ALERT_NAMES = {DELIVER_ALERT, "workers.jobs.deliver_alert"}


class Delivery:
    def __init__(self, client: redis.Redis, keys: Keys, settings: Settings, queues: Queues,
                 ledger: AlertLedger):
        self.r = client
        self.keys = keys
        self.settings = settings
        self.queues = queues
        self.ledger = ledger
        self._routes: list[Route] | None = None

    @property
    def routes(self) -> list[Route]:
        if self._routes is None:
            self._routes = load_routes(self.settings.routes_path)
        return self._routes

    def enqueue_deliveries(self, alert: Alert) -> None:
        """A delivery job per route the alert matches and has not reached."""
        for route in self.routes:
            if route.matches(alert) and not self.ledger.delivered(alert.id, route.name):
                enqueue_delivery(self.queues, alert.id, route.name, self.settings)

    def enqueue_withdrawals(self, alert_id: str) -> None:
        """Routes that already have a retracted alert are told it was withdrawn."""
        for route in self.routes:
            if self.ledger.delivered(alert_id, route.name):
                enqueue_delivery(self.queues, alert_id, route.name, self.settings,
                                 retraction=True)

    def deliver_retraction(self, alert_id: str, route_name: str,
                           job_id: str | None = None) -> None:
        """Tell one route that an alert it received was withdrawn; raise to let RQ retry."""
        log = get_logger(alert_id=alert_id, route=route_name, job_id=job_id)
        mark = self.keys.retraction_delivered(alert_id, route_name)
        alert = self.ledger.get(alert_id)
        route = route_named(self.routes, route_name)
        if self.r.exists(mark) or alert is None or route is None \
                or self.ledger.status(alert) != "retracted":
            return  # already told, or the alert holds again: nothing to withdraw
        try:
            with httpx.Client(timeout=route.timeout) as client:
                send_retraction(route, alert, client, self.fact_url(alert))
        except DeliveryError as exc:
            log.warning("retraction_delivery_failed", reason=str(exc))
            if exc.permanent:
                return
            raise
        self.r.set(mark, datetime.now(UTC).isoformat())
        DELIVERIES.labels(route=route_name, outcome="withdrawn").inc()
        log.info("alert_withdrawal_delivered")

    def hold(self, alert: Alert) -> None:
        """Hold a fresh alert until NEWSMON_ALERT_SETTLE_SECONDS after it was raised, so a
        slightly older report processed at the same moment can still retract it."""
        created = alert.created_at if alert.created_at.tzinfo else \
            alert.created_at.replace(tzinfo=UTC)
        wait = self.settings.alert_settle_seconds - (datetime.now(UTC) - created).total_seconds()
        if wait > 0:
            time.sleep(min(wait, self.settings.alert_settle_seconds))

    def failed_deliveries(self) -> list[dict[str, Any]]:
        """Dead letters, and delivery jobs RQ failed on its own (a worker killed during the
        last allowed attempt, an unexpected error): neither delivered, both shown to users."""
        out = list(self.ledger.dead_letters())
        seen = {(d["alert_id"], d["route"]) for d in out}
        registry = self.queues.alerts.failed_job_registry
        for job in Job.fetch_many(registry.get_job_ids(), connection=self.r,
                                  serializer=JSONSerializer):
            if job is None or job.func_name not in _DELIVER_ALERT_NAMES:
                continue
            alert_id, route = job.kwargs.get("alert_id"), job.kwargs.get("route")
            if (alert_id, route) in seen or self.ledger.delivered(alert_id, route):
                continue
            result = job.latest_result()
            last = ((result.exc_string if result else "") or "").strip().splitlines()[-1:] \
                or ["failed"]
            out.append({"alert_id": alert_id, "route": route, "job_id": job.id,
                        "reason": f"delivery job failed: {last[0][:200]}",
                        "at": (job.ended_at or job.enqueued_at or datetime.now(UTC))
                        .isoformat()})
        return out

    def retry_failed(self) -> int:
        """Re-send every failed delivery, in the order the alerts were raised."""
        raised = {a.id: i for i, a in enumerate(self.ledger.all(include_retracted=True))}
        failed = sorted(self.failed_deliveries(),
                        key=lambda d: (raised.get(d["alert_id"], len(raised)), d["at"]))
        registry = self.queues.alerts.failed_job_registry
        for dead in failed:
            if "job_id" in dead:
                registry.remove(dead["job_id"], delete_job=True)
            else:
                self.ledger.clear_dead_letter(dead["alert_id"], dead["route"])
            enqueue_delivery(self.queues, dead["alert_id"], dead["route"], self.settings)
        return len(failed)

    def fact_url(self, alert: Alert) -> str | None:
        base = self.settings.public_base_url
        return fact_url(base, alert.fact_key) if base else None

    def deliver(self, alert_id: str, route_name: str, *, final_attempt: bool,
                job_id: str | None = None) -> None:
        """Send one alert to one route; raise to let RQ retry, dead-letter on the last try."""
        log = get_logger(alert_id=alert_id, route=route_name, job_id=job_id)
        started = time.perf_counter()
        if self.ledger.delivered(alert_id, route_name):
            return
        alert = self.ledger.get(alert_id)
        if alert is not None:
            self.hold(alert)
        if alert is not None and self.ledger.status(alert) == "retracted":
            DELIVERIES.labels(route=route_name, outcome="retracted").inc()
            log.info("delivery_skipped_retracted")
            return
        route = route_named(self.routes, route_name)
        if alert is None or route is None:
            log.error("delivery_target_missing", alert_found=alert is not None)
            return
        try:
            with httpx.Client(timeout=route.timeout) as client:
                send(route, alert, client, self.fact_url(alert))
        except DeliveryError as exc:
            log.warning("delivery_failed", reason=str(exc), final=final_attempt or exc.permanent)
            if final_attempt or exc.permanent:
                self.ledger.dead_letter(alert_id, route_name, str(exc))
                DELIVERIES.labels(route=route_name, outcome="dead_letter").inc()
                return
            raise
        finally:
            JOB_SECONDS.labels(job="deliver_alert").observe(time.perf_counter() - started)
        self.ledger.mark_delivered(alert_id, route_name)
        DELIVERIES.labels(route=route_name, outcome="delivered").inc()
        log.info("alert_delivered")
