"""The fault matrix on a real stream: alerts lost and duplicated at a receiver, per fault.

    python bench/faults.py [--rate 20] [--duration 600] [--workers 2] [--only NAME ...]

The real news of ../shared/corpora/realnews (read in place) is served as F local RSS feeds,
released at --rate articles per second for --duration seconds; `newsmon run --workers W`
polls them (every 10 s), processes them and delivers alerts to a local signed-webhook
receiver. Each scenario is one such run, in its own namespace on its own Redis:

    clean            nothing happens
    kill_worker      SIGKILL one worker process a third of the way in
    kill_horse       SIGKILL an RQ work horse in the middle of a job
    redis_stop_30s   redis-server stopped (SIGTERM, AOF kept) for 30 s, then started again
    receiver_down_2m the receiver stops listening for 120 s
    sigterm_burst    SIGTERM to newsmon run mid-burst, then started again at once

After the stream ends each run waits until every article is processed and every alert that
holds is delivered (or a timeout), then counts, by webhook-id, against the clean run:
lost = alerts the clean run delivered that this run's receiver never accepted, and
duplicated = webhook-ids the receiver accepted more than once. Prints one table.

Run on 2026-12-01 at commit 19581ca (2 shared cores, the default `--duration 600`: 12,000
articles at 20/s, the corpus and then its later laps, 10 feeds, 2 workers; 1,201 alerts
hold in every run). "accepted" counts alerts later withdrawn by an older report that
arrived late (they were sent, then retracted); those are not lost.

| scenario | articles | holding | accepted | lost vs clean | duplicated | same | SIGTERM |
|---|---|---|---|---|---|---|---|
| clean | 12000 | 1201 | 1219 | 0 | 0 | yes | exit 0, 9.1 s |
| kill_worker | 12000 | 1201 | 1221 | 0 | 0 | yes | exit 0, 13.5 s |
| kill_horse | 12000 | 1201 | 1222 | 0 | 0 | yes | exit 0, 5.4 s |
| redis_stop_30s (*) | 12000 | 1201 | 1220 | 0 | 0 | yes | exit 0, 11.7 s |
| receiver_down_2m | 12000 | 1201 | 1213 | 0 | 0 | yes | exit 0, 2.0 s |
| sigterm_burst (exit 0 in 15.8 s mid-burst) | 12000 | 1201 | 1206 | 0 | 0 | yes | exit 0, 6.1 s |

* The AOF lost the job's last writes; the run never settled. Since 0a78797 a worker's
reaper enqueues such articles again when the queue is idle (monitor/ingest.py
requeue_orphans).

Every log line of every run was JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import redis  # noqa: E402

from monitor.redis_conn import EmbeddedRedis, free_port  # noqa: E402
from tests.test_faults import SECRET, SECRET_ENV, Receiver  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpora" / "realnews"
FEEDS = 10
WINDOW = 600  # items a feed keeps listing


def load_articles() -> list[dict[str, Any]]:
    """The corpus in published order, one copy of each text.

    The corpus carries some stories twice (one outlet, two categories, two ids). Which copy
    newsmon keeps depends on which feed is polled first, and the other copy's claims (other
    ids) then make other alert ids: a run would differ from the clean run by timing alone.
    """
    from monitor.models import Article

    out, seen = [], set()
    for path in sorted(CORPUS.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").split("\n"):
            if not line.strip():
                continue
            record = json.loads(line)
            h = Article.model_validate(record).content_hash
            if h not in seen:
                seen.add(h)
                out.append(record)
    return out


def laps(articles: list[dict[str, Any]], n: int) -> list[dict[str, Any]]:
    """n articles: the corpus, then again as later laps when the stream outlasts it.

    Two months of news are ~5,700 distinct texts, five minutes at 20/s. Lap k republishes
    each article k x 61 days later under a new id and URL, with a closing line naming the
    lap so its text (and so its content hash) is new: it is processed, not dropped as a
    duplicate, and its claims meet the earlier laps' facts as a later month's would.
    """
    from datetime import datetime, timedelta

    out: list[dict[str, Any]] = []
    k = 0
    while len(out) < n:
        for a in articles[: n - len(out)]:
            if k == 0:
                out.append(a)
                continue
            pub = datetime.fromisoformat(a["published"]) + timedelta(days=61 * k)
            out.append({**a, "id": f"{a['id']}~lap{k}",
                        "url": f"{a['url'] or ''}#lap{k}",
                        "published": pub.isoformat(),
                        "text": f"{a['text']}\n(lap {k})"})
        k += 1
    return out


class Stream:
    """F feeds; article i is released at start + i / rate, to feed i % F."""

    def __init__(self, articles: list[dict[str, Any]], rate: float):
        self.articles = articles
        self.rate = rate
        self.start = 0.0
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def released(self) -> int:
        if not self.start:
            return 0
        return min(len(self.articles), int((time.monotonic() - self.start) * self.rate))

    def doc(self, feed: int) -> bytes:
        items = [a for a in self.articles[feed:self.released():FEEDS]][-WINDOW:]
        parts = ['<?xml version="1.0" encoding="utf-8"?>',
                 '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">',
                 f"<channel><title>f{feed}</title><link>{self.base}/</link>"
                 "<description>bench</description>"]
        for a in items:
            body = "".join(f"<p>{escape(p)}</p>" for p in a["text"].split("\n") if p.strip())
            pub = a["published"]
            from datetime import datetime
            from email.utils import format_datetime

            parts.append(f"<item><title>{escape(a.get('title') or '')}</title>"
                         f"<link>{escape(a['url'] or '')}</link>"
                         f'<guid isPermaLink="false">{escape(a["id"])}</guid>'
                         f"<pubDate>{format_datetime(datetime.fromisoformat(pub))}</pubDate>"
                         f"<content:encoded>{escape(body)}</content:encoded></item>")
        parts.append("</channel></rss>")
        return "\n".join(parts).encode()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        stream = self

        class H(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                feed = int(self.path.strip("/").split(".")[0][1:])
                body = stream.doc(feed)
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                return

        return H


class Service:
    def __init__(self, tmp: Path, url: str, ns: str, workers: int):
        self.tmp, self.url, self.ns, self.workers = tmp, url, ns, workers
        self.proc: subprocess.Popen[bytes] | None = None
        self.log = (tmp / f"{ns}.log").open("ab")

    def start(self) -> None:
        env = {k: v for k, v in os.environ.items()
               if k != "REDIS_URL" and not k.startswith("NEWSMON_")}
        env.update({"REDIS_URL": self.url, "NEWSMON_NAMESPACE": self.ns,
                    "NEWSMON_FEEDS_FILE": str(self.tmp / "feeds.yaml"),
                    "NEWSMON_ROUTES_FILE": str(self.tmp / "routes.yaml"),
                    "NEWSMON_METRICS_PORT": str(free_port()),
                    "NEWSMON_WEB_PORT": str(free_port()),
                    "NEWSMON_REDIS_WAIT": "60",
                    "PROMETHEUS_MULTIPROC_DIR": str(self.tmp / f"metrics-{self.ns}"),
                    SECRET_ENV: SECRET})
        self.proc = subprocess.Popen([sys.executable, "-m", "monitor", "run", "--workers",
                                      str(self.workers)], cwd=self.tmp, env=env,
                                     stdout=subprocess.DEVNULL, stderr=self.log)

    def children(self, pid: int) -> list[int]:
        out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
        return [int(x) for x in out.split()]

    def worker_pids(self) -> list[int]:
        assert self.proc
        return [p for p in self.children(self.proc.pid)
                if b"child_main" in Path(f"/proc/{p}/cmdline").read_bytes()]

    def stop(self) -> float:
        assert self.proc
        t0 = time.monotonic()
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(300)
        return time.monotonic() - t0


def kill_horse(svc: Service, deadline: float) -> bool:
    """SIGKILL a work horse mid-job: the youngest child of a worker, younger than 2 s."""
    ticks = os.sysconf("SC_CLK_TCK")
    while time.monotonic() < deadline:
        uptime = float(Path("/proc/uptime").read_text().split()[0])
        for w in svc.worker_pids():
            for c in svc.children(w):
                try:
                    started = int(Path(f"/proc/{c}/stat").read_text().rsplit(")", 1)[1]
                                  .split()[19]) / ticks
                except (FileNotFoundError, IndexError):
                    continue
                if uptime - started < 2.0:
                    os.kill(c, signal.SIGKILL)
                    return True
        time.sleep(0.01)
    return False


def settled(client: redis.Redis, ns: str, receiver: Receiver) -> bool:
    from monitor.keys import Keys
    from monitor.pipeline import Pipeline
    from monitor.settings import Settings

    p = Pipeline(client, ns, Settings(namespace=ns))
    if client.scard(f"{ns}:articles:pending") or any(q.count for q in p.queues.all):
        return False
    regs = [p.queues.alerts.started_job_registry, p.queues.alerts.deferred_job_registry,
            p.queues.alerts.scheduled_job_registry, p.queues.articles.started_job_registry,
            p.queues.articles.scheduled_job_registry]
    if any(r.count for r in regs):
        return False
    keys = Keys(ns)
    return all(client.exists(keys.delivery(a.id, "hook")) for a in p.ledger.all())


def scenario(name: str, args: argparse.Namespace, articles: list[dict[str, Any]],
             tmp: Path) -> dict[str, Any]:
    os.environ[SECRET_ENV] = SECRET
    data = tmp / f"redis-{name}"
    server = EmbeddedRedis(port=free_port(), appendonly=True, workdir=data,
                           _own_workdir=False).start()
    receiver = Receiver().up()
    stream = Stream(laps(articles, int(args.rate * args.duration)), args.rate)
    (tmp / "feeds.yaml").write_text("feeds:\n" + "".join(
        f"  - {{name: f{i}, url: '{stream.base}/f{i}.xml', interval: 10}}\n"
        for i in range(FEEDS)), encoding="utf-8")
    (tmp / "routes.yaml").write_text(
        "routes:\n"
        f"  - {{name: hook, type: webhook, url: '{receiver.url}', secret_env: {SECRET_ENV}}}\n",
        encoding="utf-8")
    ns = f"fm-{name}"
    svc = Service(tmp, server.url, ns, args.workers)
    svc.start()
    time.sleep(3)
    stream.start = time.monotonic()
    fault_at = stream.start + args.duration / 3
    note = ""
    while time.monotonic() < fault_at:
        time.sleep(0.2)
    if name == "kill_worker":
        victim = svc.worker_pids()[0]
        os.kill(victim, signal.SIGKILL)
        note = f"killed worker {victim}"
    elif name == "kill_horse":
        note = "killed a horse" if kill_horse(svc, time.monotonic() + 60) else "no horse found"
    elif name == "redis_stop_30s":
        server.stop()
        time.sleep(30)
        server = EmbeddedRedis(port=server.port, appendonly=True, workdir=data,
                               _own_workdir=False).start()
        note = "redis down 30 s"
    elif name == "receiver_down_2m":
        receiver.down()
        time.sleep(120)
        receiver.up()
        note = "receiver down 120 s"
    elif name == "sigterm_burst":
        took = svc.stop()
        note = f"SIGTERM exit {svc.proc.returncode if svc.proc else '?'} in {took:.1f} s"
        svc.start()
    end = stream.start + args.duration + 15
    while time.monotonic() < end:
        time.sleep(0.5)
    client = redis.Redis.from_url(server.url)
    deadline = time.monotonic() + args.settle
    while time.monotonic() < deadline and not settled(client, ns, receiver):
        time.sleep(2)
    ok = settled(client, ns, receiver)
    stop_s = svc.stop()
    from monitor.alerts.ledger import AlertLedger
    from monitor.keys import Keys

    active = {a.id for a in AlertLedger(client, Keys(ns)).all()}
    accepted = Counter(h.webhook_id for h in receiver.hits if h.mode == "ok")
    not_json = 0
    for line in (tmp / f"{ns}.log").read_text(encoding="utf-8", errors="replace").splitlines():
        try:
            json.loads(line)
        except json.JSONDecodeError:
            not_json += 1
    out = {"not_json": not_json, "name": name, "note": note, "released": stream.released(),
           "stored": client.hlen(f"{ns}:seen:article"), "active": active,
           "accepted": accepted, "settled": ok, "stop_s": stop_s,
           "exit": svc.proc.returncode if svc.proc else None}
    receiver.down()
    stream.server.shutdown()
    server.stop()
    (tmp / f"{ns}.result.json").write_text(json.dumps(
        {**out, "active": sorted(active), "accepted": dict(accepted)}), encoding="utf-8")
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rate", type=float, default=20.0)
    ap.add_argument("--duration", type=float, default=600.0)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--settle", type=float, default=900.0)
    ap.add_argument("--only", nargs="*")
    args = ap.parse_args()
    if not CORPUS.exists():
        sys.exit(f"{CORPUS} is absent: the fault matrix reads the real news stream there")
    articles = load_articles()
    names = ["clean", "kill_worker", "kill_horse", "redis_stop_30s", "receiver_down_2m",
             "sigterm_burst"]
    if args.only:
        names = ["clean", *[n for n in args.only if n != "clean"]]
    tmp = Path(tempfile.mkdtemp(prefix="newsmon-faults-"))
    results = []
    for name in names:
        r = scenario(name, args, articles, tmp)
        results.append(r)
        print(f"# {name}: {r['note']} released={r['released']} stored={r['stored']} "
              f"alerts={len(r['active'])} settled={r['settled']} "
              f"stop={r['stop_s']:.1f}s exit={r['exit']}", flush=True)
    clean = results[0]
    want = {i for i in clean["accepted"] if not i.endswith(".retracted")} & clean["active"]
    print(f"\nstream: {args.rate:g} articles/s for {args.duration:g} s, {FEEDS} feeds, "
          f"{args.workers} workers; logs in {tmp}")
    print("| scenario | fault | articles stored | alerts holding | accepted by receiver | "
          "lost vs clean | lost (own alerts) | duplicated | same alerts as clean | "
          "SIGTERM exit | non-JSON log lines |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for r in results:
        got = {i for i in r["accepted"] if not i.endswith(".retracted")}
        lost = len(want - got)
        own = len(r["active"] - got)
        dup = sum(1 for n in r["accepted"].values() if n > 1)
        print(f"| {r['name']} | {r['note'] or '-'} | {r['stored']} | {len(r['active'])} | "
              f"{len(got)} | {lost} | {own} | {dup} | {r['active'] == clean['active']} | "
              f"{r['exit']} in {r['stop_s']:.1f} s | {r['not_json']} |")


if __name__ == "__main__":
    main()
