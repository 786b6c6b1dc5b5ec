"""The word lists each stage reads, from config/lexicon/<stage>.yaml, and the one list of
clitics (config/lexicon/clitics.yaml).

Loaded once, at import, from the configured directory (NEWSMON_CONFIG_DIR): the stages
bind them as module constants, so the hot paths test membership in a frozenset as before.
A list may allow glued clitics (`<name>_glued: [و, ف]`), named from the one clitic list.
"""

from __future__ import annotations

from fractions import Fraction
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from monitor.claims.normalize import normalize_term


def _dir() -> Path:
    from monitor.settings import get_settings

    return get_settings().config_dir / "lexicon"


@cache
def _load(stage: str) -> dict[str, Any]:
    path = _dir() / f"{stage}.yaml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        raise FileNotFoundError(f"{path}: the {stage} stage's word lists are missing") from None
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a mapping of list names to words")
    return data


def _get(stage: str, name: str) -> Any:
    data = _load(stage)
    if name not in data:
        raise KeyError(f"{_dir() / stage}.yaml: no list named {name!r}")
    return data[name]


def optional(stage: str, name: str, default: Any) -> Any:
    """A list (or a word) added after users' `newsmon init` copies were made: its entries
    as written, or `default` when a copy has none, so that copy still loads."""
    found = _load(stage).get(name)
    if found is None:
        return default
    return tuple(str(w) for w in found) if isinstance(found, list) else str(found)


def word(stage: str, name: str) -> str:
    """One word, as written."""
    return str(_get(stage, name))


def word_set(stage: str, name: str) -> frozenset[str]:
    """A list of words as written, with the glued forms its `<name>_glued` allows."""
    found = [str(w) for w in _get(stage, name)]
    glue = _load(stage).get(f"{name}_glued") or []
    unknown = set(glue) - set(clitics("proclitics"))
    if unknown:
        raise ValueError(f"{_dir() / stage}.yaml: {name}_glued: {sorted(unknown)} are not in "
                         "clitics.yaml's proclitics")
    return frozenset(found) | {c + w for c in glue for w in found}


def ordered(stage: str, name: str) -> tuple[str, ...]:
    """A list of words in its order, as written."""
    return tuple(str(w) for w in _get(stage, name))


def clitics(name: str) -> tuple[str, ...]:
    """A list of clitics.yaml in its order; every one is a proclitic or the article."""
    found = ordered("clitics", name) if name != "article" else (word("clitics", name),)
    allowed = {*_get("clitics", "proclitics"), _get("clitics", "article")}
    if not set(found) <= allowed:
        raise ValueError(f"{_dir()}/clitics.yaml: {name}: {sorted(set(found) - allowed)} "
                         "are not proclitics")
    return found


def normalised(stage: str, name: str) -> frozenset[str]:
    """A list of words normalised like text (any spelling works)."""
    return frozenset(normalize_term(str(w)) for w in _get(stage, name))


def values(stage: str, name: str) -> dict[str, Any]:
    """A mapping of words (normalised like text) to numbers; `a/b` is the fraction a/b."""
    out: dict[str, Any] = {}
    for w, v in _get(stage, name).items():
        if isinstance(v, str):
            f = Fraction(v)
            v = f.numerator / f.denominator
        out[normalize_term(str(w))] = v
    return out
