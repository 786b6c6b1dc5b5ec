"""Feed bytes → Articles, with feedparser. Malformed feeds are reported, never fatal."""

from __future__ import annotations

import calendar
import hashlib
import html
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import feedparser

from monitor.models import Article
from monitor.poller import charset
from monitor.poller.config import FeedConfig
from monitor.poller.problems import EntryProblem, PollProblem

_BLOCK_TAGS = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "blockquote",
               "section", "article", "ul", "ol", "table"}
_DROP_TAGS = {"script", "style", "noscript", "iframe", "template"}
_TRACKING = ("utm_", "fbclid", "gclid", "traffic_source", "ocid", "mc_cid", "mc_eid")
# An internal DTD subset that declares entities: feeds have no use for it, and it is the
# shape of entity-expansion bombs ("billion laughs"), so the document is refused outright.
_ENTITY_DECL = re.compile(rb"<!DOCTYPE[^>\[]*\[[^\]]*<!ENTITY", re.I | re.S)
_TAG = re.compile(r"<[A-Za-z/!]")
_HTML = re.compile(r"<(?:!DOCTYPE\s+html|html[\s>])", re.I)


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


def _strip_html(value: str) -> str:
    parser = _Text()
    parser.feed(value)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).split("\n"))
    return "\n".join(line for line in lines if line)


def html_to_text(value: str) -> str:
    """Plain text of an HTML fragment: scripts dropped, paragraphs kept as lines.

    Feeds double-escape HTML (`&amp;lt;script&amp;gt;`): one pass leaves tags as text, so
    passes repeat (a bounded number of times) while tags remain."""
    text = _strip_html(value)
    for _ in range(2):
        if not _TAG.search(text):
            break
        text = _strip_html(text)
    return text


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
    problem: PollProblem | None = None  # why the document gave nothing, as a bounded code
    entry_problems: Counter[EntryProblem] = field(default_factory=Counter)

    def note(self, problem: EntryProblem) -> None:
        self.entry_problems[problem] += 1


def _published(entry: Any) -> tuple[datetime | None, bool]:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        t = entry.get(key)
        if t:
            dt = datetime.fromtimestamp(calendar.timegm(t), tz=UTC)
            if dt > datetime.now(UTC) + timedelta(days=1):
                return None, True  # a date in the future is a broken clock, not news
            return dt, False
    return None, False


def _refuse(result: ParseResult, problem: PollProblem, reason: str) -> ParseResult:
    result.malformed, result.problem, result.reason = True, problem, reason
    return result


def parse_feed(body: bytes, feed: FeedConfig, base_url: str | None = None,
               content_type: str | None = None) -> ParseResult:
    """Articles of a feed document; entries that would store junk are dropped and counted."""
    result = ParseResult()
    if _ENTITY_DECL.search(body[:65536]):
        return _refuse(result, "xml_entities", "the DTD declares entities (expansion bomb?)")
    text = charset.decode(body, content_type, feed.language)
    if text is None:
        return _refuse(result, "undecodable", "no charset decodes the document")
    parsed = feedparser.parse(charset.as_utf8(text), sanitize_html=False,
                              resolve_relative_uris=False)
    if not parsed.entries and not parsed.get("version") and (
            not parsed.get("bozo") or _HTML.search(text[:4096])):
        # No RSS/Atom root: typically the outlet's HTML page (a login wall, a "moved" page)
        # served at the feed URL with 200. Neither a healthy empty feed nor broken XML.
        return _refuse(result, "not_a_feed", "not RSS or Atom (an HTML page?)")
    if parsed.get("bozo"):
        exc = parsed.get("bozo_exception")
        reason = f"{type(exc).__name__}: {str(exc)[:200]}" if exc else "malformed"
        _refuse(result, "malformed", reason)
        if not parsed.entries:
            return result
    seen: set[str] = set()
    for entry in parsed.entries:
        article = _article(entry, feed, base_url or feed.url, result)
        if article is None:
            continue
        if article.id in seen:
            # The same GUID twice in one document: the second would be stored as a
            # "revision" of the first and processed again.
            result.note("duplicate_guid")
            result.rejected += 1
            continue
        seen.add(article.id)
        result.articles.append(article)
    result.articles.sort(key=lambda a: (a.published_or_epoch(), a.id))
    return result


def _link(entry: Any, base: str, result: ParseResult) -> str | None:
    link = entry.get("link")
    if link and link == entry.get("id") and not link.startswith(("http://", "https://")):
        # feedparser promotes a <guid> to the link when there is no <link> (RSS says a guid
        # is a permalink by default); an opaque guid like "12345" is no link at all.
        link = None
    if not link:
        result.note("no_link")
        return None
    link = urljoin(base, link.strip())
    if not link.startswith(("http://", "https://")):
        result.note("bad_link")  # javascript:, data:, file: — never a link to show people
        return None
    return link


def _article(entry: Any, feed: FeedConfig, base: str, result: ParseResult) -> Article | None:
    link = _link(entry, base, result)
    guid = entry.get("id") or link
    content = ""
    if entry.get("content"):
        content = entry.content[0].get("value", "")
    content = content or entry.get("summary", "") or entry.get("description", "")
    title = html_to_text(html.unescape(entry.get("title", ""))) or None
    text = html_to_text(content)
    if not any(ch.isalpha() for ch in text):
        if title and any(ch.isalpha() for ch in title):
            # A headline-only item (breaking-news tickers: "مقتل 12 في غارة على درنة") is the
            # story: its title is its text.
            result.note("title_only")
            text = ""
        else:
            # Nothing to extract figures from (no text, or only punctuation or digits).
            result.note("empty_text")
            result.rejected += 1
            return None
    if charset.is_mojibake(text) or (title and charset.is_mojibake(title)):
        result.note("mojibake")
        result.rejected += 1
        return None
    if not guid:
        guid = "h:" + hashlib.sha256(f"{title}\n{text}".encode()).hexdigest()
    published, future = _published(entry)
    if future:
        result.future_dates += 1
        result.note("future_date")
    elif published is None:
        result.note("no_date")
    return Article(id=article_id(guid), url=link, outlet=feed.display_outlet,
                   published=published, title=title, text=text, feed=feed.name, guid=guid)
