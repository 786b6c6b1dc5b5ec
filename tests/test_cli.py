"""The CLI as users run it: real processes, real Redis, stdout JSON lines."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from monitor.observe import serve
from monitor.redis_conn import EmbeddedRedis
from tests.expectations import forbidden, seed_contradiction, seed_update

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.integration


def newsmon(*args: str, env: dict[str, str] | None = None, timeout: float = 120,
            stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "monitor", *args],
        cwd=ROOT, env=full_env, capture_output=True, text=True, timeout=timeout, input=stdin,
    )


def test_replay_seeds_prints_the_alerts_as_json_lines(redis_server: EmbeddedRedis,
                                                      tmp_path: Path) -> None:
    metrics_dir = tmp_path / "metrics"
    proc = newsmon("replay", "seeds", env={
        "REDIS_URL": redis_server.url, "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir),
    })
    assert proc.returncode == 0, proc.stderr[-3000:]
    alerts = [json.loads(line) for line in proc.stdout.splitlines()]
    assert alerts, proc.stderr[-3000:]
    contradiction = seed_contradiction(alerts)
    assert contradiction is not None
    assert {contradiction["previous"]["outlet"], contradiction["current"]["outlet"]} \
        == {"seed-outlet-e"}
    assert seed_update(alerts) is not None
    assert forbidden(alerts) == []
    for a in alerts:  # the DESIGN.md alert contract
        assert set(a) >= {"id", "kind", "fact_key", "fact", "previous", "current", "reason",
                          "created_at"}
        for side in (a["previous"], a["current"]):
            assert {"outlet", "published", "url", "low", "high", "text"} <= set(side)

    # /metrics aggregates what the forked work horses counted; the directory stays bounded.
    server = serve("127.0.0.1", 0, lambda: {"articles": 0}, lambda: (True, "ok"),
                   path=str(metrics_dir))
    try:
        body = httpx.get(f"http://127.0.0.1:{server.server_address[1]}/metrics").text
    finally:
        server.shutdown()
    for name in ('newsmon_articles_total{outcome="new"} 5.0',
                 'newsmon_verdicts_total{verdict="contradicts"}',
                 'newsmon_alerts_raised_total{kind="contradiction"}',
                 "newsmon_claims_extracted_total",
                 'newsmon_job_duration_seconds_bucket{job="process_article"',
                 'newsmon_alert_deliveries_total{outcome="delivered",route="console"}',
                 "newsmon_queue_depth", "newsmon_redis_up 1.0"):
        assert name in body, name
    per_pid = [f for f in os.listdir(metrics_dir)
               if f.startswith("counter_") and "archive" not in f]
    assert len(per_pid) <= 1, per_pid  # only the replay process itself, no horse files


def test_extract_prints_claims_and_all_numbers() -> None:
    text = "مقتل 12 شخصا في غارة على درنة يوم 5 مارس 2024\nقال مسؤول إن نحو 300 أسرة نزحت."
    proc = newsmon("extract", "--all-numbers", "-", stdin=text)
    assert proc.returncode == 0, proc.stderr
    lines = [json.loads(line) for line in proc.stdout.splitlines()]
    claims = [x for x in lines if "number" not in x]
    numbers = [x["number"] for x in lines if "number" in x]
    assert any(c["low"] == 12 and c["event"] == "killed" for c in claims)
    assert any(n["kind"] == "date" for n in numbers)
    for c in claims:
        assert text[c["start"]:c["end"]] == c["text"]


@pytest.mark.faults
def test_bad_input_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "a", "text": "مقتل 5"}\n{not json\n', encoding="utf-8")
    proc = newsmon("extract", "--jsonl", str(bad))
    assert proc.returncode == 0
    assert "bad.jsonl:2" in proc.stderr  # named, skipped, the good line kept
    assert json.loads(proc.stdout.splitlines()[0])["low"] == 5


@pytest.mark.faults
def test_a_bad_environment_value_is_one_line_naming_the_variable(tmp_path: Path) -> None:
    env = {**os.environ, "NEWSMON_HTTP_TIMEOUT": "abc", "NEWSMON_DATA_DIR": str(tmp_path)}
    done = subprocess.run([sys.executable, "-m", "monitor", "facts"], env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "NEWSMON_HTTP_TIMEOUT='abc'" in lines[0]
    assert "Traceback" not in done.stderr
