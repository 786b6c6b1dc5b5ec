"""Feed bytes → Articles, with feedparser. Malformed feeds are reported, never fatal."""

from __future__ import annotations

import calendar
import hashlib
import html
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import feedparser

from monitor.models import Article
from monitor.poller.config import FeedConfig

_BLOCK_TAGS = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "blockquote",
               "section", "article", "ul", "ol", "table"}
_DROP_TAGS = {"script", "style", "noscript", "iframe", "template"}
_TRACKING = ("utm_", "fbclid", "gclid", "traffic_source", "ocid", "mc_cid", "mc_eid")


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in _DROP_TAGS:
            self.skip += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _DROP_TAGS:
            self.skip = max(0, self.skip - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def html_to_text(value: str) -> str:
    """Plain text of an HTML fragment: scripts dropped, paragraphs kept as lines."""
    parser = _Text()
    parser.feed(value)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).split("\n"))
    return "\n".join(line for line in lines if line)


def canonical_url(url: str) -> str:
    """Scheme/host lowercased, fragment and tracking parameters dropped."""
    parts = urlsplit(url.strip())
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if not k.lower().startswith(_TRACKING)]
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path or "/",
                       urlencode(query), ""))


def article_id(guid_or_url: str) -> str:
    key = canonical_url(guid_or_url) if "://" in guid_or_url else guid_or_url.strip()
    return "a_" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


@dataclass
class ParseResult:
    articles: list[Article] = field(default_factory=list)
    malformed: bool = False
    reason: str = ""
    rejected: int = 0
    future_dates: int = 0


def _published(entry: Any) -> tuple[datetime | None, bool]:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        t = entry.get(key)
        if t:
            dt = datetime.fromtimestamp(calendar.timegm(t), tz=UTC)
            if dt > datetime.now(UTC) + timedelta(days=1):
                return None, True  # a date in the future is a broken clock, not news
            return dt, False
    return None, False


def parse_feed(body: bytes, feed: FeedConfig, base_url: str | None = None) -> ParseResult:
    parsed = feedparser.parse(body, sanitize_html=False, resolve_relative_uris=False)
    result = ParseResult()
    if parsed.get("bozo"):
        exc = parsed.get("bozo_exception")
        result.malformed = True
        result.reason = f"{type(exc).__name__}: {str(exc)[:200]}" if exc else "malformed"
        if not parsed.entries:
            return result
    base = base_url or feed.url
    for entry in parsed.entries:
        link = entry.get("link")
        if link:
            link = urljoin(base, link)
        guid = entry.get("id") or link
        content = ""
        if entry.get("content"):
            content = entry.content[0].get("value", "")
        content = content or entry.get("summary", "") or entry.get("description", "")
        title = html_to_text(html.unescape(entry.get("title", ""))) or None
        text = html_to_text(content)
        if not guid:
            guid = "h:" + hashlib.sha256(f"{title}\n{text}".encode()).hexdigest()
        if not text and not title:
            result.rejected += 1
            continue
        published, future = _published(entry)
        result.future_dates += int(future)
        result.articles.append(Article(
            id=article_id(guid), url=link, outlet=feed.display_outlet, published=published,
            title=title, text=text, feed=feed.name, guid=guid,
        ))
    result.articles.sort(key=lambda a: (a.published_or_epoch(), a.id))
    return result
