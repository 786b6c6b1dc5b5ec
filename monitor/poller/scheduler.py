"""Poll every due feed with bounded concurrency; back off failing feeds, never drop them."""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlparse

import httpx
import redis

from monitor.alerts.ops import OpsNotice, due
from monitor.keys import Keys
from monitor.logs import get_logger
from monitor.metrics import (
    ARTICLES,
    FEED_ENTRY_PROBLEMS,
    FEED_FAILURES,
    FEED_LAST_SUCCESS,
    FEED_MOVES,
    FEED_POLLS,
    FEED_PROBLEMS,
    REDIS_ERRORS,
    init_poller_labels,
)
from monitor.models import Article
from monitor.poller.config import FeedConfig
from monitor.poller.fetcher import FetchResult, fetch
from monitor.poller.parser import ParseResult, parse_feed
from monitor.poller.problems import ENTRY_PROBLEMS
from monitor.poller.state import FeedState
from monitor.settings import Settings

Sink = Callable[[Article], str]


@dataclass
class PollReport:
    outcomes: Counter[str] = field(default_factory=Counter)
    articles: Counter[str] = field(default_factory=Counter)


def _count_entry_problems(parsed: ParseResult, log: Any) -> None:
    """One metric per defect kind and one log line per document, not one per entry."""
    if not parsed.entry_problems:
        return
    for reason, n in parsed.entry_problems.items():
        FEED_ENTRY_PROBLEMS.labels(reason=reason, action=ENTRY_PROBLEMS[reason]).inc(n)
    if parsed.rejected:
        ARTICLES.labels(outcome="rejected").inc(parsed.rejected)
    dropped = {k: v for k, v in parsed.entry_problems.items() if ENTRY_PROBLEMS[k] == "dropped"}
    level = log.warning if dropped else log.info
    level("feed_entry_problems", kept=len(parsed.articles), dropped=sum(dropped.values()),
          problems=dict(sorted(parsed.entry_problems.items())))


def backoff_delay(failures: int, base: float, cap: float, rng: random.Random) -> float:
    """Exponential backoff with jitter, so many failing feeds never retry in the same second."""
    delay = min(cap, base * 2 ** max(0, failures - 1))
    return rng.uniform(delay / 2, delay)


