"""Score the extractor against annotated sentences: bounds P/R/F1, event and attribution accuracy.

A gold figure is matched by a predicted claim whose span overlaps it; its bounds are right
when low, high and approx all agree. Vague claims (آلاف) are not scored: gold sets list
only figures a monitor should track.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from monitor.claims.extract import extract_claims
from monitor.claims.normalize import normalize_term
from monitor.models import Article, Claim


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    matched: int = 0
    event_ok: int = 0
    speaker_ok: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def event_accuracy(self) -> float:
        return self.event_ok / self.matched if self.matched else 1.0

    @property
    def attribution_accuracy(self) -> float:
        return self.speaker_ok / self.matched if self.matched else 1.0

    def summary(self) -> dict[str, float | int]:
        return {
            "bounds_precision": round(self.precision, 4),
            "bounds_recall": round(self.recall, 4),
            "bounds_f1": round(self.f1, 4),
            "event_accuracy": round(self.event_accuracy, 4),
            "attribution_accuracy": round(self.attribution_accuracy, 4),
            "figures": self.tp + self.fn,
            "matched": self.matched,
        }


def _close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= 1e-6 * max(1.0, abs(b))


def _span(text: str, needle: str, used: set[int]) -> tuple[int, int] | None:
    start = text.find(needle)
    while start != -1 and start in used:
        start = text.find(needle, start + 1)
    return (start, start + len(needle)) if start != -1 else None


def _speaker(name: str | None) -> str | None:
    """Compare speakers as normalised words, with لـ folded: للأمم المتحدة ~ الأمم المتحدة."""
    if not name:
        return None
    words = normalize_term(name).split()
    return " ".join("ال" + w[2:] if w.startswith("لل") else w for w in words)


def score_sentence(record: dict[str, Any], claims: list[Claim], score: Score) -> None:
    text = record["text"]
    used: set[int] = set()
    taken: set[int] = set()
    for gold in record.get("figures", []):
        span = _span(text, gold["text"], used)
        if span is None:
            score.errors.append(f"{record['id']}: gold figure {gold['text']!r} not in text")
            continue
        used.add(span[0])
        best = None
        for k, c in enumerate(claims):
            if k in taken or c.vague:
                continue
            if c.start < span[1] and span[0] < c.end:
                best = k
                break
        if best is None:
            score.fn += 1
            score.errors.append(f"{record['id']}: missed {gold['text']!r}")
            continue
        taken.add(best)
        c = claims[best]
        score.matched += 1
        if _close(c.low, gold["low"]) and _close(c.high, gold["high"]) and \
                c.approx == bool(gold.get("approx")):
            score.tp += 1
        else:
            score.fn += 1
            score.fp += 1
            score.errors.append(
                f"{record['id']}: {gold['text']!r} gold {gold['low']}..{gold['high']}"
                f"{'~' if gold.get('approx') else ''} got {c.low}..{c.high}"
                f"{'~' if c.approx else ''}")
        if c.event == gold.get("event"):
            score.event_ok += 1
        else:
            score.errors.append(f"{record['id']}: {gold['text']!r} event gold "
                                f"{gold.get('event')} got {c.event}")
        want = _speaker(gold.get("attributed_to"))
        got = _speaker(c.attributed_to)
        if (want is None and (got is None or got == _speaker(record.get("outlet")))) or (
                want and got and (want in got or got in want)):
            score.speaker_ok += 1
        else:
            score.errors.append(f"{record['id']}: {gold['text']!r} speaker gold {want!r} "
                                f"got {got!r}")
    for k, c in enumerate(claims):
        if k not in taken and not c.vague:
            score.fp += 1
            score.errors.append(f"{record['id']}: extra claim {c.text!r} ({c.low}..{c.high})")


def evaluate(*paths: Path) -> Score:
    """Score every annotated sentence of the given JSON lines files together."""
    score = Score()
    for path in paths:
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            record = json.loads(line)
            record.setdefault("id", f"{path.stem}:{n}")
            article = Article(id=record["id"], text=record["text"], outlet=record.get("outlet"))
            score_sentence(record, extract_claims(article), score)
    return score
