"""Prometheus metrics, shared by the poller, the workers and their forked work horses.

RQ forks a work horse per job, so every process writes to PROMETHEUS_MULTIPROC_DIR and the
/metrics endpoint aggregates them (see monitor/observe.py). Labels are bounded: outcomes,
verdict kinds, route names and feed names from config; never URLs, article or worker ids.
"""

from __future__ import annotations

from collections.abc import Sequence

from prometheus_client import Counter, Gauge, Histogram

# Each poll has exactly one outcome. ok, partial (a malformed document whose readable
# entries were kept) and not_modified are successes; malformed (nothing readable), error,
# rate_limited are failures; gone retires the feed. A redirect is counted apart (moves).
POLL_OUTCOMES = ("ok", "partial", "not_modified", "malformed", "error", "rate_limited", "gone")
FEED_POLLS = Counter(
    "newsmon_feed_polls_total",
    "Feed polls by feed (names from config) and outcome, one per poll (ok, partial, "
    "not_modified, malformed, error, rate_limited, gone)",
    ["feed", "outcome"],
)
FEED_MOVES = Counter(
    "newsmon_feed_moves_total", "Permanent redirects a feed's poll followed (301/308)", ["feed"])
FEED_LAST_SUCCESS = Gauge(
    "newsmon_feed_last_success_timestamp_seconds",
    "Unix time of the feed's last successful poll (ok, partial or not_modified)",
    ["feed"], multiprocess_mode="max",
)
FEED_FAILURES = Gauge(
    "newsmon_feed_consecutive_failures",
    "Consecutive failed polls of a feed (0 when healthy); feed names come from config",
    ["feed"],
    multiprocess_mode="livemax",
)
ARTICLES = Counter(
    "newsmon_articles_total",
    "Articles seen by the poller or replay, by outcome (new, duplicate, revised, rejected)",
    ["outcome"],
)
CLAIMS = Counter("newsmon_claims_extracted_total", "Claims extracted from articles")
VERDICTS = Counter("newsmon_verdicts_total", "Fact-store verdicts by kind", ["verdict"])
ALERTS_RAISED = Counter("newsmon_alerts_raised_total", "Alerts raised by kind", ["kind"])
# What became of each delivery (one result per alert and route) ...
DELIVERY_RESULTS = ("delivered", "dead_letter", "retracted", "withdrawn")
DELIVERIES = Counter(
    "newsmon_alert_deliveries_total",
    "Alert deliveries by route and final outcome (delivered; dead_letter: given up; "
    "retracted: withdrawn before it was sent; withdrawn: a withdrawal notice sent)",
    ["route", "outcome"],
)
# ... and every try to send, apart: a delivery retried three times is three attempts.
DELIVERY_ATTEMPTS = Counter(
    "newsmon_delivery_attempts_total",
    "Tries to send to a route, by result (ok, failed: will be retried or dead-lettered)",
    ["route", "result"],
)
ROUTE_LAST_SUCCESS = Gauge(
    "newsmon_route_last_success_timestamp_seconds",
    "Unix time of the last message a route accepted (alert, withdrawal, notice or test); "
    "0: none since this process started",
    ["route"], multiprocess_mode="max",
)
JOB_SECONDS = Histogram(
    "newsmon_job_duration_seconds",
    "Time spent inside a job, by job kind",
    ["job"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
JOB_FAILURES = Counter("newsmon_job_failures_total", "Jobs that raised, by job kind", ["job"])
ORPHANS_REQUEUED = Counter(
    "newsmon_orphan_articles_requeued_total",
    "Stored articles found pending with no job while the queue was idle, enqueued again",
)
FAILED_ARTICLES_REQUEUED = Counter(
    "newsmon_failed_articles_requeued_total",
    "Articles whose job ran out of retries while Redis was away, run again once it was back",
)
CONFIG_ERRORS = Counter(
    "newsmon_config_errors_total", "Configuration entries rejected, by file kind", ["file"]
)
REDIS_ERRORS = Counter(
    "newsmon_redis_errors_total",
    "Redis errors a process rode out (poller: a poll or a store of articles; web: a page)",
    ["process"],
)
BUILD_INFO = Gauge(
    "newsmon_build_info", "Always 1; the running newsmon's version and Python",
    ["version", "python"], multiprocess_mode="max",
)


def set_build_info() -> None:
    import platform

    from monitor import __version__

    BUILD_INFO.labels(version=__version__, python=platform.python_version()).set(1)


def init_known_labels(routes: Sequence[str] = (), feeds: Sequence[str] = ()) -> None:
    """Create every bounded label value at zero, so dashboards and rate() see the series
    before the first event (and a dashboard can be checked against /metrics)."""
    for feed in feeds:
        for outcome in POLL_OUTCOMES:
            FEED_POLLS.labels(feed=feed, outcome=outcome)
        FEED_MOVES.labels(feed=feed)
    for outcome in ("new", "duplicate", "revised", "rejected"):
        ARTICLES.labels(outcome=outcome)
    for verdict in ("new", "confirms", "updates", "contradicts"):
        VERDICTS.labels(verdict=verdict)
    for kind in ("contradiction", "update"):
        ALERTS_RAISED.labels(kind=kind)
    for job in ("process_article", "deliver_alert"):
        JOB_SECONDS.labels(job=job)
        JOB_FAILURES.labels(job=job)
    for file in ("feeds", "routes"):
        CONFIG_ERRORS.labels(file=file)
    for route in routes:
        for outcome in DELIVERY_RESULTS:
            DELIVERIES.labels(route=route, outcome=outcome)
        for result in ("ok", "failed"):
            DELIVERY_ATTEMPTS.labels(route=route, result=result)
        ROUTE_LAST_SUCCESS.labels(route=route).set(0)  # max() with the work horses' values
    for process in ("poller", "web"):
        REDIS_ERRORS.labels(process=process)
    set_build_info()
    for feed in feeds:
        FEED_FAILURES.labels(feed=feed).set(0)
    CLAIMS.inc(0)

# Appended for hostile feeds: why a poll or an entry went wrong, as a small fixed vocabulary
# (monitor/poller/problems.py lists it), never a URL or the free-text reason.
FEED_PROBLEMS = Counter(
    "newsmon_feed_problems_total",
    "Feed polls that failed or were refused, by reason (too_large, deadline, timeout, "
    "redirect_loop, too_many_redirects, bad_redirect, network, http_error, unsupported_encoding, "
    "not_a_feed, malformed, undecodable, xml_entities, sink_error, internal_error)",
    ["reason"],
)
FEED_ENTRY_PROBLEMS = Counter(
    "newsmon_feed_entry_problems_total",
    "Feed entries with a defect, by reason (empty_text, mojibake, duplicate_guid, future_date, "
    "no_date, no_link, bad_link) and action (dropped, repaired, kept)",
    ["reason", "action"],
)


def init_poller_labels() -> None:
    """The poller's problem series at zero, so rate() sees them before the first problem."""
    from monitor.poller.problems import ENTRY_PROBLEMS, POLL_PROBLEMS

    for reason in POLL_PROBLEMS:
        FEED_PROBLEMS.labels(reason=reason)
    for reason, action in ENTRY_PROBLEMS.items():
        FEED_ENTRY_PROBLEMS.labels(reason=reason, action=action)
