"""Read-only Starlette app: facts list, fact page (timeline + every claim), alerts; the same
data as JSON (`/api/facts`, `/api/facts/{key}`, `/api/alerts`) and an Atom feed of alerts.

Everything comes from Redis through the same readers as the CLI, and the JSON has the
shapes of `newsmon facts --json` and `newsmon alerts --json`. Pages speak the analyst's
words (config/labels.yaml): Arabic names of events and counted things, places as written,
the alert's reason in Arabic. Article text is escaped by Jinja2's autoescaping; links from
articles are shown only when http(s).

A fact page lists the fact's contradictions with their confidence and evidence; one that no
route sends for its confidence is marked disputed (monitor/web/disputed.py), and the facts
list and the JSON API mark its fact.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import redis
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from monitor.alerts.labels import labels
from monitor.alerts.ledger import AlertLedger
from monitor.alerts.render import day
from monitor.alerts.render import number as _num
from monitor.alerts.routes import Route as AlertRoute
from monitor.alerts.routes import disputed
from monitor.alerts.templates import fact_title
from monitor.facts.incident import incidents
from monitor.facts.store import FactStore
from monitor.keys import Keys
from monitor.models import Alert, ClaimRecord, Fact, figure_offset
from monitor.report import fact_json
from monitor.settings import Settings
from monitor.web.chart import timeline_svg
from monitor.web.disputed import (
    disputes_json,
    disputes_of,
    fact_alerts,
    fact_disputes,
    page_routes,
)

TEMPLATES = Path(__file__).parent / "templates"
HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; "
                               "img-src 'self'; base-uri 'none'; form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


def safe_url(url: str | None) -> str | None:
    """Only web links are linked: a `javascript:` URL in a feed must stay text."""
    return url if url and url.lower().startswith(("http://", "https://")) else None


def highlight(sentence: str, figure_text: str, at: int = -1) -> Markup:
    """The sentence with the figure marked at `at` (where the sentence first writes it when
    `at` does not hold it); both parts escaped."""
    at = figure_offset(sentence, figure_text, at)
    if at < 0:
        return escape(sentence)
    return (escape(sentence[:at]) + Markup("<mark>") + escape(figure_text)
            + Markup("</mark>") + escape(sentence[at + len(figure_text):]))


def _nums(text: str) -> Markup:
    return Markup('<bdi class="num" dir="ltr">{}</bdi>').format(text)


def figure_html(claim: ClaimRecord | dict[str, Any] | None) -> Markup:
    """A figure in the analyst's words: نحو 1,500 · 5,700 فأكثر · حتى 7,000 · 100–300 ·
    آلاف (2,000–9,999) · 117,000,000 دولار أمريكي. Each number is a left-to-right run of
    its own, the words around it Arabic, so nothing is turned around on the page."""
    if claim is None:
        return Markup("")
    c = claim.model_dump() if isinstance(claim, ClaimRecord) else claim
    low, high = c.get("low"), c.get("high")
    pct = "%" if c.get("unit") == "percent" else ""
    if low is not None and high is not None:
        out = _nums(_num(low) + pct if low == high else f"{_num(low)}–{_num(high)}{pct}")
    elif low is not None:
        out = Markup("{} فأكثر").format(_nums(_num(low) + pct))
    elif high is not None:
        out = Markup("حتى {}").format(_nums(_num(high) + pct))
    else:
        out = Markup("؟")
    if c.get("approx"):
        out = Markup("نحو {}").format(out)
    if c.get("vague") and c.get("text"):
        out = Markup("{} ({})").format(c["text"], out)
    unit = c.get("unit")
    if unit and unit not in ("person", "count", "percent"):
        out = Markup("{} {}").format(out, labels().unit(unit))
    return Markup("<bdi>{}</bdi>").format(out)


def source_html(claim: dict[str, Any]) -> Markup:
    """Who said it, each name isolated (a Latin outlet name must not pull the line around)."""
    who = list(dict.fromkeys(p for p in (claim.get("attributed_to"), claim.get("outlet"))
                             if p))
    if not who:
        return Markup("مصدر غير معروف")
    return Markup("، ").join(Markup('<bdi class="who">{}</bdi>').format(p) for p in who)


def _label_parts(fact: Fact | dict[str, Any]) -> list[str]:
    """Event (counted), place, period: separate isolated runs, so that a date next to an
    Arabic place name is not reordered."""
    return fact_title(fact.model_dump() if isinstance(fact, Fact) else fact)


def _when(at: datetime) -> str:
    """When an alert was raised: `22 فبراير 2026، 09:05 UTC`."""
    utc = at.astimezone(UTC) if at.tzinfo else at.replace(tzinfo=UTC)
    return f"{labels().day(utc.date().isoformat())}، {utc:%H:%M} UTC"


# The evidence an alert carries (monitor/facts/incident.py `Link.evidence`), in the page's words.
EVIDENCE = {"story_similarity": "تشابه القصتين", "sentence_overlap": "تداخل الجملتين",
            "same_article": "من المقال نفسه", "local": "مكان محلي خلال يومين",
            "series": "نقطة من سلسلة تراكمية"}


def ratio(x: float) -> str:
    """A confidence or a similarity as stored (at most three decimals): 0.011, 0.5, 1."""
    return f"{x:.3f}".rstrip("0").rstrip(".")


def evidence_parts(evidence: dict[str, float | bool]) -> list[tuple[str, str]]:
    """(name, value) of each piece of evidence, known ones first, in the page's words."""
    order = [k for k in EVIDENCE if k in evidence] + [k for k in evidence if k not in EVIDENCE]
    return [(EVIDENCE.get(k, k), ("نعم" if evidence[k] else "لا")
             if isinstance(evidence[k], bool) else ratio(float(evidence[k]))) for k in order]


