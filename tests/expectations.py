"""seeds/EXPECTED.md as checks on a list of alerts (dicts as printed by `newsmon replay`)."""

from __future__ import annotations

from typing import Any

YEARS = {2014, 2016, 2019, 2024, 2026}


def _vals(side: dict[str, Any]) -> set[float]:
    return {v for v in (side.get("low"), side.get("high")) if v is not None}


def seed_contradiction(alerts: list[dict[str, Any]]) -> dict[str, Any] | None:
    """~1500 (SDF spokesman) vs 120 (Syrian Interior Ministry) escapes, naming both."""
    for a in alerts:
        if a["kind"] != "contradiction" or a["fact"].get("event") != "escaped":
            continue
        sides = {frozenset(_vals(a["previous"])), frozenset(_vals(a["current"]))}
        if sides == {frozenset({1500.0}), frozenset({120.0})}:
            who = " ".join(str(s.get("attributed_to")) for s in (a["previous"], a["current"]))
            if "فرهاد شامي" in who and "وزارة الداخلية" in who:
                return a
    return None


def seed_update(alerts: list[dict[str, Any]]) -> dict[str, Any] | None:
    """Transfers to Iraq grow: an update whose newer figure is the 5700–6000 one."""
    for a in alerts:
        if a["kind"] != "update" or a["fact"].get("event") != "transferred":
            continue
        new = a["current"]
        low = new.get("low")
        if low is not None and 5700 <= low <= 6000 and (new.get("high") or low) <= 6600:
            old = a["previous"]
            if (old.get("high") or 0) < 5700:
                return a
    return None


def forbidden(alerts: list[dict[str, Any]]) -> list[str]:
    """The alerts EXPECTED.md says must not be raised, described."""
    bad = []
    for a in alerts:
        p, c = _vals(a["previous"]), _vals(a["current"])
        both = p | c
        desc = f"{a['kind']} {a['fact_key']}: {sorted(p)} vs {sorted(c)}"
        if a["fact"].get("event") == "escape_foiled" and both <= {6000.0}:
            bad.append("the foiled ~6000 corroborate each other: " + desc)
        if {a["previous"].get("event"), a["current"].get("event")} == {"escape_foiled", "escaped"}:
            bad.append("a foiled escape vs an escape: " + desc)
        if 9000.0 in both and (15000.0 in both or 20000.0 in both):
            bad.append("9000 held vs 15-20 thousand at large: " + desc)
        if 2000.0 in both and 9000.0 in both:
            bad.append("2000 Iraqi detainees vs 9000 in all: " + desc)
        if 6000.0 in p and 5700.0 in c and a["current"].get("high") is None:
            bad.append("about 6000 vs more than 5700 agree: " + desc)
        if both & YEARS and not (both - YEARS):
            bad.append("a year as a figure: " + desc)
    return bad
