"""The `newsmon` command line (DESIGN.md's CLI contract). stdout carries JSON lines or the
human report; logs go to stderr.

Imports of anything that touches prometheus-client happen inside the commands, after the
multiprocess metrics directory is set: forked RQ work horses inherit that choice.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import uuid
from pathlib import Path
from typing import Any

# Exit codes (also in `newsmon --help` and the README).
EXIT_OK, EXIT_CHECK_FAILED, EXIT_USAGE = 0, 1, 2
EXIT_CODES = """exit codes:
  0    done
  1    done, and what it checked failed: `eval` below its bars, `alerts --failed`
       with dead letters, `routes test` not delivered, `feeds list` with failing feeds
  2    bad usage, input or configuration (one line on stderr says what to fix)
  130  interrupted (Ctrl-C)"""
# The gold-set bars of README "Tests, gold set and benchmarks".
EVAL_BARS = {"bounds_f1": 0.95, "event_accuracy": 0.90, "attribution_accuracy": 0.85}


def _common(quiet: bool = False) -> Any:
    """Settings and logging. `quiet` commands talk to a person on stdout: only warnings on
    stderr unless NEWSMON_LOG_LEVEL says otherwise."""
    import os

    from monitor import logs
    from monitor.settings import get_settings

    settings = get_settings()
    level = settings.log_level
    if quiet and "NEWSMON_LOG_LEVEL" not in os.environ:
        level = "WARNING"
    logs.configure(level, settings.log_json)
    return settings


def _connect(settings: Any) -> Any:
    from monitor.redis_conn import connect_checked

    return connect_checked(settings)[1]


def cmd_extract(args: argparse.Namespace) -> int:
    _common(quiet=True)
    from monitor.claims.extract import all_numbers, extract_claims
    from monitor.sources import SourceError, load_inputs

    try:
        articles = load_inputs(args.inputs or ([] if args.jsonl else ["-"]), args.jsonl)
    except (SourceError, OSError) as exc:
        print(f"newsmon extract: {exc}", file=sys.stderr)
        return 2
    out = sys.stdout
    for article in articles:
        for claim in extract_claims(article):
            out.write(claim.model_dump_json() + "\n")
        if args.all_numbers:
            for mention in all_numbers(article):
                out.write(json.dumps({"number": mention}, ensure_ascii=False) + "\n")
    return 0


def cmd_eval_real(args: argparse.Namespace) -> int:
    """Alerts on the real months scored against the judged and gold sets (tests/realnews)."""
    import os

    settings = _common(quiet=True)
    from monitor import realnews
    from monitor.settings import PROJECT_ROOT
    from monitor.sources import SourceError, load_jsonl

    here = PROJECT_ROOT / "tests" / "realnews"
    judged = realnews.Judgements.load(Path(args.judged) if args.judged else here / "judged.jsonl")
    gold = realnews.load_gold(Path(args.gold) if args.gold else here / "gold.jsonl")
    if not len(judged) and not gold:
        print("newsmon eval --real: no judged alerts and no gold discrepancies found "
              f"(looked in {here}); give --judged and --gold", file=sys.stderr)
        return 2
    corpus = Path(args.corpus or os.environ.get("NEWSMON_REALNEWS_DIR")
                  or PROJECT_ROOT.parent / "shared" / "corpora" / "realnews")
    try:
        articles = [a for f in realnews.MONTHS for a in load_jsonl(corpus / f)]
    except (SourceError, OSError) as exc:
        print(f"newsmon eval --real: cannot read the real months in {corpus}: {exc} "
              "(set --corpus or NEWSMON_REALNEWS_DIR)", file=sys.stderr)
        return 2
    if args.alerts:
        alerts = [json.loads(line) for f in args.alerts
                  for line in Path(f).read_text(encoding="utf-8").splitlines() if line.strip()]
    else:
        alerts = realnews.replay_alerts(_connect(settings), settings, articles)
    months = realnews.months_of(articles)
    scores = realnews.score(alerts, judged, gold, months)
    for line in realnews.report_lines(scores):
        print(line)
    # What routes send: alerts at or above min_confidence (below it, a fact page shows the
    # disagreement as disputed and no one is paged).
    sent = [a for a in alerts if float(a.get("confidence", 1.0)) >= args.min_confidence]
    sent_scores = realnews.score(sent, judged, gold, months)
    for line in realnews.report_lines(sent_scores):
        print(f"{line} [min_confidence {args.min_confidence}]")
    if args.unjudged:
        Path(args.unjudged).write_text("".join(
            json.dumps(a, ensure_ascii=False) + "\n" for a in alerts
            if judged.of(a) is None), encoding="utf-8")
    print(json.dumps({"raised": {k: v.summary() for k, v in scores.items()},
                      "sent": {k: v.summary() for k, v in sent_scores.items()},
                      "min_confidence": args.min_confidence}))
    return 0 if sent_scores["sealed"].meets_bars() else EXIT_CHECK_FAILED


def cmd_eval(args: argparse.Namespace) -> int:
    if args.real:
        return cmd_eval_real(args)
    _common(quiet=True)
    from monitor.evaluate import evaluate
    from monitor.settings import PROJECT_ROOT

    paths = [Path(args.file)] if args.file else sorted(
        (PROJECT_ROOT / "tests" / "gold").glob("*.jsonl"))
    if not paths:
        print("newsmon eval: no gold data: give a JSON lines file of annotated sentences "
              "(the source tree's tests/gold/newswire.jsonl is one)", file=sys.stderr)
        return 2
    try:
        score = evaluate(*paths)
    except OSError as exc:
        print(f"newsmon eval: {exc}", file=sys.stderr)
        return 2
    if score.tp + score.fn == 0:
        print(f"newsmon eval: no annotated figures in {', '.join(map(str, paths))}: "
              "nothing to score", file=sys.stderr)
        return 2
    if args.errors:
        for line in score.errors:
            print(line, file=sys.stderr)
    summary = score.summary()
    below = [f"{k} {summary[k]} < {bar}" for k, bar in EVAL_BARS.items() if summary[k] < bar]
    print(json.dumps(summary))
    if below:
        print(f"newsmon eval: below the bars: {'; '.join(below)}", file=sys.stderr)
        return EXIT_CHECK_FAILED
    return 0


def _replay_articles(args: argparse.Namespace) -> list[Any]:
    from monitor.sources import by_published, load_dir, load_jsonl

    if args.jsonl:
        return by_published(load_jsonl(Path(args.jsonl)))
    return by_published(load_dir(Path(args.dir)))


def cmd_replay(args: argparse.Namespace) -> int:
    from monitor.observe import prepare_metrics_dir

    prepare_metrics_dir(None, clean=True)
    settings = _common()
    from monitor.replay import replay
    from monitor.sources import SourceError

    if not args.dir and not args.jsonl:
        print("newsmon replay: give a directory or --jsonl FILE", file=sys.stderr)
        return 2
    try:
        articles = _replay_articles(args)
    except (SourceError, OSError) as exc:
        print(f"newsmon replay: {exc}", file=sys.stderr)
        return 2
    client = _connect(settings)
    ns = args.namespace or f"replay-{uuid.uuid4().hex[:8]}"
    alerts = replay(client, ns, articles, settings, progress=sys.stderr.isatty(),
                    keep=args.keep, workers=args.workers or os.cpu_count() or 1)
    for alert in alerts:
        sys.stdout.write(alert.model_dump_json() + "\n")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from monitor.observe import prepare_metrics_dir

    prepare_metrics_dir(None, clean=True)
    settings = _common(quiet=True)
    from monitor.demo import run_demo

    return run_demo(settings, serve=args.serve)


def cmd_web(args: argparse.Namespace) -> int:
    settings = _common()
    from monitor.web.app import create_app
    from monitor.web.server import Credentials, serve_forever

    app = create_app(_connect(settings), args.namespace or settings.namespace, settings)
    host, port = args.host or settings.web_host, args.port or settings.web_port
    serve_forever(app, host, port, credentials=Credentials.from_settings(settings))
    return 0


def cmd_init(args: argparse.Namespace) -> int:
    from monitor.resources import write_config_copy

    target = Path(args.dir)
    try:
        written = write_config_copy(target)
    except (FileExistsError, OSError) as exc:
        print(f"newsmon init: {exc}", file=sys.stderr)
        return 2
    for path in written:
        print(path)
    print(f"# edit these, then: export NEWSMON_CONFIG_DIR={target.resolve()}", file=sys.stderr)
    return 0


def cmd_facts(args: argparse.Namespace) -> int:
    settings = _common(quiet=True)
    from monitor.facts.store import FactStore
    from monitor.keys import Keys
    from monitor.report import fact_json, fact_text

    client, keys = _connect(settings), Keys(args.namespace or settings.namespace)
    store = FactStore(client, keys, tolerance=settings.approx_tolerance,
                      later_days=settings.later_state_days)
    if not args.json:
        for fact, claims in store.all():
            sys.stdout.write(fact_text(fact, claims) + "\n")
        return 0
    from monitor.web.disputed import disputes_json, disputes_of, page_routes

    # As /api/facts says it: which contradictions no route sends for their confidence.
    facts = list(store.all())
    disputes = disputes_of(client, keys, facts, page_routes(settings.routes_path))
    for (fact, claims), d in zip(facts, disputes, strict=True):
        line = fact_json(fact, claims) | disputes_json(d)
        sys.stdout.write(json.dumps(line, ensure_ascii=False) + "\n")
    return 0


def cmd_alerts(args: argparse.Namespace) -> int:
    settings = _common(quiet=True)
    from monitor.alerts.ledger import AlertLedger
    from monitor.alerts.render import console_text
    from monitor.keys import Keys

    client = _connect(settings)
    ns = args.namespace or settings.namespace
    ledger = AlertLedger(client, Keys(ns))
    if args.action == "retry" or args.failed:
        from monitor.pipeline import Pipeline

        pipeline = Pipeline(client, ns, settings)
        if args.action == "retry":
            print(json.dumps({"requeued": pipeline.retry_failed()}))
            return 0
        failed = pipeline.failed_deliveries()
        for dead in failed:
            sys.stdout.write(json.dumps(dead, ensure_ascii=False) + "\n")
        return EXIT_CHECK_FAILED if failed else 0
    for alert in ledger.all(include_retracted=args.all):
        withdrawn = args.all and ledger.status(alert) == "retracted"
        if args.json:
            line = alert.model_dump(mode="json")
            if args.all:
                line["status"] = "retracted" if withdrawn else "active"
            sys.stdout.write(json.dumps(line, ensure_ascii=False) + "\n")
        else:
            sys.stdout.write(("[withdrawn] " if withdrawn else "") + console_text(alert) + "\n\n")
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    from monitor.observe import prepare_metrics_dir
    from monitor.settings import get_settings

    prepare_metrics_dir(get_settings().metrics_dir, clean=True)
    settings = _common()
    from monitor.service import run_service

    return run_service(settings, poll=False, workers=args.workers, burst=args.burst)


def cmd_poll(args: argparse.Namespace) -> int:
    from monitor.observe import prepare_metrics_dir
    from monitor.settings import get_settings

    prepare_metrics_dir(get_settings().metrics_dir, clean=True)
    settings = _common()
    from monitor.service import run_service

    return run_service(settings, poll=True, workers=0, once=args.once)


def cmd_run(args: argparse.Namespace) -> int:
    from monitor.observe import prepare_metrics_dir
    from monitor.settings import get_settings

    prepare_metrics_dir(get_settings().metrics_dir, clean=True)
    settings = _common()
    from monitor.service import run_service

    return run_service(settings, poll=True, workers=args.workers)


def cmd_secret(args: argparse.Namespace) -> int:
    from monitor.alerts.webhook import new_secret

    print(new_secret(args.bytes))
    return 0


def cmd_routes(args: argparse.Namespace) -> int:
    settings = _common(quiet=True)
    import httpx

    from monitor.alerts.render import fact_url
    from monitor.alerts.routes import load_routes, route_named
    from monitor.alerts.send import DeliveryError, send, test_alert

    routes = load_routes(settings.routes_path)
    if args.action == "list":
        for r in routes:
            print(json.dumps({"name": r.name, "type": r.type, "kinds": r.kinds,
                              "events": r.events}, ensure_ascii=False))
        return 0
    if not args.name:
        print("newsmon routes test: name the route (`newsmon routes list` shows them)",
              file=sys.stderr)
        return EXIT_USAGE
    route = route_named(routes, args.name)
    if route is None:
        print(f"newsmon routes test: no route {args.name!r} in {settings.routes_path} "
              f"(routes: {', '.join(r.name for r in routes) or 'none'})", file=sys.stderr)
        return EXIT_USAGE
    alert = test_alert()
    link = fact_url(settings.public_base_url, alert.fact_key) \
        if settings.public_base_url else None
    try:
        with httpx.Client(timeout=route.timeout) as client:
            send(route, alert, client, link, test=True)
    except DeliveryError as exc:
        print(f"newsmon routes test: not delivered: {exc}", file=sys.stderr)
        return EXIT_CHECK_FAILED
    print(json.dumps({"route": route.name, "type": route.type, "delivered": True,
                      "id": alert.id}))
    return 0


def cmd_feeds(args: argparse.Namespace) -> int:
    settings = _common(quiet=True)
    from monitor.poller import load_feeds

    path = settings.feeds_path
    if args.action == "export":
        from monitor.opml import export_opml

        sys.stdout.write(export_opml(load_feeds(path)))
        return 0
    if args.action == "import":
        from monitor.opml import append_feeds, parse_opml
        from monitor.poller.config import ConfigError

        if not args.file:
            print("newsmon feeds import: give an OPML file", file=sys.stderr)
            return EXIT_USAGE
        try:
            data = sys.stdin.buffer.read() if args.file == "-" else Path(args.file).read_bytes()
        except OSError as exc:
            print(f"newsmon feeds import: {args.file}: {exc.strerror}", file=sys.stderr)
            return EXIT_USAGE
        try:
            result = parse_opml(data, load_feeds(path))
        except ConfigError as exc:
            print(f"newsmon feeds import: {args.file}: {exc}", file=sys.stderr)
            return EXIT_USAGE
        append_feeds(path, result.added)
        for line in result.skipped:
            print(f"newsmon feeds import: skipped {line}", file=sys.stderr)
        print(json.dumps({"added": [f.name for f in result.added],
                          "skipped": len(result.skipped), "file": str(path)},
                         ensure_ascii=False))
        return 0
    from monitor.feeds_status import feed_rows, row_text

    rows = feed_rows(_connect(settings), args.namespace or settings.namespace,
                     load_feeds(path))
    for row in rows:
        sys.stdout.write((json.dumps(row, ensure_ascii=False) if args.json
                          else row_text(row)) + "\n")
    return EXIT_CHECK_FAILED if any(r["failing"] for r in rows) else 0


def build_parser() -> argparse.ArgumentParser:
    from monitor import __version__

    p = argparse.ArgumentParser(
        prog="newsmon",
        description="Watch Arabic news; alert when a source contradicts or updates a figure.",
        epilog=EXIT_CODES, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--version", action="version", version=f"newsmon {__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    ns_help = "Redis key namespace (default: NEWSMON_NAMESPACE, `newsmon`)"

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        return sub.add_parser(name, help=help_text, description=help_text, epilog=EXIT_CODES,
                              formatter_class=argparse.RawDescriptionHelpFormatter)

    s = command("demo", "the seed story through the whole pipeline, embedded Redis")
    s.add_argument("--serve", action="store_true", help="keep serving until Ctrl-C")
    s.set_defaults(func=cmd_demo)

    s = command("init", "write an editable copy of the default configuration")
    s.add_argument("dir", help="directory to write (feeds, routes, lexicons, gazetteer)")
    s.set_defaults(func=cmd_init)

    s = command("web", "the read-only web app: facts, fact pages, alerts, JSON API, Atom")
    s.add_argument("--namespace", help=ns_help)
    s.add_argument("--host", help="address to listen on (default: NEWSMON_WEB_HOST, 127.0.0.1)")
    s.add_argument("--port", type=int, help="port to listen on (default: NEWSMON_WEB_PORT, 8080)")
    s.set_defaults(func=cmd_web)

    s = command("run", "the always-on service: poller, workers, delivery, web, /metrics")
    s.add_argument("--workers", type=int, default=2,
                   help="RQ worker processes for articles and alerts (default 2)")
    s.set_defaults(func=cmd_run)

    s = command("poll", "the poller alone")
    s.add_argument("--once", action="store_true", help="poll every feed once and exit")
    s.set_defaults(func=cmd_poll)

    s = command("worker", "RQ workers alone (queues articles and alerts)")
    s.add_argument("--workers", type=int, default=1,
                   help="worker processes (default 1)")
    s.add_argument("--burst", action="store_true", help="exit when the queues are empty")
    s.set_defaults(func=cmd_worker)

    s = command("extract", "claims of articles as JSON lines")
    s.add_argument("inputs", nargs="*", help="files (.txt, .jsonl), directories, or - for stdin")
    s.add_argument("--jsonl", help="a JSON lines file of articles")
    s.add_argument("--all-numbers", action="store_true", help="also every number with its kind")
    s.set_defaults(func=cmd_extract)

    s = command("eval", "score the extractor on annotated sentences (gold set); exit 1 "
                        "below the bars (bounds F1 0.95, event 0.90, attribution 0.85)")
    s.add_argument("file", nargs="?", help="JSON lines of annotated sentences "
                                           "(default: tests/gold/*.jsonl)")
    s.add_argument("--errors", action="store_true", help="list every disagreement on stderr")
    s.add_argument("--real", action="store_true",
                   help="score alerts on the real months of ../shared/corpora/realnews against "
                        "tests/realnews (judged alerts, gold discrepancies), dev and sealed "
                        "weeks apart; exit 1 when the sealed weeks miss the bars")
    s.add_argument("--alerts", action="append",
                   help="with --real: score these alert JSON lines instead of replaying")
    s.add_argument("--corpus", help="with --real: the folder of the real months")
    s.add_argument("--judged", help="with --real: judged alerts (JSON lines)")
    s.add_argument("--gold", help="with --real: gold discrepancies (JSON lines)")
    s.add_argument("--unjudged", help="with --real: write the alerts no judgement covers here")
    s.add_argument("--min-confidence", type=float, default=0.5,
                   help="with --real: also score only the alerts at or above this confidence "
                        "(what a route with this min_confidence sends; default 0.5)")
    s.set_defaults(func=cmd_eval)

    s = command("replay", "articles through Redis + RQ; alerts as JSON lines")
    s.add_argument("dir", nargs="?", help="a directory of articles (manifest.json optional)")
    s.add_argument("--jsonl", help="a JSON lines file of articles")
    s.add_argument("--namespace", help="key namespace (default: a fresh isolated one)")
    s.add_argument("--keep", action="store_true", help="keep the namespace's keys afterwards")
    s.add_argument("--workers", type=int, metavar="N",
                   help="worker processes (default: the machine's cores); alerts are the same")
    s.set_defaults(func=cmd_replay)

    for name, func in (("facts", cmd_facts), ("alerts", cmd_alerts)):
        s = command(name, f"what the store holds: {name}"
                    + ("; --failed exits 1 when there are dead letters" if name == "alerts"
                       else ""))
        s.add_argument("--json", action="store_true",
                       help="one JSON object a line (the shapes of GET /api/" + name + ")")
        s.add_argument("--namespace", help=ns_help)
        if name == "alerts":
            s.add_argument("action", nargs="?", choices=["retry"],
                           help="retry: re-send every dead-lettered delivery")
            s.add_argument("--failed", action="store_true", help="dead-lettered deliveries")
            s.add_argument("--all", action="store_true",
                           help="also alerts withdrawn since (an older report arrived late)")
        s.set_defaults(func=func)

    s = command("secret", "print a new Standard Webhooks signing secret (whsec_…) for a "
                          "webhook route's secret_env")
    s.add_argument("--bytes", type=int, default=32, choices=range(24, 65), metavar="N",
                   help="key length in bytes, 24–64 (default 32)")
    s.set_defaults(func=cmd_secret)

    s = command("routes", "the alert routes of config/routes.yaml: list them, or send a "
                          "signed test notification through one (exit 1 if not delivered)")
    s.add_argument("action", choices=["list", "test"], help="list: the routes; test NAME: "
                                                             "send a test notification")
    s.add_argument("name", nargs="?", help="the route to test")
    s.set_defaults(func=cmd_routes)

    s = command("feeds", "the feeds of config/feeds.yaml: list with each one's last status "
                         "(exit 1 if any is failing), import OPML, export OPML")
    s.add_argument("action", choices=["list", "import", "export"],
                   help="list: status of each feed; import FILE: add an OPML file's feeds; "
                        "export: OPML on stdout")
    s.add_argument("file", nargs="?", help="the OPML file to import (- for stdin)")
    s.add_argument("--json", action="store_true", help="list: one JSON object a line")
    s.add_argument("--namespace", help=ns_help)
    s.set_defaults(func=cmd_feeds)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `newsmon facts | head`: the reader left, nothing is wrong
        sys.stderr.close()
        return 0
    except _config_errors() as exc:
        print(f"newsmon: configuration error: {_one_line(exc)}", file=sys.stderr)
        return 2
    except _infra_errors() as exc:  # Redis, a port: one line saying what to fix
        print(f"newsmon: {_infra_line(exc)}", file=sys.stderr)
        return 2


def _infra_errors() -> tuple[type[BaseException], ...]:
    import redis

    from monitor.redis_conn import InfraError

    return (InfraError, redis.ConnectionError, redis.TimeoutError)


def _infra_line(exc: BaseException) -> str:
    from monitor.logs import redact
    from monitor.redis_conn import InfraError

    if isinstance(exc, InfraError):
        return str(exc)
    first = (str(exc).splitlines() or [type(exc).__name__])[0]
    return f"lost Redis ({redact(first)}): check that it runs and REDIS_URL"


def _one_line(exc: BaseException) -> str:
    """A settings error names the environment variable, on one line, without pydantic's
    multi-line report (`NEWSMON_HTTP_TIMEOUT=abc: Input should be a valid number`)."""
    from pydantic import ValidationError

    if not isinstance(exc, ValidationError) or exc.title != "Settings":
        return str(exc)
    parts = []
    for err in exc.errors():
        field = str(err["loc"][0]) if err["loc"] else ""
        var = "REDIS_URL" if field == "redis_url" else f"NEWSMON_{field.upper()}"
        shown = "" if field == "redis_url" else f"={str(err.get('input'))[:60]!r}"  # a password
        parts.append(f"{var}{shown}: {err['msg']}")
    return "; ".join(parts)


def _config_errors() -> tuple[type[BaseException], ...]:
    errors: list[type[BaseException]] = []
    try:
        from monitor.alerts.routes import RouteConfigError

        errors.append(RouteConfigError)
    except ImportError:  # pragma: no cover
        pass
    try:
        from monitor.poller.config import ConfigError

        errors.append(ConfigError)
    except ImportError:  # pragma: no cover
        pass
    from pydantic import ValidationError

    errors.append(ValidationError)
    return tuple(errors)
