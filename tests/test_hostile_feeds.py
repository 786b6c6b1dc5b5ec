"""Hostile feeds, served for real on 127.0.0.1: each is refused or cleaned with a log line
and a bounded metric, never crashes or stalls the poller, and never stores a broken article.

Also: every real feed in ../shared parses into Arabic articles, and bad configuration stops
`newsmon poll --once` with one line naming the file and line (or variable).
"""

from __future__ import annotations

import asyncio
import gzip
import json
import os
import random
import re
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import redis
from prometheus_client import REGISTRY

from monitor.keys import Keys
from monitor.models import Article
from monitor.poller import FeedConfig, Poller, fetch, parse_feed
from monitor.poller.charset import has_arabic, is_mojibake
from monitor.poller.fetcher import FetchResult
from monitor.poller.problems import ENTRY_PROBLEMS, POLL_PROBLEMS
from monitor.poller.state import FeedState
from monitor.settings import Settings
from tests.httpserver import Handler, LocalServer, Reply

pytestmark = pytest.mark.faults
ROOT = Path(__file__).resolve().parents[1]
CAP = 1_000_000  # max_feed_bytes for these tests
TITLE = "مقتل 12 شخصا في غارة على المدينة"
BODY = "قال مسؤول محلي إن 12 شخصا قتلوا في الغارة."


def rss(items: str, decl: str = '<?xml version="1.0" encoding="utf-8"?>') -> str:
    return (f'{decl}<rss version="2.0"><channel><title>t</title><link>http://x/</link>'
            f"<description>d</description>{items}</channel></rss>")


def item(title: str = TITLE, text: str = BODY, guid: str | None = "g1",
         link: str | None = "http://x/a", date: str | None = "Mon, 19 Feb 2024 10:00:00 +0000",
         ) -> str:
    parts = [f"<title>{title}</title>", f"<description>{text}</description>"]
    parts += [f"<guid>{guid}</guid>"] if guid else []
    parts += [f"<link>{link}</link>"] if link else []
    parts += [f"<pubDate>{date}</pubDate>"] if date else []
    return "<item>" + "".join(parts) + "</item>"


GOOD = rss(item(guid="good-1") + item("نزوح 300 أسرة", "نزحت نحو 300 أسرة من القرية.",
                                      guid="good-2", link="http://x/b")).encode()

BILLION_LAUGHS = (b'<?xml version="1.0"?>\n<!DOCTYPE rss [\n <!ENTITY lol "lol">\n'
                  + b"".join(b' <!ENTITY lol%d "%s">\n' % (i, b"&lol%d;" % (i - 1) * 10
                                                          if i > 1 else b"&lol;" * 10)
                             for i in range(1, 10))
                  + b"]>\n" + rss(item("&lol9;", "&lol9;"), decl="").encode())

HTML_PAGE = (b"<!DOCTYPE html><html><head><title>Sign in</title>"
             b"<script>document.location='/login'</script></head>"
             b"<body><p>\xd8\xb3\xd8\xac\xd9\x84 \xd8\xa7\xd9\x84\xd8\xaf\xd8\xae\xd9\x88\xd9\x84"
             b"</p></body></html>")


def stream(total: int, chunk: int = 64 * 1024, sent: list[int] | None = None,
           delay: float = 0.0) -> Iterator[bytes]:
    """`total` bytes of feed-looking XML, `chunk` at a time, counting what left the server."""
    block = (b"<rss><channel><item><title>x</title>" + b" " * chunk)[:chunk]
    left = total
    while left > 0:
        piece = block[:min(chunk, left)]
        if delay:
            time.sleep(delay)
        yield piece
        left -= len(piece)
        if sent is not None:
            sent[0] += len(piece)


@dataclass
class Hostile:
    handler: Handler
    problem: str  # the FEED_PROBLEMS reason the poll must count


def _static(body: bytes, **headers: str) -> Handler:
    return lambda req: (200, {k.replace("_", "-"): v for k, v in headers.items()}, body)


def _bomb() -> bytes:
    # 200 MB of spaces in about 200 KB: the cap must stop it long before it expands.
    return gzip.compress(b" " * 200_000_000, compresslevel=9)


_BOMB: list[bytes] = []


def bomb_body() -> bytes:
    if not _BOMB:
        _BOMB.append(_bomb())
    return _BOMB[0]


