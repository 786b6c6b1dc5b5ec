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


def test_version_and_help_on_every_flag() -> None:
    from monitor import __version__
    from monitor.cli import build_parser

    done = newsmon("--version")
    assert done.returncode == 0 and done.stdout.strip() == f"newsmon {__version__}"
    parser = build_parser()
    sub = next(a for a in parser._actions if a.choices and isinstance(a.choices, dict))
    missing = [f"{name} {'/'.join(a.option_strings) or a.dest}"
               for name, p in sub.choices.items() for a in p._actions
               if not a.help and a.dest != "help"]
    assert missing == []
    top = newsmon("--help")
    assert "exit codes:" in top.stdout and "1    done, and what it checked failed" in top.stdout


def test_eval_below_its_bars_exits_1(tmp_path: Path) -> None:
    gold = tmp_path / "wrong.jsonl"
    gold.write_text(json.dumps({
        "id": "w1", "topic": "t", "text": "قال مسؤول إن 12 شخصا قتلوا في غارة على درنة.",
        "figures": [{"text": "12", "low": 99, "high": 99, "approx": False, "unit": "person",
                     "event": "injured", "attributed_to": "أحد"}],
        "non_figures": []}, ensure_ascii=False) + "\n", encoding="utf-8")
    done = newsmon("eval", str(gold))
    assert done.returncode == 1, done.stderr
    assert "below the bars" in done.stderr and "bounds_f1" in done.stderr
    assert "bounds_f1" in json.loads(done.stdout)


def test_one_claim_is_singular() -> None:
    from monitor.models import ClaimRecord, Fact
    from monitor.report import fact_text

    fact = Fact(key="killed:person:ly:total", event="killed", entity="person", unit="person",
                location="ly", scope="total", claims=1)
    claim = ClaimRecord(article_id="a", text="12", start=0, end=2, low=12, high=12,
                        unit="person", sentence="12", claim_id="c1")
    assert "(1 claim)" in fact_text(fact, [claim])
    assert "(2 claims)" in fact_text(fact, [claim, claim])


@pytest.mark.faults
def test_opml_import_keeps_the_file_and_refuses_what_it_cannot_use(tmp_path: Path) -> None:
    from monitor.opml import append_feeds, parse_opml
    from monitor.poller import ConfigError, load_feeds

    feeds = tmp_path / "feeds.yaml"
    feeds.write_text("# my feeds\nfeeds:\n  - {name: a, url: 'https://a.example/rss'}\n"
                     "# end\n", encoding="utf-8")
    doc = ('<?xml version="1.0"?><opml version="2.0"><body><outline text="News">'
           '<outline text="BBC عربي" xmlUrl="https://feeds.bbci.co.uk/arabic/rss.xml"/>'
           '<outline text="قناة" xmlUrl="https://www.aljazeera.net/rss"/></outline>'
           '<outline text="bad" xmlUrl="javascript:alert(1)"/>'
           '<outline text="dup" xmlUrl="https://a.example/rss"/></body></opml>').encode()
    result = parse_opml(doc, load_feeds(feeds))
    assert [(f.name, f.outlet) for f in result.added] == [
        ("bbc", "BBC عربي"), ("aljazeera-net", "قناة")]
    assert len(result.skipped) == 2 and "not an http(s) URL" in result.skipped[0]
    append_feeds(feeds, result.added)
    text = feeds.read_text(encoding="utf-8")
    assert text.startswith("# my feeds\n") and "# end\n" in text
    assert [f.name for f in load_feeds(feeds)] == ["a", "bbc", "aljazeera-net"]
    with pytest.raises(ConfigError, match="lists no feeds"):
        parse_opml(b"this is not xml", [])
    bad = tmp_path / "bad.opml"
    bad.write_bytes(b"<opml><body></body></opml>")
    done = newsmon("feeds", "import", str(bad), env={"NEWSMON_FEEDS_FILE": str(feeds)})
    assert done.returncode == 2 and "lists no feeds" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
