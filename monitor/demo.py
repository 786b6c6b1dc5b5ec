"""`newsmon demo`: the seed story through the whole pipeline on an embedded Redis.

Each seed outlet gets its own RSS feed served on 127.0.0.1, so the demo exercises the real
poller (HTTP, feedparser), the queue, RQ workers, the fact store and alert delivery.
"""

from __future__ import annotations

import asyncio
import sys
import threading
import time
import uuid
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.sax.saxutils import escape

from monitor.models import Article
from monitor.settings import Settings
from monitor.sources import by_published, load_dir


def seeds_feeds(articles: list[Article], base: str) -> dict[str, bytes]:
    """One RSS 2.0 document per outlet, full text in content:encoded."""
    by_outlet: dict[str, list[Article]] = {}
    for a in articles:
        by_outlet.setdefault(a.outlet or "seeds", []).append(a)
    docs: dict[str, bytes] = {}
    for outlet, items in by_outlet.items():
        parts = [
            '<?xml version="1.0" encoding="utf-8"?>',
            '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">',
            f"<channel><title>{escape(outlet)}</title><link>{base}/</link>",
            "<language>ar</language><description>newsmon seed story</description>",
        ]
        for a in items:
            pub = format_datetime(a.published) if a.published else ""
            body = "".join(f"<p>{escape(p)}</p>" for p in a.text.split("\n") if p.strip())
            parts.append(
                f"<item><title>{escape(a.title or '')}</title>"
                f"<link>{base}/articles/{a.id}</link>"
                f'<guid isPermaLink="false">seed:{a.id}</guid>'
                f"<pubDate>{pub}</pubDate>"
                f"<content:encoded>{escape(body)}</content:encoded></item>"
            )
        parts.append("</channel></rss>")
        docs[f"/feeds/{outlet}.xml"] = "\n".join(parts).encode("utf-8")
    return docs


def serve_feeds(docs: dict[str, bytes]) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = docs.get(self.path)
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
            self.send_header("ETag", f'"{hash(body) & 0xFFFFFFFF:x}"')
            self.end_headers()
            self.wfile.write(body or b"")

        def log_message(self, *args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def run_demo(settings: Settings, *, serve: bool = False) -> int:
    from monitor.alerts.render import console_text, fact_url
    from monitor.pipeline import Pipeline
    from monitor.poller import FeedConfig, Poller
    from monitor.redis_conn import connect, redis_url
    from monitor.replay import drop_namespace
    from monitor.worker import drain

    started = time.monotonic()
    embedded = settings.redis_url is None
    client = connect(redis_url(settings))
    # The demo keeps to a namespace of its own, started afresh: on the embedded server it
    # stays for `newsmon facts --namespace demo`; on a shared Redis it is removed after.
    ns = "demo" if embedded else f"demo-{uuid.uuid4().hex[:8]}"
    drop_namespace(client, ns)
    # Published order, one worker: nothing will retract an alert, so none waits to settle.
    settings = settings.model_copy(update={"alert_settle_seconds": 0.0})
    pipeline = Pipeline(client, ns, settings)

    seeds = load_dir(settings.seeds_dir)
    docs: dict[str, bytes] = {}
    server = serve_feeds(docs)
    port = server.server_address[1]
    base = f"http://127.0.0.1:{port}"
    docs.update(seeds_feeds(seeds, base))
    # The articles themselves, so the links in the alerts open while the demo runs.
    docs.update({f"/articles/{a.id}": a.full_text.encode("utf-8") for a in seeds})
    feeds = [
        FeedConfig(name=outlet, url=f"http://127.0.0.1:{port}/feeds/{outlet}.xml", outlet=outlet)
        for outlet in sorted({a.outlet or "seeds" for a in seeds})
    ]
    fetched: list[Article] = []

    def collect(article: Article) -> str:
        fetched.append(article)
        return "new"

    poller = Poller(client, feeds, collect, keys=pipeline.keys, settings=settings)
    asyncio.run(poller.poll_once())
    # Feeds answer in any order; the story is told in published order.
    for article in by_published(fetched):
        pipeline.ingestor.ingest(article)
    drain(client, pipeline.queues, settings)
    alerts = pipeline.ledger.all()
    facts = list(pipeline.facts.all())

    out = sys.stdout
    out.write(
        f"newsmon demo: {len(feeds)} feeds polled, {len(fetched)} articles, "
        f"{sum(len(c) for _, c in facts)} claims on {len(facts)} facts, "
        f"{len(alerts)} alerts ({time.monotonic() - started:.1f} s)\n\n"
    )
    for alert in alerts:
        out.write(console_text(alert) + "\n\n")
    contradiction = next((a for a in alerts if a.kind == "contradiction"), None)
    web_base = f"http://127.0.0.1:{settings.web_port}"
    if contradiction is not None:
        out.write(f"Fact page of the contradiction: {fact_url(web_base, contradiction.fact_key)}\n")
    if embedded:
        out.write("The facts and alerts stay on the embedded server: "
                  "`newsmon facts --namespace demo`, `newsmon web --namespace demo`.\n")
    web = None
    if serve:
        from monitor.web.app import create_app
        from monitor.web.server import start_in_thread

        web = start_in_thread(create_app(client, ns, settings), "127.0.0.1", settings.web_port)
        out.write(f"Serving the fact pages at {web_base}/ and the articles at {base}/ "
                  "until Ctrl-C.\n")
    if serve:
        out.flush()
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
    server.shutdown()
    if web is not None:
        web.should_exit = True
    if not embedded:
        drop_namespace(client, ns)
    return 0
