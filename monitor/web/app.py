"""Read-only Starlette app: facts list, fact page (timeline + every claim), alerts.

Everything on a page comes from Redis through the same readers as the CLI. Article text
is escaped by Jinja2's autoescaping; links from articles are shown only when http(s).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import quote

import redis
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import Route

from monitor.alerts.ledger import AlertLedger
from monitor.alerts.render import day, fact_label, format_figure, source
from monitor.facts.store import FactStore
from monitor.keys import Keys
from monitor.models import Alert, ClaimRecord, Fact
from monitor.report import figure
from monitor.settings import Settings
from monitor.web.chart import timeline_svg

TEMPLATES = Path(__file__).parent / "templates"
VERDICTS = {"new": "أول رقم", "confirms": "يؤكد", "updates": "تحديث", "contradicts": "يناقض"}
KINDS = {"contradiction": "تناقض", "update": "تحديث"}


def safe_url(url: str | None) -> str | None:
    """Only web links are linked: a `javascript:` URL in a feed must stay text."""
    return url if url and url.lower().startswith(("http://", "https://")) else None


def highlight(sentence: str, figure_text: str) -> Markup:
    """The sentence with the figure marked; both parts escaped."""
    at = sentence.find(figure_text) if figure_text else -1
    if at < 0:
        return escape(sentence)
    return (escape(sentence[:at]) + Markup("<mark>") + escape(figure_text)
            + Markup("</mark>") + escape(sentence[at + len(figure_text):]))


def _label_parts(fact: Fact | dict[str, Any]) -> list[str]:
    """Event, place and time scope: shown as separate isolated runs so that a Latin
    scope like 2026-01 next to an Arabic place name is not reordered."""
    f = fact.model_dump() if isinstance(fact, Fact) else fact
    parts = [f"{f.get('event') or 'figure'} ({f.get('entity') or f.get('unit')})"]
    if f.get("location_name") or f.get("location"):
        parts.append(f"@ {f.get('location_name') or f.get('location')}")
    if f.get("scope") and f.get("scope") != "total":
        parts.append(f"[{f['scope']}]")
    return parts


def _label(fact: Fact) -> str:
    return " ".join(_label_parts(fact))


def create_app(client: redis.Redis, namespace: str, settings: Settings,
               base_path: str = "") -> Starlette:
    keys = Keys(namespace)
    facts = FactStore(client, keys, tolerance=settings.approx_tolerance,
                      later_days=settings.later_state_days)
    ledger = AlertLedger(client, keys)
    env = Environment(loader=FileSystemLoader(TEMPLATES),
                      autoescape=select_autoescape(["html"]))
    env.filters["urlencode"] = lambda s: quote(str(s), safe="")

    def render(name: str, **ctx: Any) -> HTMLResponse:
        html = env.get_template(name).render(base=base_path, **ctx)
        return HTMLResponse(html, headers={
            "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; "
                                       "img-src 'self'; base-uri 'none'; form-action 'self'",
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer",
        })

    async def facts_page(request: Request) -> Response:
        q = request.query_params
        filters = {"event": q.get("event") or "", "place": q.get("place") or "",
                   "since": q.get("since") or "", "contradictions": q.get("contradictions")}
        since = None
        try:
            since = date.fromisoformat(filters["since"]) if filters["since"] else None
        except ValueError:
            since = None
        rows, events = [], set()
        for fact, claims in facts.all():
            events.add(fact.event or "")
            contradictions = sum(c.verdict == "contradicts" for c in claims)
            latest = max((c.published for c in claims if c.published), default=None)
            if filters["event"] and fact.event != filters["event"]:
                continue
            place = filters["place"]
            if place and place not in (fact.location or "") and place not in (
                    fact.location_name or ""):
                continue
            if since and (latest is None or latest.date() < since):
                continue
            if filters["contradictions"] and not contradictions:
                continue
            current = next((c for c in claims if c.claim_id == fact.current_claim), None)
            rows.append({"key": fact.key, "label": _label(fact), "label_parts": _label_parts(fact),
                         "current": figure(current) if current else "", "claims": len(claims),
                         "contradictions": contradictions,
                         "updated": latest.date().isoformat() if latest else "",
                         "sort": latest.timestamp() if latest else 0})
        rows.sort(key=lambda r: -r["sort"])
        return render("facts.html", rows=rows, events=sorted(e for e in events if e),
                      filters=filters)

    def _claim_row(c: ClaimRecord) -> dict[str, Any]:
        d = c.model_dump()
        d["url"] = safe_url(c.url)
        d["figure"] = format_figure(c.model_dump())
        d["sentence_html"] = highlight(c.sentence, c.text)
        d["date"] = c.published.date().isoformat() if c.published else ""
        return d

    async def fact_page(request: Request) -> Response:
        key = request.path_params["key"]
        got = facts.get(key)
        if got is None:
            return PlainTextResponse("no such fact\n", status_code=404)
        fact, claims = got
        current = next((c for c in claims if c.claim_id == fact.current_claim), None)
        return render(
            "fact.html", fact=fact, label=_label(fact), label_parts=_label_parts(fact),
            current=figure(current) if current else "",
            agree=[c for c in claims if c.verdict != "contradicts"],
            disagree=[c for c in claims if c.verdict == "contradicts"],
            chart=Markup(timeline_svg(claims, settings.approx_tolerance)),
            claims=[_claim_row(c) for c in claims], verdicts=VERDICTS,
        )

    def _alert_row(a: Alert) -> dict[str, Any]:
        return {"kind": a.kind, "fact_key": a.fact_key, "label": fact_label(a),
                "label_parts": _label_parts(a.fact),
                "previous_figure": format_figure(a.previous), "current_figure":
                format_figure(a.current), "previous_source": source(a.previous),
                "current_source": source(a.current), "previous_date": day(a.previous),
                "current_date": day(a.current), "reason": a.reason}

    async def alerts_page(request: Request) -> Response:
        alerts = list(reversed(ledger.all()))
        return render("alerts.html", alerts=[_alert_row(a) for a in alerts], kinds=KINDS)

    async def healthz(request: Request) -> Response:
        try:
            client.ping()
        except redis.RedisError:
            return PlainTextResponse("redis unavailable\n", status_code=503)
        return PlainTextResponse("ok\n")

    return Starlette(routes=[
        Route("/", facts_page),
        Route("/facts/{key:path}", fact_page),
        Route("/alerts", alerts_page),
        Route("/healthz", healthz),
    ])
