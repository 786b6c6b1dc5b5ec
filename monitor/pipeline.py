"""The parts a worker, the service or a replay use, wired once per namespace: article
processing (monitor/processing.py) and delivery (monitor/delivery.py) over one Redis."""

from __future__ import annotations

from typing import Any

import redis

from monitor.alerts.ledger import AlertLedger
from monitor.alerts.routes import Route
from monitor.delivery import Delivery
from monitor.facts.store import FactStore
from monitor.ingest import Ingestor
from monitor.keys import Keys
from monitor.models import Alert
from monitor.processing import ArticleProcessor
from monitor.queues import make_queues
from monitor.settings import Settings


class Pipeline:
    def __init__(self, client: redis.Redis, ns: str, settings: Settings):
        self.r = client
        self.keys = Keys(ns)
        self.settings = settings
        self.queues = make_queues(client, self.keys, settings)
        self.facts = FactStore(
            client, self.keys,
            tolerance=settings.approx_tolerance, later_days=settings.later_state_days,
        )
        self.ledger = AlertLedger(client, self.keys)
        self.ingestor = Ingestor(client, self.queues, settings)
        self.delivery = Delivery(client, self.keys, settings, self.queues, self.ledger)
        self.processor = ArticleProcessor(self.ingestor, self.facts, self.ledger, self.delivery)

    @property
    def routes(self) -> list[Route]:
        return self.delivery.routes

    # What the jobs and the CLI call, each done by the part that owns it.
    def process_article(self, article_id: str, job_id: str | None = None) -> list[Alert]:
        return self.processor.process_article(article_id, job_id)

    def deliver(self, alert_id: str, route_name: str, *, final_attempt: bool,
                job_id: str | None = None) -> None:
        self.delivery.deliver(alert_id, route_name, final_attempt=final_attempt, job_id=job_id)

    def deliver_retraction(self, alert_id: str, route_name: str,
                           job_id: str | None = None) -> None:
        self.delivery.deliver_retraction(alert_id, route_name, job_id)

    def enqueue_deliveries(self, alert: Alert) -> None:
        self.delivery.enqueue_deliveries(alert)

    def failed_deliveries(self) -> list[dict[str, Any]]:
        return self.delivery.failed_deliveries()

    def retry_failed(self) -> int:
        return self.delivery.retry_failed()

    def fact_url(self, alert: Alert) -> str | None:
        return self.delivery.fact_url(alert)
