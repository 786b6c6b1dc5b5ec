"""The fixed vocabulary of what can go wrong with a feed: metric labels and log fields.

Free-text reasons (with sizes, HTTP codes, parser messages) go to logs and feed state; these
codes go to Prometheus, where every distinct value is a series, so the set must stay small.
"""

from __future__ import annotations

from typing import Literal

PollProblem = Literal[
    "too_large",             # body (after decompression) beyond max_feed_bytes
    "deadline",              # the whole fetch, redirects included, took too long
    "timeout",               # connect or a single read timed out
    "redirect_loop",
    "too_many_redirects",
    "bad_redirect",          # 3xx without Location, or to a non-http(s) URL
    "network",
    "http_error",            # 4xx/5xx other than 410, and 429/503 without Retry-After
    "unsupported_encoding",  # Content-Encoding we did not ask for (br, zstd, ...)
    "not_a_feed",            # an HTML page or other document with no feed in it
    "malformed",             # XML feedparser could not use at all
    "undecodable",           # bytes that are no text in any declared or likely charset
    "xml_entities",          # a DTD declaring entities: the "billion laughs" shape
    "sink_error",            # Redis refused the articles
    "internal_error",        # a bug of ours (the parser raised): logged with its traceback
]
POLL_PROBLEMS: tuple[PollProblem, ...] = PollProblem.__args__  # type: ignore[attr-defined]

EntryProblem = Literal[
    "empty_text", "title_only", "mojibake", "duplicate_guid", "future_date", "no_date",
    "no_link", "bad_link",
]
# What the parser does about each: drop the entry, repair it (drop the bad field), or keep it.
ENTRY_PROBLEMS: dict[EntryProblem, str] = {
    "empty_text": "dropped",
    "title_only": "kept",  # a headline-only item: its title is the story
    "mojibake": "dropped",
    "duplicate_guid": "dropped",
    "future_date": "repaired",
    "no_date": "kept",
    "no_link": "kept",
    "bad_link": "repaired",
}