def alert_json(alert: Alert, status: str | None = None) -> dict[str, Any]:
    """An alert as `newsmon alerts --json` prints it (with `status` under `--all`)."""
    line = alert.model_dump(mode="json")
    if status is not None:
        line["status"] = status
    return line


def create_app(client: redis.Redis, namespace: str, settings: Settings,
               base_path: str = "", routes: list[AlertRoute] | None = None) -> Starlette:
    keys = Keys(namespace)
    # Read once, as delivery reads them: which contradictions no route sends.
    routes = page_routes(settings.routes_path) if routes is None else routes
    facts = FactStore(client, keys, tolerance=settings.approx_tolerance,
                      later_days=settings.later_state_days)
    ledger = AlertLedger(client, keys)
    env = Environment(loader=FileSystemLoader(TEMPLATES),
                      autoescape=select_autoescape(["html"]))
    env.filters["urlencode"] = lambda s: quote(str(s), safe="")
    lab = labels()

    def render(name: str, **ctx: Any) -> HTMLResponse:
        html = env.get_template(name).render(base=base_path, **ctx)
        return HTMLResponse(html, headers=HEADERS)

    def _since(q: Any) -> date | None:
        try:
            return date.fromisoformat(q.get("since")) if q.get("since") else None
        except ValueError:
            return None

    def _matching(q: Any) -> tuple[list[tuple[Fact, list[ClaimRecord]]], set[str]]:
        """Facts passing the filters (event, place, since, contradictions), newest first."""
        since, place = _since(q), q.get("place") or ""
        out, events = [], set()
        for fact, claims in facts.all():
            events.add(fact.event or "")
            latest = max((c.published for c in claims if c.published), default=None)
            if q.get("event") and fact.event != q.get("event"):
                continue
            if place and not any(place in (n or "") for n in (
                    fact.location, fact.location_name, lab.place(fact.location))):
                continue
            if since and (latest is None or latest.date() < since):
                continue
            if q.get("contradictions") and not any(c.verdict == "contradicts" for c in claims):
                continue
            out.append((latest.timestamp() if latest else 0.0, fact, claims))
        out.sort(key=lambda r: -r[0])
        return [(f, c) for _, f, c in out], events

    async def facts_page(request: Request) -> Response:
        q = request.query_params
        filters = {"event": q.get("event") or "", "place": q.get("place") or "",
                   "since": q.get("since") or "", "contradictions": q.get("contradictions")}
        found, events = _matching(q)
        rows = []
        each = disputes_of(client, keys, found, routes)
        for (fact, claims), disputes in zip(found, each, strict=True):
            latest = max((c.published for c in claims if c.published), default=None)
            current = next((c for c in claims if c.claim_id == fact.current_claim), None)
            rows.append({"key": fact.key, "label_parts": _label_parts(fact),
                         "current": figure_html(current), "claims": len(claims),
                         "contradictions": sum(c.verdict == "contradicts" for c in claims),
                         "disputed": disputes.disputed,
                         "updated": lab.day(latest.date().isoformat()) if latest else ""})
        return render("facts.html", rows=rows, filters=filters,
                      events=sorted(((e, lab.event(e)) for e in events if e),
                                    key=lambda e: e[1]))

    def _claim_row(c: ClaimRecord) -> dict[str, Any]:
        d = c.model_dump()
        d["url"] = safe_url(c.url)
        d["figure"] = figure_html(c)
        d["sentence_html"] = highlight(c.sentence, c.text, c.figure_at())
        d["date"] = lab.day(c.published.date().isoformat()) if c.published else ""
        d["verdict_label"] = lab.verdict(c.verdict)
        return d

    async def fact_page(request: Request) -> Response:
        key = request.path_params["key"]
        got = facts.get(key)
        if got is None:
            return PlainTextResponse("لا توجد حقيقة بهذا المفتاح\n",
                                     status_code=404)
        fact, claims = got
        current = next((c for c in claims if c.claim_id == fact.current_claim), None)
        parts = _label_parts(fact)
        contradictions = [a for a in fact_alerts(client, keys, fact.key)
                          if a.kind == "contradiction"]
        disputes = fact_disputes(fact, contradictions, routes)
        rows = []
        for a in contradictions:
            row = _alert_row(a)
            held = disputes.of(a)
            row.update(id=a.id, confidence=ratio(a.confidence),
                       evidence=evidence_parts(a.evidence), disputed=held is not None,
                       previous_claim=a.previous.get("claim_id"),
                       current_claim=a.current.get("claim_id"))
            if held is not None:
                row.update(threshold=ratio(held.threshold),
                           conservative=figure_html(held.conservative))
            rows.append(row)
        disputed_claims = {r["current_claim"] for r in rows if r["disputed"]}
        return render(
            "fact.html", fact=fact, label=" — ".join(parts), label_parts=parts,
            current=figure_html(current), contradictions=rows,
            disputed=disputes.disputed, disputed_claims=disputed_claims,
            conservative=figure_html(disputes.conservative) if disputes.conservative else None,
            agree=[c for c in claims if c.verdict != "contradicts"],
            disagree=[c for c in claims if c.verdict == "contradicts"],
            chart=Markup(timeline_svg(claims, settings.approx_tolerance)),
            claims=[_claim_row(c) for c in claims],
            incidents=[{"headline": g[0].headline or g[0].sentence[:120],
                        "first": _claim_row(g[0]), "rows": [_claim_row(c) for c in g]}
                       for g in reversed(incidents(claims))],
        )

    def _alert_row(a: Alert, held_back: frozenset[str] = frozenset()) -> dict[str, Any]:
        side = {"previous": a.previous, "current": a.current}
        row: dict[str, Any] = {"kind": a.kind, "kind_label": lab.kind(a.kind),
                               "disputed": a.id in held_back,
                               "fact_key": a.fact_key, "label_parts": _label_parts(a.fact),
                               "reason": lab.reason(a.reason), "raised": _when(a.created_at),
                               "raised_iso": a.created_at.isoformat()}
        for name, claim in side.items():
            row[f"{name}_figure"] = figure_html(claim)
            row[f"{name}_source"] = source_html(claim)
            row[f"{name}_date"] = lab.day(day(claim)) if claim.get("published") else ""
        return row

    async def alerts_page(request: Request) -> Response:
        alerts = list(reversed(ledger.all()))
        held_back = frozenset(a.id for a in alerts if disputed(a, routes))
        return render("alerts.html", alerts=[_alert_row(a, held_back) for a in alerts])

    def _json(data: Any, status_code: int = 200) -> JSONResponse:
        return JSONResponse(data, status_code=status_code,
                            headers={"X-Content-Type-Options": "nosniff"})

    async def api_facts(request: Request) -> Response:
        found, _ = _matching(request.query_params)
        each = disputes_of(client, keys, found, routes)
        return _json([fact_json(f, c) | disputes_json(d)
                      for (f, c), d in zip(found, each, strict=True)])

    async def api_fact(request: Request) -> Response:
        got = facts.get(request.path_params["key"])
        if got is None:
            return _json({"error": "no such fact", "key": request.path_params["key"]}, 404)
        fact, claims = got
        disputes = fact_disputes(fact, fact_alerts(client, keys, fact.key), routes)
        return _json(fact_json(fact, claims) | disputes_json(disputes))

    async def api_alerts(request: Request) -> Response:
        everything = request.query_params.get("all") in ("1", "true", "yes")
        out = []
        for a in ledger.all(include_retracted=everything):
            out.append(alert_json(a, ("retracted" if ledger.status(a) == "retracted"
                                      else "active") if everything else None))
        return _json(out)

    async def alerts_atom(request: Request) -> Response:
        from monitor.web.atom import alerts_feed

        root = settings.public_base_url.rstrip("/") or str(request.base_url).rstrip("/")
        alerts = list(reversed(ledger.all()))
        held_back = frozenset(a.id for a in alerts if disputed(a, routes))
        body = alerts_feed(alerts, root + base_path, lab, _when, held_back)
        return Response(body, media_type="application/atom+xml; charset=utf-8",
                        headers={"X-Content-Type-Options": "nosniff"})

    async def healthz(request: Request) -> Response:
        try:
            client.ping()
        except redis.RedisError:
            from monitor.metrics import REDIS_ERRORS

            REDIS_ERRORS.labels(process="web").inc()
            return PlainTextResponse("redis unavailable\n", status_code=503)
        return PlainTextResponse("ok\n")

    return Starlette(routes=[
        Route("/", facts_page),
        Route("/facts/{key:path}", fact_page),
        Route("/alerts", alerts_page),
        Route("/alerts.atom", alerts_atom),
        Route("/api/facts", api_facts),
        Route("/api/facts/{key:path}", api_fact),
        Route("/api/alerts", api_alerts),
        Route("/healthz", healthz),
    ])
