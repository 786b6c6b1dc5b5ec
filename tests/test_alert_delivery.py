"""Slack and webhook deliveries to a real local HTTP server; signatures checked independently."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from pathlib import Path

import httpx
import pytest

from monitor.alerts.routes import Route, RouteConfigError, load_routes
from monitor.alerts.send import DeliveryError, send
from monitor.alerts.slack import escape_mrkdwn, slack_payload, validate_blocks
from monitor.alerts.webhook import verify
from monitor.models import Alert
from tests.httpserver import LocalServer, Request

SECRET = "whsec_" + base64.b64encode(b"a-32-byte-secret-for-the-tests!!").decode()


def alert(sentence: str = "في يناير 2026، فرّ نحو 1500 سجين أثناء اشتباكات.") -> Alert:
    base = {"unit": "person", "entity": "detainee", "event": "escaped",
            "location": "sy.hasakah.shaddadi", "outlet": "seed-outlet-e",
            "published": "2026-02-22T09:00:00+00:00", "url": "https://example.org/a?x=1&y=2"}
    return Alert(
        id=Alert.stable_id("escaped:detainee:sy:2026-01", "c1", "c2"),
        kind="contradiction", fact_key="escaped:detainee:sy:2026-01",
        fact={"key": "escaped:detainee:sy:2026-01", "event": "escaped", "entity": "detainee",
              "location": "sy.hasakah.shaddadi", "scope": "2026-01", "unit": "person"},
        previous={**base, "text": "نحو 1500", "low": 1500, "high": 1500, "approx": True,
                  "attributed_to": "متحدث قسد فرهاد شامي", "sentence": sentence},
        current={**base, "text": "120", "low": 120, "high": 120, "approx": False,
                 "attributed_to": "وزارة الداخلية السورية",
                 "sentence": "أعلنت وزارة الداخلية السورية فرار 120 معتقلاً فقط"},
        reason="figures disagree for the same event, place and time",
    )


def independent_verify(secret: str, req: Request) -> bool:
    """The Standard Webhooks check written from the spec, not with our own helper."""
    key = base64.b64decode(secret.split("_", 1)[1])
    signed = f"{req.headers['webhook-id']}.{req.headers['webhook-timestamp']}.".encode() + req.body
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    sigs = [s.split(",", 1)[1] for s in req.headers["webhook-signature"].split()]
    return expected in sigs and abs(time.time() - int(req.headers["webhook-timestamp"])) < 300


def test_signed_webhook_received_and_verified(http_server: LocalServer,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    http_server.routes["/hook"] = lambda req: (204, {}, b"")
    monkeypatch.setenv("T_HOOK_SECRET", SECRET)
    route = Route(name="hook", type="webhook", url=http_server.url("/hook"),
                  secret_env="T_HOOK_SECRET")
    a = alert()
    with httpx.Client() as client:
        send(route, a, client, "https://newsmon.example/facts/x")
    (req,) = http_server.requests
    assert req.headers["webhook-id"] == a.id  # redeliveries carry the same id
    assert independent_verify(SECRET, req)
    assert verify(SECRET, req.headers, req.body)
    assert not verify(SECRET, req.headers, req.body.replace(b"120", b"121"))
    other = "whsec_" + base64.b64encode(b"another-secret-another-secret!!!").decode()
    assert not verify(other, req.headers, req.body)
    body = json.loads(req.body)
    assert body["id"] == a.id and body["current"]["low"] == 120
    assert body["fact_url"] == "https://newsmon.example/facts/x"


@pytest.mark.faults
def test_slack_payload_is_valid_block_kit_and_escaped() -> None:
    evil = "قال <!channel> إن <https://evil.example|اضغط هنا> & 1500 " + "ف" * 10_000
    payload = slack_payload(alert(evil), "https://newsmon.example/facts/x")
    assert validate_blocks(payload) == []
    assert payload["text"].startswith("تناقض: فرار (معتقلون)")
    blocks = payload["blocks"]
    assert 0 < len(blocks) <= 50
    assert {b["type"] for b in blocks} <= {"header", "section", "context", "actions", "divider"}
    assert blocks[0]["type"] == "header" and len(blocks[0]["text"]["text"]) <= 150
    dump = json.dumps(payload, ensure_ascii=False)
    assert "<!channel>" not in dump and "<https://evil" not in dump
    assert "&lt;!channel&gt;" in dump and "&amp;" in dump
    for b in blocks:
        for f in b.get("fields", []):
            assert len(f["text"]) <= 2000
        assert len(b.get("text", {}).get("text", "")) <= 3000
    assert escape_mrkdwn("<a&b>") == "&lt;a&amp;b&gt;"


@pytest.mark.parametrize(
    ("status", "headers", "retry_after", "permanent"),
    [(429, {"Retry-After": "7"}, 7.0, False), (500, {}, None, False), (404, {}, None, True)],
)
@pytest.mark.faults
def test_slack_failures_say_what_a_retry_needs(http_server: LocalServer, status: int,
                                               headers: dict[str, str],
                                               retry_after: float | None,
                                               permanent: bool) -> None:
    http_server.routes["/slack"] = lambda req: (status, headers, b"no")
    route = Route(name="slack", type="slack", url=http_server.url("/slack"))
    with httpx.Client() as client, pytest.raises(DeliveryError) as info:
        send(route, alert(), client, None)
    assert info.value.retry_after == retry_after
    assert info.value.permanent is permanent
    assert http_server.url("/slack") not in str(info.value)


@pytest.mark.faults
def test_unreachable_webhook_is_a_delivery_error_without_the_url() -> None:
    route = Route(name="down", type="slack", url="http://127.0.0.1:9/services/T000/B000/SECRET")
    with httpx.Client() as client, pytest.raises(DeliveryError) as info:
        send(route, alert(), client, None)
    assert "SECRET" not in str(info.value) and not info.value.permanent


@pytest.mark.faults
def test_routes_file_errors_name_file_line_and_variable(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    good = tmp_path / "routes.yaml"
    good.write_text("routes:\n  - name: console\n    type: console\n"
                    "  - name: s\n    type: slack\n    url_env: T_SLACK_URL\n"
                    "    kinds: [update]\n", encoding="utf-8")
    monkeypatch.delenv("T_SLACK_URL", raising=False)
    with pytest.raises(RouteConfigError, match=r"routes.yaml:4: .*T_SLACK_URL"):
        load_routes(good)
    monkeypatch.setenv("T_SLACK_URL", "https://hooks.slack.com/services/T/B/X")
    routes = load_routes(good)
    assert [r.name for r in routes] == ["console", "s"]
    assert routes[0].matches(alert()) and not routes[1].matches(alert())

    bad = tmp_path / "bad.yaml"
    bad.write_text("routes:\n  - name: console\n    type: console\n    colour: red\n",
                   encoding="utf-8")
    with pytest.raises(RouteConfigError, match=r"bad.yaml:2: .*colour"):
        load_routes(bad)
