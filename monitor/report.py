"""What `newsmon facts` shows: per fact, the current figure, who agrees, who disagrees, when."""

from __future__ import annotations

from typing import Any

from monitor.alerts.render import format_figure, source
from monitor.models import ClaimRecord, Fact


def figure(c: ClaimRecord | dict[str, Any]) -> str:
    return format_figure(c if isinstance(c, dict) else c.model_dump())


def _who(c: ClaimRecord) -> str:
    return source(c.model_dump())


def fact_json(fact: Fact, claims: list[ClaimRecord]) -> dict[str, Any]:
    current = next((c for c in claims if c.claim_id == fact.current_claim), None)
    return {
        "fact": fact.model_dump(mode="json"),
        "current": figure(current) if current else None,
        "agree": [_who(c) for c in claims if c.verdict in ("new", "confirms", "updates")],
        "disagree": [_who(c) for c in claims if c.verdict == "contradicts"],
        "timeline": [
            {
                "published": c.published.isoformat() if c.published else None,
                "time": c.time,
                "figure": figure(c),
                "text": c.text,
                "source": _who(c),
                "verdict": c.verdict,
                "url": c.url,
            }
            for c in claims
        ],
    }


def fact_text(fact: Fact, claims: list[ClaimRecord]) -> str:
    d = fact_json(fact, claims)
    n = len(claims)
    lines = [f"{fact.key}  current: {d['current']}  ({n} claim{'' if n == 1 else 's'})"]
    for t in d["timeline"]:
        day = (t["published"] or "")[:10]
        lines.append(f"  {day}  {t['figure']:>12}  {t['verdict']:<11} {t['source']}")
    return "\n".join(lines)
