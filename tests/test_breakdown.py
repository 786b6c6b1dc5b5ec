"""A breakdown without its total stands for the total; with the total given, it adds nothing."""

from __future__ import annotations

from monitor.claims.extract import extract_claims
from monitor.facts.figures import overlaps
from monitor.facts.store import to_record
from monitor.models import Article
from tests.seeds import seed_articles


def _article(text: str) -> Article:
    return Article(id="bd", outlet="o", text=text)


def test_parts_without_a_total_make_a_total_claim() -> None:
    article = _article("نقلت القوات الأمريكية 4253 مقاتلاً عربياً و983 أجنبياً و467 عراقياً "
                       "من سجون الحسكة إلى العراق، بحسب القيادة المركزية الأمريكية.")
    claims = extract_claims(article)
    totals = [c for c in claims if c.derived == "sum of parts"]
    assert len(totals) == 1
    total = totals[0]
    assert (total.low, total.high, total.entity) == (5703, 5703, "fighter")
    assert total.fact_key == "transferred:fighter:iq:total"
    # It agrees with "أكثر من 5700" from another source, and not with 3000.
    floor = extract_claims(_article("قال مسؤول عراقي إن أكثر من 5700 مقاتل نقلوا إلى العراق."))[0]
    rec = to_record(total, article)
    assert overlaps(rec, to_record(floor, article), 0.1)
    three = extract_claims(_article("قال مسؤول إن 3000 مقاتل فقط نقلوا إلى العراق."))[0]
    assert not overlaps(rec, to_record(three, article), 0.1)


def test_a_breakdown_beside_its_own_total_adds_no_claim() -> None:
    seed = next(a for a in seed_articles() if a.id.startswith("004"))
    claims = extract_claims(seed)
    assert {c.low for c in claims} >= {4253, 983, 467, 5700}
    assert not any(c.derived for c in claims)


def test_a_part_of_the_figure_before_it_is_never_summed_into_a_total() -> None:
    from monitor.claims.extract import extract_claims
    from monitor.models import Article

    art = Article(id="p", outlet="o", text="قالت المنظمة إن شركاءها في المجتمع السوري الطبي "
                  "أفادوا بأن 70 شخصا قتلوا بينهم 43 ظهرت عليهم أعراض التسمم في دوما.")
    assert not [c for c in extract_claims(art) if c.derived]


def _facts(text: str) -> dict[str, str | None]:
    from monitor.facts.identity import fact_of

    return {c.text: (str(fact_of(c)) if fact_of(c) else None)
            for c in extract_claims(_article(text)) if c.derived is None}


def test_parts_are_never_facts_of_their_own() -> None:
    """Issue 11 point 3, in the shapes real news wrote them: a part is never held against
    its total, another part, or another outlet's count."""
    got = _facts("وقال مدير مكتب إعلام المفوضية إن من بين القتلى ثلاثة موظفين وأربعة من قوات "
                 "الأمن المحلية في ليبيا.")
    assert got == {"ثلاثة": None, "وأربعة": None}
    got = _facts("وأكدت المصادر أن أكثر من 445 فلسطينيا أصيبوا بجروح في غزة، منها 174 إصابة "
                 "وصلت للمستشفيات، و271 إصابة تم علاجها في النقاط الطبية.")
    assert got["أكثر من 445"] == "injured:person:ps.gaza:total"
    assert got["174"] is None and got["271"] is None


def test_a_sentence_listing_figures_of_one_key_lists_parts() -> None:
    """Sentences by term ("بالسجن المؤبد على 53، وبالسجن 15 عاما على ثلاثة…") are parts of
    the 115 sentenced; two figures of one key ("64 في الولاية و43 في المنطقة") are not."""
    got = _facts("وقالت المحكمة في البحرين إنها قضت بالسجن المؤبد على 53 متهما، وبالسجن 15 عاما "
                 "على ثلاثة متهمين، وبالسجن 7 سنوات على 15 متهما، وبالسجن 5 سنوات على 37 "
                 "متهما.")
    assert got and all(v is None for v in got.values()), got
    got = _facts("وتوفي 64 شخصا في ولاية أوتار براديش في الهند، وتوفي 43 شخصا في منطقة أغرا.")
    assert sum(v is not None for v in got.values()) == 2, got


def test_a_config_copied_before_the_newer_lists_still_loads(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """`newsmon init` copies made before the lists added since (parts, severities, classes of
    the dead, year words) keep working."""
    import os
    import shutil
    import subprocess
    import sys
    from pathlib import Path

    import yaml

    src = Path(__file__).resolve().parents[1] / "config"
    cfg = tmp_path / "config"
    shutil.copytree(src, cfg)
    newer = {"assemble": ["subset_phrases", "enumeration", "severity", "severity_words"],
             "counted": ["class_endings", "not_classes"], "when": ["year_words"]}
    for stage, names in newer.items():
        path = cfg / "lexicon" / f"{stage}.yaml"
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for name in names:
            del data[name]
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    text = tmp_path / "a.txt"
    text.write_text("قتل 12 شخصا في انفجار في بغداد.", encoding="utf-8")
    env = {**os.environ, "NEWSMON_CONFIG_DIR": str(cfg)}
    out = subprocess.run([sys.executable, "-m", "monitor", "extract", str(text)], env=env,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "killed:person:iq.baghdad:total" in out.stdout
