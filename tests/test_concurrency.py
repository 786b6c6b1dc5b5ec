"""Four RQ workers on shuffled input raise exactly the alerts one worker raises in order.

1,000 articles with conflicting figures (tolls that grow, rival counts, approximations,
injuries beside deaths, in many cities) go through the real pipeline twice: once through
one worker in published order (`replay`), once enqueued in shuffled order and processed by
four worker processes at once. Facts, their current figures and the alerts that hold must
be the same.
"""

from __future__ import annotations

import random
import subprocess
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import redis

from monitor.alerts.ledger import AlertLedger
from monitor.facts.store import FactStore
from monitor.keys import Keys
from monitor.models import Article
from monitor.pipeline import Pipeline
from monitor.replay import replay
from monitor.settings import Settings
from tests.conftest import REPORTS
from tests.processes import burst_worker

pytestmark = pytest.mark.integration

CITIES = ["حلب", "ادلب", "حمص", "درعا", "دمشق", "الرقة", "بغداد", "الموصل", "غزة", "بيروت",
          "درنة", "بنغازي", "طرابلس", "صنعاء", "الحديدة", "دير الزور"]
SPEAKERS = ["مسؤول محلي", "وزارة الصحة", "الدفاع المدني", "مصادر طبية", "المرصد",
            "الهلال الأحمر", "متحدث باسم الشرطة"]
TEMPLATES = [
    "قال {who} إن {n} أشخاص قتلوا في قصف على {city}.",
    "ذكر {who} أن نحو {n} شخصاً قتلوا في القصف على {city}.",
    "ارتفعت حصيلة قتلى القصف على {city} إلى {n} قتيلاً، بحسب {who}.",
    "أفاد {who} بإصابة {n} شخصاً في القصف على {city}.",
    "قال {who} إن أكثر من {n} شخصاً قتلوا في قصف على {city}.",
]
ARTICLES = 1000
WORKERS = 4


def conflicting_articles(n: int = ARTICLES, seed: int = 20260301) -> list[Article]:
    """Articles in published order; each city's figures are drawn from a few rival values."""
    rng = random.Random(seed)
    base = {city: rng.choice([8, 12, 20, 35, 60]) for city in CITIES}
    start = datetime(2026, 3, 1, 6, tzinfo=UTC)
    out: list[Article] = []
    seen: set[str] = set()
    while len(out) < n:
        i = len(out)
        city = rng.choice(CITIES)
        figure = base[city] * rng.choice([1, 1, 2, 3]) + rng.choice([0, 0, 1, 5])
        text = rng.choice(TEMPLATES).format(who=rng.choice(SPEAKERS), n=figure, city=city)
        if text in seen:  # the same text twice is one story (deduped on ingest): draw again
            continue
        seen.add(text)
        out.append(Article(
            id=f"conc-{i:04d}", outlet=f"outlet-{rng.randrange(6)}",
            url=f"https://outlet.example/conc-{i:04d}",
            published=start + timedelta(minutes=7 * i), title=f"قصف على {city}", text=text,
        ))
    return out


def _state(client: redis.Redis, ns: str) -> tuple[set[str], dict[str, str | None], int]:
    keys = Keys(ns)
    store = FactStore(client, keys, tolerance=0.1, later_days=14)
    currents = {}
    claims = 0
    for fact, records in store.all():
        currents[fact.key] = fact.current_claim
        claims += len(records)
    alerts = {a.id for a in AlertLedger(client, keys).all()}
    return alerts, currents, claims


def _workers(url: str, ns: str, routes: Path, tmp: Path) -> list[subprocess.Popen[bytes]]:
    return [burst_worker(url, ns, routes, tmp / f"metrics-{i}") for i in range(WORKERS)]


def _wait(procs: list[subprocess.Popen[bytes]]) -> None:
    """Wait for every worker, reading all their stderr pipes at once.

    Read one after another, a worker whose log passed the pipe's 64 KiB stopped in mid-job
    (its horse blocked writing a log line between recording a claim and adding the alert
    it raised) until the worker read first had drained the queues alone; under load that
    took longer than the job timeout, the horse was killed there, and its retry, scheduled
    for later, never ran in a burst worker: one alert missing, nothing else different."""
    with ThreadPoolExecutor(len(procs)) as pool:
        errs = list(pool.map(lambda p: p.communicate(timeout=900)[1], procs))
    for p, err in zip(procs, errs, strict=True):
        assert p.returncode == 0, err.decode()[-2000:]


