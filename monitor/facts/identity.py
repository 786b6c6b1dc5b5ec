"""Fact identity: whether a claim becomes a fact, and under which key.

A fact is one figure in the world: an event, the thing it counts, a place and a time
scope. The extractor reads those from the text (`monitor/claims`); this module alone
turns a reading into a `FactKey` (rolling a town up to its province, choosing the scope),
and decides which claims the fact store keeps. The key's readable form,
`event:thing:place:scope`, is what Redis keys and fact page URLs hold.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from monitor.claims.lexicon import default_lexicon
from monitor.models import Claim

UNPLACED = "_"  # the place part of a key whose text gives no place


@dataclass(frozen=True, slots=True)
class FactKey:
    event: str
    thing: str  # what is counted: a class of people (`detainee.iraqi`) or a unit (`USD`)
    place: str  # a gazetteer id rolled up to the key level, `~name`, or UNPLACED
    scope: str  # total, planned, a month (2026-01) or a day (daily:2026-01-21)

    def __str__(self) -> str:
        return f"{self.event}:{self.thing}:{self.place}:{self.scope}"

    @classmethod
    def parse(cls, text: str) -> FactKey:
        """The key of its readable form (a scope may hold a colon: `daily:2026-01-21`)."""
        parts = text.split(":", 3)
        if len(parts) != 4:
            raise ValueError(f"not a fact key (event:thing:place:scope): {text!r}")
        return cls(*parts)

    @property
    def unplaced(self) -> bool:
        """The text gives no place: the key alone cannot tell this story from another's."""
        return self.place == UNPLACED

    def whole(self) -> FactKey:
        """The key of the whole a part counts: `fighter.arab` is a part of `fighter`."""
        return replace(self, thing=self.thing.split(".")[0])


def is_unplaced(fact_key: str | FactKey | None) -> bool:
    """Whether a key (or its readable form) has no place; False for no key."""
    if isinstance(fact_key, FactKey):
        return fact_key.unplaced
    parts = (fact_key or "").split(":")
    return len(parts) > 2 and parts[2] == UNPLACED


def key_place(place_id: str | None, stated: bool, key_level: str) -> str:
    """Roll a place up to the gazetteer's key level (a city joins its governorate's facts).

    A place only inherited from earlier sentences is less certain: it keys at country level.
    """
    if not place_id:
        return UNPLACED
    levels = {"country": 0, "admin1": 1}
    keep = (levels.get(key_level, 1) if stated else 0) + 1
    return ".".join(place_id.split(".")[:keep])


def scope(*, modality: str, daily: bool, incident: bool, when: date | None) -> str:
    """The time scope of a figure: a plan, one day's batch, an incident's month, or the
    running total."""
    if modality == "planned":
        return "planned"
    if daily and when:
        return f"daily:{when.isoformat()}"
    if incident and when:
        return f"{when.year}-{when.month:02d}"  # as strftime("%Y-%m") writes it, faster
    return "total"


def thing(entity: str | None, unit: str) -> str | None:
    """What a key counts: the class of people, the thing a count names (missiles, trucks,
    food baskets: 30 missiles meet no 30 trucks), or else the unit (tonnes, dollars)."""
    return entity if unit == "person" or (unit == "count" and entity) else unit


def key_of(*, event: str | None, entity: str | None, unit: str, place: str | None,
           place_stated: bool, scope: str, key_level: str, modality: str = "count",
           worded: bool = True) -> FactKey | None:
    """The key of a figure read on its own; None when nothing says what happened, when it
    is a hypothesis, or for a word estimate ("مئات") no word says what happened to."""
    if not event or modality == "hypothetical" or not worded:
        return None
    return FactKey(event, thing(entity, unit) or "_",
                   key_place(place, place_stated, key_level), scope)


def part_key(*, event: str | None, part: str, unit: str, place: str | None,
             place_stated: bool, key_level: str) -> FactKey | None:
    """The key of a part of the figure before it ("من بينهم …"): the part's own total."""
    if not event:
        return None
    return FactKey(event, thing(part, unit) or "", key_place(place, place_stated, key_level),
                   "total")


def breakdown_key(parent: str | None, *, event: str | None, part: str, scope: str
                  ) -> FactKey | None:
    """The key of one part of a breakdown in brackets: the parent's place, the part's
    thing."""
    if not parent:
        return None
    return FactKey(str(event), part, FactKey.parse(parent).place, scope)


def country_view(key: FactKey) -> FactKey | None:
    """The country's key a province's toll is also recorded under (`ps.gaza` -> `ps`):
    there it meets the reports of the same incident that name only the country ("53
    Palestinians killed" beside Gaza's 51), never another province's figure. None for a
    key that is a country's already, an unlisted town's or no place, and for other
    events than tolls.

    Tolls are the lexicon's outcome events (the dead, hurt and missing), the ones the
    extractor narrows to an article's province (claims.place.location_of). Of the alerts
    the country's fact raised on the real dev months, 210 of 222 were of the dead and
    hurt, and every other event's view only costs a second transaction."""
    if key.event not in default_lexicon().registry.outcome or "." not in key.place \
            or key.place.startswith("~"):
        return None
    return replace(key, place=key.place.split(".")[0])


def views(key: FactKey) -> list[FactKey]:
    """Every fact a claim of `key` is also recorded under, besides its own: its country's
    (`country_view`), and for a day's toll (`daily:<day>`) the running fact of its place and
    of its country. "ارتفعت حصيلة الضحايا في قطاع غزة اليوم إلى 52" is that day's count of
    the incident the morning's "43 killed" told without naming the day: the two meet in the
    running fact, where a day named on both sides still keeps two days apart
    (`compare._days_apart`), and a series from an earlier start never meets a day's figure
    (`compare._day_and_span`)."""
    country = country_view(key)
    found = [country] if country is not None else []
    if key.scope.startswith("daily:") and key.event in default_lexicon().registry.outcome:
        found += [replace(k, scope="total") for k in (key, country) if k is not None]
    return found


def is_view(claim_key: str | None, fact_key: str) -> bool:
    """A claim held in a fact under a key other than its own: a province's figure in its
    country's fact (`country_view`)."""
    return bool(claim_key) and claim_key != fact_key


def fact_of(claim: Claim) -> FactKey | None:
    """The fact a claim is recorded under, or None: only counts of what happened become
    facts (a plan or a hypothesis keeps its key, for reading, but is no fact, and so does
    a part of a count)."""
    if not claim.fact_key or claim.modality != "count":
        return None
    key = FactKey.parse(claim.fact_key)
    if key.thing.endswith(".part"):
        # "بينهم 43", "منها 174", a listed sentence term: a part of a count, never held
        # against its total, another part, or another outlet's count as if it were one.
        return None
    return key
