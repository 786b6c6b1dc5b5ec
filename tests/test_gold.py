"""The annotated gold sentences (tests/gold/*.jsonl): well-formed, and the extractor's scores.

Bars (issue 3): bounds F1 >= 0.95, event accuracy >= 0.90, attribution accuracy >= 0.85.
The same numbers are printed by `newsmon eval`.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from monitor.evaluate import Score, evaluate
from tests.conftest import REPORTS

GOLD = sorted((Path(__file__).parent / "gold").glob("*.jsonl"))
EVENTS = {"killed", "injured", "casualties", "missing", "escaped", "escape_foiled", "captured",
          "held", "released", "transferred", "displaced", "deployed", "funding", None}


def _records() -> list[dict[str, object]]:
    return [json.loads(line) for f in GOLD for line in f.read_text(encoding="utf-8").splitlines()
            if line.strip()]


def _in(needle: str, text: str) -> bool:
    return needle in text or needle.replace("ال", "لل", 1) in text


def test_gold_set_is_well_formed_and_large_enough() -> None:
    records = _records()
    assert len(records) >= 250
    topics = Counter(str(r["topic"]) for r in records)
    assert len([t for t, n in topics.items() if n >= 10]) >= 8, topics
    ids = [r["id"] for r in records]
    assert len(ids) == len(set(ids))
    for r in records:
        text = str(r["text"])
        for f in r["figures"]:  # type: ignore[attr-defined]
            assert f["text"] in text, (r["id"], f["text"])
            assert f["event"] in EVENTS, (r["id"], f["event"])
            if f["low"] is not None and f["high"] is not None:
                assert f["low"] <= f["high"], r["id"]
            if f.get("attributed_to"):
                assert _in(f["attributed_to"], text), (r["id"], f["attributed_to"])
        for nf in r["non_figures"]:  # type: ignore[attr-defined]
            assert nf in text, (r["id"], nf)


@pytest.fixture(scope="module")
def scores() -> Score:
    total = evaluate(*GOLD)
    summary = total.summary()
    REPORTS.append("gold set: " + ", ".join(f"{k} {v}" for k, v in summary.items()))
    REPORTS.extend("  " + e for e in total.errors)
    return total


def test_bounds_f1(scores: Score) -> None:
    assert scores.f1 >= 0.95


def test_event_accuracy(scores: Score) -> None:
    assert scores.event_accuracy >= 0.90


def test_attribution_accuracy(scores: Score) -> None:
    assert scores.attribution_accuracy >= 0.85


def test_non_figures_are_not_claims() -> None:
    """Years, dates, durations and identifiers listed as non-figures never become claims."""
    from monitor.claims.extract import extract_claims
    from monitor.models import Article

    leaks = []
    for r in _records():
        claims = extract_claims(Article(id=str(r["id"]), text=str(r["text"])))
        for nf in r["non_figures"]:  # type: ignore[attr-defined]
            at = str(r["text"]).find(nf)
            if any(c.start < at + len(nf) and at < c.end and not c.vague for c in claims):
                leaks.append((r["id"], nf))
    assert leaks == []
