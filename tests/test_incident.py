"""A fact is an incident: figures meet only when their reports are about the same incident,
or are points of one stated running series (monitor/facts/incident.py).

Real Redis (the store's windowed settle); articles written for this project in the shapes
the real months showed."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

import pytest
import redis

from monitor.claims.extract import extract_claims
from monitor.facts.days import Start, day_named, series_start
from monitor.facts.incident import as_series, is_series, span_days
from monitor.facts.store import FactStore
from monitor.keys import Keys
from monitor.models import Article, ClaimRecord

pytestmark = pytest.mark.integration

T0 = datetime(2026, 3, 2, 8, tzinfo=UTC)


def art(i: str, hours: float, title: str, text: str, outlet: str | None = None) -> Article:
    return Article(id=i, outlet=outlet or i, title=title, text=text,
                   published=T0 + timedelta(hours=hours))


def alerts(client: redis.Redis, ns: str, arts: list[Article]) -> set[tuple[str, str, str]]:
    store = FactStore(client, Keys(ns), tolerance=0.1, later_days=14)
    for a in arts:
        for c in extract_claims(a):
            if c.fact_key and c.modality == "count":
                store.record(as_series(c), a)
    out = set()
    for key in store.fact_keys():
        got = store.get(key)
        assert got is not None
        by_id = {c.claim_id: c for c in got[1]}
        for c in got[1]:
            if c.verdict in ("contradicts", "updates") and c.compared_with in by_id:
                out.add((by_id[c.compared_with].article_id, c.article_id, c.verdict))
    return out


HOMS = ("غارات على ريف حمص", "قتل 12 شخصا في غارات جوية استهدفت سوقا شعبية في سوريا صباح "
        "الاثنين، بحسب المرصد السوري لحقوق الإنسان. وقال المرصد إن الطائرات الحربية قصفت "
        "السوق المزدحم بالمتسوقين.")
HOMS_2 = ("ارتفاع حصيلة الغارات على سوق في ريف حمص", "قتل 19 شخصا في الغارات الجوية التي "
          "استهدفت سوقا شعبية مزدحما بالمتسوقين في سوريا الاثنين، وفق حصيلة جديدة للمرصد "
          "السوري لحقوق الإنسان.")
IDLIB = ("انفجار عبوة ناسفة في إدلب", "قتل خمسة أشخاص بانفجار عبوة ناسفة استهدفت حافلة "
         "تقل عمالا في سوريا مساء الاثنين، ولم تتبن أي جهة التفجير.")


def test_two_incidents_in_one_country_do_not_meet(redis_client: redis.Redis) -> None:
    got = alerts(redis_client, "inc-two", [art("homs", 0, *HOMS), art("idlib", 6, *IDLIB)])
    assert got == set()


def test_two_reports_of_one_incident_meet(redis_client: redis.Redis) -> None:
    got = alerts(redis_client, "inc-one", [art("homs", 0, *HOMS), art("idlib", 3, *IDLIB),
                                            art("homs2", 8, *HOMS_2)])
    assert {(p, c) for p, c, _ in got} == {("homs", "homs2")}


def test_the_same_in_any_arrival_order(redis_client: redis.Redis) -> None:
    arts = [art("homs", 0, *HOMS), art("idlib", 3, *IDLIB), art("homs2", 8, *HOMS_2)]
    want = alerts(redis_client, "inc-ref", arts)
    for seed in range(3):
        shuffled = list(arts)
        random.Random(seed).shuffle(shuffled)
        assert alerts(redis_client, f"inc-{seed}", shuffled) == want


def test_the_alert_carries_its_evidence(redis_client: redis.Redis) -> None:
    from monitor.alerts.ledger import build_alert

    store = FactStore(redis_client, Keys("inc-ev"), tolerance=0.1, later_days=14)
    raised = []
    for a in (art("homs", 0, *HOMS), art("homs2", 8, *HOMS_2)):
        for c in extract_claims(a):
            if c.fact_key:
                rec = store.record(as_series(c), a)
                raised += [build_alert(rec.fact, r) for r in rec.raised]
    assert len(raised) == 1
    ev = raised[0].evidence
    assert ev["story_similarity"] > 0.35 and not ev["same_article"]
    assert 0 < raised[0].confidence <= 1


def test_two_towns_of_a_province_meet_only_by_their_stories(redis_client: redis.Redis
                                                             ) -> None:
    # Same province, same day, short reports with little in common: under a province's key
    # they would meet (LOCAL_DAYS), but they name two towns.
    hawija = art("hawija", 0, "هجوم في الحويجة", "قُتل خمسة أشخاص في هجوم على نقطة تفتيش "
                 "في قضاء الحويجة جنوب غربي كركوك.")
    daquq = art("daquq", 6, "انفجار قرب داقوق", "أودى انفجار عبوة ناسفة بحياة تسعة أشخاص "
                "قرب بلدة داقوق جنوبي كركوك.")
    assert alerts(redis_client, "inc-towns", [hawija, daquq]) == set()
    kirkuk = art("kirkuk", 6, "انفجار في كركوك", "أودى انفجار عبوة ناسفة بحياة تسعة أشخاص "
                 "في محافظة كركوك.")
    assert {(p, c) for p, c, _ in alerts(redis_client, "inc-town-prov", [hawija, kirkuk])} \
        == {("hawija", "kirkuk")}


def test_a_figure_of_another_time_is_no_earlier_report_of_the_incident(
        redis_client: redis.Redis) -> None:
    # A day later, the crash story recalls last June's crash: that figure, dated a year
    # back, sorts first and must not stand as the incident's earlier report.
    title = "تحطم طائرة عسكرية في الجزائر"
    first = art("a", 0, title, "قال الدفاع المدني إن 180 شخصا على الأقل قتلوا في تحطم طائرة "
                "نقل عسكرية جزائرية قرب العاصمة الجزائر صباح الأربعاء.")
    later = art("b", 1.5, title, "ارتفع عدد قتلى تحطم طائرة النقل العسكرية الجزائرية قرب "
                "العاصمة الجزائر صباح الأربعاء، وقالت وزارة الدفاع إن 257 شخصا قتلوا.")
    recall = art("c", 26, title, "نكست الجزائر راياتها حدادا على ضحايا تحطم طائرة النقل "
                 "العسكرية قرب العاصمة. وفي حزيران/يونيو العام الماضي، قتل اثنان في تحطم "
                 "مروحية عسكرية في الجزائر.")
    got = alerts(redis_client, "inc-recall", [first, later, recall])
    assert ("a", "b", "updates") in got


def first(text: str, figure: str | None = None) -> bool:
    """Whether the first claim (or the one of `figure`) of a one-sentence article is a
    point of a series."""
    found = extract_claims(Article(id="s", text=text))
    return is_series(next(c for c in found if figure in (None, c.text)))


def test_since_a_date_is_a_running_total_and_days_ago_is_not() -> None:
    assert first("وارتفع عدد القتلى الفلسطينيين منذ 30 آذار/مارس إلى 21 قتيلا.")
    assert first("وقتل 34 فلسطينيا منذ 30 مارس في احتجاجات على حدود غزة.")
    assert not first("قتل 5 أشخاص منذ يومين في غزة.")
    assert not first("قتل 5 أشخاص منذ 3 أيام في غزة.")
    # A date the sentence before gave, and a span that runs to now (real Gaza reports).
    assert first("ومنذ ذلك التاريخ قتل 33 فلسطينيا، وأصيب نحو 2800 آخرين.")
    assert first("وقالت بنسودا في بيان عقب مقتل 29 فلسطينيا خلال الأسبوعين الأخيرين.")
    assert first("وبهذا يرتفع عدد قتلى الفلسطينيين في التظاهرات المستمرة منذ أسبوعين إلى 28.")
    assert first("وتقول الوزارة إن القوات قتلت 46 فلسطينيا منذ بدأت الاحتجاجات في غزة.")
    assert first("وبذلك يرتفع إلى 21 عدد الذين قتلوا منذ الجمعة في 30 آذار/مارس في غزة.")
    # With «و» glued on (France 24, 27 May 2018).
    assert first("ومنذ 30 آذار/مارس الماضي قتل ما لا يقل عن 118 فلسطينيا وأصيب آلاف آخرون.")
    # The start's date after the event it names, the toll's figure written in the date
    # too: the figure read is the toll's, not the date's (real France 24, 9 April 2018).
    assert first("ويسود التوتر منطقة السياج الحدودي بين غزة وإسرائيل منذ صدامات رافقت "
                 "\"يوم الأرض\" في 30 آذار/مارس أوقعت 30 قتيلا فلسطينيا.")
    # Since a weekday: a count over the days from it (real Sky News, 15 May 2018).
    assert first("أعلنت الوزارة مقتل فلسطينيين اثنين، ليرتفع عدد القتلى منذ الاثنين إلى 62.",
                 "62")


def test_a_total_of_one_day_is_no_series() -> None:
    assert not first("وأعلنت الوزارة أن إجمالي إصابات الجمعة لا يقل عن 400 في غزة.")
    assert first("وبلغ إجمالي القتلى منذ بدء الحرب 10 آلاف شخص في اليمن.")


def test_a_count_over_weeks_is_a_running_total_and_a_week_after_is_not() -> None:
    # Real Gaza reports (April and May 2018): a count over the span of the protests.
    assert first("وواجهت إسرائيل انتقادات بعد 10 أيام من الاحتجاجات، حيث قتلت قواتها 30 "
                 "فلسطينيا، وفق وزارة الصحة في غزة.")
    assert first("وفي خطاب بشأن أعمال العنف التي أسفرت عن مقتل أكثر من 100 شخص في غزة في غضون "
                 "ستة أسابيع، حذر المفوض السامي.")
    assert first("وتأتي هذه الحادثة بعد ستة أسابيع، شهدت خلالها حدود غزة احتجاجات راح ضحيتها 51 "
                 "فلسطينيا.")
    assert first("وبذلك يرتفع إلى 21 عدد الفلسطينيين الذين قتلوا منذ الجمعة في 30 آذار/مارس، من "
                 "بينهم 19 في مواجهات يوم الجمعة.")
    # A cue that starts within the figure's clause may end past the words it starts in.
    assert first("رحّلت السلطات 2300 مهاجر إلى النيجر عبر بلدة أساماكا الحدودية منذ مطلع "
                 "مارس/آذار.")
    # A week of which the figure is the toll, a day named before the span dating the
    # protests to come (real France 24, 5 April 2018); not a week after an attack.
    assert first("وتأتي المظاهرات المرتقبة الجمعة بعد أسبوع دام قتل خلاله 20 فلسطينيا برصاص "
                 "الجيش الإسرائيلي.")
    assert first("توعد ليبرمان برد قاس في مواجهة مظاهرات جديدة الجمعة، بعد أسبوع دموي قتل فيه "
                 "الجيش الإسرائيلي 20 فلسطينيا.")
    assert not first("وجاء الانفجار بعد أسبوع من وقوع تفجير في مركز لتسجيل الناخبين مما أدى "
                     "إلى مقتل 60 شخصا.")
    # A week after one day's toll; a day the clause names is the figure's, not the span.
    assert not first("بعد أسبوع على مقتل 17 فلسطينياً برصاص الجيش يوم الجمعة الماضي، يستعد "
                     "المتظاهرون.")
    assert not first("وتأتي الغارة بعد أسابيع من التظاهرات بلغت ذروتها الاثنين مع مقتل 60 "
                     "فلسطينيا.")
    # Before it too, when the clause names the day; not when it names none (the Ghouta
    # offensive's running toll, real Sky News, April 2018).
    assert not first("وفي أكثر الأيام دموية في النزاع الإسرائيلي الفلسطيني منذ حرب غزة عام "
                     "2014، قُتل الإثنين ما لا يقل عن 55 فلسطينياً في اشتباكات.")
    # ... and when the superlative stands further back than the words a cue is read in.
    assert not first("وفي أكثر الأيام دموية في النزاع الإسرائيلي الفلسطيني منذ حرب غزة عام "
                     "2014، قُتل الإثنين ما لا يقل عن 55 فلسطينياً في اشتباكات وجُرح أكثر من "
                     "2400", "أكثر من 2400")
    assert first("وكان الهجوم على الغوطة واحدا من أعنف الهجمات في الحرب السورية المستمرة منذ 7 "
                 "سنوات، وقال المرصد السوري إنه أسقط أكثر من 1600 قتيل مدني.")
    # After the figure, a superlative before «منذ» compares the day with the past.
    assert not first("أسفرت الاحتجاجات عن مقتل 16 فلسطينياً وإصابة أكثر من 1400 آخرين في أسوأ "
                     "يوم من أعمال العنف منذ حرب غزة عام 2014.")


def test_a_series_from_a_start_never_meets_one_days_toll(redis_client: redis.Redis) -> None:
    """60 killed on Monday, or 41 so far on Monday, is no earlier report of the 116 killed
    since 30 March: only the 54 counted since that date is."""
    since = art("since", 0, "احتجاجات على حدود غزة", "وقتل 54 فلسطينيا منذ 30 آذار/مارس في "
                "الاحتجاجات على حدود قطاع غزة، بحسب وزارة الصحة في غزة.")
    so_far = art("so_far", 5, "مواجهات على حدود غزة", "واندلعت مواجهات عنيفة، الاثنين، على حدود "
                 "قطاع غزة، وقد أدت حتى الآن إلى مقتل 41 فلسطينيا، بحسب وزارة الصحة في غزة.")
    day = art("day", 30, "الأمم المتحدة تنتقد إسرائيل", "وقال المسؤول الدولي إنه قتل 60 "
              "فلسطينيا في يوم واحد من الاحتجاجات على حدود قطاع غزة، بحسب وزارة الصحة في غزة.")
    later = art("later", 100, "حصيلة الاحتجاجات على حدود غزة", "وقتل 116 فلسطينيا منذ 30 "
                "آذار/مارس الماضي في الاحتجاجات على حدود قطاع غزة، بحسب وزارة الصحة في غزة.")
    got = alerts(redis_client, "inc-day-span", [since, so_far, day, later])
    assert got == {("since", "later", "updates")}


def start_of(text: str, published: datetime, figure: str | None = None) -> Start | None:
    found = extract_claims(Article(id="s", text=text, published=published))
    c = next(c for c in found if figure in (None, c.text))
    return series_start(ClaimRecord(**c.model_dump(), claim_id="s", published=published))


def test_a_series_start_is_read_from_its_since() -> None:
    tuesday = datetime(2018, 5, 15, 12, tzinfo=UTC)
    assert start_of("وارتفع عدد القتلى في غزة منذ الاثنين إلى 62.", tuesday) \
        == Start(date(2018, 5, 14), year_only=False)
    assert start_of("وقتل 54 فلسطينيا منذ 30 آذار/مارس في غزة.", tuesday) \
        == Start(date(2018, 3, 30), year_only=False)
    # The date wins over the weekday it names; a start after the report's day is last year's.
    assert start_of("وبذلك يرتفع إلى 21 عدد الذين قتلوا منذ الجمعة في 30 آذار/مارس في غزة.",
                    tuesday) == Start(date(2018, 3, 30), year_only=False)
    assert start_of("وقتل 300 شخص منذ 20 حزيران في اليمن.", tuesday) \
        == Start(date(2017, 6, 20), year_only=False)
    assert start_of("وقتل 46 فلسطينيا منذ بدأت الاحتجاجات في 30 مارس في غزة.", tuesday) \
        == Start(date(2018, 3, 30), year_only=False)
    assert start_of("وبلغ عدد القتلى منذ عام 2015 نحو 10 آلاف شخص في اليمن.", tuesday) \
        == Start(date(2015, 1, 1), year_only=True)
    # No such day: no start, and no error in the worker.
    assert start_of("وقتل 300 شخص منذ 31 نيسان في اليمن.", tuesday) is None
    # A start the clause does not date meets any series.
    assert start_of("وبلغ إجمالي القتلى منذ بدء الحرب 10 آلاف شخص في اليمن.", tuesday) is None
    assert Start(date(2018, 5, 14), False).apart(Start(date(2018, 3, 30), False))
    assert not Start(date(2018, 3, 30), False).apart(Start(date(2018, 3, 31), False))
    assert not Start(date(2018, 3, 30), False).apart(Start(date(2018, 1, 1), True))
    assert Start(date(2015, 1, 1), True).apart(Start(date(2018, 3, 30), False))


def test_series_from_other_starts_do_not_meet(redis_client: redis.Redis) -> None:
    """The 62 killed in Gaza since Monday are no later point of the 46 killed since 30
    March, nor a revision of Monday's 60; the 61 killed since Monday are (real shapes, Gaza,
    14-16 May 2018)."""
    since_march = art("march", 0, "احتجاجات على حدود غزة", "وتقول وزارة الصحة في غزة إن "
                      "القوات الإسرائيلية قتلت 46 فلسطينيا منذ بدأت الاحتجاجات في 30 مارس.")
    monday = art("monday", 30, "مقتل 60 فلسطينيا في غزة", "وقتلت القوات الإسرائيلية 60 "
                 "فلسطينيا الاثنين في الاحتجاجات على حدود قطاع غزة، بحسب وزارة الصحة في غزة.")
    since_monday = art("since_mon", 50, "ارتفاع عدد القتلى في غزة", "وارتفع عدد القتلى "
                       "الفلسطينيين على حدود قطاع غزة منذ الاثنين إلى 61، بحسب وزارة الصحة في "
                       "غزة.")
    later = art("later", 56, "ارتفاع عدد القتلى في غزة", "وارتفع عدد القتلى الفلسطينيين على "
                "حدود قطاع غزة منذ الاثنين إلى 62، بحسب وزارة الصحة في غزة.")
    got = alerts(redis_client, "inc-starts", [since_march, monday, since_monday, later])
    assert got == {("since_mon", "later", "updates")}


def test_a_series_that_starts_after_a_report_is_not_the_one_it_counted(
        redis_client: redis.Redis) -> None:
    """"53 killed so far" on a Saturday (its start undated) is no earlier point of "62
    killed since Monday" two days later: that series began after the 53 were reported
    (real shapes, France 24 and Sky News Arabia, Gaza, 12-15 May 2018). T0 is a Monday."""
    so_far = art("so_far", -48, "احتجاجات على حدود غزة", "وقتل 53 فلسطينيا على يد القوات "
                 "الإسرائيلية حتى الآن من المشاركين في الاحتجاجات على حدود قطاع غزة.")
    since_monday = art("since_mon", 30, "ارتفاع عدد القتلى في غزة", "وارتفع عدد القتلى "
                       "الفلسطينيين على حدود قطاع غزة منذ الاثنين إلى 62، بحسب وزارة الصحة في "
                       "غزة.")
    got = alerts(redis_client, "inc-after", [so_far, since_monday])
    assert got == set()
    # Had the "so far" been reported after Monday, it could be a point of that series.
    so_far_later = art("so_far2", 10, *so_far.model_dump(include={"title", "text"}).values())
    got = alerts(redis_client, "inc-after2", [so_far_later, since_monday])
    assert got == {("so_far2", "since_mon", "updates")}


def test_two_fronts_of_one_war_are_two_battles(redis_client: redis.Redis) -> None:
    """Daily war reports read alike (real Sky News and Al Arabiya, Yemen, May 2018): a
    toll on one named front is no report of a toll on another, while a front's own toll
    revised is."""
    coast = art("coast", 0, "اشتباكات عنيفة في الساحل الغربي", "قتل 16 من مسلحي الميليشيات "
                "الحوثية وأصيب 22 آخرون في اشتباكات مع قوات المقاومة على جبهة الساحل الغربي "
                "في اليمن، بحسب مصادر عسكرية.")
    saada = art("saada", 20, "غارات للتحالف على تعزيزات الحوثيين", "قتل 15 من مسلحي الميليشيات "
                "الحوثية بغارات للتحالف على تعزيزات عسكرية في جبهة متاف البقع في اليمن، بحسب "
                "مصادر عسكرية.")
    coast2 = art("coast2", 26, "حصيلة جديدة لاشتباكات الساحل الغربي", "ارتفع عدد قتلى "
                 "الميليشيات الحوثية في اشتباكات مع قوات المقاومة على جبهة الساحل الغربي في "
                 "اليمن إلى 23، بحسب مصادر عسكرية.")
    got = alerts(redis_client, "inc-fronts", [coast, saada, coast2])
    assert ("coast", "saada", "contradicts") not in got
    assert ("coast", "coast2", "updates") in got


def named_day(text: str, published: datetime) -> object:
    c = extract_claims(Article(id="d", text=text, published=published))[0]
    return day_named(ClaimRecord(**c.model_dump(), claim_id="d", published=published))


def test_the_day_a_figure_names_is_read_against_its_report() -> None:
    saturday = datetime(2018, 4, 7, 14, 55, tzinfo=UTC)
    # Real shapes (Douma, April 2018; Gaza, May 2018).
    assert named_day("وأسفرت الغارات والقصف الجمعة عن مقتل 40 مدنيا في دوما.",
                     saturday) == date(2018, 4, 6)
    assert named_day("وقتل السبت 8 أشخاص في غارات على دوما.", saturday) == date(2018, 4, 7)
    assert named_day("وأدت تظاهرة الجمعة الماضي إلى مقتل 17 فلسطينيا.",
                     datetime(2018, 4, 6, 10, tzinfo=UTC)) == date(2018, 3, 30)
    assert named_day("وقتل أمس 5 أشخاص في غزة.", saturday) == date(2018, 4, 6)
    # A span's ends, and another clause's day, name no day of the count.
    assert named_day("وارتفع عدد القتلى منذ الاثنين إلى 62.", saturday) is None
    assert named_day("وبلغت حصيلة القتلى حتى صباح الثلاثاء 59 شهيدا.", saturday) is None
    assert named_day("وبحلول صباح اليوم وصل عدد المفقودين إلى 21 شخصا.", saturday) is None
    assert named_day("وانفجرت سيارة في سورابايا الاثنين، بعد يوم من قتل 13 شخصا.",
                     saturday) is None
    # Set off by commas next to the figure's clause, the day is the count's (Yemen, May
    # 2018; Douma, April 2018).
    assert named_day("قتل 96 مسلحا من ميليشيات الحوثي في جبهة الساحل الغربي لليمن، الاثنين، "
                     "في وقت دفعت الخسائر قادتها للفرار.",
                     datetime(2018, 5, 28, 8, tzinfo=UTC)) == date(2018, 5, 28)
    assert named_day("قالت مصادر طبية في دوما إن الغارات أسفرت الجمعة عن مقتل 47 شخصا.",
                     saturday) == date(2018, 4, 6)
    # A sentence's only day, clauses after the figure, is the day of its event (Gaza, 6
    # April 2018); with two days in the sentence, a later clause's is no figure's.
    assert named_day("أصيب أكثر من 440 فلسطينيا، بينهم 25 بجروح خطرة، برصاص الجيش "
                     "الإسرائيلي على حدود قطاع غزة الجمعة، إثر تظاهرات حاشدة.",
                     saturday) == date(2018, 4, 6)
    assert named_day("أصيب أكثر من 440 فلسطينيا، بينهم 25 بجروح خطرة، في مواجهات الجمعة، "
                     "بعد تظاهرات الخميس.", saturday) is None
    # The day of a statement, or of the day after the count's (Havana, 19 May 2018; Gaza,
    # 15 May 2018), is not the count's.
    assert named_day("وأعلنت السلطات الكوبية السبت الحداد بعد تحطم طائرة كان على متنها 110 "
                     "أشخاص.", saturday) is None
    assert named_day("يخرج الفلسطينيون للتظاهر اليوم الثلاثاء غداة حمام دم راح ضحيته 59 "
                     "فلسطينيا.", saturday) is None


def test_two_days_tolls_do_not_meet_and_a_days_revised_toll_does(redis_client: redis.Redis
                                                                  ) -> None:
    friday = art("fri", 0, "غارات على دوما", "وأسفرت الغارات والقصف الجمعة عن مقتل 40 مدنيا "
                 "في دوما بالغوطة الشرقية، وفق المرصد السوري لحقوق الإنسان.")
    saturday = art("sat", 24, "غارات على دوما", "وأسفرت الغارات والقصف السبت عن مقتل 8 مدنيين "
                   "في دوما بالغوطة الشرقية، وفق المرصد السوري لحقوق الإنسان.")
    revised = art("sat2", 30, "غارات على دوما", "وأسفرت الغارات والقصف السبت عن مقتل 12 مدنيا "
                  "في دوما بالغوطة الشرقية، وفق حصيلة جديدة للمرصد السوري لحقوق الإنسان.")
    got = alerts(redis_client, "inc-days", [friday, saturday, revised])
    assert {(p, c) for p, c, _ in got} == {("sat", "sat2")}


def test_a_report_is_no_earlier_report_of_a_later_days_toll(redis_client: redis.Redis
                                                            ) -> None:
    # Yemen's west coast, May 2018: Friday's toll of the clashes, then Monday's.
    friday = art("fri", -66, "معارك الساحل الغربي", "ولقي 83 عنصرا من ميليشيات الحوثي مصرعهم "
                 "في مواجهات مع قوات المقاومة في جبهة الساحل الغربي لليمن.")
    monday = art("mon", 1, "معارك الساحل الغربي", "قتل 96 مسلحا من ميليشيات الحوثي في جبهة "
                 "الساحل الغربي لليمن، الاثنين، في مواجهات مع قوات المقاومة.")
    assert alerts(redis_client, "inc-later-day", [friday, monday]) == set()


def test_a_toll_said_to_have_risen_on_a_day_is_the_same_count(redis_client: redis.Redis
                                                              ) -> None:
    # «ارتفعت الحصيلة الاثنين إلى 21»: the day the count got there, not Monday's own toll.
    sunday = art("sun", -20, "فيضانات في جوهر", "لقي 16 شخصا حتفهم جراء فيضانات نهر شبيلي "
                 "في مدينة جوهر الصومالية الأحد، بحسب السلطات المحلية.")
    monday = art("mon", 2, "فيضانات في جوهر", "وارتفعت حصيلة ضحايا فيضانات نهر شبيلي في مدينة "
                 "جوهر الصومالية الاثنين إلى 21 شخصا، بحسب السلطات المحلية.")
    got = alerts(redis_client, "inc-rose-day", [sunday, monday])
    assert got == {("sun", "mon", "updates")}


SERIES = ("حصيلة الحرب في اليمن", "قالت الأمم المتحدة إن نحو 10 آلاف شخص قتلوا في اليمن "
          "منذ بدء الحرب في عام 2015.")
SERIES_LATER = ("الأمم المتحدة: الوضع في اليمن كارثي", "أعلنت منظمة الصحة العالمية أن عدد "
                "القتلى في اليمن منذ بدء الحرب بلغ 12500 شخص.")
ONE_DAY = ("غارة على حفل زفاف في اليمن", "قتل 33 شخصا في غارة جوية استهدفت حفل زفاف في اليمن "
           "الأحد، بحسب مسؤول محلي.")


def test_a_series_meets_across_stories_and_never_one_incident(redis_client: redis.Redis
                                                              ) -> None:
    arts = [art("war", 0, *SERIES), art("wedding", 24, *ONE_DAY),
            art("war2", 24 * 40, *SERIES_LATER)]
    claims = {a.id: [c for c in extract_claims(a) if c.event == "killed"] for a in arts}
    assert all(is_series(c) for c in claims["war"] + claims["war2"])
    assert not any(is_series(c) for c in claims["wedding"])
    got = alerts(redis_client, "inc-series", arts)
    assert got == {("war", "war2", "updates")}


def test_within_one_article_only_two_named_sources_meet(redis_client: redis.Redis) -> None:
    two_sources = art("a", 0, "خلاف حول حصيلة هجوم فرح", "قال مسؤول أفغاني إن سبعة من عناصر "
                      "الأمن قتلوا في هجوم على نقطة تفتيش في ولاية فرح، فيما قال عضو مجلس "
                      "الولاية محمد سرور إن 22 من عناصر الأمن قتلوا في الهجوم.")
    one_source = art("b", 24 * 20, "هجوم على حافلة في ولاية غزني", "قتل أربعة من عناصر الأمن "
                     "في هجوم على حافلة في ولاية غزني أمس. وقال مسؤول أفغاني إن 40 من عناصر "
                     "الأمن قتلوا في الولاية هذا الشهر.")
    got = alerts(redis_client, "inc-article", [two_sources, one_source])
    assert got == {("a", "a", "contradicts")}


def test_confidence_is_learned_and_routes_hold_back_the_unsure() -> None:
    from monitor.alerts.routes import Route
    from monitor.facts.confidence import confidence
    from monitor.models import Alert

    near = {"fact_key": "killed:person:sy.daraa:total", "event": "killed", "unit": "person",
            "low": 40, "high": 40, "published": "2026-03-02T08:00:00+00:00"}
    far = dict(near, low=400, high=400, vague=True, fact_key="killed:person:_:total")
    sure = confidence(near, dict(near, low=44, high=44),
                      {"story_similarity": 0.6, "sentence_overlap": 0.4, "local": True},
                      "contradiction")
    unsure = confidence(far, dict(far, low=12, high=12), {"story_similarity": 0.1},
                        "contradiction")
    assert 0 < unsure < sure < 1  # the model in config/confidence.yaml ranks them
    alert = Alert(id="a", kind="contradiction", fact_key="k", fact={}, previous={},
                  current={}, reason="r", confidence=unsure)
    assert Route(name="all", type="console").matches(alert)
    assert not Route(name="sure", type="console", min_confidence=sure).matches(alert)


def test_confidence_reads_what_the_figures_count_and_which_way_they_move() -> None:
    from monitor.facts.confidence import features

    def claim(text: str, value: float, sentence: str) -> dict[str, object]:
        return {"fact_key": "killed:person:af.ghazni:total", "event": "killed", "unit": "person",
                "text": text, "low": value, "high": value, "sentence": sentence,
                "published": "2018-04-12T07:00:00+00:00"}

    police = claim("20", 20, "قتل 20 شرطيا في هجوم لطالبان على مدينة غزني.")
    police_more = claim("22", 22, "ارتفعت حصيلة الهجوم إلى 22 شرطياً، بحسب مسؤول محلي.")
    rebels = claim("12", 12, "وقتل 12 مسلحا من طالبان في الاشتباكات.")
    alike = features(police, police_more, {}, "update")
    apart = features(police_more, rebels, {}, "contradiction")
    assert alike["same_noun"] == 1.0 and apart["same_noun"] == 0.0  # «شرطيا» is «شرطياً»
    assert alike["close"] == 1.0 and apart["close"] == 0.0  # 20 and 22 lie within 15%
    assert alike["lower_later"] == 0.0 and apart["lower_later"] == 1.0


def test_a_word_estimate_stands_until_a_figure_comes(redis_client: redis.Redis) -> None:
    store = FactStore(redis_client, Keys("inc-word"), tolerance=0.1, later_days=14)
    words = art("w", 0, "غارات على ريف حمص", "سقط عشرات القتلى في غارات جوية استهدفت سوقا "
                "شعبية في ريف حمص صباح الاثنين، بحسب المرصد السوري لحقوق الإنسان.")
    figure = art("f", 4, "غارات على ريف حمص", "قتل 31 شخصا في غارات جوية استهدفت سوقا شعبية في "
                 "ريف حمص صباح الاثنين، بحسب المرصد السوري لحقوق الإنسان.")
    later_words = art("w2", 8, "غارات على ريف حمص", "سقط عشرات القتلى في الغارات الجوية على "
                      "السوق الشعبية في ريف حمص صباح الاثنين، بحسب المرصد السوري لحقوق الإنسان.")

    def current_of(a: Article) -> str | None:
        for c in extract_claims(a):
            if c.fact_key and c.event == "killed":
                fact = store.record(as_series(c), a).fact
                by_id = {r.claim_id: r for r in store.get(fact.key)[1]}  # type: ignore[index]
                return by_id[fact.current_claim].text if fact.current_claim else None
        return None

    assert current_of(words) == "عشرات"  # only a word: the word stands
    assert current_of(figure) == "31"
    assert current_of(later_words) == "31"  # a word never takes over from a figure


def test_a_day_and_its_running_total_in_one_article_do_not_meet(redis_client: redis.Redis
                                                                ) -> None:
    one = art("g", 0, "قتلى برصاص الجيش الإسرائيلي في غزة", "قتل أربعة فلسطينيين برصاص الجيش "
              "الإسرائيلي شرق مدينة غزة الجمعة. وقالت وزارة الصحة إن عدد القتلى في مدينة غزة "
              "منذ بدء الاحتجاجات ارتفع إلى 40 فلسطينيا.")
    claims = [as_series(c) for c in extract_claims(one) if c.event == "killed"]
    assert [c.series for c in claims] == [False, True]  # a day's toll, then the running total
    assert alerts(redis_client, "inc-day-total", [one]) == set()


CRASH_1 = ("تحطم طائرة عسكرية في الجزائر", "نقلت وسائل إعلام محلية عن الدفاع المدني مقتل 180 "
           "شخصا على الأقل في تحطم طائرة عسكرية قرب مطار بوفاريك في الجزائر.")
CRASH_2 = ("مقتل 257 شخصا في تحطم طائرة عسكرية بالجزائر", "أعلنت وزارة الدفاع الجزائرية مقتل "
           "257 شخصا في تحطم الطائرة العسكرية قرب مطار بوفاريك في الجزائر.")


def test_a_toll_well_beyond_an_earlier_floor_is_an_update(redis_client: redis.Redis) -> None:
    """"at least 180" in the morning, 257 by noon (the Algerian crash of April 2018): the
    floor was what had been counted; "more than 900" and 912 still agree."""
    got = alerts(redis_client, "inc-floor",
                 [art("f24", 0, *CRASH_1), art("sky", 1.5, *CRASH_2)])
    assert got == {("f24", "sky", "updates")}
    near = (CRASH_2[0].replace("257", "190"), CRASH_2[1].replace("257", "190"))
    assert alerts(redis_client, "inc-floor-near",
                  [art("f24", 0, *CRASH_1), art("sky", 1.5, *near)]) == set()


GAZA_1 = ("مقتل فلسطينيين على حدود غزة", "قالت وزارة الصحة في غزة إن 31 فلسطينيا قتلوا برصاص "
          "القوات الإسرائيلية على حدود قطاع غزة منذ بدء الاحتجاجات.")
GAZA_2 = ("احتجاجات غزة", "وقتل ما لا يقل عن تسعة فلسطينيين بالرصاص في احتجاجات نهاية "
          "الأسبوع على حدود قطاع غزة.")
GAZA_3 = ("المحكمة الجنائية تحذر بشأن غزة", "قالت المدعية العامة في بيان عقب مقتل 24 "
          "فلسطينيا برصاص القوات الإسرائيلية على حدود قطاع غزة إن أي جريمة جديدة قد تخضع "
          "للتحقيق.")


def test_a_stated_count_is_held_to_the_last_stated_count_not_a_bound_between(
        redis_client: redis.Redis) -> None:
    """31 killed, then "at least nine", then 24: the 24 disagrees with the 31; the bound
    that came between says nothing against it."""
    got = alerts(redis_client, "inc-firm", [art("a", 0, *GAZA_1), art("b", 3, *GAZA_2),
                                            art("c", 6, *GAZA_3)])
    assert ("a", "c", "contradicts") in got


def test_a_toll_ten_times_another_is_another_span_unless_it_rose_that_day(
        redis_client: redis.Redis) -> None:
    """The 1,600 dead of a months-long offensive, told in the next day's story of one
    strike's 12, is no earlier report of that strike; Gaza's injured, 12 in the morning and
    more than 900 by the evening of the same day, are one count rising."""
    title = "قتلى في غارات على ريف دمشق"
    offensive = art("a", 0, title, "قال المرصد السوري لحقوق الإنسان إن 1600 مدني قتلوا في "
                    "الغوطة الشرقية بريف دمشق في الهجوم على الغوطة.")
    strike = art("b", 20, title, "قال المرصد السوري لحقوق الإنسان إن 12 مدنيا قتلوا في غارة "
                 "جوية على الغوطة الشرقية بريف دمشق.")
    assert alerts(redis_client, "inc-span", [offensive, strike]) == set()
    gaza = "إصابات برصاص إسرائيلي على حدود غزة"
    morning = art("c", 0, gaza, "قالت وزارة الصحة في غزة إن 12 فلسطينيا أصيبوا برصاص الجيش "
                  "الإسرائيلي قرب السياج الحدودي شرق قطاع غزة.")
    evening = art("d", 9, gaza, "قالت وزارة الصحة في غزة إن أكثر من 900 فلسطيني أصيبوا "
                  "برصاص الجيش الإسرائيلي قرب السياج الحدودي شرق قطاع غزة.")
    assert ("c", "d", "updates") in alerts(redis_client, "inc-rise", [morning, evening])


def test_a_provinces_figure_meets_the_countrys_report_of_the_same_incident(
        redis_client: redis.Redis, tmp_path) -> None:
    """Gaza's 51 dead and the next report's 53 "Palestinians" (no province named) are one
    toll told twice: the province's figure is also held in its country's fact, where it
    meets the country's figures of the same story, and never another province's (the West
    Bank's 2 is no report of Gaza's toll)."""
    from monitor.replay import replay
    from monitor.settings import Settings

    routes = tmp_path / "routes.yaml"
    routes.write_text("routes: []\n", encoding="utf-8")
    title = "مقتل فلسطينيين برصاص الجيش الإسرائيلي في احتجاجات مسيرة العودة"
    gaza = art("a", 0, title, "قالت وزارة الصحة إن 51 فلسطينيا قتلوا برصاص الجيش الإسرائيلي "
               "في احتجاجات مسيرة العودة قرب السياج الحدودي في قطاع غزة.")
    country = art("b", 5, title, "قالت وزارة الصحة إن 53 فلسطينيا قتلوا برصاص الجيش "
                  "الإسرائيلي في فلسطين خلال احتجاجات مسيرة العودة قرب السياج الحدودي.")
    bank = art("c", 6, "مقتل فلسطينيين في الضفة الغربية", "قتل 2 فلسطينيا برصاص الجيش "
               "الإسرائيلي في مدينة نابلس بالضفة الغربية.")
    got = replay(redis_client, "inc-view", [gaza, country, bank], Settings(routes_file=routes))
    pairs = {(a.previous["article_id"], a.current["article_id"], a.fact_key) for a in got}
    assert ("a", "b", "killed:person:ps:total") in pairs
    assert not any("c" in p[:2] for p in pairs)


def test_a_provinces_figure_arriving_last_is_settled_with_the_countrys_own_figures(
        ) -> None:
    """In its country's fact a province's figure meets only the country's own figures, so
    arriving last (decided alone) it is not settled with another province's: those are
    not even decoded, unless `_set_current` may need one as a standing claim."""
    from monitor.facts.store import _settled_with, _standing_member, to_record

    def stored(i: str, text: str, key: str) -> tuple[bytes, ClaimRecord]:
        a = art(i, 0, "مقتل فلسطينيين برصاص الجيش الإسرائيلي", text)
        rec = to_record(extract_claims(a)[0], a).model_copy(update={"fact_key": key})
        return rec.model_dump_json().encode(), rec

    fact = "killed:person:ps:total"
    gaza, g = stored("gaza", "قتل 51 فلسطينيا برصاص الجيش الإسرائيلي في غزة.",
                     "killed:person:ps.gaza:total")
    own, _ = stored("ps", "قتل 53 فلسطينيا برصاص الجيش الإسرائيلي.", fact)
    _, bank = stored("bank", "قتل 2 فلسطينيا برصاص الجيش الإسرائيلي في نابلس.",
                     "killed:person:ps.westbank:total")
    keep = _settled_with(bank, fact, True, [])
    assert keep(own) and not keep(gaza)
    assert _settled_with(bank, fact, True, [_standing_member(g)])(gaza)
    # Arriving before a later claim it may change, or as the country's own: all of them.
    assert _settled_with(bank, fact, False, [])(gaza)
    assert _settled_with(g.model_copy(update={"fact_key": fact}), fact, True, [])(gaza)


def test_a_stored_claim_decoded_twice_is_each_readers_own() -> None:
    # The store decodes the same stored bytes once per process (a window is read again at
    # every claim that lands in it); a settle writes verdicts on what it read, and that
    # must never be what the next reader of the same bytes sees.
    from monitor.facts.store import _claim, to_record

    a = art("homs", 0, *HOMS)
    raw = to_record(extract_claims(a)[0], a).model_dump_json().encode()
    first = _claim(raw)
    first.verdict, first.compared_with = "contradicts", "another"
    again = _claim(raw)
    assert (again.verdict, again.compared_with) == ("new", None)
    assert again is not first and again.story == first.story


def test_missiles_fired_on_one_day_are_one_strike(redis_client: redis.Redis) -> None:
    # Their key names the thing, the country and the month; two reports of it the same day
    # share few words (Russia's 103 and Syria's 110 on 14 April 2018: cosine 0.08) and no
    # other strike. A strike two days later is another, unless its story says otherwise.
    russia = art("ru", 0, "موسكو: الدفاعات السورية تصدت للضربة", "أعلن الجيش الروسي أن "
                 "الدول الغربية الثلاث أطلقت 103 صواريخ كروز على سوريا فجر السبت.")
    syria = art("sy", 4, "بيان القيادة العامة", "قالت القيادة العامة للقوات المسلحة إن 110 "
                "صواريخ أطلقت على مواقع في سوريا فيما أسمته العدوان الثلاثي.")
    later = art("il", 52, "غارة على مطار التيفور", "أطلقت طائرات حربية 8 صواريخ على مطار "
                "التيفور العسكري في سوريا، وفق وسائل إعلام رسمية.")
    got = alerts(redis_client, "inc-missiles", [russia, syria, later])
    assert got == {("ru", "sy", "contradicts")}


def test_a_series_never_meets_a_toll_a_tenth_of_it(redis_client: redis.Redis) -> None:
    # A day's three dead in Rafah and the 118 since the protests began, the same day and
    # place: the series moved on from no such count.
    day = art("day", 0, "قصف مدفعي شرقي رفح", "قتل ثلاثة فلسطينيين وأصيب آخر بجراح في قصف "
              "مدفعي للجيش الإسرائيلي شرقي رفح بقطاع غزة صباح الأحد.")
    since = art("since", 4, "قصف مدفعي على غزة", "ومنذ بدء مسيرات العودة قتل ما لا يقل عن 118 "
                "فلسطينيا وأصيب آلاف آخرون في قطاع غزة، بحسب وزارة الصحة.")
    assert alerts(redis_client, "inc-tenth", [day, since]) == set()


MORNING = ("قتلى في قصف على سوق في تعز", "قتل 50 شخصا في قصف استهدف سوقا شعبية في مدينة تعز "
           "صباح الخميس، بحسب مصادر طبية في المدينة.")
EVENING = ("ارتفاع حصيلة قصف سوق تعز", "ارتفعت حصيلة القصف على السوق الشعبية في مدينة تعز "
           "حتى الآن إلى 75 قتيلا، بحسب مصادر طبية في المدينة.")


def test_a_series_fact_settles_the_same_in_any_arrival_order(redis_client: redis.Redis
                                                              ) -> None:
    # The store reads a fact's whole history only for a point of a series or a claim that
    # arrives before one (it may become the point's anchor); every other claim, the latest
    # as reports mostly come, reads its window. Every order ends where published order does.
    import itertools

    # The wedding's toll, two days before the later war total, lies within that point's
    # window while the war's first total does not: arriving last, it must not settle the
    # later point on its window alone.
    arts = [art("war", 0, *SERIES), art("morning", 30, *MORNING),
            art("evening", 38, *EVENING), art("wedding", 24 * 38, *ONE_DAY),
            art("war2", 24 * 40, *SERIES_LATER)]
    want = alerts(redis_client, "inc-sord", arts)
    assert ("morning", "evening", "updates") in want and ("war", "war2", "updates") in want
    for k, order in enumerate(itertools.permutations(arts)):
        if k % 7 == 0:  # 18 of the 120 orders: every first article, every last
            assert alerts(redis_client, f"inc-sord{k}", list(order)) == want, k


def test_a_figure_written_twice_in_its_sentence_is_read_where_it_stands() -> None:
    # "أربعة" twice, "21" inside "121": each claim keeps its own place in the sentence, so
    # what is read around it (series cue, day, the noun after it) is its own.
    text = ("قُتل أربعة عناصر أمن وأصيب أربعة آخرون بجروح الخميس. وقتل من جراء العواصف "
            "121 شخصا، وقتل 21 آخرون منذ بدء موسم الأمطار.")
    found = extract_claims(Article(id="twice", text=text))
    for c in found:
        assert c.sentence[c.figure_at():c.figure_at() + len(c.text)] == c.text
    fours = sorted(c.figure_at() for c in found if c.text == "أربعة")
    assert len(fours) == 2 and fours[0] < fours[1]
    (storms,) = [c for c in found if c.text == "21"]
    assert storms.figure_at() == storms.sentence.index(" 21 ") + 1
    assert is_series(storms)


def test_counts_over_spans_of_other_lengths_do_not_meet(redis_client: redis.Redis) -> None:
    # Real Sky News, 13 and 15 May 2018: a day's tally of one front against a two days'
    # one of the same front, both of Houthis killed on Yemen's west coast.
    title = "معارك الساحل الغربي في اليمن"
    day = art("day", 0, title, "أفاد مراسل سكاي نيوز عربية بأن حصيلة قتلى ميليشيا الحوثي في "
              "المواجهات في الساحل الغربي لليمن خلال الساعات الـ24 الماضية بلغت 68 قتيلا.")
    two = art("two", 30, title, "قتل 87 من ميليشيا الحوثي في معارك الساحل الغربي لليمن في "
              "يومين، بحسب مراسل سكاي نيوز عربية.")
    again = art("again", 40, title, "قتل 95 من ميليشيا الحوثي في معارك الساحل الغربي لليمن "
                "خلال 48 ساعة، بحسب مراسل سكاي نيوز عربية.")
    (d,) = [c for c in extract_claims(day) if c.text == "68"]
    (t,) = [c for c in extract_claims(two) if c.text == "87"]
    assert (span_days(d), span_days(t)) == (1, 2)
    got = alerts(redis_client, "inc-spans", [day, two, again])
    assert not any("day" in (p, c) for p, c, _ in got)
    assert ("two", "again", "updates") in got


def test_a_count_of_the_past_24_hours_holds_nothing_reported_before_them(
        redis_client: redis.Redis) -> None:
    # Real Sky News, 27 and 28 May 2018: a front's tally, then "in the past 24 hours" 28
    # hours later: two days' counts. Within the window the earlier figure is its report.
    title = "معارك الساحل الغربي في اليمن"
    front = art("front", 0, title, "قتل 64 عنصرا من ميليشيات الحوثي في مواجهات مع المقاومة "
                "في جبهات متفرقة في الساحل الغربي لليمن.")
    window = ("فيما قتل 96 مسلحا من ميليشيات الحوثي في جبهة الساحل الغربي لليمن خلال الساعات "
              "الأربع والعشرين الماضية.")
    assert alerts(redis_client, "inc-window", [front, art("next", 28, title, window)]) == set()
    assert {(p, c) for p, c, _ in alerts(redis_client, "inc-window-in",
                                         [front, art("same", 10, title, window)])} \
        == {("front", "same")}


def test_a_figure_an_article_prints_twice_pages_once(redis_client: redis.Redis) -> None:
    # France 24 printed one paragraph twice ("35 -> 46" raised two alerts in the sealed
    # week): a report that repeats its figure is one report of it, and one alert.
    from monitor.alerts.ledger import build_alert

    title, body = HOMS_2
    store = FactStore(redis_client, Keys("inc-twice"), tolerance=0.1, later_days=14)
    raised = []
    for a in (art("homs", 0, *HOMS), art("homs2", 8, title, f"{body}\n{body}")):
        for c in extract_claims(a):
            if c.fact_key and c.modality == "count":
                rec = store.record(as_series(c), a)
                raised += [build_alert(rec.fact, r) for r in rec.raised]
    pairs = [(r.previous["article_id"], r.current["article_id"], r.current["text"])
             for r in raised]
    assert pairs == [("homs", "homs2", "19")]
    kept = store.get(raised[0].fact_key)
    assert kept is not None
    repeats = [c for c in kept[1] if c.article_id == "homs2"]
    assert len(repeats) == 2  # both are kept as claims of the fact; one of them is the alert


def test_a_figure_given_again_by_another_speaker_pages_once(redis_client: redis.Redis
                                                            ) -> None:
    # CNN's "257" in its lede, from the defence ministry, and again in its own words in the
    # body: both disagree with the same earlier 180, and one disagreement is one page, even
    # when the second says "about" the same figure.
    title = HOMS_2[0]
    body = ("قتل 19 شخصا في الغارات الجوية التي استهدفت سوقا شعبية مزدحما بالمتسوقين في "
            "سوريا الاثنين. وقال مسؤول في الدفاع المدني السوري إن نحو 19 شخصا قتلوا في "
            "الغارات الجوية على السوق في سوريا.")
    arts = [art("homs", 0, *HOMS), art("homs2", 8, title, body)]
    for ns, arrival in (("inc-again", arts), ("inc-again-late", arts[::-1])):
        got = alerts(redis_client, ns, arrival)
        assert {(p, c) for p, c, _ in got} == {("homs", "homs2")}
        store = FactStore(redis_client, Keys(ns), tolerance=0.1, later_days=14)
        held = [c for key in store.fact_keys() for c in store.get(key)[1]  # type: ignore[index]
                if c.article_id == "homs2"]
        assert len({c.attributed_to for c in held}) == 2  # two claims, two speakers...
        assert sum(c.verdict in ("updates", "contradicts") for c in held) == 1  # one alert
