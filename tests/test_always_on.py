"""Always on for real (issue 13), with real processes: supervision, clean exits, one-line
infrastructure errors, JSON-only logs, loopback binds, web auth."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
import redis

from monitor.demo import seeds_feeds
from monitor.redis_conn import EmbeddedRedis, free_port
from tests.httpserver import LocalServer
from tests.seeds import seed_articles
from tests.test_faults import SECRET, SECRET_ENV, Receiver, routes_file

pytestmark = [pytest.mark.integration, pytest.mark.faults]

EMPTY_FEED = (b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
              b"<title>e</title><link>http://x/</link><description>-</description>"
              b"</channel></rss>")


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k != "REDIS_URL" and not k.startswith("NEWSMON_")}
    env.update(extra)
    return env


def wait_for(what: str, cond: Callable[[], object], timeout: float = 60,
             logs: Callable[[], str] = lambda: "") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cond():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}\n{logs()[-4000:]}")


def children(pid: int) -> list[int]:
    try:
        out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
    except FileNotFoundError:  # pragma: no cover
        pytest.fail("pgrep (procps) is needed to find child processes")
    return [int(x) for x in out.split()]


def exists(pid: int) -> bool:
    """True while `pid` is a process that is not a zombie."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except FileNotFoundError:
        return ""


def listening(port: int) -> list[str]:
    """Local addresses (hex, as /proc/net/tcp spells them) listening on `port`."""
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except FileNotFoundError:
            continue
        for line in lines:
            local, state = line.split()[1], line.split()[3]
            addr, hexport = local.rsplit(":", 1)
            if state == "0A" and int(hexport, 16) == port:
                found.append(addr)
    return found


def json_lines(text: str) -> list[dict[str, object]]:
    """Every line of a log, as JSON; fails naming the first line that is not."""
    out = []
    for n, line in enumerate(text.splitlines(), 1):
        try:
            out.append(json.loads(line))
        except json.JSONDecodeError:
            raise AssertionError(f"log line {n} is not JSON: {line[:300]!r}") from None
    return out


@pytest.fixture
def redis_proc() -> Iterator[EmbeddedRedis]:
    server = EmbeddedRedis(port=free_port()).start()
    yield server
    server.stop()


class Run:
    def __init__(self, tmp: Path, args: list[str], **env: str):
        self.err_path = tmp / f"stderr-{time.monotonic_ns()}.log"
        self.err = self.err_path.open("w")
        self.metrics_port = int(env.setdefault("NEWSMON_METRICS_PORT", str(free_port())))
        self.web_port = int(env.setdefault("NEWSMON_WEB_PORT", str(free_port())))
        env.setdefault("PROMETHEUS_MULTIPROC_DIR", str(tmp / "metrics"))
        self.proc = subprocess.Popen([sys.executable, "-m", "monitor", *args], cwd=tmp,
                                     env=_env(**env), stdout=subprocess.DEVNULL,
                                     stderr=self.err, text=True)

    def logs(self) -> str:
        return self.err_path.read_text()

    def events(self, name: str) -> list[dict[str, object]]:
        return [e for e in json_lines(self.logs()) if e.get("event") == name]

    def healthz(self) -> tuple[int, str]:
        try:
            r = httpx.get(f"http://127.0.0.1:{self.metrics_port}/healthz", timeout=5)
            return r.status_code, r.text
        except httpx.HTTPError:
            return 0, ""

    def metrics(self) -> str:
        return httpx.get(f"http://127.0.0.1:{self.metrics_port}/metrics", timeout=5).text

    def workers(self) -> list[int]:
        return [p for p in children(self.proc.pid) if "child_main" in cmdline(p)]

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.err.close()