HOSTILE: dict[str, Callable[[], Hostile]] = {
    "malformed_xml": lambda: Hostile(_static(b"<rss><channel><item><title>x</title"),
                                     "malformed"),
    "billion_laughs": lambda: Hostile(_static(BILLION_LAUGHS), "xml_entities"),
    "gzip_bomb": lambda: Hostile(_static(bomb_body(), Content_Encoding="gzip"), "too_large"),
    "huge_streamed": lambda: Hostile(lambda r: (200, {}, stream(50 * 1024 * 1024)), "too_large"),
    "huge_declared": lambda: Hostile(
        lambda r: (200, {"Content-Length": str(50 * 1024 * 1024)}, stream(50 * 1024 * 1024)),
        "too_large"),
    "redirect_loop": lambda: Hostile(lambda r: (302, {"Location": "/hostile"}, b""),
                                     "redirect_loop"),
    "redirect_to_file": lambda: Hostile(lambda r: (302, {"Location": "file:///etc/passwd"}, b""),
                                        "bad_redirect"),
    "slow_drip": lambda: Hostile(lambda r: (200, {}, stream(10_000, chunk=1, delay=0.05)),
                                 "deadline"),
    "html_page": lambda: Hostile(_static(HTML_PAGE, Content_Type="text/html; charset=utf-8"),
                                 "not_a_feed"),
    "html_page_not_xml": lambda: Hostile(
        _static(b"<html><body><p>unclosed<br><img src=x></body></html>"), "not_a_feed"),
    "not_xml_at_all": lambda: Hostile(_static(b"this is not xml at all"), "malformed"),
    "brotli": lambda: Hostile(_static(b"\x0b\x02\x80hello\x03", Content_Encoding="br"),
                              "unsupported_encoding"),
}


def problems() -> dict[str, float]:
    return {r: REGISTRY.get_sample_value("newsmon_feed_problems_total", {"reason": r}) or 0.0
            for r in POLL_PROBLEMS}


def entry_problems() -> dict[str, float]:
    return {r: REGISTRY.get_sample_value("newsmon_feed_entry_problems_total",
                                         {"reason": r, "action": a}) or 0.0
            for r, a in ENTRY_PROBLEMS.items()}


def log_lines(err: str) -> list[dict[str, object]]:
    out = []
    for line in err.splitlines():
        if line.startswith("{"):
            try:
                out.append(json.loads(line))
            except json.JSONDecodeError:
                continue
    return out


def assert_clean(article: Article) -> None:
    """What no stored article may be: empty, scripted, mojibake, or linking off the web."""
    story = f"{article.title or ''} {article.text}"
    assert any(ch.isalpha() for ch in story)  # a headline-only item's title is its story
    for field in (article.title or "", article.text):
        assert "<script" not in field.lower() and "alert(" not in field
        assert "document.location" not in field and not is_mojibake(field)
    assert article.url is None or article.url.startswith(("http://", "https://"))


def poll(redis_client: redis.Redis, feeds: list[FeedConfig], **settings: float,
         ) -> tuple[list[Article], dict[str, FeedState], float]:
    got: list[Article] = []

    def sink(a: Article) -> str:
        got.append(a)
        return "new"

    keys = Keys("t-hostile")
    opts: dict[str, float] = {"backoff_base": 60, "backoff_cap": 3600, "max_feed_bytes": CAP,
                              "http_timeout": 2.0, **settings}
    poller = Poller(redis_client, feeds, sink, keys=keys, settings=Settings(**opts),  # type: ignore[arg-type]
                    rng=random.Random(1))
    start = time.monotonic()
    asyncio.run(poller.poll_once(now=1000.0))
    elapsed = time.monotonic() - start
    return got, {f.name: FeedState.load(redis_client, keys, f.name) for f in feeds}, elapsed


# -- documents and transports --------------------------------------------------------------

