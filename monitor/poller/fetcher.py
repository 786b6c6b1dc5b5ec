"""Fetch a feed: conditional GET, size cap, redirects, 429/410. HTTP quirks stay in here."""

from __future__ import annotations

import asyncio
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import urljoin, urlparse
from urllib.request import url2pathname

import httpx

from monitor.http_headers import retry_after_seconds
from monitor.poller.problems import PollProblem

Outcome = Literal["ok", "not_modified", "error", "rate_limited", "gone"]
MAX_REDIRECTS = 5
# Only encodings we decompress ourselves, with a bound on the output (see _Decoder).
ACCEPT_ENCODING = "gzip, deflate"


@dataclass
class FetchResult:
    outcome: Outcome
    body: bytes = b""
    etag: str | None = None
    last_modified: str | None = None
    new_url: str | None = None  # a permanent redirect moved the feed here
    final_url: str | None = None
    retry_after: float | None = None
    reason: str = ""
    status: int | None = None
    problem: PollProblem | None = None  # bounded code for metrics; `reason` is for people
    content_type: str | None = None


def _failed(problem: PollProblem, reason: str, status: int | None = None) -> FetchResult:
    return FetchResult("error", reason=reason, status=status, problem=problem)


def _too_large(cap: int, status: int | None = None) -> FetchResult:
    return _failed("too_large", f"larger than the {cap} byte cap", status)


def _read_file(url: str, cap: int) -> FetchResult:
    path = Path(url2pathname(urlparse(url).path)) if url.startswith("file://") else Path(url)
    try:
        with path.open("rb") as fh:
            body = fh.read(cap + 1)
    except OSError as exc:
        return _failed("network", f"cannot read {path.name}: {exc.strerror}")
    if len(body) > cap:
        return _too_large(cap)
    return FetchResult("ok", body=body, final_url=url)


class _TooLarge(Exception):
    pass


class _Decoder:
    """Content-Encoding undone chunk by chunk, never producing more than `cap` bytes in all:
    a few kilobytes of gzip can expand to gigabytes, and httpx's own decoder inflates each
    network chunk whole before we could count it."""

    def __init__(self, encoding: str, cap: int):
        self.cap = cap
        self.size = 0
        self.raw = 0
        self.zlib = None
        if encoding in ("gzip", "x-gzip"):
            self.zlib = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif encoding == "deflate":
            self.zlib = zlib.decompressobj(32 + zlib.MAX_WBITS)  # zlib wrapper or gzip
        self.raw_deflate = encoding == "deflate"

    def feed(self, chunk: bytes) -> bytes:
        self.raw += len(chunk)
        if self.raw > self.cap:
            raise _TooLarge
        if self.zlib is None:
            out = chunk
        else:
            out = self._inflate(chunk)
        self.size += len(out)
        if self.size > self.cap:
            raise _TooLarge
        return out

    def _inflate(self, chunk: bytes) -> bytes:
        assert self.zlib is not None
        try:
            return self.zlib.decompress(chunk, self.cap - self.size + 1)
        except zlib.error:
            if not (self.raw_deflate and self.size == 0):
                raise
            # Some servers send raw deflate (no zlib header) as "deflate".
            self.raw_deflate = False
            self.zlib = zlib.decompressobj(-zlib.MAX_WBITS)
            return self.zlib.decompress(chunk, self.cap - self.size + 1)


