"""Signing as the reference library checks it, Apprise routes, per-route templates, Slack
payloads through slack-sdk's block models: against real local HTTP servers."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from standardwebhooks.webhooks import Webhook

from monitor.alerts.routes import Route, RouteConfigError, load_routes
from monitor.alerts.send import DeliveryError, send
from monitor.alerts.slack import slack_payload, validate_blocks
from monitor.alerts.webhook import check_secret, new_secret
from tests.httpserver import LocalServer
from tests.test_alert_delivery import SECRET, alert


def test_reference_library_verifies_a_delivery(http_server: LocalServer,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    http_server.routes["/hook"] = lambda req: (204, {}, b"")
    monkeypatch.setenv("T_REF_SECRET", SECRET)
    route = Route(name="hook", type="webhook", url=http_server.url("/hook"),
                  secret_env="T_REF_SECRET")
    with httpx.Client() as client:
        send(route, alert(), client, None)
    (req,) = http_server.requests
    body = Webhook(SECRET).verify(req.body, req.headers)  # raises when it does not verify
    assert body["type"] == "alert.contradiction" and body["id"] == alert().id
    assert body["timestamp"] and body["current"]["low"] == 120
    with pytest.raises(Exception, match="signature"):
        Webhook(new_secret()).verify(req.body, req.headers)


@pytest.mark.parametrize(("secret", "says"), [
    ("plain-string-secret", "whsec_"),
    ("whsec_not*base64!", "not base64"),
    ("whsec_" + "YWJj", "3 bytes"),
])
@pytest.mark.faults
def test_a_secret_the_library_cannot_use_stops_start_up(tmp_path: Path, secret: str, says: str,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    routes = tmp_path / "routes.yaml"
    routes.write_text("routes:\n  - name: hook\n    type: webhook\n"
                      "    url: https://example.org/h\n    secret_env: T_BAD_SECRET\n",
                      encoding="utf-8")
    monkeypatch.setenv("T_BAD_SECRET", secret)
    with pytest.raises(RouteConfigError, match=rf"routes.yaml:2: .*T_BAD_SECRET.*{says}") as e:
        load_routes(routes)
    assert secret not in str(e.value)  # the message names the variable, never its value


def test_newsmon_secret_prints_a_usable_secret() -> None:
    out = subprocess.run([sys.executable, "-m", "monitor", "secret"], capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    secret = out.stdout.strip()
    assert secret.startswith("whsec_") and len(check_secret(secret)) == 32
    Webhook(secret)  # the reference library takes it


def test_apprise_route_delivers_to_a_local_endpoint(http_server: LocalServer,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    http_server.routes["/notify"] = lambda req: (200, {}, b"ok")
    url = http_server.url("/notify").replace("http://", "json://")
    monkeypatch.setenv("T_APPRISE_URL", url)
    route = Route(name="team", type="apprise", url_env="T_APPRISE_URL",
                  template="{{ kind }} | {{ label }} | {{ previous.figure }} → "
                           "{{ current.figure }} | {{ reason }}")
    with httpx.Client() as client:
        send(route, alert(), client, "https://newsmon.example/facts/x")
    (req,) = http_server.requests
    got = json.loads(req.body)
    assert got["title"].startswith("newsmon: تناقض")
    assert got["message"] == ("تناقض | فرار (معتقلون) — الشدادي — يناير 2026 | ~1,500 → 120 | "
                              "رقمان مختلفان للحدث نفسه في المكان والزمان نفسيهما")


@pytest.mark.faults
def test_apprise_failure_is_retryable(http_server: LocalServer,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    http_server.routes["/notify"] = lambda req: (503, {}, b"down")
    monkeypatch.setenv("T_APPRISE_URL", http_server.url("/notify").replace("http", "json"))
    route = Route(name="team", type="apprise", url_env="T_APPRISE_URL")
    with httpx.Client() as client, pytest.raises(DeliveryError) as info:
        send(route, alert(), client, None)
    assert not info.value.permanent and "127.0.0.1" not in str(info.value)


@pytest.mark.faults
def test_route_templates_are_sandboxed_and_checked_at_load(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch,
                                                           http_server: LocalServer) -> None:
    routes = tmp_path / "routes.yaml"
    routes.write_text("routes:\n  - name: c\n    type: console\n"
                      "    template: '{{ kind }'\n", encoding="utf-8")
    with pytest.raises(RouteConfigError, match=r"routes.yaml:2: .*template"):
        load_routes(routes)
    monkeypatch.setenv("T_APPRISE_URL", "unknown-service://x")
    routes.write_text("routes:\n  - name: a\n    type: apprise\n    url_env: T_APPRISE_URL\n",
                      encoding="utf-8")
    with pytest.raises(RouteConfigError, match=r"T_APPRISE_URL is not an Apprise URL"):
        load_routes(routes)
    http_server.routes["/n"] = lambda req: (200, {}, b"ok")
    monkeypatch.setenv("T_APPRISE_URL", http_server.url("/n").replace("http", "json"))
    escape = Route(name="a", type="apprise", url_env="T_APPRISE_URL",
                   template="{{ ''.__class__.__mro__[1].__subclasses__() }}")
    with httpx.Client() as client, pytest.raises(Exception, match=r"unsafe|not safely"):
        send(escape, alert(), client, None)
    assert http_server.requests == []


@pytest.mark.faults
def test_slack_blocks_checked_by_slack_sdk() -> None:
    payload = slack_payload(alert(), "https://newsmon.example/facts/x")
    assert validate_blocks(payload) == []
    assert payload["blocks"][0]["text"]["text"].startswith("تناقض: فرار (معتقلون)")
    payload["blocks"][0]["text"]["text"] = "x" * 151
    payload["blocks"].append({"type": "no-such-block"})
    problems = validate_blocks(payload)
    assert any("150" in p for p in problems) and any("no-such-block" in p for p in problems)


def test_withdrawal_notices_speak_arabic(http_server: LocalServer,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from monitor.alerts.send import send_retraction

    http_server.routes["/slack"] = lambda req: (200, {}, b"ok")
    http_server.routes["/n"] = lambda req: (200, {}, b"ok")
    monkeypatch.setenv("T_APPRISE_URL", http_server.url("/n").replace("http", "json"))
    with httpx.Client() as client:
        send_retraction(Route(name="s", type="slack", url=http_server.url("/slack")), alert(),
                        client, "https://newsmon.example/facts/x")
        send_retraction(Route(name="a", type="apprise", url_env="T_APPRISE_URL"), alert(),
                        client, None)
    slack, apprise = (json.loads(r.body) for r in http_server.requests)
    assert slack["text"].startswith("سُحب تناقض: فرار (معتقلون)")
    assert "<https://newsmon.example/facts/x|صفحة الحقيقة>" in slack["blocks"][0]["text"]["text"]
    assert apprise["title"].startswith("newsmon: سُحب تناقض") and "تقرير أقدم" in apprise["message"]