@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_feed_is_refused_and_the_good_feed_still_arrives(
    case: str, http_server: LocalServer, redis_client: redis.Redis,
    capsys: pytest.CaptureFixture[str],
) -> None:
    hostile = HOSTILE[case]()
    http_server.routes["/hostile"] = hostile.handler
    http_server.routes["/good"] = _static(GOOD, Content_Type="application/rss+xml")
    feeds = [FeedConfig(name="hostile", url=http_server.url("/hostile")),
             FeedConfig(name="good", url=http_server.url("/good"))]
    before = problems()
    # A short per-read timeout makes the drip case cheap; the deadline is twice it.
    got, states, elapsed = poll(redis_client, feeds, http_timeout=1.0)

    assert sorted(a.guid or "" for a in got) == ["good-1", "good-2"]  # not stalled, not mixed
    for a in got:
        assert_clean(a)
        assert a.feed == "good" and has_arabic(a.text)
    bad = states["hostile"]
    assert bad.consecutive_failures == 1 and bad.last_error and bad.next_poll_at > 1000
    assert states["good"].consecutive_failures == 0
    after = problems()
    assert after[hostile.problem] == before[hostile.problem] + 1, (case, bad.last_error)
    lines = [x for x in log_lines(capsys.readouterr().err)
             if x.get("feed") == "hostile" and x.get("event") == "feed_failed"]
    assert len(lines) == 1 and lines[0]["problem"] == hostile.problem, lines
    assert elapsed < 10, f"{case} held the cycle for {elapsed:.1f} s"


