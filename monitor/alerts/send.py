"""Deliver one alert to one route. Raises DeliveryError with what a retry should know."""

from __future__ import annotations

import json

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


def send(route: Route, alert: Alert, client: httpx.Client, fact_url: str | None) -> None:
    if route.type == "console":
        get_logger(route=route.name).info("alert", summary=summary_line(alert),
                                          alert_id=alert.id)
        return
    url = route.resolved_url()
    if route.type == "slack":
        payload = slack_payload(alert, fact_url)
        problems = validate_blocks(payload)
        if problems:
            raise DeliveryError(f"slack payload invalid: {problems[0]}", permanent=True)
        body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        _post(client, url, body, {"content-type": "application/json"}, route)
        return
    data = alert.model_dump(mode="json")
    if fact_url:
        data["fact_url"] = fact_url
    body = json.dumps(data, ensure_ascii=False).encode("utf-8")
    _post(client, url, body, webhook_headers(route.secret(), alert.id, body), route)


RETRACTION_WHY = ("an older report arrived later and, in time order, the figures no longer "
                  "disagree this way")


def send_retraction(route: Route, alert: Alert, client: httpx.Client,
                    fact_url: str | None) -> None:
    """Tell a route that an alert it received no longer holds."""
    text = f"Withdrawn: {summary_line(alert)} ({RETRACTION_WHY})"
    if route.type == "console":
        get_logger(route=route.name).info("alert_withdrawn", summary=text, alert_id=alert.id)
        return
    url = route.resolved_url()
    if route.type == "slack":
        link = f" <{fact_url}|fact page>" if fact_url else ""
        payload = {"text": text[:3000], "blocks": [{"type": "section", "text": {
            "type": "mrkdwn", "text": ("*Withdrawn* " + escape_mrkdwn(text)[:2800] + link)}}]}
        body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        _post(client, url, body, {"content-type": "application/json"}, route)
        return
    data: dict[str, object] = {"type": "newsmon.alert_retracted", "id": alert.id,
                               "kind": alert.kind, "fact_key": alert.fact_key,
                               "reason": RETRACTION_WHY}
    if fact_url:
        data["fact_url"] = fact_url
    body = json.dumps(data, ensure_ascii=False).encode("utf-8")
    _post(client, url, body, webhook_headers(route.secret(), f"{alert.id}.retracted", body),
          route)
