"""Articles in one language with consent notices in another: the notice goes, the article stays.

The texts below were written for these tests (fictional news, invented consent notices); they
need no ../shared. The last tests run the held-out evaluation when ../shared is present.
Set NEWSBODY_TEST_MODEL=path/to/model.joblib to run the same checks against another model.
"""
from __future__ import annotations

import os
import re

import pytest

import cleaner
from cleaner.augment import Snippet
from cleaner.multilingual import (FORMS, REQUIRED_LANGUAGES, build_pages, evaluate_multilingual, match,
                                  run_multilingual)

from conftest import shared_file

TITLES = {
    "en": "River ferry line reopens after two years of repairs",
    "tr": "Kentin en eski kütüphanesi yeniden kapılarını açtı",
    "az": "Bakıda yeni metro stansiyası istifadəyə verildi",
    "ru": "В Новосибирске открылся новый мост через Обь",
    "ar": "افتتاح أكبر محطة لتحلية المياه على ساحل البحر الأحمر",
    "zh": "南方多地迎来强降雨 部分航班取消",
}

ARTICLES = {
    "en": [
        "The ferry service between the old harbour and the northern suburbs resumed on Monday morning, two "
        "years after storm damage closed both landing stages. The first boat left at 6:40 with about ninety "
        "passengers on board, many of them commuters who had spent the closure on crowded replacement buses.",
        "City officials said the repairs cost 14 million euros, most of it spent on new pontoons and a sea wall "
        "meant to withstand the winter floods that have become more frequent along the estuary. The work took "
        "eight months longer than planned after divers found the old foundations weaker than surveys suggested.",
        "Boats will run every twenty minutes at peak times and every forty minutes in the evening. A single "
        "ticket costs the same as a bus fare, and monthly passes issued for the replacement buses will be "
        "accepted on the ferry until the end of the year.",
        "Residents of the northern suburbs welcomed the return of the service but asked for a later last "
        "departure. \"The last boat leaves at ten, which is too early for anyone who works in a restaurant,\" "
        "said Maria Lind, who chairs the local residents' association. The transport authority said it would "
        "review the timetable in the spring.",
    ],
    "tr": [
        "Şehir merkezindeki tarihi halk kütüphanesi, iki yıl süren restorasyon çalışmalarının ardından pazartesi "
        "günü yeniden ziyaretçilere açıldı. Açılışın ilk saatlerinde yüzlerce kişi, yenilenen okuma salonlarını "
        "görmek için binanın önünde sıraya girdi.",
        "Belediye yetkilileri, restorasyonun toplam maliyetinin 38 milyon lira olduğunu ve masrafların büyük "
        "bölümünün çatının onarımı ile deprem güçlendirmesine harcandığını açıkladı. Çalışmalar sırasında bodrum "
        "katta, kayıtlarda yer almayan eski gazete arşivleri de bulundu.",
        "Kütüphane artık hafta içi sabah sekizden gece on bire kadar açık kalacak. Üniversite sınavlarına "
        "hazırlanan öğrenciler için ayrılan sessiz çalışma salonunda iki yüz kişilik yer bulunuyor ve ücretsiz "
        "internet erişimi sağlanıyor.",
        "Kütüphane müdürü Ayşe Karaca, bulunan arşivlerin dijital ortama aktarılacağını ve gelecek yıl içinde "
        "herkesin erişimine açılacağını söyledi. Karaca, \"Bu belgeler şehrin yüz yıllık hafızası, onları korumak "
        "bizim görevimiz\" diye konuştu.",
    ],
    "az": [
        "Bakı metropoliteninin yeni stansiyası bazar ertəsi səhər sərnişinlərin istifadəsinə verildi. Açılış "
        "mərasimində nəqliyyat nazirliyinin rəsmiləri, tikintidə çalışan mühəndislər və şəhər sakinləri iştirak "
        "etdilər.",
        "Stansiyanın tikintisi üç il davam edib və layihəyə təxminən yüz milyon manat vəsait sərf olunub. "
        "Mütəxəssislərin sözlərinə görə, yeni stansiya gündə qırx min sərnişinə xidmət göstərəcək və yaxınlıqdakı "
        "avtobus xətlərinin yükünü xeyli azaldacaq.",
        "Sərnişinlər yeni stansiyanın geniş platformalarını və müasir havalandırma sistemini bəyəndiklərini "
        "bildirdilər. Əlilliyi olan şəxslər üçün liftlər quraşdırılıb, girişlərdə isə xüsusi yönləndirici "
        "zolaqlar çəkilib.",
        "Metropolitenin rəhbərliyi gələn il daha iki stansiyanın açılmasının planlaşdırıldığını açıqladı. "
        "Rəsmilərin bildirdiyinə görə, bu layihələr şəhərin şimal rayonlarında yaşayanların mərkəzə çatma "
        "vaxtını yarıya qədər qısaldacaq.",
    ],
    "ru": [
        "В понедельник в Новосибирске открыли движение по новому мосту через Обь. Строительство продолжалось "
        "четыре года и обошлось городскому и федеральному бюджетам почти в сорок миллиардов рублей.",
        "По словам представителей мэрии, новый мост должен разгрузить два старых перехода, на которых в часы пик "
        "образуются многокилометровые пробки. Ожидается, что ежедневно по нему будут проезжать до семидесяти "
        "тысяч автомобилей.",
        "Жители левобережья встретили открытие с облегчением: многие из них тратили на дорогу до работы больше "
        "часа. Вместе с мостом заработали и две новые автобусные линии, которые связывают спальные районы с "
        "центром города.",
        "Экологи, однако, напоминают, что при строительстве была вырублена часть прибрежной рощи. Власти "
        "пообещали высадить на набережной более трёх тысяч деревьев до конца следующего года.",
    ],
    "ar": [
        "افتتحت الحكومة يوم الاثنين محطة جديدة لتحلية مياه البحر على ساحل البحر الأحمر، قالت إنها ستوفر مياه "
        "الشرب لأكثر من مليون نسمة في المدن الساحلية. واستغرق بناء المحطة ثلاث سنوات بتكلفة بلغت نحو ثمانمئة "
        "مليون دولار.",
        "وأوضح وزير المياه في مؤتمر صحفي أن المحطة تعمل جزئيا بالطاقة الشمسية، مما يقلل استهلاك الوقود بنحو "
        "الثلث مقارنة بالمحطات القديمة. وأضاف أن المرحلة الثانية من المشروع ستبدأ في العام المقبل.",
        "ورحب سكان المنطقة بافتتاح المحطة بعد سنوات من انقطاع المياه المتكرر خلال أشهر الصيف. وقالت إحدى "
        "سيدات المدينة إن عائلتها كانت تضطر إلى شراء المياه من الشاحنات بأسعار مرتفعة.",
        "غير أن خبراء البيئة حذروا من تأثير المياه شديدة الملوحة التي تعيدها المحطة إلى البحر على الشعاب "
        "المرجانية القريبة، وطالبوا الجهات المسؤولة بنشر نتائج دراسات الأثر البيئي ومراقبة جودة المياه بشكل دوري.",
    ],
    "zh": [
        "受强对流天气影响，南方多个省份自周一起出现持续强降雨，部分地区单日降雨量超过两百毫米。气象部门已发布"
        "暴雨橙色预警，提醒市民减少不必要的外出。",
        "截至周二中午，当地机场已取消六十余个进出港航班，多条高速公路实行临时交通管制。铁路部门表示，部分列车"
        "将晚点运行，旅客可以在购票平台免费办理退票或改签。",
        "在受灾较重的沿河村镇，救援人员连夜转移了一千多名群众。当地政府在学校和体育馆设立了临时安置点，为受灾"
        "群众提供食物、饮用水和药品。",
        "专家提醒，未来三天降雨仍将持续，山区发生山洪和泥石流的风险较高。有关部门要求各地加强巡查，及时发布预警"
        "信息，确保群众生命财产安全。",
    ],
}

