"""The timeline of a fact as server-side SVG: one mark per claim, over published time.

Exact figures are dots, approximate ones dots with their tolerance, ranges bands,
floors and ceilings open bars (an arrow where the bound is open). Claims that
contradict the fact are drawn red. The value axis steps by round numbers, whole ones
when the figures are counts (no 1,237.5 people); the time axis labels each distinct day
once, leaving out a day whose label would touch its neighbour's. Nothing is fetched.
"""

from __future__ import annotations

import math
from datetime import datetime
from html import escape

from monitor.models import ClaimRecord

W, H = 720, 300
PAD_L, PAD_R, PAD_T, PAD_B = 70, 40, 20, 40
DATE_LABEL_PX = 78  # a `2026-01-20` at 11px, with a gap
INSET = 45  # the first and last marks sit this far inside the plot, so labels are not cut


def _fmt(v: float) -> str:
    return f"{int(v):,}" if v == int(v) else f"{v:,.1f}"


def nice_step(top: float, *, whole: bool, ticks: int = 4) -> float:
    """A round step (1, 2, 2.5 or 5 × 10^k) giving about `ticks` intervals up to `top`;
    at least 1 when the values are whole counts."""
    raw = top / ticks if top > 0 else 1.0
    mag = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        step = m * mag
        if step >= raw and not (whole and step != int(step)):
            break
    return max(step, 1.0) if whole else step


def value_ticks(values: list[float], tolerance: float, *, whole: bool) -> list[float]:
    top = max(values) * (1 + tolerance) if values else 1.0
    step = nice_step(top or 1.0, whole=whole)
    n = max(1, math.ceil((top or 1.0) / step))
    return [i * step for i in range(n + 1)]


def date_labels(xs: list[tuple[float, str]]) -> list[tuple[float, str]]:
    """Each distinct day once, left to right, skipping any that would overlap the last."""
    out: list[tuple[float, str]] = []
    for x, label in sorted(set(xs)):
        if label and (not out or (x - out[-1][0] >= DATE_LABEL_PX and label != out[-1][1])):
            out.append((x, label))
    return out


def timeline_svg(claims: list[ClaimRecord], tolerance: float = 0.1) -> str:
    points = [c for c in claims if c.low is not None or c.high is not None]
    if not points:
        return '<svg class="timeline" role="img" aria-label="لا أرقام"></svg>'
    times = [(c.published or datetime.min).timestamp() if c.published else 0.0 for c in points]
    t0, t1 = min(times), max(times)
    if t1 == t0:
        t0, t1 = t0 - 86400, t1 + 86400
    values = [v for c in points for v in (c.low, c.high) if v is not None]
    whole = all(v == int(v) for v in values) and points[0].unit != "percent"
    ticks = value_ticks(values, tolerance, whole=whole)
    top = ticks[-1] or 1.0

    def x(t: float) -> float:
        return PAD_L + INSET + (t - t0) / (t1 - t0) * (W - PAD_L - PAD_R - 2 * INSET)

    def y(v: float) -> float:
        return PAD_T + (1 - v / top) * (H - PAD_T - PAD_B)

    out = [f'<svg class="timeline" viewBox="0 0 {W} {H}" role="img" '
           f'aria-label="الأرقام عبر الزمن" xmlns="http://www.w3.org/2000/svg" direction="ltr">',
           f'<line x1="{PAD_L}" y1="{H - PAD_B}" x2="{W - PAD_R}" y2="{H - PAD_B}" '
           'class="axis"/>',
           f'<line x1="{PAD_L}" y1="{PAD_T}" x2="{PAD_L}" y2="{H - PAD_B}" class="axis"/>']
    for v in ticks:
        out.append(f'<line x1="{PAD_L}" x2="{W - PAD_R}" y1="{y(v):.1f}" y2="{y(v):.1f}" '
                   'class="grid"/>')
        out.append(f'<text x="{PAD_L - 6}" y="{y(v) + 4:.1f}" text-anchor="end" '
                   f'class="tick value">{_fmt(v)}</text>')
    day_marks: list[tuple[float, str]] = []
    for n, (c, t) in enumerate(zip(points, times, strict=True)):
        cx = x(t) + (n % 3 - 1) * 6  # claims of one article side by side, not on top
        day_marks.append((round(x(t), 1), c.published.date().isoformat() if c.published else ""))
        cls = "mark contradiction" if c.verdict == "contradicts" else "mark"
        title = escape(f"{c.attributed_to or c.outlet or ''}: {c.text}")
        attrs = f'class="{cls}" data-claim="{escape(c.claim_id)}"'
        if c.low is not None and c.high is not None and c.low != c.high:
            out.append(f'<rect {attrs} x="{cx - 5:.1f}" y="{y(c.high):.1f}" width="10" '
                       f'height="{max(2.0, y(c.low) - y(c.high)):.1f}"><title>{title}</title>'
                       '</rect>')
        elif c.low is not None and c.high is not None:
            if c.approx:
                hi, lo = y(c.low * (1 + tolerance)), y(c.low * (1 - tolerance))
                out.append(f'<line x1="{cx:.1f}" x2="{cx:.1f}" y1="{hi:.1f}" y2="{lo:.1f}" '
                           'class="approx"/>')
            out.append(f'<circle {attrs} cx="{cx:.1f}" cy="{y(c.low):.1f}" r="5">'
                       f'<title>{title}</title></circle>')
        elif c.low is not None:  # floor: open upwards
            out.append(f'<path {attrs} d="M{cx - 5:.1f},{y(c.low):.1f} h10 M{cx:.1f},'
                       f'{y(c.low):.1f} V{PAD_T + 6} l-4,6 M{cx:.1f},{PAD_T + 6} l4,6">'
                       f'<title>{title}</title></path>')
        else:  # ceiling: open downwards
            assert c.high is not None
            out.append(f'<path {attrs} d="M{cx - 5:.1f},{y(c.high):.1f} h10 M{cx:.1f},'
                       f'{y(c.high):.1f} V{H - PAD_B - 6} l-4,-6 M{cx:.1f},{H - PAD_B - 6} l4,-6">'
                       f'<title>{title}</title></path>')
    for lx, label in date_labels(day_marks):
        out.append(f'<text x="{lx:.1f}" y="{H - PAD_B + 18}" text-anchor="middle" '
                   f'class="tick date">{label}</text>')
    out.append("</svg>")
    return "".join(out)
