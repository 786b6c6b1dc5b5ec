"""The alerts as an Atom feed (RFC 4287), written by feedgen: one entry per alert that holds,
newest first, in Arabic, each linking to its fact page."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from urllib.parse import quote

from feedgen.feed import FeedGenerator

from monitor.alerts.labels import Labels
from monitor.alerts.render import format_figure, source
from monitor.alerts.templates import fact_title
from monitor.models import Alert


def _aware(at: datetime) -> datetime:
    return at.astimezone(UTC) if at.tzinfo else at.replace(tzinfo=UTC)


def alerts_feed(alerts: list[Alert], root: str, lab: Labels,
                when: Callable[[datetime], str],
                held_back: frozenset[str] = frozenset()) -> bytes:
    """`held_back`: the alerts no route sends for their confidence, marked disputed as the
    pages mark them, so a feed reader does not take them for what was sent."""
    fg = FeedGenerator()
    fg.id(f"{root}/alerts.atom")
    fg.title("newsmon — التنبيهات")
    fg.subtitle("تناقضات الأرقام وتحديثاتها في الأخبار")
    fg.language("ar")
    fg.link(href=f"{root}/alerts.atom", rel="self", type="application/atom+xml")
    fg.link(href=f"{root}/alerts", rel="alternate", type="text/html")
    fg.author({"name": "newsmon"})
    fg.updated(max((_aware(a.created_at) for a in alerts), default=datetime.now(UTC)))
    for a in alerts:  # newest first in, appended in that order
        fe = fg.add_entry(order="append")
        title = f"{lab.kind(a.kind)}: {' — '.join(fact_title(a.fact))}"
        url = f"{root}/facts/{quote(a.fact_key, safe='')}"
        fe.id(f"urn:newsmon:alert:{a.id}")
        fe.title(title)
        fe.link(href=url, rel="alternate", type="text/html")
        fe.updated(_aware(a.created_at))
        fe.published(_aware(a.created_at))
        fe.category(term=a.kind, label=lab.kind(a.kind))
        mark = ""
        if a.id in held_back:
            fe.category(term="disputed", label="متنازع عليه")
            mark = "متنازع عليه: لم يُرسل إلى أحد، ثقته دون حد المسارات. "
        fe.summary(
            f"{mark}{format_figure(a.previous)} ({source(a.previous)}) ← "
            f"{format_figure(a.current)} ({source(a.current)}). "
            f"السبب: {lab.reason(a.reason)}. رُفع في {when(a.created_at)}.")
    return fg.atom_str(pretty=True)