CONSENT = {
    "tr": "Web sitemizde deneyiminizi iyileştirmek ve ziyaretçi trafiğini analiz etmek için çerezler "
          "kullanıyoruz. Sitemizi kullanmaya devam ederek kişisel verilerinizin Gizlilik Politikası kapsamında "
          "işlenmesini kabul etmiş olursunuz. Çerez tercihlerinizi dilediğiniz zaman tarayıcı ayarlarından "
          "değiştirebilirsiniz.",
    "az": "Bu sayt sizə daha yaxşı xidmət göstərmək üçün kukilərdən istifadə edir. Saytdan istifadəyə davam "
          "etməklə siz şəxsi məlumatlarınızın emalına razılıq vermiş olursunuz. Ətraflı məlumat üçün məxfilik "
          "siyasətimizlə tanış ola bilərsiniz.",
    "ru": "Мы используем файлы cookie, чтобы сайт работал корректно, и для анализа посещаемости. Продолжая "
          "пользоваться сайтом, вы соглашаетесь на обработку персональных данных в соответствии с нашей политикой "
          "конфиденциальности. Отключить файлы cookie можно в настройках браузера.",
    "ar": "نستخدم ملفات تعريف الارتباط لتحسين تجربتك على موقعنا وتحليل حركة الزوار. باستمرارك في تصفح الموقع "
          "فإنك توافق على استخدامنا لملفات تعريف الارتباط ومعالجة بياناتك الشخصية وفقا لسياسة الخصوصية. يمكنك "
          "تغيير إعداداتك في أي وقت.",
    "zh": "本网站使用Cookie来改善您的浏览体验并分析网站流量。继续使用本网站即表示您同意我们按照隐私政策收集和处理"
          "您的个人数据。您可以随时在浏览器设置中管理或删除Cookie。",
}

