"""The event registry: each event's kind and what it says of what it counts.

One table, in config/lexicon.yaml (`events:`), read by the extractor (scopes, counted
things) and the fact store (incidents, tolls) alike.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

FLAGS = ("people", "outcome", "custody")


@dataclass(frozen=True, slots=True)
class Event:
    name: str
    kind: Literal["incident", "running"]
    people: bool = False  # it happens to people: a count with no counted noun is of people
    outcome: bool = False  # the dead, hurt or missing
    custody: bool = False  # whoever it happens to was held

    @property
    def incident(self) -> bool:
        """Each occurrence is its own fact (month scope), not a count that grows."""
        return self.kind == "incident"


@dataclass(frozen=True)
class EventRegistry:
    events: dict[str, Event]
    # The names having each flag, for the hot paths (`event in registry.outcome`).
    people: frozenset[str] = field(init=False)
    outcome: frozenset[str] = field(init=False)
    custody: frozenset[str] = field(init=False)
    incident: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        for flag in (*FLAGS, "incident"):
            object.__setattr__(self, flag, frozenset(
                n for n, e in self.events.items() if getattr(e, flag)))

    def kind(self, event: str | None) -> str:
        """An event's kind; a figure with no event (or one not listed) is a running count."""
        found = self.events.get(event or "")
        return found.kind if found else "running"


def load_events(spec: dict[str, Any]) -> EventRegistry:
    """The registry from lexicon.yaml's `events:` mapping; a wrong entry names itself."""
    events = {}
    for name, entry in spec.items():
        kind = entry.get("kind", "running")
        flags = set(entry.get("is") or [])
        if kind not in ("incident", "running") or not flags <= set(FLAGS):
            raise ValueError(f"lexicon.yaml: events.{name}: kind must be incident or running "
                             f"and `is` a list of {', '.join(FLAGS)} (got {kind!r}, "
                             f"{sorted(flags)})")
        events[name] = Event(name, kind, **{f: f in flags for f in FLAGS})
    return EventRegistry(events)
