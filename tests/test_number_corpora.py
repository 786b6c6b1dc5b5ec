"""Public Arabic number corpora (../shared/corpora/numbers) through `newsmon extract --all-numbers`.

Standard-Arabic cardinal, decimal, percent and money cases (not AR_EG, not SUSPECT) must
yield the stated value at least 97% of the time; other kinds are reported.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPORTS

ROOT = Path(__file__).resolve().parents[1]
CORE_KINDS = {"cardinal", "decimal", "percent", "money"}


def _cases(shared: Path) -> list[dict[str, Any]]:
    cases = []
    for f in sorted((shared / "corpora" / "numbers").glob("*.jsonl")):
        for n, line in enumerate(f.read_text(encoding="utf-8").splitlines(), 1):
            case = json.loads(line)
            case["id"] = f"{f.stem}:{n}"
            cases.append(case)
    return cases


def _extract_all(cases: list[dict[str, Any]], tmp: Path) -> dict[str, list[dict[str, Any]]]:
    """One `newsmon extract --all-numbers` run over every case (one article per case)."""
    src = tmp / "cases.jsonl"
    src.write_text("".join(json.dumps({"id": c["id"], "text": c["text"]}, ensure_ascii=False)
                           + "\n" for c in cases), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    proc = subprocess.run([sys.executable, "-m", "monitor", "extract", "--all-numbers",
                           "--jsonl", str(src)], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    found: dict[str, list[dict[str, Any]]] = {}
    for line in proc.stdout.splitlines():
        obj = json.loads(line)
        if "number" in obj:
            found.setdefault(obj["number"]["article_id"], []).append(obj["number"])
    return found


def _close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return abs(a - b) <= 1e-6 * max(1.0, abs(b))


def _hit(case: dict[str, Any], numbers: list[dict[str, Any]]) -> bool:
    if case.get("kind") in ("range", "money_range"):
        return any(_close(n["low"], case.get("min")) and _close(n["high"], case.get("max"))
                   for n in numbers)
    value = case.get("value")
    return any(_close(n["value"], value) or _close(n["low"], value) for n in numbers)


@pytest.fixture(scope="module")
def corpus(shared_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[
        list[dict[str, Any]], dict[str, list[dict[str, Any]]]]:
    cases = _cases(shared_dir)
    return cases, _extract_all(cases, tmp_path_factory.mktemp("numbers"))


def test_standard_arabic_values(corpus: tuple[list[dict[str, Any]], dict[str, Any]]) -> None:
    cases, found = corpus
    core = [c for c in cases if c.get("kind") in CORE_KINDS and c.get("locale") != "AR_EG"
            and not str(c.get("reviewer_note", "")).startswith("SUSPECT")
            and c.get("value") is not None]
    misses = [c for c in core if not _hit(c, found.get(c["id"], []))]
    rate = 1 - len(misses) / len(core)
    REPORTS.append(f"number corpora, standard Arabic {sorted(CORE_KINDS)}: "
                   f"{len(core) - len(misses)}/{len(core)} = {rate:.1%} (bar 97%)")
    for c in misses:
        got = [(n["text"], n["value"], n["kind"]) for n in found.get(c["id"], [])]
        REPORTS.append(f"  miss {c['id']} {c['text']!r} expected {c['value']} got {got}")
    assert len(core) > 400
    assert rate >= 0.97


def test_other_kinds_are_reported(corpus: tuple[list[dict[str, Any]], dict[str, Any]]) -> None:
    cases, found = corpus
    tally: Counter[str] = Counter()
    hits: Counter[str] = Counter()
    for c in cases:
        kind = c.get("kind")
        if kind in CORE_KINDS and c.get("locale") != "AR_EG":
            continue
        label = f"{kind}{' (AR_EG)' if c.get('locale') == 'AR_EG' else ''}"
        if c.get("value") is None and kind not in ("range", "money_range"):
            continue
        tally[label] += 1
        hits[label] += _hit(c, found.get(c["id"], []))
    for label in sorted(tally):
        REPORTS.append(f"number corpora, {label}: {hits[label]}/{tally[label]} (reported only)")
    assert sum(tally.values()) > 0




def _in_words(text: str) -> bool:
    return not any(c.isdigit() for c in text)


def test_the_dual_of_thousand_is_a_count_not_a_year(
        corpus: tuple[list[dict[str, Any]], dict[str, Any]]) -> None:
    """Year-sized numbers in words that the corpora give as amounts: the dual of thousand
    (الفان, ألفين, ألفا جندي, قرابة ألفي شخص) and amounts with a unit (ألفان وتسعة في المائة)
    are counts, not years. A bare compound (ألفان وتسعة) with nothing counted after it reads
    as a year, as newswire's "في الفين وخمسة عشر" (2015) does: reported only."""
    cases, found = corpus
    picked = [c for c in cases if c.get("kind") in CORE_KINDS and _in_words(c["text"])
              and isinstance(c.get("value"), (int, float)) and 1900 <= c["value"] <= 2100
              and not str(c.get("reviewer_note", "")).startswith("SUSPECT")]
    as_year = [c for c in picked
               if not any(_close(n["value"], c["value"]) and n["kind"] != "year"
                          for n in found.get(c["id"], []))]
    for c in as_year:
        got = [(n["text"], n["kind"]) for n in found.get(c["id"], [])]
        REPORTS.append(f"  number corpora, year-sized words read as a year: {c['id']} "
                       f"{c['text']!r} {got}")
    must_count = [c["id"] for c in as_year if c["value"] == 2000 or c["kind"] != "cardinal"]
    assert len(picked) >= 10
    assert must_count == []
