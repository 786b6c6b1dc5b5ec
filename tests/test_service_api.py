"""`newsmon run` serving a signed webhook route, as users run it: OPML import, the JSON API,
the Atom feed of alerts, `newsmon routes test`, `newsmon feeds list` (issue 14)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from xml.sax.saxutils import quoteattr

import feedparser
import httpx
import pytest
from standardwebhooks.webhooks import Webhook

from monitor.demo import seeds_feeds
from monitor.redis_conn import EmbeddedRedis, free_port
from tests.httpserver import LocalServer
from tests.seeds import seed_articles
from tests.test_alert_delivery import SECRET

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.integration


def newsmon(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "monitor", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def test_run_with_a_webhook_route_serves_api_atom_and_route_tests(
        redis_server: EmbeddedRedis, http_server: LocalServer, tmp_path: Path) -> None:
    docs = seeds_feeds(seed_articles(), http_server.base)
    for path, body in docs.items():
        http_server.routes[path] = lambda req, body=body: (200, {"ETag": '"1"'}, body)
    hooks: list[dict[str, object]] = []

    def hook(req):  # type: ignore[no-untyped-def]
        hooks.append({"headers": req.headers, "body": req.body})
        return 204, {}, b""

    http_server.routes["/hook"] = hook
    opml = tmp_path / "seeds.opml"
    opml.write_text('<?xml version="1.0" encoding="UTF-8"?>\n<opml version="2.0"><head>'
                    "<title>seeds</title></head><body>" + "".join(
                        f'<outline type="rss" text={quoteattr(p.rsplit("/", 1)[1][:-4])} '
                        f'xmlUrl={quoteattr(http_server.url(p))}/>' for p in docs)
                    + "</body></opml>\n", encoding="utf-8")
    feeds = tmp_path / "feeds.yaml"
    feeds.write_text("# feeds of this test\nfeeds: []\n", encoding="utf-8")
    routes = tmp_path / "routes.yaml"
    routes.write_text("routes:\n  - {name: console, type: console}\n"
                      f"  - {{name: hook, type: webhook, url: '{http_server.url('/hook')}', "
                      "secret_env: T_API_SECRET}\n", encoding="utf-8")
    metrics_port, web_port = free_port(), free_port()
    (tmp_path / "metrics").mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSMON_")}
    env.update(REDIS_URL=redis_server.url, NEWSMON_NAMESPACE="t-api",
               NEWSMON_FEEDS_FILE=str(feeds), NEWSMON_ROUTES_FILE=str(routes),
               NEWSMON_METRICS_PORT=str(metrics_port), NEWSMON_METRICS_HOST="127.0.0.1",
               NEWSMON_WEB_HOST="127.0.0.1", NEWSMON_WEB_PORT=str(web_port),
               NEWSMON_ALERT_SETTLE_SECONDS="0", T_API_SECRET=SECRET,
               PROMETHEUS_MULTIPROC_DIR=str(tmp_path / "metrics"))

    imported = newsmon("feeds", "import", str(opml), env=env)
    assert imported.returncode == 0, imported.stderr
    assert len(json.loads(imported.stdout)["added"]) == len(docs)
    again = newsmon("feeds", "import", str(opml), env=env)  # the same file twice adds nothing
    assert json.loads(again.stdout)["added"] == [] and "already in the feeds file" in again.stderr
    assert feeds.read_text(encoding="utf-8").startswith("# feeds of this test\nfeeds:\n")

    err = (tmp_path / "run.log").open("w")
    proc = subprocess.Popen([sys.executable, "-m", "monitor", "run", "--workers", "2"],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=err)
    web = f"http://127.0.0.1:{web_port}"
    try:
        alerts: list[dict[str, object]] = []
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                alerts = httpx.get(web + "/api/alerts").json()
            except httpx.HTTPError:
                alerts = []
            if {a["kind"] for a in alerts} == {"contradiction", "update"} and \
                    len(hooks) >= len(alerts):
                break
            time.sleep(0.3)
        assert {a["kind"] for a in alerts} == {"contradiction", "update"}, \
            (tmp_path / "run.log").read_text()[-3000:]

        # /api/alerts has the CLI's --json shape, alert for alert.
        cli = newsmon("alerts", "--json", env=env)
        assert [json.loads(x) for x in cli.stdout.splitlines()] == alerts
        facts = httpx.get(web + "/api/facts").json()
        assert any(f["fact"]["key"] == alerts[0]["fact_key"] for f in facts)

        # /alerts.atom is an Atom feed of those alerts.
        feed = feedparser.parse(httpx.get(web + "/alerts.atom").content)
        assert not feed.bozo and feed.version == "atom10"
        assert sorted(e.id for e in feed.entries) == sorted(
            f"urn:newsmon:alert:{a['id']}" for a in alerts)

        # The service's own deliveries verify with the reference library and carry `type`.
        types = sorted(Webhook(SECRET).verify(h["body"], h["headers"])["type"]  # type: ignore[arg-type]
                       for h in hooks)
        assert types == ["alert.contradiction", "alert.update"]

        # `newsmon routes test hook`: a signed test notification the library verifies.
        before = len(hooks)
        tested = newsmon("routes", "test", "hook", env=env)
        assert tested.returncode == 0, tested.stderr
        (test_hook,) = hooks[before:]
        body = Webhook(SECRET).verify(test_hook["body"], test_hook["headers"])  # type: ignore[arg-type]
        assert body["type"] == "newsmon.test" and body["id"] == json.loads(tested.stdout)["id"]
        assert test_hook["headers"]["webhook-id"] == body["id"]  # type: ignore[index]
        missing = newsmon("routes", "test", "nope", env=env)
        assert missing.returncode == 2 and "no route 'nope'" in missing.stderr

        # `newsmon feeds list`: every imported feed, polled, with its next poll.
        listed = newsmon("feeds", "list", "--json", env=env)
        rows = [json.loads(x) for x in listed.stdout.splitlines()]
        assert listed.returncode == 0, listed.stdout
        assert len(rows) == len(docs) and all(r["status"] == "ok" and r["last_success"]
                                              and r["next_poll"] for r in rows)
        metrics = httpx.get(f"http://127.0.0.1:{metrics_port}/metrics").text
        assert 'newsmon_delivery_attempts_total{result="ok",route="hook"}' in metrics
        assert "newsmon_build_info{" in metrics
        assert "newsmon_feed_last_success_timestamp_seconds{" in metrics
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=60) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        err.close()

    http_server.routes["/hook"] = lambda req: (503, {}, b"down")
    down = newsmon("routes", "test", "hook", env=env)
    assert down.returncode == 1 and "HTTP 503" in down.stderr
    exported = newsmon("feeds", "export", env=env)
    assert exported.returncode == 0
    import listparser

    assert sorted(f["url"] for f in listparser.parse(exported.stdout.encode()).feeds) == \
        sorted(http_server.url(p) for p in docs)
