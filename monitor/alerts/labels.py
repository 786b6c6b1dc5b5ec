"""Arabic display names of newsmon's internal terms, read from `config/labels.yaml`.

Pages and alert texts speak the analyst's words: "فرار (معتقلون)" rather than
"escaped (detainee)", place names as people write them (البصرة, not the matching form
البصره), and the reason for an alert in Arabic. The words live in the data file, not here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from monitor.settings import get_settings

UNNAMED = "غير مسمى"
ORTHOGRAPHIC = set("ةىأإآؤئ")


@dataclass(frozen=True)
class Labels:
    events: dict[str, str]
    entities: dict[str, str]
    subgroups: dict[str, str]
    units: dict[str, str]
    months: list[str]
    scopes: dict[str, str]
    kinds: dict[str, str]
    verdicts: dict[str, str]
    reasons: list[tuple[re.Pattern[str], str]]
    places: dict[str, str] = field(default_factory=dict)

    def event(self, name: str | None) -> str:
        return self.events.get(name or "", UNNAMED)

    def entity(self, name: str | None) -> str:
        if not name:
            return ""
        base, _, sub = name.partition(".")
        word = self.entities.get(base, UNNAMED)
        return f"{word} {self.subgroups.get(sub, UNNAMED)}" if sub else word

    def unit(self, name: str | None) -> str:
        return self.units.get(name or "", name or "")

    def counted(self, fact: dict[str, Any]) -> str:
        """What is counted: the entity, else the unit when it says more than "people"."""
        if fact.get("entity"):
            return self.entity(fact["entity"])
        unit = fact.get("unit")
        return self.unit(unit) if unit and unit not in ("person", "count") else ""

    def scope(self, scope: str | None) -> str:
        """`2026-01` → يناير 2026; `daily:2026-01-05` → حصيلة يوم 2026-01-05; total → ''."""
        if not scope or scope == "total":
            return ""
        m = re.fullmatch(r"(\d{4})-(\d{2})", scope)
        if m and 1 <= int(m.group(2)) <= 12:
            return f"{self.months[int(m.group(2)) - 1]} {m.group(1)}"
        kind, _, when = scope.partition(":")
        if when:
            return f"{self.scopes.get(kind, kind)} {self.day(when)}"
        return self.scopes.get(scope, scope)

    def day(self, iso: str | None) -> str:
        """`2026-02-22` → 22 فبراير 2026 (the date as a reader writes it)."""
        try:
            d = date.fromisoformat(str(iso)[:10])
        except ValueError:
            return str(iso or "")
        return f"{d.day} {self.months[d.month - 1]} {d.year}"

    def kind(self, name: str) -> str:
        return self.kinds.get(name, name)

    def verdict(self, name: str) -> str:
        return self.verdicts.get(name, name)

    def reason(self, text: str | None) -> str:
        """newsmon's English reason in Arabic; an unknown one is named as such."""
        for pattern, ar in self.reasons:
            m = pattern.fullmatch((text or "").strip())
            if m:
                return ar.format(**m.groupdict())
        return "سبب غير مسمى"

    def place(self, place_id: str | None, fallback: str | None = None) -> str:
        """A place as readers write it: this file's spelling, else the gazetteer's fullest."""
        if not place_id:
            return fallback or ""
        if place_id in self.places:
            return self.places[place_id]
        return gazetteer_spellings().get(place_id) or fallback or ""


def _compile(entries: list[dict[str, str]]) -> list[tuple[re.Pattern[str], str]]:
    return [(re.compile(e["pattern"]), e["ar"]) for e in entries]


def load_labels(path: Path) -> Labels:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return Labels(
        events={str(k): v for k, v in (data.get("events") or {}).items()},
        entities=data.get("entities") or {}, subgroups=data.get("subgroups") or {},
        units=data.get("units") or {}, months=list(data["months"]),
        scopes=data.get("scopes") or {}, kinds=data.get("kinds") or {},
        verdicts=data.get("verdicts") or {}, reasons=_compile(data.get("reasons") or []),
        places=data.get("places") or {},
    )


@lru_cache(maxsize=4)
def _labels_at(path: Path) -> Labels:
    return load_labels(path)


def labels() -> Labels:
    """The labels of the configured `config/labels.yaml` (NEWSMON_CONFIG_DIR)."""
    return _labels_at(get_settings().config_dir / "labels.yaml")


@lru_cache(maxsize=1)
def gazetteer_spellings() -> dict[str, str]:
    """Per place id, the gazetteer name of the first name's word that keeps the most of its
    written form (الحسكة rather than الحسكه): the first name is often the matching form."""
    from monitor.claims.lexicon import gazetteer_places
    from monitor.claims.normalize import normalize_term

    out: dict[str, str] = {}
    for place in gazetteer_places(get_settings().config_dir):
        names = [str(n) for n in place.get("names") or []]
        if not names:
            continue
        same = [n for n in names if normalize_term(n) == normalize_term(names[0])]
        out[str(place["id"])] = max(same, key=lambda n: sum(c in ORTHOGRAPHIC for c in n))
    return out
