"""How two figures stand: the interval of values each admits, and whether they overlap.

The comparison's arithmetic (DESIGN.md): a floor, a round figure and an approximate one
each admit more than the number written; monitor/facts/compare.py decides verdicts with it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from monitor.models import ClaimRecord


@dataclass(frozen=True, slots=True)
class Interval:
    low: float
    high: float


# "أكثر من 200" is not said of 2,000: newswire floors round a figure down within its own
# order of magnitude ("more than 5,000" for 5,703), so a floor stops agreeing this many
# times above itself.
FLOOR_SPAN = 5.0


# A figure stated to this unit or coarser (700, «3 آلاف», «ألفين») is round: beside a precise
# one (719, 3021) it is the same count rounded, as approximate as «نحو 700» (issue 11).
ROUND_UNIT = 100


def _round(c: ClaimRecord) -> bool:
    return (not c.vague and c.low is not None and c.low == c.high and c.low >= ROUND_UNIT
            and c.low % ROUND_UNIT == 0)


def interval(c: ClaimRecord, tolerance: float, *, approx: bool | None = None) -> Interval:
    """A claim as the interval of values it admits; `approx` (by default the claim's own)
    widens it by the tolerance."""
    low = -math.inf if c.low is None else c.low
    high = math.inf if c.high is None else c.high
    if open_floor(c):
        high = low * FLOOR_SPAN
    if c.approx if approx is None else approx:
        low = low * (1 - tolerance) if low != -math.inf else low
        high = high * (1 + tolerance) if high != math.inf else high
    return Interval(low, high)


def open_floor(c: ClaimRecord) -> bool:
    return c.high is None and c.low is not None and c.low > 0 and not c.vague


def _floor_step(low: float) -> float:
    """The step of a floor's last significant digit: 10,000 for «أكثر من 110 آلاف», 10 for
    «أكثر من 20», 1 for «ما لا يقل عن 48»."""
    n, step = int(low), 1.0
    if n != low or n <= 0:
        return 0.0
    while n % 10 == 0:
        n //= 10
        step *= 10
    return step


def floors_agree(a: ClaimRecord, b: ClaimRecord, tolerance: float) -> bool:
    """Two floors agree when the higher is within the lower's rounding: "more than 20" and
    "at least 23" do; "more than 140,000" and "more than 110,000" dismissed are two counts
    (a floor is the figure rounded down at its last digit, not any figure above it)."""
    lo, hi = sorted((float(a.low or 0.0), float(b.low or 0.0)))
    return hi <= max(lo * (1 + tolerance), lo + _floor_step(lo))


# "حوالي ألفين" beside the ministry's 2,271: "about" a figure of one significant digit in the
# thousands rounds at that digit, beside a precise figure. Two such estimates ("نحو أربعة
# آلاف" then "نحو خمسة آلاف") keep the tolerance: a rise of a thousand is news.
COARSE_TOLERANCE = 0.15


def _coarse(c: ClaimRecord) -> bool:
    if not c.approx or c.vague or c.low is None or c.low != c.high or c.low < 1000 \
            or c.low != int(c.low):
        return False
    return c.low < 10 * _floor_step(c.low)  # 2000, 30000: one significant digit


def overlaps(a: ClaimRecord, b: ClaimRecord, tolerance: float) -> bool:
    if open_floor(a) and open_floor(b):
        return floors_agree(a, b, tolerance)
    ra, rb = _round(a), _round(b)
    ta = COARSE_TOLERANCE if _coarse(a) and not b.approx else tolerance
    tb = COARSE_TOLERANCE if _coarse(b) and not a.approx else tolerance
    ia = interval(a, max(ta, tolerance), approx=a.approx or (ra and not rb))
    ib = interval(b, max(tb, tolerance), approx=b.approx or (rb and not ra))
    return ia.low <= ib.high and ib.low <= ia.high


def width(c: ClaimRecord, tolerance: float) -> float:
    i = interval(c, tolerance)
    return i.high - i.low