async def fetch(client: httpx.AsyncClient, url: str, *, etag: str | None = None,
                last_modified: str | None = None, max_bytes: int = 10 * 1024 * 1024,
                timeout: float = 20.0, deadline: float | None = None) -> FetchResult:
    """One poll of one feed. Never raises for network or HTTP trouble: the result says it.

    `timeout` bounds each connect and read; `deadline` (default twice `timeout`) bounds the
    whole fetch, redirects included, so a server dripping a byte a second cannot hold it.
    """
    if not url.startswith(("http://", "https://")):
        return _read_file(url, max_bytes)
    headers = {"Accept": "application/rss+xml, application/atom+xml, application/xml;q=0.9, "
                         "text/xml;q=0.8, */*;q=0.5",
               "Accept-Encoding": ACCEPT_ENCODING}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    total = timeout * 2 if deadline is None else deadline
    try:
        async with asyncio.timeout(total):
            return await _follow(client, url, headers, max_bytes, timeout)
    except TimeoutError:
        return _failed("deadline", f"gave up after {total:g} s (slow response)")
    except httpx.TimeoutException:
        return _failed("timeout", "timed out")
    except httpx.HTTPError as exc:
        return _failed("network", f"network error: {type(exc).__name__}")


async def _follow(client: httpx.AsyncClient, url: str, headers: dict[str, str], cap: int,
                  timeout: float) -> FetchResult:
    new_url: str | None = None
    seen: set[str] = set()
    current = url
    for _ in range(MAX_REDIRECTS + 1):
        if current in seen:
            return _failed("redirect_loop", "redirect loop")
        seen.add(current)
        result = await _get(client, current, headers, cap, timeout)
        if isinstance(result, FetchResult):
            result.new_url = new_url
            result.final_url = current
            return result
        status, location = result
        target = urljoin(current, location)
        if not target.startswith(("http://", "https://")):
            # A feed must never redirect us to file:// or other local schemes.
            return _failed("bad_redirect", f"HTTP {status} to a non-http URL", status)
        if status in (301, 308):
            new_url = target
        current = target
    return _failed("too_many_redirects", f"more than {MAX_REDIRECTS} redirects")


async def _get(client: httpx.AsyncClient, url: str, headers: dict[str, str], cap: int,
               timeout: float) -> FetchResult | tuple[int, str]:
    async with client.stream("GET", url, headers=headers, timeout=timeout,
                             follow_redirects=False) as resp:
        code = resp.status_code
        if code in (301, 302, 303, 307, 308):
            location = resp.headers.get("location")
            if not location:
                return _failed("bad_redirect", f"HTTP {code} without Location", code)
            return code, location
        if code == 304:
            return FetchResult("not_modified", status=code, etag=resp.headers.get("etag"),
                               last_modified=resp.headers.get("last-modified"))
        if code in (429, 503) and "retry-after" in resp.headers:
            return FetchResult("rate_limited", status=code, reason=f"HTTP {code}",
                               retry_after=retry_after_seconds(resp.headers.get("retry-after")))
        if code == 410:
            return FetchResult("gone", status=code, reason="HTTP 410 Gone")
        if code >= 400:
            return _failed("http_error", f"HTTP {code}", code)
        return await _read_body(resp, cap)


async def _read_body(resp: httpx.Response, cap: int) -> FetchResult:
    code = resp.status_code
    declared = resp.headers.get("content-length")
    encoding = resp.headers.get("content-encoding", "identity").strip().lower()
    if declared and declared.isdigit() and int(declared) > cap:
        return _too_large(cap, code)
    if encoding not in ("identity", "", "gzip", "x-gzip", "deflate"):
        return _failed("unsupported_encoding", f"Content-Encoding {encoding[:20]!r}", code)
    decoder = _Decoder(encoding, cap)
    chunks: list[bytes] = []
    try:
        # Raw bytes, decoded here with a bound: a small gzip bomb cannot expand past the cap,
        # and a 50 MB body is dropped at the cap, not read to its end.
        async for chunk in resp.aiter_raw():
            chunks.append(decoder.feed(chunk))
    except _TooLarge:
        return _too_large(cap, code)
    except zlib.error:
        return _failed("malformed", f"corrupt {encoding} body", code)
    return FetchResult("ok", body=b"".join(chunks), status=code,
                       etag=resp.headers.get("etag"),
                       last_modified=resp.headers.get("last-modified"),
                       content_type=resp.headers.get("content-type"))
