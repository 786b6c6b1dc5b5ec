"""Human text of an alert, for the console and for Slack's notification text."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from monitor.models import Alert

EVENT_LABEL = {
    "killed": "killed", "injured": "injured", "casualties": "killed or injured",
    "missing": "missing", "escaped": "escaped",
    "escape_foiled": "foiled escape", "captured": "captured", "held": "held",
    "released": "released", "transferred": "transferred", "displaced": "displaced",
    "deployed": "deployed", "funding": "funding", "rescued": "rescued",
    "launched": "missiles fired", "intercepted": "missiles intercepted", "aboard": "on board",
    "dismissed": "dismissed", "referred": "referred to trial",
}


def number(v: float) -> str:
    """`1,500`, `38.5`: how newsmon writes a figure's numbers everywhere."""
    return f"{int(v):,}" if v == int(v) else f"{v:,.2f}".rstrip("0").rstrip(".")


def figure_bounds(claim: dict[str, Any]) -> str:
    """The bounds alone: `120`, `~1,500`, `≥5,700`, `≤7,000`, `100–300`."""
    low, high = claim.get("low"), claim.get("high")
    if low is not None and high is not None:
        s = number(low) if low == high else f"{number(low)}–{number(high)}"
    elif low is not None:
        s = f"≥{number(low)}"
    elif high is not None:
        s = f"≤{number(high)}"
    else:
        s = "?"
    if claim.get("approx"):
        s = "~" + s
    return s


def format_figure(claim: dict[str, Any], unit_name: Callable[[str], str] | None = None) -> str:
    """`120`, `~1,500`, `≥5,700`, `≤7,000`, `100–300`, `117,000,000 USD`, `38.5%`,
    `مئات (200–999)`; `unit_name` names units for readers (دولار أمريكي for USD)."""
    s = figure_bounds(claim)
    if claim.get("vague") and claim.get("text"):
        s = f"{claim['text']} ({s})"  # "مئات (200–999)": the word is what was said
    unit = claim.get("unit")
    if unit == "percent":
        s += "%"
    elif unit and unit not in ("person", "count"):
        s += f" {unit_name(unit) if unit_name else unit}"
    return s


def source(claim: dict[str, Any]) -> str:
    """Who said it: the attributed speaker and the outlet, without repeating one."""
    who = [p for p in (claim.get("attributed_to"), claim.get("outlet")) if p]
    return ", ".join(dict.fromkeys(who)) or "unknown source"


def day(claim: dict[str, Any]) -> str:
    return str(claim.get("published") or "")[:10] or "undated"


def fact_label(alert: Alert) -> str:
    f = alert.fact
    event = EVENT_LABEL.get(f.get("event") or "", f.get("event") or "figure")
    thing = f.get("entity") or f.get("unit") or ""
    where = f.get("location_name") or f.get("location") or ""
    scope = f.get("scope") or ""
    parts = [event]
    if thing:
        parts.append(f"({thing})")
    if where:
        parts.append(f"@ {where}")
    if scope and scope != "total":
        parts.append(f"[{scope}]")
    return " ".join(parts)


def summary_line(alert: Alert) -> str:
    p, c = alert.previous, alert.current
    arrow = "vs" if alert.kind == "contradiction" else "→"
    return (
        f"{alert.kind.upper()} {fact_label(alert)}: "
        f"{format_figure(p)} ({source(p)}, {day(p)}) {arrow} "
        f"{format_figure(c)} ({source(c)}, {day(c)})"
    )


def console_text(alert: Alert) -> str:
    lines = [summary_line(alert)]
    for label, side in (("before" if alert.kind == "update" else "one", alert.previous),
                        ("after" if alert.kind == "update" else "other", alert.current)):
        lines.append(f"  {label:>6}: {format_figure(side)}  «{side.get('text')}»")
        lines.append(f"          {source(side)}, {day(side)}  {side.get('url') or ''}".rstrip())
        sentence = str(side.get("sentence") or "")
        if sentence:
            lines.append(f"          {sentence[:240]}{'…' if len(sentence) > 240 else ''}")
    lines.append(f"  why: {alert.reason}   id: {alert.id}")
    return "\n".join(lines)


def fact_url(base_url: str, fact_key: str) -> str:
    """The fact page of the web app (`newsmon web`) for a fact key."""
    from urllib.parse import quote

    return f"{base_url.rstrip('/')}/facts/{quote(fact_key, safe='')}"
