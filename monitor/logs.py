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


_TRACEBACK = "Traceback (most recent call last)"


def _library_fields(_: Any, __: str, event: dict[str, Any]) -> dict[str, Any]:
    """A library's log record as fields: its logger name, and a traceback it put in the
    message itself (RQ logs a failed job's formatted traceback as the message) moved to
    `exception`, the message's first line kept as the event."""
    record = event.get("_record")
    if record is not None:
        event.setdefault("logger", record.name)
    message = event.get("event")
    if isinstance(message, str) and "\n" in message:
        head, _, rest = message.partition("\n")
        if _TRACEBACK in message:
            cut = message.index(_TRACEBACK)
            head = message[:cut].strip() or "exception"
            rest = message[cut:]
            event["exception"] = (str(event["exception"]) + "\n" + rest) \
                if event.get("exception") else rest.rstrip()
        else:
            event["detail"] = rest
        event["event"] = head.strip()
    return event


class _LineHandler(logging.Handler):
    """Writes each formatted record in one write, like structlog's own lines."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            sys.stderr.write(self.format(record) + "\n")
        except Exception:  # logging must never raise into the caller
            self.handleError(record)


def _stdlib_handler(level: str, renderer: Any) -> logging.Handler:
    """Every stdlib log record (RQ, uvicorn, asyncio, redis-py) as one JSON line on stderr,
    tracebacks as a field: RQ's 24-line job tracebacks were most of a run's log."""
    handler = _LineHandler()
    handler.setFormatter(structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=[
            structlog.stdlib.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,
        ],
        processors=[
            _library_fields,
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            _redact_processor,
            renderer,
        ],
    ))
    handler.setLevel(level.upper())
    handler._newsmon = True  # type: ignore[attr-defined]
    return handler


def configure(level: str = "INFO", json: bool = True) -> None:
    renderer: Any = (
        structlog.processors.JSONRenderer(ensure_ascii=False)
        if json
        else structlog.dev.ConsoleRenderer(colors=False)
    )
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "_newsmon", False)]:
        root.removeHandler(old)
    root.addHandler(_stdlib_handler(level, renderer))
    root.setLevel(level.upper())
    # Libraries that bring their own handlers write through newsmon's instead.
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access", "rq.worker", "rq.scheduler"):
        lib = logging.getLogger(name)
        for h in list(lib.handlers):
            lib.removeHandler(h)
        lib.propagate = True
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
