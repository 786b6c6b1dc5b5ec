"""How likely an alert is worth sending: a logistic model over what ties its two reports
(the link's evidence) and what the two figures are.

The weights are learned from the judged alerts of the dev weeks of ../shared/corpora/realnews
(tools/fit_confidence.py writes config/confidence.yaml); routes send an alert at or above
their `min_confidence`, and a disagreement below it is shown as disputed on its fact page.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from monitor.claims.lexicon import default_lexicon, strip_clitics
from monitor.claims.normalize import normalize_term
from monitor.claims.words import optional
from monitor.facts.incident import (
    STATE_EVENTS,
    current_config_dir,
    is_local,
    middle,
    place_of,
)
from monitor.models import figure_offset

_WORD_RE = re.compile(r"\w+")

TOLL = frozenset({"killed", "injured", "casualties", "missing"})
FEATURES = ("story_similarity", "sentence_overlap", "same_article", "local", "series",
            "log_gap_hours", "weak_figure", "toll", "state", "money", "named_sources",
            "log_ratio", "subgroup", "update", "same_noun", "close", "lower_later")
# Two figures within this ratio are one figure written two ways more often than a dispute
# (a round 700 beside 719): what the `close` feature marks.
CLOSE_RATIO = 1.15
# Classes too wide to say two figures name one thing: «شخصا», «فلسطينيين», «متظاهرين» and
# «عمال» are all `person`, and beside each other they as often count two groups.
BROAD_CLASSES = frozenset({"person"})
# The number words written after the noun they count (config/lexicon/numbers.yaml).
_AFTER_NOUN = frozenset(normalize_term(w) for w in optional("numbers", "after_noun", ()))


def _value(c: dict[str, Any]) -> float | None:
    return middle(c.get("low"), c.get("high"))


def _named(c: dict[str, Any]) -> bool:
    return bool(c.get("attributed_to")) and c.get("attributed_to") != c.get("outlet")


def _noun_after(c: dict[str, Any]) -> frozenset[str]:
    """The word written right after the figure («قتيلا», «مسلحين», «شرطيا»), in its forms
    without clitics, and the lexicon's class of it (`=fighter`, `=killed`): two figures
    counting one thing mostly name it alike, though the figure inflects its noun («5 آخرين»
    beside «4 آخرون», «30 صاروخا» beside «110 صواريخ», «22 شخصا» beside «7 أشخاص»)."""
    sentence, text = str(c.get("sentence") or ""), str(c.get("text") or "")
    at = c.get("in_sentence")
    i = figure_offset(sentence, text, at if isinstance(at, int) else None)
    if i < 0:
        return frozenset()
    after = _WORD_RE.findall(normalize_term(sentence[i + len(text):]))
    written = _WORD_RE.findall(normalize_term(text))
    if written and written[-1] in _AFTER_NOUN:
        # "مقتل فلسطينيين اثنين": the noun comes first.
        after = _WORD_RE.findall(normalize_term(sentence[:i]))[-1:]
    if not after:
        return frozenset()
    lex = default_lexicon()
    named = (ts.match(after, 0) for ts in (lex.entities, lex.event_nouns))
    return frozenset(strip_clitics(after[0])) | {f"={t.label}" for t in named
                                                 if t and t.label not in BROAD_CLASSES}


def features(previous: dict[str, Any], current: dict[str, Any],
             evidence: dict[str, float | bool] | None, kind: str) -> dict[str, float]:
    """What the confidence of an alert is learned from: the link's evidence and what the two
    figures are (config/confidence.yaml holds the weights, tools/fit_confidence.py fits them
    on the judged dev alerts)."""
    ev = evidence or {}
    va, vb = _value(previous), _value(current)
    ratio = abs(math.log(max(va, 1e-9) / max(vb, 1e-9))) if va and vb else 0.0
    gap = 0.0
    if previous.get("published") and current.get("published"):
        pa, pb = (datetime.fromisoformat(str(x)) for x in (previous["published"],
                                                            current["published"]))
        pa, pb = (p if p.tzinfo else p.replace(tzinfo=UTC) for p in (pa, pb))
        gap = abs((pb - pa).total_seconds()) / 3600
    event = current.get("event")
    return {
        "story_similarity": float(ev.get("story_similarity", 0.0)),
        "sentence_overlap": float(ev.get("sentence_overlap", 0.0)),
        "same_article": float(bool(ev.get("same_article"))),
        "local": float(bool(ev.get("local")) or is_local(place_of(current.get("fact_key")))),
        "series": float(bool(ev.get("series")) or bool(current.get("series"))),
        "log_gap_hours": math.log1p(gap),
        "weak_figure": float(any(c.get("vague") or c.get("derived")
                                 for c in (previous, current))
                             or place_of(current.get("fact_key")) == "_"),
        "toll": float(event in TOLL),
        "state": float(event in STATE_EVENTS),
        "money": float(str(current.get("unit")) not in ("person", "count", "tonne")),
        "named_sources": float(_named(previous) and _named(current)),
        "log_ratio": ratio,
        "subgroup": float("." in str(current.get("entity") or "")),
        "update": float(kind == "update"),
        "same_noun": float(bool(_noun_after(previous) & _noun_after(current))),
        "close": float(bool(va and vb) and ratio < math.log(CLOSE_RATIO)),
        "lower_later": float(va is not None and vb is not None and vb < va),
    }


def preload() -> None:
    """Read confidence.yaml before a worker forks (as incident.preload reads its own)."""
    _weights(current_config_dir())


@lru_cache(maxsize=4)
def _weights(config_dir: str) -> tuple[float, dict[str, float]]:
    path = Path(config_dir) / "confidence.yaml"
    if not path.exists():
        return 0.0, {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return float(data.get("intercept", 0.0)), {k: float(v) for k, v in
                                               (data.get("weights") or {}).items()}


def confidence(previous: dict[str, Any], current: dict[str, Any],
               evidence: dict[str, float | bool] | None, kind: str) -> float:
    """The probability that the alert is worth sending, by a logistic model learned from the
    judged alerts of the dev weeks (config/confidence.yaml); 1.0 without a model."""
    intercept, weights = _weights(current_config_dir())
    if not weights:
        return 1.0
    x = features(previous, current, evidence, kind)
    z = intercept + sum(weights.get(k, 0.0) * v for k, v in x.items())
    return round(1 / (1 + math.exp(-z)), 3)
