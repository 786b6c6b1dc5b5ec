"""Metrics that say what happened once: one outcome per poll, attempts apart from results,
last-success timestamps, build info. Real feeds and webhooks on 127.0.0.1, a real Redis."""

from __future__ import annotations

import asyncio
import base64
import random

import httpx
import pytest
import redis
from prometheus_client import REGISTRY

from monitor import __version__
from monitor.alerts.routes import Route
from monitor.alerts.send import DeliveryError, send
from monitor.keys import Keys
from monitor.metrics import POLL_OUTCOMES, init_known_labels
from monitor.models import Article
from monitor.poller import FeedConfig, Poller
from monitor.poller.state import FeedState
from monitor.settings import Settings
from tests.httpserver import LocalServer
from tests.test_alert_delivery import alert
from tests.test_poller import RSS

HTML = b"<!doctype html><html><head><title>x</title></head><body><p>hello</p></body></html>"
# A feed whose XML breaks after its first entry: the entry is kept, the document is malformed.
BROKEN_TAIL = RSS.split(b"</item>")[0] + b"</item><item><title>x</ti"


def polls(feed: str) -> dict[str, float]:
    return {o: REGISTRY.get_sample_value("newsmon_feed_polls_total",
                                         {"feed": feed, "outcome": o}) or 0.0
            for o in POLL_OUTCOMES}


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


@pytest.mark.parametrize(("path", "reply", "outcome", "moves"), [
    ("/ok", (200, {"content-type": "application/rss+xml"}, RSS), "ok", 0),
    ("/partial", (200, {"content-type": "application/rss+xml"}, BROKEN_TAIL), "partial", 0),
    ("/html", (200, {"content-type": "text/html"}, HTML), "malformed", 0),
    ("/moved", (301, {"Location": "/ok"}, b""), "ok", 1),
    ("/down", (503, {}, b"down"), "error", 0),
])
def test_each_poll_counts_under_exactly_one_outcome(redis_client: redis.Redis,
                                                    http_server: LocalServer, path: str,
                                                    reply: tuple[int, dict[str, str], bytes],
                                                    outcome: str, moves: int) -> None:
    http_server.routes[path] = lambda req: reply
    http_server.routes["/ok"] = lambda req: (200, {"content-type": "application/rss+xml"}, RSS)
    name = f"m{path.strip('/')}"
    got: list[Article] = []
    feed = FeedConfig(name=name, url=http_server.url(path))
    poller = Poller(redis_client, [feed], lambda a: got.append(a) or "new", keys=Keys("t-m"),
                    settings=Settings(), rng=random.Random(1))
    before, moved = polls(name), sample("newsmon_feed_moves_total", feed=name)
    asyncio.run(poller.poll_once(now=1000.0))
    delta = {o: polls(name)[o] - before[o] for o in POLL_OUTCOMES}
    assert delta == {o: 1.0 if o == outcome else 0.0 for o in POLL_OUTCOMES}
    assert sample("newsmon_feed_moves_total", feed=name) - moved == moves
    state = FeedState.load(redis_client, Keys("t-m"), name)
    assert state.last_outcome == outcome and state.last_poll_at == 1000.0
    succeeded = outcome in ("ok", "partial")
    assert (state.last_success_at == 1000.0) is succeeded
    assert (sample("newsmon_feed_last_success_timestamp_seconds", feed=name) == 1000.0) \
        is succeeded
    assert (len(got) > 0) is succeeded


def test_attempts_are_counted_apart_from_results(http_server: LocalServer,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    answers = iter([503, 503, 204])
    http_server.routes["/hook"] = lambda req: (next(answers), {}, b"")
    monkeypatch.setenv("T_M_SECRET", "whsec_" + base64.b64encode(b"m" * 32).decode())
    route = Route(name="m-hook", type="webhook", url=http_server.url("/hook"),
                  secret_env="T_M_SECRET")
    init_known_labels(routes=["m-hook"])
    with httpx.Client() as client:
        for _ in range(2):
            with pytest.raises(DeliveryError):
                send(route, alert(), client, None)
        send(route, alert(), client, None)
    assert sample("newsmon_delivery_attempts_total", route="m-hook", result="failed") == 2
    assert sample("newsmon_delivery_attempts_total", route="m-hook", result="ok") == 1
    # What became of the delivery is the pipeline's to count, once: nothing here.
    assert sample("newsmon_alert_deliveries_total", route="m-hook", outcome="delivered") == 0
    assert sample("newsmon_route_last_success_timestamp_seconds", route="m-hook") > 0


def test_build_info_and_no_dead_metrics() -> None:
    import platform

    import monitor.metrics as metrics

    init_known_labels()
    assert sample("newsmon_build_info", version=__version__,
                  python=platform.python_version()) == 1
    assert not hasattr(metrics, "QUEUE_DEPTH")  # /metrics' queue depths come from Redis
    assert REGISTRY.get_sample_value("newsmon_redis_errors_total", {"process": "poller"}) \
        is not None


@pytest.mark.faults
def test_a_redis_error_storing_articles_is_counted(redis_client: redis.Redis,
                                                   http_server: LocalServer) -> None:
    http_server.routes["/ok"] = lambda req: (200, {"content-type": "application/rss+xml"}, RSS)

    def sink(article: Article) -> str:
        raise redis.ConnectionError("gone")

    poller = Poller(redis_client, [FeedConfig(name="m-redis", url=http_server.url("/ok"))],
                    sink, keys=Keys("t-m"), settings=Settings(), rng=random.Random(1))
    before = sample("newsmon_redis_errors_total", process="poller")
    asyncio.run(poller.poll_once(now=1000.0))
    assert sample("newsmon_redis_errors_total", process="poller") == before + 1
    assert polls("m-redis")["error"] == 1
