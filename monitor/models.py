"""The shapes that cross a boundary (Redis, RQ, HTTP, CLI): pydantic models only."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from monitor.claims.normalize import normalize

Verdict = Literal["new", "confirms", "updates", "contradicts"]
AlertKind = Literal["contradiction", "update"]


def _digest(*parts: object, size: int = 16) -> str:
    h = hashlib.sha256("\x1f".join(str(p) for p in parts).encode("utf-8"))
    return h.hexdigest()[:size]


class Article(BaseModel):
    """One news article as it came from a feed or a file."""

    id: str
    url: str | None = None
    outlet: str | None = None
    published: datetime | None = None
    title: str | None = None
    text: str
    feed: str | None = None
    guid: str | None = None

    @property
    def full_text(self) -> str:
        """The text claims index into: title, newline, text (DESIGN.md)."""
        return f"{self.title}\n{self.text}" if self.title else self.text

    @property
    def content_hash(self) -> str:
        """Hash of the normalised text: the same story in other spelling is a duplicate."""
        return _digest(" ".join(normalize(self.full_text).text.split()), size=32)

    def published_or_epoch(self) -> datetime:
        return self.published or datetime(1970, 1, 1, tzinfo=UTC)

    def published_day(self) -> date | None:
        """The UTC day of publication: outlets stamp +04:00, GMT or +00:00 alike."""
        if self.published is None:
            return None
        p = self.published
        return (p.astimezone(UTC) if p.tzinfo else p).date()


def figure_offset(sentence: str, text: str, at: int | None = None) -> int:
    """Where `text` stands in `sentence`: at `at` when it is there (`Claim.in_sentence`),
    else where the sentence first writes it; -1 when it is nowhere."""
    if at is not None and at >= 0 and sentence[at:at + len(text)] == text:
        return at
    return sentence.find(text) if text else -1


class Claim(BaseModel):
    """One figure an article reports, with what it counts and who said it (DESIGN.md contract)."""

    article_id: str
    text: str
    start: int
    end: int
    low: float | None
    high: float | None
    approx: bool = False
    vague: bool = False
    unit: str
    entity: str | None = None
    event: str | None = None
    location: str | None = None
    attributed_to: str | None = None
    sentence: str
    fact_key: str | None = None
    # Beyond the contract: how the figure sits in time.
    scope: str = "total"
    time: str | None = None
    modality: Literal["count", "planned", "hypothetical"] = "count"
    update_cue: bool = False
    # Stated as a running total ("منذ بدء", "حتى الآن"): a point of a series, which meets
    # other points across stories and months (monitor/facts/incident.py).
    series: bool = False
    derived: str | None = None  # e.g. "sum of parts": a breakdown standing for its total
    # Where `text` starts in `sentence`: a figure may be written twice in it ("منذ صدامات
    # ... في 30 آذار أوقعت 30 قتيلا"), or inside a longer number ("121" holds "21"). None
    # in records stored before it was kept.
    in_sentence: int | None = None

    def figure_at(self) -> int:
        """The figure's offset in `sentence` (-1 when the sentence lacks it)."""
        return figure_offset(self.sentence, self.text, self.in_sentence)

    @property
    def id(self) -> str:
        return _digest(self.article_id, self.start, self.end, self.low, self.high, self.fact_key)


class Readings(BaseModel):
    """What the incident rules read of a stored claim's clause (monitor.facts.readings), kept
    on its record: a fact's window is settled again at every claim that lands in it, and
    each RQ job is a fresh process, so without them every job reads its window's sentences
    again. `config` names the config they were read under; under another they are read
    anew."""

    config: str
    day: date | None = None  # the day its clause names (days.day_named)
    start: date | None = None  # where its series starts (days.series_start)
    start_year_only: bool = False
    span: int | None = None  # how many days it counts (incident.span_days)
    one_day: bool = False
    from_before: bool = False  # its series runs from a start before its day
    last_day: bool = False  # it counts the 24 hours up to its report
    front: str | None = None  # the front its sentence names (incident.fronts_apart)
    words: list[str] = Field(default_factory=list)  # its sentence's content words


class ClaimRecord(Claim):
    """A claim as the fact store keeps it: with its source and the verdict it got."""

    claim_id: str
    version: str | None = None  # the article text's hash: a revised article is a new version
    outlet: str | None = None
    published: datetime | None = None
    url: str | None = None
    headline: str | None = None  # the article's title: what the fact page names an incident by
    verdict: Verdict = "new"
    compared_with: str | None = None
    reason: str | None = None  # why the verdict, kept so a re-run can rebuild its alert
    # What the article is about (monitor.facts.story): the evidence that two reports tell
    # one incident. Kept on the claim so a fact's transaction needs no other key.
    story: dict[str, float] | None = None
    evidence: dict[str, float | bool] | None = None  # why it was compared with `compared_with`
    readings: Readings | None = None  # stored claims of a windowed fact only


class Fact(BaseModel):
    """What the store knows of one fact: its identity and current figure."""

    key: str
    event: str | None
    entity: str | None
    unit: str
    location: str | None
    location_name: str | None = None
    scope: str
    current_low: float | None = None
    current_high: float | None = None
    current_approx: bool = False
    current_claim: str | None = None
    latest_claim: str | None = None  # the claim last in time order: newer ones skip a resettle
    claims: int = 0

    def set_current(self, c: ClaimRecord) -> None:
        self.current_low, self.current_high = c.low, c.high
        self.current_approx = c.approx
        self.current_claim = c.claim_id


class Alert(BaseModel):
    """A contradiction or an update: the thing users are paged for."""

    id: str
    kind: AlertKind
    fact_key: str
    fact: dict[str, Any]
    previous: dict[str, Any]
    current: dict[str, Any]
    reason: str
    # How sure newsmon is that the two figures are one quantity of one incident (0-1), and
    # the evidence it went on; routes take `min_confidence`.
    confidence: float = 1.0
    evidence: dict[str, float | bool] = Field(default_factory=dict)
    created_at: datetime = Field(default_factory=lambda: datetime.now(UTC))

    @staticmethod
    def stable_id(fact_key: str, previous_claim: str, current_claim: str) -> str:
        """Same pair of claims, same id: redelivery and re-runs never mint a second alert."""
        return "alrt_" + _digest(fact_key, previous_claim, current_claim, size=24)
