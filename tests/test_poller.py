"""The poller against real feeds served on 127.0.0.1 and a real Redis."""

from __future__ import annotations

import asyncio
import gzip
import random
from collections import Counter
from pathlib import Path

import httpx
import pytest
import redis

from monitor.keys import Keys
from monitor.models import Article
from monitor.poller import ConfigError, FeedConfig, Poller, fetch, load_feeds, parse_feed
from monitor.poller.state import FeedState
from monitor.settings import Settings
from tests.httpserver import LocalServer, Request

RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>t</title><link>http://x/</link><description>d</description>
<item><title>مقتل 12 شخصا في غارة</title><link>http://x/a?utm_source=rss</link>
<guid>http://x/a</guid><pubDate>Mon, 19 Feb 2024 10:00:00 +0000</pubDate>
<description>&lt;p&gt;قال مسؤول إن 12 شخصا قتلوا.&lt;/p&gt;
&lt;script&gt;alert(1)&lt;/script&gt;</description></item>
<item><title>نزوح 300 أسرة</title><link>http://x/b</link>
<pubDate>Sun, 18 Feb 2024 10:00:00 +0000</pubDate>
<description>نزحت نحو 300 أسرة.</description></item>
</channel></rss>""".encode()


def run(coro):  # type: ignore[no-untyped-def]
    return asyncio.run(coro)


async def _fetch(url: str, **kw: object):  # type: ignore[no-untyped-def]
    async with httpx.AsyncClient() as c:
        return await fetch(c, url, **kw)  # type: ignore[arg-type]


@pytest.mark.faults
def test_config_errors_name_file_line_and_field(tmp_path: Path) -> None:
    f = tmp_path / "feeds.yaml"
    f.write_text("feeds:\n  - name: a\n    url: https://x.example/rss\n"
                 "  - name: b\n    url: ftp://nope\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"feeds.yaml:4: url"):
        load_feeds(f)
    f.write_text("feeds:\n  - name: a\n    url: https://x.example/rss\n    colour: red\n",
                 encoding="utf-8")
    with pytest.raises(ConfigError, match=r"feeds.yaml:2: colour"):
        load_feeds(f)
    f.write_text("feeds:\n  - {name: a, url: 'https://x/1'}\n  - {name: a, url: 'https://x/2'}\n",
                 encoding="utf-8")
    with pytest.raises(ConfigError, match=r"feeds.yaml:3: duplicate"):
        load_feeds(f)
    f.write_text("feeds:\n  - {name: a, url: 'https://x/1', interval: 60}\n", encoding="utf-8")
    assert load_feeds(f)[0].interval == 60
    assert load_feeds(Path(__file__).parents[1] / "config" / "feeds.yaml") == []


def test_conditional_get_and_http_quirks(http_server: LocalServer) -> None:
    def feed(req: Request) -> tuple[int, dict[str, str], bytes]:
        if req.headers.get("if-none-match") == '"v1"':
            return 304, {}, b""
        return 200, {"ETag": '"v1"', "Content-Type": "application/rss+xml"}, RSS

    http_server.routes.update({
        "/feed": feed,
        "/limited": lambda r: (429, {"Retry-After": "120"}, b""),
        "/gone": lambda r: (410, {}, b""),
        "/moved": lambda r: (301, {"Location": "/feed"}, b""),
        "/loop1": lambda r: (302, {"Location": "/loop2"}, b""),
        "/loop2": lambda r: (302, {"Location": "/loop1"}, b""),
        "/big": lambda r: (200, {}, b"x" * 5000),
        "/bomb": lambda r: (200, {"Content-Encoding": "gzip"}, gzip.compress(b"<" * 200_000)),
    })
    first = run(_fetch(http_server.url("/feed")))
    assert first.outcome == "ok" and first.etag == '"v1"' and first.body == RSS
    assert run(_fetch(http_server.url("/feed"), etag='"v1"')).outcome == "not_modified"
    limited = run(_fetch(http_server.url("/limited")))
    assert limited.outcome == "rate_limited" and limited.retry_after == 120
    assert run(_fetch(http_server.url("/gone"))).outcome == "gone"
    moved = run(_fetch(http_server.url("/moved")))
    assert moved.outcome == "ok" and moved.new_url == http_server.url("/feed")
    loop = run(_fetch(http_server.url("/loop1")))
    assert loop.outcome == "error" and "loop" in loop.reason
    assert "cap" in run(_fetch(http_server.url("/big"), max_bytes=1000)).reason
    assert "cap" in run(_fetch(http_server.url("/bomb"), max_bytes=10_000)).reason
    refused = run(_fetch("http://127.0.0.1:9/feed"))
    assert refused.outcome == "error" and "network" in refused.reason


@pytest.mark.faults
def test_parse_real_feeds(shared_dir: Path) -> None:
    for name, count in (("arabi21_scraped-rss.xml", 10), ("alhurra_scraped-rss.xml", 15)):
        path = shared_dir / "corpora" / "feeds" / name
        feed = FeedConfig(name=name.split("_")[0], url=str(path))
        result = parse_feed(path.read_bytes(), feed)
        assert not result.malformed and len(result.articles) == count
        for a in result.articles:
            assert a.title and "<" not in a.text and a.id.startswith("a_")
            assert any("\u0600" <= ch <= "\u06ff" for ch in a.title)


def test_parse_cleans_html_and_reports_malformed() -> None:
    feed = FeedConfig(name="t", url="http://x/feed")
    result = parse_feed(RSS, feed)
    assert [a.title for a in result.articles] == ["نزوح 300 أسرة", "مقتل 12 شخصا في غارة"]
    killed = result.articles[1]
    assert "alert(1)" not in killed.text and "12 شخصا" in killed.text
    assert killed.id == parse_feed(RSS.replace(b"utm_source=rss", b""), feed).articles[1].id
    broken = parse_feed(b"<rss><channel><item><title>x</title", feed)
    assert broken.malformed
    assert parse_feed(b"this is not xml at all", feed).malformed


@pytest.mark.faults
def test_poller_backs_off_failing_feeds_and_never_stops_the_others(
    http_server: LocalServer, redis_client: redis.Redis
) -> None:
    http_server.routes["/good"] = lambda r: (
        (304, {}, b"") if r.headers.get("if-none-match") == '"e"' else (200, {"ETag": '"e"'}, RSS))
    http_server.routes["/bad"] = lambda r: (500, {}, b"boom")
    http_server.routes["/gone"] = lambda r: (410, {}, b"")
    feeds = [FeedConfig(name="good", url=http_server.url("/good")),
             FeedConfig(name="gone", url=http_server.url("/gone"))]
    feeds += [FeedConfig(name=f"bad{i}", url=http_server.url("/bad")) for i in range(40)]
    got: list[Article] = []

    def sink(a: Article) -> str:
        got.append(a)
        return "new"

    keys = Keys("t-poll")
    poller = Poller(redis_client, feeds, sink, keys=keys,
                    settings=Settings(backoff_base=60, backoff_cap=3600),
                    rng=random.Random(1))
    report = run(poller.poll_once(now=1000.0))
    assert len(got) == 2 and report.outcomes["error"] == 40
    states = {f.name: FeedState.load(redis_client, keys, f.name) for f in feeds}
    delays = [states[f"bad{i}"].next_poll_at - 1000 for i in range(40)]
    assert all(30 <= d <= 60 for d in delays)
    # Forty feeds failing together come back spread over the window, never in one second.
    seconds = Counter(int(d) for d in delays)
    assert len(seconds) >= 15 and max(seconds.values()) <= len(delays) // 5
    assert states["gone"].retired
    # Later: the good feed answers 304, the bad ones fail again and back off further.
    report = run(poller.poll_once(now=5000.0))
    assert len(got) == 2 and report.outcomes["not_modified"] == 1
    bad = FeedState.load(redis_client, keys, "bad0")
    assert bad.consecutive_failures == 2 and 60 <= bad.next_poll_at - 5000 <= 120
    assert report.outcomes["gone"] == 0  # a retired feed is not polled again
