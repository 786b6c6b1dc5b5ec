"""The comparison as an analyst judges it: short article streams with the exact alerts due.

`tests/scenarios/streams.yaml` (56 streams), `heldout.yaml` (24) and `dev.yaml` (40) hold
article streams written for this project across topics, each with the alerts a careful
analyst expects (none at all for many of them). Each stream goes through the real
pipeline (Redis + RQ, `replay`) on its own; an alert is matched by kind, event and the two
articles it names.
The report prints precision, recall and F1 per file and over the suite, and every stream
that differs.

`heldout.yaml` was written after the extractor had been fixed against `streams.yaml`, by
someone who did not run the engine on it; its first run scored F1 0.606 (recall 0.50).
The faults that run exposed were fixed in general form (places, speakers named or not,
custody and casualty nouns, daily cues), so it is no longer unseen: a new held-out file is
how to measure generalisation again. `dev.yaml` (40 streams of deliberately varied wording)
was written for that tuning: first run F1 0.653; the fixes it led to (unlisted towns keep
their own key, more places, range "بين 4 آلاف و6 آلاف", agency names are not places,
"جديدة" marks a batch only right after the figure, bare ليرة/دينار resolved by country,
security forces are troops, "ارتفعت المخصصات … إلى N") brought it to 0.943. `dev2.yaml`
(40 more, written after that) first ran at 0.638; its fixes (Monday is not "two", ranges
of number words, a town the article names once is that town again when named bare,
"منذ … الشهر الماضي" opens a period, a market names its town, more towns) brought it to
0.880.
`dev3.yaml` (40 more, written after the comparison learned floors' magnitude, place-less
stories and per-incident tolls, by someone who never ran the engine) first ran at 0.625;
its fixes (a foiling word governs only its own clause and "تمكّن من الفرار" got out,
"حاول … الهروب" is an attempt, Sudan's states are places of their own, a breakdown by
men/women/children adds up to the toll, deported refugees and migrants are one count,
detainees counted during a raid were arrested, magnitudes and degrees are not counts,
"وفق ما نقلته X" names X, more verbs and places) brought it to 0.980.
`heldout2.yaml` (30 streams) is the one nobody tunes against: reported only. Every first
run on new wording has scored 0.54-0.65: that is the honest measure of the reading today.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import redis
import yaml

from monitor.models import Alert, Article
from monitor.replay import replay
from monitor.settings import Settings
from tests.conftest import REPORTS

pytestmark = pytest.mark.integration
STREAMS = Path(__file__).parent / "scenarios" / "streams.yaml"
HELDOUT = Path(__file__).parent / "scenarios" / "heldout.yaml"
DEV = Path(__file__).parent / "scenarios" / "dev.yaml"  # 40 streams of varied wording
DEV2 = Path(__file__).parent / "scenarios" / "dev2.yaml"  # 40 more, written later
DEV3 = Path(__file__).parent / "scenarios" / "dev3.yaml"  # 40 more, written later still
# Written later still, by someone who never ran the engine on it, and never tuned against:
# reported only, as the honest measure of how the comparison does on unseen wording.
UNSEEN = Path(__file__).parent / "scenarios" / "heldout2.yaml"
F1_BAR = 0.95

Key = tuple[str, str | None, str, str]  # kind, event, previous article, current article


def load_streams(*, unseen: bool = False) -> list[dict[str, Any]]:
    out = []
    for path in (STREAMS, HELDOUT, DEV, DEV2, DEV3,
                 *([UNSEEN] if unseen and UNSEEN.exists() else [])):
        for s in yaml.safe_load(path.read_text(encoding="utf-8")):
            s["file"] = path.name
            out.append(s)
    return out


def _articles(stream: dict[str, Any]) -> list[Article]:
    return [Article(id=a["id"], outlet=a["outlet"], url=a.get("url"), title=a.get("title"),
                    text=a["text"], published=datetime.fromisoformat(str(a["published"])))
            for a in stream["articles"]]


def _key(alert: Alert) -> Key:
    return (alert.kind, alert.fact.get("event"), alert.previous["article_id"],
            alert.current["article_id"])


def test_suite_is_well_formed() -> None:
    streams = load_streams(unseen=True)
    assert len(streams) >= 40
    assert len({s["id"] for s in streams}) == len(streams)
    ids = [a["id"] for s in streams for a in s["articles"]]
    assert len(set(ids)) == len(ids)
    assert len({s["topic"] for s in streams}) >= 8
    assert sum(1 for s in streams if not s["expect"]) >= 10  # streams that must stay silent
    for s in streams:
        assert 2 <= len(s["articles"]) <= 5, s["id"]
        own = {a["id"] for a in s["articles"]}
        for e in s["expect"]:
            assert e["kind"] in ("contradiction", "update") and {e["previous"], e["current"]} \
                <= own, s["id"]


def test_alerts_match_the_analysts_expectations(redis_client: redis.Redis,
                                                tmp_path: Path) -> None:
    routes = tmp_path / "routes.yaml"
    routes.write_text("routes: []\n", encoding="utf-8")
    settings = Settings(routes_file=routes)
    counts: dict[str, list[int]] = {}
    misses: list[str] = []
    streams = load_streams(unseen=True)
    for stream in streams:
        articles = sorted(_articles(stream), key=lambda a: a.published_or_epoch())
        got = {_key(a) for a in replay(redis_client, f"t-scn-{stream['id']}", articles,
                                       settings)}
        want = {(e["kind"], e["event"], e["previous"], e["current"]) for e in stream["expect"]}
        for name in (stream["file"], "all" if stream["file"] != UNSEEN.name else "unseen"):
            c = counts.setdefault(name, [0, 0, 0])
            c[0] += len(got & want)
            c[1] += len(got - want)
            c[2] += len(want - got)
        if got != want:
            misses.append(f"  {stream['id']}: unexpected {sorted(got - want)} "
                          f"missing {sorted(want - got)}")
    counts.pop("unseen", None)  # heldout2.yaml is also counted under its own name
    silent = sum(1 for s in streams if not s["expect"])
    scores = {name: _prf(*c) for name, c in counts.items()}
    REPORTS.append(
        f"scenarios: {len(streams)} streams ({silent} must stay silent), {len(misses)} differ; "
        + "; ".join(f"{name}: precision {p:.3f} recall {r:.3f} F1 {f:.3f}"
                    + (" (reported only: never tuned against)" if name == UNSEEN.name else "")
                    for name, (p, r, f) in scores.items())
        + f"; bar {F1_BAR} on 'all' (every file but {UNSEEN.name})")
    REPORTS.extend(misses)
    assert scores["all"][2] >= F1_BAR, "\n".join(misses)


def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1