def test_a_parser_crash_costs_one_feed_not_the_cycle(
    http_server: LocalServer, redis_client: redis.Redis, monkeypatch: pytest.MonkeyPatch,
) -> None:
    import monitor.poller.scheduler as scheduler

    def fragile(body: bytes, feed: FeedConfig, *args: object) -> object:
        if feed.name == "cursed":
            raise RecursionError("a bug we have not met yet")
        return parse_feed(body, feed, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(scheduler, "parse_feed", fragile)
    http_server.routes["/good"] = _static(GOOD)
    feeds = [FeedConfig(name="cursed", url=http_server.url("/good")),
             FeedConfig(name="good", url=http_server.url("/good"))]
    before = problems()["internal_error"]
    got, states, _ = poll(redis_client, feeds)
    assert len(got) == 2 and states["cursed"].consecutive_failures == 1
    assert problems()["internal_error"] == before + 1


def test_problem_labels_are_a_small_fixed_set() -> None:
    for metric in REGISTRY.collect():
        if metric.name in ("newsmon_feed_problems", "newsmon_feed_entry_problems"):
            for sample in metric.samples:
                value = sample.labels["reason"]
                assert value in POLL_PROBLEMS or value in ENTRY_PROBLEMS
                assert "/" not in value and ":" not in value


def _fetch(url: str, **kw: object):  # type: ignore[no-untyped-def]
    async def go():  # type: ignore[no-untyped-def]
        async with httpx.AsyncClient() as c:
            return await fetch(c, url, **kw)  # type: ignore[arg-type]
    return asyncio.run(go())


def _fetch_measured(url: str) -> tuple[FetchResult, int]:
    """Fetch with the test cap; the result and the peak memory the fetch allocated."""
    tracemalloc.start()
    try:
        result = _fetch(url, max_bytes=CAP)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return result, peak


def test_huge_response_is_cut_at_the_cap_without_reading_it_all(
    http_server: LocalServer,
) -> None:
    sent = [0]
    http_server.routes["/huge"] = lambda r: (200, {}, stream(50 * 1024 * 1024, sent=sent))
    result, peak = _fetch_measured(http_server.url("/huge"))
    assert result.outcome == "error" and result.problem == "too_large"
    assert peak < 8 * CAP, f"peak {peak / 1e6:.1f} MB for a {CAP / 1e6:.0f} MB cap"
    time.sleep(0.3)  # the server notices the closed connection
    assert sent[0] < 20 * 1024 * 1024, f"the server got to send {sent[0] / 2**20:.0f} MiB"


def test_gzip_bomb_never_expands_past_the_cap(http_server: LocalServer) -> None:
    body = bomb_body()
    assert len(body) < CAP  # small on the wire: only decompression makes it big
    http_server.routes["/bomb"] = _static(body, Content_Encoding="gzip")
    result, peak = _fetch_measured(http_server.url("/bomb"))
    assert result.outcome == "error" and result.problem == "too_large"
    assert peak < 8 * CAP, f"peak {peak / 1e6:.1f} MB for a {CAP / 1e6:.0f} MB cap"
    # An honest gzip feed still works.
    http_server.routes["/gz"] = _static(gzip.compress(GOOD), Content_Encoding="gzip")
    ok = _fetch(http_server.url("/gz"), max_bytes=CAP)
    assert ok.outcome == "ok" and ok.body == GOOD


def test_slow_drip_hits_the_total_deadline_not_only_read_timeouts(
    http_server: LocalServer,
) -> None:
    # A byte every 50 ms never trips a 1 s read timeout; only the total deadline stops it.
    http_server.routes["/drip"] = lambda r: (200, {}, stream(10_000, chunk=1, delay=0.05))
    start = time.monotonic()
    result = _fetch(http_server.url("/drip"), timeout=1.0, deadline=1.5)
    elapsed = time.monotonic() - start
    assert result.problem == "deadline" and 1.4 < elapsed < 4
    # The deadline covers redirects too: a slow hop after a redirect is within the same budget.
    http_server.routes["/hop"] = lambda r: (302, {"Location": "/drip"}, b"")
    start = time.monotonic()
    assert _fetch(http_server.url("/hop"), timeout=1.0, deadline=1.5).problem == "deadline"
    assert time.monotonic() - start < 4


def test_many_hostile_feeds_do_not_stall_the_cycle(
    http_server: LocalServer, redis_client: redis.Redis,
) -> None:
    """Every hostile case at once, next to the good feed: the cycle ends near the deadline."""
    feeds = [FeedConfig(name="good", url=http_server.url("/good"))]
    http_server.routes["/good"] = _static(GOOD)
    for case, make in HOSTILE.items():
        if case == "redirect_loop":
            continue  # it redirects to /hostile: covered above
        http_server.routes[f"/{case}"] = make().handler
        feeds.append(FeedConfig(name=case.replace("_", "-"), url=http_server.url(f"/{case}")))
    got, states, elapsed = poll(redis_client, feeds, http_timeout=1.0)
    assert len(got) == 2 and states["good"].consecutive_failures == 0
    assert all(s.consecutive_failures == 1 for n, s in states.items() if n != "good")
    assert elapsed < 10


# -- charsets ------------------------------------------------------------------------------

def _charset_cases() -> dict[str, Reply]:
    doc = rss(item(), decl="")
    return {
        "cp1256_declared_utf8_in_prolog": (
            200, {}, ('<?xml version="1.0" encoding="utf-8"?>' + doc).encode("cp1256")),
        "cp1256_declared_utf8_in_header": (
            200, {"Content-Type": "application/rss+xml; charset=utf-8"}, doc.encode("cp1256")),
        "cp1256_undeclared": (200, {}, doc.encode("cp1256")),
        "utf8_declared_cp1256_in_prolog": (
            200, {}, ('<?xml version="1.0" encoding="windows-1256"?>' + doc).encode()),
        "utf8_declared_cp1256_in_header": (
            200, {"Content-Type": "text/xml; charset=windows-1256"}, doc.encode()),
        "cp1256_declared_cp1256": (
            200, {}, ('<?xml version="1.0" encoding="windows-1256"?>' + doc).encode("cp1256")),
        "utf16_with_bom": (
            200, {}, ('<?xml version="1.0" encoding="utf-16"?>' + doc).encode("utf-16")),
    }


@pytest.mark.parametrize("case", sorted(_charset_cases()))
def test_wrong_or_missing_charset_comes_out_readable(
    case: str, http_server: LocalServer, redis_client: redis.Redis,
) -> None:
    """Decision: decode right (valid UTF-8 wins; then the declared charset; then windows-1256
    for Arabic feeds) and store readable Arabic; an entry that is still mojibake is dropped."""
    reply = _charset_cases()[case]
    http_server.routes["/feed"] = lambda r: reply
    got, states, _ = poll(redis_client, [FeedConfig(name="f", url=http_server.url("/feed"))])
    assert states["f"].consecutive_failures == 0, states["f"].last_error
    assert [(a.title, a.text) for a in got] == [(TITLE, BODY)]


def test_mojibake_already_in_the_source_is_dropped_not_stored(
    http_server: LocalServer, redis_client: redis.Redis,
) -> None:
    # The outlet itself stored UTF-8 read as windows-1256 / windows-1252, then served it
    # as valid UTF-8: nothing in the bytes is wrong, only the text is.
    moji_1256 = BODY.encode().decode("cp1256")
    moji_1252 = BODY.encode().decode("latin-1")
    doc = rss(item(guid="m1", text=moji_1256) + item(guid="m2", text=moji_1252)
              + item(guid="m3", text=BODY[:-1] + "\ufffd") + item(guid="ok"))
    http_server.routes["/feed"] = _static(doc.encode())
    before = entry_problems()
    got, _, _ = poll(redis_client, [FeedConfig(name="f", url=http_server.url("/feed"))])
    # feedparser itself repairs UTF-8 read as Latin-1 (m2); the others cannot be trusted.
    assert sorted(a.guid or "" for a in got) == ["m2", "ok"]
    assert all(a.text == BODY for a in got)
    assert entry_problems()["mojibake"] == before["mojibake"] + 2


# -- entries -------------------------------------------------------------------------------

def test_bad_entries_are_dropped_or_repaired_and_counted(
    http_server: LocalServer, redis_client: redis.Redis, capsys: pytest.CaptureFixture[str],
) -> None:
    script = "&lt;p&gt;" + BODY + "&lt;/p&gt;&lt;script&gt;alert(1)&lt;/script&gt;"
    double = ("&amp;lt;b&amp;gt;" + BODY + "&amp;lt;/b&amp;gt;"
              "&amp;lt;script&amp;gt;alert(1)&amp;lt;/script&amp;gt;")
    cdata = ("<![CDATA[<div onclick='alert(1)'>" + BODY + "<script>alert(1)</script>"
             "<style>p{}</style></div>]]>")
    items = "".join([
        item(guid="plain"),
        item(guid="no-link", link=None),
        item(guid=None, link=None, title="بلا رابط ولا معرف", date=None),  # hashed id
        item(guid="no-date", date=None),
        item(guid="future", date="Fri, 01 Jan 2100 00:00:00 +0000"),
        item(guid="dup", title="الأولى"),
        item(guid="dup", title="الثانية"),
        item(guid="script", text=script),
        item(guid="double-escaped", text=double),
        item(guid="cdata", text=cdata),
        item(guid="title-script", title="&lt;script&gt;alert(1)&lt;/script&gt;" + TITLE),
        item(guid="js-link", link="javascript:alert(1)"),
        item(guid="empty", text=""),
        item(guid="only-script", text="&lt;script&gt;alert(1)&lt;/script&gt;"),
        item(guid="only-punct", text=" … — 12 "),
        item(guid="nothing", title=" — ", text=""),
    ])
    http_server.routes["/feed"] = _static(rss(items).encode())
    before = entry_problems()
    got, states, _ = poll(redis_client, [FeedConfig(name="f", url=http_server.url("/feed"))])
    assert states["f"].consecutive_failures == 0
    by_guid = {a.guid: a for a in got}
    assert {g for g in by_guid if not g.startswith("h:")} == {
        "plain", "no-link", "no-date", "future", "dup", "script", "double-escaped", "cdata",
        "title-script", "js-link", "empty", "only-script", "only-punct"}
    assert len(got) == 14  # plus the one identified by a hash of its text
    for g in ("empty", "only-script", "only-punct"):  # headline-only items are kept
        assert by_guid[g].title == TITLE and by_guid[g].text == ""
    for a in got:
        assert_clean(a)
    assert by_guid["dup"].title == "الأولى"  # the first of two entries with one GUID
    assert by_guid["future"].published is None and by_guid["no-date"].published is None
    assert by_guid["no-link"].url is None and by_guid["js-link"].url is None
    assert by_guid["title-script"].title == TITLE
    for g in ("script", "double-escaped", "cdata"):
        assert by_guid[g].text == BODY, (g, by_guid[g].text)
    delta = {k: v - before[k] for k, v in entry_problems().items()}
    assert delta == {"empty_text": 1, "title_only": 3, "mojibake": 0, "duplicate_guid": 1,
                     "future_date": 1, "no_date": 2, "no_link": 2, "bad_link": 1}
    lines = [x for x in log_lines(capsys.readouterr().err) if x.get("event") ==
             "feed_entry_problems"]
    assert len(lines) == 1 and lines[0]["dropped"] == 2 and lines[0]["kept"] == 14


def test_an_empty_but_valid_feed_is_healthy() -> None:
    result = parse_feed(rss("").encode(), FeedConfig(name="t", url="http://x/feed"))
    assert not result.malformed and not result.articles and result.problem is None


# -- the real feeds in ../shared --------------------------------------------------------------

def test_every_shared_real_feed_parses_into_arabic_articles(shared_dir: Path) -> None:
    folder = shared_dir / "corpora" / "feeds"
    paths = sorted(p for p in folder.iterdir() if p.suffix in (".xml", ".rss", ".atom"))
    assert paths, f"no feed documents in {folder}"
    for path in paths:
        body = path.read_bytes()
        name = re.sub(r"[^A-Za-z0-9_-]", "-", path.stem)[:64]
        result = parse_feed(body, FeedConfig(name=name, url=path.as_uri()))
        items = len(re.findall(rb"<(?:item|entry)[\s>]", body))
        assert not result.malformed, (path.name, result.reason)
        assert len(result.articles) == items and not result.rejected, path.name
        for a in result.articles:
            assert_clean(a)
            assert has_arabic(a.text) and a.title and has_arabic(a.title), (path.name, a.id)


# -- bad configuration at start-up ------------------------------------------------------------

FEEDS_OK = "feeds:\n  - name: a\n    url: http://127.0.0.1:9/rss\n"
ROUTES_OK = "routes:\n  - name: console\n    type: console\n"
CONFIG_CASES = {
    # case: (feeds.yaml, routes.yaml, what the one line must name)
    "unknown_feed_key": (FEEDS_OK + "    colour: red\n", ROUTES_OK, r"feeds\.yaml:2: colour"),
    "bad_feed_url": (FEEDS_OK + "  - name: b\n    url: ftp://nope\n", ROUTES_OK,
                     r"feeds\.yaml:4: url"),
    "unknown_route_key": (FEEDS_OK, ROUTES_OK + "    colour: red\n", r"routes\.yaml:2: colour"),
    "missing_secret_env": (FEEDS_OK, ROUTES_OK + "  - name: hook\n    type: webhook\n"
                           "    url: https://example.org/h\n    secret_env: T_NEWSMON_NO_SUCH\n",
                           r"routes\.yaml:4: .*T_NEWSMON_NO_SUCH"),
    "missing_url_env": (FEEDS_OK, ROUTES_OK + "  - name: s\n    type: slack\n"
                        "    url_env: T_NEWSMON_NO_SLACK\n",
                        r"routes\.yaml:4: .*T_NEWSMON_NO_SLACK"),
    "not_yaml": ("feeds: [\n  - oops: {\n", ROUTES_OK, r"feeds\.yaml:\d+: not valid YAML"),
}


@pytest.mark.parametrize("case", sorted(CONFIG_CASES))
def test_bad_config_stops_poll_once_with_one_line(case: str, tmp_path: Path,
                                                  redis_url: str) -> None:
    feeds, routes, expected = CONFIG_CASES[case]
    (tmp_path / "feeds.yaml").write_text(feeds, encoding="utf-8")
    (tmp_path / "routes.yaml").write_text(routes, encoding="utf-8")
    env = {k: v for k, v in os.environ.items()
           if k != "REDIS_URL" and not k.startswith(("NEWSMON_", "T_NEWSMON_"))}
    env.update(REDIS_URL=redis_url, NEWSMON_FEEDS_FILE=str(tmp_path / "feeds.yaml"),
               NEWSMON_ROUTES_FILE=str(tmp_path / "routes.yaml"), NEWSMON_METRICS_PORT="0",
               NEWSMON_DATA_DIR=str(tmp_path / "data"),
               PROMETHEUS_MULTIPROC_DIR=str(tmp_path / "metrics"))
    proc = subprocess.run([sys.executable, "-m", "monitor", "poll", "--once"], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and re.search(expected, lines[0]), proc.stderr
    assert lines[0].startswith("newsmon: configuration error: ")


def test_local_server_streams_are_real(http_server: LocalServer) -> None:
    """The helper itself: a streamed body arrives whole when the client reads it all."""
    http_server.routes["/s"] = lambda r: (200, {}, stream(200_000, chunk=7_000))
    assert len(httpx.get(http_server.url("/s")).content) == 200_000


def test_charset_helpers_decide_as_documented() -> None:
    from monitor.poller.charset import decode

    assert decode(BODY.encode("cp1256")) == BODY  # undeclared: Arabic feed, windows-1256
    assert decode(BODY.encode("cp1256"), language="en") is None  # no charset to trust
    assert decode(b"plain ascii") == "plain ascii"
    assert not is_mojibake(BODY) and not is_mojibake("plain text, café")
    assert is_mojibake(BODY.encode().decode("cp1256"))
    assert is_mojibake(BODY.encode().decode("latin-1"))
    assert is_mojibake("Ø§Ù„Ø¹Ø±Ø¨ÙŠØ©")  # UTF-8 read as windows-1252
