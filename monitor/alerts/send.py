"""Deliver one alert to one route. Raises DeliveryError with what a retry should know."""

from __future__ import annotations

import functools
import json
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, ParamSpec, TypeVar

import httpx
from slack_sdk.errors import SlackObjectFormationError

from monitor.alerts.render import summary_line
from monitor.alerts.routes import Route
from monitor.alerts.slack import escape_mrkdwn, slack_payload
from monitor.alerts.templates import context, render_text, render_title
from monitor.alerts.webhook import webhook_headers
from monitor.http_headers import retry_after_seconds
from monitor.logs import get_logger
from monitor.models import Alert

# Standard Webhooks event types (`type`, dot-delimited) of every body newsmon signs.
TYPES = {"contradiction": "alert.contradiction", "update": "alert.update",
         "withdrawn": "alert.withdrawn", "test": "newsmon.test",
         "feed_failing": "feed.failing", "feed_recovered": "feed.recovered"}


class DeliveryError(Exception):
    def __init__(self, reason: str, *, retry_after: float | None = None,
                 permanent: bool = False):
        super().__init__(reason)
        self.retry_after = retry_after
        self.permanent = permanent


P = ParamSpec("P")
R = TypeVar("R")


def counted(fn: Callable[P, R]) -> Callable[P, R]:
    """Count each try to send to a route (first argument) as an attempt, apart from what
    finally becomes of the delivery; a route's last accepted message sets its timestamp."""
    from monitor.metrics import DELIVERY_ATTEMPTS, ROUTE_LAST_SUCCESS

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        route = args[0]
        assert isinstance(route, Route)
        try:
            out = fn(*args, **kwargs)
        except DeliveryError:
            DELIVERY_ATTEMPTS.labels(route=route.name, result="failed").inc()
            raise
        DELIVERY_ATTEMPTS.labels(route=route.name, result="ok").inc()
        ROUTE_LAST_SUCCESS.labels(route=route.name).set(time.time())
        return out

    return wrapper


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
    """A JSON body to a generic webhook, signed per Standard Webhooks with `msg_id`; the
    body carries the spec's `type` and `timestamp` first."""
    stamped = {"type": data.get("type"), "timestamp": datetime.now(UTC).isoformat(), **data}
    body = json.dumps(stamped, ensure_ascii=False).encode("utf-8")
    _post(client, route.resolved_url(), body, webhook_headers(route.secret(), msg_id, body),
          route)


def notify_apprise(route: Route, title: str, body: str) -> None:
    """One notification through Apprise (Telegram, e-mail, Teams, Discord, …). Apprise says
    only whether it worked: a failure is retried like any other delivery."""
    import apprise

    sender = apprise.Apprise()
    if not sender.add(route.resolved_url()):
        raise DeliveryError(f"apprise route {route.name}: URL not understood", permanent=True)
    try:
        ok = sender.notify(title=title, body=body)
    except Exception as exc:  # a plugin bug must cost this delivery, not the worker
        raise DeliveryError(f"apprise route {route.name}: {type(exc).__name__}") from None
    if not ok:
        raise DeliveryError(f"apprise route {route.name}: the service did not accept it")


def slack_text(text: str, mrkdwn: str) -> dict[str, Any]:
    """A one-section Slack message: `text` is what phones show, `mrkdwn` (escaped) the body."""
    return {"text": text[:3000],
            "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": mrkdwn}}]}


@counted
def send(route: Route, alert: Alert, client: httpx.Client, fact_url: str | None,
         *, test: bool = False) -> None:
    """`test`: a test notification (`newsmon routes test`), marked as such everywhere."""
    if route.type == "console":
        get_logger(route=route.name).info("alert_test" if test else "alert",
                                          summary=summary_line(alert), alert_id=alert.id,
                                          text=render_text(route.template, context(alert, fact_url))
                                          if route.template else None)
        return
    if route.type == "apprise":
        ctx = context(alert, fact_url)
        title = render_title(route.title_template, ctx)
        notify_apprise(route, ("[اختبار] " if test else "") + title,
                       render_text(route.template, ctx))
        return
    if route.type == "slack":
        try:
            payload = slack_payload(alert, fact_url, route.template)
        except SlackObjectFormationError as exc:
            raise DeliveryError(f"slack payload invalid: {exc}", permanent=True) from None
        post_json(client, route, payload)
        return
    data = {"type": TYPES["test"] if test else TYPES[alert.kind], **alert.model_dump(mode="json")}
    if fact_url:
        data["fact_url"] = fact_url
    post_signed(client, route, data, alert.id)


RETRACTION_WHY = ("an older report arrived later and, in time order, the figures no longer "
                  "disagree this way")
RETRACTION_WHY_AR = "وصل لاحقًا تقرير أقدم، وبترتيب الزمن لم يعد الرقمان مختلفين على هذا النحو"


@counted
def send_retraction(route: Route, alert: Alert, client: httpx.Client,
                    fact_url: str | None) -> None:
    """Tell a route that an alert it received no longer holds."""
    text = f"Withdrawn: {summary_line(alert)} ({RETRACTION_WHY})"
    if route.type == "console":
        get_logger(route=route.name).info("alert_withdrawn", summary=text, alert_id=alert.id)
        return
    if route.type == "apprise":
        ctx = context(alert, fact_url, withdrawn=True)
        notify_apprise(route, render_title(route.title_template, ctx),
                       f"{render_text(route.template, ctx)}\n{RETRACTION_WHY_AR}")
        return
    if route.type == "slack":
        ctx = context(alert, fact_url, withdrawn=True)
        said = f"{ctx['kind']}: {ctx['label']} ({RETRACTION_WHY_AR})"
        link = f" <{fact_url}|صفحة الحقيقة>" if fact_url else ""
        post_json(client, route, slack_text(said, escape_mrkdwn(said)[:2800] + link))
        return
    data: dict[str, Any] = {"type": TYPES["withdrawn"], "id": alert.id,
                            "kind": alert.kind, "fact_key": alert.fact_key,
                            "reason": RETRACTION_WHY}
    if fact_url:
        data["fact_url"] = fact_url
    post_signed(client, route, data, f"{alert.id}.retracted")


def test_alert() -> Alert:
    """What `newsmon routes test` sends: a made-up contradiction, marked as a test in its
    id, its reason and its webhook `type` (newsmon.test)."""
    import uuid

    fact = {"key": "escaped:detainee:sy:2026-01", "event": "escaped", "entity": "detainee",
            "unit": "person", "location": "sy.hasakah", "scope": "2026-01"}
    side = {"unit": "person", "entity": "detainee", "event": "escaped",
            "location": "sy.hasakah", "outlet": "newsmon", "url": None,
            "published": datetime.now(UTC).isoformat()}
    return Alert(
        id=f"test_{uuid.uuid4().hex[:24]}", kind="contradiction", fact_key=fact["key"],
        fact=fact,
        previous={**side, "text": "نحو 1500", "low": 1500, "high": 1500, "approx": True,
                  "attributed_to": "اختبار", "sentence": "إشعار تجريبي: فرّ نحو 1500 سجين."},
        current={**side, "text": "120", "low": 120, "high": 120, "approx": False,
                 "attributed_to": "اختبار", "sentence": "إشعار تجريبي: فرّ 120 سجينًا."},
        reason="newsmon test notification",
    )
