"""`newsmon run` and `newsmon demo` as real processes: poll, process, alert, drain on SIGTERM."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import redis

from monitor.demo import seeds_feeds
from monitor.redis_conn import EmbeddedRedis, free_port
from tests.httpserver import LocalServer
from tests.promql import metric_names
from tests.seeds import seed_articles

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.integration


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k != "REDIS_URL" and not k.startswith("NEWSMON_")}
    env.update(extra)
    return env


@pytest.fixture
def secured_redis() -> Iterator[EmbeddedRedis]:
    server = EmbeddedRedis(port=free_port(), password="s3cret-pw-not-for-logs").start()
    yield server
    server.stop()


@pytest.mark.faults
def test_run_polls_processes_alerts_and_drains_on_sigterm(
    secured_redis: EmbeddedRedis, http_server: LocalServer, tmp_path: Path,
) -> None:
    redis_server = secured_redis
    redis_client = redis.Redis.from_url(redis_server.url)
    docs = seeds_feeds(seed_articles(), http_server.base)
    for path, body in docs.items():
        http_server.routes[path] = lambda req, body=body: (200, {"ETag": '"1"'}, body)
    feeds = tmp_path / "feeds.yaml"
    feeds.write_text("feeds:\n" + "".join(
        f"  - {{name: {p.split('/')[-1][:-4]}, url: '{http_server.url(p)}', interval: 10}}\n"
        for p in docs), encoding="utf-8")
    port, web_port = free_port(), free_port()
    err_path = tmp_path / "stderr.log"
    err = err_path.open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "monitor", "run", "--workers", "2"], cwd=ROOT,
        env=_env(REDIS_URL=redis_server.url, NEWSMON_NAMESPACE="t-run",
                 NEWSMON_FEEDS_FILE=str(feeds), NEWSMON_METRICS_PORT=str(port),
                 NEWSMON_METRICS_HOST="127.0.0.1", NEWSMON_WEB_HOST="127.0.0.1",
                 NEWSMON_WEB_PORT=str(web_port),
                 PROMETHEUS_MULTIPROC_DIR=str(tmp_path / "metrics")),
        stdout=subprocess.DEVNULL, stderr=err, text=True,
    )
    try:
        deadline = time.monotonic() + 60
        alerts: list[dict[str, object]] = []
        while time.monotonic() < deadline:
            ids = [f[b"id"].decode() for _, f in redis_client.xrange("t-run:alerts")]
            alerts = [json.loads(redis_client.get(f"t-run:alert:{i}") or "{}") for i in ids]
            done = redis_client.scard("t-run:articles:pending") == 0 and \
                redis_client.hlen("t-run:seen:article") == 5
            if done and any(a.get("kind") == "contradiction" for a in alerts):
                break
            time.sleep(0.3)
        assert any(a.get("kind") == "contradiction" for a in alerts), err_path.read_text()
        base = f"http://127.0.0.1:{port}"
        assert httpx.get(base + "/healthz").status_code == 200
        alerts_page = httpx.get(f"http://127.0.0.1:{web_port}/alerts")
        assert alerts_page.status_code == 200 and "تناقض" in alerts_page.text
        body = httpx.get(base + "/metrics").text
        ok_polls = r'newsmon_feed_polls_total\{feed="seed-outlet-e",outcome="ok"\} [1-9]'
        assert re.search(ok_polls, body)
        # The dashboard and the alert rules name only series /metrics really exports.
        exported = set(re.findall(r"^# TYPE (newsmon_\w+) ", body, re.M))
        exported = {re.sub(r"_total$", "", n) for n in exported}
        used = metric_names()  # parsed with a PromQL parser
        assert used and used <= exported, used - exported
        assert 'newsmon_articles_total{outcome="new"} 5.0' in body
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=60) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        err.close()
    stderr = err_path.read_text()
    logs = [json.loads(line) for line in stderr.splitlines() if line.startswith("{")]
    verdicts = [entry for entry in logs if entry.get("event") == "verdict"]
    assert verdicts and all({"article_id", "job_id", "fact_key"} <= set(v) for v in verdicts)
    assert "s3cret-pw-not-for-logs" not in stderr  # the REDIS_URL password is redacted


def test_demo_on_the_embedded_default(tmp_path: Path) -> None:
    """No REDIS_URL: the demo starts the redis-server newsmon ships and prints the alerts."""
    started = time.monotonic()
    env = _env(NEWSMON_DATA_DIR=str(tmp_path / "data"))
    proc = subprocess.run([sys.executable, "-m", "monitor", "demo"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert time.monotonic() - started < 60
    out = proc.stdout
    assert "CONTRADICTION escaped" in out and "~1,500" in out and "120" in out
    assert "فرهاد شامي" in out and "وزارة الداخلية السورية" in out
    assert "UPDATE transferred" in out and "≥5,700" in out
    assert "Fact page of the contradiction: http://127.0.0.1:8080/facts/escaped%3A" in out

    # The embedded server kept what the demo stored; a second run starts the story afresh.
    facts = subprocess.run([sys.executable, "-m", "monitor", "facts", "--namespace", "demo",
                            "--json"], cwd=ROOT, env=env, capture_output=True, text=True,
                           timeout=60)
    assert facts.returncode == 0, facts.stderr
    keys = {json.loads(line)["fact"]["key"] for line in facts.stdout.splitlines()}
    assert "escaped:detainee:sy:2026-01" in keys
    again = subprocess.run([sys.executable, "-m", "monitor", "demo"], cwd=ROOT, env=env,
                           capture_output=True, text=True, timeout=120)
    assert again.returncode == 0 and "2 alerts" in again.stdout


def test_demo_serve_keeps_the_fact_page_up_until_ctrl_c(tmp_path: Path) -> None:
    web_port = free_port()
    env = _env(NEWSMON_DATA_DIR=str(tmp_path / "data"), NEWSMON_WEB_PORT=str(web_port))
    out_path = tmp_path / "out.txt"
    with out_path.open("w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "monitor", "demo", "--serve"], cwd=ROOT,
                                env=env, stdout=out, stderr=subprocess.DEVNULL, text=True)
        try:
            deadline = time.monotonic() + 60
            url = None
            while time.monotonic() < deadline and url is None:
                found = re.search(r"Fact page of the contradiction: (\S+)", out_path.read_text())
                url = found.group(1) if found else None
                time.sleep(0.2)
            assert url and url.startswith(f"http://127.0.0.1:{web_port}/facts/")
            page = None
            while time.monotonic() < deadline:
                try:
                    page = httpx.get(url)
                    break
                except httpx.HTTPError:
                    time.sleep(0.2)
            assert page is not None and page.status_code == 200
            assert "فرهاد شامي" in page.text and "وزارة الداخلية السورية" in page.text
            proc.send_signal(signal.SIGINT)
            assert proc.wait(timeout=30) == 0
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
