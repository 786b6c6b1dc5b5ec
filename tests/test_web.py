"""The analysts' web app: fact pages served for real, checked over HTTP and in Chromium."""

from __future__ import annotations

import itertools
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
import redis

from monitor.models import Article
from monitor.redis_conn import free_port
from monitor.replay import replay
from monitor.settings import Settings
from monitor.web.app import create_app
from monitor.web.server import start_in_thread
from tests.conftest import REPORTS
from tests.seeds import seed_articles

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "test-output" / "web"
SEED_FACT = "escaped:detainee:sy:2026-01"
pytestmark = pytest.mark.integration

HOSTILE = Article(
    id="hostile", outlet="evil-outlet", url="javascript:alert(1)",
    published=datetime(2026, 3, 1, tzinfo=UTC), title="غارة على درنة",
    text="قال مسؤول محلي إن 5 أشخاص قتلوا <script>document.title='PWNED'</script> "
         "<img src=x onerror=\"document.title='PWNED'\"> في غارة على درنة.",
)


@pytest.fixture(scope="module")
def site(redis_server: object, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    url = redis_server.url  # type: ignore[attr-defined]
    client = redis.Redis.from_url(url)
    routes = tmp_path_factory.mktemp("web") / "routes.yaml"
    routes.write_text("routes:\n  - {name: console, type: console}\n", encoding="utf-8")
    settings = Settings(routes_file=routes)
    replay(client, "t-web", [*seed_articles(), HOSTILE], settings, keep=True)
    server = start_in_thread(create_app(client, "t-web", settings), "127.0.0.1", free_port())
    port = server.servers[0].sockets[0].getsockname()[1]
    _SITE_REDIS[f"http://127.0.0.1:{port}"] = url
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True


def fact_path(key: str) -> str:
    return "/facts/" + quote(key, safe="")


def test_pages_render_rtl_with_both_sources(site: str) -> None:
    home = httpx.get(site + "/")
    assert home.status_code == 200 and 'dir="rtl"' in home.text and 'lang="ar"' in home.text
    assert quote(SEED_FACT, safe="") in home.text
    only = httpx.get(site + "/", params={"contradictions": "1"}).text
    assert quote(SEED_FACT, safe="") in only and "/facts/transferred" not in only
    page = httpx.get(site + fact_path(SEED_FACT))
    assert page.status_code == 200
    assert "وزارة الداخلية السورية" in page.text and "فرهاد شامي" in page.text
    assert "<mark>نحو 1500</mark>" in page.text and "<mark>120</mark>" in page.text
    alerts = httpx.get(site + "/alerts").text
    assert fact_path(SEED_FACT) in alerts  # each alert links to its fact page
    assert httpx.get(site + fact_path("no:such:fact:total")).status_code == 404
    assert "https://" not in page.text.split("<main>")[0]  # nothing fetched from a CDN


def test_article_text_is_escaped_everywhere(site: str) -> None:
    key = next(k for k in re.findall(r'/facts/([^"]+)"', httpx.get(site + "/").text)
               if "killed" in k)
    page = httpx.get(site + "/facts/" + key).text
    assert "<script>document.title" not in page and "<img src=x" not in page
    assert "&lt;script&gt;" in page
    assert "javascript:alert" not in page  # a non-web link is shown as text, not linked
    assert "script-src" not in page and "default-src 'none'" in httpx.get(
        site + "/facts/" + key).headers["content-security-policy"]


def _chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        if os.environ.get("CI"):
            pytest.fail("chromium is missing: .ci/run installs Debian's chromium")
        pytest.skip("chromium is not installed here (.ci/run installs it)")
    return found


def _headless(browser: str, profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
         "--no-first-run", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", f"--user-data-dir={profile}", *args],
        capture_output=True, text=True, timeout=90,
    )


def test_fact_page_in_headless_chromium(site: str, tmp_path: Path) -> None:
    browser = _chromium()
    url = site + fact_path(SEED_FACT)
    dom = _headless(browser, tmp_path / "p1", "--dump-dom", url)
    assert dom.returncode == 0, dom.stderr[-2000:]
    html = dom.stdout
    assert "وزارة الداخلية السورية" in html and "فرهاد شامي" in html
    assert "1,500" in html and "120" in html
    marks = len(re.findall(r'class="mark(?: contradiction)?"', html))
    claims = len(re.findall(r'<tr class="claim ', html))
    assert claims == 2 and marks == claims  # one mark per claim
    assert 'class="mark contradiction"' in html
    OUTPUT.mkdir(parents=True, exist_ok=True)
    shot = OUTPUT / "fact-contradiction.png"
    shot.unlink(missing_ok=True)
    done = _headless(browser, tmp_path / "p2", "--window-size=1000,1200",
                     f"--screenshot={shot}", url)
    assert done.returncode == 0 and shot.exists() and shot.stat().st_size > 10_000
    REPORTS.append(f"web: screenshot of the seed contradiction's fact page at {shot}")


def test_injected_script_is_inert_in_the_browser(site: str, tmp_path: Path) -> None:
    browser = _chromium()
    key = next(k for k in re.findall(r'/facts/([^"]+)"', httpx.get(site + "/").text)
               if "killed" in k)
    dom = _headless(browser, tmp_path / "p3", "--dump-dom", site + "/facts/" + key)
    assert dom.returncode == 0
    assert "PWNED" not in re.search(r"<title>(.*?)</title>", dom.stdout, re.S).group(1)
    assert "&lt;script&gt;" in dom.stdout


def test_json_api_has_the_cli_shapes(site: str) -> None:
    from monitor.facts.store import FactStore
    from monitor.keys import Keys
    from monitor.report import fact_json

    facts = httpx.get(site + "/api/facts")
    assert facts.status_code == 200 and facts.headers["content-type"] == "application/json"
    by_key = {f["fact"]["key"]: f for f in facts.json()}
    assert SEED_FACT in by_key and set(by_key[SEED_FACT]) == {
        "fact", "current", "agree", "disagree", "timeline",
        "disputed", "disputed_alerts", "conservative"}  # tests/test_disputed.py
    client = redis.Redis.from_url(site_redis_url(site))
    store = FactStore(client, Keys("t-web"), tolerance=0.1, later_days=14)
    fact, claims = store.get(SEED_FACT)  # type: ignore[misc]
    one = httpx.get(site + "/api/facts/" + quote(SEED_FACT, safe=""))
    # The CLI's shape, and whether a route holds the fact's disagreement back (this site's
    # one route takes every alert: nothing is disputed).
    undisputed = {"disputed": False, "disputed_alerts": [], "conservative": None}
    assert one.json() == json_roundtrip(fact_json(fact, claims) | undisputed) == by_key[SEED_FACT]
    assert httpx.get(site + "/api/facts/no:such:fact:total").status_code == 404
    only = httpx.get(site + "/api/facts", params={"contradictions": "1"}).json()
    assert [f["fact"]["key"] for f in only] == [SEED_FACT]
    alerts = httpx.get(site + "/api/alerts").json()
    assert {a["kind"] for a in alerts} == {"contradiction", "update"}
    assert all(set(a) == {"id", "kind", "fact_key", "fact", "previous", "current", "reason",
                          "confidence", "evidence", "created_at"} for a in alerts)
    assert all(a["status"] == "active" for a in httpx.get(site + "/api/alerts?all=1").json())


def site_redis_url(site: str) -> str:
    return _SITE_REDIS[site]


_SITE_REDIS: dict[str, str] = {}


def json_roundtrip(data: object) -> object:
    import json

    return json.loads(json.dumps(data, ensure_ascii=False))


def test_alerts_atom_feed_parses_with_every_alert(site: str) -> None:
    import feedparser

    resp = httpx.get(site + "/alerts.atom")
    assert resp.headers["content-type"].startswith("application/atom+xml")
    feed = feedparser.parse(resp.content)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10" and feed.feed.language == "ar"
    alerts = httpx.get(site + "/api/alerts").json()
    assert sorted(e.id for e in feed.entries) == sorted(
        f"urn:newsmon:alert:{a['id']}" for a in alerts)
    contradiction = next(e for e in feed.entries if e.title.startswith("تناقض"))
    assert contradiction.title == "تناقض: فرار (معتقلون) — الشدادي — يناير 2026"
    assert contradiction.link.endswith("/facts/" + quote(SEED_FACT, safe=""))
    assert "السبب: رقمان مختلفان" in contradiction.summary and "رُفع في" in contradiction.summary
    assert contradiction.published_parsed is not None


# Internal names that must never reach an analyst's page (issue 14): event and entity codes,
# English reasons, normalised spellings of places.
ENGLISH_INTERNALS = re.compile(
    r"\b(?:killed|injured|escaped|escape_foiled|transferred|held|released|captured|deployed|"
    r"funding|detainee|fighter|troops|person|figures disagree|later count|the report says|"
    r"days after)\b|@ |\(\w+\.\w+\)")
NORMALISED_PLACES = ("الحسكه", "البصره", "الولايات المتحده")


def test_pages_speak_arabic(site: str) -> None:
    home = httpx.get(site + "/").text
    assert "فرار (معتقلون)" in home and "نقل (مقاتلون عراقيون)" in home
    assert '<option value="escaped" >فرار</option>' in home  # codes only in form values
    alerts = httpx.get(site + "/alerts").text
    assert "رقمان مختلفان" in alerts and "<time datetime=" in alerts and " UTC</time>" in alerts
    page = httpx.get(site + fact_path(SEED_FACT)).text
    for html in (home, alerts, page):
        text = re.sub(r"<[^>]+>", " ", html.split("<main>", 1)[1])
        assert not ENGLISH_INTERNALS.search(text), ENGLISH_INTERNALS.search(text)
        assert not any(p in text for p in NORMALISED_PLACES)
    assert "يناير 2026" in page and "يناقض" in page


def test_chart_axis_counts_whole_people_and_dates_do_not_overlap(site: str) -> None:
    from monitor.web.chart import DATE_LABEL_PX

    for key in re.findall(r'/facts/([^"]+)"', httpx.get(site + "/").text):
        svg = httpx.get(site + "/facts/" + key).text
        values = re.findall(r'class="tick value">([^<]+)<', svg)
        if not values:
            continue
        assert all("." not in v for v in values), values  # no 1,237.5 people
        xs = [float(x) for x in re.findall(r'<text x="([\d.]+)"[^>]*class="tick date"', svg)]
        assert xs == sorted(xs) and all(b - a >= DATE_LABEL_PX for a, b in itertools.pairwise(xs))
        assert all(70 + 30 <= x <= 720 - 40 - 30 for x in xs)  # inside the plot, not cut


@pytest.mark.parametrize(("page", "shot_name", "must_show"), [
    ("/", "facts-list.png", ["فرار (معتقلون)", "نقل (مقاتلون عراقيون)"]),
    ("/facts/" + quote(SEED_FACT, safe=""), "fact-page.png", ["يناير 2026", "يناقض"]),
    ("/alerts", "alerts-page.png", ["رقمان مختلفان", " UTC"]),
])
def test_screenshots_show_no_english_internal_labels(site: str, tmp_path: Path, page: str,
                                                     shot_name: str,
                                                     must_show: list[str]) -> None:
    """Each page as Chromium renders it (the DOM after layout), screenshot kept for people."""
    browser = _chromium()
    dom = _headless(browser, tmp_path / "d", "--dump-dom", site + page)
    assert dom.returncode == 0, dom.stderr[-2000:]
    text = re.sub(r"<[^>]+>", " ", dom.stdout.split("<main>", 1)[1])
    assert all(m in text for m in must_show), [m for m in must_show if m not in text]
    assert not ENGLISH_INTERNALS.search(text), ENGLISH_INTERNALS.search(text)
    assert not any(p in text for p in NORMALISED_PLACES)
    OUTPUT.mkdir(parents=True, exist_ok=True)
    shot = OUTPUT / shot_name
    shot.unlink(missing_ok=True)
    done = _headless(browser, tmp_path / "s", "--window-size=1100,1400",
                     "--hide-scrollbars", "--lang=ar", f"--screenshot={shot}", site + page)
    assert done.returncode == 0 and shot.exists() and shot.stat().st_size > 10_000
    REPORTS.append(f"web: screenshot of {page} at {shot}")
