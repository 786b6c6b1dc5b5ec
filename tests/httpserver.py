"""A real HTTP server on 127.0.0.1 for tests: scripted responses, recorded requests."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


# The body may be an iterable of chunks (a stream): each is written and flushed as it comes,
# so a handler can drip bytes slowly or send more than it keeps in memory. Without a
# Content-Length header a stream ends when the connection closes (HTTP/1.0).
Reply = tuple[int, dict[str, str], bytes | Iterable[bytes]]
Handler = Callable[[Request], Reply]


@dataclass
class LocalServer:
    routes: dict[str, Handler] = field(default_factory=dict)
    requests: list[Request] = field(default_factory=list)
    server: ThreadingHTTPServer | None = None

    @property
    def base(self) -> str:
        assert self.server
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base + path

    def start(self) -> LocalServer:
        owner = self

        class H(BaseHTTPRequestHandler):
            def _handle(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                req = Request(self.command, self.path,
                              {k.lower(): v for k, v in self.headers.items()},
                              self.rfile.read(length) if length else b"")
                owner.requests.append(req)
                handler = owner.routes.get(self.path.split("?")[0])
                code, headers, body = handler(req) if handler else (404, {}, b"not found")
                self.send_response(code)
                for k, v in headers.items():
                    self.send_header(k, v)
                streamed = not isinstance(body, bytes)
                if not streamed and "content-length" not in {k.lower() for k in headers}:
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.command != "HEAD":
                    self._write(body)

            def _write(self, body: bytes | Iterable[bytes]) -> None:
                if isinstance(body, bytes):
                    self.wfile.write(body)
                    return
                try:
                    for chunk in body:
                        self.wfile.write(chunk)
                        self.wfile.flush()
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up on the stream: that is what tests check for

            do_GET = do_POST = _handle

            def log_message(self, *args: object) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server:
            self.server.shutdown()
            self.server.server_close()
