"""Language is data: Arabic words live in config/, not in monitor/claims code."""

from __future__ import annotations

import ast
import re
from pathlib import Path

CLAIMS = Path(__file__).resolve().parents[1] / "monitor" / "claims"
ARABIC = re.compile("[\u0600-\u06ff]")
MAX_ARABIC_CONSTANTS = 30
MAX_MODULE_LINES = 600


def arabic_constants(path: Path) -> list[tuple[int, str]]:
    """(line, text) of each string constant holding an Arabic letter, docstrings aside."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) \
                and node.body and isinstance(node.body[0], ast.Expr) \
                and isinstance(node.body[0].value, ast.Constant):
            docstrings.add(id(node.body[0].value))
    return [(node.lineno, node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
            and id(node) not in docstrings and ARABIC.search(node.value)]


def test_arabic_constants_are_counted(tmp_path: Path) -> None:
    tree = '"""مقتل"""\nx = "قتل"\ndef f():\n    """جرحى"""\n    return f"{x}ألف"\n'
    probe = tmp_path / "probe.py"
    probe.write_text(tree, encoding="utf-8")
    assert sorted(t for _, t in arabic_constants(probe)) == sorted(["قتل", "ألف"])


def test_at_most_30_arabic_constants_in_claims_code() -> None:
    found = {f"{p.name}:{line}": text for p in sorted(CLAIMS.glob("*.py"))
             if p.name != "normalize.py" for line, text in arabic_constants(p)}
    assert len(found) <= MAX_ARABIC_CONSTANTS, found


def test_no_module_over_600_lines() -> None:
    for path in sorted((CLAIMS.parent).rglob("*.py")):
        lines = len(path.read_text(encoding="utf-8").splitlines())
        assert lines <= MAX_MODULE_LINES, (path, lines)


def test_word_lists_allow_only_clitics_of_the_one_list(tmp_path: Path) -> None:
    import pytest

    from monitor.claims import words

    (tmp_path / "lexicon").mkdir()
    (tmp_path / "lexicon" / "clitics.yaml").write_text(
        "proclitics: [و, ف]\narticle: ال\n", encoding="utf-8")
    (tmp_path / "lexicon" / "probe.yaml").write_text(
        "good: [منهم]\ngood_glued: [و]\nbad: [منهم]\nbad_glued: [x]\n", encoding="utf-8")
    words._load.cache_clear()
    original = words._dir
    words._dir = lambda: tmp_path / "lexicon"  # type: ignore[assignment]
    try:
        assert words.word_set("probe", "good") == {"منهم", "ومنهم"}
        with pytest.raises(ValueError, match="bad_glued"):
            words.word_set("probe", "bad")
        with pytest.raises(KeyError, match="missing"):
            words.word_set("probe", "missing")
    finally:
        words._dir = original  # type: ignore[assignment]
        words._load.cache_clear()
