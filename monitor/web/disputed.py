"""A fact's disputed contradictions, as the pages and the JSON API show them (issue 11).

A contradiction is disputed when every route that would take it holds it back for its
confidence (`monitor.alerts.routes.disputed`): no one was paged, so the fact page says so,
with both figures and both sources. As ACLED does where reports conflict, the most
conservative figure of the dispute (the lower) is shown as the fact's figure beside the
current one.

The web app reads the routes' rules only (kinds, events, min_confidence): their URLs and
secrets belong to the delivery process, so `newsmon web` needs none of its variables.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import redis

from monitor.alerts.render import format_figure
from monitor.alerts.routes import Route, RouteConfigError, disputed, takers
from monitor.configfile import load_models
from monitor.keys import Keys
from monitor.metrics import CONFIG_ERRORS
from monitor.models import Alert, Fact


def page_routes(path: Path) -> list[Route]:
    """The routes file as the pages need it, validated as delivery validates it, without
    reading the environment variables that hold URLs and secrets."""
    return load_models(path, "routes", Route, RouteConfigError,
                       CONFIG_ERRORS.labels(file="routes").inc)


def alerts_of(client: redis.Redis, keys: Keys, fact_keys: list[str]) -> dict[str, list[Alert]]:
    """The alerts of each fact that still hold, in the order they were raised, from the
    facts' own status hashes (never archived, unlike the alert stream's old entries): two
    round trips for any number of facts."""
    with client.pipeline(transaction=False) as pipe:
        for k in fact_keys:
            pipe.hgetall(keys.fact_alerts(k))
        statuses = pipe.execute()
    wanted = [(k, i.decode()) for k, st in zip(fact_keys, statuses, strict=True)
              for i, v in st.items() if v == b"active"]
    out: dict[str, list[Alert]] = {k: [] for k in fact_keys}
    if not wanted:
        return out
    with client.pipeline(transaction=False) as pipe:
        for _, i in wanted:
            pipe.get(keys.alert(i))
        raws = pipe.execute()
    # An alert the fact raised is written to the ledger just after: skipped until then.
    for (k, _), raw in zip(wanted, raws, strict=True):
        if raw:
            out[k].append(Alert.model_validate_json(raw))
    for alerts in out.values():
        alerts.sort(key=lambda a: (a.created_at, a.id))
    return out


def fact_alerts(client: redis.Redis, keys: Keys, fact_key: str) -> list[Alert]:
    """The alerts of one fact that still hold, in the order they were raised."""
    return alerts_of(client, keys, [fact_key])[fact_key]


def _bound(side: dict[str, Any]) -> float:
    """What a figure says at least: its floor, else its ceiling; no figure sorts last."""
    for k in ("low", "high"):
        if side.get(k) is not None:
            return float(side[k])
    return math.inf


def conservative(sides: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The most conservative figure of a dispute: the lowest reported."""
    return min(sides, key=_bound) if sides else None


@dataclass(frozen=True, slots=True)
class Dispute:
    alert: Alert
    threshold: float  # the lowest min_confidence of the routes that would take it
    conservative: dict[str, Any]  # the lower of its two figures


@dataclass(frozen=True, slots=True)
class FactDisputes:
    disputes: list[Dispute]
    # Disputes about the fact's current figure, and the lowest figure among them: what the
    # page shows beside the current figure. A dispute of an earlier incident under the same
    # key is listed, but does not stand beside a figure it is not about.
    about_current: list[Dispute]
    conservative: dict[str, Any] | None

    @property
    def disputed(self) -> bool:
        return bool(self.disputes)

    @property
    def ids(self) -> list[str]:
        return [d.alert.id for d in self.disputes]

    def of(self, alert: Alert) -> Dispute | None:
        return next((d for d in self.disputes if d.alert.id == alert.id), None)


def fact_disputes(fact: Fact, alerts: list[Alert], routes: list[Route]) -> FactDisputes:
    """Which of the fact's alerts are disputed, and the conservative figure of the dispute
    about its current figure."""
    found = [Dispute(a, min(r.min_confidence for r in takers(a, routes)),
                     min(a.previous, a.current, key=_bound))
             for a in alerts if disputed(a, routes)]
    current = [d for d in found if fact.current_claim in (d.alert.previous.get("claim_id"),
                                                          d.alert.current.get("claim_id"))]
    lowest = conservative([d.conservative for d in current])
    return FactDisputes(found, current, lowest)


def disputes_of(client: redis.Redis, keys: Keys, facts: list[tuple[Fact, Any]],
                routes: list[Route]) -> list[FactDisputes]:
    """Each fact's disputes, from its alerts that hold (as its fact page reads them)."""
    by_fact = alerts_of(client, keys, [f.key for f, _ in facts])
    return [fact_disputes(f, by_fact[f.key], routes) for f, _ in facts]


def disputes_json(d: FactDisputes) -> dict[str, Any]:
    """What `/api/facts` and `newsmon facts --json` add to a fact: whether it is disputed,
    by which alerts, and the most conservative figure of the dispute about its current
    figure."""
    return {"disputed": d.disputed, "disputed_alerts": d.ids,
            "conservative": format_figure(d.conservative) if d.conservative else None}
