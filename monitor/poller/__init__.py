"""Feed polling, Miniflux-style: config → fetcher (HTTP quirks) → parser → scheduler."""

from monitor.poller.config import ConfigError, FeedConfig, load_feeds
from monitor.poller.fetcher import FetchResult, fetch
from monitor.poller.parser import ParseResult, parse_feed
from monitor.poller.scheduler import Poller, PollReport

__all__ = [
    "ConfigError", "FeedConfig", "FetchResult", "ParseResult", "PollReport", "Poller", "fetch",
    "load_feeds", "parse_feed",
]
