"""Replay both real months in this process and score the dev part only: the tuning loop.

    python tools/replay_dev.py NAME [--judged FILE] [--missed] [--refeature]

`newsmon eval --real` is the report (Redis + RQ workers, dev and sealed, ~2 min); this is
what a rule change is tried with before it: one process, a private redis-server, the
articles processed in published order (what one worker of `replay` does, without RQ's
job overhead), ~40 s. It writes the alerts to diag/NAME.alerts.jsonl (with their
evidence, for `--refeature` and for reading) and prints the dev scores at confidence 0
and 0.5. The sealed weeks are never printed: tuning on them would make their figure
worthless.

    python tools/replay_dev.py NAME --refeature

also rewrites the `features` of every judged row that this replay raises with what
`confidence.features` computes of the alert today (the rows it no longer raises keep
theirs), so that tools/fit_confidence.py learns from what the code computes today.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("NEWSMON_LOG_LEVEL", "warning")  # a line per verdict drowns the scores

from monitor import realnews  # noqa: E402
from monitor.facts.confidence import features  # noqa: E402

HERE = ROOT / "tests" / "realnews"
CORPUS = ROOT.parent / "shared" / "corpora" / "realnews"


def replay_in_process() -> tuple[list[dict], list]:
    import redis

    from monitor.pipeline import Pipeline
    from monitor.redis_conn import EmbeddedRedis
    from monitor.settings import get_settings
    from monitor.sources import by_published, load_jsonl

    articles = by_published([a for f in realnews.MONTHS for a in load_jsonl(CORPUS / f)])
    settings = get_settings().model_copy(update={"alert_settle_seconds": 0.0})
    server = EmbeddedRedis().start()
    try:
        pipeline = Pipeline(redis.Redis.from_url(server.url), "dev", settings)
        pipeline.delivery._routes = []  # nothing is sent anywhere
        with pipeline.ingestor.batch():
            for a in articles:
                pipeline.ingestor.ingest(a)
        for a in articles:
            pipeline.process_article(a.id)
        alerts = [json.loads(x.model_dump_json()) for x in pipeline.ledger.all()]
    finally:
        server.stop()
    return alerts, articles


def dev_score(alerts: list[dict], judged: realnews.Judgements, gold: list[dict],
              months: tuple, floor: float) -> realnews.SplitScore:
    """The dev part's score of the alerts at or above `floor`, printed as `eval --real`
    prints it (realnews.report_lines); the sealed part is scored and never shown."""
    kept = [a for a in alerts if a.get("confidence", 1.0) >= floor]
    s = realnews.score(kept, judged, gold, months)["dev"]
    for line in realnews.report_lines({"dev": s}):
        print(f"{line} [min_confidence {floor}]")
    return s


def refeature(path: Path, alerts: list[dict]) -> int:
    by_pair = {realnews.pair_keys(a)[0]: a for a in alerts}
    rows = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]
    changed = 0
    for r in rows:
        a = by_pair.get(realnews.pair_keys({"previous": r["a"], "current": r["b"]})[0])
        if a is None:
            continue
        new = {k: round(v, 4) for k, v in
               features(a["previous"], a["current"], a["evidence"], a["kind"]).items()}
        if new != r.get("features"):
            r["features"] = new
            changed += 1
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
                    encoding="utf-8")
    return changed


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("name")
    ap.add_argument("--judged", default=str(HERE / "judged.jsonl"))
    ap.add_argument("--missed", action="store_true", help="list the dev gold items missed")
    ap.add_argument("--refeature", action="store_true",
                    help="rewrite the judged rows' features from this replay's evidence")
    args = ap.parse_args()
    alerts, articles = replay_in_process()
    out = ROOT / "diag"
    out.mkdir(exist_ok=True)
    (out / f"{args.name}.alerts.jsonl").write_text(
        "".join(json.dumps(a, ensure_ascii=False) + "\n" for a in alerts), encoding="utf-8")
    judged = realnews.Judgements.load(Path(args.judged))
    gold = realnews.load_gold(HERE / "gold.jsonl")
    months = realnews.months_of(articles)
    s = dev_score(alerts, judged, gold, months, 0.0)
    dev_score(alerts, judged, gold, months, 0.5)
    if args.missed:
        print("missed:", " ".join(s.missed))
    if args.refeature:
        print(f"features rewritten on {refeature(Path(args.judged), alerts)} judged rows")
    return 0


if __name__ == "__main__":
    sys.exit(main())
