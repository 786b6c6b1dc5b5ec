"""Deliver one alert to one route. Raises DeliveryError with what a retry should know."""

from __future__ import annotations

import json
from typing import Any

import httpx

from monitor.alerts.render import summary_line
from monitor.alerts.routes import Route
from monitor.alerts.slack import escape_mrkdwn, slack_payload, validate_blocks
from monitor.alerts.webhook import webhook_headers
from monitor.http_headers import retry_after_seconds
from monitor.logs import get_logger
from monitor.models import Alert


class DeliveryError(Exception):
    def __init__(self, reason: str, *, retry_after: float | None = None,
                 permanent: bool = False):
        super().__init__(reason)
        self.retry_after = retry_after
        self.permanent = permanent


def _post(client: httpx.Client, url: str, body: bytes, headers: dict[str, str],
          route: Route) -> None:
    try:
        resp = client.post(url, content=body, headers=headers, timeout=route.timeout)
    except httpx.HTTPError as exc:
        # The exception text may carry the URL (a secret for Slack): name only its kind.
        raise DeliveryError(f"{route.type} route {route.name}: {type(exc).__name__}") from None
    if resp.is_success:
        return
    code = resp.status_code
    raise DeliveryError(
        f"{route.type} route {route.name}: HTTP {code}",
        retry_after=retry_after_seconds(resp.headers.get("retry-after")),
        permanent=400 <= code < 500 and code not in (408, 409, 425, 429),
    )


def post_json(client: httpx.Client, route: Route, payload: dict[str, Any]) -> None:
    """A JSON body to a Slack incoming webhook (unsigned: its URL is the secret)."""
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    _post(client, route.resolved_url(), body, {"content-type": "application/json"}, route)


def post_signed(client: httpx.Client, route: Route, data: dict[str, Any], msg_id: str) -> None:
    """A JSON body to a generic webhook, signed per Standard Webhooks with `msg_id`."""
    body = json.dumps(data, ensure_ascii=False).encode("utf-8")
    _post(client, route.resolved_url(), body, webhook_headers(route.secret(), msg_id, body),
          route)


def slack_text(text: str, mrkdwn: str) -> dict[str, Any]:
    """A one-section Slack message: `text` is what phones show, `mrkdwn` (escaped) the body."""
    return {"text": text[:3000],
            "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": mrkdwn}}]}


def send(route: Route, alert: Alert, client: httpx.Client, fact_url: str | None) -> None:
    if route.type == "console":
        get_logger(route=route.name).info("alert", summary=summary_line(alert),
                                          alert_id=alert.id)
        return
    if route.type == "slack":
        payload = slack_payload(alert, fact_url)
        problems = validate_blocks(payload)
        if problems:
            raise DeliveryError(f"slack payload invalid: {problems[0]}", permanent=True)
        post_json(client, route, payload)
        return
    data = alert.model_dump(mode="json")
    if fact_url:
        data["fact_url"] = fact_url
    post_signed(client, route, data, alert.id)


RETRACTION_WHY = ("an older report arrived later and, in time order, the figures no longer "
                  "disagree this way")


def send_retraction(route: Route, alert: Alert, client: httpx.Client,
                    fact_url: str | None) -> None:
    """Tell a route that an alert it received no longer holds."""
    text = f"Withdrawn: {summary_line(alert)} ({RETRACTION_WHY})"
    if route.type == "console":
        get_logger(route=route.name).info("alert_withdrawn", summary=text, alert_id=alert.id)
        return
    if route.type == "slack":
        link = f" <{fact_url}|fact page>" if fact_url else ""
        post_json(client, route, slack_text(
            text, "*Withdrawn* " + escape_mrkdwn(text)[:2800] + link))
        return
    data: dict[str, Any] = {"type": "newsmon.alert_retracted", "id": alert.id,
                            "kind": alert.kind, "fact_key": alert.fact_key,
                            "reason": RETRACTION_WHY}
    if fact_url:
        data["fact_url"] = fact_url
    post_signed(client, route, data, f"{alert.id}.retracted")
