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
    from monitor.redis_conn import connect, redis_url

    return connect(redis_url(settings))


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


def cmd_eval(args: argparse.Namespace) -> int:
    _common(quiet=True)
    from monitor.evaluate import evaluate
    from monitor.settings import PROJECT_ROOT

    paths = [Path(args.file)] if args.file else sorted(
        (PROJECT_ROOT / "tests" / "gold").glob("*.jsonl"))
    score = evaluate(*paths)
    if args.errors:
        for line in score.errors:
            print(line, file=sys.stderr)
    print(json.dumps(score.summary()))
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
    import uvicorn

    from monitor.web.app import create_app

    app = create_app(_connect(settings), args.namespace or settings.namespace, settings)
    uvicorn.run(app, host=args.host or settings.web_host, port=args.port or settings.web_port,
                log_level="warning", access_log=False)
    return 0


def cmd_facts(args: argparse.Namespace) -> int:
    settings = _common(quiet=True)
    from monitor.facts.store import FactStore
    from monitor.keys import Keys
    from monitor.report import fact_json, fact_text

    store = FactStore(_connect(settings), Keys(args.namespace or settings.namespace),
                      tolerance=settings.approx_tolerance, later_days=settings.later_state_days)
    for fact, claims in store.all():
        if args.json:
            sys.stdout.write(json.dumps(fact_json(fact, claims), ensure_ascii=False) + "\n")
        else:
            sys.stdout.write(fact_text(fact, claims) + "\n")
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
        for dead in pipeline.failed_deliveries():
            sys.stdout.write(json.dumps(dead, ensure_ascii=False) + "\n")
        return 0
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


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="newsmon",
        description="Watch Arabic news; alert when a source contradicts or updates a figure.",
    )
    sub = p.add_subparsers(dest="command", required=True)

    s = sub.add_parser("demo", help="the seed story through the whole pipeline, embedded Redis")
    s.add_argument("--serve", action="store_true", help="keep serving until Ctrl-C")
    s.set_defaults(func=cmd_demo)

    s = sub.add_parser("web", help="the read-only web app: facts, fact pages, alerts")
    s.add_argument("--namespace")
    s.add_argument("--host")
    s.add_argument("--port", type=int)
    s.set_defaults(func=cmd_web)

    s = sub.add_parser("run", help="the always-on service: poller, workers, delivery, /metrics")
    s.add_argument("--workers", type=int, default=2)
    s.set_defaults(func=cmd_run)

    s = sub.add_parser("poll", help="the poller alone")
    s.add_argument("--once", action="store_true", help="poll every feed once and exit")
    s.set_defaults(func=cmd_poll)

    s = sub.add_parser("worker", help="RQ workers alone (queues articles and alerts)")
    s.add_argument("--workers", type=int, default=1)
    s.add_argument("--burst", action="store_true", help="exit when the queues are empty")
    s.set_defaults(func=cmd_worker)

    s = sub.add_parser("extract", help="claims of articles as JSON lines")
    s.add_argument("inputs", nargs="*", help="files (.txt, .jsonl), directories, or - for stdin")
    s.add_argument("--jsonl", help="a JSON lines file of articles")
    s.add_argument("--all-numbers", action="store_true", help="also every number with its kind")
    s.set_defaults(func=cmd_extract)

    s = sub.add_parser("eval", help="score the extractor on annotated sentences (gold set)")
    s.add_argument("file", nargs="?", help="JSON lines of annotated sentences")
    s.add_argument("--errors", action="store_true", help="list every disagreement on stderr")
    s.set_defaults(func=cmd_eval)

    s = sub.add_parser("replay", help="articles through Redis + RQ; alerts as JSON lines")
    s.add_argument("dir", nargs="?", help="a directory of articles (manifest.json optional)")
    s.add_argument("--jsonl", help="a JSON lines file of articles")
    s.add_argument("--namespace", help="key namespace (default: a fresh isolated one)")
    s.add_argument("--keep", action="store_true", help="keep the namespace's keys afterwards")
    s.add_argument("--workers", type=int, metavar="N",
                   help="worker processes (default: the machine's cores); alerts are the same")
    s.set_defaults(func=cmd_replay)

    for name, func in (("facts", cmd_facts), ("alerts", cmd_alerts)):
        s = sub.add_parser(name, help=f"what the store holds: {name}")
        s.add_argument("--json", action="store_true")
        s.add_argument("--namespace")
        if name == "alerts":
            s.add_argument("action", nargs="?", choices=["retry"],
                           help="retry: re-send every dead-lettered delivery")
            s.add_argument("--failed", action="store_true", help="dead-lettered deliveries")
            s.add_argument("--all", action="store_true",
                           help="also alerts withdrawn since (an older report arrived late)")
        s.set_defaults(func=func)
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
