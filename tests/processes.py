"""Helpers that run newsmon the way users do: worker processes, and the CLI in-process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

# A real RQ worker process in burst mode (exits when the queues are empty), on the
# namespace, routes and log level of its environment (as `newsmon worker` configures
# logging: without it every verdict is an info line on stderr).
BURST_WORKER = (
    "import sys\n"
    "from monitor import logs\n"
    "from monitor.redis_conn import connect\n"
    "from monitor.pipeline import Pipeline\n"
    "from monitor.settings import get_settings\n"
    "from monitor.worker import make_worker\n"
    "s = get_settings()\n"
    "logs.configure(s.log_level, s.log_json)\n"
    "c = connect(sys.argv[1])\n"
    "make_worker(c, Pipeline(c, s.namespace, s).queues).work(\n"
    "    burst=True, with_scheduler=False, logging_level='WARNING')\n"
)


def burst_worker(redis_url: str, ns: str, routes: Path, metrics: Path,
                 **env: str) -> subprocess.Popen[bytes]:
    full = {**os.environ, "NEWSMON_NAMESPACE": ns, "NEWSMON_ROUTES_FILE": str(routes),
            "NEWSMON_METRICS_DIR": str(metrics), "NEWSMON_LOG_LEVEL": "warning", **env}
    return subprocess.Popen([sys.executable, "-c", BURST_WORKER, redis_url], env=full,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


@contextmanager
def cli_against(redis_url: str, routes: Path, monkeypatch: pytest.MonkeyPatch,
                capsys: pytest.CaptureFixture[str]) -> Iterator[Any]:
    """`newsmon …` in-process against the test's Redis; yields run(args) -> stdout lines."""
    from monitor import cli
    from monitor import settings as settings_module

    monkeypatch.setenv("REDIS_URL", redis_url)
    monkeypatch.setenv("NEWSMON_ROUTES_FILE", str(routes))
    settings_module._from_env.cache_clear()
    settings_module.activate(None)
    capsys.readouterr()

    def run(*args: str, code: int = 0) -> list[Any]:
        assert cli.main(list(args)) == code
        return [json.loads(x) for x in capsys.readouterr().out.splitlines()]

    try:
        yield run
    finally:
        settings_module._from_env.cache_clear()