# (consent language, article language): each notice under every other article of the set and English.
COMBINATIONS = [(c, a) for c in CONSENT for a in ("en", *CONSENT) if a != c]
IDS = [f"{c}-consent-under-{a}-article" for c, a in COMBINATIONS]
# Known misses of the shipped model, tracked in the Multilingual issue; strict, so a fix shows up as XPASS.
# (The Chinese article under a Turkish notice, lost before features v7 and cross-fitting by site, is kept.)
KNOWN_LOST_BODY: dict[tuple[str, str], str] = {}
ARTICLE_CASES = [pytest.param(c, a, id=i, marks=pytest.mark.xfail(reason=KNOWN_LOST_BODY[(c, a)], strict=True))
                 if (c, a) in KNOWN_LOST_BODY else pytest.param(c, a, id=i)
                 for (c, a), i in zip(COMBINATIONS, IDS)]

TR_TITLE = "Karadeniz'de hamsi sezonu beklenenden erken başladı"
TR_ARTICLE = [
    "Karadeniz kıyısındaki balıkçılar, bu yıl hamsi sezonunun her zamankinden iki hafta erken başladığını "
    "söylüyor. Trabzon ve Rize limanlarına dönen tekneler, sezonun ilk gecesinde toplam yüz ton civarında balık "
    "getirdi.",
    "Balıkçılar Kooperatifi Başkanı Mehmet Yılmaz, deniz suyu sıcaklığının bu sonbahar normalin üzerinde "
    "seyrettiğini ve balık sürülerinin kıyıya daha erken yaklaştığını belirtti. Yılmaz, bolluğun sürmesi halinde "
    "fiyatların önümüzdeki günlerde daha da düşebileceğini ifade etti.",
    "Semt pazarlarında hamsinin kilosu hafta sonu 120 liradan satıldı. Geçen yılın aynı döneminde fiyatlar "
    "bunun neredeyse iki katıydı. Pazarcılar, yoğun talep nedeniyle tezgahların öğle saatlerinde boşaldığını "
    "anlattı.",
    "Deniz bilimciler ise erken sezonun her zaman iyi haber olmadığı konusunda uyarıyor. Karadeniz Teknik "
    "Üniversitesi'nden bir araştırmacı, küçük boylu balıkların avlanmasının gelecek yıllarda stokları ciddi "
    "biçimde azaltabileceğini söyledi.",
    "Tarım ve Orman Bakanlığı, av yasağına uymayan teknelere bu sezon daha sıkı denetim uygulanacağını duyurdu. "
    "Kurallara aykırı avlanan teknelerin ruhsatlarının üç aya kadar askıya alınabileceği açıklandı.",
]
TR_COOKIE = ("Bu sitede size daha iyi bir hizmet sunabilmek için çerezler kullanılmaktadır. Çerezler ve kişisel "
             "verilerinizin işlenmesi hakkında ayrıntılı bilgi almak için Çerez Politikamızı okuyabilirsiniz.")