def _all_done(pipeline: Pipeline) -> None:
    """Every article's job finished: none queued, running, waiting for a retry or failed,
    and no article still pending. A run that lost a job is not the run to compare."""
    for q in pipeline.queues.all:
        assert q.count == 0
        registries = {"started": q.started_job_registry, "scheduled": q.scheduled_job_registry,
                      "failed": q.failed_job_registry}
        left = {name: reg.get_job_ids() for name, reg in registries.items() if reg.count}
        assert not left, f"{q.name}: jobs not finished {left}"
    assert pipeline.r.scard(pipeline.ingestor.pending_key()) == 0


def test_four_workers_on_shuffled_input_raise_what_one_worker_raises_in_order(
    redis_url: str, redis_client: redis.Redis, tmp_path: Path,
) -> None:
    routes = tmp_path / "routes.yaml"
    routes.write_text("routes: []\n", encoding="utf-8")
    settings = Settings(routes_file=routes)
    articles = conflicting_articles()

    replay(redis_client, "one", articles, settings, keep=True)
    expected = _state(redis_client, "one")

    shuffled = articles[:]
    random.Random(7).shuffle(shuffled)
    pipeline = Pipeline(redis_client, "four", settings)
    for article in shuffled:
        pipeline.ingestor.ingest(article)
    _wait(_workers(redis_url, "four", routes, tmp_path))
    _all_done(pipeline)
    got = _state(redis_client, "four")

    alerts, currents, claims = expected
    assert len(alerts) > 100 and len(currents) >= len(CITIES)  # the input really conflicts
    assert got[2] == claims
    assert got[1] == currents
    assert got[0] == alerts, (sorted(got[0] - alerts)[:5], sorted(alerts - got[0])[:5])
    retracted = len(AlertLedger(redis_client, Keys("four")).all(include_retracted=True)) \
        - len(got[0])
    REPORTS.append(
        f"concurrency: {ARTICLES} articles, {WORKERS} workers, shuffled: {len(alerts)} alerts "
        f"identical to one worker in published order ({claims} claims, {len(currents)} facts; "
        f"{retracted} alerts raised early then retracted as older reports arrived)")


class _Killed(Exception):
    """What a horse's job timeout raises wherever the job is."""


def test_a_job_killed_after_its_fact_transaction_is_made_whole_by_its_retry(
    redis_client: redis.Redis, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The fact's transaction commits the verdicts and the alert's status; the alert's
    record and stream entry are written after it, by the job. A job killed in between (a
    job timeout) leaves the alert out of the ledger until its retry runs: the retry finds
    its claims recorded and offers again every alert that holds around them."""
    routes = tmp_path / "routes.yaml"
    routes.write_text("routes: []\n", encoding="utf-8")
    settings = Settings(routes_file=routes)

    def art(i: str, day: int, outlet: str, text: str) -> Article:
        return Article(id=f"kill-{i}", outlet=outlet, text=text,
                       published=datetime(2026, 3, day, 9, tzinfo=UTC))

    a = art("a", 1, "o1", "قال مسؤول محلي إن 10 أشخاص قتلوا في قصف على درعا.")
    b = art("b", 2, "o2", "ارتفعت حصيلة قتلى القصف على درعا إلى 40 قتيلاً، بحسب الدفاع المدني.")
    c = art("c", 3, "o3", "قالت مصادر طبية إن 50 شخصاً قتلوا في القصف على درعا.")

    in_order = Pipeline(redis_client, "kill-order", settings)
    for x in (a, b, c):
        in_order.ingestor.ingest(x)
        in_order.process_article(x.id)
    expected = {x.id for x in in_order.ledger.all()}
    assert expected

    pipeline = Pipeline(redis_client, "kill", settings)
    for x in (c, a, b):
        pipeline.ingestor.ingest(x)
    pipeline.process_article(c.id)
    pipeline.process_article(a.id)
    # b, the older report, re-settles c: the job dies after b's transaction committed.
    with monkeypatch.context() as m:
        m.setattr(pipeline.ledger, "add", lambda alert: (_ for _ in ()).throw(_Killed()))
        with pytest.raises(_Killed):
            pipeline.process_article(b.id)
    statuses = {k.decode(): v.decode() for k, v in redis_client.hgetall(
        Keys("kill").fact_alerts("killed:person:sy.daraa:total")).items()}
    assert {i for i, v in statuses.items() if v == "active"} == expected  # the fact's view
    assert {x.id for x in pipeline.ledger.all()} != expected  # the ledger's, until the retry
    assert redis_client.sismember(pipeline.ingestor.pending_key(), b.id)

    pipeline.process_article(b.id)  # RQ's retry of the job
    assert {x.id for x in pipeline.ledger.all()} == expected
    assert not redis_client.sismember(pipeline.ingestor.pending_key(), b.id)
