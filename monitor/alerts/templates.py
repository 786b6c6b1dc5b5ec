"""Message text per route from Jinja2 templates, rendered in Jinja2's sandbox.

A route may give `template` (and `title_template`) in `config/routes.yaml`; without one the
Arabic default below is used. Templates see plain data only (strings, numbers, dicts) in a
SandboxedEnvironment, so a routes file cannot reach Python objects or the environment. A
template that does not compile is a configuration error when the routes file is loaded.
"""

from __future__ import annotations

from typing import Any

from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from monitor.alerts.labels import labels
from monitor.alerts.render import day, format_figure, source
from monitor.models import Alert

DEFAULT_TITLE = "newsmon: {{ kind }} — {{ label }}"
DEFAULT_BODY = """\
{{ kind }}: {{ label }}
{{ before }}: {{ previous.figure }} — {{ previous.source }} ({{ previous.day }})
{{ after }}: {{ current.figure }} — {{ current.source }} ({{ current.day }})
السبب: {{ reason }}
{% if fact_url %}{{ fact_url }}
{% endif %}"""

_env = ImmutableSandboxedEnvironment(autoescape=False, undefined=StrictUndefined,
                                     keep_trailing_newline=False)


def compile_template(source_text: str) -> None:
    """Raise ValueError naming the problem when the template does not compile."""
    try:
        _env.from_string(source_text)
    except TemplateError as exc:
        raise ValueError(f"template does not compile: {exc}") from None


def fact_title(fact: dict[str, Any]) -> list[str]:
    """The fact in the analyst's words, as separate runs: event (counted), place, period."""
    lab = labels()
    counted = lab.counted(fact)
    parts = [f"{lab.event(fact.get('event'))} ({counted})" if counted
             else lab.event(fact.get("event"))]
    place = lab.place(fact.get("location"), fact.get("location_name"))
    if place:
        parts.append(place)
    scope = lab.scope(fact.get("scope"))
    if scope:
        parts.append(scope)
    return parts


def _side(claim: dict[str, Any]) -> dict[str, Any]:
    return {"figure": format_figure(claim), "source": source(claim),
            "day": labels().day(day(claim)) if claim.get("published") else "غير مؤرخ",
            "text": claim.get("text") or "", "sentence": claim.get("sentence") or "",
            "url": claim.get("url") or ""}


def context(alert: Alert, fact_url: str | None, *, withdrawn: bool = False) -> dict[str, Any]:
    lab = labels()
    update = alert.kind == "update"
    return {
        "id": alert.id, "kind_code": alert.kind,
        "kind": lab.kind("withdrawn") + " " + lab.kind(alert.kind) if withdrawn
        else lab.kind(alert.kind),
        "label": " — ".join(fact_title(alert.fact)), "fact_key": alert.fact_key,
        "before": "قبل" if update else "مصدر", "after": "الآن" if update else "مصدر آخر",
        "previous": _side(alert.previous), "current": _side(alert.current),
        "reason": lab.reason(alert.reason), "reason_code": alert.reason,
        "raised_at": alert.created_at.isoformat(), "fact_url": fact_url or "",
    }


def render_text(template: str | None, ctx: dict[str, Any]) -> str:
    return _env.from_string(template or DEFAULT_BODY).render(**ctx).strip()


def render_title(template: str | None, ctx: dict[str, Any]) -> str:
    return _env.from_string(template or DEFAULT_TITLE).render(**ctx).strip()
