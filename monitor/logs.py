"""structlog configuration: JSON lines on stderr, secrets redacted, context bound per job."""

from __future__ import annotations

import logging
import re
import sys
from typing import Any

import structlog

_SECRET_KEYS = re.compile(r"secret|password|token|authorization|signature", re.I)
# Credentials inside URLs (redis://:pw@host, https://hooks.slack.com/services/T/B/XXXX).
_URL_CRED = re.compile(r"(://[^:/@\s]*:)[^@/\s]+@")
_SLACK_HOOK = re.compile(r"(hooks\.slack\.com/services/)[\w/]+")


def redact(value: str) -> str:
    return _SLACK_HOOK.sub(r"\1***", _URL_CRED.sub(r"\1***@", value))


def _redact_processor(_: Any, __: str, event: dict[str, Any]) -> dict[str, Any]:
    for key, value in list(event.items()):
        if _SECRET_KEYS.search(key):
            event[key] = "***"
        elif isinstance(value, str):
            event[key] = redact(value)
    return event


class _Stderr:
    """Whatever sys.stderr is at write time (test runners and daemons swap it)."""

    def write(self, text: str) -> int:
        return sys.stderr.write(text)

    def flush(self) -> None:
        sys.stderr.flush()


def configure(level: str = "INFO", json: bool = True) -> None:
    renderer: Any = (
        structlog.processors.JSONRenderer(ensure_ascii=False)
        if json
        else structlog.dev.ConsoleRenderer(colors=False)
    )
    logging.basicConfig(level=level.upper(), stream=sys.stderr, format="%(message)s")
    # Libraries' own INFO lines (every HTTP request) are noise next to ours.
    for noisy in ("httpx", "httpcore", "rq.worker", "rq.scheduler"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, logging.getLevelName(level.upper())))
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,
            _redact_processor,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level.upper())),
        # One write per line: print() writes the line and its newline separately, and a
        # worker forking its work horse between the two handed the horse half a line,
        # which it then flushed in front of its own ("{...}{...}" on one line).
        logger_factory=structlog.WriteLoggerFactory(file=_Stderr()),  # type: ignore[arg-type]
        cache_logger_on_first_use=False,
    )


def get_logger(**bound: Any) -> Any:
    return structlog.get_logger("newsmon").bind(**bound)


# Library use (tests, RQ work horses) logs to stderr too, never to stdout, which belongs
# to the CLI's JSON lines; the CLI reconfigures with the user's level.
configure()
