"""OPML subscription lists: import feeds into `config/feeds.yaml`, export them.

Reading uses `listparser` (feedparser's sibling for OPML), always given bytes so it never
fetches anything. Imported feeds are appended to the feeds file as text, keeping its
comments; each is checked as any feed entry is (name, http(s) URL) before anything is written.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree as ET

import listparser
from pydantic import ValidationError

from monitor.configfile import describe, entries
from monitor.poller.config import ConfigError, FeedConfig, load_feeds


@dataclass
class ImportResult:
    added: list[FeedConfig] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # one line each: which and why


def _slug(title: str, url: str, taken: set[str]) -> str:
    """A feed name from its title (ASCII), else from the URL's host; unique among `taken`."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    base = re.sub(r"[^A-Za-z0-9]+", "-", ascii_title).strip("-").lower()
    if not base:
        host = re.sub(r"^https?://(www\.)?", "", url).split("/")[0]
        base = re.sub(r"[^A-Za-z0-9]+", "-", host).strip("-").lower() or "feed"
    base = base[:56]
    name, n = base, 2
    while name in taken:
        name, n = f"{base}-{n}", n + 1
    return name


def parse_opml(data: bytes, existing: list[FeedConfig]) -> ImportResult:
    """The feeds of an OPML document not yet in `existing` (by URL), as feed entries."""
    parsed = listparser.parse(data)
    if parsed.get("bozo") and not parsed.feeds:
        raise ConfigError(f"not an OPML subscription list: {parsed.get('bozo_exception')}")
    if not parsed.feeds:
        raise ConfigError("the OPML file lists no feeds (outline elements with xmlUrl)")
    out = ImportResult()
    taken = {f.name for f in existing}
    urls = {f.url for f in existing}
    for item in parsed.feeds:
        url, title = str(item.get("url") or "").strip(), str(item.get("title") or "").strip()
        if url in urls:
            out.skipped.append(f"{url}: already in the feeds file")
            continue
        if not re.match(r"^https?://[^\s/]+", url):
            out.skipped.append(f"{url[:80]!r}: not an http(s) URL")
            continue
        try:
            feed = FeedConfig(name=_slug(title, url, taken), url=url, outlet=title or None)
        except ValidationError as exc:
            out.skipped.append(f"{url}: {describe(exc)}")
            continue
        taken.add(feed.name)
        urls.add(url)
        out.added.append(feed)
    return out


def _entry_line(feed: FeedConfig) -> str:
    fields = {"name": feed.name, "url": feed.url}
    if feed.outlet:
        fields["outlet"] = feed.outlet
    # JSON strings are YAML double-quoted scalars: any title or URL is written safely.
    inner = ", ".join(f"{k}: {json.dumps(v, ensure_ascii=False)}" for k, v in fields.items())
    return f"  - {{{inner}}}\n"


def append_feeds(path: Path, feeds: list[FeedConfig]) -> None:
    """Add entries to the feeds file, keeping what it says; the result is read back."""
    if not feeds:
        return
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    lines = "".join(_entry_line(f) for f in feeds)
    if not (entries(path, "feeds") if path.exists() else []):
        # `feeds: []` (or no list yet): the list starts there.
        text, n = re.subn(r"^feeds:.*$", lambda _: "feeds:\n" + lines.rstrip("\n"), text, count=1,
                          flags=re.M)
        if not n:
            text += ("" if not text or text.endswith("\n") else "\n") + "feeds:\n" + lines
    else:
        text += ("" if text.endswith("\n") else "\n") + lines
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    load_feeds(tmp)  # never leave a feeds file newsmon cannot read
    tmp.replace(path)


def export_opml(feeds: list[FeedConfig], title: str = "newsmon feeds") -> str:
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = title
    body = ET.SubElement(root, "body")
    for f in feeds:
        ET.SubElement(body, "outline", type="rss", text=f.display_outlet,
                      title=f.display_outlet, xmlUrl=f.url)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