TR_SHARE = "Paylaş: Facebook · X · WhatsApp · E-posta"


@pytest.fixture(scope="module")
def clean():
    """cleaner.clean with the shipped model (or the model named by NEWSBODY_TEST_MODEL)."""
    path = os.environ.get("NEWSBODY_TEST_MODEL")
    return cleaner.Cleaner(path).clean if path else cleaner.clean


def _norm(text: str) -> str:
    return " ".join(text.split())


def _find(result, text: str):
    want = _norm(text)
    found = [p for p in result.paragraphs if _norm(p.text) == want]
    assert found, f"segmentation lost the paragraph {text[:50]!r}; got {[p.text[:30] for p in result.paragraphs]}"
    return found[0]


def _describe(paragraphs) -> str:
    return "; ".join(f"p_body={p.p_body:.3f} lang={p.lang} reason={p.reason!r} text={p.text[:40]!r}"
                     for p in paragraphs)


def _page(article_lang: str, consent_lang: str) -> str:
    return "\n\n".join([TITLES[article_lang], *ARTICLES[article_lang], CONSENT[consent_lang]]) + "\n"


@pytest.mark.parametrize("consent_lang,article_lang", COMBINATIONS, ids=IDS)
def test_consent_notice_in_another_language_is_dropped(clean, consent_lang, article_lang):
    result = clean(_page(article_lang, consent_lang))
    notice = _find(result, CONSENT[consent_lang])
    assert notice.keep is False, f"consent notice kept: {_describe([notice])}"


@pytest.mark.parametrize("consent_lang,article_lang", ARTICLE_CASES)
def test_article_under_a_foreign_consent_notice_is_kept_whole(clean, consent_lang, article_lang):
    result = clean(_page(article_lang, consent_lang))
    paragraphs = [_find(result, text) for text in ARTICLES[article_lang]]
    lost = [p for p in paragraphs if p.keep is not True]
    assert not lost, f"{len(lost)} of {len(paragraphs)} article paragraphs dropped: {_describe(lost)}"


TR_PAGE = "\n\n".join([TR_COOKIE, TR_TITLE, TR_SHARE, *TR_ARTICLE]) + "\n"
TR_CASES = [*((f"body-{i}", text, True) for i, text in enumerate(TR_ARTICLE, start=1)),
            ("cookie-notice", TR_COOKIE, False), ("share-line", TR_SHARE, False)]


@pytest.mark.parametrize("text,keep", [(t, k) for _, t, k in TR_CASES], ids=[n for n, _, _ in TR_CASES])
def test_turkish_article_with_turkish_boilerplate(clean, text, keep):
    result = clean(TR_PAGE)
    assert result.language == "tr"
    p = _find(result, text)
    assert p.keep is keep, f"expected keep={keep}: {_describe([p])}"


# --- the held-out evaluation harness -----------------------------------------------------------------

_OWN_SNIPPETS = [
    Snippet(text, lang, category, "tests/own")
    for lang, category, text in [
        ("en", "consent", "We use cookies to measure how our pages are read and to remember your choices."),
        ("en", "consent", "You can change your mind at any time in the privacy settings at the foot of each page."),
        ("en", "consent", "Cookie settings"),
        ("en", "consent_button", "Accept all"),
        ("en", "consent_button", "Reject"),
        ("en", "share", "Share on Facebook"),
        ("en", "share", "Send by e-mail"),
        ("en", "other", "Menu"),
        ("en", "other", "Search this site"),
        ("en", "reading_time", "4 min read"),
        ("en", "related", "Read next"),
        ("en", "comments", "Join the discussion"),
        ("en", "comments", "Sign in to leave a comment."),
        ("tr", "consent", "Sitemizde çerezler kullanıyoruz ve tercihlerinizi hatırlıyoruz."),
        ("tr", "consent", "Ayarlarınızı istediğiniz zaman sayfanın altındaki bağlantıdan değiştirebilirsiniz."),
        ("tr", "consent_button", "Kabul et"),
        ("tr", "share", "Paylaş"),
        ("tr", "other", "Ana sayfa"),
    ]
]
_OWN_BODIES = {"en": ARTICLES["en"], "tr": ARTICLES["tr"] + TR_ARTICLE}


