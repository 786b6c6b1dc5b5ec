"""Article processing: extract an article's claims, record the facts they are, and raise
or retract alerts (their deliveries go to monitor/delivery.py)."""

from __future__ import annotations

import time
from typing import Any

from monitor.alerts.ledger import AlertLedger, build_alert
from monitor.claims.extract import extract_claims
from monitor.delivery import Delivery
from monitor.facts.identity import fact_of, views
from monitor.facts.incident import as_series
from monitor.facts.store import FactStore, Recorded
from monitor.ingest import Ingestor
from monitor.logs import get_logger
from monitor.metrics import ALERTS_RAISED, CLAIMS, JOB_SECONDS, VERDICTS
from monitor.models import Alert


class ArticleProcessor:
    def __init__(self, ingestor: Ingestor, facts: FactStore, ledger: AlertLedger,
                 delivery: Delivery):
        self.ingestor = ingestor
        self.facts = facts
        self.ledger = ledger
        self.delivery = delivery

    def process_article(self, article_id: str, job_id: str | None = None) -> list[Alert]:
        """Extract, compare, decide, alert. Running it twice changes nothing the second time."""
        log = get_logger(article_id=article_id, job_id=job_id)
        started = time.perf_counter()
        article = self.ingestor.load(article_id)
        if article is None:
            log.warning("article_missing")
            return []
        log = log.bind(feed=article.feed)
        claims = extract_claims(article)
        CLAIMS.inc(len(claims))
        alerts: list[Alert] = []
        for claim in claims:
            key = fact_of(claim)
            if key is None:  # not a fact: a plan, a hypothesis, no event
                continue
            claim = as_series(claim)  # a stated running total is a point of a series
            rec = self.facts.record(claim, article, key)
            if not rec.already:
                VERDICTS.labels(verdict=rec.record.verdict).inc()
            log.info("verdict", fact_key=claim.fact_key, verdict=rec.record.verdict,
                     figure=claim.text, already=rec.already)
            alerts += self._offer(rec, log)
            for view in views(key):
                # Gaza's 51 dead also meet the report of the same day that names only
                # Palestine (its 53), in the country's fact; a day's toll, the running one.
                alerts += self._offer(self.facts.record(claim, article, view), log)
        self.ingestor.done(article_id)
        JOB_SECONDS.labels(job="process_article").observe(time.perf_counter() - started)
        return alerts

    def _offer(self, rec: Recorded, log: Any) -> list[Alert]:
        """Raise the alerts a recorded claim holds now, withdraw those it no longer does."""
        alerts: list[Alert] = []
        for raised in rec.raised:
            alert = build_alert(rec.fact, raised)
            # Even on a re-run the alert is offered again: `add` is idempotent, and
            # deliveries missing after a crash are enqueued now.
            if self.ledger.add(alert):
                ALERTS_RAISED.labels(kind=alert.kind).inc()
                log.info("alert_raised", fact_key=alert.fact_key, alert_id=alert.id,
                         kind=alert.kind)
                alerts.append(alert)
            else:
                alert = self.ledger.get(alert.id) or alert
            if self.ledger.status(alert) == "active":
                self.delivery.enqueue_deliveries(alert)
        for prev_id, cur_id in rec.retracted:
            alert_id = Alert.stable_id(rec.fact.key, prev_id, cur_id)
            self.ledger.retract(rec.fact.key, alert_id)
            log.info("alert_retracted", fact_key=rec.fact.key, alert_id=alert_id,
                     why="an older report arrived and the history settled differently")
            self.delivery.enqueue_withdrawals(alert_id)
        return alerts