def test_killed_worker_is_replaced_alerts_keep_arriving_and_sigterm_leaves_nothing(
    redis_proc: EmbeddedRedis, http_server: LocalServer, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The issue's acceptance run: `newsmon run --workers 2` with a webhook route; kill -9 a
    worker: replaced, its scheduler/horse gone, no zombie, alerts still arrive; SIGTERM:
    exit 0 within 30 s with nothing listening and no process left."""
    monkeypatch.setenv(SECRET_ENV, SECRET)
    receiver = Receiver().up()
    articles = seed_articles()
    late = [a for a in articles if a.outlet == "seed-outlet-e"]
    assert late, "the seed story's last outlet raises the alerts"
    docs = seeds_feeds(articles, http_server.base)
    early_docs = seeds_feeds([a for a in articles if a not in late], http_server.base)
    state = {"late": False}
    for path in docs:
        def answer(req: object, path: str = path) -> tuple[int, dict[str, str], bytes]:
            body = docs[path] if state["late"] else early_docs.get(path, EMPTY_FEED)
            return 200, {}, body
        http_server.routes[path] = answer
    feeds = tmp_path / "feeds.yaml"
    feeds.write_text("feeds:\n" + "".join(
        f"  - {{name: {p.split('/')[-1][:-4]}, url: '{http_server.url(p)}', interval: 10}}\n"
        for p in docs), encoding="utf-8")
    routes = routes_file(tmp_path, receiver.url)
    client = redis.Redis.from_url(redis_proc.url)
    run = Run(tmp_path, ["run", "--workers", "2"], REDIS_URL=redis_proc.url,
              NEWSMON_NAMESPACE="t-sup", NEWSMON_FEEDS_FILE=str(feeds),
              NEWSMON_ROUTES_FILE=str(routes), NEWSMON_ALERT_SETTLE_SECONDS="0",
              **{SECRET_ENV: SECRET})
    try:
        wait_for("two workers", lambda: len(run.workers()) == 2, logs=run.logs)
        wait_for("the early articles processed",
                 lambda: client.hlen("t-sup:seen:article") == len(articles) - len(late)
                 and client.scard("t-sup:articles:pending") == 0, logs=run.logs)
        started = run.events("started")[0]
        assert set(started["listeners"]) == {"metrics", "healthz", "web"}  # type: ignore[arg-type]
        assert run.healthz()[0] == 200
        # Both listeners on the loopback interface only (the default).
        assert listening(run.metrics_port) == ["0100007F"]
        assert listening(run.web_port) == ["0100007F"]

        # The worker holding RQ's scheduler has a child: kill that one.
        wait_for("a worker with its scheduler", lambda: any(children(w) for w in run.workers()),
                 timeout=60, logs=run.logs)
        victim = next(w for w in run.workers() if children(w))
        orphans = children(victim)
        os.kill(victim, signal.SIGKILL)
        wait_for("the dead worker replaced",
                 lambda: len(run.workers()) == 2 and victim not in run.workers(),
                 timeout=60, logs=run.logs)
        wait_for("the dead worker's children gone", lambda: not any(map(exists, orphans)),
                 timeout=10, logs=run.logs)
        assert not exists(victim)  # reaped: no <defunct> left
        died = run.events("worker_died")
        assert died and died[0]["worker_pid"] == victim and died[0]["signal"] == "SIGKILL"
        assert run.events("worker_replaced")
        assert "newsmon_worker_restarts_total 1.0" in run.metrics()
        assert "newsmon_workers_alive 2.0" in run.metrics()
        wait_for("/healthz ok again", lambda: run.healthz()[0] == 200, logs=run.logs)

        state["late"] = True  # the story's last outlet publishes: its alerts must arrive
        wait_for("the alerts delivered after the kill",
                 lambda: {h.webhook_id for h in receiver.hits if h.verified}
                 >= {f[b"id"].decode() for _, f in client.xrange("t-sup:alerts")} != set()
                 and client.hlen("t-sup:seen:article") == len(articles),
                 timeout=120, logs=run.logs)
        pids = [run.proc.pid, *run.workers()]
        pids += [c for w in run.workers() for c in children(w)]

        run.proc.send_signal(signal.SIGTERM)
        t0 = time.monotonic()
        assert run.proc.wait(timeout=60) == 0, run.logs()
        assert time.monotonic() - t0 < 30
        assert listening(run.metrics_port) == [] and listening(run.web_port) == []
        wait_for("every process of the run gone", lambda: not any(map(exists, pids)),
                 timeout=5)
        json_lines(run.logs())  # every line of the run is JSON
    finally:
        run.stop()
        receiver.down()


def test_healthz_is_503_naming_dead_workers_then_ok_once_replaced(
    redis_proc: EmbeddedRedis,
) -> None:
    """The supervisor's view, on real processes, without racing its 1 s replacement."""
    from monitor.pipeline import Pipeline
    from monitor.service import Supervisor, _probe
    from monitor.settings import Settings

    settings = Settings(namespace="t-health")
    client = redis.Redis.from_url(redis_proc.url)
    pipeline = Pipeline(client, "t-health", settings)

    def sleeper() -> subprocess.Popen[bytes]:
        return subprocess.Popen(["sleep", "300"])

    sup = Supervisor(2, redis_proc.url, 5.0, spawn=sleeper)
    for i in range(2):
        sup._launch(i)
    _, healthy, _ = _probe(redis_proc.url, pipeline, settings, sup)
    try:
        assert healthy() == (True, "ok\n")
        dead = sup.procs[0]
        assert dead is not None
        dead.kill()
        dead.wait()
        ok, why = healthy()
        assert not ok and why == "degraded: 1 of 2 workers alive\n"
        sup.check()  # it died at once: crash-looping, so the restart waits a second
        assert sup.restarts == 0 and sup.backoff[0] == 1.0
        time.sleep(1.1)
        sup.check()
        assert sup.restarts == 1 and sup.alive() == 2 and sup.procs[0] is not dead
        assert healthy() == (True, "ok\n")
    finally:
        sup._drain()
    assert sup.alive() == 0


def test_healthz_is_503_when_the_oldest_article_waits_too_long(
    redis_proc: EmbeddedRedis, tmp_path: Path,
) -> None:
    """Workers alive but not working (stopped): the article queue's age says so."""
    from monitor.models import Article
    from monitor.pipeline import Pipeline
    from monitor.settings import Settings

    empty = tmp_path / "feeds.yaml"
    empty.write_text("feeds: []\n", encoding="utf-8")
    run = Run(tmp_path, ["run", "--workers", "1"], REDIS_URL=redis_proc.url,
              NEWSMON_NAMESPACE="t-age", NEWSMON_FEEDS_FILE=str(empty),
              NEWSMON_QUEUE_AGE_LIMIT="2")
    try:
        wait_for("one worker", lambda: len(run.workers()) == 1, logs=run.logs)
        wait_for("/healthz", lambda: run.healthz()[0] == 200, logs=run.logs)
        worker = run.workers()[0]
        os.kill(worker, signal.SIGSTOP)
        client = redis.Redis.from_url(redis_proc.url)
        p = Pipeline(client, "t-age", Settings(namespace="t-age"))
        p.ingestor.ingest(Article(id="a1", text="قتل 25 شخصا في غارة على حلب."))
        wait_for("/healthz degraded", lambda: run.healthz()[0] == 503, timeout=20,
                 logs=run.logs)
        _, why = run.healthz()
        assert why.startswith("degraded: oldest queued article has waited "), why
        assert "NEWSMON_QUEUE_AGE_LIMIT=2" in why
        assert 'newsmon_queue_oldest_age_seconds{queue="t-age-articles"}' in run.metrics()
        os.kill(worker, signal.SIGCONT)
        wait_for("the article processed and /healthz ok",
                 lambda: run.healthz()[0] == 200 and
                 client.scard("t-age:articles:pending") == 0, timeout=60, logs=run.logs)
        run.proc.send_signal(signal.SIGTERM)
        assert run.proc.wait(timeout=60) == 0
    finally:
        run.stop()


@pytest.mark.parametrize("busy", ["metrics", "web"])
def test_a_busy_port_is_one_line_and_exit_2_before_anything_starts(
    redis_proc: EmbeddedRedis, tmp_path: Path, busy: str,
) -> None:
    holder = socket.socket()
    holder.bind(("127.0.0.1", 0))
    holder.listen()
    port = holder.getsockname()[1]
    empty = tmp_path / "feeds.yaml"
    empty.write_text("feeds: []\n", encoding="utf-8")
    key = "NEWSMON_METRICS_PORT" if busy == "metrics" else "NEWSMON_WEB_PORT"
    run = Run(tmp_path, ["run", "--workers", "2"], REDIS_URL=redis_proc.url,
              NEWSMON_FEEDS_FILE=str(empty), **{key: str(port)})
    try:
        assert run.proc.wait(timeout=60) == 2
        lines = run.logs().splitlines()
        assert lines == [f"newsmon: port {port} on 127.0.0.1 is already in use: stop what "
                         f"listens there or set {'NEWSMON_' + busy.upper()}_HOST / {key}"], lines
        other = run.web_port if busy == "metrics" else run.metrics_port
        assert listening(other) == []  # nothing half-started
    finally:
        run.stop()
        holder.close()


@pytest.mark.parametrize(("url", "says"), [
    ("notaurl", "REDIS_URL has no scheme"),
    ("http://localhost:6379/0", "REDIS_URL has scheme 'http'"),
    ("redis://:pw-not-shown@127.0.0.1:{port}/0",
     "Redis at 127.0.0.1:{port} is unreachable after 1 s"),
])
@pytest.mark.parametrize("command", [["run"], ["worker", "--workers", "2"], ["facts"]])
def test_a_bad_redis_is_one_line_and_exit_2(tmp_path: Path, url: str, says: str,
                                            command: list[str]) -> None:
    port = free_port()
    empty = tmp_path / "feeds.yaml"
    empty.write_text("feeds: []\n", encoding="utf-8")
    t0 = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "monitor", *command], cwd=tmp_path,
                          env=_env(REDIS_URL=url.format(port=port), NEWSMON_REDIS_WAIT="1",
                                   NEWSMON_FEEDS_FILE=str(empty),
                                   NEWSMON_METRICS_PORT=str(free_port()),
                                   NEWSMON_WEB_PORT=str(free_port())),
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    lines = proc.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("newsmon: " + says.format(port=port)), lines
    assert "pw-not-shown" not in proc.stderr
    assert time.monotonic() - t0 < 30


