"""The timeline of a fact as server-side SVG: one mark per claim, over published time.

Exact figures are dots, approximate ones dots with their tolerance, ranges bands,
floors and ceilings open bars (an arrow where the bound is open). Claims that
contradict the fact are drawn red. Nothing is fetched from anywhere.
"""

from __future__ import annotations

from datetime import datetime
from html import escape

from monitor.models import ClaimRecord

W, H = 720, 300
PAD_L, PAD_R, PAD_T, PAD_B = 70, 20, 20, 50


def _fmt(v: float) -> str:
    return f"{int(v):,}" if v == int(v) else f"{v:,.1f}"


def timeline_svg(claims: list[ClaimRecord], tolerance: float = 0.1) -> str:
    points = [c for c in claims if c.low is not None or c.high is not None]
    if not points:
        return '<svg class="timeline" role="img" aria-label="no figures"></svg>'
    times = [(c.published or datetime.min).timestamp() if c.published else 0.0 for c in points]
    t0, t1 = min(times), max(times)
    if t1 == t0:
        t0, t1 = t0 - 86400, t1 + 86400
    values = [v for c in points for v in (c.low, c.high) if v is not None]
    top = max(values) * (1 + tolerance) * 1.1
    top = top or 1.0

    def x(t: float) -> float:
        return PAD_L + (t - t0) / (t1 - t0) * (W - PAD_L - PAD_R)

    def y(v: float) -> float:
        return PAD_T + (1 - v / top) * (H - PAD_T - PAD_B)

    out = [f'<svg class="timeline" viewBox="0 0 {W} {H}" role="img" '
           f'aria-label="figures over time" xmlns="http://www.w3.org/2000/svg" direction="ltr">',
           f'<line x1="{PAD_L}" y1="{H - PAD_B}" x2="{W - PAD_R}" y2="{H - PAD_B}" '
           'class="axis"/>',
           f'<line x1="{PAD_L}" y1="{PAD_T}" x2="{PAD_L}" y2="{H - PAD_B}" class="axis"/>']
    for frac in (0.0, 0.25, 0.5, 0.75, 1.0):
        v = top / 1.1 * frac
        out.append(f'<text x="{PAD_L - 6}" y="{y(v) + 4:.1f}" text-anchor="end" '
                   f'class="tick">{_fmt(v)}</text>')
    for n, (c, t) in enumerate(zip(points, times, strict=True)):
        cx = x(t) + (n % 3 - 1) * 6  # claims of one article side by side, not on top
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
        label = (c.published.date().isoformat() if c.published else "")
        out.append(f'<text x="{cx:.1f}" y="{H - PAD_B + 16 + (n % 2) * 12}" '
                   f'text-anchor="middle" class="tick">{label}</text>')
    out.append("</svg>")
    return "".join(out)
