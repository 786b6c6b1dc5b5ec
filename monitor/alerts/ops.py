"""Operator notices: a feed failing N polls in a row, repeated until it recovers.

Routes opt in with `kinds: [feed_failing]` in `config/routes.yaml` (an ops Slack channel or
an on-call webhook); analysts' routes never see them. A notice is delivered like an alert,
by a job on queue `alerts` with retries, and signed the same way for webhooks.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal

import httpx
from pydantic import BaseModel, Field

from monitor.alerts.routes import Route
from monitor.alerts.send import (
    TYPES,
    counted,
    notify_apprise,
    post_json,
    post_signed,
    slack_text,
)
from monitor.alerts.slack import escape_mrkdwn
from monitor.logs import get_logger

OpsKind = Literal["feed_failing", "feed_recovered"]


class OpsNotice(BaseModel):
    kind: OpsKind
    feed: str
    failures: int
    reason: str = ""
    at: datetime = Field(default_factory=lambda: datetime.now(UTC))

    @property
    def id(self) -> str:
        """Stable per feed and streak length: a retried delivery keeps its webhook-id."""
        return f"ops_{self.kind}_{self.feed}_{self.failures}"

    def text(self) -> str:
        if self.kind == "feed_recovered":
            return f"newsmon: feed {self.feed} recovered after {self.failures} failed polls"
        return (f"newsmon: feed {self.feed} has failed {self.failures} polls in a row "
                f"({self.reason or 'no reason given'})")


def due(failures: int, *, after: int, every: int) -> bool:
    """Notify at the N-th consecutive failure, then every `every` more, until it recovers."""
    return failures >= after and (failures - after) % max(every, 1) == 0


def ops_routes(routes: list[Route], kind: OpsKind) -> list[Route]:
    return [r for r in routes if kind in r.kinds]


@counted
def send_ops(route: Route, notice: OpsNotice, client: httpx.Client) -> None:
    if route.type == "console":
        get_logger(route=route.name).warning(notice.kind, feed=notice.feed,
                                             failures=notice.failures, reason=notice.reason)
        return
    if route.type == "slack":
        post_json(client, route, slack_text(notice.text(), escape_mrkdwn(notice.text())))
        return
    if route.type == "apprise":
        notify_apprise(route, f"newsmon: {notice.kind}", notice.text())
        return
    post_signed(client, route, {"type": TYPES[notice.kind],
                                **notice.model_dump(mode="json")}, notice.id)


def enqueue_notice(alerts_queue: Any, routes: list[Route], notice: OpsNotice,
                   retries: int) -> int:
    """One delivery job per opted-in route; returns how many were enqueued."""
    from rq import Retry

    targets = ops_routes(routes, notice.kind)
    for route in targets:
        alerts_queue.enqueue(
            "workers.ops_jobs.deliver_ops",
            kwargs={"notice": notice.model_dump(mode="json"), "route": route.name},
            job_id=f"ops-{notice.id}-{route.name}",
            retry=Retry(max=retries, interval=[10, 30, 60, 120, 300][: max(retries, 1)]),
            job_timeout=60, result_ttl=3600, failure_ttl=7 * 24 * 3600,
            description=f"{notice.kind} {notice.feed} to {route.name}",
        )
    return len(targets)
