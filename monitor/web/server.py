"""Run the web app with uvicorn: in the foreground, or in a thread beside other work.

newsmon binds the listening socket itself and hands it to uvicorn: a busy port is then an
InfraError (one line, exit 2) before anything else starts, instead of uvicorn's own line
from a thread while the rest of the service runs on without its web app. The app is
wrapped in `protect`: optional bearer-token or basic authentication.
"""

from __future__ import annotations

import base64
import errno
import hmac
import socket
import threading
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import uvicorn

from monitor.redis_conn import InfraError

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def bind(host: str, port: int, what: str) -> socket.socket:
    """A listening TCP socket, or an InfraError naming the setting to change."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
        sock.listen(128)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise InfraError(f"port {port} on {host} is already in use: stop what listens "
                             f"there or set {what}") from None
        raise InfraError(f"cannot listen on {host}:{port} ({exc.strerror}): set {what}") from None
    sock.set_inheritable(False)
    return sock


class Credentials:
    """What `protect` accepts: a bearer token, and/or a basic-auth user and password."""

    def __init__(self, token: str | None = None, user: str | None = None,
                 password: str | None = None):
        self.token = token or None
        self.basic = (user, password or "") if user else None

    @classmethod
    def from_settings(cls, settings: Any) -> Credentials:
        token = settings.web_token.get_secret_value() if settings.web_token else None
        password = settings.web_password.get_secret_value() if settings.web_password else None
        return cls(token, settings.web_user, password)

    @property
    def required(self) -> bool:
        return bool(self.token or self.basic)

    def accepts(self, authorization: str) -> bool:
        scheme, _, value = authorization.partition(" ")
        value = value.strip()
        if scheme.lower() == "bearer" and self.token:
            return hmac.compare_digest(value.encode(), self.token.encode())
        if scheme.lower() == "basic" and self.basic:
            try:
                user, _, password = base64.b64decode(value, validate=True).decode().partition(":")
            except (ValueError, UnicodeDecodeError):
                return False
            ok_user = hmac.compare_digest(user.encode(), self.basic[0].encode())
            ok_pw = hmac.compare_digest(password.encode(), self.basic[1].encode())
            return ok_user and ok_pw
        return False


def protect(app: ASGIApp, credentials: Credentials) -> ASGIApp:
    """`app` behind authentication when credentials are configured; `app` itself if not."""
    if not credentials.required:
        return app
    challenge = b'Basic realm="newsmon", charset="UTF-8"' if credentials.basic else \
        b'Bearer realm="newsmon"'

    async def guarded(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        auth = headers.get(b"authorization", b"").decode("latin-1")
        if credentials.accepts(auth):
            await app(scope, receive, send)
            return
        body = b"authentication required\n"
        await send({"type": "http.response.start", "status": 401, "headers": [
            (b"content-type", b"text/plain; charset=utf-8"),
            (b"content-length", str(len(body)).encode()),
            (b"www-authenticate", challenge),
        ]})
        await send({"type": "http.response.body", "body": body})

    return guarded


def _server(app: ASGIApp) -> uvicorn.Server:
    # log_config=None: uvicorn's records go through newsmon's JSON logging (monitor.logs).
    return uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False,
                                         lifespan="off", log_config=None))


def start_in_thread(app: Any, host: str, port: int, *,
                    credentials: Credentials | None = None) -> uvicorn.Server:
    """Serve `app` from a daemon thread; the port is bound (or InfraError) before return."""
    sock = bind(host, port, "NEWSMON_WEB_HOST / NEWSMON_WEB_PORT")
    server = _server(protect(app, credentials or Credentials()))
    # Signals belong to the main thread's owner (the poller, RQ): uvicorn must not take them.
    server.install_signal_handlers = lambda: None  # type: ignore[method-assign]
    threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True,
                     name="web").start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    if not server.started:
        raise InfraError(f"the web app did not start on {host}:{port}")
    return server


def serve_forever(app: Any, host: str, port: int, *,
                  credentials: Credentials | None = None) -> None:
    """`newsmon web`: serve in the foreground until SIGINT/SIGTERM."""
    from monitor.logs import get_logger

    sock = bind(host, port, "--host/--port or NEWSMON_WEB_HOST / NEWSMON_WEB_PORT")
    credentials = credentials or Credentials()
    log = get_logger(role="web")
    log.info("started", listeners={"web": f"http://{host}:{sock.getsockname()[1]}/"},
             auth=credentials.required)
    if not credentials.required and not is_loopback(host):
        log.warning("web_exposed_without_auth", host=host,
                    fix="set NEWSMON_WEB_TOKEN or NEWSMON_WEB_USER/NEWSMON_WEB_PASSWORD")
    _server(protect(app, credentials)).run(sockets=[sock])


def bound_port(server: uvicorn.Server) -> int:
    for s in server.servers:
        for sock in s.sockets:
            return int(sock.getsockname()[1])
    raise RuntimeError("web server has no socket")


def is_loopback(host: str) -> bool:
    return host in ("127.0.0.1", "::1", "localhost") or host.startswith("127.")
