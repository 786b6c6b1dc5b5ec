"""Run the web app with uvicorn: in the foreground, or in a thread beside other work."""

from __future__ import annotations

import threading
import time

import uvicorn
from starlette.applications import Starlette


def start_in_thread(app: Starlette, host: str, port: int) -> uvicorn.Server:
    server = uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level="warning",
                                           access_log=False, lifespan="off"))
    # Signals belong to the main thread's owner (the poller, RQ): uvicorn must not take them.
    server.install_signal_handlers = lambda: None  # type: ignore[method-assign]
    threading.Thread(target=server.run, daemon=True, name="web").start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    return server


def bound_port(server: uvicorn.Server) -> int:
    for s in server.servers:
        for sock in s.sockets:
            return int(sock.getsockname()[1])
    raise RuntimeError("web server has no socket")