def test_built_pages_are_deterministic_and_hide_the_answer_in_no_class_or_id():
    first = build_pages(_OWN_SNIPPETS, _OWN_BODIES, pages_per_lang=4, seed=3)
    again = build_pages(_OWN_SNIPPETS, _OWN_BODIES, pages_per_lang=4, seed=3)
    assert [f for pages in first.values() for _, f in pages] == [f for pages in again.values() for _, f in pages]
    for pages in first.values():
        for page, forms in pages:
            assert set(forms) == set(FORMS)
            assert not re.search(r"\b(class|id)\s*=", forms["html"]), forms["html"]
            assert any(p.category == "consent" for p in page.planted)
            assert sum(p.role == "title" for p in page.planted) == 1
            assert sum(p.role == "body" for p in page.planted) >= 3


def test_every_planted_paragraph_comes_back_from_segmentation_in_both_forms():
    from cleaner.api import segment

    for pages in build_pages(_OWN_SNIPPETS, _OWN_BODIES, pages_per_lang=6, seed=5).values():
        for page, forms in pages:
            for form in FORMS:
                seg = segment(forms[form])
                assert seg.kind == form
                how = [m[2] for m in match(page.planted, seg.paragraphs)]
                assert how == ["exact"] * len(how), (form, forms[form])
                assert len(seg.paragraphs) == len(page.planted), (form, [p.text for p in seg.paragraphs])


def test_held_out_evaluation_rows():
    boilerplate = shared_file("resources/boilerplate_strings.jsonl")
    bodies = shared_file("datasets/langid/dev.jsonl.gz")
    c = cleaner.Cleaner(os.environ["NEWSBODY_TEST_MODEL"]) if os.environ.get("NEWSBODY_TEST_MODEL") \
        else cleaner.default_cleaner()
    rows = evaluate_multilingual(c, boilerplate, bodies, pages_per_lang=2, seed=1)
    assert rows[-1]["lang"] == "ALL"
    by_lang = {r["lang"]: r for r in rows[:-1]}
    assert len(by_lang) == len(rows) - 1
    assert set(REQUIRED_LANGUAGES) <= set(by_lang), "every required language has a row, with or without text"
    keys = {"lang", "pages", "body_planted", "body_recall", "boilerplate_planted", "boilerplate_recall"}
    present = []
    for r in rows:
        assert keys <= set(r), r
        if r["lang"] != "ALL" and r["pages"] == 0:
            assert r["note"] == "no body text" and r["body_recall"] is None, r
            continue
        assert r["body_planted"] > 0 and r["boilerplate_planted"] > 0, r
        assert 0.0 <= r["body_recall"] <= 1.0 and 0.0 <= r["boilerplate_recall"] <= 1.0, r
        assert 0 <= r["body_distinct_lost"] <= r["body_distinct"] <= r["body_planted"], r
        assert (r["body_distinct_lost"] == 0) == (r["body_kept"] == r["body_planted"]), r
        if r["lang"] != "ALL":
            assert r["pages"] == 2
            assert r["unmatched"] == 0, f"segmentation lost planted paragraphs: {r}"
            present.append(r)
    total = rows[-1]
    assert total["body_planted"] == sum(r["body_planted"] for r in present)
    assert total["boilerplate_planted"] == sum(r["boilerplate_planted"] for r in present)
    assert total["body_recall"] == pytest.approx(sum(r["body_recall"] for r in present) / len(present))
    # Deterministic, and the same table as the full report, which adds the boilerplate-language table.
    report = run_multilingual(c, boilerplate, bodies, pages_per_lang=2, seed=1)
    assert report.by_body_lang == rows
    bp = report.by_boilerplate_lang
    assert bp[-1]["lang"] == "ALL"
    assert sum(r["boilerplate_planted"] for r in bp[:-1]) == total["boilerplate_planted"]


def test_a_miss_just_under_a_bar_is_written_below_it():
    from cleaner.multilingual import row_misses
    assert row_misses({"body_recall": 0.97999, "boilerplate_recall": 0.9497}) == \
        ["body 0.97999 < 0.98", "boilerplate 0.9497 < 0.95"]
    assert row_misses({"body_recall": 0.978, "boilerplate_recall": 0.99}) == ["body 0.978 < 0.98"]
