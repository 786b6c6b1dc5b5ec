"""Broken sources are visible: a feed failing N polls in a row pages the operators' route,
again every M further failures, and once more when it recovers; analysts' routes never see
it. Real poller, real local feed server, real RQ delivery to a real webhook receiver."""

from __future__ import annotations

import asyncio
import base64
import json
import random
from pathlib import Path

import pytest
import redis

from monitor.alerts.ops import enqueue_notice
from monitor.alerts.webhook import verify
from monitor.pipeline import Pipeline
from monitor.poller import Poller
from monitor.poller.config import FeedConfig
from monitor.settings import Settings
from monitor.worker import drain
from tests.httpserver import LocalServer, Request

pytestmark = [pytest.mark.integration, pytest.mark.faults]
SECRET = "whsec_" + base64.b64encode(b"ops-secret-for-the-tests-32bytes").decode()
RSS = ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>'
       '<item><guid>a1</guid><link>http://x/a1</link><title>غارة على درنة</title>'
       '<description>قال مسؤول إن 5 أشخاص قتلوا في غارة على درنة.</description></item>'
       '</channel></rss>').encode()


def test_failing_feed_pages_ops_until_it_recovers(
    http_server: LocalServer, redis_client: redis.Redis, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    received: list[Request] = []

    def hook(req: Request) -> tuple[int, dict[str, str], bytes]:
        received.append(req)
        return 204, {}, b""

    healthy = {"now": False}
    http_server.routes["/feed"] = lambda req: (200, {"content-type": "application/rss+xml"},
                                               RSS) if healthy["now"] else (503, {}, b"down")
    http_server.routes["/ops"] = hook
    monkeypatch.setenv("OPS_SECRET", SECRET)
    routes = tmp_path / "routes.yaml"
    routes.write_text(
        "routes:\n"
        "  - {name: analysts, type: console}\n"
        f"  - {{name: oncall, type: webhook, url: '{http_server.url('/ops')}', "
        "secret_env: OPS_SECRET, kinds: [feed_failing, feed_recovered]}\n", encoding="utf-8")
    settings = Settings(routes_file=routes, namespace="t-ops", feed_alert_after=2,
                        feed_alert_every=2, backoff_base=1, backoff_cap=5)
    monkeypatch.setenv("NEWSMON_ROUTES_FILE", str(routes))  # what the workers' jobs read
    pipeline = Pipeline(redis_client, "t-ops", settings)
    poller = Poller(redis_client, [FeedConfig(name="flaky", url=http_server.url("/feed"))],
                    pipeline.ingestor, keys=pipeline.keys, settings=settings,
                    rng=random.Random(3),
                    notify=lambda n: enqueue_notice(pipeline.queues.alerts, pipeline.routes, n,
                                                    settings.delivery_retries))
    now = 1000.0
    for _ in range(5):  # five failed polls: notices at the 2nd and the 4th
        asyncio.run(poller.poll_once(now=now))
        now += 10  # past the capped back-off
    healthy["now"] = True
    asyncio.run(poller.poll_once(now=now))
    drain(redis_client, pipeline.queues, settings)

    bodies = [json.loads(r.body) for r in received]
    assert [(b["type"], b["failures"]) for b in bodies] == [
        ("feed.failing", 2), ("feed.failing", 4),
        ("feed.recovered", 5)]
    for r in received:
        assert verify(SECRET, r.headers, r.body)
        assert r.headers["webhook-id"].startswith("ops_feed_")
    assert all(b["feed"] == "flaky" and "127.0.0.1" not in json.dumps(b) for b in bodies)
    assert pipeline.ledger.all() == []  # nothing reached the analysts' alert stream
