"""Encoded pages: the body of a page in cp1251, cp1254, Shift_JIS, GB18030, Big5 or UTF-16 comes back
as the same characters as the UTF-8 original, with and without a declared <meta charset>.

Pages without a declared charset are decoded by detection on the page's text (charset-normalizer);
the pages here are a realistic article of several paragraphs, as a short snippet can honestly be
read in more than one charset.
"""
from __future__ import annotations

import random

import pytest

from cleaner import errors
from cleaner.decode import decode

ARTICLES = {
    "ru": ["Городской совет во вторник проголосовал за то, чтобы центральная библиотека работала по будням "
           "до девяти часов вечера. Петицию об этом подписали более четырёх тысяч жителей.",
           "Сторонники решения говорят, что студентам и работникам ночных смен негде спокойно читать после "
           "работы, а читальные залы во время сессии заполняются уже к вечеру.",
           "Дополнительные часы обойдутся примерно в двести тысяч рублей в год. Совет покроет расходы, "
           "отложив ремонт муниципальной парковки до следующего бюджета.",
           "Противники считают, что деньги лучше потратить на районные филиалы, многие из которых теперь "
           "открыты только три дня в неделю.",
           "Новый график начнёт действовать в сентябре и будет пересмотрен через год, когда библиотека "
           "отчитается о числе вечерних посетителей."],
    "tr": ["Belediye meclisi salı günü merkez kütüphanenin hafta içi akşam dokuza kadar açık kalmasını "
           "oyladı. Dört binden fazla sakinin imzaladığı bir dilekçe daha uzun çalışma saatleri istemişti.",
           "Destekçiler, öğrencilerin ve vardiyalı çalışanların işten sonra sessizce okuyabilecekleri çok az "
           "yer olduğunu, sınav döneminde okuma salonlarının öğleden sonra dolduğunu söyledi.",
           "Ek saatlerin yıllık maliyeti yaklaşık iki yüz bin lira olacak; meclis bu gideri belediye "
           "otoparkının yenilenmesini bir sonraki bütçeye erteleyerek karşılamayı planlıyor.",
           "Karşı çıkan üyeler, paranın şu anda haftada yalnızca üç gün açık olan ilçe şubelerine "
           "harcanmasının daha doğru olacağını savundu.",
           "Yeni çalışma saatleri eylülde başlayacak ve bir yıl sonra, kütüphane akşam saatlerinde okuma "
           "salonlarını kaç kişinin kullandığını bildirdiğinde yeniden değerlendirilecek."],
    # Shift_JIS differs from cp932 (what browsers decode "shift_jis" as) only in 〜 ‖ − ¢ £ ¬ and the
    # backslash; the text avoids them.
    "ja": ["市議会は火曜日、中央図書館を平日の午後九時まで開館することを賛成多数で可決した。四千人を超える住民が"
           "開館時間の延長を求める請願に署名していた。",
           "賛成派は、学生や交代勤務の労働者には仕事の後に静かに本を読める場所がほとんどなく、試験期間には閲覧室が"
           "夕方までに満席になると訴えた。",
           "延長にかかる費用は年間約二千万円で、市は市営駐車場の改修を次年度予算に先送りして財源に充てる方針だ。",
           "反対派の議員は、週三日しか開いていない地域の分館にこそ予算を使うべきだと主張した。",
           "新しい開館時間は九月から始まり、一年後に夜間の利用者数の報告を受けて見直される。"],
    "zh-hans": ["市议会周二投票通过，将中央图书馆工作日的开放时间延长至晚上九点。此前，四千多名居民联名请愿，"
                "要求延长开放时间。",
                "支持者表示，学生和轮班工人下班后几乎没有可以安静读书的地方，考试期间阅览室往往傍晚就已坐满。",
                "延长开放每年约需二十万元，市议会计划推迟市政停车场的翻修工程，把这笔钱挪到下一年度预算中。",
                "反对者认为，这笔钱更应该用在郊区的分馆上，其中不少分馆现在每周只开放三天。",
                "新的开放时间将于九月开始实行，一年后图书馆需报告晚间读者人数，届时再作评估。"],
    "zh-hant": ["市議會週二投票通過，將中央圖書館平日的開放時間延長至晚上九點。此前，四千多名居民聯名請願，"
                "要求延長開放時間。",
                "支持者表示，學生和輪班工人下班後幾乎沒有可以安靜讀書的地方，考試期間閱覽室往往傍晚就已坐滿。",
                "延長開放每年約需二十萬元，市議會計劃推遲市政停車場的翻修工程，把這筆錢挪到下一年度預算中。",
                "反對者認為，這筆錢更應該用在郊區的分館上，其中不少分館現在每週只開放三天。",
                "新的開放時間將於九月開始實行，一年後圖書館需報告晚間讀者人數，屆時再作評估。"],
    "hi": ["नगर परिषद ने मंगलवार को केंद्रीय पुस्तकालय को सप्ताह के दिनों में रात नौ बजे तक खुला रखने के पक्ष में "
           "मतदान किया। चार हज़ार से अधिक निवासियों ने इसके लिए याचिका पर हस्ताक्षर किए थे।",
           "समर्थकों ने कहा कि छात्रों और पाली में काम करने वालों के पास काम के बाद शांति से पढ़ने की बहुत कम जगहें "
           "हैं, और परीक्षा के दिनों में वाचनालय शाम तक भर जाते हैं।",
           "अतिरिक्त घंटों पर हर साल लगभग बीस लाख रुपये खर्च होंगे, जिसे परिषद पार्किंग की मरम्मत को अगले बजट तक "
           "टालकर पूरा करेगी।",
           "विरोधियों का कहना था कि यह पैसा बाहरी इलाक़ों की शाखाओं पर खर्च होना चाहिए, जिनमें से कई अब सप्ताह में "
           "केवल तीन दिन खुलती हैं।",
           "नया समय सितंबर से लागू होगा और एक साल बाद इसकी समीक्षा की जाएगी।"],
}
# (encoding of the bytes, language of the article, label written in <meta charset>)
ENCODINGS = [
    ("cp1251", "ru", "windows-1251"),
    ("cp1254", "tr", "windows-1254"),
    ("shift_jis", "ja", "Shift_JIS"),
    ("gb18030", "zh-hans", "GB18030"),
    ("big5", "zh-hant", "Big5"),
    ("utf-16", "hi", "utf-16"),       # with a byte-order mark
    ("utf-16-le", "hi", "utf-16"),    # without one: every other byte of the markup is NUL
    ("utf-16-be", "hi", "utf-16"),
]


