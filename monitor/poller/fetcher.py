"""Fetch a feed: conditional GET, size cap, redirects, 429/410. HTTP quirks stay in here."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import urljoin, urlparse
from urllib.request import url2pathname

import httpx

from monitor.http_headers import retry_after_seconds

Outcome = Literal["ok", "not_modified", "error", "rate_limited", "gone"]
MAX_REDIRECTS = 5


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


def _read_file(url: str, cap: int) -> FetchResult:
    path = Path(url2pathname(urlparse(url).path)) if url.startswith("file://") else Path(url)
    try:
        with path.open("rb") as fh:
            body = fh.read(cap + 1)
    except OSError as exc:
        return FetchResult("error", reason=f"cannot read {path.name}: {exc.strerror}")
    if len(body) > cap:
        return FetchResult("error", reason=f"larger than the {cap} byte cap")
    return FetchResult("ok", body=body, final_url=url)


async def fetch(client: httpx.AsyncClient, url: str, *, etag: str | None = None,
                last_modified: str | None = None, max_bytes: int = 10 * 1024 * 1024,
                timeout: float = 20.0) -> FetchResult:
    """One poll of one feed. Never raises for network or HTTP trouble: the result says it."""
    if not url.startswith(("http://", "https://")):
        return _read_file(url, max_bytes)
    headers = {"Accept": "application/rss+xml, application/atom+xml, application/xml;q=0.9, "
                         "text/xml;q=0.8, */*;q=0.5"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    new_url: str | None = None
    seen: set[str] = set()
    current = url
    for _ in range(MAX_REDIRECTS + 1):
        if current in seen:
            return FetchResult("error", reason="redirect loop")
        seen.add(current)
        try:
            result = await asyncio.wait_for(
                _get(client, current, headers, max_bytes, timeout), timeout=timeout * 2
            )
        except TimeoutError:
            return FetchResult("error", reason="timed out (slow response)")
        except httpx.TimeoutException:
            return FetchResult("error", reason="timed out")
        except httpx.HTTPError as exc:
            return FetchResult("error", reason=f"network error: {type(exc).__name__}")
        if isinstance(result, FetchResult):
            result.new_url = new_url
            result.final_url = current
            return result
        status, location = result
        target = urljoin(current, location)
        if status in (301, 308):
            new_url = target
        current = target
    return FetchResult("error", reason=f"more than {MAX_REDIRECTS} redirects")


async def _get(client: httpx.AsyncClient, url: str, headers: dict[str, str], cap: int,
               timeout: float) -> FetchResult | tuple[int, str]:
    async with client.stream("GET", url, headers=headers, timeout=timeout,
                             follow_redirects=False) as resp:
        code = resp.status_code
        if code in (301, 302, 303, 307, 308):
            location = resp.headers.get("location")
            if not location:
                return FetchResult("error", reason=f"HTTP {code} without Location", status=code)
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
            return FetchResult("error", status=code, reason=f"HTTP {code}")
        declared = resp.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > cap:
            return FetchResult("error", status=code, reason=f"larger than the {cap} byte cap")
        chunks: list[bytes] = []
        size = 0
        # Decoded bytes are counted, so a small gzip bomb cannot expand past the cap.
        async for chunk in resp.aiter_bytes():
            size += len(chunk)
            if size > cap:
                return FetchResult("error", status=code, reason=f"larger than the {cap} byte cap")
            chunks.append(chunk)
        return FetchResult("ok", body=b"".join(chunks), status=code,
                           etag=resp.headers.get("etag"),
                           last_modified=resp.headers.get("last-modified"))
