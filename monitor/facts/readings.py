"""What the incident rules read of a stored claim's clause, kept on its record.

A fact's window is settled again at every claim that lands in it, and every RQ job is a
fresh work horse whose caches start empty: without these, each job reads its window's
sentences again (the day a clause names, the span it counts, its series start, its words).
A windowed fact's claim is read once, when stored (`read`), and every later settle takes
the readings off the record (`stored_readings`) while they were read under the running
config: a changed incidents.yaml or lexicon reads them anew, never from a stale record.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from monitor.models import Claim, ClaimRecord, Readings
from monitor.settings import current_config_dir


@lru_cache(maxsize=4)
def _config_digest(config_dir: str) -> str:
    """The digest of what a claim's readings are read with: incidents.yaml and the lexicon."""
    root = Path(config_dir)
    h = hashlib.sha256()
    for p in sorted([root / "incidents.yaml", root / "lexicon.yaml",
                     *(root / "lexicon").glob("*")]):
        if p.is_file():
            h.update(p.name.encode() + b"\0" + p.read_bytes())
    return h.hexdigest()[:12]


def config_digest() -> str:
    return _config_digest(current_config_dir())


def stored_readings(claim: Claim | ClaimRecord) -> Readings | None:
    """The readings kept on a stored claim, when read under the running config; None
    otherwise (a claim not yet stored, one of a fact settled whole, an older record)."""
    r = getattr(claim, "readings", None)
    return r if r is not None and r.config == config_digest() else None


def read(claim: ClaimRecord) -> Readings:
    """Read what the incident rules ask of `claim`, to keep on its record."""
    # Imported here: those modules take their readings from this one.
    from monitor.facts.days import day_named, series_start
    from monitor.facts.incident import (
        content_words,
        counts_last_day,
        front_named,
        one_day,
        runs_from_before,
        span_days,
    )

    bare = claim.model_copy(update={"readings": None})
    start = series_start(bare)
    return Readings(
        config=config_digest(), day=day_named(bare),
        start=None if start is None else start.day,
        start_year_only=start is not None and start.year_only,
        span=span_days(bare), one_day=one_day(bare), from_before=runs_from_before(bare),
        last_day=counts_last_day(bare), front=front_named(bare),
        words=sorted(content_words(claim.sentence)))