def test_rq_failures_and_tracebacks_are_json_fields(
    redis_proc: EmbeddedRedis, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A receiver answering 500: each failed delivery's traceback is a field of one line."""
    from monitor.pipeline import Pipeline
    from monitor.settings import Settings

    monkeypatch.setenv(SECRET_ENV, SECRET)
    receiver = Receiver(mode="error").up()
    routes = routes_file(tmp_path, receiver.url)
    run = Run(tmp_path, ["worker", "--workers", "1"], REDIS_URL=redis_proc.url,
              NEWSMON_NAMESPACE="t-json", NEWSMON_ROUTES_FILE=str(routes),
              NEWSMON_ALERT_SETTLE_SECONDS="0", **{SECRET_ENV: SECRET})
    try:
        client = redis.Redis.from_url(redis_proc.url)
        p = Pipeline(client, "t-json", Settings(namespace="t-json", routes_file=routes))
        for article in seed_articles():
            p.ingestor.ingest(article)
        wait_for("two failed delivery attempts", lambda: len(receiver.hits) >= 2,
                 timeout=120, logs=run.logs)
        run.proc.send_signal(signal.SIGTERM)
        assert run.proc.wait(timeout=60) == 0
        logs = json_lines(run.logs())
        failures = [e for e in logs if "Traceback (most recent call last)" in
                    str(e.get("exception", ""))]
        assert failures, run.logs()[-3000:]
        assert all("\n" not in str(e["event"]) for e in logs)
        assert any(e.get("logger") == "rq.worker" for e in failures)
    finally:
        run.stop()
        receiver.down()


def test_web_auth_token_and_basic(redis_client: redis.Redis) -> None:
    from monitor.settings import Settings
    from monitor.web.app import create_app
    from monitor.web.server import Credentials, bound_port, start_in_thread

    settings = Settings(namespace="t-auth")
    creds = Credentials(token="tok-123", user="ops", password="pa:ss")
    server = start_in_thread(create_app(redis_client, "t-auth", settings), "127.0.0.1", 0,
                             credentials=creds)
    try:
        base = f"http://127.0.0.1:{bound_port(server)}"
        bare = httpx.get(base + "/alerts")
        assert bare.status_code == 401
        assert bare.headers["www-authenticate"].startswith("Basic realm=")
        assert httpx.get(base + "/alerts", headers={"Authorization": "Bearer nope"}
                         ).status_code == 401
        assert httpx.get(base + "/alerts", auth=("ops", "wrong")).status_code == 401
        assert httpx.get(base + "/alerts", headers={"Authorization": "Bearer tok-123"}
                         ).status_code == 200
        assert httpx.get(base + "/alerts", auth=("ops", "pa:ss")).status_code == 200
    finally:
        server.should_exit = True


def test_listeners_default_to_the_loopback_interface() -> None:
    from monitor.settings import Settings

    s = Settings()
    assert s.metrics_host == "127.0.0.1" and s.web_host == "127.0.0.1"
    assert s.web_token is None and s.web_user is None


def test_a_sigkilled_service_leaves_no_worker_behind(redis_proc: EmbeddedRedis,
                                                     tmp_path: Path) -> None:
    """The supervisor SIGKILLed (OOM killer, docker kill): its workers get SIGTERM from the
    kernel (PR_SET_PDEATHSIG), finish, and their RQ schedulers and horses die with them."""
    empty = tmp_path / "feeds.yaml"
    empty.write_text("feeds: []\n", encoding="utf-8")
    run = Run(tmp_path, ["worker", "--workers", "2"], REDIS_URL=redis_proc.url,
              NEWSMON_NAMESPACE="t-orphan")
    try:
        wait_for("two workers", lambda: len(run.workers()) == 2, logs=run.logs)
        wait_for("a worker with its scheduler", lambda: any(children(w) for w in run.workers()),
                 timeout=60, logs=run.logs)
        tree = run.workers() + [c for w in run.workers() for c in children(w)]
        run.proc.kill()
        run.proc.wait()
        wait_for("every worker and child gone", lambda: not any(map(exists, tree)),
                 timeout=60)
        assert listening(run.metrics_port) == []
    finally:
        run.stop()


def test_articles_left_pending_without_a_job_are_run_once_the_queue_is_idle(
    redis_proc: EmbeddedRedis, tmp_path: Path,
) -> None:
    """The fault matrix's Redis restart (AOF synced every second) kept an article's pending
    mark and lost its job: nothing would ever have run it. A worker's reaper finds such
    articles when the articles queue is idle and enqueues them again."""
    from monitor.pipeline import Pipeline
    from monitor.settings import Settings

    routes = tmp_path / "routes.yaml"
    routes.write_text("routes: []\n", encoding="utf-8")
    client = redis.Redis.from_url(redis_proc.url)
    p = Pipeline(client, "t-orphan", Settings(namespace="t-orphan", routes_file=routes))
    pending = f"{p.keys.ns}:articles:pending"
    run = Run(tmp_path, ["worker", "--workers", "1"], REDIS_URL=redis_proc.url,
              NEWSMON_NAMESPACE="t-orphan", NEWSMON_ROUTES_FILE=str(routes))
    try:
        # After start-up (which enqueues what it finds pending): stored and pending, with
        # their job lost, as a crash before a batch's enqueue or a Redis restart leaves them.
        wait_for("the worker started", lambda: run.events("started"), logs=run.logs)
        with p.ingestor.batch():
            for article in seed_articles()[:2]:
                p.ingestor.ingest(article)
            p.ingestor._batch = []  # the jobs are lost
        assert client.scard(pending) == 2 and p.queues.articles.count == 0
        wait_for("the orphaned articles processed", lambda: client.scard(pending) == 0,
                 timeout=120, logs=run.logs)
        assert run.events("orphan_articles_requeued")
        assert p.facts.fact_keys()  # their claims were recorded
        run.proc.send_signal(signal.SIGTERM)
        assert run.proc.wait(timeout=60) == 0
    finally:
        run.stop()


def test_a_stopping_worker_is_not_held_by_its_pubsub_thread(redis_client: redis.Redis,
                                                             tmp_path: Path) -> None:
    """A warm shutdown unsubscribes the worker's pubsub, then joins its thread. When the
    thread has already read the unsubscribe reply, it waits for its next message as long as
    the worker told it to: with RQ's 60 s, `monitor run` outlived the test's wait for its
    SIGTERM under load. The race, set up step by step on a real worker and Redis."""
    from monitor.pipeline import Pipeline
    from monitor.settings import Settings
    from monitor.worker import make_worker

    settings = Settings(namespace="t-pubsub", metrics_dir=tmp_path)
    worker = make_worker(redis_client, Pipeline(redis_client, "t-pubsub", settings).queues)
    worker.subscribe()
    wait_for("the subscription", lambda: worker.pubsub.subscribed, timeout=10)
    worker.pubsub.unsubscribe()
    wait_for("the thread to read the unsubscribe reply",
             lambda: not worker.pubsub.subscribed, timeout=10)
    worker.pubsub_thread.stop()
    worker.pubsub_thread.join(timeout=10)
    assert not worker.pubsub_thread.is_alive()
    worker.pubsub.close()
