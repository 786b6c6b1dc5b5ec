"""Read a YAML list of entries with the line each entry starts on, for errors that point."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError


class ConfigFileError(ValueError):
    """A configuration file that cannot be used; the message names the file and line."""


def entries(path: Path, section: str) -> list[tuple[int, Any]]:
    """(line, value) for each item of the top-level list `section` of a YAML file."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigFileError(f"{path}: cannot read: {exc.strerror}") from None
    try:
        root = yaml.compose(text)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        raise ConfigFileError(f"{where}: not valid YAML: {getattr(exc, 'problem', exc)}") from None
    if data is None:
        return []
    if not isinstance(data, dict) or section not in data:
        raise ConfigFileError(f"{path}:1: expected a top-level `{section}:` list")
    unknown = set(data) - {section}
    if unknown:
        raise ConfigFileError(f"{path}:1: unknown top-level keys {sorted(unknown)}")
    items = data[section] or []
    if not isinstance(items, list):
        raise ConfigFileError(f"{path}: `{section}` must be a list")
    lines = [1] * len(items)
    assert root is not None
    for key_node, value_node in root.value:  # type: ignore[union-attr]
        if key_node.value == section and isinstance(value_node, yaml.SequenceNode):
            lines = [n.start_mark.line + 1 for n in value_node.value]
    return list(zip(lines, items, strict=True))


def describe(exc: Exception) -> str:
    """A pydantic ValidationError in one line: field and problem."""
    errors = getattr(exc, "errors", None)
    if callable(errors):
        parts = []
        for e in errors():
            loc = ".".join(str(x) for x in e.get("loc", ())) or "entry"
            parts.append(f"{loc}: {e.get('msg')}")
        return "; ".join(parts)
    return str(exc)


M = TypeVar("M", bound=BaseModel)


def load_models(path: Path, section: str, model: type[M], error: type[ConfigFileError],
                on_error: Callable[[], None], check: Callable[[M], None] | None = None,
                ) -> list[M]:
    """Each entry of `section` as `model`, names unique; errors name file, line and field.

    `on_error` counts the rejection (a metric); `check` may raise `error` for checks
    beyond the model's own (e.g. an environment variable that must be set).
    """
    try:
        items = entries(path, section)
    except ConfigFileError as exc:
        on_error()
        raise error(str(exc)) from None
    out: list[M] = []
    for line, item in items:
        try:
            obj = model.model_validate(item)
            if check is not None:
                check(obj)
        except (ValidationError, error) as exc:
            on_error()
            raise error(f"{path}:{line}: {describe(exc)}") from None
        name = getattr(obj, "name", None)
        if name is not None and any(getattr(o, "name", None) == name for o in out):
            on_error()
            raise error(f"{path}:{line}: duplicate name {name!r}")
        out.append(obj)
    return out
