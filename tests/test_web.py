"""The analysts' web app: fact pages served for real, checked over HTTP and in Chromium."""

from __future__ import annotations

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
