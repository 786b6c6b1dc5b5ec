"""Alerts on real news, scored against what people found by reading it.

Two files in tests/realnews/ (README there says how they were made):
- `judged.jsonl`: alerts newsmon raised on the real months of ../shared/corpora/realnews,
  each read with both articles and labelled useful, or false with a cause;
- `gold.jsonl`: figure discrepancies analysts found by reading the stories (not newsmon's
  output): two reports, the figure each gives as written and its value.

An alert is judged when a judged pair names the same two figures (article and span, or
article and the figure as written); a gold discrepancy is found when an alert pairs the two
articles with figures holding the two values. One week of each month is sealed: never tuned
on, reported apart.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from monitor.facts.incident import utc_day as incident_utc_day

# Never tuned on: reported only (tests/realnews/README.md).
SEALED_WEEKS = ((date(2018, 4, 22), date(2018, 4, 28)), (date(2018, 5, 20), date(2018, 5, 26)))
MONTHS = ("ant_2018-04.jsonl", "ant_2018-05.jsonl")
CAUSES = ("different_incident", "wrong_thing", "part_total", "agree", "not_count",
          "wrong_place")
# What the sealed weeks must show (issue 11).
BARS = {"precision": 0.8, "unjudged_share": 0.25, "recall": 0.6}


def utc_day(published: str | datetime | None) -> date | None:
    """The UTC day of a publication time, as an alert's JSON or a claim carries it."""
    if isinstance(published, str):
        published = datetime.fromisoformat(published)
    return incident_utc_day(published)


def split_of(day: date | None) -> str:
    if day is not None and any(a <= day <= b for a, b in SEALED_WEEKS):
        return "sealed"
    return "dev"


def days_in(split: str, months: tuple[tuple[date, date], ...]) -> int:
    """Days of the replayed months that belong to a split."""
    n = 0
    for first, last in months:
        d = first
        while d <= last:
            n += split_of(d) == split
            d = date.fromordinal(d.toordinal() + 1)
    return n


def _side(c: dict[str, Any]) -> tuple[str, int, int]:
    return (c["article_id"], int(c["start"]), int(c["end"]))


def _loose(c: dict[str, Any]) -> tuple[str, str]:
    return (c["article_id"], c["text"])


def pair_keys(alert: dict[str, Any]) -> tuple[frozenset[Any], frozenset[Any]]:
    p, c = alert["previous"], alert["current"]
    return frozenset((_side(p), _side(c))), frozenset((_loose(p), _loose(c)))