class Poller:
    def __init__(self, client: redis.Redis, feeds: list[FeedConfig], sink: Sink, *, keys: Keys,
                 settings: Settings, concurrency: int = 16, per_host: int = 2,
                 rng: random.Random | None = None,
                 notify: Callable[[OpsNotice], object] | None = None):
        self.r = client
        self.notify = notify  # operator notices: a feed failing N polls in a row, recovered
        self.feeds = feeds
        self.sink = sink
        self.keys = keys
        self.settings = settings
        self.concurrency = concurrency
        self.per_host = per_host
        self.limit = asyncio.Semaphore(concurrency)
        self._hosts: dict[str, asyncio.Semaphore] = {}
        self.rng = rng or random.Random()
        init_poller_labels()

    def _host_limit(self, url: str) -> asyncio.Semaphore:
        host = urlparse(url).netloc or "local"
        if host not in self._hosts:
            self._hosts[host] = asyncio.Semaphore(self.per_host)
        return self._hosts[host]

    async def poll_once(self, now: float | None = None) -> PollReport:
        """Poll every feed that is due; one failing feed never stops the others."""
        now = time.time() if now is None else now
        report = PollReport()
        # Semaphores belong to one event loop: make them for this poll.
        self.limit = asyncio.Semaphore(self.concurrency)
        self._hosts = {}
        headers = {"User-Agent": self.settings.user_agent}
        # As many connections as concurrent fetches: with httpx's default pool (100), a
        # larger `concurrency` would queue inside the pool and fail as timeouts.
        limits = httpx.Limits(max_connections=self.concurrency,
                              max_keepalive_connections=self.concurrency)
        async with httpx.AsyncClient(headers=headers, timeout=self.settings.http_timeout,
                                     limits=limits) as c:
            due = []
            for feed in self.feeds:
                state = FeedState.load(self.r, self.keys, feed.name)
                if not state.retired and state.next_poll_at <= now:
                    due.append((feed, state))
            await asyncio.gather(*(self._poll(c, f, s, now, report) for f, s in due))
        return report

    async def _poll(self, client: httpx.AsyncClient, feed: FeedConfig, state: FeedState,
                    now: float, report: PollReport) -> None:
        log = get_logger(feed=feed.name)
        url = state.url or feed.url
        # Host first: feeds queued behind a busy host must not hold global slots that
        # feeds on other hosts could use.
        async with self._host_limit(url), self.limit:
            result = await fetch(client, url, etag=state.etag, last_modified=state.last_modified,
                                 max_bytes=self.settings.max_feed_bytes,
                                 timeout=self.settings.http_timeout)
        outcome = result.outcome
        if result.new_url:
            log.warning("feed_moved", new_url=result.new_url)
            state.url = result.new_url
            FEED_MOVES.labels(feed=feed.name).inc()  # a move is not an outcome of its own
        if outcome == "ok":
            outcome = await self._store(feed, result, report, log)
            if outcome in ("ok", "partial"):
                state.etag, state.last_modified = result.etag, result.last_modified
        self._record(feed, state, result, outcome, now, log)
        report.outcomes[outcome] += 1
        state.save(self.r, self.keys, feed.name)

    async def _store(self, feed: FeedConfig, result: FetchResult, report: PollReport,
                     log: Any) -> str:
        """Parse and hand the articles to the sink; the outcome: "ok", "partial" (a malformed
        document whose readable entries were kept), "malformed" (nothing readable) or
        "error"."""
        # In a thread: a large or pathological document must not freeze the event loop,
        # where every other feed's fetch and deadline run.
        try:
            parsed = await asyncio.to_thread(parse_feed, result.body, feed, result.final_url,
                                             result.content_type)
        except Exception as exc:  # a parser bug on one document costs that feed, not the cycle
            log.error("feed_parse_crashed", error=type(exc).__name__, exc_info=True)
            result.problem = "internal_error"
            result.reason = f"parser crashed: {type(exc).__name__}"
            return "error"
        _count_entry_problems(parsed, log)
        if parsed.malformed:
            log.warning("feed_malformed", problem=parsed.problem, reason=parsed.reason,
                        entries=len(parsed.articles))
            if not parsed.articles:
                result.problem = parsed.problem
                result.reason = f"{parsed.problem}: {parsed.reason}"
                return "malformed"
            FEED_PROBLEMS.labels(reason=parsed.problem or "malformed").inc()
        batch = getattr(self.sink, "batch", None)  # one feed's new entries share jobs
        try:
            with batch() if batch else contextlib.nullcontext():
                for article in parsed.articles:
                    report.articles[self.sink(article)] += 1
        except redis.RedisError as exc:
            # Keep the ETag unchanged: the next poll fetches these entries again.
            REDIS_ERRORS.labels(process="poller").inc()
            log.error("sink_failed", error=type(exc).__name__)
            result.problem, result.reason = "sink_error", "could not store articles"
            return "error"
        return "partial" if parsed.malformed else "ok"

    def _record(self, feed: FeedConfig, state: FeedState, result: FetchResult, outcome: str,
                now: float, log: Any) -> None:
        """Feed state, metrics and the log line for this poll's outcome (exactly one)."""
        state.last_outcome, state.last_poll_at = outcome, now
        if outcome in ("ok", "not_modified", "partial"):
            state.last_success_at = now
            FEED_LAST_SUCCESS.labels(feed=feed.name).set(now)
            if state.consecutive_failures >= self.settings.feed_alert_after:
                self._notify(OpsNotice(kind="feed_recovered", feed=feed.name,
                                       failures=state.consecutive_failures), log)
            state.consecutive_failures = 0
            state.last_error = None
            state.next_poll_at = now + feed.interval
        elif outcome == "gone":
            state.retired = True
            state.last_error = result.reason
            log.warning("feed_retired", reason=result.reason)
        else:
            state.consecutive_failures += 1
            state.last_error = result.reason
            delay = backoff_delay(state.consecutive_failures, self.settings.backoff_base,
                                  self.settings.backoff_cap, self.rng)
            if outcome == "rate_limited" and result.retry_after is not None:
                delay = max(delay, result.retry_after, feed.interval)
            state.next_poll_at = now + delay
            if result.problem:
                FEED_PROBLEMS.labels(reason=result.problem).inc()
            log.warning("feed_failed", outcome=outcome, problem=result.problem,
                        reason=result.reason, failures=state.consecutive_failures,
                        retry_in=round(delay, 1))
            if due(state.consecutive_failures, after=self.settings.feed_alert_after,
                   every=self.settings.feed_alert_every):
                self._notify(OpsNotice(kind="feed_failing", feed=feed.name,
                                       failures=state.consecutive_failures,
                                       reason=result.problem or outcome), log)
        FEED_POLLS.labels(feed=feed.name, outcome=outcome).inc()
        FEED_FAILURES.labels(feed=feed.name).set(state.consecutive_failures)

    def _notify(self, notice: OpsNotice, log: Any) -> None:
        log.warning(notice.kind, failures=notice.failures)
        if self.notify is None:
            return
        try:
            self.notify(notice)
        except redis.RedisError as exc:  # a notice must never stop the polling
            log.error("ops_notice_failed", error=type(exc).__name__)

    async def run(self, stop: asyncio.Event) -> None:
        """Poll until `stop` is set, waking for the next due feed (at most a second late)."""
        while not stop.is_set():
            try:
                await self.poll_once()
            except redis.RedisError as exc:
                REDIS_ERRORS.labels(process="poller").inc()
                get_logger().error("poller_redis_error", error=type(exc).__name__)
            try:
                await asyncio.wait_for(stop.wait(), timeout=self._sleep())
            except TimeoutError:
                pass

    def _sleep(self) -> float:
        try:
            states = [FeedState.load(self.r, self.keys, f.name) for f in self.feeds]
        except redis.RedisError:
            return 1.0
        due = [s.next_poll_at for s in states if not s.retired]
        return max(0.05, min(1.0, min(due, default=time.time() + 1) - time.time()))