def page(lang: str, meta: str = "") -> str:
    paragraphs = "".join(f"<p>{p}</p>" for p in ARTICLES[lang])
    return (f"<!DOCTYPE html><html lang='{lang}'><head>{meta}<title>{ARTICLES[lang][0][:30]}</title>"
            "<style>body { font-family: serif; }</style><script>var ads = [];</script></head>"
            "<body><nav><a href='/'>Home</a> | <a href='/news'>News</a></nav><article>"
            f"{paragraphs}</article><footer>&copy; 2026</footer></body></html>")


def test_charset_detection_is_installed():
    # decode() detects undeclared charsets with charset-normalizer; without it, bs4's UnicodeDammit
    # (absent chardet) tries only UTF-8 and windows-1252, and every page below decodes as mojibake.
    import importlib.util
    assert importlib.util.find_spec("charset_normalizer"), "charset-normalizer must be installed (a dependency)"


@pytest.mark.parametrize("declared", [True, False], ids=["declared", "undeclared"])
@pytest.mark.parametrize("encoding,lang,label", ENCODINGS, ids=[e[0] for e in ENCODINGS])
def test_body_comes_back_as_the_same_characters(cleaner_default, encoding, lang, label, declared):
    html = page(lang, f'<meta charset="{label}">' if declared else "")
    data = html.encode(encoding)
    assert decode(data) == html
    original = cleaner_default.clean(html)
    result = cleaner_default.clean(data)
    assert [p.text for p in result.paragraphs] == [p.text for p in original.paragraphs]
    assert result.text == original.text and result.to_dict() == original.to_dict()
    body = [p.text for p in result.paragraphs]
    for paragraph in ARTICLES[lang]:
        assert paragraph in body


def test_a_charset_declared_by_the_server_is_used(cleaner_default):
    html = page("ru")
    assert cleaner_default.clean(html.encode("cp1251"), charset="windows-1251").text == cleaner_default.clean(html).text


def test_labels_are_read_as_browsers_read_them():
    # latin-1 means cp1252 (curly quotes, not C1 controls); gb2312 means GBK; shift_jis means cp932.
    assert decode('<meta charset="iso-8859-1"><p>“Quoted” – café</p>'.encode("cp1252")).endswith("“Quoted” – café</p>")
    assert decode('<meta charset="gb2312"><p>镕基</p>'.encode("gbk")).endswith("镕基</p>")
    assert decode('<meta charset="shift_jis"><p>①②髙</p>'.encode("cp932")).endswith("①②髙</p>")


def test_a_utf8_page_with_a_few_bad_bytes_stays_utf8():
    html = page("ru").encode("utf-8")
    cut = html.index("вторник".encode()) + 1  # inside a two-byte character
    for data in (html[:cut] + b"\xff" + html[cut:],                        # a stray byte
                 html[:cut],                                                # a page cut inside a character
                 html[:500] + "café “x”".encode("cp1252") + html[500:]):   # a pasted cp1252 fragment
        text = decode(data)
        assert "Городской совет" in text and text.count("\ufffd") <= 3


def test_a_utf8_page_with_a_wrong_meta_charset_is_utf8():
    html = page("ru", '<meta charset="iso-8859-1">')
    assert decode(html.encode("utf-8")) == html


def test_binary_data_is_refused_with_a_reason():
    data = bytes(range(256)) * 400  # every byte value, a tenth of them control bytes
    with pytest.raises(errors.DecodeError) as e:
        decode(data)
    assert "binary data" in str(e.value) and "charset=" in str(e.value)
    with pytest.raises(errors.DecodeError):
        decode(random.Random(8).randbytes(100_000))


def test_an_unknown_declared_charset_is_a_named_error():
    with pytest.raises(errors.DecodeError) as e:
        decode(b"<p>x</p>", "no-such-charset")
    assert "no-such-charset" in str(e.value)