@dataclass
class Judgements:
    exact: dict[frozenset[Any], dict[str, Any]] = field(default_factory=dict)
    loose: dict[frozenset[Any], dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> Judgements:
        out = cls()
        if not path.exists():
            return out
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                j = json.loads(line)
                exact, loose = pair_keys({"previous": j["a"], "current": j["b"]})
                out.exact[exact] = j
                out.loose.setdefault(loose, j)
        return out

    def of(self, alert: dict[str, Any]) -> dict[str, Any] | None:
        exact, loose = pair_keys(alert)
        return self.exact.get(exact) or self.loose.get(loose)

    def __len__(self) -> int:
        return len(self.exact)


def load_gold(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]


def _holds(c: dict[str, Any], value: float) -> bool:
    low, high = c.get("low"), c.get("high")
    lo = -1e300 if low is None else float(low)
    hi = 1e300 if high is None else float(high)
    slack = 0.1 * abs(value) if c.get("approx") else 1e-6
    return lo - slack <= value <= hi + slack


def finds(alert: dict[str, Any], item: dict[str, Any]) -> bool:
    """The alert tells the reader of the gold discrepancy: it pairs one of the two reports,
    with its figure, against a figure of the other's value (from that report or another of
    the same story: a toll revised twice may be alerted against the middle report)."""
    a, b = item["a"], item["b"]
    va, vb = float(a["value"]), float(b["value"])
    for x, y in ((alert["previous"], alert["current"]), (alert["current"], alert["previous"])):
        if x["article_id"] == b["article_id"] and _holds(x, vb) and _holds(y, va) \
                and (y["article_id"] == a["article_id"] or not _holds(y, vb)):
            return True
        if x["article_id"] == a["article_id"] and _holds(x, va) and _holds(y, vb) \
                and (y["article_id"] == b["article_id"] or not _holds(y, va)):
            return True
    return False


@dataclass
class SplitScore:
    alerts: int = 0
    judged: int = 0
    useful: int = 0
    causes: Counter[str] = field(default_factory=Counter)
    gold: int = 0
    found: int = 0
    days: int = 0
    unjudged_ids: list[str] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float | None:
        return self.useful / self.judged if self.judged else None

    @property
    def unjudged_share(self) -> float:
        return (self.alerts - self.judged) / self.alerts if self.alerts else 0.0

    @property
    def recall(self) -> float | None:
        return self.found / self.gold if self.gold else None

    def summary(self) -> dict[str, Any]:
        r = lambda x: None if x is None else round(x, 3)  # noqa: E731
        return {
            "alerts": self.alerts, "judged": self.judged, "useful": self.useful,
            "precision": r(self.precision), "unjudged": self.alerts - self.judged,
            "unjudged_share": r(self.unjudged_share), "false_by_cause": dict(self.causes),
            "gold": self.gold, "found": self.found, "recall": r(self.recall),
            "days": self.days, "alerts_per_day": r(self.alerts / self.days if self.days else 0),
        }

    def meets_bars(self) -> bool:
        return (self.precision or 0.0) >= BARS["precision"] \
            and self.unjudged_share <= BARS["unjudged_share"] \
            and (self.recall or 0.0) >= BARS["recall"]


def score(alerts: list[dict[str, Any]], judged: Judgements, gold: list[dict[str, Any]],
          months: tuple[tuple[date, date], ...]) -> dict[str, SplitScore]:
    """Precision over judged alerts, the unjudged share, recall over the gold set and alerts
    per day, for the dev part and the sealed weeks apart. An alert belongs to the split of
    its later report; a gold item to that of its later report."""
    out = {s: SplitScore(days=days_in(s, months)) for s in ("dev", "sealed")}
    covered = lambda d: d is not None and any(a <= d <= b for a, b in months)  # noqa: E731
    for alert in alerts:
        s = out[split_of(utc_day(alert["current"].get("published")))]
        s.alerts += 1
        j = judged.of(alert)
        if j is None:
            s.unjudged_ids.append(alert["id"])
            continue
        s.judged += 1
        if j["verdict"] == "useful":
            s.useful += 1
        else:
            s.causes[j.get("cause") or "unknown"] += 1
    for item in gold:
        day = utc_day(item.get("b_published"))
        if not covered(day):
            continue
        s = out[split_of(day)]
        s.gold += 1
        if any(finds(a, item) for a in alerts):
            s.found += 1
        else:
            s.missed.append(item["id"])
    return out


def report_lines(scores: dict[str, SplitScore]) -> list[str]:
    lines = []
    for name, s in scores.items():
        x = s.summary()
        p = "n/a" if x["precision"] is None else f"{x['precision']:.3f}"
        rc = "n/a" if x["recall"] is None else f"{x['recall']:.3f}"
        lines.append(
            f"real news {name:6s}: {x['alerts']} alerts ({x['alerts_per_day']}/day), "
            f"precision {p} over {x['judged']} judged ({x['useful']} useful), "
            f"unjudged {x['unjudged']} ({x['unjudged_share']:.0%}), "
            f"recall {rc} ({x['found']}/{x['gold']} gold)"
            + (f"; false by cause {x['false_by_cause']}" if x["false_by_cause"] else ""))
    return lines


def months_of(articles: list[Any]) -> tuple[tuple[date, date], ...]:
    """The days the articles cover, first to last (UTC), as one (first, last) span."""
    days = [d for d in (utc_day(a.published) for a in articles) if d is not None]
    return ((min(days), max(days)),) if days else ()


def replay_alerts(client: Any, settings: Any, articles: list[Any]) -> list[dict[str, Any]]:
    """Alerts of a real replay (Redis + RQ, an isolated namespace), as JSON objects."""
    import uuid

    from monitor.replay import replay
    from monitor.sources import by_published

    ns = f"eval-real-{uuid.uuid4().hex[:8]}"
    alerts = replay(client, ns, by_published(articles), settings)
    return [json.loads(a.model_dump_json()) for a in alerts]
