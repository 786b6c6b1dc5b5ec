"""Articles from files: a directory (with optional manifest.json), JSON lines, or plain text."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from monitor.logs import get_logger
from monitor.models import Article


class SourceError(ValueError):
    """A file that cannot be read as articles; the message names the file and line."""


def _parse_time(value: Any) -> datetime | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value
    text = str(value).strip()
    try:
        dt = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        from email.utils import parsedate_to_datetime

        dt = parsedate_to_datetime(text)
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def article_from_text(text: str, article_id: str, **meta: Any) -> Article:
    """A plain text article: its first line is the title (DESIGN.md)."""
    title, _, body = text.partition("\n")
    return Article(id=article_id, title=title.strip() or None, text=body, **meta)


def load_dir(path: Path) -> list[Article]:
    manifest: dict[str, dict[str, Any]] = {}
    mpath = path / "manifest.json"
    if mpath.exists():
        try:
            data = json.loads(mpath.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise SourceError(f"{mpath}:{exc.lineno}: not valid JSON: {exc.msg}") from None
        for entry in data.get("articles", []):
            manifest[entry["file"]] = entry
    out = []
    for f in sorted(path.iterdir()):
        if f.suffix == ".txt":
            meta = manifest.get(f.name, {})
            out.append(
                article_from_text(
                    f.read_text(encoding="utf-8"),
                    f.stem,
                    outlet=meta.get("outlet"),
                    published=_parse_time(meta.get("published")),
                    url=meta.get("url") or f.resolve().as_uri(),
                )
            )
        elif f.suffix == ".jsonl":
            out.extend(load_jsonl(f))
    return out


def _article(obj: dict[str, Any], where: str) -> Article:
    try:
        obj = dict(obj)
        obj["published"] = _parse_time(obj.get("published"))
        return Article.model_validate(obj)
    except (ValidationError, ValueError, TypeError) as exc:
        raise SourceError(f"{where}: not an article: {exc}".splitlines()[0]) from None


def iter_jsonl(lines: Iterator[str], name: str, *, strict: bool = False) -> Iterator[Article]:
    """Articles from JSON lines; a bad line is reported with its number and skipped."""
    log = get_logger(source=name)
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
            if not isinstance(obj, dict):
                raise SourceError(f"{name}:{n}: expected a JSON object")
            yield _article(obj, f"{name}:{n}")
        except (json.JSONDecodeError, SourceError) as exc:
            msg = f"{name}:{n}: {exc.msg}" if isinstance(exc, json.JSONDecodeError) else str(exc)
            if strict:
                raise SourceError(msg) from None
            log.error("bad_article_line", error=msg)


def load_jsonl(path: Path) -> list[Article]:
    with path.open(encoding="utf-8") as fh:
        return list(iter_jsonl(iter(fh), str(path)))


def load_inputs(inputs: list[str], jsonl: str | None = None) -> list[Article]:
    """What `extract` accepts: files (.txt, .jsonl, .json), directories, or `-` for stdin."""
    out: list[Article] = []
    if jsonl:
        out.extend(load_jsonl(Path(jsonl)))
    for item in inputs:
        if item == "-":
            data = sys.stdin.read()
            if data.lstrip().startswith("{"):
                out.extend(iter_jsonl(iter(data.splitlines()), "<stdin>"))
            else:
                out.append(article_from_text(data, "stdin"))
            continue
        p = Path(item)
        if p.is_dir():
            out.extend(load_dir(p))
        elif p.suffix in (".jsonl", ".json"):
            out.extend(load_jsonl(p))
        else:
            out.append(article_from_text(p.read_text(encoding="utf-8"), p.stem,
                                         url=p.resolve().as_uri()))
    return out


def by_published(articles: list[Article]) -> list[Article]:
    return sorted(articles, key=lambda a: (a.published_or_epoch(), a.id))
